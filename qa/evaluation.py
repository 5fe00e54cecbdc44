"""Evaluation: score `QA` on a question set (JSONL or SQuAD) through its public API and write a report."""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from qa.chunking import split_spans
from qa.errors import InputError, QAError
from qa.script import TO_SIMPLIFIED, TO_TRADITIONAL, converter
from qa.settings import PACKAGE_DIR
from qa.types import Answer, Citation, Passage

if TYPE_CHECKING:
    from qa.api import QA

EVAL_DIR = PACKAGE_DIR.parent / "eval"
DEFAULT_QUESTIONS = EVAL_DIR / "questions.jsonl"
DEFAULT_OUT = EVAL_DIR / "results"
DEFAULT_FLOORS = EVAL_DIR / "floors.json"

DEPTH = 10  # passages retrieved per question for Recall@k and MRR@10
ANSWER_READS = 5  # passages `ask` reads; evidence ranked below this cannot be in the answer
SUPPORT_SHARE = 0.5  # share of an evidence occurrence the cited spans must cover
TRADEOFF_STEPS = 21  # thresholds of the abstention sweep kept in metrics.json (0, 0.05, …, 1)
AT_FALSE_ABSTAIN = 0.03  # `abstention_at`: the false-abstention rate the targets are stated at
METRICS = (
    "recall@1",
    "recall@3",
    "recall@5",
    "mrr@10",
    "answer_key_recall",
    "answer_all_keys",
    "citation_support",
    "citation_offsets_valid",
    "abstain_rate_unanswerable",
    "false_abstain_rate",
    "latency_ms_p50",
    "latency_ms_p95",
)
_MARKER = re.compile(r"\[\d+\]")
_FIELDS = ("id", "question", "answers", "evidence", "type", "history")

Cause = Literal[
    "wrong retrieval",
    "wrong clause",
    "unsupported citation",
    "false abstention",
    "missed abstention",
    "follow-up not resolved",
]


@dataclass(frozen=True)
class Question:
    """One question to score; with `doc_id` set, a retrieval hit is any passage of that document."""

    id: str
    question: str
    keys: tuple[tuple[str, ...], ...] = ()  # each key is a tuple of alternatives
    evidence: tuple[str, ...] = ()
    type: str = "untyped"
    history: tuple[str, ...] = ()
    doc_id: str | None = None
    absent: bool = False  # its document was left out of the corpus on purpose (`--absent`): must abstain
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def answerable(self) -> bool:
        return bool(self.keys or self.evidence)


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
        return row


# ---- metric functions ----------------------------------------------------------------------------


def strip_markers(text: str) -> str:
    """`text` without its `[n]` citation markers."""
    return _MARKER.sub("", text)


def parse_key(key: str) -> tuple[str, ...]:
    """`'41所|41'` -> `('41所', '41')`: the alternatives any one of which satisfies the key."""
    return tuple(a for a in (part.strip() for part in key.split("|")) if a)


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


def recall_at(ranks: Sequence[int | None], k: int) -> float | None:
    """Share of questions whose first hit is within the top `k`."""
    return _mean([r is not None and r <= k for r in ranks])


def mrr(ranks: Sequence[int | None], depth: int = DEPTH) -> float | None:
    """Mean reciprocal rank of the first hit, counting hits below `depth` as misses."""
    return _mean([1.0 / r if r is not None and r <= depth else 0.0 for r in ranks])


def supports(citations: Sequence[Citation], evidence: Sequence[str], text_of: Callable[[str], str]) -> bool:
    """True when the cited spans and an evidence occurrence overlap by `SUPPORT_SHARE` of the shorter.

    Taking the shorter lets an exact short citation inside a long evidence clause count as support.
    """
    spans: dict[str, list[tuple[int, int]]] = {}
    for c in citations:
        spans.setdefault(c.doc_id, []).append((c.start, c.end))
    for doc_id, cited in spans.items():
        text = text_of(doc_id)
        cited_chars = _covered(cited, 0, len(text))
        for e in evidence:
            for m in re.finditer(re.escape(e), text):
                if cited_chars and _covered(cited, m.start(), m.end()) >= SUPPORT_SHARE * min(len(e), cited_chars):
                    return True
    return False


