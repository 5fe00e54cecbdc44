"""The chat page: `python app.py [PATH] [--host HOST]` serves a Gradio chat over the letter on 127.0.0.1.

`ChatPage` holds the page logic and the `/chat` and `/ask` API calls (plain Python, tested without a
server); `build` only wires it to Gradio components; `launch` puts `qa.web.Guard` in front of the server.
All HTML comes from `qa.render`, which escapes every piece of document and question text.
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

from qa import QA, Answer, InputError, QAError, render, web

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
MAX_FILE_SIZE = "1mb"  # per uploaded file, checked by Gradio
UPLOAD_VOLUME = 16 * 2**20  # all uploads held at once, checked by `web.Guard`; `web.take_upload` frees them
DELETE_UPLOADS = (300, 900)  # every 5 minutes Gradio deletes this app's uploads older than 15 minutes

PageUpdate = tuple[str, list[dict[str, str]], str, str, list[Answer]]


class ChatPage:
    """What the page shows for a conversation over one `QA`; the conversation is a list of `Answer`s."""

    def __init__(self, bot: QA) -> None:
        self.bot = bot
        self.first_doc = next(iter(bot.documents))

    def reply(self, message: object, history: Sequence[str] = ()) -> Answer:
        """The answer to `message`; `history` holds earlier questions, oldest first, for follow-ups."""
        text = message if isinstance(message, str) else ("" if message is None else str(message))
        limit = self.bot.settings.max_question_chars
        if len(text) > limit:
            # API callers skip the browser's maxlength: refuse before the text goes anywhere else.
            note = f"问题太长（{len(text)} 字），请缩短到 {limit} 字以内再问。"
            return Answer(text[:limit] + "…", note, (), (), abstained=True)
        earlier = [h[:limit] for h in history if isinstance(h, str)][-MAX_HISTORY:]
        try:
            return self.bot.ask(text, history=earlier)
        except QAError as exc:
            return Answer(text, f"无法回答：{exc}", (), (), abstained=True)

    def chat(self, question: object, history: object = None) -> str:
        """The `/chat` API: the answer text with its `[n]` markers; `history` lists earlier questions."""
        return self.bot.ask(*self.checked(question, history)).text

    def ask(self, question: object, history: object = None) -> dict[str, Any]:
        """The `/ask` API: the whole `Answer` as JSON, its citations with offsets into the document text."""
        return self.bot.ask(*self.checked(question, history)).to_dict()

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

    def respond(self, message: object, answers: list[Answer] | None) -> PageUpdate:
        """The page event: clear the textbox, extend the chat, re-mark the letter, list the passages."""
        answers = list(answers or [])
        history = [a.question for a in answers if a.passages]  # refused questions are not context
        answers.append(self.reply(message, history))
        return "", self.messages(answers), self.letter(answers), self.passages(answers), answers

    def clear(self) -> PageUpdate:
        return "", [], self.letter([]), self.passages([]), []

    def messages(self, answers: Sequence[Answer]) -> list[dict[str, str]]:
        """The chat as Gradio messages whose content is inert HTML."""
        out = []
        for turn, answer in enumerate(answers):
            out.append({"role": "user", "content": render.question_html(answer.question)})
            out.append({"role": "assistant", "content": render.answer_html(answer, turn)})
        return out

    def letter(self, answers: Sequence[Answer]) -> str:
        """The document panel: the latest cited document (else the first) with every cited span marked."""
        doc_id = render.citation_document(answers, self.first_doc)
        document = self.bot.documents[doc_id]
        body = render.document_html(document, render.highlights_for(answers, doc_id))
        header = render.letter_header_html(document, len(self.bot.documents))
        return f'{header}<div class="qa-letter-scroll">{body}</div>'

    def passages(self, answers: Sequence[Answer]) -> str:
        return render.passages_html(answers[-1].passages if answers else ())

    def examples(self, bundled: bool) -> list[str]:
        """Curated questions for the bundled letter; for other documents, one per top-level heading."""
        if bundled:
            return list(LETTER_EXAMPLES)
        document = self.bot.documents[self.first_doc]
        topics = [h.title.split("、", 1)[-1] for h in document.structure.headings if h.level == 1]
        return [f"关于“{t}”，信中怎么说？" for t in topics[:4] if t]


def _kind(value: object) -> str:
    """How an error message names a value's JSON type: `null`, `dict`, `a list holding int`."""
    if value is None:
        return "null"
    if isinstance(value, list):
        odd = [v for v in value if not isinstance(v, str)]
        return f"a list holding {_kind(odd[0])}" if odd else "list"
    return type(value).__name__


