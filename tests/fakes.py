"""A deterministic fake embedder: pins down ranking logic without any model."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from qa.embedding import normalize


class FakeEmbedder:
    """Hashes character bigrams into a fixed-size bag; texts sharing bigrams get similar vectors."""

    def __init__(self, dim: int = 64, id: str = "fake:bigram-hash") -> None:
        self.dim = dim
        self.id = id
        self.calls: list[str] = []

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in zip(rows, texts, strict=True):
            for i in range(max(len(text) - 1, 1)):
                gram = text[i : i + 2].encode("utf-8")
                row[int.from_bytes(hashlib.blake2b(gram, digest_size=4).digest(), "big") % self.dim] += 1.0
        return normalize(rows + 1e-6)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append("query")
        return self._encode(texts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append("documents")
        return self._encode(texts)


class FixedEmbedder:
    """Returns preset vectors per exact text, to script a dense ranking in fusion tests."""

    def __init__(self, table: dict[str, list[float]], id: str = "fake:fixed") -> None:
        self.table = table
        self.dim = len(next(iter(table.values())))
        self.id = id

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return normalize(np.array([self.table[t] for t in texts], dtype=np.float32))

    encode_documents = encode_queries
