"""Candidates: the sentences of the retrieved passages (and of the chunks beside the best one), each a span to cite."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qa.chunking import split_spans
from qa.types import Document, Passage, Span

NEIGHBOUR = 5  # the passage rank given to a chunk read only because it sits beside the best passage


@dataclass(frozen=True)
class Candidate:
    """One sentence that could answer, with the text around it that the features read."""

    doc_id: str
    span: Span
    section: str
    rank: int  # its passage's place in the retrieved list (NEIGHBOUR for a chunk beside the best)
    order: int  # its place in its passage
    lexical: float  # its passage's BM25 score (0 for a neighbour)
    text: str
    seen: str  # the text read as naming its article's subject (`本鱼体呈银灰色` is about the fish)
    plain: str  # the text in simplified characters, the script of the kind patterns
    context: str  # section path, the document's opening sentence and the whole passage
    before: str  # the sentence before it in its passage ('' for the first)


def candidates(
    passages: Sequence[Passage], neighbours: Sequence[Passage], document: Callable[[str], Document]
) -> list[Candidate]:
    """Every sentence of the passages, in order; salutation and date lines only answer questions about the letter."""
    out: list[Candidate] = []
    openings: dict[str, str] = {}
    for rank, passage in enumerate([*passages, *neighbours]):
        doc = document(passage.doc_id)
        if doc.doc_id not in openings:
            openings[doc.doc_id] = _opening(doc)
        opening = openings[doc.doc_id]
        context = f"{passage.section} {opening} {passage.text}"
        spans = [sp for sp in split_spans(doc.text, passage.start, passage.end) if not _is_salutation_or_date(doc, sp)]
        for order, span in enumerate(spans):
            text = doc.text[span.start : span.end]
            out.append(
                Candidate(
                    doc_id=passage.doc_id,
                    span=span,
                    section=passage.section,
                    rank=rank if rank < len(passages) else NEIGHBOUR,
                    order=order,
                    lexical=passage.lexical_score or 0.0,
                    text=text,
                    seen=doc.subject + text,
                    plain=doc.plain_text[span.start : span.end],
                    context=context,
                    before=doc.text[spans[order - 1].start : spans[order - 1].end] if order else "",
                )
            )
    return out


OPENING_CHARS = 300  # where a document's first sentence is looked for


def _opening(doc: Document) -> str:
    """The document's first sentence: in an article it names the subject every sentence is about.

    A letter's salutation (`尊敬的王素梅委员:`) names whom it is written to, not what it is about.
    """
    start = doc.salutation_end
    spans = split_spans(doc.text, start, min(len(doc.text), start + OPENING_CHARS))
    return doc.text[spans[0].start : spans[0].end] if spans else ""


def _is_salutation_or_date(doc: Document, span: Span) -> bool:
    for part in (doc.structure.addressee, doc.structure.date):
        if part is not None and span.start <= part.start < span.end:
            return True
    return False
