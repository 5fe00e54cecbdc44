"""The chat page: `python app.py [PATH] [--host HOST]` serves a Gradio chat over a collection on 127.0.0.1.

`ChatPage` (in `qa/page.py`) holds the page logic and the `/chat` and `/ask` API calls (plain Python, tested
without a server); `Library` keeps one open `QA` per collection; `build` only wires them to Gradio components;
`launch` puts `qa.web.Guard` in front of the server. All HTML comes from `qa.render`, which escapes every
piece of document and question text.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

# Set before gradio is imported: no analytics or version pings leave the machine.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from qa import QA, QAError, render, web
from qa.accounts import Accounts, users_path
from qa.audit import AUDIT_FILE, AuditLog, Event
from qa.loading import SUFFIXES
from qa.page import LETTER_EXAMPLES, MAX_EXAMPLES, MAX_FILE_BYTES, MAX_FILES, ChatPage, Intro, Library, Shelf

__all__ = ["LETTER_EXAMPLES", "ChatPage", "Library", "build", "launch", "main"]

# The kinds the upload's label lists: a second spelling of one (.htm, .jpeg, .tiff) is taken but not listed, so the
# label stays clear of the upload icon at phone width.
SHOWN_KINDS = [s for s in SUFFIXES if s not in (".htm", ".jpeg", ".tiff")]

if TYPE_CHECKING:
    import gradio as gr

BUSY = "服务器繁忙，请稍后再试"
CONCURRENCY = 4  # an answer takes about a millisecond of CPU; a few at once keeps the page responsive
QUEUE_SIZE = 64  # past this Gradio refuses new questions (HTTP 503) instead of letting them wait
TOO_BIG = f"文件超过每个 {MAX_FILE_BYTES // 2**20} MB 的上限，没有上传：请拆分后再上传。"
UPLOAD_VOLUME = 16 * 2**20  # all uploads held at once, checked by `web.Guard`; `web.take_upload` frees them
DELETE_UPLOADS = (300, 900)  # every 5 minutes Gradio deletes this app's uploads older than 15 minutes


def build(page: ChatPage, examples: Sequence[str] | None = None) -> gr.Blocks:
    """The Gradio page over `page`: chat and examples on the left, the letter on the right.

    Title, hints and examples follow the collection picked (`ChatPage.intro`); `examples` replaces those of
    the default collection.
    """
    import gradio as gr

    # With accounts, what a tab shows depends on who opened it: the page is built empty and filled when it
    # loads, so that no collection's documents reach someone who may not read them.
    guarded = page.accounts is not None
    intro = Intro("问答", "", "", ()) if guarded else page.intro(None)
    first_examples = list(intro.examples if examples is None else examples)[:MAX_EXAMPLES]

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

    def one_line(call: Any, question: object, history: object, collection: object, user: str | None) -> Any:
        """`call`'s result; an error a person can act on reaches the API caller as its message alone."""
        try:
            return call(question, history, collection, user)
        except QAError as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    def chat_api(
        question: str, history: list[str] | None = None, collection: str | None = None, request: Any = None
    ) -> str:
        """The answer text with [n] markers; history lists earlier questions, oldest first; collection: by name
        (default: the page's)."""
        return str(one_line(page.chat, question, history, collection, _user(request)))

    def ask_api(
        question: str, history: list[str] | None = None, collection: str | None = None, request: Any = None
    ) -> dict[str, Any]:
        """The answer as JSON: text, abstained, confidence, citations (doc_id, start, end, section, page), passages,
        stale (documents changed on disk since read); collection: by name (default: the page's)."""
        return dict(one_line(page.ask, question, history, collection, _user(request)))

    bot = page.bot
    status = render.status_html(bot.embedder_id, bot.choice.fallback)

    def heading(title: str) -> str:
        return f'<h1 class="qa-title">{render.escape(title)}</h1>{status}'

    # What a person asks, names or picks starts closed and opens when the tab's load has filled the page
    # (`shown`): an event sent before the load ends would be undone by it (the chat and the new collection's
    # name emptied, the cited spans unmarked), since Gradio applies each event's result when it arrives.
    with Page(title=intro.title, fill_width=True, delete_cache=DELETE_UPLOADS) as demo:
        title = gr.HTML(heading(intro.title), js_on_load=None, elem_id="qa-heading")
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
                    placeholder=intro.hint,
                )
                with gr.Row():
                    question = gr.Textbox(
                        placeholder=intro.placeholder,
                        show_label=False,
                        max_length=bot.settings.max_question_chars,
                        scale=6,
                        elem_id="qa-question",
                        autofocus=True,
                        interactive=False,
                    )
                    ask = gr.Button(
                        "提问", variant="primary", scale=1, min_width=80, elem_id="qa-ask", interactive=False
                    )
                    clear = gr.Button("清空", scale=1, min_width=80, elem_id="qa-clear")
                # The examples are about the collection picked: a switch fills the buttons anew.
                with gr.Row(elem_id="qa-examples", visible=bool(first_examples)) as examples_row:
                    gr.HTML('<span class="qa-muted">示例问题：</span>', js_on_load=None)
                    padded = first_examples + [""] * (MAX_EXAMPLES - len(first_examples))
                    example_buttons = [
                        gr.Button(q, size="sm", variant="secondary", visible=bool(q), interactive=False) for q in padded
                    ]
                with gr.Accordion("检索到的段落", open=False, elem_id="qa-passages"):
                    passages = gr.HTML(page.passages([]), js_on_load=None)
            with gr.Column(scale=4, min_width=320):
                # With accounts the page is filled for its user at load. Until then the default collection is its
                # one choice (its name only): a question sent before the load is still a valid choice, and every
                # handler checks the user may read the collection it is asked about.
                default = page.library.default
                shelf = Shelf(default, [(default, default)], "", "", []) if guarded else page.shelf(None)
                with gr.Row(elem_id="qa-shelf", equal_height=True):
                    collection = gr.Dropdown(
                        shelf.choices,
                        value=shelf.collection,
                        label="文集",
                        elem_id="qa-collection",
                        scale=3,
                        min_width=160,
                        filterable=False,
                        interactive=False,
                    )
                    new_name = gr.Textbox(
                        label="新文集名称（填写后上传即新建）",
                        placeholder="例如：policies-2024",
                        max_length=64,
                        elem_id="qa-new-name",
                        scale=3,
                        min_width=160,
                        interactive=False,
                    )
                note = gr.HTML("", elem_id="qa-note", js_on_load=None)
                with gr.Accordion("上传与管理文档", open=False, elem_id="qa-manage"):
                    files = gr.File(
                        file_count="multiple",
                        file_types=list(SUFFIXES),
                        label=f"上传到当前文集（{' '.join(SHOWN_KINDS)}；每个不超过 {MAX_FILE_BYTES // 2**20} MB，"
                        f"一次最多 {MAX_FILES} 个）",
                        elem_id="qa-upload",
                        height=150,
                        interactive=False,
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
                            interactive=False,
                        )
                        remove = gr.Button("删除所选文档", variant="stop", elem_id="qa-remove", scale=1, min_width=100)
                letter = gr.HTML(shelf.letter, elem_id="qa-letter", js_on_load=None)

        outputs = [question, chatbot, letter, passages, answers]

        def respond(message: Any, kept: Any, name: Any, request: Any = None) -> Any:
            return page.respond(message, kept, name, _user(request))

        gr.on(
            [question.submit, ask.click],
            respond,
            inputs=[question, answers, collection],
            outputs=outputs,
            api_visibility="private",
            show_progress="hidden",
        )
        for button in example_buttons:
            button.click(
                respond, [button, answers, collection], outputs, api_visibility="private", show_progress="hidden"
            )
        clear.click(page.clear, [collection], outputs, api_visibility="private", queue=False)

        shelf_outputs = [collection, new_name, files, note, documents, doc_pick, chatbot, letter, passages, answers]
        shelf_outputs += [title, question, *example_buttons, examples_row, ask]

        def shown(shelf: Shelf) -> tuple[Any, ...]:
            about = page.intro(shelf.collection)
            shown_examples = list(about.examples)[:MAX_EXAMPLES]
            shown_examples += [""] * (MAX_EXAMPLES - len(shown_examples))
            return (
                gr.update(choices=shelf.choices, value=shelf.collection, interactive=True),
                gr.update(value=shelf.new_name, interactive=True),
                gr.update(value=None, interactive=True),  # the file box empties: its uploads are taken
                shelf.note,
                shelf.documents,
                gr.update(choices=shelf.doc_ids, value=None, interactive=True),
                gr.update(value=shelf.messages, placeholder=about.hint),
                shelf.letter,
                shelf.passages,
                shelf.answers,
                heading(about.title),
                gr.update(placeholder=about.placeholder, interactive=True),
                *(gr.update(value=q, visible=bool(q), interactive=True) for q in shown_examples),
                gr.update(visible=bool(about.examples)),
                gr.update(interactive=True),
            )

        # `input`, not `change`: the picker also changes when an upload creates a collection, and that
        # event already shows it.
        def switch(name: Any, request: Any = None) -> Any:
            return shown(page.switch(name, _user(request)))

        def upload(up: Any, name: Any, new: Any, kept: Any, request: Any = None) -> Any:
            return shown(page.upload(up, name, new, kept, _user(request)))

        def remove_document(doc: Any, name: Any, kept: Any, request: Any = None) -> Any:
            return shown(page.remove(doc, name, kept, _user(request)))

        def opening(request: Any = None) -> Any:
            return shown(page.opening(_user(request)))

        collection.input(
            switch,
            [collection],
            shelf_outputs,
            api_visibility="private",
        )
        files.upload(
            upload,
            [files, collection, new_name, answers],
            shelf_outputs,
            api_visibility="private",
        )
        remove.click(
            remove_document,
            [doc_pick, collection, answers],
            shelf_outputs,
            api_visibility="private",
        )
        # A tab that opens shows what its user may read, and the collections made since the page was built.
        demo.load(opening, None, shelf_outputs, api_visibility="private", queue=False).then(
            None, js=FOCUS_QUESTION, queue=False
        )
        # Gradio hands a handler the request (and so the logged-in user) when a parameter is annotated
        # `gr.Request`; the annotations here are strings naming a module that is not imported at run time.
        for handler in (chat_api, ask_api, respond, switch, upload, remove_document, opening):
            handler.__annotations__["request"] = gr.Request
        gr.api(chat_api, api_name="chat")
        gr.api(ask_api, api_name="ask")
    return demo


