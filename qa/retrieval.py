"""Retrieval: BM25 and dense rankings over the same chunks, fused into one list of passages.

A `Ranker` supplies each ranking's candidates: `LocalRanker` from the in-memory indexes here, `qa.milvus`
from a Milvus collection. Fusion is the same code either way, so both stores give the same passages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

from qa.embedding import Embedder
from qa.lexical import LexicalIndex
from qa.types import Chunk, Passage

if TYPE_CHECKING:
    import faiss

CANDIDATES = 50
RESCUED = 2  # places the dense ranker fills in 'rescue' fusion
# Question vectors kept per retriever, then forgotten all at once: a follow-up re-asks the earlier question, which the
# page asked a moment before, and each encoding costs 10-15 ms of a 20 ms answer on two cores.
QUERY_VECTORS_KEPT = 256


class DenseIndex:
    """Inner-product search over L2-normalised vectors: exact (FAISS `IndexFlatIP`) unless a coded FAISS index is
    given (`approximate`, see `qa.store.derived.dense_index`)."""

    def __init__(self, vectors: np.ndarray | None = None, approximate: faiss.Index | None = None) -> None:
        import faiss

        # One query at a time: FAISS's thread pool only adds waiting on a busy machine (bench/SCALE.md measured
        # 14 ms of CPU per flat query at 10^4 chunks with its default threads, 0.5 ms with one).
        faiss.omp_set_num_threads(1)

        if approximate is not None:
            self._index = approximate
            self.dim = int(approximate.d)
            return
        if vectors is None:
            raise ValueError("give the vectors, or an approximate index built over them")
        self.dim = int(vectors.shape[1])
        self._index = faiss.IndexFlatIP(self.dim)
        for start in range(0, len(vectors), 100_000):  # in blocks: a memory-mapped array is never copied whole
            self._index.add(np.ascontiguousarray(vectors[start : start + 100_000], dtype=np.float32))

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        k = min(k, self._index.ntotal)
        if k <= 0:
            return []
        scores, ids = self._index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]


def top(scores: np.ndarray, n: int) -> np.ndarray:
    """Indices of the `n` highest scores, best first, ties by index (as a stable sort would give them).

    Partitions before sorting: over a million chunks a full sort costs ~100 ms, the partition ~7 ms.
    """
    if n >= len(scores):
        return np.argsort(-scores, kind="stable")
    cut = np.partition(scores, len(scores) - n)[len(scores) - n]  # the n-th highest value
    above = np.flatnonzero(scores > cut)
    tied = np.flatnonzero(scores == cut)[: n - len(above)]
    chosen = np.concatenate([above, tied])
    return chosen[np.argsort(-scores[chosen], kind="stable")]


class Ranker(Protocol):
    """Where fusion's candidates come from: each ranker's best chunks (by index) with their scores."""

    @property
    def dense(self) -> bool:
        """Whether `dense_top` can rank (the collection has vectors)."""
        ...

    def lexical_top(self, query: str, n: int) -> list[tuple[int, float]]:
        """The `n` best chunks by BM25 with a positive score, best first, ties by chunk index."""
        ...

    def lexical_of(self, query: str, ids: Sequence[int]) -> dict[int, float]:
        """The BM25 scores of chunks `ids` (those scoring 0 may be left out)."""
        ...

    def dense_top(self, qvec: np.ndarray, n: int) -> list[tuple[int, float]]:
        """The `n` chunks whose vectors have the largest inner product with `qvec`, best first."""
        ...


class LocalRanker:
    """Candidates from the in-memory BM25 and FAISS indexes."""

    def __init__(self, lexical: LexicalIndex, dense_index: DenseIndex | None = None) -> None:
        self.lexical = lexical
        self.dense_index = dense_index
        self._last: tuple[str, np.ndarray] | None = None  # `lexical_of` follows `lexical_top` for one query

    @property
    def dense(self) -> bool:
        return self.dense_index is not None

    def _scores(self, query: str) -> np.ndarray:
        if self._last is None or self._last[0] != query:
            self._last = (query, self.lexical.scores(query))
        return self._last[1]

    def lexical_top(self, query: str, n: int) -> list[tuple[int, float]]:
        scores = self._scores(query)
        return [(int(i), float(scores[i])) for i in top(scores, n) if scores[i] > 0]

    def lexical_of(self, query: str, ids: Sequence[int]) -> dict[int, float]:
        scores = self._scores(query)
        return {i: float(scores[i]) for i in ids}

    def dense_top(self, qvec: np.ndarray, n: int) -> list[tuple[int, float]]:
        return self.dense_index.search(qvec, n) if self.dense_index is not None else []


class Retriever:
    """Ranks chunks for a query with BM25, dense search when an embedder is present, and fusion.

    Candidates come from `ranker` when given (e.g. a Milvus collection), else from `lexical` and `dense`;
    `lexical` stays the corpus statistics the answerer reads either way.
    """

    def __init__(
        self,
        chunks: Sequence[Chunk],
        lexical: LexicalIndex,
        dense: DenseIndex | None = None,
        embedder: Embedder | None = None,
        fusion: str = "rrf",
        rrf_k: int = 60,
        dense_weight: float = 1.0,
        ranker: Ranker | None = None,
    ) -> None:
        if ranker is not None and dense is not None:
            raise ValueError("give a dense index or a ranker, not both")
        self.ranker: Ranker = ranker if ranker is not None else LocalRanker(lexical, dense)
        if self.ranker.dense != (embedder is not None):
            raise ValueError("dense index and embedder come together or not at all")
        self.chunks = chunks  # a ChunkTable makes each chunk on access: never copied whole
        self.lexical = lexical
        self.dense = dense
        self.embedder = embedder
        self.fusion = fusion
        self.rrf_k = rrf_k
        self.dense_weight = dense_weight
        self._query_vectors: dict[str, np.ndarray] = {}

    def query_vector(self, query: str) -> np.ndarray:
        """The embedder's vector of `query`, encoded once while it is kept (`QUERY_VECTORS_KEPT`)."""
        if self.embedder is None:
            raise ValueError("a retriever without an embedder has no query vectors")
        known = self._query_vectors.get(query)
        if known is None:
            if len(self._query_vectors) >= QUERY_VECTORS_KEPT:
                self._query_vectors.clear()
            known = self._query_vectors[query] = self.embedder.encode_queries([query])[0]
            known.flags.writeable = False  # shared by every later ask of the same words
        return known

    def forget_queries(self) -> None:
        """Forget the kept question vectors: a benchmark times a question as asked for the first time."""
        self._query_vectors.clear()

    def retrieve(self, query: str, k: int = 5) -> list[Passage]:
        """The `k` best passages for `query`, best first."""
        if k <= 0 or not self.chunks:
            return []
        top = self.ranker.lexical_top(query, CANDIDATES)
        lex_order = [i for i, _ in top]
        dense: dict[int, float] = {}
        if self.embedder is not None:
            qvec = self.query_vector(query)
            dense = dict(self.ranker.dense_top(qvec, CANDIDATES))
        # Weighted fusion and the passages read BM25's score of the dense ranker's candidates too.
        lexical = dict(top) | self.ranker.lexical_of(query, [i for i in dense if i not in lex_order])
        fused = self._fuse(lex_order, lexical, dense)
        best = sorted(fused, key=lambda i: (-fused[i], i))[:k]
        if self.fusion == "rescue":
            best = self._rescue(lex_order, dense, k)
        return [
            Passage.of(self.chunks[i], fused[i], lexical_score=lexical.get(i, 0.0), dense_score=dense.get(i))
            for i in best
        ]

    def _rescue(self, lex_order: list[int], dense: dict[int, float], k: int) -> list[int]:
        """BM25's ranking, with its last places given to the dense ranker's best it missed."""
        rescued = [i for i in sorted(dense, key=lambda i: -dense[i]) if i not in lex_order[: k - RESCUED]][:RESCUED]
        keep = [i for i in lex_order if i not in rescued][: k - len(rescued)]
        return keep + rescued

    def _fuse(self, lex_order: list[int], lexical: dict[int, float], dense: dict[int, float]) -> dict[int, float]:
        if not dense:
            return {i: lexical[i] for i in lex_order}
        dense_order = sorted(dense, key=lambda i: -dense[i])
        fused: dict[int, float] = {}
        if self.fusion in ("rrf", "rescue"):
            for rank, i in enumerate(lex_order):
                fused[i] = fused.get(i, 0.0) + 1.0 / (self.rrf_k + rank + 1)
            for rank, i in enumerate(dense_order):
                fused[i] = fused.get(i, 0.0) + self.dense_weight / (self.rrf_k + rank + 1)
            return fused
        # Calibrated weights: each ranker's scores as z-scores over the candidates, so a ranker with a
        # clear winner outvotes one whose scores are flat, whatever their raw scales.
        pool = sorted(set(lex_order) | set(dense))
        lex_z = _zscores(np.array([lexical.get(i, 0.0) for i in pool], dtype=np.float64))
        floor = min(dense.values())
        dense_z = _zscores(np.array([dense.get(i, floor) for i in pool], dtype=np.float64))
        return {i: float(lz + self.dense_weight * dz) for i, lz, dz in zip(pool, lex_z, dense_z, strict=True)}


def _zscores(values: np.ndarray) -> np.ndarray:
    spread = float(values.std())
    return (values - values.mean()) / spread if spread > 0 else np.zeros_like(values)
