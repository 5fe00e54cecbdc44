"""Cross-validate the learned answering on a SQuAD-format set the shipped models were trained on (DRCD dev).

For each fold K of N: `qa train --leave-out K/N` fits both models without fold K's articles, then the eval
asks fold K's questions against the whole set (every article stays in the corpus, so the retrieval task is
the same as a plain run) with those models. The folds' per-question results are pooled into one figure per
metric, printed beside the naive baseline and written to `OUT/metrics.json`.

    python eval/cross_validate.py                       # DRCD dev, 2 folds
    python eval/cross_validate.py --absent 1000         # also ask 1,000+ questions without their article
    python eval/cross_validate.py --models-from OUT     # re-use the fold models of an earlier run
    python eval/cross_validate.py --twins               # also ask each question's look-alike (article kept)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from qa.answering.training import DATA_DIR, TRADITIONAL_SQUAD, TRAIN_SQUAD, train
from qa.errors import QAError
from qa.evaluation.cli import floors_verdict
from qa.evaluation.cli import main as evaluate_main
from qa.evaluation.metrics import abstention_at, answerability, load_floors
from qa.evaluation.outcomes import key_found, strip_markers
from qa.evaluation.questions import Fold, parse_key

REPO = Path(__file__).resolve().parent.parent


def fold_rows(folder: Path) -> list[dict]:
    with (folder / "per_question.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def _all_keys(keys: list[str], text: str) -> bool:
    """Every key (`a|b`: one of its alternatives) is in `text`, as the eval counts the baseline's answers."""
    return all(key_found(parse_key(key), text) for key in keys)


def pooled(rows: list[dict]) -> dict[str, float | int | None]:
    """The eval's headline answering metrics over the pooled per-question rows of every fold."""
    answerable = [r for r in rows if r["type"] not in ("absent", "lookalike")]
    absent = [r for r in rows if r["type"] == "absent"]
    twins = [r for r in rows if r["type"] == "lookalike"]
    answered = [r for r in answerable if not r["abstained"]]

    def mean(values: list[bool]) -> float | None:
        return round(sum(values) / len(values), 4) if values else None

    return {
        "questions": len(rows),
        "absent_questions": len(absent),
        "answer_contains_gold": mean([r["keys_found"] == 1 for r in answerable]),
        "baseline_contains_gold": mean([_all_keys(r["answers"], r["baseline"]) for r in answerable]),
        "false_abstain_rate": mean([r["abstained"] for r in answerable]),
        "abstain_rate_absent": mean([r["abstained"] for r in absent]),
        "answer_median_chars": statistics.median(len(strip_markers(r["answer"])) for r in answered)
        if answered
        else None,
        "recall@5": mean([r["hit_rank"] is not None and r["hit_rank"] <= 5 for r in answerable]),
        "abstention_at_3pct_false": abstention_at(_scored(answerable, absent)),
        **(_lookalikes(answerable, twins) if twins else {}),
    }


def _lookalikes(answerable: list[dict], twins: list[dict]) -> dict[str, object]:
    """`--twins`: refusal on the look-alikes, per recipe, and at 3% false abstention on the originals."""
    kinds = sorted({r["lookalike"] for r in twins})
    return {
        "lookalike_questions": len(twins),
        "abstain_rate_lookalike": round(sum(r["abstained"] for r in twins) / len(twins), 4),
        "lookalike_by_kind": {
            kind: {
                "questions": sum(r["lookalike"] == kind for r in twins),
                "abstain_rate": round(
                    sum(r["abstained"] for r in twins if r["lookalike"] == kind)
                    / sum(r["lookalike"] == kind for r in twins),
                    4,
                ),
            }
            for kind in kinds
        },
        "lookalike_abstention_at_3pct_false": abstention_at(_scored(answerable, twins)),
    }


def _scored(answerable: list[dict], refuse: list[dict]) -> list[tuple[float, bool]]:
    """(answerability, answerable) of each row, for `abstention_at`."""
    rows = [(r, True) for r in answerable] + [(r, False) for r in refuse]
    return [(answerability(r["confidence"], r["abstained"], r.get("checked", False)), positive) for r, positive in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python eval/cross_validate.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="folder with the training sets (../shared/data)")
    parser.add_argument("--folds", type=int, default=2, help="how many folds of articles (default 2)")
    parser.add_argument("--absent", type=int, help="as eval/run.py --absent: leave articles out, ask their questions")
    parser.add_argument("--seed", type=int, default=0, help="seed of the --absent sample and --twins (default 0)")
    parser.add_argument("--twins", action="store_true", help="as eval/run.py --twins: also ask look-alikes")
    parser.add_argument(
        "--twins-pool", type=Path, help=f"as eval/run.py --twins-pool (default: --data's {TRAIN_SQUAD})"
    )
    parser.add_argument("--out", type=Path, default=REPO / "eval" / "results" / "cross-validated", help="results")
    parser.add_argument("--models-from", type=Path, help="fold models already trained into FOLDER/models-K")
    parser.add_argument(
        "--check-floors", type=Path, metavar="FILE", help="exit 1 when a pooled figure is outside FILE's bounds"
    )
    args = parser.parse_args(argv)
    if args.folds < 2:
        print("cross_validate: --folds must be at least 2", file=sys.stderr)
        return 2
    models_root = args.models_from or args.out
    rows: list[dict] = []
    try:
        floors = load_floors(args.check_floors) if args.check_floors is not None else None
        for number in range(args.folds):
            fold = Fold(number, args.folds)
            models = models_root / f"models-{number}"
            if args.models_from is None:
                train(args.data, models, leave_out=fold)
            results = args.out / f"fold-{number}"
            command = ["--squad", str(args.data / TRADITIONAL_SQUAD), "--articles", f"{number}/{args.folds}"]
            command += ["--models", str(models), "--out", str(results), "--seed", str(args.seed)]
            command += ["--absent", str(args.absent)] if args.absent else []
            command += ["--twins"] if args.twins else []
            # The pool of the data given, not of the checkout's `../shared` (a clone elsewhere may have none).
            command += ["--twins-pool", str(args.twins_pool or args.data / TRAIN_SQUAD)] if args.twins else []
            code = evaluate_main(command, prog="eval/run.py")
            if code != 0:
                return code
            rows += fold_rows(results)
    except QAError as exc:
        print(f"cross_validate: {exc}", file=sys.stderr)
        return 2
    metrics = pooled(rows) | {"folds": args.folds, "absent": args.absent, "seed": args.seed, "twins": args.twins}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\n{TRADITIONAL_SQUAD}, {args.folds}-fold cross-validated (pooled over the folds):")
    for name, value in metrics.items():
        print(f"{name:24} {value}")
    return floors_verdict(metrics, floors, args.check_floors, "cross_validate")


if __name__ == "__main__":
    raise SystemExit(main())
