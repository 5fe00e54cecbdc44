"""The chat page: `python app.py [PATH] [--host HOST]` serves a Gradio chat over a collection on 127.0.0.1.

`ChatPage` holds the page logic and the `/chat` and `/ask` API calls (plain Python, tested without a
server); `Library` keeps one open `QA` per collection; `build` only wires them to Gradio components;
`launch` puts `qa.web.Guard` in front of the server. All HTML comes from `qa.render`, which escapes every
piece of document and question text.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Set before gradio is imported: no analytics or version pings leave the machine.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from qa import QA, Answer, InputError, QAError, render, web
from qa.api import LETTER
from qa.loading import SUFFIXES, load_file
from qa.store import MANIFEST, check_name

if TYPE_CHECKING:
    import gradio as gr

TITLE = "郑州市教育局答复函 · 问答"
PLACEHOLDER = "输入问题，例如：郑州市有多少所中职学校通过标准化验收？"
BUSY = "服务器繁忙，请稍后再试"
# Questions the bundled letter answers, and one it does not, to show what an abstention looks like.
LETTER_EXAMPLES = (
    "郑州市有多少所中职学校通过标准化验收？",
    "2024年全市中等职业学校共开设多少个专业？",
    "哪些大学在郑州建了研究院？",
    "这封信是写给谁的？",
    "郑州市今年的财政预算是多少？",
)
MAX_HISTORY = 20  # earlier questions passed to `ask`; follow-ups only look back a few turns
CONCURRENCY = 4  # an answer takes about a millisecond of CPU; a few at once keeps the page responsive
QUEUE_SIZE = 64  # past this Gradio refuses new questions (HTTP 503) instead of letting them wait
MAX_FILE_BYTES = 2**20  # per uploaded file: Gradio refuses a larger one before sending it, the page checks again
MAX_FILES = 20  # per upload: each is read and embedded while the person waits
MAX_VIEWS = 8  # documents the panel holds at once: the most recently cited
TOO_BIG = f"文件超过每个 {MAX_FILE_BYTES // 2**20} MB 的上限，没有上传：请拆分后再上传。"
UPLOAD_VOLUME = 16 * 2**20  # all uploads held at once, checked by `web.Guard`; `web.take_upload` frees them
DELETE_UPLOADS = (300, 900)  # every 5 minutes Gradio deletes this app's uploads older than 15 minutes

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
            yield bot

    def bot(self, name: str | None = None) -> QA:
        with self.using(name) as bot:
            return bot

    def choices(self) -> list[tuple[str, str]]:
        """The collections to pick from, as (label, name): readable ones, plus those open here."""
        found = {c.name: c.documents for c in QA.collections(**self._overrides()) if not c.problem}
        for name, bot in list(self._bots.items()):
            found[name] = len(bot.documents)
        order = [self.default, *sorted(n for n in found if n != self.default)]
        return [(f"{n}（{found[n]} 篇）", n) for n in order]

    def put(self, name: str, paths: Sequence[Path]) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
        """Add files to collection `name`, creating it when there is none; (created, added ids, updated ids)."""
        with self._lock(name):
            folder = self.settings.resolved_index_dir / name
            if name not in self._bots and not (folder / MANIFEST).exists():
                bot = QA.create(name, paths, keep_copies=True, **self._overrides())
                self._bots[name] = bot
                return True, tuple(bot.documents), ()
        with self.using(name) as bot:
            change = bot.add(paths, keep_copies=True)
            return False, change.added, change.updated


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

    def __init__(self, bot: QA) -> None:
        self.library = Library(bot)

    @property
    def bot(self) -> QA:
        """The default collection's `QA`."""
        return self.library.bot()

    def reply(self, message: object, history: Sequence[str] = (), collection: str | None = None) -> Answer:
        """The answer to `message`; `history` holds earlier questions, oldest first, for follow-ups."""
        text = message if isinstance(message, str) else ("" if message is None else str(message))
        try:
            with self.library.using(collection) as bot:
                limit = bot.settings.max_question_chars
                if len(text) > limit:
                    # API callers skip the browser's maxlength: refuse before the text goes anywhere else.
                    note = f"问题太长（{len(text)} 字），请缩短到 {limit} 字以内再问。"
                    return Answer(text[:limit] + "…", note, (), (), abstained=True)
                earlier = [h[:limit] for h in history if isinstance(h, str)][-MAX_HISTORY:]
                return bot.ask(text, history=earlier)
        except QAError as exc:
            return Answer(text, f"无法回答：{exc}", (), (), abstained=True)

    def chat(self, question: object, history: object = None, collection: object = None) -> str:
        """The `/chat` API: the answer text with its `[n]` markers; `history` lists earlier questions."""
        asked = self.checked(question, history)
        with self.library.using(_collection(collection)) as bot:
            return bot.ask(*asked).text

    def ask(self, question: object, history: object = None, collection: object = None) -> dict[str, Any]:
        """The `/ask` API: the whole `Answer` as JSON, its citations with offsets into the document text."""
        asked = self.checked(question, history)
        with self.library.using(_collection(collection)) as bot:
            return bot.ask(*asked).to_dict()

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

    def respond(self, message: object, answers: list[Answer] | None, collection: str | None = None) -> PageUpdate:
        """The page event: clear the textbox, extend the chat, re-mark the document, list the passages."""
        answers = list(answers or [])
        history = [a.question for a in answers if a.passages]  # refused questions are not context
        answers.append(self.reply(message, history, collection))
        messages, letter, passages = self.shown(answers, collection)
        return "", messages, letter, passages, answers

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

    def examples(self, bundled: bool) -> list[str]:
        """Curated questions for the bundled letter; for other documents, one per top-level heading."""
        if bundled:
            return list(LETTER_EXAMPLES)
        document = next(iter(self.bot.documents.values()))
        topics = [h.title.split("、", 1)[-1] for h in document.structure.headings if h.level == 1]
        return [f"关于“{t}”，信中怎么说？" for t in topics[:4] if t]

    # The collection shelf: switching, uploading, removing. Each returns the whole `Shelf` to show.

    def shelf(
        self,
        collection: str | None,
        answers: Sequence[Answer] = (),
        note: str = "",
        ok: bool = True,
        new_name: str = "",
    ) -> Shelf:
        """What the page shows of `collection` (None: the default) with this conversation and note."""
        name = collection or self.library.default
        try:
            with self.library.using(name) as bot:
                counts = {e.doc_id: e.chunks for e in bot.manifest.documents}
                if not counts:
                    counts = dict(Counter(c.doc_id for c in bot.chunks))
                rows = render.document_rows(sorted(bot.documents.values(), key=lambda d: d.doc_id), counts)
        except QAError as exc:
            if name == self.library.default:
                raise
            problem = f"无法打开文集 {name}，已回到 {self.library.default}：{exc}"
            return self.shelf(None, (), problem, ok=False)
        kept = list(answers)
        messages, letter, passages = self.shown(kept, name)
        return Shelf(
            collection=name,
            choices=self.library.choices(),
            note=render.note_html(note, ok),
            documents=render.documents_table_html(name, rows),
            doc_ids=[r.doc_id for r in rows],
            answers=kept,
            messages=messages,
            letter=letter,
            passages=passages,
            new_name=new_name,
        )

    def switch(self, collection: str | None) -> Shelf:
        """The picker event: show `collection` and start a new conversation over it."""
        shelf = self.shelf(collection)
        if not shelf.note:
            count = len(shelf.doc_ids)
            shelf = self.shelf(shelf.collection, note=f"已切换到文集 {shelf.collection}（{count} 篇文档）。")
        return shelf

    def upload(
        self, files: Sequence[object] | None, collection: str | None, new_name: str | None, answers: Sequence[Answer]
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
            try:
                target = self._checked_target(wanted or current)
                self._check_files(taken)
                created, added, updated = self.library.put(target, taken)
            except QAError as exc:
                return self.shelf(current, answers, str(exc), ok=False, new_name=wanted)
        if created:
            note = f"已新建文集 {target}，收录 {len(added)} 篇：{'、'.join(added)}。"
        else:
            parts = [f"新增 {len(added)} 篇"] + ([f"更新 {len(updated)} 篇"] if updated else [])
            note = (
                f"已加入文集 {target}：{'，'.join(parts)}。"
                if added or updated
                else f"文集 {target} 里已有相同的文件。"
            )
        return self.shelf(target, answers if target == current else (), note)

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
            raise InputError("请先选择要上传的文件（.txt、.md、.pdf、.docx）。")
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
                reason = str(exc).replace(str(path), path.name)
                raise InputError(f"{path.name} 无法读取，文集没有改动：{reason}") from None

    def remove(self, doc_id: str | None, collection: str | None, answers: Sequence[Answer]) -> Shelf:
        """The remove event: take document `doc_id` out of the collection (never its last one)."""
        name = collection or self.library.default
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
            return self.shelf(name, answers, str(exc), ok=False)
        return self.shelf(name, answers, f"已从文集 {name} 删除 {doc_id}。")


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


def build(page: ChatPage, examples: Sequence[str] = ()) -> gr.Blocks:
    """The Gradio page over `page`: chat and examples on the left, the letter on the right."""
    import gradio as gr

    class Page(gr.Blocks):
        """Blocks whose API calls with too few inputs get one error line."""

        def validate_inputs(self, block_fn: Any, inputs: list[Any]) -> None:
            # Gradio answers a call with too few inputs with a traceback in the log and `{"error": null}`.
            # The APIs' third input, the collection, may be left out (gradio_client fills in its default).
            needed = 2 if block_fn.api_name in ("chat", "ask") else len(block_fn.inputs)
            if len(inputs) < needed:
                takes = (
                    "2 inputs (question, history) and an optional collection"
                    if needed == 2
                    else (f"{len(block_fn.inputs)} inputs")
                )
                raise gr.Error(
                    f"/{block_fn.api_name} takes {takes}, got {len(inputs)}: send [question, []] when there is "
                    "no history",
                    print_exception=False,
                )
            if len(inputs) < len(block_fn.inputs):
                inputs.extend([None] * (len(block_fn.inputs) - len(inputs)))
            super().validate_inputs(block_fn, inputs)

    def one_line(call: Any, question: object, history: object, collection: object) -> Any:
        """`call`'s result; an error a person can act on reaches the API caller as its message alone."""
        try:
            return call(question, history, collection)
        except QAError as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    def chat_api(question: str, history: list[str] | None = None, collection: str | None = None) -> str:
        """The answer text with [n] markers; history lists earlier questions, oldest first; collection: by name
        (default: the page's)."""
        return str(one_line(page.chat, question, history, collection))

    def ask_api(question: str, history: list[str] | None = None, collection: str | None = None) -> dict[str, Any]:
        """The answer as JSON: text, abstained, confidence, citations (doc_id, start, end, section, page), passages;
        collection: by name (default: the page's)."""
        return dict(one_line(page.ask, question, history, collection))

    bot = page.bot
    with Page(title=TITLE, fill_width=True, delete_cache=DELETE_UPLOADS) as demo:
        gr.HTML(
            f'<h1 class="qa-title">{render.escape(TITLE)}</h1>{render.status_html(bot.embedder_id, bot.choice.fallback)}',
            js_on_load=None,
        )
        answers = gr.State([])
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=360):
                chatbot = gr.Chatbot(
                    label="对话",
                    show_label=False,
                    elem_id="qa-chat",
                    height="62vh",
                    render_markdown=False,  # messages are HTML built by qa.render; no markdown images
                    sanitize_html=True,
                    allow_tags=False,
                    latex_delimiters=[],
                    buttons=["copy"],
                    feedback_options=None,
                    placeholder="问一个关于这封信的问题，答案里的 [1] 可以点击，右侧会定位到原文。",
                )
                with gr.Row():
                    question = gr.Textbox(
                        placeholder=PLACEHOLDER,
                        show_label=False,
                        max_length=bot.settings.max_question_chars,
                        scale=6,
                        elem_id="qa-question",
                        autofocus=True,
                    )
                    ask = gr.Button("提问", variant="primary", scale=1, min_width=80, elem_id="qa-ask")
                    clear = gr.Button("清空", scale=1, min_width=80, elem_id="qa-clear")
                # The examples are about the default collection: shown only while it is the one picked.
                with gr.Row(elem_id="qa-examples", visible=bool(examples)) as examples_row:
                    gr.HTML('<span class="qa-muted">示例问题：</span>', js_on_load=None)
                    example_buttons = [gr.Button(q, size="sm", variant="secondary") for q in examples]
                with gr.Accordion("检索到的段落", open=False, elem_id="qa-passages"):
                    passages = gr.HTML(page.passages([]), js_on_load=None)
            with gr.Column(scale=4, min_width=320):
                shelf = page.shelf(None)
                with gr.Row(elem_id="qa-shelf", equal_height=True):
                    collection = gr.Dropdown(
                        shelf.choices,
                        value=shelf.collection,
                        label="文集",
                        elem_id="qa-collection",
                        scale=3,
                        min_width=160,
                        filterable=False,
                    )
                    new_name = gr.Textbox(
                        label="新文集名称（填写后上传即新建）",
                        placeholder="例如：policies-2024",
                        max_length=64,
                        elem_id="qa-new-name",
                        scale=3,
                        min_width=160,
                    )
                note = gr.HTML("", elem_id="qa-note", js_on_load=None)
                with gr.Accordion("上传与管理文档", open=False, elem_id="qa-manage"):
                    files = gr.File(
                        file_count="multiple",
                        file_types=list(SUFFIXES),
                        label=f"上传到当前文集（{' '.join(SUFFIXES)}；每个不超过 {MAX_FILE_BYTES // 2**20} MB，"
                        f"一次最多 {MAX_FILES} 个）",
                        elem_id="qa-upload",
                        height=120,
                    )
                    documents = gr.HTML(shelf.documents, elem_id="qa-documents", js_on_load=None)
                    with gr.Row(equal_height=True):
                        doc_pick = gr.Dropdown(
                            shelf.doc_ids,
                            value=None,
                            label="选择文档",
                            elem_id="qa-doc-pick",
                            scale=3,
                            filterable=False,
                        )
                        remove = gr.Button("删除所选文档", variant="stop", elem_id="qa-remove", scale=1, min_width=100)
                letter = gr.HTML(shelf.letter, elem_id="qa-letter", js_on_load=None)

        outputs = [question, chatbot, letter, passages, answers]
        gr.on(
            [question.submit, ask.click],
            page.respond,
            inputs=[question, answers, collection],
            outputs=outputs,
            api_visibility="private",
            show_progress="hidden",
        )
        for button in example_buttons:
            button.click(
                page.respond, [button, answers, collection], outputs, api_visibility="private", show_progress="hidden"
            )
        clear.click(page.clear, [collection], outputs, api_visibility="private", queue=False)

        default = page.library.default
        shelf_outputs = [collection, new_name, files, note, documents, doc_pick, chatbot, letter, passages, answers]

        def shown(shelf: Shelf) -> tuple[Any, ...]:
            return (
                gr.update(choices=shelf.choices, value=shelf.collection),
                shelf.new_name,
                None,  # the file box empties: its uploads are taken
                shelf.note,
                shelf.documents,
                gr.update(choices=shelf.doc_ids, value=None),
                shelf.messages,
                shelf.letter,
                shelf.passages,
                shelf.answers,
                gr.update(visible=bool(examples) and shelf.collection == default),
            )

        # `input`, not `change`: the picker also changes when an upload creates a collection, and that
        # event already shows it.
        collection.input(
            lambda name: shown(page.switch(name)),
            [collection],
            [*shelf_outputs, examples_row],
            api_visibility="private",
        )
        files.upload(
            lambda up, name, new, kept: shown(page.upload(up, name, new, kept)),
            [files, collection, new_name, answers],
            [*shelf_outputs, examples_row],
            api_visibility="private",
        )
        remove.click(
            lambda doc, name, kept: shown(page.remove(doc, name, kept)),
            [doc_pick, collection, answers],
            [*shelf_outputs, examples_row],
            api_visibility="private",
        )
        # A tab opened later lists the collections made since the page was built.
        demo.load(
            lambda: gr.update(choices=page.library.choices()), None, [collection], api_visibility="private", queue=False
        )
        gr.api(chat_api, api_name="chat")
        gr.api(ask_api, api_name="ask")
    return demo


