"""The public entry point: `QA.from_path(...)` opens a collection (building it when needed); `ask` uses it."""

from __future__ import annotations

import logging
import re
import shutil
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa import store
from qa.answering import AlreadySaid, AnswerContext, answer_question, combine, refused_as_unsaid
from qa.answering.followup import resolve
from qa.answering.kinds import closed_class_unheld
from qa.answering.query import (
    documents_hold,
    kinds_as_written,
    meta_intent,
    meta_intents,
    part_heading,
    pleasantry,
    rewrite,
    section_number,
)
from qa.answering.scope import asks
from qa.chunking import indexed_text
from qa.embedding import Embedder
from qa.errors import InputError
from qa.lexical import LexicalIndex
from qa.loading import clean_text
from qa.retrieval import Retriever
from qa.script import simplified
from qa.settings import BUNDLED_LETTER, Settings
from qa.store import Change, CollectionInfo, Manifest, Opened, Request, backfill
from qa.store.table import ChunkTable
from qa.types import Answer, Chunk, Document, Passage

if TYPE_CHECKING:
    from qa.answering.crosslingual import CrossLingual  # imported at run time only for a question not in Chinese

log = logging.getLogger("qa")

NEIGHBOURS = 2  # chunks on each side of the best passage that the answerer also reads
# The multilingual encoder takes ~3.5 ms a chunk here (numpy, 2 cores): 20,000 chunks are ~70 s on the first
# question not in Chinese; a larger collection would keep that question waiting for many minutes.
CROSS_LINGUAL_MAX_CHUNKS = 20_000
LETTER = "letter"  # the bundled letter's collection, the default
# Above this many chunks a collection's deferred vectors are built in the background only when the model was asked
# for by name (`--embed-model e5`), or by `qa index` / `QA.prepare()`: at ~10 chunks a second on 2 quiet cores,
# 20,000 chunks keep one core busy for about an hour, 10^5 for half a day.
BACKGROUND_MAX_CHUNKS = 20_000

Progress = Callable[[int, int], None]  # chunks embedded, chunks to embed


@dataclass(frozen=True)
class VectorState:
    """How far a collection's dense vectors are: `done` of `total` chunks; `running` while a thread builds them."""

    done: int
    total: int
    running: bool = False

    @property
    def complete(self) -> bool:
        return self.done >= self.total


_SURROGATES = re.compile("[\ud800-\udfff]")
_UNSAFE_NAME = re.compile(r"[^\w-]+")


# What a pleasantry gets (`qa.answering.query.pleasantry`): a reply, and no passages, since it asked the documents
# nothing. `abstained` stays true: no document answered it.
PLEASANTRY_REPLIES = {
    "greeting": "你好！请问关于这些文件，你想了解什么？每个回答都会标出原文出处。",
    "thanks": "不客气。还有什么想了解的，请继续提问。",
    "goodbye": "再见。",
    "acknowledgement": "好的。还有什么想了解的，请继续提问。",
}


def clean_question(question: object) -> str:
    """The question as text a person could have typed: no surrogates, controls or invisible marks."""
    if not isinstance(question, str):
        question = "" if question is None else str(question)
    return clean_text(_SURROGATES.sub("", question)).strip()


def collection_for(path: str | Path | None, collection: str | None) -> str:
    """The collection a call means: the one named, else the bundled letter's, else one named after `path`."""
    if collection is not None:
        return store.check_name(collection)
    if path is None or Path(path).expanduser().resolve() == BUNDLED_LETTER.resolve():
        return LETTER
    resolved = Path(path).expanduser().resolve()
    name = _UNSAFE_NAME.sub("-", resolved.stem if resolved.is_file() else resolved.name).strip("-_")[:64] or "docs"
    return f"{name}-docs" if name == LETTER else name


