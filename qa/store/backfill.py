"""Filling a deferred collection's vectors (`qa.store.pending`) and writing them into a new build: by `QA.prepare`
and `qa index` in the foreground, by the page in a background thread (one core, stoppable, resumable)."""

from __future__ import annotations

import contextlib
import logging
import math
import os
import shutil
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np

from qa.chunking import indexed_text
from qa.embedding import Embedder
from qa.store.files import Reuse, build_lock, read_manifest, save_index
from qa.store.lifecycle import Opened
from qa.store.manifest import dense_entry
from qa.store.pending import BATCH, PART, VECTORS, Progress, document_key, load_part, part_path, save_part
from qa.types import Document

log = logging.getLogger("qa")


def missing(opened: Opened) -> int:
    """How many of the collection's chunks have no saved vector yet (only parts on disk are counted)."""
    entry, folder = opened.manifest.embedder, opened.folder
    count = 0
    for doc in opened.documents:
        rows = opened.chunks.of_document(doc.doc_id)
        key = document_key(entry.id, opened.manifest.chunking, doc.sha256)
        for part in range(math.ceil(len(rows) / PART)):
            if not part_path(folder, key, part).is_file():
                count += min(PART, len(rows) - part * PART)
    return count


def fill(
    opened: Opened,
    embedder: Embedder,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> dict[Path, np.ndarray] | None:
    """Every part's vectors, by part file: read when saved and sound, else encoded and saved (a part that cannot
    be saved is still returned); None when `stop` was set first."""
    entry, folder, total = opened.manifest.embedder, opened.folder, opened.manifest.chunks
    done = total - missing(opened)
    if progress is not None:
        progress(done, total)
    parts: dict[Path, np.ndarray] = {}
    for doc in opened.documents:
        span = opened.chunks.of_document(doc.doc_id)
        key = document_key(entry.id, opened.manifest.chunking, doc.sha256)
        for part in range(math.ceil(len(span) / PART)):
            path = part_path(folder, key, part)
            start = span.start + part * PART
            stop_at = min(span.stop, start + PART)
            saved = load_part(path, stop_at - start, entry.dim)
            if saved is not None:
                parts[path] = saved
                continue
            texts = _texts(opened, doc, start, stop_at)
            blocks = []
            for at in range(0, len(texts), BATCH):
                if stop is not None and stop.is_set():
                    return None
                blocks.append(embedder.encode_documents(texts[at : at + BATCH]))
                done += len(blocks[-1])
                if progress is not None:
                    progress(min(done, total), total)
            parts[path] = np.concatenate(blocks).astype(np.float32)
            save_part(path, parts[path])
    return parts


def _texts(opened: Opened, doc: Document, start: int, stop: int) -> list[str]:
    return [indexed_text(c, doc) for c in opened.chunks[start:stop]]


def complete(
    opened: Opened,
    embedder: Embedder,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> Opened | None:
    """`opened` with all its vectors, written as a new build; None when stopped, or when another writer replaced
    the build meanwhile (its caller opens that one and completes it: the parts made so far still serve)."""
    if not opened.manifest.embedder.pending:
        return opened
    parts = fill(opened, embedder, progress, stop)
    if parts is None:
        return None
    entry = opened.manifest.embedder
    blocks = [parts[path] for path in _paths(opened)]  # chunk order: documents in order, parts in order
    vectors = np.concatenate(blocks) if blocks else np.zeros((0, entry.dim), np.float32)
    with build_lock(opened.folder):
        current = read_manifest(opened.folder)
        if current is None or current.build != opened.manifest.build:
            return None
        manifest = replace(current, embedder=replace(entry, pending=False), dense=dense_entry(current.chunks))
        reuse = Reuse(opened.folder / current.build / "documents.jsonl", opened.lines, frozenset(opened.lines))
        written, lines = save_index(opened.folder, manifest, opened.documents, opened.chunks, vectors, reuse)
        _carry_lexical(opened.folder, current.build, written.build)
    shutil.rmtree(opened.folder / VECTORS, ignore_errors=True)
    log.info("collection %s: all %d vectors are built", written.collection, len(vectors))
    return Opened(opened.folder, written, opened.documents, opened.chunks, vectors, opened.choice, lines)


def _paths(opened: Opened) -> list[Path]:
    entry = opened.manifest.embedder
    paths: list[Path] = []
    for doc in opened.documents:
        key = document_key(entry.id, opened.manifest.chunking, doc.sha256)
        count = len(opened.chunks.of_document(doc.doc_id))
        paths.extend(part_path(opened.folder, key, part) for part in range(math.ceil(count / PART)))
    return paths


def _carry_lexical(folder: Path, old: str, new: str) -> None:
    """The new build has the old one's chunks: its saved BM25 index is still right, so it is renamed, not rebuilt."""
    from qa.store.derived import LEXICAL

    with_old = folder / LEXICAL / old
    if with_old.is_dir():
        with contextlib.suppress(OSError):  # it is made again at the next open
            os.replace(with_old, folder / LEXICAL / new)
