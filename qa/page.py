"""The chat page's logic, without Gradio: `ChatPage` answers, lists and changes collections; `Library` keeps
one open `QA` per collection. `app.py` wires them to Gradio components (and tests drive them directly)."""

from __future__ import annotations

import contextlib
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from qa import QA, Answer, Document, InputError, QAError, chinese, render, web
from qa.accounts import Accounts, Action
from qa.api import LETTER, VectorState
from qa.audit import AuditLog, Event, Kind, file_hashes
from qa.chunking import OPENING
from qa.loading import SUFFIXES, load_file
from qa.store import MANIFEST, check_name

# Questions the bundled letter answers, and one it does not, to show what an abstention looks like.
LETTER_EXAMPLES = (
    "郑州市有多少所中职学校通过标准化验收？",
    "2024年全市中等职业学校共开设多少个专业？",
    "哪些大学在郑州建了研究院？",
    "这封信是写给谁的？",
    "郑州市今年的财政预算是多少？",
)
MAX_HISTORY = 20  # earlier questions passed to `ask`; follow-ups only look back a few turns
MAX_FILE_BYTES = 2**20  # per uploaded file: Gradio refuses a larger one before sending it, the page checks again
MAX_FILES = 20  # per upload: each is read and embedded while the person waits
MAX_VIEWS = 8  # documents the panel holds at once: the most recently cited

ROLE_NAMES = {"viewer": "只读", "editor": "编辑", "admin": "管理员"}
PageUpdate = tuple[str, list[dict[str, str]], str, str, list[Answer]]


class Library:
    """The page's collections: one open `QA` per collection, opened on first use and kept.

    A lock per collection orders its questions and its changes: `QA.add` and `QA.remove` reload the bot in
    place, and a question read half-way through would see the new documents with the old index.
    """

    def __init__(self, default: QA) -> None:
        self.default = default.collection
        self.settings = default.settings
        self._bots: dict[str, QA] = {self.default: default}
        default.build_vectors_in_background()  # deferred E5 vectors: BM25 answers until they are all made
        self._locks: dict[str, threading.RLock] = {}
        self._guard = threading.Lock()

    def _overrides(self) -> dict[str, Any]:
        """The default collection's settings, so every collection opens and builds the same way."""
        settings = {f.name: getattr(self.settings, f.name) for f in fields(self.settings)}
        return {**settings, "index_dir": self.settings.resolved_index_dir}

    def _lock(self, name: str) -> threading.RLock:
        with self._guard:
            return self._locks.setdefault(name, threading.RLock())

    @contextlib.contextmanager
    def using(self, name: str | None) -> Iterator[QA]:
        """The open `QA` of collection `name` (None: the default), held for this block alone."""
        name = name or self.default
        with self._lock(name):
            bot = self._bots.get(name)
            if bot is None:
                bot = self._bots[name] = QA.from_path(collection=name, **self._overrides())
                bot.build_vectors_in_background()
            yield bot

    def bot(self, name: str | None = None) -> QA:
        with self.using(name) as bot:
            return bot

    def choices(self, only: Sequence[str] = ()) -> list[tuple[str, str]]:
        """The collections to pick from, as (label, name): readable ones, plus those open here (`only`: of these)."""
        found = {c.name: c.documents for c in QA.collections(**self._overrides()) if not c.problem}
        for name, bot in list(self._bots.items()):
            found[name] = len(bot.documents)
        order = [self.default, *sorted(n for n in found if n != self.default)]
        order = [n for n in order if not only or n in only]
        return [(f"{n}（{found[n]} 篇）", n) for n in order]

    def names(self) -> set[str]:
        """The collections there are (readable or open here)."""
        return {c.name for c in QA.collections(**self._overrides())} | set(self._bots)

    def put(self, name: str, paths: Sequence[Path]) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
        """Add files to collection `name`, creating it when there is none; (created, added ids, updated ids)."""
        with self._lock(name):
            folder = self.settings.resolved_index_dir / name
            if name not in self._bots and not (folder / MANIFEST).exists():
                bot = QA.create(name, paths, keep_copies=True, **self._overrides())
                bot.build_vectors_in_background()
                self._bots[name] = bot
                return True, tuple(bot.documents), ()
        with self.using(name) as bot:
            change = bot.add(paths, keep_copies=True)
            return False, change.added, change.updated


