"""Running a question set: ask every question through `QA`'s public API and record what scoring needs."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qa.chunking import split_spans
from qa.errors import InputError
from qa.evaluation.metrics import supports
from qa.evaluation.outcomes import DEPTH, Outcome
from qa.evaluation.questions import Question, evidence_warnings
from qa.types import Citation

if TYPE_CHECKING:
    from qa.api import QA


def evaluate(bot: QA, questions: Sequence[Question], progress: bool = True) -> list[Outcome]:
    """Ask every question through the public API and record what scoring needs.

    Retrieval is scored on the question `ask` answered (`Answer.resolved_question`: a follow-up resolved
    against its history), so the eval does not re-derive it. Latency is the wall time of `ask` alone. A
    question whose history is unrelated to it is asked a second time without it (untimed), to compare.
    """
    outcomes = []
    for q in _progress(questions, progress):
        started = time.perf_counter()
        answer = bot.ask(q.question, history=q.history)
        latency_ms = (time.perf_counter() - started) * 1000
        query = answer.resolved_question or q.question
        retrieved = tuple(bot.retrieve(query, k=DEPTH))
        valid = tuple(_offsets_valid(bot, c) for c in answer.citations)
        supported = None
        if not answer.abstained and q.evidence:
            cited = [c for c in answer.citations if q.doc_id in (None, c.doc_id)]
            supported = supports(cited, q.evidence, bot.document_text)
        alone = bot.ask(q.question) if q.unrelated_history and q.history else None
        baseline = naive_answer(bot, query)
        outcomes.append(Outcome(q, answer, query, retrieved, latency_ms, valid, supported, baseline, alone))
    return outcomes


@dataclass(frozen=True)
class Asked:
    """A whole set asked: its outcomes in the set's order, and the collections that answered."""

    outcomes: list[Outcome]
    bot: QA  # the set's own collection (without one: the first document's), whose manifest the report shows
    main: bool  # some questions were asked of the set's own collection (not only of their `document`)
    documents: list[Path]  # the documents asked one collection each, in the order first named
    warnings: list[str]  # evidence strings found in no document of the collection asked
    index_seconds: float
    run_seconds: float


def ask_all(questions: Sequence[Question], open_collection: Callable[[Path | None, int], QA]) -> Asked:
    """Ask every question of the collection it belongs to: its `document` alone, or the set's own (None).

    `open_collection(document, number)` builds one collection per document (numbered in order), reused by
    all of that document's questions.
    """
    groups: dict[Path | None, list[int]] = {}
    for i, q in enumerate(questions):
        groups.setdefault(q.document, []).append(i)
    answered: dict[int, Outcome] = {}
    opened: dict[Path | None, QA] = {}
    warnings: list[str] = []
    index_s = run_s = 0.0
    for document, indexes in groups.items():
        started = time.perf_counter()
        bot = opened[document] = open_collection(document, len(opened))
        index_s += time.perf_counter() - started
        group = [questions[i] for i in indexes]
        warnings += evidence_warnings(group, [bot.document_text(d.doc_id) for d in bot.manifest.documents])
        started = time.perf_counter()
        answered |= dict(zip(indexes, evaluate(bot, group), strict=True))
        run_s += time.perf_counter() - started
    main = opened.get(None) or next(iter(opened.values()))
    documents = [d for d in opened if d is not None]
    outcomes = [answered[i] for i in range(len(questions))]
    return Asked(outcomes, main, None in opened, documents, warnings, index_s, run_s)


def naive_answer(bot: QA, question: str) -> str:
    """The baseline to beat: the document of the best character-BM25 passage, and its sentence sharing
    the most of the question's characters. It never abstains and never trims."""
    scores = bot.lexical.scores(question)
    if not len(scores) or float(scores.max()) <= 0:
        return ""
    text = bot.document_text(bot.chunks[int(scores.argmax())].doc_id)
    chars = set(question)
    spans = split_spans(text, 0, len(text))
    best = max(spans, key=lambda sp: len(chars & set(text[sp.start : sp.end])), default=None)
    return text[best.start : best.end] if best is not None else ""


def _offsets_valid(bot: QA, citation: Citation) -> bool:
    try:
        return bot.document_text(citation.doc_id)[citation.start : citation.end] == citation.text
    except InputError:
        return False


def _progress(items: Sequence[Question], enabled: bool) -> Iterable[Question]:
    if not enabled:
        return items
    from tqdm import tqdm

    # disable=None: a bar on a terminal, silence in CI logs.
    return tqdm(items, desc="eval", unit="q", file=sys.stderr, disable=None, leave=False)
