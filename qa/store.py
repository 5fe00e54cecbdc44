"""Index storage: a self-describing folder, written atomically under a lock, checked when loaded.

Layout: `manifest.json` is the commit point; it names one `build-<id>/` folder holding
`documents.jsonl`, `chunks.jsonl` and `vectors.npy`, with a sha256 of each. A builder writes a fresh
build folder, then replaces the manifest with `os.replace`, so a reader sees the old index or the
new one, never a mix. Nothing is unpickled: JSON lines and a NumPy array loaded with
`allow_pickle=False`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa._version import __version__
from qa.errors import IndexCorruptError, InputError
from qa.types import Chunk, Document, Structure

FORMAT = "qa-index/1"
MANIFEST = "manifest.json"
FILES = ("documents.jsonl", "chunks.jsonl", "vectors.npy")


@dataclass(frozen=True)
class StoredIndex:
    """What a saved index holds, as loaded and verified."""

    manifest: dict[str, Any]
    documents: list[Document]
    chunks: list[Chunk]
    vectors: np.ndarray | None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    """The manifest, or None when there is no index yet; a damaged one raises IndexCorruptError."""
    path = index_dir / MANIFEST
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"{path} is not valid JSON ({exc}): run `qa index` to rebuild") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise IndexCorruptError(f"{path} is not a {FORMAT} manifest: run `qa index` to rebuild")
    return manifest


def load_index(index_dir: Path, manifest: dict[str, Any]) -> StoredIndex:
    """Read the build the manifest names, verifying every file's sha256 first."""
    build = _build_dir(index_dir, manifest)
    files = manifest.get("files", {})
    for name in FILES:
        path = build / name
        if name == "vectors.npy" and name not in files:
            continue
        if not path.is_file():
            raise IndexCorruptError(f"{path} is missing: run `qa index` to rebuild")
        if sha256_file(path) != files.get(name):
            raise IndexCorruptError(f"{path} does not match its sha256 in the manifest: run `qa index` to rebuild")
    try:
        documents = [
            Document(d["doc_id"], d["text"], d["sha256"], Structure.from_dict(d["structure"]))
            for d in _read_jsonl(build / "documents.jsonl")
        ]
        chunks = [Chunk(**c) for c in _read_jsonl(build / "chunks.jsonl")]
        vectors = np.load(build / "vectors.npy", allow_pickle=False) if "vectors.npy" in files else None
    except (KeyError, TypeError, ValueError) as exc:
        raise IndexCorruptError(f"{build} holds malformed data ({exc}): run `qa index` to rebuild") from None
    if vectors is not None and vectors.shape != (len(chunks), manifest["embedder"]["dim"]):
        raise IndexCorruptError(f"{build}/vectors.npy has shape {vectors.shape}, not one row per chunk: rebuild")
    return StoredIndex(manifest, documents, chunks, vectors)


def _build_dir(index_dir: Path, manifest: dict[str, Any]) -> Path:
    build = str(manifest.get("build", ""))
    if not build.startswith("build-") or "/" in build or "\\" in build or ".." in build:
        raise IndexCorruptError(f"{index_dir / MANIFEST} names no valid build folder: run `qa index` to rebuild")
    return index_dir / build


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def save_index(
    index_dir: Path,
    manifest: dict[str, Any],
    documents: list[Document],
    chunks: list[Chunk],
    vectors: np.ndarray | None,
) -> dict[str, Any]:
    """Write a new build folder, then swap the manifest in atomically; returns the manifest written.

    The caller holds `build_lock(index_dir)`.
    """
    build_name = f"build-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    tmp = index_dir / f".tmp-{build_name}"
    tmp.mkdir(parents=True)
    with (tmp / "documents.jsonl").open("w", encoding="utf-8") as fh:
        for doc in documents:
            row = {"doc_id": doc.doc_id, "sha256": doc.sha256, "structure": doc.structure.to_dict(), "text": doc.text}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as fh:
        for chunk in chunks:
            fh.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
    if vectors is not None:
        np.save(tmp / "vectors.npy", np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
    files = {name: sha256_file(tmp / name) for name in FILES if (tmp / name).is_file()}
    for name in files:
        _fsync(tmp / name)
    os.replace(tmp, index_dir / build_name)
    full = {"format": FORMAT, "qa_version": __version__, "build": build_name, "files": files, **manifest}
    staged = index_dir / f".{MANIFEST}.{build_name}"
    staged.write_text(json.dumps(full, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _fsync(staged)
    os.replace(staged, index_dir / MANIFEST)
    _remove_other_builds(index_dir, keep=build_name)
    return full


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_other_builds(index_dir: Path, keep: str) -> None:
    for entry in index_dir.iterdir():
        name = entry.name
        if name == keep or not (name.startswith(("build-", ".tmp-build-", f".{MANIFEST}."))):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


@contextmanager
def build_lock(index_dir: Path, timeout_s: float = 120.0) -> Iterator[None]:
    """Keep two builders of one index folder apart (across processes)."""
    from filelock import FileLock, Timeout

    try:
        index_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the index folder {index_dir} ({exc.strerror}): set --index-dir") from None
    lock = FileLock(str(index_dir / ".lock"))
    try:
        lock.acquire(timeout=timeout_s)
    except Timeout:
        raise InputError(
            f"another process has been building {index_dir} for {timeout_s:.0f} s: wait for it or remove {index_dir}/.lock"
        ) from None
    try:
        yield
    finally:
        lock.release()
