"""Evaluation: score `QA` on a question set (JSONL or SQuAD) through its public API and write a report.

Each module has one job and imports only those above it: `questions` (the sets and their loaders) →
`outcomes` (what happened to one question) → `metrics` (figures over a run, floors) → `runner` (asks the
questions) → `report` (metrics.json, per_question.jsonl, report.md, plots) → `cli` (`eval/run.py`, `qa eval`).
The names below are re-exported for the code that scores answers elsewhere (`qa train`, the benches).
"""

from qa.evaluation.cli import add_arguments, main, run
from qa.evaluation.metrics import (
    METRICS,
    TradeoffPoint,
    abstention_at,
    abstention_tradeoff,
    answerability,
    auc,
    by_scope,
    by_type,
    calibration,
    check_floors,
    claimed_probability,
    highest_cut,
    is_right,
    load_floors,
    lookalike_figures,
    mrr,
    percentile,
    recall_at,
    score,
    supports,
)
from qa.evaluation.outcomes import Outcome, hit_rank, is_hit, key_found, strip_markers
from qa.evaluation.questions import (
    Fold,
    Question,
    absent_articles,
    fold_option,
    in_conversation,
    in_script,
    parse_key,
    read_questions,
    squad_questions,
)
from qa.evaluation.runner import evaluate, naive_answer

__all__ = [
    "METRICS",
    "Fold",
    "Outcome",
    "Question",
    "TradeoffPoint",
    "absent_articles",
    "abstention_at",
    "abstention_tradeoff",
    "add_arguments",
    "answerability",
    "auc",
    "by_scope",
    "by_type",
    "calibration",
    "check_floors",
    "claimed_probability",
    "evaluate",
    "fold_option",
    "highest_cut",
    "hit_rank",
    "in_conversation",
    "in_script",
    "is_hit",
    "is_right",
    "key_found",
    "load_floors",
    "lookalike_figures",
    "main",
    "mrr",
    "naive_answer",
    "parse_key",
    "percentile",
    "read_questions",
    "recall_at",
    "run",
    "score",
    "squad_questions",
    "strip_markers",
    "supports",
]
