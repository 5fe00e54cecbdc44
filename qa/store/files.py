"""A collection's files: a self-describing folder, written atomically under a lock, checked when loaded.

Layout of `<index root>/<collection>/`: `manifest.json` is the commit point; it names one `build-<id>/` folder
holding `documents.jsonl` (the texts), `chunks.npy` (each chunk's document, offsets and section number),
`sections.json` and `vectors.npy`, with a sha256 of each. A writer makes a fresh
build folder, then replaces the manifest with `os.replace`, so a reader sees the old collection or the new one,
never a mix. Nothing is unpickled: JSON lines and a NumPy array loaded with `allow_pickle=False`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from qa.errors import IndexCorruptError, InputError
from qa.store.manifest import FILES, Manifest
from qa.store.table import ROW, ChunkTable
from qa.types import Chunk, Document, Structure

MANIFEST = "manifest.json"
_BUILD_NAME = re.compile(r"build-[0-9T]{15}-[0-9a-f]{8}")
REBUILD = "the collection will be rebuilt"


@dataclass(frozen=True)
class StoredIndex:
    """What a saved build holds, as loaded and verified."""

    manifest: Manifest
    documents: list[Document]
    chunks: ChunkTable
    vectors: np.ndarray | None
    lines: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # each document's bytes in documents.jsonl


@dataclass(frozen=True)
class Reuse:
    """Documents whose lines an update copies byte for byte from the build before it, rather than encoding
    their text again (`lines`: where each sits in `path`, that build's documents.jsonl)."""

    path: Path
    lines: Mapping[str, tuple[int, int]]
    doc_ids: frozenset[str]


def sha256_file(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest, or None when there is no collection here yet; a damaged one raises IndexCorruptError."""
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except Exception as exc:  # whatever the bytes do to the parser, the file is damaged
        raise IndexCorruptError(f"{path} is not valid JSON ({type(exc).__name__}): {REBUILD}") from None
    return Manifest.from_dict(data, str(path))


def load_index(folder: Path, manifest: Manifest) -> StoredIndex:
    """Read the build the manifest names, verifying every file's sha256, every text's and every offset.

    Each file is read once and checked before it is parsed, so what is parsed is what was hashed. Any
    failure while parsing (bad JSON, a nesting that exhausts the stack, a truncated array, an allocation
    that does not fit) means the build is damaged: IndexCorruptError, never another exception.
    """
    build = _build_dir(folder, manifest)
    if not {"documents.jsonl", "chunks.npy", "sections.json"} <= set(manifest.files):
        raise IndexCorruptError(f"{folder / MANIFEST} lists no index files: {REBUILD}")
    small = [name for name in FILES if name in manifest.files and name != "vectors.npy"]
    data = {name: _read_verified(build / name, manifest.files[name]) for name in small}
    if "vectors.npy" in manifest.files:
        _verify_file(build / "vectors.npy", manifest.files["vectors.npy"])
    try:
        documents, lines = [], {}
        for row, start, end in _parse_jsonl_at(data["documents.jsonl"]):
            documents.append(_document(row))
            lines[documents[-1].doc_id] = (start, end)
        rows = _load_array(data["chunks.npy"], (manifest.chunks,), ROW, "chunks.npy")
        sections = json.loads(data["sections.json"])
        if not isinstance(sections, list) or not all(isinstance(s, str) for s in sections):
            raise ValueError("sections.json is not a list of section names")
        chunks = ChunkTable(documents, rows, sections)
        vectors = None
        if "vectors.npy" in manifest.files:
            shape = (manifest.chunks, manifest.embedder.dim)
            vectors = _map_array(build / "vectors.npy", shape, np.dtype(np.float32))
    except IndexCorruptError:
        raise
    except Exception as exc:  # see the docstring
        raise IndexCorruptError(f"{build} holds malformed data ({type(exc).__name__}: {exc}): {REBUILD}") from None
    _check_consistent(build, manifest, documents, chunks, vectors)
    return StoredIndex(manifest, documents, chunks, vectors, lines)


def _document(row: dict[str, object]) -> Document:
    pages = row.get("page_starts", [])
    if not isinstance(pages, list) or not all(isinstance(p, int) for p in pages):
        raise ValueError("page_starts is not a list of offsets")
    structure = row["structure"]
    if not isinstance(structure, dict):
        raise ValueError("structure is not an object")
    return Document(
        _as_str(row["doc_id"]),
        _as_str(row["text"]),
        _as_str(row["sha256"]),
        Structure.from_dict(structure),
        tuple(pages),
    )


def _as_str(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{type(value).__name__} where text belongs")
    return value


def _load_array(raw: bytes, shape: tuple[int, ...], dtype: np.dtype, name: str) -> np.ndarray:
    """The array, after its header has been checked: a header claiming another shape or type than the manifest
    allows is refused before anything is allocated."""
    fh = io.BytesIO(raw)
    _check_header(fh, shape, dtype, name)
    fh.seek(0)
    return np.load(fh, allow_pickle=False)


def _map_array(path: Path, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """The array memory-mapped read-only (a million vectors are not copied at open), its header checked first."""
    with path.open("rb") as fh:
        _check_header(fh, shape, dtype, path.name)
    return np.load(path, mmap_mode="r", allow_pickle=False)


def _check_header(fh: BinaryIO, shape: tuple[int, ...], dtype: np.dtype, name: str) -> None:
    version = np.lib.format.read_magic(fh)
    read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    found, fortran, found_dtype = read_header(fh)
    if found != shape or found_dtype != dtype or fortran:
        raise IndexCorruptError(f"{name} claims {found_dtype} {found}, not {dtype} {shape}: {REBUILD}")


def _verify_file(path: Path, expected: str) -> None:
    """Check a file's sha256 by streaming it (a large array is never held twice)."""
    try:
        actual = sha256_file(path)
    except OSError as exc:
        raise IndexCorruptError(f"{path} cannot be read ({exc.strerror}): {REBUILD}") from None
    if actual != expected:
        raise IndexCorruptError(f"{path} does not match its sha256 in the manifest: {REBUILD}")


def _read_verified(path: Path, expected: str) -> bytes:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IndexCorruptError(f"{path} cannot be read ({exc.strerror}): {REBUILD}") from None
    if hashlib.sha256(raw).hexdigest() != expected:
        raise IndexCorruptError(f"{path} does not match its sha256 in the manifest: {REBUILD}")
    return raw


def _check_consistent(
    build: Path, manifest: Manifest, documents: list[Document], chunks: ChunkTable, vectors: np.ndarray | None
) -> None:
    """Texts must match their hashes and the manifest's, offsets must fall inside them, vectors be finite."""
    listed = {d.doc_id: d.sha256 for d in manifest.documents}
    if [d.doc_id for d in documents] != [d.doc_id for d in manifest.documents]:
        raise IndexCorruptError(f"{build}/documents.jsonl does not hold the documents the manifest lists: {REBUILD}")
    for doc in documents:
        if sha256_text(doc.text) != doc.sha256 or listed[doc.doc_id] != doc.sha256:
            raise IndexCorruptError(f"{build}/documents.jsonl: the text of {doc.doc_id!r} was altered: {REBUILD}")
    problem = chunks.problem()
    if problem is not None:
        raise IndexCorruptError(f"{build}/chunks.npy is inconsistent ({problem}): {REBUILD}")
    if vectors is not None and not np.isfinite(vectors).all():
        raise IndexCorruptError(f"{build}/vectors.npy holds values that are not finite: {REBUILD}")


def _build_dir(folder: Path, manifest: Manifest) -> Path:
    # Only names this module writes are followed: no separators, no `..`, no symlink out of the folder.
    if not _BUILD_NAME.fullmatch(manifest.build) or (folder / manifest.build).is_symlink():
        raise IndexCorruptError(f"{folder / MANIFEST} names no valid build folder: {REBUILD}")
    return folder / manifest.build


def _parse_jsonl_at(raw: bytes) -> Iterator[tuple[dict[str, Any], int, int]]:
    """Each row with the byte offsets of its line (newline included)."""
    start = 0
    while start < len(raw):
        end = raw.find(b"\n", start)
        end = len(raw) if end < 0 else end + 1
        if raw[start:end].strip():
            row = json.loads(raw[start:end])
            if not isinstance(row, dict):
                raise ValueError(f"a row is {type(row).__name__}, not an object")
            yield row, start, end
        start = end


def save_index(
    folder: Path,
    manifest: Manifest,
    documents: list[Document],
    chunks: Sequence[Chunk],
    vectors: np.ndarray | None,
    reuse: Reuse | None = None,
) -> tuple[Manifest, dict[str, tuple[int, int]]]:
    """Write a new build folder, then swap the manifest in atomically; returns the manifest written and where each
    document's line sits in the new documents.jsonl.

    The caller holds `build_lock(folder)`. A failure leaves the previous build in place.
    """
    build_name = f"build-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    tmp = folder / f".tmp-{build_name}"
    try:
        full = _write_build(folder, tmp, build_name, manifest, documents, chunks, vectors, reuse)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(
            f"cannot write the collection in {folder} ({exc.strerror}); the previous build is unchanged: "
            "free some space, make the folder writable, or set --index-dir / QA_INDEX_DIR"
        ) from None
    _remove_other_builds(folder, keep=build_name)
    return full


def _write_build(
    folder: Path,
    tmp: Path,
    build_name: str,
    manifest: Manifest,
    documents: list[Document],
    chunks: Sequence[Chunk],
    vectors: np.ndarray | None,
    reuse: Reuse | None,
) -> tuple[Manifest, dict[str, tuple[int, int]]]:
    tmp.mkdir(parents=True)
    lines = _write_documents(tmp / "documents.jsonl", documents, reuse)
    table = chunks if isinstance(chunks, ChunkTable) else ChunkTable.of(documents, chunks)
    np.save(tmp / "chunks.npy", table.rows, allow_pickle=False)
    (tmp / "sections.json").write_text(json.dumps(table.sections, ensure_ascii=False), encoding="utf-8")
    if vectors is not None:
        np.save(tmp / "vectors.npy", np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
    files = {name: sha256_file(tmp / name) for name in FILES if (tmp / name).is_file()}
    for name in files:
        _fsync(tmp / name)
    os.replace(tmp, folder / build_name)
    full = replace(manifest, build=build_name, files=files)
    staged = folder / f".{MANIFEST}.{build_name}"
    # One line, not indented: json's C encoder skips indented output, which costs more than the rest of an add.
    staged.write_text(json.dumps(full.to_dict(), ensure_ascii=False) + "\n", encoding="utf-8")
    _fsync(staged)
    _fsync(folder)  # the build folder's rename is on disk before the manifest points at it
    os.replace(staged, folder / MANIFEST)
    _fsync(folder)
    return full, lines


def _write_documents(path: Path, documents: list[Document], reuse: Reuse | None) -> dict[str, tuple[int, int]]:
    """documents.jsonl: a JSON line per document, copied from the build before when `reuse` names it (its text
    is then unchanged, and checked against its sha256 at every load like any other)."""
    lines: dict[str, tuple[int, int]] = {}
    with contextlib.ExitStack() as stack:
        fh = stack.enter_context(path.open("wb"))
        old = stack.enter_context(reuse.path.open("rb")) if reuse is not None else None
        at = 0
        for doc in documents:
            if old is not None and reuse is not None and doc.doc_id in reuse.doc_ids:
                start, end = reuse.lines[doc.doc_id]
                old.seek(start)
                line = old.read(end - start)
            else:
                row = {
                    "doc_id": doc.doc_id,
                    "sha256": doc.sha256,
                    "structure": doc.structure.to_dict(),
                    "page_starts": list(doc.page_starts),
                    "text": doc.text,
                }
                line = (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
            fh.write(line)
            lines[doc.doc_id] = (at, at + len(line))
            at += len(line)
    return lines


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_other_builds(folder: Path, keep: str) -> None:
    for entry in folder.iterdir():
        name = entry.name
        if name == keep or not (name.startswith(("build-", ".tmp-build-", f".{MANIFEST}."))):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


@contextmanager
def build_lock(folder: Path, timeout_s: float = 120.0) -> Iterator[None]:
    """Keep two writers of one collection apart (across processes)."""
    from filelock import FileLock, Timeout

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the index folder {folder} ({exc.strerror}): set --index-dir") from None
    lock = FileLock(str(folder / ".lock"))
    try:
        lock.acquire(timeout=timeout_s)
    except Timeout:
        # An OS lock dies with its process, so a timeout means a writer is still running.
        raise InputError(f"another process has been writing {folder} for {timeout_s:.0f} s: try again later") from None
    except OSError as exc:
        raise InputError(f"cannot lock {folder} ({exc.strerror}): make it writable or set --index-dir") from None
    try:
        yield
    finally:
        lock.release()