def build(page: ChatPage, examples: Sequence[str] = ()) -> gr.Blocks:
    """The Gradio page over `page`: chat and examples on the left, the letter on the right."""
    import gradio as gr

    class Page(gr.Blocks):
        """Blocks whose API calls with too few inputs get one error line."""

        def validate_inputs(self, block_fn: Any, inputs: list[Any]) -> None:
            # Gradio answers a call with too few inputs with a traceback in the log and `{"error": null}`.
            if len(inputs) < len(block_fn.inputs):
                raise gr.Error(
                    f"/{block_fn.api_name} takes {len(block_fn.inputs)} inputs (question, history), got "
                    f"{len(inputs)}: send [question, []] when there is no history",
                    print_exception=False,
                )
            super().validate_inputs(block_fn, inputs)

    def one_line(call: Any, question: object, history: object) -> Any:
        """`call`'s result; an error a person can act on reaches the API caller as its message alone."""
        try:
            return call(question, history)
        except QAError as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    def chat_api(question: str, history: list[str] | None = None) -> str:
        """The answer text with [n] markers; history lists earlier questions, oldest first."""
        return str(one_line(page.chat, question, history))

    def ask_api(question: str, history: list[str] | None = None) -> dict[str, Any]:
        """The answer as JSON: text, abstained, confidence, citations (doc_id, start, end, section, page), passages."""
        return dict(one_line(page.ask, question, history))

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
                if examples:
                    with gr.Row(elem_id="qa-examples"):
                        gr.HTML('<span class="qa-muted">示例问题：</span>', js_on_load=None)
                        example_buttons = [gr.Button(q, size="sm", variant="secondary") for q in examples]
                else:
                    example_buttons = []
                with gr.Accordion("检索到的段落", open=False, elem_id="qa-passages"):
                    passages = gr.HTML(page.passages([]), js_on_load=None)
            with gr.Column(scale=4, min_width=320):
                letter = gr.HTML(page.letter([]), elem_id="qa-letter", js_on_load=None)

        outputs = [question, chatbot, letter, passages, answers]
        gr.on(
            [question.submit, ask.click],
            page.respond,
            inputs=[question, answers],
            outputs=outputs,
            api_visibility="private",
            show_progress="hidden",
        )
        for button in example_buttons:
            button.click(page.respond, [button, answers], outputs, api_visibility="private", show_progress="hidden")
        clear.click(page.clear, None, outputs, api_visibility="private", queue=False)
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
  height: 78vh; overflow-y: auto; padding: 16px 20px; border-radius: 8px;
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
.qa-passages { width: 100%; font-size: 0.85rem; border-collapse: collapse; }
.qa-passages td, .qa-passages th { padding: 4px 6px; border-bottom: 1px solid var(--border-color-primary); vertical-align: top; }
.qa-passages th, .qa-passages td:nth-child(-n+4) { white-space: nowrap; font-variant-numeric: tabular-nums; }
"""

# Citation links scroll the letter panel (not the page) to their span and outline it; after each answer the
# panel opens at the newest citation; Gradio's fixed English "busy" toast is shown in Chinese.
HEAD = """
<script>
(() => {
  const BUSY = "%BUSY%";
  const box = () => document.querySelector("#qa-letter .qa-letter-scroll");
  function reveal(target, key) {
    const panel = box();
    if (!panel || !target) return false;
    const top = target.getBoundingClientRect().top - panel.getBoundingClientRect().top + panel.scrollTop;
    panel.scrollTo({ top: Math.max(0, top - panel.clientHeight / 4), behavior: "smooth" });
    panel.querySelectorAll("mark.qa-active").forEach((m) => m.classList.remove("qa-active"));
    if (key) panel.querySelectorAll("mark").forEach((m) => {
      if ((m.dataset.cite || "").split(" ").includes(key)) m.classList.add("qa-active");
    });
    return true;
  }
  document.addEventListener("click", (event) => {
    const link = event.target.closest ? event.target.closest("a.qa-cite") : null;
    if (!link) return;
    const key = (link.getAttribute("href") || "").slice(1);
    if (reveal(document.getElementById(key), key)) event.preventDefault();
  }, true);
  new MutationObserver((records) => {
    const panel = box();
    if (panel && !panel.dataset.seen) {
      panel.dataset.seen = "1";
      const current = panel.querySelector("mark.qa-current");
      if (current) reveal(current, "");
    }
    for (const record of records) for (const node of record.addedNodes) {
      if (node.textContent && node.textContent.includes("currently busy")) {
        const walk = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
        while (walk.nextNode()) {
          if (walk.currentNode.nodeValue.includes("currently busy")) walk.currentNode.nodeValue = BUSY;
        }
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
</script>
""".replace("%BUSY%", BUSY)


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
        max_file_size=MAX_FILE_SIZE,  # the page takes no uploads yet; keep the upload route from filling the disk
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
    parser.add_argument("path", nargs="?", help="a .txt/.md file or a folder of them (default: the bundled letter)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, help="port (default: GRADIO_SERVER_PORT, else 7860)")
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also serve requests whose Host header is NAME (repeatable; localhost, 127.0.0.1 and --host always are)",
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
        bot = QA.from_path(args.path, index_dir=args.index_dir, embed_model=args.embed_model)
    except QAError as exc:
        print(f"app: error: {exc}", file=sys.stderr)
        return 2
    page = ChatPage(bot)
    launch(build(page, page.examples(bundled=args.path is None)), args.host, args.port, allowed_hosts=args.allowed_host)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
