"""Metrics over a run's outcomes: retrieval recall and MRR, key recall, citation support, abstention (and its
trade-off as the threshold moves), latency; and the floors a run must meet."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa.errors import InputError
from qa.evaluation.outcomes import DEPTH, Outcome
from qa.types import Answer, Citation

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
    ranks = [o.hit_rank for o in answerable if not o.question.items]  # a broad question has no one passage
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
        "abstain_rate_lookalike": _mean([o.answer.abstained for o in outcomes if o.question.lookalike]),
        "changed_by_unrelated_history": _mean([c for o in outcomes if (c := o.changed_by_history) is not None]),
        **broad_scores(outcomes),
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
    empty one) keeps the decision the run made, since no threshold reaches it, and so does a refusal a check made
    after the models (`Answer.checked`). Empty when no question has a confidence, or the set lacks answerable or
    unanswerable questions.
    """
    answerable = [o.answer for o in outcomes if o.question.answerable]
    unanswerable = [o.answer for o in outcomes if not o.question.answerable]
    if not answerable or not unanswerable or all(o.answer.confidence is None for o in outcomes):
        return []

    def abstains(answer: Answer, t: float) -> bool:
        return answer.abstained if answer.confidence is None or answer.checked else answer.confidence < t

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


def answerability_scores(outcomes: Sequence[Outcome]) -> list[tuple[float, bool]]:
    """(answerability, answerable) of each outcome, for `abstention_at`."""
    return [
        (answerability(o.answer.confidence, o.answer.abstained, o.answer.checked), o.question.answerable)
        for o in outcomes
    ]


def answerability(confidence: float | None, abstained: bool, checked: bool = False) -> float:
    """An answer's confidence; 0 for a refusal a check made after the models (`Answer.checked`: refused at any
    threshold); without a confidence (a question the model did not score), 0 if it abstained, else 1."""
    if checked:
        return 0.0
    if confidence is not None:
        return float(confidence)
    return 0.0 if abstained else 1.0


def broad_scores(outcomes: Sequence[Outcome]) -> dict[str, float | None]:
    """Broad questions (with items): key-phrase recall (an abstention names none), item citation support over
    the answers naming an item, the share of answered ones citing several spans, the share answered in the shape
    asked (`Answer.scope` == the question's scope), and over gathering answers the share of what they list that is
    an item (`Outcome.item_precision`). Empty when the set has no broad question."""
    broad = [o for o in outcomes if o.question.items]
    if not broad:
        return {}
    answered = [o for o in broad if not o.answer.abstained]
    return {
        "key_phrase_recall": _mean([o.item_recall or 0.0 for o in broad]),
        "item_citation_support": _mean([s for o in broad if (s := o.item_citation_support) is not None]),
        "multi_citation_rate": _mean([o.multi_citation for o in answered]),
        "scope_agreement": _mean([o.answer_scope == o.question.scope for o in broad if o.question.scope]),
        "gather_item_precision": _mean([p for o in broad if (p := o.item_precision) is not None]),
    }


def by_scope(outcomes: Sequence[Outcome]) -> dict[str, dict[str, Any]]:
    """For each scope asked (broad questions, and unanswerable ones with a scope): the broad figures, false
    abstention on its broad questions and refusal on its unanswerable ones."""
    groups: dict[str, list[Outcome]] = {}
    for o in outcomes:
        if o.question.scope:
            groups.setdefault(o.question.scope, []).append(o)
    return {
        scope: {
            "questions": len(group),
            **{k: _rounded(v) for k, v in broad_scores(group).items()},
            "false_abstain_rate": _rounded(_mean([o.answer.abstained for o in group if o.question.answerable])),
            "abstain_rate_unanswerable": _rounded(
                _mean([o.answer.abstained for o in group if not o.question.answerable])
            ),
        }
        for scope, group in sorted(groups.items())
    }


