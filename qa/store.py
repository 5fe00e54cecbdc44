"""Index storage: a self-describing folder, written atomically under a lock, checked when loaded.

Layout: `manifest.json` is the commit point; it names one `build-<id>/` folder holding
`documents.jsonl`, `chunks.jsonl` and `vectors.npy`, with a sha256 of each. A builder writes a fresh
build folder, then replaces the manifest with `os.replace`, so a reader sees the old index or the
new one, never a mix. Nothing is unpickled: JSON lines and a NumPy array loaded with
`allow_pickle=False`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
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
_BUILD_NAME = re.compile(r"build-[0-9T]{15}-[0-9a-f]{8}")


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
    """Read the build the manifest names, verifying every file's sha256 and every chunk's offsets.

    Each file is read once and checked before it is parsed, so what is parsed is what was hashed.
    """
    build = _build_dir(index_dir, manifest)
    files = manifest.get("files")
    if not isinstance(files, dict) or not {"documents.jsonl", "chunks.jsonl"} <= set(files):
        raise IndexCorruptError(f"{index_dir / MANIFEST} lists no index files: run `qa index` to rebuild")
    data = {name: _read_verified(build / name, files[name]) for name in FILES if name in files}
    try:
        documents = [
            Document(d["doc_id"], d["text"], d["sha256"], Structure.from_dict(d["structure"]))
            for d in _parse_jsonl(data["documents.jsonl"])
        ]
        chunks = [Chunk(**c) for c in _parse_jsonl(data["chunks.jsonl"])]
        vectors = None
        if "vectors.npy" in data:
            vectors = np.load(io.BytesIO(data["vectors.npy"]), allow_pickle=False)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise IndexCorruptError(f"{build} holds malformed data ({exc}): run `qa index` to rebuild") from None
    _check_consistent(build, manifest, documents, chunks, vectors)
    return StoredIndex(manifest, documents, chunks, vectors)


def _read_verified(path: Path, expected: object) -> bytes:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IndexCorruptError(f"{path} cannot be read ({exc.strerror}): run `qa index` to rebuild") from None
    if hashlib.sha256(raw).hexdigest() != expected:
        raise IndexCorruptError(f"{path} does not match its sha256 in the manifest: run `qa index` to rebuild")
    return raw


def _check_consistent(
    build: Path, manifest: dict[str, Any], documents: list[Document], chunks: list[Chunk], vectors: np.ndarray | None
) -> None:
    """Offsets must point into the stored texts, and the vectors must have one finite row per chunk."""
    texts = {d.doc_id: d.text for d in documents if isinstance(d.doc_id, str) and isinstance(d.text, str)}
    for chunk in chunks:
        text = texts.get(chunk.doc_id)
        if text is None or not isinstance(chunk.start, int) or not isinstance(chunk.end, int):
            raise IndexCorruptError(f"{build}/chunks.jsonl names an unknown document: run `qa index` to rebuild")
        if not 0 <= chunk.start < chunk.end <= len(text) or text[chunk.start : chunk.end] != chunk.text:
            raise IndexCorruptError(
                f"{build}/chunks.jsonl has a chunk whose offsets do not match its document: run `qa index` to rebuild"
            )
    if vectors is None:
        return
    embedder = manifest.get("embedder")
    dim = embedder.get("dim") if isinstance(embedder, dict) else None
    if vectors.dtype != np.float32 or vectors.shape != (len(chunks), dim) or not np.isfinite(vectors).all():
        raise IndexCorruptError(
            f"{build}/vectors.npy is {vectors.dtype} {vectors.shape}, not finite float32 "
            f"({len(chunks)}, {dim}): run `qa index` to rebuild"
        )


def _build_dir(index_dir: Path, manifest: dict[str, Any]) -> Path:
    build = manifest.get("build")
    # Only names this module writes are followed: no separators, no `..`, no symlink out of the folder.
    if not isinstance(build, str) or not _BUILD_NAME.fullmatch(build) or (index_dir / build).is_symlink():
        raise IndexCorruptError(f"{index_dir / MANIFEST} names no valid build folder: run `qa index` to rebuild")
    return index_dir / build


def _parse_jsonl(raw: bytes) -> Iterator[dict[str, Any]]:
    # Split on the newline byte only: JSON escapes it inside strings, unlike U+2028 and friends.
    for line in raw.split(b"\n"):
        if line.strip():
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError(f"a row is {type(row).__name__}, not an object")
            yield row


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
    try:
        full = _write_build(index_dir, tmp, build_name, manifest, documents, chunks, vectors)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(
            f"cannot write the index in {index_dir} ({exc.strerror}); the previous index is unchanged: "
            "free some space, make the folder writable, or set --index-dir / QA_INDEX_DIR"
        ) from None
    _remove_other_builds(index_dir, keep=build_name)
    return full


def _write_build(
    index_dir: Path,
    tmp: Path,
    build_name: str,
    manifest: dict[str, Any],
    documents: list[Document],
    chunks: list[Chunk],
    vectors: np.ndarray | None,
) -> dict[str, Any]:
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
    _fsync(index_dir)  # the build folder's rename is on disk before the manifest points at it
    os.replace(staged, index_dir / MANIFEST)
    _fsync(index_dir)
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
        # An OS lock dies with its process, so a timeout means a builder is still running.
        raise InputError(
            f"another process has been building the index in {index_dir} for {timeout_s:.0f} s: try again later"
        ) from None
    except OSError as exc:
        raise InputError(
            f"cannot lock the index folder {index_dir} ({exc.strerror}): make it writable or set --index-dir"
        ) from None
    try:
        yield
    finally:
        lock.release()