class QA:
    """Question answering over one collection of documents."""

    def __init__(
        self, settings: Settings, opened: Opened, embedder: Embedder | None = None, progress: Progress | None = None
    ) -> None:
        self.settings = settings
        self._embedder = embedder
        self._progress = progress
        self._background: tuple[threading.Thread, threading.Event] | None = None
        # (the build it started from, the build with every vector) once the background thread has made them
        self._built: tuple[str, Opened] | None = None
        self._done = 0  # chunks the background thread has embedded
        self._wanted_background = False
        self._load(opened)

    def _load(self, opened: Opened, lexical: LexicalIndex | None = None) -> None:
        self._stop_background()
        self.opened = opened
        self.documents = {d.doc_id: d for d in opened.documents}
        self.chunks = opened.chunks
        self.choice = opened.choice
        # One letter speaks of itself as 信, one other document as 文; several are 文档.
        one = opened.documents[0] if len(opened.documents) == 1 else None
        self._where = "文档中" if one is None else "信中" if one.is_letter else "文中"
        self._retriever: Retriever | None = None
        self._lexical = lexical  # the BM25 index, when a build with the same chunks already made it
        self._cross_lingual: CrossLingual | None = None  # made on the first question not in Chinese
        self._source_hashes: dict[str, tuple[str, str]] = {}
        if self._wanted_background:
            self.build_vectors_in_background()

    @property
    def retriever(self) -> Retriever:
        """Built on the first question, not at open: `qa add` and `qa index` never pay for BM25."""
        built, self._built = self._built, None
        # The background thread finished the vectors of the build still open (not one an update replaced since):
        # search them from now on, with the same BM25 index.
        if built is not None and built[0] == self.opened.manifest.build:
            self._load(built[1], self._retriever.lexical if self._retriever is not None else self._lexical)
        if self._retriever is None:
            lexical = self._lexical or store.lexical_index(
                self.opened,
                texts=lambda: [indexed_text(c, self.documents[c.doc_id]) for c in self.chunks],
                corpus=lambda: "\n".join(d.text for d in self.opened.documents),
            )
            embedder = self.choice.embedder
            vectors = self.opened.vectors
            dense, ranker = None, None
            if self.settings.store != "local":
                from qa.milvus import MilvusRanker  # pymilvus is an optional extra, imported only for this store

                ranker = MilvusRanker.open(self.settings.store, self.opened, lexical)
            elif vectors is not None and embedder is not None:
                dense = store.dense_index(self.opened)
            self._retriever = Retriever(
                self.chunks,
                lexical,
                dense,
                embedder if dense is not None or (ranker is not None and ranker.dense) else None,
                fusion=self.settings.fusion,
                rrf_k=self.settings.rrf_k,
                dense_weight=_dense_weight(self.settings, embedder),
                ranker=ranker,
            )
        return self._retriever

    def prepare(self) -> QA:
        """Build (or load) the search indexes now instead of at the first question, every deferred vector included
        (told to `progress`); `qa index` does this."""
        if self.opened.manifest.embedder.pending and self.choice.embedder is not None:
            self._stop_background()
            embedder = self.choice.embedder
            _threads(embedder, 0)
            for _ in range(3):
                done = backfill.complete(self.opened, embedder, self._progress)
                # None: another process wrote a new build meanwhile; open it and go on (saved parts still serve).
                self._load(done or self._reopened())
                if not self.opened.manifest.embedder.pending:
                    break
            else:
                raise InputError(
                    f"collection {self.collection!r} kept changing while its vectors were made: run `qa index` again"
                )
        _ = self.retriever
        return self

    def _reopened(self) -> Opened:
        request = Request(self.opened.folder, self.collection, self.settings, self._embedder)
        return store.open_or_build(request)

    @property
    def vector_state(self) -> VectorState | None:
        """How far the dense vectors are while some are still being made (None when all are there, or there are
        none to make)."""
        finished = self._built is not None and self._built[0] == self.opened.manifest.build
        if not self.opened.manifest.embedder.pending or self.choice.embedder is None or finished:
            return None
        running = self._background is not None and self._background[0].is_alive()
        done = self._done if running else self.opened.manifest.chunks - backfill.missing(self.opened)
        return VectorState(done, self.opened.manifest.chunks, running)

    def build_vectors_in_background(self) -> bool:
        """Make the deferred vectors in a background thread (one core; BM25 answers meanwhile; each part saved as
        it is made, so a restart resumes); questions use them once all are made. False when there are none to make,
        or the collection is over `BACKGROUND_MAX_CHUNKS` and the model was not asked for by name."""
        self._wanted_background = True
        state = self.vector_state
        if state is None or (self._background is not None and self._background[0].is_alive()):
            return False
        if state.total > BACKGROUND_MAX_CHUNKS and self.settings.embed_model.strip().lower() != "e5":
            log.info(
                "collection %s has %d chunks: its vectors are built by `qa index --collection %s`, or in the background "
                "with --embed-model e5",
                self.collection,
                state.total,
                self.collection,
            )
            return False
        opened, embedder, stop = self.opened, self.choice.embedder, threading.Event()
        assert embedder is not None

        def run() -> None:
            _threads(embedder, 1)
            try:
                built = backfill.complete(opened, embedder, self._count, stop)
            except Exception as exc:  # a full disk, a lock held too long: BM25 still answers; say why once
                log.warning("collection %s: building its vectors stopped (%s)", opened.manifest.collection, exc)
                return
            if built is not None:
                self._built = (opened.manifest.build, built)

        thread = threading.Thread(target=run, name=f"qa-vectors-{self.collection}", daemon=True)
        self._background = (thread, stop)
        thread.start()
        return True

    def _count(self, done: int, total: int) -> None:
        self._done = done

    def _stop_background(self) -> None:
        if self._background is not None:
            self._background[1].set()
            self._background = None

    @property
    def lexical(self) -> LexicalIndex:
        return self.retriever.lexical

    @classmethod
    def from_path(
        cls,
        path: str | Path | None = None,
        embedder: Embedder | None = None,
        collection: str | None = None,
        progress: Progress | None = None,
        **overrides: Any,
    ) -> QA:
        """Open a collection, building or updating it as needed (`progress` is told how far embedding is).

        With `path` (a file or folder) the collection mirrors it: files added, changed or deleted there are
        added, updated or removed here. Without `path`, `collection` opens as it is, and no collection means the
        bundled letter (collection `letter`). A collection named after `path` is used when none is given.
        """
        settings = Settings.load(**overrides)
        name = collection_for(path, collection)
        if path is None and name == LETTER:
            path = BUNDLED_LETTER
        elif path is not None and name == LETTER and Path(path).expanduser().resolve() != BUNDLED_LETTER.resolve():
            raise InputError(f"collection {LETTER!r} holds the bundled letter: name another one with --collection")
        folder = settings.resolved_index_dir / name
        if path is None:
            if not (folder / store.MANIFEST).exists():
                known = ", ".join(c.name for c in store.list_collections(settings.resolved_index_dir)) or "none yet"
                raise InputError(
                    f"there is no collection {name!r} (known: {known}): create it with `qa add PATH --collection {name}`"
                )
            request = Request(folder, name, settings, embedder, progress=progress)
        else:
            mirror = store.scan([path], settings.max_file_bytes, store.known_sources(folder))
            where = str(Path(path).expanduser().resolve())
            request = Request(folder, name, settings, embedder, mirror, where, progress)
        return cls(settings, store.open_or_build(request), embedder, progress)

    @classmethod
    def create(
        cls,
        collection: str,
        paths: Sequence[str | Path],
        embedder: Embedder | None = None,
        keep_copies: bool = False,
        progress: Progress | None = None,
        **overrides: Any,
    ) -> QA:
        """A new collection holding `paths` (files or folders); later `add`, `remove` and `sync` change it."""
        settings = Settings.load(**overrides)
        name = store.check_name(collection)
        if name == LETTER:
            raise InputError(f"collection {LETTER!r} holds the bundled letter: name another one")
        folder = settings.resolved_index_dir / name
        if store.readable(folder):  # one whose manifest is damaged is built anew (from these files and kept copies)
            raise InputError(f"collection {name!r} exists already: add to it, or delete it with `qa drop {name}`")
        sources = store.scan(paths, settings.max_file_bytes)
        if keep_copies:
            sources = _copies(folder, sources)
        opened, _ = store.update(Request(folder, name, settings, embedder, progress=progress), add=sources, remove=())
        _prune_copies(folder, opened.manifest)
        return cls(settings, opened, embedder, progress)

    @staticmethod
    def collections(**overrides: Any) -> list[CollectionInfo]:
        """The collections in the index folder (`QA_INDEX_DIR` or `index_dir=`), read from their manifests."""
        return store.list_collections(Settings.load(**overrides).resolved_index_dir)

    @property
    def collection(self) -> str:
        return self.opened.manifest.collection

    @property
    def manifest(self) -> Manifest:
        return self.opened.manifest

    def add(self, paths: Sequence[str | Path], keep_copies: bool = False) -> Change:
        """Add files (or every supported file below folders); a file already here with other bytes replaces it.

        `keep_copies` copies the files into the collection's folder first (uploads whose temp files go away),
        so a damaged build can still be rebuilt from them.
        """
        if self.collection == LETTER:
            raise InputError(f"collection {LETTER!r} holds the bundled letter only: add to another --collection")
        sources = store.scan(paths, self.settings.max_file_bytes, store.known(self.manifest.documents))
        if keep_copies:
            sources = _copies(self.opened.folder, sources)
        return self._update(sources, ())

    def remove(self, doc_ids: Sequence[str]) -> Change:
        """Remove documents by id; the others keep their chunks and vectors."""
        if self.collection == LETTER:
            raise InputError(f"collection {LETTER!r} holds the bundled letter only: nothing can be removed from it")
        return self._update((), set(doc_ids))

    def sync(self, folder: str | Path) -> Change:
        """Make the collection mirror `folder`: add new and changed files, remove those no longer there."""
        if self.collection == LETTER:
            raise InputError(f"collection {LETTER!r} holds the bundled letter only: sync another --collection")
        sources = store.scan([folder], self.settings.max_file_bytes, store.known(self.manifest.documents))
        return self._update(sources, (), mirror=str(Path(folder).expanduser().resolve()))

    def _update(self, sources: Sequence[store.SourceFile], remove: set[str] | tuple[()], mirror: str = "") -> Change:
        request = Request(
            self.opened.folder, self.collection, self.settings, self._embedder, None, mirror, self._progress
        )
        try:
            opened, change = store.update(request, add=sources, remove=remove, sync=bool(mirror), loaded=self.opened)
        except Exception:
            _prune_copies(self.opened.folder, self.opened.manifest)  # copies of files that were refused
            raise
        self._load(opened)
        _prune_copies(opened.folder, opened.manifest)
        return change

    def stale(self) -> list[str]:
        """Documents whose source file changed on disk since it was read: answers still quote what was read
        until `add` or `sync` reads it again. A stat per document; a file is hashed only when its stamp moved."""
        return store.stale_documents(self.manifest, self._source_hashes)

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
        """Answer `question` (resolving follow-ups against `history`) with exact cited spans; a span of a scanned
        document also says where it is on the page (`Citation.boxes`)."""
        from qa.ocr.cited import with_boxes  # numpy and JSON only: the OCR engine is never imported here

        return with_boxes(self._ask(question, history), self.documents)

    def _ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        asked = clean_question(question)
        limit = self.settings.max_question_chars
        if not asked:
            return Answer(asked, "请输入一个问题。", (), (), abstained=True)
        if len(asked) > limit:
            text = f"问题太长（{len(asked)} 字），请缩短到 {limit} 字以内再问。"
            return Answer(asked[:limit], text, (), (), abstained=True)
        if (kind := pleasantry(asked)) is not None:
            return Answer(asked, PLEASANTRY_REPLIES[kind], (), (), abstained=True)
        from qa.script import mostly_chinese  # kept inside `ask`: the module is already loaded by qa.types

        if not mostly_chinese(asked):
            return self._across_languages(asked)
        earlier = [clean_question(h)[:limit] for h in history or ()]
        resolved = resolve(
            kinds_as_written(asked, self.lexical),
            [kinds_as_written(e, self.lexical) for e in earlier],
            holds=documents_hold(self.lexical),
        )
        already_said = None
        if resolved.previous:
            earlier_answer = self._answer(rewrite(resolved.previous, self.lexical))
            if earlier_answer.citations:
                # what it swapped in, as the documents write it (`河大` → `河南大学`), which the answer must say
                new = rewrite(resolved.swapped_in or resolved.added, self.lexical)
                already_said = AlreadySaid(earlier_answer.citations[0], new, earlier_answer.confidence)
        question, focus = (rewrite(t, self.lexical) for t in (resolved.text, resolved.focus))
        whole = self._answer(question, focus, asked, already_said)
        if resolved.focus and not resolved.pointed and whole.abstained and whole.scope != "gather":
            # Merged only for want of a subject of its own (`谁负责安全？` after `活动持续多久？`) and refused: read on
            # its own words too. Answered so, it was a new question; refused both ways, its refusal names what it
            # asked, not the earlier question's words (`持续`) — unless the merged refusal already quotes the
            # follow-up's own words as the documents write them (`“一共考察了几天”`: the earlier answer lacks what
            # it asks). A list refused because what the earlier question speaks of names none of the things it asks for
            # (`都有哪些企业？` after `…跟企业一起建了多少个产业学院？`) asked about that: read alone, it would list every
            # company the documents name.
            alone = self._answer(rewrite(asked, self.lexical), "", asked)
            # Nor one that, read alone, answers of another kind of school or level than the earlier question asks about
            # (`新增备案的有几个？` after `技工院校开设的专业有多少`: the only such count is 中职's): what it leaves unsaid it
            # takes from the earlier question.
            unsaid = _another_class(resolved.previous, alone)
            if unsaid:
                whole = refused_as_unsaid(alone, unsaid, self._where)
            elif not (alone.abstained and f"“{focus}”" in whole.text):
                whole = alone
        parts = asks(question) if not resolved.previous and len(meta_intents(question)) < 2 else []
        if len(parts) >= 2:
            answers = self._answer_parts(parts)
            # A part the documents do not answer keeps a refused whole refused (`经办人是谁，联系电话是多少？`):
            # answering the other part alone would pass over what was asked.
            # Every part refused alone refuses an answered whole too (`老师有没有编制，工资待遇如何`): its sentence answers
            # none of what was asked, only the words the parts share. A refused whole names all that is missing.
            if not whole.abstained or not any(a.abstained for a in answers):
                return combine(asked, answers)
        return whole

    def _answer_parts(self, parts: Sequence[str]) -> list[Answer]:
        """Several asks in one question, each answered on its own; a later part without a subject of its own
        (`去了哪些地方`) is resolved against the first, as a follow-up would be, and refused with it when the documents do
        not answer the first."""
        answers: list[Answer] = []
        for i, part in enumerate(parts):
            sub = resolve(part, parts[:1]) if i else resolve(part)
            if sub.previous and answers[0].abstained:
                # It asks of what the first part asks about (`哪一所` after `有学校开过洲际酒店集团的订单班吗`), which the
                # documents do not answer: neither do they this, whatever sentence the merged words find.
                answers.append(replace(answers[0], question=part))
                continue
            text, focus = (rewrite(t, self.lexical) for t in (sub.text, sub.focus))
            answers.append(self._answer(text, focus, part))
        return answers

    def _across_languages(self, asked: str) -> Answer:
        """A question not in Chinese, matched by the multilingual embedder; its chunk vectors are encoded on the
        first such question and kept (`qa.answering.crosslingual`, imported only then)."""
        from qa.answering.crosslingual import CrossLingual

        if len(self.chunks) > CROSS_LINGUAL_MAX_CHUNKS:
            text = (
                f"Questions in other languages are matched on collections of up to {CROSS_LINGUAL_MAX_CHUNKS:,} "
                f"chunks (each is encoded on the first such question); this one has {len(self.chunks):,}: "
                "please ask in Chinese."
            )
            return Answer(asked, text, (), (), abstained=True)
        if self._cross_lingual is None:
            self._cross_lingual = CrossLingual.build(self.chunks, self._document, self._where, lexical=self.lexical)
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
            models_dir=self.settings.models_dir,
            doc_ids=tuple(self.documents),
        )

    def _neighbours(self, passages: Sequence[Passage]) -> list[Passage]:
        """Chunks next to the best passage in its document: an answer often sits one chunk over."""
        if not passages:
            return []
        top = passages[0]
        at = self.chunks.index_of(top.doc_id, top.start)
        if at is None:
            return []
        rows = self.chunks.of_document(top.doc_id)
        seen = {(p.doc_id, p.start) for p in passages}
        near = self.chunks[max(rows.start, at - NEIGHBOURS) : min(rows.stop, at + NEIGHBOURS + 1)]
        return [Passage.of(c, 0.0) for c in near if (c.doc_id, c.start) not in seen]