def _covered(spans: Iterable[tuple[int, int]], start: int, end: int) -> int:
    """How many characters of `[start, end)` the union of `spans` covers."""
    covered, reach = 0, start
    for s, e in sorted(spans):
        s, e = max(s, reach), min(e, end)
        if e > s:
            covered += e - s
            reach = e
    return covered


def percentile(values: Sequence[float], q: float) -> float | None:
    """The `q`-th percentile with linear interpolation (numpy's default); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _mean(values: Sequence[float | bool]) -> float | None:
    return sum(values) / len(values) if values else None


def score(outcomes: Sequence[Outcome]) -> dict[str, float | None]:
    """The headline metrics over `outcomes`; None where a metric has no questions to count."""
    answerable = [o for o in outcomes if o.question.answerable]
    unanswerable = [o for o in outcomes if not o.question.answerable]
    ranks = [o.hit_rank for o in answerable]
    keyed = [o for o in answerable if o.question.keys]
    answered = [o for o in answerable if not o.answer.abstained]
    citations = [ok for o in outcomes for ok in o.citations_valid]
    latencies = [o.latency_ms for o in outcomes]
    lengths = sorted(len(o.text) for o in answered)
    metrics: dict[str, float | None] = {f"recall@{k}": recall_at(ranks, k) for k in (1, 3, 5)}
    metrics |= {
        "mrr@10": mrr(ranks),
        "answer_key_recall": _mean([o.keys_found / len(o.question.keys) for o in keyed]),
        "answer_all_keys": _mean([o.keys_found == len(o.question.keys) for o in keyed]),
        "baseline_all_keys": _mean([o.baseline_has_keys for o in keyed]),
        "citation_support": _mean([o.supported for o in answered if o.supported is not None]),
        "citation_offsets_valid": _mean(citations),
        "abstain_rate_unanswerable": _mean([o.answer.abstained for o in unanswerable]),
        "abstain_rate_absent": _mean([o.answer.abstained for o in outcomes if o.question.absent]),
        "false_abstain_rate": _mean([o.answer.abstained for o in answerable]),
        "latency_ms_p50": percentile(latencies, 50),
        "latency_ms_p95": percentile(latencies, 95),
        "answer_median_chars": percentile(lengths, 50),
    }
    return {k: None if v is None else round(v, 4) for k, v in metrics.items()}


@dataclass(frozen=True)
class TradeoffPoint:
    """The abstention rates had the answerability threshold been `threshold`."""

    threshold: float
    false_abstain_rate: float  # answerable questions abstained on
    abstain_rate_unanswerable: float  # unanswerable (and `--absent`) questions abstained on


def abstention_tradeoff(outcomes: Sequence[Outcome], steps: int = TRADEOFF_STEPS) -> list[TradeoffPoint]:
    """Sweep the threshold over `steps` values in [0, 1]: a question abstains when its confidence < t.

    A question without a confidence (the model did not score it: a question about the letter itself, an
    empty one) keeps the decision the run made, since no threshold reaches it. Empty when no question has
    a confidence, or the set lacks answerable or unanswerable questions.
    """
    answerable = [o.answer for o in outcomes if o.question.answerable]
    unanswerable = [o.answer for o in outcomes if not o.question.answerable]
    if not answerable or not unanswerable or all(o.answer.confidence is None for o in outcomes):
        return []

    def abstains(answer: Answer, t: float) -> bool:
        return answer.abstained if answer.confidence is None else answer.confidence < t

    points = []
    for i in range(steps):
        t = i / (steps - 1)
        false_rate = sum(abstains(a, t) for a in answerable) / len(answerable)
        right_rate = sum(abstains(a, t) for a in unanswerable) / len(unanswerable)
        points.append(TradeoffPoint(round(t, 4), round(false_rate, 4), round(right_rate, 4)))
    return points


def highest_cut(scores: Sequence[float], most: float) -> float:
    """The highest threshold that leaves at most `most` of `scores` below it (0.5 for no scores)."""
    ordered = sorted(scores)
    return float(ordered[int(most * len(ordered))]) if ordered else 0.5


def auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC curve: the chance a random positive scores above a random negative (ties half)."""
    pos, neg = scores[positive], scores[~positive]
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def abstention_at(scored: Sequence[tuple[float, bool]], most: float = AT_FALSE_ABSTAIN) -> dict[str, float] | None:
    """Abstention had the threshold been the highest refusing at most `most` of the answerable questions.

    `scored` holds (answerability, answerable) per question; the AUC says how well the scores separate the
    two kinds whatever the threshold. None without both kinds of question.
    """
    scores = np.array([s for s, _ in scored], dtype=np.float64)
    positive = np.array([a for _, a in scored], dtype=bool)
    if positive.all() or not positive.any():
        return None
    threshold = highest_cut(list(scores[positive]), most)
    return {
        "most_false_abstain": most,
        "threshold": round(threshold, 4),
        "false_abstain_rate": round(float((scores[positive] < threshold).mean()), 4),
        "abstain_rate_unanswerable": round(float((scores[~positive] < threshold).mean()), 4),
        "auc": round(auc(scores, positive), 4),
    }


