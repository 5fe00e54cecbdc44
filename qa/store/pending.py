"""Vectors made after their collection: a slow embedder (E5, ~1,900 characters a second here) never holds up a build.

A build whose new text would keep the embedder busy for more than `DEFER_AFTER_S` is written without vectors (its
manifest says `pending`): it answers from BM25 at once. Its vectors are then made document by document, in parts
of `PART` chunks, each part saved as soon as it is made in `<collection>/.vectors/`, a cache keyed by the embedder,
the chunking and the document's text hash: a part made under one build serves the next (an added file does not
restart the work) and an interrupted run resumes at the first missing part. When every part is there, `complete`
writes them into a new build under the collection's lock, like any update (the documents' lines are copied, not
encoded again), so a reader still sees one whole build: the old one, or the one with vectors. This module keeps
the cache; `qa.store.backfill` fills it and completes the build.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from qa.embedding import Embedder
from qa.store.manifest import Chunking
from qa.types import Document

log = logging.getLogger("qa")

VECTORS = ".vectors"
PART = 256  # chunks per saved part: what an interrupted run can lose (~25 s of E5 work)
BATCH = 16  # chunks per call to the embedder: how often progress is told and a stop is noticed
# More new text than this many seconds of the embedder's work is encoded after the build, not in it: the letter
# (4,845 characters with its section titles, ~2.6 s) still gets its vectors in its first build.
DEFER_AFTER_S = 5.0

Progress = Callable[[int, int], None]  # chunks done, chunks in all


def deferred(embedder: Embedder | None, chars: int) -> bool:
    """Whether encoding `chars` characters of new text would take `embedder` longer than `DEFER_AFTER_S`;
    an embedder that does not state its speed (`chars_per_second`) is fast enough to wait for."""
    rate = getattr(embedder, "chars_per_second", None)
    return rate is not None and chars / float(rate) > DEFER_AFTER_S


def document_key(embedder_id: str, chunking: Chunking, doc_sha256: str) -> str:
    """The cache name of one document's vectors: a change to the model, the chunking or the text is a new name."""
    raw = f"{embedder_id}|{chunking.min_chars}|{chunking.max_chars}|{chunking.index_text}|{doc_sha256}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def part_path(folder: Path, key: str, part: int) -> Path:
    return folder / VECTORS / f"{key}.{part}.npy"


def load_part(path: Path, rows: int, dim: int) -> np.ndarray | None:
    """One saved part, or None when it is missing or not what it should be (then it is made again)."""
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    if array.shape != (rows, dim) or array.dtype != np.float32 or not np.isfinite(array).all():
        return None
    return array


def save_part(path: Path, rows: np.ndarray) -> None:
    """Write one part atomically; a folder that cannot be written only means the work is not kept."""
    tmp = path.with_name(f".tmp-{uuid.uuid4().hex[:8]}.npy")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(tmp, np.ascontiguousarray(rows, dtype=np.float32), allow_pickle=False)
        os.replace(tmp, path)
    except OSError as exc:
        log.info("could not keep vectors in %s (%s): they are made again next time", path.parent, exc)
        tmp.unlink(missing_ok=True)


def cached(folder: Path, key: str, count: int, dim: int) -> np.ndarray | None:
    """A document's `count` vectors when every part of them is saved, else None."""
    parts = []
    for part in range(math.ceil(count / PART)):
        rows = load_part(part_path(folder, key, part), min(PART, count - part * PART), dim)
        if rows is None:
            return None
        parts.append(rows)
    return np.concatenate(parts) if parts else np.zeros((0, dim), np.float32)


def keep(folder: Path, key: str, rows: np.ndarray) -> None:
    """Save a document's vectors (those a deferred build would otherwise drop, made under the build before)."""
    for part in range(math.ceil(len(rows) / PART)):
        path = part_path(folder, key, part)
        if not path.is_file():
            save_part(path, rows[part * PART : (part + 1) * PART])


def keep_rows(folder: Path, entry_id: str, chunking: Chunking, rows: Sequence[tuple[Document, np.ndarray]]) -> None:
    """Save the vectors a deferred build cannot hold (documents kept from a build that had them)."""
    for doc, vectors in rows:
        keep(folder, document_key(entry_id, chunking, doc.sha256), vectors)
