"""What the system did with one question (`Outcome`) and the per-question facts it is scored on: keys found in
the answer, the rank of the first retrieved hit, why it failed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from qa.evaluation.questions import Question
from qa.types import Answer, Passage

DEPTH = 10  # passages retrieved per question for Recall@k and MRR@10
ANSWER_READS = 5  # passages `ask` reads; evidence ranked below this cannot be in the answer
_MARKER = re.compile(r"\[\d+\]")
Cause = Literal[
    "wrong retrieval",
    "wrong clause",
    "unsupported citation",
    "false abstention",
    "missed abstention",
    "follow-up not resolved",
    "missing items",
    "uncited items",
]
MULTI_CITATION = 2  # a broad answer citing at least this many spans counts as `multi_citation`


@dataclass(frozen=True)
class Outcome:
    """What the system did with one question, and the facts it is scored on."""

    question: Question
    answer: Answer
    query: str  # what retrieval was asked: the follow-up resolved against its history
    retrieved: tuple[Passage, ...]
    latency_ms: float
    citations_valid: tuple[bool, ...]
    supported: bool | None  # None when abstained or there is no evidence to support
    baseline: str = ""  # the naive baseline's answer to the same question (`naive_answer`)
    alone: Answer | None = None  # a question with unrelated history, asked again without any

    @property
    def changed_by_history(self) -> bool | None:
        """Whether unrelated history changed the answer: one of the two abstained, or both answered with different
        text (two refusals count as the same, whatever passages they list); None when not asked alone."""
        if self.alone is None:
            return None
        if self.alone.abstained or self.answer.abstained:
            return self.alone.abstained != self.answer.abstained
        return self.alone.text != self.answer.text

    @property
    def text(self) -> str:
        """The answer without `[n]` markers; empty when the system abstained."""
        return "" if self.answer.abstained else strip_markers(self.answer.text)

    @property
    def hit_rank(self) -> int | None:
        return hit_rank(self.question, self.retrieved)

    @property
    def keys_found(self) -> int:
        return sum(key_found(alternatives, self.text) for alternatives in self.question.keys)

    @property
    def found_items(self) -> list[tuple[str, ...]]:
        """A broad question's items the answer names (any alternative, markers stripped), each as the
        alternatives that occur in it; none when it abstained."""
        text = self.text
        found = [tuple(a for a in item if a in text) for item in self.question.items]
        return [alternatives for alternatives in found if alternatives]

    @property
    def item_recall(self) -> float | None:
        """Key-phrase recall: the share of a broad question's items the answer names; None without items."""
        items = self.question.items
        return len(self.found_items) / len(items) if items else None

    @property
    def item_citation_support(self) -> float | None:
        """The share of named items that occur inside some cited span's text; None when no item is named."""
        found = self.found_items
        if not found:
            return None
        cited = [c.text for c in self.answer.citations]
        return sum(any(a in text for a in alternatives for text in cited) for alternatives in found) / len(found)

    @property
    def listed(self) -> list[str]:
        """What a gathering answer lists: each cited span, a run of names cut at its commas (`宇通、郑州日产`); none
        for any other answer. A name joined by 和 to the next stays one piece with it, and a span whose pieces are
        not all as short as an item (a clause citing a figure, `全市技工院校与宇通、…合作关系1000多家`) is one piece."""
        if self.answer.abstained or self.answer_scope != "gather":
            return []
        listed: list[str] = []
        for c in self.answer.citations:
            pieces = [piece.strip() for piece in _LIST_CUT.split(c.text) if piece.strip()]
            listed += pieces if all(len(piece) <= MAX_ITEM for piece in pieces) else [c.text.strip()]
        return listed

    @property
    def item_precision(self) -> float | None:
        """The share of what a gathering answer lists that is an item of its question (an alternative in the piece,
        or the piece in an alternative): the items of a gathering question list every instance the document holds,
        so a piece matching none is something listed wrongly (`希尔顿` among the 知名企业). None for any other answer."""
        listed = self.listed
        if not listed or self.question.scope != "gather" or not self.question.items:
            return None
        alternatives = [a for item in self.question.items for a in item]
        return sum(any(a in piece or piece in a for a in alternatives) for piece in listed) / len(listed)

    @property
    def multi_citation(self) -> bool:
        """The answer cites at least `MULTI_CITATION` spans (and did not abstain)."""
        return not self.answer.abstained and len(self.answer.citations) >= MULTI_CITATION

    @property
    def answer_scope(self) -> str:
        """The shape of answer given ("fact", "outline", "summary", "section", "gather", "multi")."""
        return str(getattr(self.answer, "scope", "fact"))  # `Answer.scope` is new: "fact" before it exists

    @property
    def baseline_has_keys(self) -> bool:
        return all(key_found(alternatives, self.baseline) for alternatives in self.question.keys)

    @property
    def cause(self) -> Cause | None:
        """Why this question counts as failed (None when it passed)."""
        q, abstained = self.question, self.answer.abstained
        if not q.answerable:
            return "missed abstention" if not abstained else None
        if abstained:
            cause: Cause = "false abstention"
        elif q.items:
            if len(self.found_items) < len(q.items):
                return "missing items"
            return "uncited items" if self.item_citation_support != 1.0 else None
        elif self.keys_found < len(q.keys):
            rank = self.hit_rank
            cause = "wrong retrieval" if rank is None or rank > ANSWER_READS else "wrong clause"
        elif self.supported is False:
            cause = "unsupported citation"
        else:
            return None
        # A follow-up that failed and was not rewritten at all most likely needed its history.
        return "follow-up not resolved" if q.history and self.query == q.question.strip() else cause

    def to_dict(self) -> dict[str, Any]:
        q = self.question
        row = {
            **q.extra,
            "id": q.id,
            "type": q.type,
            "question": q.question,
            "history": list(q.history),
            "answers": ["|".join(k) for k in q.keys],
            "evidence": list(q.evidence),
            "query": self.query,
            "answer": self.answer.text,
            "abstained": self.answer.abstained,
            "confidence": self.answer.confidence,
            "checked": self.answer.checked,
            "keys_found": self.keys_found,
            "baseline": self.baseline,
            "hit_rank": self.hit_rank,
            "citation_supported": self.supported,
            "citations_valid": all(self.citations_valid),
            "latency_ms": round(self.latency_ms, 3),
            "cause": self.cause,
            "citations": [c.to_dict() for c in self.answer.citations],
            "retrieved": [[p.doc_id, p.start, p.end] for p in self.retrieved],
        }
        if q.doc_id is not None:
            row["doc_id"] = q.doc_id
        if q.lookalike is not None:
            row["lookalike"] = q.lookalike
        if q.scope is not None or q.items:
            row |= {
                "scope": q.scope,
                "items": ["|".join(item) for item in q.items],
                "items_found": len(self.found_items),
                "item_recall": self.item_recall,
                "item_citation_support": self.item_citation_support,
                "item_precision": self.item_precision,
                "multi_citation": self.multi_citation,
                "answer_scope": self.answer_scope,
            }
        if q.document is not None:
            row["document"] = str(q.document)
        if q.unrelated_history:
            row["unrelated_history"] = True
        if self.alone is not None:
            row |= {"alone_answer": self.alone.text, "alone_abstained": self.alone.abstained}
            row["changed_by_history"] = self.changed_by_history
        return row


_LIST_CUT = re.compile(r"[、，,；;]")
MAX_ITEM = 12  # characters: the longest item phrase of the broad sets (eval/SETS.md)


def strip_markers(text: str) -> str:
    """`text` without its `[n]` citation markers."""
    return _MARKER.sub("", text)


def key_found(alternatives: Sequence[str], text: str) -> bool:
    """True when any alternative occurs in `text`."""
    return any(a in text for a in alternatives)


def is_hit(question: Question, passage: Passage) -> bool:
    """A passage of the question's own document, or (without one) a passage holding an evidence string."""
    if question.doc_id is not None:
        return passage.doc_id == question.doc_id
    return any(e in passage.text for e in question.evidence)


def hit_rank(question: Question, passages: Sequence[Passage]) -> int | None:
    """The 1-based rank of the first hit among `passages`, None when there is none."""
    return next((rank for rank, p in enumerate(passages, 1) if is_hit(question, p)), None)
