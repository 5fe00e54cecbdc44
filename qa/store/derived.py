"""Indexes derived from a build and cached beside it (`<collection>/.lexical/<build>/`).

A cache, not a source of truth: it is made from the verified build when it is missing, and made again when it
cannot be read. It lets a collection open by memory-mapping its BM25 index instead of rebuilding it.
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from qa.lexical import LexicalIndex
from qa.retrieval import DenseIndex
from qa.store.lifecycle import Opened

if TYPE_CHECKING:
    import faiss

log = logging.getLogger("qa")

LEXICAL = ".lexical"
DENSE = ".dense"


def lexical_index(opened: Opened, texts: Callable[[], Sequence[str]], corpus: Callable[[], str]) -> LexicalIndex:
    """The BM25 index of `opened`'s chunks: loaded from the cache when it is there, else built and cached."""
    cache = opened.folder / LEXICAL
    saved = cache / opened.manifest.build
    if saved.is_dir():
        try:
            return LexicalIndex.load(saved, len(opened.chunks), corpus)
        except Exception as exc:  # any damage to a cache means: make it again
            log.warning(
                "the saved BM25 index %s cannot be read (%s: %s); rebuilding it", saved, type(exc).__name__, exc
            )
    index = LexicalIndex(texts(), corpus)
    _cache(cache, opened.manifest.build, index.save, "BM25 index")
    return index


def _cache(cache: Path, build: str, write: Callable[[Path], None], what: str) -> None:
    """Write one build's cache atomically (`write` fills a fresh folder, renamed into place) and drop the caches
    of other builds; a folder that cannot be written (read-only, full) only means the next open makes it again."""
    tmp = cache / f".tmp-{build}-{uuid.uuid4().hex[:8]}"
    try:
        tmp.mkdir(parents=True)
        write(tmp)
        shutil.rmtree(cache / build, ignore_errors=True)
        os.replace(tmp, cache / build)
    except OSError as exc:
        log.info("could not cache the %s in %s (%s): it is made again at the next open", what, cache, exc)
        shutil.rmtree(tmp, ignore_errors=True)
        return
    for entry in cache.iterdir():
        if entry.name != build and not entry.name.startswith(".tmp-"):  # another writer's tmp may be in use
            shutil.rmtree(entry, ignore_errors=True)


def dense_index(opened: Opened) -> DenseIndex | None:
    """The dense search of `opened`'s vectors as its manifest says: exact, or 8-bit codes cached beside the build
    (FAISS's own file format, no pickle)."""
    vectors = opened.vectors
    if vectors is None:
        return None
    entry = opened.manifest.dense
    if entry.kind == "flat":
        return DenseIndex(vectors)
    import faiss

    cache = opened.folder / DENSE
    saved = cache / opened.manifest.build / "index.faiss"
    index = None
    if saved.is_file():
        try:
            index = faiss.read_index(str(saved))
            if index.ntotal != len(vectors) or index.d != vectors.shape[1]:
                raise ValueError(f"it holds {index.ntotal} vectors of dimension {index.d}")
        except Exception as exc:  # any damage to a cache means: make it again
            log.warning("the saved dense index %s cannot be read (%s); rebuilding it", saved, exc)
            index = None
    if index is None:
        index = _encode(vectors)
        _cache(cache, opened.manifest.build, lambda folder: _write_faiss(index, folder / "index.faiss"), "dense index")
    return DenseIndex(approximate=index)


def _encode(vectors: np.ndarray) -> faiss.Index:
    """8-bit codes of every vector (the quantizer learns each dimension's range from a sample)."""
    import faiss

    log.info("coding %d vectors to 8 bits for the dense index", len(vectors))
    index = faiss.index_factory(vectors.shape[1], "SQ8", faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(0)
    sample = np.sort(rng.choice(len(vectors), min(len(vectors), 200_000), replace=False))
    index.train(np.ascontiguousarray(vectors[sample], dtype=np.float32))
    for start in range(0, len(vectors), 100_000):
        index.add(np.ascontiguousarray(vectors[start : start + 100_000], dtype=np.float32))
    return index


def _write_faiss(index: faiss.Index, path: Path) -> None:
    import faiss

    try:
        faiss.write_index(index, str(path))
    except RuntimeError as exc:  # FAISS reports a failed write (a full disk) as RuntimeError
        raise OSError(str(exc)) from None