def lookalike_figures(outcomes: Sequence[Outcome]) -> dict[str, Any] | None:
    """`--twins`: refusal on the look-alikes, overall and per recipe, and the abstention at 3% false abstention
    over the originals (answerable questions of the set) and their look-alikes alone; None without look-alikes."""
    twins = [o for o in outcomes if o.question.lookalike]
    if not twins:
        return None
    kinds: dict[str, list[Outcome]] = {}
    for o in twins:
        kinds.setdefault(str(o.question.lookalike), []).append(o)
    originals = [o for o in outcomes if o.question.answerable]
    scored = answerability_scores(originals + twins)
    return {
        "questions": len(twins),
        "abstain_rate": _rounded(_mean([o.answer.abstained for o in twins])),
        "by_kind": {
            kind: {"questions": len(group), "abstain_rate": _rounded(_mean([o.answer.abstained for o in group]))}
            for kind, group in sorted(kinds.items())
        },
        "abstention_at_3pct_false": abstention_at(scored),
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


CALIBRATION_BINS = 10


def is_right(o: Outcome) -> bool:
    """Whether the system's decision was right: an answerable question answered with every key (a SQuAD question:
    its gold; a broad question: every item), or an unanswerable one refused. An answerable question refused, or
    answered without every key, and an unanswerable one answered, are wrong."""
    q = o.question
    if not q.answerable:
        return o.answer.abstained
    return not o.answer.abstained and o.keys_found == len(q.keys) and len(o.found_items) == len(q.items)


def claimed_probability(answer: Answer) -> float | None:
    """How sure the system was of the decision it made: `confidence` (the probability the question is answerable)
    when it answered, 1 - `confidence` when it refused; None when the model did not score it."""
    if answer.confidence is None:
        return None
    return float(answer.confidence) if not answer.abstained else 1.0 - float(answer.confidence)


@dataclass(frozen=True)
class CalibrationBin:
    """Questions whose claimed probability fell in [low, high) (the last bin includes 1)."""

    low: float
    high: float
    questions: int
    mean_probability: float | None
    accuracy: float | None  # share of them `is_right`


def calibration(outcomes: Sequence[Outcome], bins: int = CALIBRATION_BINS) -> dict[str, Any] | None:
    """Expected calibration error of the claimed probability (`claimed_probability`) against `is_right`.

    ECE = sum over `bins` equal-width bins of (share of questions in the bin) x |accuracy - mean probability|:
    0 when "90% sure" is right 90% of the time. `ece_answerable` does the same for the raw `confidence`
    against whether the question is answerable (what the answerability model is trained to predict). Questions
    without a confidence are left out; None when none has one.
    """
    scored = [(p, is_right(o), o) for o in outcomes if (p := claimed_probability(o.answer)) is not None]
    if not scored:
        return None
    groups = _binned([(p, right) for p, right, _ in scored], bins)
    raw = _binned([(float(o.answer.confidence or 0.0), o.question.answerable) for _, _, o in scored], bins)
    return {
        "questions": len(scored),
        "ece": round(_ece(groups), 4),
        "accuracy": round(sum(right for _, right, _ in scored) / len(scored), 4),
        "ece_answerable": round(_ece(raw), 4),
        "bins": [
            asdict(
                CalibrationBin(
                    round(i / bins, 4),
                    round((i + 1) / bins, 4),
                    len(group),
                    _rounded(_mean([p for p, _ in group])),
                    _rounded(_mean([right for _, right in group])),
                )
            )
            for i, group in enumerate(groups)
        ],
    }


def _binned(scored: Sequence[tuple[float, bool]], bins: int) -> list[list[tuple[float, bool]]]:
    """(probability, right) pairs in `bins` equal-width bins over [0, 1]."""
    groups: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for p, right in scored:
        groups[min(int(p * bins), bins - 1)].append((p, right))
    return groups


def _ece(groups: Sequence[Sequence[tuple[float, bool]]]) -> float:
    total = sum(len(g) for g in groups)
    return sum(len(g) / total * abs(sum(r for _, r in g) / len(g) - sum(p for p, _ in g) / len(g)) for g in groups if g)


def by_type(outcomes: Sequence[Outcome]) -> dict[str, dict[str, Any]]:
    """Every metric again for each question `type`, with the number of questions."""
    groups: dict[str, list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault(o.question.type, []).append(o)
    return {t: {"questions": len(group), **score(group)} for t, group in sorted(groups.items())}


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


def _lookup(metrics: dict[str, Any], name: str) -> Any:
    """`metrics[name]`, or for a dotted name the nested value it leads to; None when a step is missing."""
    if name in metrics:
        return metrics[name]
    value: Any = metrics
    for step in name.split("."):
        value = value.get(step) if isinstance(value, dict) else None
    return value


def check_floors(metrics: dict[str, Any], floors: dict[str, dict[str, float]]) -> list[str]:
    """One line per metric outside its bound (or not measured); empty when every bound holds.

    A name may be a dotted path into nested figures: `lookalikes.abstention_at_3pct_false.abstain_rate_unanswerable`,
    `by_type.followup.answer_all_keys`.
    """
    failures = []
    for bound, limits in floors.items():
        for name, limit in limits.items():
            value = _lookup(metrics, name)
            if not isinstance(value, int | float) or isinstance(value, bool):
                failures.append(f"{name} was not measured (its {bound} is {limit})")
            elif (value < limit) if bound == "min" else (value > limit):
                word = "below the floor" if bound == "min" else "above the ceiling"
                failures.append(f"{name} = {value} is {word} {limit}")
    return failures
