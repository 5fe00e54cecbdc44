"""The files a collection is built from: found below the paths given, named, and hashed by their bytes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from qa.errors import InputError
from qa.loading import DEFAULT_MAX_BYTES, SUFFIXES, files_below
from qa.store.manifest import DocumentEntry

_KINDS = "/".join(SUFFIXES)


@dataclass(frozen=True)
class SourceFile:
    """One file to index: its document id, where it is, and the sha256 of its bytes."""

    doc_id: str
    path: Path
    sha256: str
    stamp: str = ""  # size and modification time when hashed: an unchanged stamp needs no hashing again


def stamp(path: Path) -> str:
    """`size:mtime_ns` of a file ('' when it cannot be read): a cheap test of whether it changed."""
    try:
        info = path.stat()
    except OSError:
        return ""
    return f"{info.st_size}:{info.st_mtime_ns}"


def known(entries: Iterable[DocumentEntry]) -> dict[str, tuple[str, str]]:
    """Each source file's stamp and sha256 as a manifest recorded them, for `scan` to trust while they hold."""
    return {e.source: (e.source_stamp, e.source_sha256) for e in entries if e.source and e.source_stamp}


def scan(
    paths: Sequence[str | Path], max_bytes: int = DEFAULT_MAX_BYTES, seen: Mapping[str, tuple[str, str]] | None = None
) -> list[SourceFile]:
    """Every supported file given or below a folder given; ids are file names, or paths inside the folder.

    Oversized and unreadable files are refused here, before anything is read into memory; two files that
    would get the same id are refused too, since one would silently replace the other. A file whose size and
    modification time are those `seen` recorded (see `known`) keeps its recorded sha256 instead of being read.
    """
    found: dict[str, SourceFile] = {}
    for given in paths:
        root = Path(given).expanduser().resolve()
        if not root.exists():
            raise InputError(f"{given} does not exist: give a {_KINDS} file or a folder of them")
        if root.is_file():
            files = [(root.name, root)]
        elif root.is_dir():
            below = [p for p in files_below(root) if p.suffix.lower() in SUFFIXES]
            if not below:
                raise InputError(f"{given} holds no {_KINDS} files: point at a file or a folder of them")
            files = [(p.relative_to(root).as_posix(), p) for p in below]
        else:
            raise InputError(f"{given} is neither a file nor a folder: give a {_KINDS} file or a folder of them")
        for doc_id, path in files:
            if doc_id in found and found[doc_id].path != path:
                raise InputError(
                    f"{found[doc_id].path} and {path} would both be document {doc_id!r}: add one of them at a time "
                    "to different collections, or rename one"
                )
            before = stamp(path)
            recorded_stamp, recorded_sha = (seen or {}).get(str(path), ("", ""))
            if before and before == recorded_stamp and int(before.partition(":")[0]) <= max_bytes:
                found[doc_id] = SourceFile(doc_id, path, recorded_sha, before)
            else:
                found[doc_id] = SourceFile(doc_id, path, file_sha256(path, max_bytes), before)
    return list(found.values())


def file_sha256(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The sha256 of a file's bytes, refusing one over `max_bytes` or unreadable with one line."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{path} is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB limit: split it")
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError as exc:
        raise InputError(f"cannot read {path} ({exc.strerror}): check that it exists and is readable") from None
