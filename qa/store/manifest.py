"""The manifest: a collection's typed description, written last, read first, checked against what is wanted."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from qa._version import __version__
from qa.errors import IndexCorruptError, InputError

FORMAT = "qa-index/2"
FILES = ("documents.jsonl", "chunks.npy", "sections.json", "vectors.npy")
# A collection name is a folder name: letters (any script), digits, `-` and `_`, starting with a letter or digit.
_NAME = re.compile(r"[^\W_][\w-]{0,63}")


def check_name(name: str) -> str:
    """`name` when it can name a collection folder, else an InputError saying what is allowed."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InputError(
            f"collection name {name!r} is not allowed: use 1-64 letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    return name


@dataclass(frozen=True)
class Chunking:
    """What the chunker was told; `index_text` numbers what `chunking.indexed_text` puts before a chunk."""

    min_chars: int
    max_chars: int
    index_text: int


@dataclass(frozen=True)
class EmbedderEntry:
    """The dense model a collection's vectors come from; `requested` is what the settings asked for."""

    requested: str
    id: str
    dim: int
    fallback: bool = False
    notice: str = ""
    pending: bool = False  # the build holds no vectors yet: they are being made (`qa.store.pending`)


@dataclass(frozen=True)
class DenseEntry:
    """How the vectors are searched: `flat` (exact, 32-bit) or `sq8` (FAISS scalar quantizer: 8-bit codes,
    every vector still compared). Chosen by size when a build is written; the coded index is a cache beside it."""

    kind: str = "flat"


# Measured by bench/ann.py on 256-dim wordllama vectors of the scale haystack (bench/SCALE.md). At 10^6 chunks
# exact search costs 32 ms CPU and 977 MB, SQ8 14.5 ms and 244 MB and finds 0.96 of exact's top 5 and the same
# trial paragraphs. HNSW (efSearch 512: 0.60 of exact's top 5) and IVF (0.865 at a tenth of the lists probed,
# trial paragraphs in the top 50 down from 0.537 to 0.384 at 10^5) lose the paragraphs questions ask for.
APPROXIMATE_FROM = 200_000


def dense_entry(chunks: int) -> DenseEntry:
    """Exact search below `APPROXIMATE_FROM` chunks, 8-bit codes above."""
    return DenseEntry("sq8" if chunks >= APPROXIMATE_FROM else "flat")


@dataclass(frozen=True)
class DocumentEntry:
    """One document of a collection: where it came from and the hashes that tie its text to that source."""

    doc_id: str
    sha256: str  # of the stored text: checked at every load
    source: str = ""  # the file it was read from ('' when it has none)
    source_sha256: str = ""  # of that file's bytes when it was read: a different hash means it changed
    source_stamp: str = ""  # its size and modification time then: while they stay, it is not hashed again
    chars: int = 0
    chunks: int = 0


@dataclass(frozen=True)
class Wanted:
    """What the caller's settings ask a collection to be built with."""

    chunking: Chunking
    embedder: str  # the requested model id


@dataclass(frozen=True)
class Manifest:
    """A collection's description; `build` names the folder holding its files, each with its sha256."""

    collection: str
    chunking: Chunking
    embedder: EmbedderEntry
    documents: tuple[DocumentEntry, ...]
    chunks: int
    mirror: str = ""  # the file or folder the collection mirrors ('' when built by add/remove)
    dense: DenseEntry = field(default_factory=DenseEntry)
    build: str = ""
    files: Mapping[str, str] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)  # the resolved settings, for reports
    qa_version: str = __version__
    format: str = FORMAT

    def mismatch(self, wanted: Wanted) -> str | None:
        """Why this build cannot serve `wanted` (a rebuild is needed), or None when it can."""
        if self.format != FORMAT or self.qa_version != __version__:
            return f"it was written by qa {self.qa_version} ({self.format}), this is qa {__version__} ({FORMAT})"
        if self.chunking != wanted.chunking:
            return f"chunking changed from {asdict(self.chunking)} to {asdict(wanted.chunking)}"
        if self.embedder.requested != wanted.embedder:
            return f"the embedder changed from {self.embedder.requested!r} to {wanted.embedder!r}"
        return None

    def to_dict(self) -> dict[str, Any]:
        # Field by field: dataclasses.asdict deep-copies, which costs more than the rest of a small update.
        return {
            "format": self.format,
            "qa_version": self.qa_version,
            "collection": self.collection,
            "build": self.build,
            "files": dict(self.files),
            "mirror": self.mirror,
            "chunking": asdict(self.chunking),
            "embedder": asdict(self.embedder),
            "dense": asdict(self.dense),
            "counts": {"documents": len(self.documents), "chunks": self.chunks},
            "chunks": self.chunks,
            "documents": [
                {
                    "doc_id": d.doc_id,
                    "sha256": d.sha256,
                    "source": d.source,
                    "source_sha256": d.source_sha256,
                    "source_stamp": d.source_stamp,
                    "chars": d.chars,
                    "chunks": d.chunks,
                }
                for d in self.documents
            ],
            "settings": dict(self.settings),
        }

    @classmethod
    def from_dict(cls, data: object, where: str) -> Manifest:
        """Parse a stored manifest; any missing or mistyped field is damage (IndexCorruptError), not a crash."""
        try:
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError(f"not a {FORMAT} manifest")
            documents = tuple(DocumentEntry(**_typed(d, DocumentEntry)) for d in data["documents"])
            manifest = cls(
                collection=_str(data["collection"]),
                chunking=Chunking(**_typed(data["chunking"], Chunking)),
                embedder=EmbedderEntry(**_typed(data["embedder"], EmbedderEntry)),
                documents=documents,
                chunks=_int(data["chunks"]),
                mirror=_str(data.get("mirror", "")),
                dense=DenseEntry(**_typed(data.get("dense", {}), DenseEntry)),
                build=_str(data["build"]),
                files={_str(k): _str(v) for k, v in dict(data["files"]).items()},
                settings=dict(data.get("settings") or {}),
                qa_version=_str(data["qa_version"]),
                format=FORMAT,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise IndexCorruptError(
                f"{where} is not a valid manifest ({exc}): the collection must be rebuilt"
            ) from None
        if len({d.doc_id for d in documents}) != len(documents):
            raise IndexCorruptError(f"{where} lists a document twice: the collection must be rebuilt")
        return manifest


_KINDS = {"str": str, "int": int, "bool": bool}


def _typed(row: object, kind: type) -> dict[str, Any]:
    """`row`'s fields for dataclass `kind`, each of the declared type (bool is not taken for int)."""
    if not isinstance(row, dict):
        raise TypeError(f"{kind.__name__} is {type(row).__name__}, not an object")
    out = {}
    for name, declared in kind.__annotations__.items():
        if name not in row:
            continue
        value = row[name]
        want = _KINDS[str(declared)]
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            raise TypeError(f"{kind.__name__}.{name} is {type(value).__name__}, not {declared}")
        out[name] = value
    return out


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not a string")
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TypeError(f"{value!r} is not a count")
    return value