def answerability(confidence: float | None, abstained: bool) -> float:
    """An answer's confidence; without one (a question the model did not score), 0 if it abstained, else 1."""
    if confidence is not None:
        return float(confidence)
    return 0.0 if abstained else 1.0


def by_type(outcomes: Sequence[Outcome]) -> dict[str, dict[str, Any]]:
    """Every metric again for each question `type`, with the number of questions."""
    groups: dict[str, list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault(o.question.type, []).append(o)
    return {t: {"questions": len(group), **score(group)} for t, group in sorted(groups.items())}


# ---- question sets -------------------------------------------------------------------------------


def read_questions(path: Path) -> tuple[list[Question], list[str]]:
    """The valid questions of a JSONL file, and one `line N: why` note per malformed line skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read question file {path}: {exc}; give a UTF-8 JSONL file") from None
    questions: list[Question] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            question = _question(json.loads(line))
            if question.id in seen:
                raise ValueError(f"duplicate id {question.id!r}")
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: not valid JSON ({exc.msg})")
            continue
        except ValueError as exc:
            problems.append(f"line {number}: {exc}")
            continue
        seen.add(question.id)
        questions.append(question)
    return questions, problems


def _question(row: Any) -> Question:
    if not isinstance(row, dict):
        raise ValueError("not a JSON object")
    if not isinstance(row.get("id"), str | int) or not str(row["id"]).strip():
        raise ValueError("'id' is missing")
    if not isinstance(row.get("question"), str) or not row["question"].strip():
        raise ValueError("'question' is missing or empty")
    for name in ("answers", "evidence", "history"):
        value = row.get(name, [] if name == "history" else None)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"'{name}' must be a list of strings ([] when there are none)")
    return Question(
        id=str(row["id"]),
        question=row["question"],
        keys=tuple(k for k in map(parse_key, row["answers"]) if k),
        evidence=tuple(e for e in row["evidence"] if e),
        type=str(row.get("type") or "untyped"),
        history=tuple(row.get("history", ())),
        extra={k: v for k, v in row.items() if k not in _FIELDS},
    )


def squad_questions(
    path: Path,
    folder: Path,
    absent: int = 0,
    seed: int = 0,
    convert: Callable[[str], str] | None = None,
    fold: Fold | None = None,
) -> list[Question]:
    """Write each SQuAD paragraph to `folder` as `pNNNN.txt` and return its questions, hits by paragraph.

    With `absent`, the articles `absent_articles` picks are not written: their questions come back as
    unanswerable `absent` ones, which the system should abstain on. `convert` rewrites the contexts and
    gold answers (an OpenCC script conversion, which keeps lengths). With `fold`, only the questions of
    that fold's articles are asked; every article is still written (cross-validation against models trained
    without the fold, `qa train --leave-out`).
    """
    convert = convert or str
    articles, counts = _squad_articles(path)
    left_out = set(absent_articles(counts, absent, seed)) if absent else set()
    paragraphs = [(i, p) for i, article in enumerate(articles) for p in article["paragraphs"]]
    width = max(4, len(str(len(paragraphs))))
    questions = []
    for number, (article, paragraph) in enumerate(paragraphs, 1):
        # Paragraphs keep their numbers with or without --absent, so the same question has the same doc_id.
        doc_id = f"p{number:0{width}d}.txt"
        gone = article in left_out
        if not gone:
            (folder / doc_id).write_text(convert(paragraph["context"]), encoding="utf-8")
        if fold is not None and not fold.holds(article):
            continue
        for qa in paragraph.get("qas", ()):
            golds = tuple(dict.fromkeys(convert(a["text"]) for a in qa.get("answers", ()) if a.get("text")))
            if gone:
                extra = {"gold": list(golds), "left_out": doc_id}
                questions.append(Question(str(qa["id"]), qa["question"], type="absent", absent=True, extra=extra))
                continue
            keys = (golds,) if golds else ()
            questions.append(Question(str(qa["id"]), qa["question"], keys, golds, "squad", doc_id=doc_id))
    return questions


OFF_TOPIC_LETTER = Path("letter")  # `--off-topic` without a path: the bundled letter


def off_topic_questions(path: Path) -> list[Question]:
    """The questions of a SQuAD-format file as ones to abstain on: they are asked of documents without their articles."""
    articles, _counts = _squad_articles(path)
    rows = [qa for article in articles for p in article["paragraphs"] for qa in p.get("qas", ())]
    try:
        return [Question(str(qa["id"]), qa["question"], type="absent", absent=True) for qa in rows]
    except (KeyError, TypeError) as exc:
        raise InputError(f"{path} has a question without an id or text ({exc}): need qas[].id and .question") from None


def _squad_articles(path: Path) -> tuple[list[Any], list[int]]:
    """`data` of a SQuAD-format JSON file and each article's question count; one clear line when it is not one."""
    try:
        articles = json.loads(path.read_text(encoding="utf-8"))["data"]
        counts = [sum(len(p.get("qas", ())) for p in article["paragraphs"]) for article in articles]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{path} is not a SQuAD-format JSON file ({exc}): need data[].paragraphs[]") from None
    return articles, counts


