"""The page viewer of a scanned document: its cited pages as images, the cited boxes marked over them.

It goes above the document's text in the page's document panel (the text view stays below). Each citation's
anchor (`cite-<turn>-<n>`, what a click on `[n]` scrolls to) moves from the text to its first box on the image,
so the click scrolls the image into view; the text keeps its marks. Images are inlined as `data:` URLs (the
page's CSP allows them; no file route is opened).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence

from qa.ocr.cache import view_path
from qa.ocr.cited import layout_of
from qa.types import Answer, Box, Document

MAX_PAGES = 4  # page images in one view: the latest cited pages first
_ANCHOR = re.compile(r'<span class="qa-anchor" id="([^"]+)"></span>')


def with_scan(document: Document, answers: Sequence[Answer], body: str) -> str:
    """`body` (the document's text view) under its cited pages with their boxes, when `document` is a scan."""
    layout = layout_of(document.sha256)
    if layout is None:
        return body
    last = len(answers) - 1
    marks: dict[int, list[tuple[str, Box, bool]]] = {}
    for turn, answer in enumerate(answers):
        for number, citation in enumerate(answer.citations, 1):
            if citation.doc_id != document.doc_id:
                continue
            boxes = citation.boxes or layout.boxes(citation.start, citation.end, document.text)
            for box in boxes:
                marks.setdefault(box.page, []).append((f"cite-{turn}-{number}", box, turn == last))
    latest_first = sorted(marks, key=lambda p: (not any(c for _, _, c in marks[p]), p))
    pages = sorted(latest_first[:MAX_PAGES]) or [1]
    anchored: set[str] = set()
    parts = [_page(layout.source_sha, page, marks.get(page, []), anchored) for page in pages]
    text = _ANCHOR.sub(lambda m: "" if m.group(1) in anchored else m.group(0), body)
    return f'<div class="qa-scan">{"".join(parts)}</div><div class="qa-scan-text">{text}</div>'


def _page(source_sha: str, page: int, marks: list[tuple[str, Box, bool]], anchored: set[str]) -> str:
    path = view_path(source_sha, page)
    if path is None:
        return f'<div class="qa-scan-missing">第 {page} 页的扫描图像不在缓存中（重新添加该文件即可恢复）。</div>'
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    boxes = []
    for key, box, current in marks:
        anchor = "" if key in anchored else f' id="{key}"'
        anchored.add(key)
        style = (
            f"position:absolute;left:{100 * box.x0:.2f}%;top:{100 * box.y0:.2f}%;"
            f"width:{100 * (box.x1 - box.x0):.2f}%;height:{100 * (box.y1 - box.y0):.2f}%;"
            "background:rgba(255,196,0,0.35);outline:2px solid rgba(230,120,0,0.9);padding:0;margin:0"
        )
        cls = "qa-mark qa-box qa-current" if current else "qa-mark qa-box"
        boxes.append(f'<mark class="{cls}" data-cite="{key}"{anchor} style="{style}"></mark>')
    return (
        f'<div class="qa-page" data-page="{page}">第 {page} 页（扫描件）</div>'
        f'<div class="qa-scan-page" data-page="{page}" style="position:relative;line-height:0">'
        f'<img alt="第 {page} 页" src="data:image/jpeg;base64,{data}" style="width:100%;display:block">'
        f"{''.join(boxes)}</div>"
    )
