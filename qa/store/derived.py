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

from qa.lexical import LexicalIndex
from qa.store.lifecycle import Opened

log = logging.getLogger("qa")

LEXICAL = ".lexical"


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
    _save(index, cache, opened.manifest.build)
    return index


def _save(index: LexicalIndex, cache: Path, build: str) -> None:
    """Write the cache atomically (a folder renamed into place) and drop caches of other builds; a folder that
    cannot be written (read-only, full) only means the next open builds the index again."""
    tmp = cache / f".tmp-{build}-{uuid.uuid4().hex[:8]}"
    try:
        cache.mkdir(exist_ok=True)
        index.save(tmp)
        shutil.rmtree(cache / build, ignore_errors=True)
        os.replace(tmp, cache / build)
    except OSError as exc:
        log.info("could not cache the BM25 index in %s (%s): it is rebuilt at the next open", cache, exc.strerror)
        shutil.rmtree(tmp, ignore_errors=True)
        return
    for entry in cache.iterdir():
        if entry.name != build and not entry.name.startswith(".tmp-"):  # another writer's tmp may be in use
            shutil.rmtree(entry, ignore_errors=True)