@dataclass(frozen=True)
class Fold:
    """Fold `number` of `count`: the articles whose index modulo `count` is `number`."""

    number: int
    count: int

    def holds(self, article: int) -> bool:
        return article % self.count == self.number

    @classmethod
    def parse(cls, text: str) -> Fold:
        """`K/N`, e.g. `0/2`; one clear line when it is not."""
        number, _, count = text.partition("/")
        problem = InputError(f"fold {text!r} must be K/N with 0 <= K < N, e.g. 0/2")
        try:
            fold = cls(int(number), int(count))
        except ValueError:
            raise problem from None
        if not 0 <= fold.number < fold.count:
            raise problem
        return fold


def fold_option(text: str) -> Fold:
    """`Fold.parse` for argparse: a bad fold is a usage error, not a traceback."""
    try:
        return Fold.parse(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def absent_articles(question_counts: Sequence[int], n: int, seed: int = 0) -> list[int]:
    """Indexes of the articles to leave out: shuffled with `random.Random(seed)`, taken in that order
    until they hold at least `n` questions. At least one article must stay in the corpus."""
    order = list(range(len(question_counts)))
    random.Random(seed).shuffle(order)
    chosen: list[int] = []
    held = 0
    for index in order:
        if held >= n:
            break
        chosen.append(index)
        held += question_counts[index]
    if held < n or len(chosen) == len(order):
        total = sum(question_counts)
        raise InputError(
            f"--absent {n} would leave no article in the corpus ({total} questions in {len(order)} articles): "
            "give a smaller N"
        )
    return chosen


def evidence_warnings(questions: Sequence[Question], texts: Sequence[str]) -> list[str]:
    """One note per evidence string found in no document: such a question can never be a hit."""
    return [
        f"{q.id}: evidence {e!r} is not in the document"
        for q in questions
        if q.doc_id is None
        for e in q.evidence
        if not any(e in t for t in texts)
    ]


# ---- running -------------------------------------------------------------------------------------


def evaluate(bot: QA, questions: Sequence[Question], progress: bool = True) -> list[Outcome]:
    """Ask every question through the public API and record what scoring needs.

    Retrieval is scored on the question `ask` answered (`Answer.resolved_question`: a follow-up resolved
    against its history), so the eval does not re-derive it. Latency is the wall time of `ask` alone.
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
        outcomes.append(Outcome(q, answer, query, retrieved, latency_ms, valid, supported, naive_answer(bot, query)))
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


def load_floors(path: Path) -> dict[str, dict[str, float]]:
    """A floors file: `{"min": {metric: lowest allowed}, "max": {metric: highest allowed}}`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read floors file {path}: {exc}") from None
    bounds = {k: v for k, v in data.items() if k in ("min", "max")} if isinstance(data, dict) else {}
    valid = all(
        isinstance(v, dict) and all(isinstance(x, int | float) and not isinstance(x, bool) for x in v.values())
        for v in bounds.values()
    )
    if not bounds or not valid:
        raise InputError(f'{path} must be a JSON object {{"min": {{metric: number}}, "max": {{metric: number}}}}')
    return bounds


def check_floors(metrics: dict[str, Any], floors: dict[str, dict[str, float]]) -> list[str]:
    """One line per metric outside its bound (or not measured); empty when every bound holds."""
    failures = []
    for bound, limits in floors.items():
        for name, limit in limits.items():
            value = metrics.get(name)
            if value is None:
                failures.append(f"{name} was not measured (its {bound} is {limit})")
            elif (value < limit) if bound == "min" else (value > limit):
                word = "below the floor" if bound == "min" else "above the ceiling"
                failures.append(f"{name} = {value} is {word} {limit}")
    return failures


# ---- results -------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The eval options, shared by `eval/run.py` and `qa eval`."""
    parser.add_argument("questions", nargs="?", type=Path, help=f"JSONL question set (default {DEFAULT_QUESTIONS})")
    parser.add_argument("--doc", type=Path, help="file or folder the questions are about (default: the bundled letter)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"where results go (default {DEFAULT_OUT})")
    parser.add_argument("--squad", type=Path, help="score a SQuAD-format JSON instead (each paragraph a document)")
    parser.add_argument(
        "--absent",
        type=int,
        metavar="N",
        help="with --squad: leave random whole articles holding >= N questions out of the corpus and ask their "
        "questions as ones to abstain on (sampled over the whole file, before --skip/--limit)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed of the --absent sample (default 0)")
    parser.add_argument(
        "--articles",
        type=fold_option,
        metavar="K/N",
        help="with --squad: ask only the questions of articles whose index modulo N is K (every article stays in "
        "the corpus); with models from `qa train --leave-out K/N` this is cross-validation",
    )
    parser.add_argument(
        "--off-topic",
        nargs="?",
        type=Path,
        const=OFF_TOPIC_LETTER,
        metavar="PATH",
        help="with --squad: ask its questions of PATH (default: the bundled letter), which holds none of their "
        "articles, so each is one to abstain on",
    )
    parser.add_argument("--models", type=Path, help="read the ranker and answerability models from this folder")
    parser.add_argument("--limit", type=int, help="score only the first N questions (after --skip)")
    parser.add_argument("--skip", type=int, default=0, help="leave out the first N questions (e.g. a tuning half)")
    parser.add_argument("--embed-model", help="dense model, as for `qa ask` ('none' = lexical only)")
    parser.add_argument("--index-dir", type=Path, help="keep the index here (default: a temporary folder in --out)")
    parser.add_argument(
        "--script",
        choices=sorted(SCRIPTS),
        help="ask every question (and its history) converted to this script with OpenCC, to measure robustness",
    )
    parser.add_argument(
        "--doc-script",
        choices=sorted(SCRIPTS),
        help="index the document (or the --squad contexts) converted to this script with OpenCC "
        "(keys, evidence and gold answers converted too)",
    )
    parser.add_argument(
        "--check-floors",
        nargs="?",
        type=Path,
        const=DEFAULT_FLOORS,
        metavar="FILE",
        help=f"exit 1 when a metric is outside the bounds in FILE (default {DEFAULT_FLOORS})",
    )


def run(args: argparse.Namespace) -> int:
    """Run the eval the arguments describe, write the results, print a summary; 1 when a floor fails."""
    from qa.api import QA

    if args.squad is not None and (args.questions is not None or args.doc is not None):
        raise InputError("--squad brings its own questions and documents: drop QUESTIONS and --doc")
    if args.limit is not None and args.limit < 1:
        raise InputError(f"--limit {args.limit} must be at least 1")
    if args.skip < 0:
        raise InputError(f"--skip {args.skip} must not be negative")
    if args.absent is not None and (args.squad is None or args.absent < 1):
        raise InputError(f"--absent {args.absent} needs --squad and N of at least 1")
    if args.articles is not None and args.squad is None:
        raise InputError("--articles needs --squad")
    if args.off_topic is not None and (args.squad is None or args.absent or args.articles):
        raise InputError("--off-topic needs --squad, and asks every question elsewhere: drop --absent and --articles")
    floors = load_floors(args.check_floors) if args.check_floors is not None else None
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        index_dir = args.index_dir or Path(stack.enter_context(tempfile.TemporaryDirectory(".index", dir=out)))
        source, doc, questions, problems = _question_set(args, stack)
        for note in problems:
            print(f"eval: skipped {source} {note}", file=sys.stderr)
        questions = questions[args.skip :][: args.limit]
        if args.script is not None:
            questions = in_script(questions, args.script)
        if args.doc_script is not None and args.squad is None:  # a SQuAD set is converted as it is written
            doc = _document_in_script(doc, args.doc_script, Path(stack.enter_context(tempfile.TemporaryDirectory())))
            questions = [_expected_in_script(q, args.doc_script) for q in questions]
        if not questions:
            raise InputError(f"{source} holds no usable questions")
        started = time.perf_counter()
        bot = QA.from_path(doc, index_dir=index_dir, embed_model=args.embed_model, models_dir=args.models)
        index_s = time.perf_counter() - started
        texts = [bot.document_text(d.doc_id) for d in bot.manifest.documents]
        warnings = evidence_warnings(questions, texts)
        started = time.perf_counter()
        outcomes = evaluate(bot, questions)
        run_s = time.perf_counter() - started
    metrics: dict[str, Any] = score(outcomes)
    if args.squad is not None:
        metrics["answer_contains_gold"] = metrics["answer_all_keys"]
        metrics["baseline_contains_gold"] = metrics["baseline_all_keys"]
    metrics |= {
        "by_type": by_type(outcomes),
        "questions": len(outcomes),
        "questions_file": str(source),
        "document": str(args.squad or doc or "bundled letter"),
        "script": args.script,
        "doc_script": args.doc_script,
        "absent": args.absent,
        "absent_seed": args.seed if args.absent else None,
        "articles": f"{args.articles.number}/{args.articles.count}" if args.articles else None,
        "off_topic": str(args.off_topic) if args.off_topic is not None else None,
        "models": str(args.models or "qa/models"),
        "absent_questions": sum(o.question.absent for o in outcomes),
        "abstention_tradeoff": [asdict(p) for p in abstention_tradeoff(outcomes)],
        "abstention_at_3pct_false": abstention_at(
            [(answerability(o.answer.confidence, o.answer.abstained), o.question.answerable) for o in outcomes]
        ),
        "skipped_questions": args.skip,
        "skipped_lines": problems,
        "evidence_warnings": warnings,
        "index_seconds": round(index_s, 3),
        "run_seconds": round(run_s, 3),
        "embedder": {"id": bot.embedder_id, "notice": bot.notice},
        "manifest": bot.manifest.to_dict(),
    }
    from qa.report import summary, write_results

    report = write_results(out, metrics, outcomes)
    print(summary(metrics))
    print(f"report: {report}")
    if floors is None:
        return 0
    failures = check_floors(metrics, floors)
    for line in failures:
        print(f"eval: floor failed: {line}", file=sys.stderr)
    print(f"floors ({args.check_floors}): {'FAILED' if failures else 'all met'}")
    return 1 if failures else 0


def _question_set(args: argparse.Namespace, stack: ExitStack) -> tuple[Path, Path | None, list[Question], list[str]]:
    """The set's file, the document path to index (None: bundled letter), its questions and skipped lines."""
    if args.off_topic is not None:
        doc = None if args.off_topic == OFF_TOPIC_LETTER else args.off_topic
        return args.squad, doc, off_topic_questions(args.squad), []
    if args.squad is not None:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory("-squad")))
        convert = _script_converter(args.doc_script) if args.doc_script else None
        asked = squad_questions(args.squad, folder, args.absent or 0, args.seed, convert, args.articles)
        return args.squad, folder, asked, []
    source = args.questions or DEFAULT_QUESTIONS
    if not source.is_file():
        raise InputError(f"question file {source} does not exist: give a JSONL file (see eval/README.md)")
    return source, args.doc, *read_questions(source)


