"""Running a question set: ask every question through `QA`'s public API and record what scoring needs."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from qa.chunking import split_spans
from qa.errors import InputError
from qa.evaluation.metrics import supports
from qa.evaluation.outcomes import DEPTH, Outcome
from qa.evaluation.questions import Question
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
