"""The public entry point: `QA.from_path(...)` builds or loads the index; `ask` and `retrieve` use it."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa import store
from qa._version import __version__
from qa.answering import AlreadySaid, AnswerContext, answer_question
from qa.answering.followup import resolve
from qa.answering.query import meta_intent, part_heading, rewrite, section_number
from qa.chunking import chunk_document, indexed_text
from qa.embedding import NONE, Embedder, EmbedderChoice, hub_model_cached, load_embedder
from qa.errors import IndexCorruptError, InputError
from qa.lexical import LexicalIndex
from qa.loading import DEFAULT_MAX_BYTES, TEXT_SUFFIXES, clean_text, load_path
from qa.retrieval import DenseIndex, Retriever
from qa.settings import BUNDLED_LETTER, Settings
from qa.types import Answer, Chunk, Document, Passage

log = logging.getLogger("qa")

NEIGHBOURS = 2  # chunks on each side of the best passage that the answerer also reads

_SURROGATES = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Source:
    """The files an index is built from, fingerprinted by their bytes and ids."""

    path: Path
    sha256: str


def fingerprint(path: Path, max_file_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Hash the raw bytes and ids of the file, or of every .txt/.md file below the folder.

    Oversized and unreadable files are refused here, before anything is read into memory.
    """
    root = path.expanduser().resolve()
    if not root.exists():
        raise InputError(f"{path} does not exist: give a .txt/.md file or a folder of them")
    if root.is_file():
        files = [root]
    elif root.is_dir():
        files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
    else:
        raise InputError(f"{path} is neither a file nor a folder: give a .txt/.md file or a folder of them")
    digest = hashlib.sha256()
    for file in files:
        doc_id = file.name if root.is_file() else file.relative_to(root).as_posix()
        digest.update(doc_id.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(_file_digest(file, max_file_bytes))
    return Source(root, digest.hexdigest())


def _file_digest(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{path} is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB limit: split it")
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").digest()
    except OSError as exc:
        raise InputError(f"cannot read {path} ({exc.strerror}): check that it exists and is readable") from None


def clean_question(question: object) -> str:
    """The question as text a person could have typed: no surrogates, controls or invisible marks."""
    if not isinstance(question, str):
        question = "" if question is None else str(question)
    return clean_text(_SURROGATES.sub("", question)).strip()


class QA:
    """Question answering over one indexed file or folder."""

    def __init__(
        self,
        settings: Settings,
        documents: Sequence[Document],
        chunks: Sequence[Chunk],
        choice: EmbedderChoice,
        vectors: np.ndarray | None,
        manifest: dict[str, Any],
    ) -> None:
        self.settings = settings
        self.documents = {d.doc_id: d for d in documents}
        self.chunks = list(chunks)
        self.choice = choice
        self.manifest = manifest
        self._chunk_at = {(c.doc_id, c.start): i for i, c in enumerate(self.chunks)}
        letters = any(d.structure.addressee or d.structure.date for d in documents)
        self._where = "信中" if letters else "文中"
        self.lexical = LexicalIndex([indexed_text(c, self.documents[c.doc_id]) for c in self.chunks])
        dense = DenseIndex(vectors) if vectors is not None and choice.embedder is not None else None
        self.retriever = Retriever(
            self.chunks,
            self.lexical,
            dense,
            choice.embedder if dense is not None else None,
            fusion=settings.fusion,
            rrf_k=settings.rrf_k,
            dense_weight=_dense_weight(settings, choice.embedder),
        )

    @classmethod
    def from_path(cls, path: str | Path | None = None, embedder: Embedder | None = None, **overrides: Any) -> QA:
        """Build the index for `path` (None: the bundled letter), or load it when it is current."""
        settings = Settings.load(**overrides)
        source = fingerprint(Path(path) if path is not None else BUNDLED_LETTER, settings.max_file_bytes)
        index_dir = settings.resolved_index_dir
        requested = embedder.id if embedder is not None else settings.embed_model
        wanted = _wanted_manifest(settings, source, requested)
        try:
            loaded = _load_current(index_dir, wanted, embedder, settings)
        except IndexCorruptError as exc:
            log.warning("index at %s is damaged (%s); rebuilding it", index_dir, exc)
            loaded = None
        if loaded is not None:
            return cls(settings, *loaded)
        with store.build_lock(index_dir):
            # Another process may have finished the same build while we waited for the lock.
            try:
                loaded = _load_current(index_dir, wanted, embedder, settings)
            except IndexCorruptError:
                loaded = None
            if loaded is not None:
                return cls(settings, *loaded)
            return cls(settings, *_build(index_dir, wanted, source, embedder, settings))

    @property
    def embedder_id(self) -> str:
        return self.choice.id

    @property
    def notice(self) -> str:
        """One line saying the requested embedder was replaced by the offline one (empty if not)."""
        return self.choice.notice

    def document_text(self, doc_id: str) -> str:
        """The text every offset of `doc_id` refers to."""
        return self._document(doc_id).text

    def _document(self, doc_id: str) -> Document:
        try:
            return self.documents[doc_id]
        except KeyError:
            raise InputError(f"no document {doc_id!r} in this index: known are {sorted(self.documents)[:5]}…") from None

    def retrieve(self, question: str, k: int = 5) -> list[Passage]:
        """The `k` best passages for `question`, best first."""
        text = clean_question(question)[: self.settings.max_question_chars]
        if not text:
            return []
        return self._retrieve(rewrite(text, self.lexical), k)

    def _retrieve(self, text: str, k: int, own_words: str = "") -> list[Passage]:
        """Fused retrieval; a question about the letter itself also gets the passage holding that part.

        `own_words` is what a follow-up itself said: it, not the earlier question, decides that.
        """
        passages = self.retriever.retrieve(text, k)
        if not passages:
            return passages
        structural = structure_chunk(own_words or text, self.documents[passages[0].doc_id], self.chunks)
        if structural is None:
            return passages
        rest = [p for p in passages if (p.doc_id, p.start) != (structural.doc_id, structural.start)]
        return [Passage.of(structural, passages[0].score), *rest][:k]

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        """Answer `question` (resolving follow-ups against `history`) with exact cited spans."""
        asked = clean_question(question)
        limit = self.settings.max_question_chars
        if not asked:
            return Answer(asked, "请输入一个问题。", (), (), abstained=True)
        if len(asked) > limit:
            text = f"问题太长（{len(asked)} 字），请缩短到 {limit} 字以内再问。"
            return Answer(asked[:limit], text, (), (), abstained=True)
        from qa.script import mostly_chinese  # kept inside `ask`: the module is already loaded by qa.types

        if not mostly_chinese(asked):
            return self._across_languages(asked)
        earlier = [clean_question(h)[:limit] for h in history or ()]
        resolved = resolve(asked, earlier)
        already_said = None
        if resolved.previous:
            earlier_answer = self._answer(rewrite(resolved.previous, self.lexical))
            if earlier_answer.citations:
                already_said = AlreadySaid(earlier_answer.citations[0])
        question, focus = (rewrite(t, self.lexical) for t in (resolved.text, resolved.focus))
        return self._answer(question, focus, asked, already_said)

    def _across_languages(self, asked: str) -> Answer:
        """A question not in Chinese, matched by the multilingual embedder; its chunk vectors are encoded on the
        first such question and kept (`qa.crosslingual`, imported only then)."""
        from qa.crosslingual import CrossLingual

        if getattr(self, "_cross_lingual", None) is None:
            self._cross_lingual = CrossLingual.build(self.chunks, self._document, self._where)
        return self._cross_lingual.answer(asked)

    def _answer(
        self, question: str, focus: str = "", asked: str = "", already_said: AlreadySaid | None = None
    ) -> Answer:
        return answer_question(question, self.context(question, focus, asked, already_said))

    def context(
        self, question: str, focus: str = "", asked: str = "", already_said: AlreadySaid | None = None
    ) -> AnswerContext:
        """What answering `question` reads: its passages, the chunks beside the best one, the corpus."""
        passages = self._retrieve(question, 5, focus)
        return AnswerContext(
            passages=passages,
            lexical=self.lexical,
            document=self._document,
            neighbours=self._neighbours(passages),
            asked=asked,
            focus=focus,
            already_said=already_said,
            where=self._where,
            threshold=self.settings.abstain_threshold,
        )

    def _neighbours(self, passages: Sequence[Passage]) -> list[Passage]:
        """Chunks next to the best passage in its document: an answer often sits one chunk over."""
        if not passages:
            return []
        top = passages[0]
        at = self._chunk_at.get((top.doc_id, top.start))
        if at is None:
            return []
        seen = {(p.doc_id, p.start) for p in passages}
        near = [self.chunks[i] for i in range(max(0, at - NEIGHBOURS), min(len(self.chunks), at + NEIGHBOURS + 1))]
        return [Passage.of(c, 0.0) for c in near if c.doc_id == top.doc_id and (c.doc_id, c.start) not in seen]


def _dense_weight(settings: Settings, embedder: Embedder | None) -> float:
    """The setting when given, else the embedder's calibrated `fusion_weight`, else 1.0."""
    if settings.dense_weight is not None:
        return settings.dense_weight
    return float(getattr(embedder, "fusion_weight", 1.0))


def structure_chunk(question: str, doc: Document, chunks: Sequence[Chunk]) -> Chunk | None:
    """The chunk of `doc` holding the part a question about the letter itself asks for, if any."""
    intent = meta_intent(question)
    if intent is None:
        return None
    if intent == "section":
        heading = part_heading(doc, section_number(question))
        start = heading.start if heading is not None else None
    else:
        span = getattr(doc.structure, intent)
        start = span.start if span is not None else None
    if start is None:
        return None
    return next((c for c in chunks if c.doc_id == doc.doc_id and c.start <= start < c.end), None)


def _wanted_manifest(settings: Settings, source: Source, requested: str) -> dict[str, Any]:
    return {
        "source": {"path": str(source.path), "sha256": source.sha256},
        "chunking": settings.chunk_settings(),
        "embedder": {"requested": requested},
    }


def _load_current(
    index_dir: Path, wanted: dict[str, Any], embedder: Embedder | None, settings: Settings, attempts: int = 2
) -> tuple[list[Document], list[Chunk], EmbedderChoice, np.ndarray | None, dict[str, Any]] | None:
    """The stored index when it matches what is wanted and is intact; None when it must be rebuilt.

    Every manifest field is checked for its type too: an edited manifest means a rebuild, not a crash.
    """
    manifest = store.read_manifest(index_dir)
    if manifest is None or manifest.get("qa_version") != __version__:
        return None
    if _field(manifest, "source").get("sha256") != wanted["source"]["sha256"]:
        return None
    if manifest.get("chunking") != wanted["chunking"]:
        return None
    stored = _field(manifest, "embedder")
    if stored.get("requested") != wanted["embedder"]["requested"]:
        return None
    choice = _embedder_for(stored, embedder, settings)
    if choice is None:
        return None
    try:
        index = store.load_index(index_dir, manifest)
    except IndexCorruptError:
        if attempts <= 1 or store.read_manifest(index_dir) == manifest:
            raise
        # A builder swapped in a new index while this one was read: the new one is not damaged.
        return _load_current(index_dir, wanted, embedder, settings, attempts - 1)
    if choice.notice:
        log.warning("%s", choice.notice)
    return index.documents, index.chunks, choice, index.vectors, manifest


def _field(manifest: dict[str, Any], key: str) -> dict[str, Any]:
    value = manifest.get(key)
    return value if isinstance(value, dict) else {}


def _embedder_for(stored: dict[str, Any], embedder: Embedder | None, settings: Settings) -> EmbedderChoice | None:
    """Recreate the embedder an index was built with, or None when a better one is now available."""
    requested = stored["requested"]
    if embedder is not None:
        return EmbedderChoice(embedder, requested) if embedder.id == stored.get("id") else None
    if stored.get("id") == NONE:
        return EmbedderChoice(None, NONE)
    if stored.get("fallback"):
        # Built with the offline stand-in: rebuild as soon as the real model sits in the cache.
        if hub_model_cached(requested):
            return None
        from qa.embedding import WordLlamaEmbedder

        return EmbedderChoice(WordLlamaEmbedder(), requested, stored.get("notice", ""))
    choice = load_embedder(requested, hub_timeout_s=0.0)
    return choice if choice.id == stored.get("id") and not choice.fallback else None


def _build(
    index_dir: Path, wanted: dict[str, Any], source: Source, embedder: Embedder | None, settings: Settings
) -> tuple[list[Document], list[Chunk], EmbedderChoice, np.ndarray | None, dict[str, Any]]:
    documents = load_path(source.path, settings.max_file_bytes)
    chunks = [c for d in documents for c in chunk_document(d, settings.chunk_min_chars, settings.chunk_max_chars)]
    if embedder is not None:
        choice = EmbedderChoice(embedder, embedder.id)
    else:
        choice = load_embedder(settings.embed_model, settings.hub_timeout_s)
    if choice.notice:
        log.warning("%s", choice.notice)
    vectors = None
    if choice.embedder is not None:
        by_id = {d.doc_id: d for d in documents}
        vectors = choice.embedder.encode_documents([indexed_text(c, by_id[c.doc_id]) for c in chunks])
    manifest = {
        **wanted,
        "embedder": {
            "requested": wanted["embedder"]["requested"],
            "id": choice.id,
            "dim": int(vectors.shape[1]) if vectors is not None else 0,
            "fallback": choice.fallback,
            "notice": choice.notice,
        },
        "source": {
            **wanted["source"],
            "documents": [{"doc_id": d.doc_id, "sha256": d.sha256, "chars": len(d.text)} for d in documents],
        },
        "settings": settings.to_dict(),
        "counts": {"documents": len(documents), "chunks": len(chunks)},
    }
    written = store.save_index(index_dir, manifest, documents, chunks, vectors)
    return documents, chunks, choice, vectors, written


__all__ = ["QA", "clean_question", "fingerprint"]