def _another_class(earlier: str, answer: Answer) -> str:
    """The kind of school or level `earlier` asks about when an answer's sentence gives its fact only of others."""
    if answer.abstained or not answer.citations:
        return ""
    return closed_class_unheld(simplified(earlier), simplified(answer.citations[0].text))


def _copies(folder: Path, sources: Sequence[store.SourceFile]) -> list[store.SourceFile]:
    """Copy files into the collection's `sources/` folder, so the collection outlives their temp files.

    Each copy sits under its own hash (`sources/<sha256>/<doc_id>`): a new version that turns out unreadable
    never overwrites the copy the collection was built from. Copies no build uses are pruned after an update.
    """
    kept = folder / "sources"
    out = []
    for source in sources:
        target = kept / source.sha256[:16] / source.doc_id
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source.path, target)
        except OSError as exc:
            raise InputError(f"cannot keep a copy of {source.path} in {kept} ({exc.strerror})") from None
        out.append(store.SourceFile(source.doc_id, target, source.sha256))
    return out


def _prune_copies(folder: Path, manifest: Manifest) -> None:
    """Delete the kept copies no document of the current build comes from."""
    kept = folder / "sources"
    if not kept.is_dir():
        return
    used = {
        Path(d.source).relative_to(kept).parts[0] for d in manifest.documents if Path(d.source).is_relative_to(kept)
    }
    for entry in kept.iterdir():
        if entry.name not in used:
            shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)