MAX_EXAMPLES = 5  # example buttons the page holds; a collection fills as many as it has questions for


@dataclass(frozen=True)
class Intro:
    """What the page says about the collection picked: title, hints and example questions, all from its documents."""

    title: str
    placeholder: str  # in the question box
    hint: str  # in the empty chat
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Shelf:
    """What the page shows after a switch, upload or removal; `build` turns it into component updates."""

    collection: str
    choices: list[tuple[str, str]]
    note: str  # one line of HTML: what happened, or what to fix
    documents: str  # the document list as HTML
    doc_ids: list[str]
    answers: list[Answer] = field(default_factory=list)
    messages: list[dict[str, str]] = field(default_factory=list)
    letter: str = ""
    passages: str = ""
    new_name: str = ""  # what the new-collection box holds afterwards


class ChatPage:
    """What the page shows for a conversation over a collection; the conversation is a list of `Answer`s.

    Page events name the collection they are about (the picker's value in that browser tab); `None` is
    the default one, which the `/chat` and `/ask` API calls also use.
    """

    def __init__(self, bot: QA, accounts: Accounts | None = None, audit: AuditLog | None = None) -> None:
        self.library = Library(bot)
        self.accounts = accounts if accounts is not None and accounts.on else None  # None: no logins
        self.audit = audit

    def allow(self, user: str | None, action: Action, collection: str | None) -> None:
        """Refuse (InputError, in Chinese) unless `user` may do `action` on `collection`; open when accounts are off."""
        if self.accounts is None:
            return
        account = self.accounts.get(user)
        name = collection or self.library.default
        if account is None:
            raise InputError("请先登录。")
        if account.may(action, name):
            return
        if action == "ask" or not account.may(action):
            what = {"ask": f"使用文集 {name}", "change": "上传或删除文档", "create": "新建文集"}[action]
            raise InputError(f"账号 {account.name}（{ROLE_NAMES[account.role]}）不能{what}。")
        raise InputError(f"账号 {account.name} 不能改动文集 {name}。")

    def record(self, user: str | None, action: Kind, collection: str, paths: Sequence[Path] = (), **more: Any) -> None:
        if self.audit is not None:
            names = tuple(p.name for p in paths) + tuple(more.pop("documents", ()))
            self.audit.record(Event(user or "(anonymous)", action, collection, names, file_hashes(paths), **more))

    def choices(self, user: str | None = None) -> list[tuple[str, str]]:
        """The collections `user` may pick."""
        if self.accounts is None:
            return self.library.choices()
        account = self.accounts.get(user)
        return self.library.choices(account.collections) if account is not None else []

    @property
    def bot(self) -> QA:
        """The default collection's `QA`."""
        return self.library.bot()

    def reply(
        self, message: object, history: Sequence[str] = (), collection: str | None = None, user: str | None = None
    ) -> Answer:
        """The answer to `message`; `history` holds earlier questions, oldest first, for follow-ups."""
        text = message if isinstance(message, str) else ("" if message is None else str(message))
        try:
            self.allow(user, "ask", collection)
            with self.library.using(collection) as bot:
                limit = bot.settings.max_question_chars
                if len(text) > limit:
                    # API callers skip the browser's maxlength: refuse before the text goes anywhere else.
                    note = f"问题太长（{len(text)} 字），请缩短到 {limit} 字以内再问。"
                    return Answer(text[:limit] + "…", note, (), (), abstained=True)
                earlier = [h[:limit] for h in history if isinstance(h, str)][-MAX_HISTORY:]
                return labelled(bot.ask(text, history=earlier), bot.documents)
        except QAError as exc:
            return Answer(text, f"无法回答：{exc}", (), (), abstained=True)

    def chat(self, question: object, history: object = None, collection: object = None, user: str | None = None) -> str:
        """The `/chat` API: the answer text with its `[n]` markers; `history` lists earlier questions."""
        asked = self.checked(question, history)
        self.allow(user, "ask", _collection(collection))
        with self.library.using(_collection(collection)) as bot:
            return bot.ask(*asked).text

    def ask(
        self, question: object, history: object = None, collection: object = None, user: str | None = None
    ) -> dict[str, Any]:
        """The `/ask` API: the whole `Answer` as JSON, its citations with offsets into the document text."""
        asked = self.checked(question, history)
        self.allow(user, "ask", _collection(collection))
        with self.library.using(_collection(collection)) as bot:
            # `stale`: documents whose file changed on disk since it was read; the answer quotes what was read.
            return {**bot.ask(*asked).to_dict(), "stale": bot.stale()}

    def checked(self, question: object, history: object) -> tuple[str, list[str]]:
        """An API call's question and history (None: no history), or an `InputError` saying what to fix.

        The page's textbox enforces these limits itself; API callers get one error line instead.
        """
        limit = self.bot.settings.max_question_chars
        if not isinstance(question, str):
            raise InputError(f"question must be a string, got {_kind(question)}: send the question as text")
        if len(question) > limit:
            raise InputError(f"question is {len(question)} characters, over the {limit} limit: shorten it")
        if history is None:
            return question, []
        if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
            raise InputError(
                f"history must be a list of strings (earlier questions, oldest first), got {_kind(history)}: "
                "send [] when there are none"
            )
        if len(history) > MAX_HISTORY:
            raise InputError(
                f"history has {len(history)} questions, over the {MAX_HISTORY} limit: send the latest {MAX_HISTORY}"
            )
        for n, earlier in enumerate(history):
            if len(earlier) > limit:
                raise InputError(f"history[{n}] is {len(earlier)} characters, over the {limit} limit: shorten it")
        return question, history

    def respond(
        self, message: object, answers: list[Answer] | None, collection: str | None = None, user: str | None = None
    ) -> PageUpdate:
        """The page event: clear the textbox, extend the chat, re-mark the document, list the passages."""
        answers = list(answers or [])
        history = [a.question for a in answers if a.passages]  # refused questions are not context
        answers.append(self.reply(message, history, collection, user))
        messages, letter, passages = self.shown(answers, collection)
        stale = self._stale(collection)
        if stale and messages:
            names = "、".join(stale[:3]) + (f" 等 {len(stale)} 篇" if len(stale) > 3 else "")
            note = f"注意：{names} 在磁盘上已有改动，这里的回答仍按之前读入的内容；重新上传或同步后才会更新。"
            messages[-1] = {**messages[-1], "content": messages[-1]["content"] + render.note_html(note, ok=False)}
        return "", messages, letter, passages, answers

    def _stale(self, collection: str | None) -> list[str]:
        try:
            with self.library.using(collection) as bot:
                return bot.stale()
        except QAError:
            return []

    def clear(self, collection: str | None = None) -> PageUpdate:
        return "", [], self.letter([], collection), self.passages([]), []

    def shown(self, answers: Sequence[Answer], collection: str | None) -> tuple[list[dict[str, str]], str, str]:
        """The chat, the document panel and the passages for `answers` over `collection`."""
        try:
            with self.library.using(collection) as bot:
                documents = bot.documents  # replaced whole by an update, never edited: one consistent view
        except QAError:
            documents = {}
        return self.messages(answers, len(documents)), self.letter(answers, collection), self.passages(answers)

    def messages(self, answers: Sequence[Answer], documents: int = 1) -> list[dict[str, str]]:
        """The chat as Gradio messages whose content is inert HTML."""
        out = []
        for turn, answer in enumerate(answers):
            out.append({"role": "user", "content": render.question_html(answer.question)})
            out.append({"role": "assistant", "content": render.answer_html(answer, turn, documents)})
        return out

    def letter(self, answers: Sequence[Answer], collection: str | None = None) -> str:
        """The document panel: every cited document with its spans marked, the latest cited one shown."""
        try:
            with self.library.using(collection) as bot:
                documents = bot.documents
        except QAError as exc:
            return render.error_html(f"无法打开文集 {collection}：{exc}")
        return render.documents_panel_html(documents, answers, next(iter(documents)), MAX_VIEWS)

    def passages(self, answers: Sequence[Answer]) -> str:
        return render.passages_html(answers[-1].passages if answers else ())

    def examples(self, bundled: bool, collection: str | None = None) -> list[str]:
        """Curated questions for the bundled letter; for other documents, one per top-level heading."""
        if bundled:
            return list(LETTER_EXAMPLES)
        with self.library.using(collection) as bot:
            documents = list(bot.documents.values())
        where = "信中" if _is_letter(documents) else "文中" if len(documents) == 1 else "文档中"
        topics = [h.title.split("、", 1)[-1].strip() for d in documents for h in d.structure.headings if h.level == 1]
        if not topics:  # no headings: what each document is about, by its subject or its first words
            topics = [d.subject or _first_words(d.text) for d in documents]
        unique = list(dict.fromkeys(t for t in topics if t))
        return [f"关于“{t}”，{where}怎么说？" for t in unique[: MAX_EXAMPLES - 1]]

    def intro(self, collection: str | None = None) -> Intro:
        """Title, hints and examples for `collection` (None: the default), taken from its documents: the
        bundled letter's title names its sender, as the letter does; another collection is named by its name."""
        name = collection or self.library.default
        with self.library.using(name) as bot:
            documents = list(bot.documents.values())
        letter = _is_letter(documents)
        examples = self.examples(bundled=name == LETTER, collection=name)
        if letter:
            sender = documents[0].structure.sender
            who = documents[0].text[sender.start : sender.end] if sender is not None else ""
            title = f"{who}答复函 · 问答" if who else f"{render.display_name(documents[0])} · 问答"
            about = "这封信"
        elif len(documents) == 1:
            title = f"{render.display_name(documents[0])} · 问答"
            about = "这篇文档"
        else:
            title = f"文集 {name}（{len(documents)} 篇）· 问答"
            about = "这些文档"
        placeholder = f"输入问题，例如：{examples[0]}" if examples else f"输入一个关于{about}的问题"
        hint = f"问一个关于{about}的问题，答案里的 [1] 可以点击，右侧会定位到原文。"
        return Intro(title, placeholder, hint, tuple(examples))

    # The collection shelf: switching, uploading, removing. Each returns the whole `Shelf` to show.

    def shelf(
        self,
        collection: str | None,
        answers: Sequence[Answer] = (),
        note: str = "",
        ok: bool = True,
        new_name: str = "",
        user: str | None = None,
    ) -> Shelf:
        """What the page shows of `collection` (None: the default) with this conversation and note."""
        name = collection or self.library.default
        try:
            with self.library.using(name) as bot:
                counts = {e.doc_id: e.chunks for e in bot.manifest.documents}
                rows = render.document_rows(sorted(bot.documents.values(), key=lambda d: d.doc_id), counts)
                state = bot.vector_state
        except QAError as exc:
            if name == self.library.default:
                raise
            problem = f"无法打开文集 {name}，已回到 {self.library.default}：{exc}"
            return self.shelf(None, (), problem, ok=False)
        kept = list(answers)
        messages, letter, passages = self.shown(kept, name)
        return Shelf(
            collection=name,
            choices=self.choices(user),
            note=render.note_html(note + _vector_note(state), ok),
            documents=render.documents_table_html(name, rows),
            doc_ids=[r.doc_id for r in rows],
            answers=kept,
            messages=messages,
            letter=letter,
            passages=passages,
            new_name=new_name,
        )

    def opening(self, user: str | None = None) -> Shelf:
        """What a tab shows when it opens: the default collection, else the first one `user` may use."""
        names = [name for _, name in self.choices(user)]
        if self.accounts is not None and not names:
            note = f"账号 {user} 还没有可用的文集，请联系管理员。" if user else "请先登录。"
            return Shelf(self.library.default, [], render.note_html(note, False), "", [])
        return self.shelf(names[0] if names else None, user=user)

    def switch(self, collection: str | None, user: str | None = None) -> Shelf:
        """The picker event: show `collection` and start a new conversation over it."""
        try:
            self.allow(user, "ask", collection)
        except InputError as exc:
            return self.shelf(None, (), str(exc), ok=False, user=user)
        shelf = self.shelf(collection, user=user)
        if not shelf.note:
            count = len(shelf.doc_ids)
            shelf = self.shelf(shelf.collection, note=f"已切换到文集 {shelf.collection}（{count} 篇文档）。", user=user)
        return shelf

    def upload(
        self,
        files: Sequence[object] | None,
        collection: str | None,
        new_name: str | None,
        answers: Sequence[Answer],
        user: str | None = None,
    ) -> Shelf:
        """The upload event: add the files to the collection named in the new-name box, else the current one.

        A new name creates the collection. Every upload is taken off the upload budget first; any problem
        (format, size, count, a file the loaders refuse, the bundled letter) is one Chinese line, and the
        collection stays as it was.
        """
        current = collection or self.library.default
        wanted = (new_name or "").strip()
        with tempfile.TemporaryDirectory(prefix="qa-upload-") as staging:
            taken = web.take_uploads([_upload_path(f) for f in files or ()], Path(staging))
            target = wanted or current
            try:
                target = self._checked_target(target)
                exists = target in self.library.names()
                self.allow(user, "change" if exists else "create", target)
                self._check_files(taken)
                created, added, updated = self.library.put(target, taken)
            except QAError as exc:
                self.record(user, "upload", target, taken, ok=False, detail=str(exc)[:300])
                return self.shelf(current, answers, str(exc), ok=False, new_name=wanted, user=user)
            self.record(user, "create" if created else "upload", target, taken)
        if created:
            note = f"已新建文集 {target}，收录 {len(added)} 篇：{'、'.join(added)}。"
        else:
            parts = [f"新增 {len(added)} 篇"] + ([f"更新 {len(updated)} 篇"] if updated else [])
            note = (
                f"已加入文集 {target}：{'，'.join(parts)}。"
                if added or updated
                else f"文集 {target} 里已有相同的文件。"
            )
        return self.shelf(target, answers if target == current else (), note, user=user)

    def _checked_target(self, name: str) -> str:
        if name == LETTER:
            raise InputError(
                f"文集 {LETTER} 只收录内置的答复函，不能加入文件：请在“新文集名称”里填一个名字，上传会新建文集。"
            )
        try:
            return check_name(name)
        except InputError:
            raise InputError(
                f"文集名称“{name}”不可用：请用 1 到 64 个汉字、字母、数字、“-”或“_”，不以“-”或“_”开头。"
            ) from None

    def _check_files(self, taken: Sequence[Path]) -> None:
        """Refuse the upload unless every file has a known suffix and size and reads with the library's loaders.

        The files are read here, before the collection is touched: `QA.add` copies files into the collection
        before it reads them, so a bad file found there could already have replaced a good copy of the same name.
        """
        if not taken:
            raise InputError("请先选择要上传的文件（.txt、.md、.html、.pdf、.docx）。")
        if len(taken) > MAX_FILES:
            raise InputError(f"一次最多上传 {MAX_FILES} 个文件，这次选了 {len(taken)} 个：请分批上传。")
        names = Counter(p.name for p in taken)
        twice = [n for n, k in names.items() if k > 1]
        if twice:
            raise InputError(f"有 {names[twice[0]]} 个文件都叫 {twice[0]}：请改名后再上传。")
        kinds = "、".join(SUFFIXES)
        for path in taken:
            if path.suffix.lower() == ".doc":
                raise InputError(f"{path.name} 是旧版 Word（.doc）文件：请用 Word 或 WPS 另存为 .docx 再上传。")
            if path.suffix.lower() not in SUFFIXES:
                raise InputError(f"{path.name} 不是支持的格式：只能上传 {kinds} 文件。")
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise InputError(
                    f"{path.name} 有 {size / 2**20:.1f} MB，超过每个文件 {MAX_FILE_BYTES / 2**20:.0f} MB 的上限："
                    "请拆分后再上传。"
                )
        for path in taken:
            try:
                load_file(path, path.name, self.library.settings.max_file_bytes)
            except InputError as exc:
                # The library names the staged temp path; the person knows the file by its name.
                reason = chinese.reason(str(exc).replace(str(path), path.name))
                raise InputError(f"{path.name} 无法读取，文集没有改动：{reason}。") from None

    def remove(
        self, doc_id: str | None, collection: str | None, answers: Sequence[Answer], user: str | None = None
    ) -> Shelf:
        """The remove event: take document `doc_id` out of the collection (never its last one)."""
        name = collection or self.library.default
        try:
            self.allow(user, "change", name)
        except InputError as exc:
            self.record(user, "remove", name, documents=(doc_id or "",), ok=False, detail=str(exc))
            return self.shelf(name, answers, str(exc), ok=False, user=user)
        if not doc_id:
            return self.shelf(name, answers, "请先在“选择文档”里选一篇要删除的文档。", ok=False)
        if name == LETTER:
            return self.shelf(name, answers, f"文集 {LETTER} 只收录内置的答复函，不能删除。", ok=False)
        try:
            with self.library.using(name) as bot:
                if doc_id not in bot.documents:
                    raise InputError(f"文集 {name} 里没有 {doc_id}，可能已被删除。")
                if len(bot.documents) == 1:
                    raise InputError(f"{doc_id} 是文集 {name} 的最后一篇文档，不能删除：文集不能为空。")
                try:
                    bot.remove([doc_id])
                except QAError as exc:
                    raise InputError(f"删除失败，文集没有改动：{exc}") from None
        except QAError as exc:
            return self.shelf(name, answers, str(exc), ok=False, user=user)
        self.record(user, "remove", name, documents=(doc_id,))
        return self.shelf(name, answers, f"已从文集 {name} 删除 {doc_id}。", user=user)