def theme() -> gr.themes.Base:
    """The default theme on system fonts, so the page never waits on a font server."""
    import gradio as gr

    sans = ["PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "system-ui", "sans-serif"]
    return gr.themes.Default(primary_hue="blue", neutral_hue="slate", font=sans, font_mono=["monospace"])


CSS = """
.qa-title { font-size: 1.5rem; font-weight: 700; margin: 0.2rem 0 0.1rem; }
.qa-status { color: var(--body-text-color-subdued); font-size: 0.9rem; }
.qa-notice { font-size: 0.78rem; opacity: 0.8; }
/* Gradio floats its scroll-down button over the bottom of the chat log, on the last answer's text:
   the log ends 34px higher and the button sits in that strip. */
#qa-chat .wrapper:has(> .bubble-wrap) { padding-bottom: 34px; }
#qa-chat .bubble-wrap { flex: 1 1 auto; height: auto; min-height: 0; }
#qa-chat .scroll-down-button-container { bottom: 4px; }
.qa-muted { color: var(--body-text-color-subdued); font-size: 0.9rem; }
#qa-examples { align-items: center; gap: 6px; flex-wrap: wrap; }
#qa-examples > * { flex: 0 0 auto !important; min-width: 0 !important; width: auto !important; }
.qa-answer .qa-text { line-height: 1.7; }
.qa-abstain .qa-text { color: var(--body-text-color-subdued); font-style: italic; }
.qa-abstain { border-left: 3px solid #94a3b8; padding-left: 10px; }
.qa-error { border-left: 3px solid #dc2626; padding-left: 10px; }
.qa-sub { margin-top: 0.5rem; font-size: 0.85rem; color: var(--body-text-color-subdued); }
.qa-snippets { margin: 0.5rem 0 0; padding: 0; list-style: none; font-size: 0.88rem; }
.qa-snippets li { margin-bottom: 0.4rem; }
.qa-section { color: var(--body-text-color-subdued); font-size: 0.8rem; }
.qa-snippet { white-space: pre-wrap; }
a.qa-cite { color: var(--color-accent); font-weight: 700; text-decoration: none; cursor: pointer; }
a.qa-cite:hover { text-decoration: underline; }
.qa-doc-title { font-weight: 600; padding: 4px 2px 8px; color: var(--body-text-color-subdued); }
.qa-letter-scroll {
  height: 66vh; overflow-y: auto; padding: 16px 20px; border-radius: 8px;
  border: 1px solid var(--border-color-primary); background: var(--background-fill-secondary);
}
.qa-doc { font-size: 0.95rem; line-height: 1.85; }
.qa-doc .qa-p { margin: 0 0 0.6rem; text-indent: 2em; white-space: pre-wrap; }
.qa-doc .qa-h { font-weight: 700; margin: 0.9rem 0 0.4rem; }
.qa-doc .qa-h1 { font-size: 1.05rem; }
.qa-doc .qa-h2 { padding-left: 1.5em; }
.qa-doc .qa-h3 { padding-left: 3em; font-weight: 600; }
.qa-doc .qa-sign { text-align: right; margin: 0.2rem 0; }
.qa-doc .qa-addressee { margin: 0 0 0.6rem; font-weight: 600; }
mark.qa-mark { background: rgba(250, 204, 21, 0.28); color: inherit; border-radius: 2px; padding: 0 1px; }
mark.qa-current { background: rgba(250, 204, 21, 0.75); }
mark.qa-active { outline: 2px solid #f59e0b; background: rgba(251, 146, 60, 0.7); }
.qa-page { text-align: center; font-size: 0.8rem; color: var(--body-text-color-subdued); margin: 0.6rem 0; }
.qa-page::before, .qa-page::after { content: " — "; }
.qa-origin { margin-left: 0.5em; font-size: 0.78rem; color: var(--body-text-color-subdued); }
.qa-note { font-size: 0.88rem; padding: 4px 8px; border-radius: 4px; }
.qa-ok { border-left: 3px solid #16a34a; }
.qa-problem { border-left: 3px solid #dc2626; color: #b91c1c; }
.qa-documents { width: 100%; font-size: 0.85rem; border-collapse: collapse; }
.qa-documents caption { text-align: left; color: var(--body-text-color-subdued); padding-bottom: 4px; }
.qa-documents td, .qa-documents th { padding: 3px 6px; border-bottom: 1px solid var(--border-color-primary); }
.qa-documents td:nth-child(n+2), .qa-documents th:nth-child(n+2) { text-align: right; white-space: nowrap; }
.qa-passages { width: 100%; font-size: 0.85rem; border-collapse: collapse; }
.qa-passages td, .qa-passages th { padding: 4px 6px; border-bottom: 1px solid var(--border-color-primary); vertical-align: top; }
.qa-passages th, .qa-passages td:nth-child(-n+4) { white-space: nowrap; font-variant-numeric: tabular-nums; }
"""

# Citation links show the document they cite (the panel holds one view per cited document) and scroll that
# view (not the page) to their span and outline it; after each answer the panel opens at the newest
# citation; Gradio's fixed English "busy" and "file too large" messages are shown in Chinese.
HEAD = """
<script>
(() => {
  const CHINESE = [["currently busy", "%BUSY%"], ["exceed the maximum allowed size", "%TOO_BIG%"]];
  const box = () => document.querySelector("#qa-letter .qa-doc-view:not([hidden]) .qa-letter-scroll");
  function show(target) {
    const view = target && target.closest ? target.closest(".qa-doc-view") : null;
    if (!view || !view.hidden) return;
    view.parentElement.querySelectorAll(".qa-doc-view").forEach((v) => { v.hidden = v !== view; });
  }
  function reveal(target, key) {
    const panel = box();
    if (!panel || !target) return false;
    const top = target.getBoundingClientRect().top - panel.getBoundingClientRect().top + panel.scrollTop;
    panel.scrollTo({ top: Math.max(0, top - panel.clientHeight / 4), behavior: "smooth" });
    document.querySelectorAll("#qa-letter mark.qa-active").forEach((m) => m.classList.remove("qa-active"));
    if (key) panel.querySelectorAll("mark").forEach((m) => {
      if ((m.dataset.cite || "").split(" ").includes(key)) m.classList.add("qa-active");
    });
    return true;
  }
  document.addEventListener("click", (event) => {
    const link = event.target.closest ? event.target.closest("a.qa-cite") : null;
    if (!link) return;
    const key = (link.getAttribute("href") || "").slice(1);
    const target = document.getElementById(key);
    show(target);
    if (reveal(target, key)) event.preventDefault();
  }, true);
  new MutationObserver((records) => {
    const panel = box();
    if (panel && !panel.dataset.seen) {
      panel.dataset.seen = "1";
      const current = panel.querySelector("mark.qa-current");
      if (current) reveal(current, "");
    }
    for (const record of records) for (const node of record.addedNodes) {
      const text = node.textContent || "";
      for (const [english, chinese] of CHINESE) {
        if (!text.includes(english)) continue;
        const walk = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
        while (walk.nextNode()) {
          if (walk.currentNode.nodeValue.includes(english)) walk.currentNode.nodeValue = chinese;
        }
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
</script>
""".replace("%BUSY%", BUSY).replace("%TOO_BIG%", TOO_BIG)


def launch(
    demo: gr.Blocks,
    host: str = "127.0.0.1",
    port: int | None = None,
    block: bool = True,
    allowed_hosts: Sequence[str] = (),
) -> None:
    """Serve `demo` with the safe defaults: loopback, no share link, no file routes, bounded queue and bodies.

    `allowed_hosts` adds Host names to loopback and `host`; any other Host header gets HTTP 400.
    """
    from starlette.middleware import Middleware

    guard = Middleware(
        web.Guard,
        hosts=web.allowed_hosts(host, allowed_hosts),
        uploads=web.UploadBudget(UPLOAD_VOLUME, demo.upload_file_set),
    )
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    demo.launch(
        server_name=host,
        server_port=port,  # None: GRADIO_SERVER_PORT, else 7860
        share=False,
        allowed_paths=[],  # nothing beyond Gradio's own assets: not index/, the source folder or home
        max_file_size=MAX_FILE_BYTES,  # per file, refused before it is stored; UPLOAD_VOLUME caps them all
        app_kwargs={"middleware": [guard]},
        ssr_mode=False,
        mcp_server=False,
        footer_links=["api"],
        prevent_thread_lock=not block,
        quiet=not block,
        theme=theme(),
        css=CSS,
        head=HEAD,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description="Chat with the letter (or PATH) in a browser.")
    parser.add_argument(
        "path", nargs="?", help="a .txt/.md/.pdf/.docx file or a folder of them (default: the bundled letter)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, help="port (default: GRADIO_SERVER_PORT, else 7860)")
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also serve requests whose Host header is NAME (repeatable; localhost, 127.0.0.1 and --host always are)",
    )
    parser.add_argument(
        "--collection", help="the collection to open first (default: the one PATH names, else 'letter')"
    )
    parser.add_argument("--index-dir", help="where the index lives (default: index/ in a checkout; QA_INDEX_DIR)")
    parser.add_argument("--embed-model", help="dense model id, folder, 'wordllama' or 'none' (QA_EMBED_MODEL)")
    return parser


def _log_notes_to_stderr() -> None:
    """Library notices (e.g. the offline fallback) become one `app: note:` line each on stderr."""
    logger = logging.getLogger("qa")
    if logger.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("app: note: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False


def main(argv: Sequence[str] | None = None) -> int:
    """Build or load the index, then serve the page until interrupted."""
    args = _parser().parse_args(argv)
    _log_notes_to_stderr()
    try:
        bot = QA.from_path(
            args.path, collection=args.collection, index_dir=args.index_dir, embed_model=args.embed_model
        )
    except QAError as exc:
        print(f"app: error: {exc}", file=sys.stderr)
        return 2
    page = ChatPage(bot)
    bundled = bot.collection == LETTER
    launch(build(page, page.examples(bundled=bundled)), args.host, args.port, allowed_hosts=args.allowed_host)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
