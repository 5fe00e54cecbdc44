"""Citations of scanned documents: the boxes on the page that hold the cited characters, and a warning when
the engine was unsure of them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from qa.ocr.cache import Layout, load_layout
from qa.types import Answer, Document

LOW_CONFIDENCE = 0.8  # a line the engine read with less confidence than this may be misread
NOTE = "（注意：引用的文字来自扫描件，识别把握不大，请核对原件第 {pages} 页。）"


_FOUND: dict[str, Layout] = {}


def layout_of(text_sha: str) -> Layout | None:
    """The saved layout of a scanned document, by the sha256 of its text (None for any other document).

    Found layouts are kept (a few hundred bytes a line); a miss is not, so a layout written later is found then.
    """
    if text_sha not in _FOUND:
        layout = load_layout(text_sha)
        if layout is None:
            return None
        if len(_FOUND) >= 256:
            _FOUND.pop(next(iter(_FOUND)))
        _FOUND[text_sha] = layout
    return _FOUND[text_sha]


def forget_layouts() -> None:
    """Drop the kept layouts (tests that switch caches)."""
    _FOUND.clear()


def with_boxes(answer: Answer, documents: Mapping[str, Document]) -> Answer:
    """`answer` with each citation of a scanned document carrying its boxes, and a note when any cited line
    was read with low confidence."""
    citations, unsure = [], set[int]()
    for citation in answer.citations:
        doc = documents.get(citation.doc_id)
        layout = layout_of(doc.sha256) if doc is not None else None
        if layout is None or doc is None:
            citations.append(citation)
            continue
        boxes = layout.boxes(citation.start, citation.end, doc.text)
        score = layout.min_score(citation.start, citation.end)
        if score is not None and score < LOW_CONFIDENCE:
            unsure.update(box.page for box in boxes)
        citations.append(replace(citation, boxes=boxes))
    if not any(c.boxes for c in citations):
        return answer
    text = answer.text + (NOTE.format(pages="、".join(map(str, sorted(unsure)))) if unsure else "")
    return replace(answer, text=text, citations=tuple(citations))
