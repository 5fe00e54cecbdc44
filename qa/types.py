"""The small dataclasses that cross stage boundaries: documents, chunks, passages, citations, answers."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any, Literal

from qa.script import aligned_simplified


@dataclass(frozen=True)
class Span:
    """A half-open character range `[start, end)` of one document's text."""

    start: int
    end: int


@dataclass(frozen=True)
class Heading:
    """A numbered heading line such as `一、…` (level 1) or `（一）…` (level 2)."""

    level: int
    start: int
    end: int
    title: str


@dataclass(frozen=True)
class Structure:
    """What the loader recognised of a document's layout (a letter's parts, an article's subject); any may be missing."""

    addressee: Span | None = None
    proposal: Span | None = None
    date: Span | None = None
    sender: Span | None = None
    headings: tuple[Heading, ...] = ()
    subject: Span | None = None  # the name an article opens with (`蓝线裸顶鲷，又称…`); a letter has none

    def to_dict(self) -> dict[str, Any]:
        # Field by field rather than dataclasses.asdict, which deep-copies: a collection writes one per document.
        def span(value: Span | None) -> dict[str, int] | None:
            return {"start": value.start, "end": value.end} if value is not None else None

        return {
            "addressee": span(self.addressee),
            "proposal": span(self.proposal),
            "date": span(self.date),
            "sender": span(self.sender),
            "headings": [{"level": h.level, "start": h.start, "end": h.end, "title": h.title} for h in self.headings],
            "subject": span(self.subject),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Structure:
        def span(key: str) -> Span | None:
            value = data.get(key)
            return Span(**value) if value else None

        return cls(
            addressee=span("addressee"),
            proposal=span("proposal"),
            date=span("date"),
            sender=span("sender"),
            headings=tuple(Heading(**h) for h in data.get("headings", ())),
            subject=span("subject"),
        )


_LETTER_TITLE = re.compile(r"(?:答复|回复|复函|回函|的信|来信|贺信|感谢信|公开信)[^\n]{0,4}$")


@dataclass(frozen=True)
class Document:
    """One loaded text; every offset in `qa` refers to `text`."""

    doc_id: str
    text: str
    sha256: str  # of `text`, so a stored text can be checked without its source
    structure: Structure = field(default_factory=Structure)
    # Where each page after the first starts in `text` (PDFs); empty for formats without pages.
    page_starts: tuple[int, ...] = ()

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding `offset`, or None when the document has no pages."""
        if not self.page_starts:
            return None
        return bisect_right(self.page_starts, offset) + 1

    @cached_property
    def plain_text(self) -> str:
        """`text` in simplified characters offset for offset (the script answer-kind patterns are written in).

        Worked out once per document, so a sentence's simplified form is a slice of it, not a conversion.
        """
        return aligned_simplified(self.text)

    @cached_property
    def subject(self) -> str:
        """The name an article opens with (`蓝线裸顶鲷`, `structure.subject`); '' for a letter or when none."""
        span = self.structure.subject
        return self.text[span.start : span.end] if span is not None else ""

    @cached_property
    def is_letter(self) -> bool:
        """Whether the document is a letter, spoken of as 这封信 with its 答复单位: it has a letter's addressee or date
        and answers a proposal, opens with its addressee (`尊敬的王素梅委员：`), or is titled as one (`…的答复`,
        `复函`). A notice, report or plan with an addressee and a date (`…的通知` over `各县（市、区）…：`) is a 文件."""
        parts = self.structure
        if parts.addressee is None and parts.date is None:
            return False
        title = self.text.lstrip().split("\n", 1)[0].strip()  # the first line with text, not a split of the whole
        return parts.proposal is not None or self.salutation_end > 0 or bool(_LETTER_TITLE.search(title))

    @cached_property
    def salutation_end(self) -> int:
        """Where the text after a salutation opening the document starts (`尊敬的王素梅委员：`), 0 when none opens it:
        addressees under a notice's title leave the title its first sentence."""
        parts = self.structure
        if parts.addressee is None or self.text[: parts.addressee.start].strip().removesuffix("尊敬的").strip():
            return 0
        return parts.addressee.end

    @cached_property
    def plain_subject(self) -> str:
        """`subject` in simplified characters, a slice of `plain_text` rather than a conversion."""
        span = self.structure.subject
        return self.plain_text[span.start : span.end] if span is not None else ""


@dataclass(frozen=True)
class Chunk:
    """A passage of a few sentences inside one section, with exact offsets."""

    doc_id: str
    start: int
    end: int
    text: str
    section: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused score (and the two rankers' raw scores, when they ran)."""

    doc_id: str
    start: int
    end: int
    text: str
    section: str
    score: float
    lexical_score: float | None = None
    dense_score: float | None = None

    @classmethod
    def of(cls, chunk: Chunk, score: float, **extra: float | None) -> Passage:
        return cls(chunk.doc_id, chunk.start, chunk.end, chunk.text, chunk.section, score, **extra)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Box:
    """Where some characters sit on a scanned page: fractions (0-1) of its width and height, origin top left."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Citation:
    """An exact span of a document: `text == document_text(doc_id)[start:end]`."""

    doc_id: str
    start: int
    end: int
    text: str
    section: str
    page: int | None = None  # 1-based page of `start` in a PDF; None for formats without pages
    boxes: tuple[Box, ...] = ()  # where the cited characters are on a scanned page (OCR); () for text layers

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# Calibrated answerability (`qa.answering.models`): of the validation answers scored at least this, about that
# share were answered by their documents. Below `UNSURE` an answer is shown as a low-confidence one.
CERTAIN = 0.85
UNSURE = 0.6
Certainty = Literal["high", "medium", "low"]


@dataclass(frozen=True)
class Answer:
    """The reply to one question: text with `[n]` markers, the spans they cite, and what was retrieved."""

    question: str
    text: str
    citations: tuple[Citation, ...]
    passages: tuple[Passage, ...]
    abstained: bool
    resolved_question: str = ""
    # The answerability model's probability that the documents answer the question (None: not scored,
    # e.g. an empty question or one about the letter itself); `abstained` compares it with the threshold.
    confidence: float | None = None
    # The answer's shape (`qa.answering.scope`): one fact, or an outline, summary, section, gathering or several
    # asks, whose items are the citations in order, one `[n]` each.
    scope: str = "fact"
    # Refused by a check on the chosen sentence after the models (`qa.answering.answer._not_given`: another year,
    # count, level, kind of school or organisation): refused at any threshold, whatever `confidence` says.
    checked: bool = False

    @property
    def certainty(self) -> Certainty | None:
        """The confidence in words: `low` answers are marked as such, with the closest passages; None unscored."""
        if self.abstained or self.confidence is None:
            return None
        return "high" if self.confidence >= CERTAIN else "medium" if self.confidence >= UNSURE else "low"

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "scope": self.scope,
            "certainty": self.certainty,
            "resolved_question": self.resolved_question or self.question,
            "text": self.text,
            "abstained": self.abstained,
            "confidence": self.confidence,
            "citations": [c.to_dict() for c in self.citations],
            "passages": [p.to_dict() for p in self.passages],
        }
