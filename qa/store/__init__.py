"""Index storage: a collection's files (`files`), their manifest (`manifest`), the files it is built from
(`sources`) and its life: open, build, heal, update (`lifecycle`)."""

from qa.store.derived import dense_index, lexical_index
from qa.store.files import MANIFEST, StoredIndex, build_lock, load_index, read_manifest, save_index, sha256_file
from qa.store.lifecycle import (
    Change,
    CollectionInfo,
    Opened,
    Request,
    drop,
    known_sources,
    list_collections,
    open_or_build,
    readable,
    stale_documents,
    update,
)
from qa.store.manifest import FORMAT, Chunking, DocumentEntry, EmbedderEntry, Manifest, Wanted, check_name
from qa.store.sources import SourceFile, file_sha256, known, scan
from qa.store.table import ChunkTable

__all__ = [
    "FORMAT",
    "MANIFEST",
    "Change",
    "ChunkTable",
    "Chunking",
    "CollectionInfo",
    "DocumentEntry",
    "EmbedderEntry",
    "Manifest",
    "Opened",
    "Request",
    "SourceFile",
    "StoredIndex",
    "Wanted",
    "build_lock",
    "check_name",
    "dense_index",
    "drop",
    "file_sha256",
    "known",
    "known_sources",
    "lexical_index",
    "list_collections",
    "load_index",
    "open_or_build",
    "read_manifest",
    "readable",
    "save_index",
    "scan",
    "sha256_file",
    "stale_documents",
    "update",
]