# The question box was closed when Gradio would have focused it (`autofocus`): focus it once it opens, unless the
# person has put the focus elsewhere meanwhile.
FOCUS_QUESTION = """() => {
  const focus = (frames) => {
    const box = document.querySelector("#qa-question textarea");
    if (box && !box.disabled) { if (document.activeElement === document.body) box.focus(); }
    else if (frames > 0) requestAnimationFrame(() => focus(frames - 1));
  };
  focus(120);
}"""


def _user(request: Any) -> str | None:
    """The logged-in user of a request (None when accounts are off)."""
    return getattr(request, "username", None) if request is not None else None


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
/* Gradio floats the upload box's label over the top of the box, where the upload icon sits: room for both. */
#qa-upload .upload-container { padding-top: 30px; }
/* At a phone's width the collection picker and the new-name box share one line at 160px each, and the picker
   cut its own label (`学校（1 篇` at 390px): there each takes the whole line. */
@media (max-width: 640px) {
  #qa-shelf .form { flex-wrap: wrap; }
  #qa-collection, #qa-new-name { flex: 1 1 100% !important; min-width: 100% !important; }
}
#qa-examples { align-items: center; gap: 6px; flex-wrap: wrap; }
#qa-examples > * { flex: 0 0 auto !important; min-width: 0 !important; width: auto !important; }
.qa-answer .qa-text { line-height: 1.7; white-space: pre-line; }  /* a broad answer lists one item a line */
.qa-certainty { font-size: 0.8rem; color: var(--body-text-color-subdued); margin: 0.2rem 0; }
.qa-certainty-low, .qa-unsure { color: #b45309; }
.qa-unsure { margin: 0.4rem 0; }
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
# Gradio picks its own widgets' language (`Drop File Here`, `Copy message`...) from the browser's, and has
# Chinese for all of them; this page is Chinese whatever the browser's language. `web.Guard` puts this first
# in the page's <head>, since Gradio adds `head=` only after its scripts have chosen.
CHINESE_WIDGETS = r"""<script>
(() => {
  for (const [key, value] of [["language", "zh-CN"], ["languages", ["zh-CN", "zh"]]]) {
    try { Object.defineProperty(navigator, key, { get: () => value, configurable: true }); } catch (e) {}
  }
  // Labels Gradio writes in English whatever the language (tooltips, screen-reader names).
  const WORDS = {
    "Copy message": "复制消息", "Copy": "复制", "Copied!": "已复制", "Copied": "已复制", "Clear": "清空",
    "Click to upload or drop files": "点击上传或拖入文件", "File upload": "上传文件", "Textbox": "输入框",
    "Gradio footer navigation": "页脚", "chatbot conversation": "对话", "Scroll down": "滚到底部",
    "Remove": "移除", "Download": "下载", "Share": "分享", "Retry": "重试", "Undo": "撤销", "Close": "关闭",
    "Stop Recording": "停止录音", "Record": "录音", "Pause": "暂停", "Play": "播放",
    // Keys Gradio's Chinese translation lacks, which its status messages show raw (`common.complete`).
    "common.complete": "完成", "common.progress": "进度", "status.queue_position": "排队位置",
  };
  // The chat's screen-reader names: "user's message: <div …>…" with the message's markup; said in Chinese, as text.
  const SPEAKERS = [["user's message: ", "提问："], ["bot's message: ", "回答："]];
  function named(value) {
    for (const [english, chinese] of SPEAKERS) {
      if (!value.startsWith(english)) continue;
      const text = new DOMParser().parseFromString(value.slice(english.length), "text/html").body.textContent;
      return chinese + text.trim();
    }
    return WORDS[value.trim()];
  }
  // Gradio's own pop-ups: the file-type check of the upload box, and the title of its error toasts.
  const SENTENCES = [
    [/^Invalid file types?: (.+)\. Only (.+) allowed\.$/,
     "$1 的格式不支持：只能上传 $2 文件（旧版 Word 的 .doc 请另存为 .docx）。"],
    [/^Error$/, "错误"], [/^Warning$/, "注意"], [/^Info$/, "提示"],
  ];
  function said(text) {
    const trimmed = text.trim();
    if (WORDS[trimmed]) return WORDS[trimmed];
    for (const [pattern, chinese] of SENTENCES) if (pattern.test(trimmed)) return trimmed.replace(pattern, chinese);
    return null;
  }
  const NAMED = ["title", "aria-label", "placeholder", "alt"];
  function fix(element) {
    for (const name of NAMED) {
      const value = element.getAttribute(name);
      const chinese = value && named(value);
      if (chinese && chinese !== value) element.setAttribute(name, chinese);
    }
  }
  function fixAll(node) {
    if (node.nodeType === 3) {
      const chinese = said(node.nodeValue);
      const inside = node.parentElement && node.parentElement.closest("#qa-letter, #qa-chat .message, .qa-doc");
      if (chinese && !inside) node.nodeValue = chinese;
      return;
    }
    if (node.nodeType !== 1) return;
    fix(node);
    node.querySelectorAll("[title], [aria-label], [placeholder], [alt]").forEach(fix);
    const walk = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) fixAll(walk.currentNode);
  }
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes") fix(record.target);
      else if (record.type === "characterData") fixAll(record.target);  // a text changed in place
      else record.addedNodes.forEach(fixAll);
    }
  }).observe(document.documentElement, {
    subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: NAMED,
  });
})();
</script>"""
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
    accounts: Accounts | None = None,
    audit: AuditLog | None = None,
) -> None:
    """Serve `demo` with the safe defaults: loopback, no share link, no file routes, bounded queue and bodies.

    `allowed_hosts` adds Host names to loopback and `host`; any other Host header gets HTTP 400. With
    `accounts` holding any, every page and API request needs a login (Gradio's `auth`); failed logins go to
    `audit`.
    """

    def login(name: str, password: str) -> bool:
        if accounts is not None and accounts.verify(name, password) is not None:
            return True
        if audit is not None:
            audit.record(Event(name[:64], "login-failed", detail="wrong name or password"))
        return False

    guard = web.outermost(
        hosts=web.allowed_hosts(host, allowed_hosts),
        uploads=web.UploadBudget(UPLOAD_VOLUME, demo.upload_file_set),
        head=CHINESE_WIDGETS,
    )
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    demo.launch(
        server_name=host,
        server_port=port,  # None: GRADIO_SERVER_PORT, else 7860
        share=False,
        allowed_paths=[],  # nothing beyond Gradio's own assets: not index/, the source folder or home
        max_file_size=MAX_FILE_BYTES,  # per file, refused before it is stored; UPLOAD_VOLUME caps them all
        app_kwargs={"lifespan": guard},
        ssr_mode=False,
        mcp_server=False,
        footer_links=["api"],
        auth=login if accounts is not None and accounts.on else None,
        auth_message="请用管理员为你建立的账号登录。" if accounts is not None and accounts.on else None,
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
    parser.add_argument("--users", help="the users file (default: users.json in the index folder; QA_USERS)")
    parser.add_argument(
        "--allow-anonymous",
        action="store_true",
        help="serve an address other than loopback without accounts: anyone who reaches it can upload and remove",
    )
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
    index_dir = bot.settings.resolved_index_dir
    try:
        accounts = Accounts.load(users_path(index_dir, args.users))
    except QAError as exc:
        print(f"app: error: {exc}", file=sys.stderr)
        return 2
    if not accounts.on and web.bare(args.host) not in web.LOOPBACK and not args.allow_anonymous:
        print(
            f"app: error: --host {args.host} opens the page to the network, and there are no accounts in "
            f"{accounts.path}: anyone could upload and remove documents. Add one with `qa users add NAME --role "
            "admin`, or pass --allow-anonymous if that is what you want",
            file=sys.stderr,
        )
        return 2
    audit = AuditLog(index_dir / AUDIT_FILE)
    page = ChatPage(bot, accounts, audit)
    launch(
        build(page),
        args.host,
        args.port,
        allowed_hosts=args.allowed_host,
        accounts=accounts,
        audit=audit,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