def labelled(answer: Answer, documents: dict[str, Document]) -> Answer:
    """`answer` with each citation from before a document's first heading labelled by where it is (`第3段：
    全市共有…`) instead of `开头`: in a Word file without headings every citation would read `开头`."""
    cited = []
    for c in answer.citations:
        document = documents.get(c.doc_id)
        if c.section == OPENING and document is not None and not document.structure.headings:
            number = 1 + sum(1 for line in document.text[: c.start].split("\n")[:-1] if line.strip())
            start = document.text.rfind("\n", 0, c.start) + 1
            c = replace(c, section=f"第{number}段：{_first_words(document.text[start:], 10)}")
        cited.append(c)
    return replace(answer, citations=tuple(cited))


def _is_letter(documents: Sequence[Document]) -> bool:
    """One document that is a letter (`Document.is_letter`): the page speaks of it as 这封信 (`QA` does too)."""
    return len(documents) == 1 and documents[0].is_letter


def _first_words(text: str, limit: int = 16) -> str:
    line = next((line.strip() for line in text.split("\n") if line.strip()), "")
    return line if len(line) <= limit else line[:limit] + "…"


def _vector_note(state: VectorState | None) -> str:
    """One Chinese line while a collection's semantic vectors are still being made (empty once they are all)."""
    if state is None:
        return ""
    share = state.done / state.total if state.total else 1.0
    how = "后台生成中" if state.running else "尚未生成（运行 qa index 可一次生成）"
    return f"语义向量{how}：{state.done:,}/{state.total:,} 段（{share:.0%}），完成前按关键词检索。"


def _upload_path(file: object) -> str:
    """The stored path of one uploaded file as Gradio passes it (a path string, or an object with `.path`)."""
    return str(getattr(file, "path", None) or getattr(file, "name", None) or file)


def _kind(value: object) -> str:
    """How an error message names a value's JSON type: `null`, `dict`, `a list holding int`."""
    if value is None:
        return "null"
    if isinstance(value, list):
        odd = [v for v in value if not isinstance(v, str)]
        return f"a list holding {_kind(odd[0])}" if odd else "list"
    return type(value).__name__


def _collection(value: object) -> str | None:
    """An API call's collection: None or '' for the page's default, else a name `qa collections` lists."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(f"collection must be a string, got {_kind(value)}: send a name, or leave it out")
    return value