SCRIPTS = {"traditional": TO_TRADITIONAL, "simplified": TO_SIMPLIFIED}


def in_script(questions: Sequence[Question], script: str) -> list[Question]:
    """The questions and their histories written in `script` (`traditional`: `郑州` → `鄭州`)."""
    convert = _script_converter(script)
    return [replace(q, question=convert(q.question), history=tuple(convert(h) for h in q.history)) for q in questions]


def _script_converter(script: str) -> Callable[[str], str]:
    convert = converter(SCRIPTS[script])
    if convert is None:
        raise InputError("--script and --doc-script need the opencc package: pip install opencc")
    return convert


def _document_in_script(doc: Path | None, script: str, folder: Path) -> Path:
    """A copy of the document (the bundled letter when None; one file) written in `script`."""
    from qa.settings import BUNDLED_LETTER

    source = doc or BUNDLED_LETTER
    if not source.is_file():
        raise InputError(f"--doc-script converts one file; {source} is not a file")
    target = folder / source.name
    target.write_text(_script_converter(script)(source.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def _expected_in_script(q: Question, script: str) -> Question:
    """The question's keys and evidence written in `script`, as they stand in a converted document."""
    convert = _script_converter(script)
    keys = tuple(tuple(convert(a) for a in alternatives) for alternatives in q.keys)
    return replace(q, keys=keys, evidence=tuple(convert(e) for e in q.evidence))


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    """`python eval/run.py`: errors a person can fix print one line and exit 2."""
    parser = argparse.ArgumentParser(prog=prog, description="Score qa on a question set and write a report.")
    add_arguments(parser)
    args = parser.parse_args(argv)
    logger = logging.getLogger("qa")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("qa: note: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    try:
        return run(args)
    except QAError as exc:
        print(f"eval: error: {exc}", file=sys.stderr)
        return 2