def _threads(embedder: Embedder, count: int) -> None:
    """Tell an embedder that can be told (E5) how many threads this thread's calls may use (0: all)."""
    threads = getattr(embedder, "threads", None)
    if callable(threads):
        threads(count)


def _dense_weight(settings: Settings, embedder: Embedder | None) -> float:
    """The setting when given, else the embedder's calibrated `fusion_weight`, else 1.0."""
    if settings.dense_weight is not None:
        return settings.dense_weight
    return float(getattr(embedder, "fusion_weight", 1.0))


def structure_chunk(question: str, doc: Document, chunks: ChunkTable) -> Chunk | None:
    """The chunk of `doc` holding the part a question about the letter itself asks for, if any."""
    intent = meta_intent(question)
    if intent is None:
        return None
    if intent == "section":
        heading = part_heading(doc, section_number(question))
        start = heading.start if heading is not None else None
    else:
        # how it meets the proposal is said beside the proposal
        span = getattr(doc.structure, "proposal" if intent == "stance" else intent)
        start = span.start if span is not None else None
    if start is None:
        return None
    rows = chunks.of_document(doc.doc_id)
    return next((c for c in chunks[rows.start : rows.stop] if c.start <= start < c.end), None)


__all__ = ["LETTER", "QA", "VectorState", "clean_question", "collection_for"]
