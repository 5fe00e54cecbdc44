"""How much LightGBM's own seed moves the answering models, on one draw of the training examples.

`qa train` draws its examples (which questions are also asked without their article, as look-alikes…) from `SEED`,
and LightGBM draws its row and feature samples (`bagging_fraction`, `feature_fraction`) from the same seed. This
builds the examples once, at `SEED`, then fits the ranker and the answerability model at each LightGBM seed given,
and with `--bag K` the average of the first K (the rankers' scores averaged, then K answerability models fitted on
that average and their probabilities averaged). Each pair is calibrated and its thresholds chosen as `qa train`
does. Printed per validation set (`qa train`'s lines): the ranker's top-1, false abstention and refusals at the
chosen thresholds, refusals at the set's own 3% false-abstention point, and the AUC.

    python bench/lightgbm_seeds.py --seeds 13 14 15 16 --bag 3      # about 15 minutes on 2 cores

`--monotone all|checks` fits each seed's answerability model a second time under LightGBM's `monotone_constraints`
(method `intermediate`), on the same ranker: `all` has every coverage feature raise the probability and every
mismatch feature lower it; `checks` constrains only the mismatch features (fourteenth round: not kept).

    python bench/lightgbm_seeds.py --seeds 13 14 --monotone checks  # about 12 minutes on 2 cores
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np

from qa.answering import training
from qa.answering.features import LIST_FEATURES
from qa.answering.models import Bag, import_lightgbm

# The list features that say the best candidate covers the question (more of them: more likely answerable), and
# those that say it misses what the question names (more: less likely).
COVERAGE = frozenset(
    [
        "score_top",
        "terms_top",
        "terms_local_top",
        "chars_top",
        "chars_local_top",
        "raw_top",
        "run_top",
        "context_top",
        "terms_max",
        "held_terms_max",
        "lexical_norm",
        "rarest_top",
        "year_held_top",
        "count_held_top",
        "rarest_known_context_top",
    ]
)
MISMATCH = frozenset(
    [
        "kind_misses_top",
        "missing",
        "absent_known_top",
        "names_missing",
        "names_unseen_top",
        "details_missing",
        "details_unseen_top",
        "nouns_rivalled_top",
    ]
)


def monotone(which: str) -> dict[str, Any]:
    """LightGBM parameters constraining the answerability model: `all` features or only the mismatch `checks`."""
    up = COVERAGE if which == "all" else frozenset()
    return {
        "monotone_constraints": [1 if f in up else -1 if f in MISMATCH else 0 for f in LIST_FEATURES],
        "monotone_constraints_method": "intermediate",
    }


def report(name: str, ranker: Any, answerable: Any, examples: training.Examples) -> None:
    chosen = training.choose(ranker, answerable, examples)
    parts = dict(training._validation_sets(examples.valid_squad, examples.valid_letter))
    print(f"\n{name}: thresholds {chosen.threshold:.3f}; {chosen.small_threshold:.3f} up to the small band")
    print("| set | top-1 | false abstention | refused | refused at own 3% | AUC |")
    print("|---|---|---|---|---|---|")
    for figures in chosen.figures:
        probs = chosen.probabilities[figures.name]
        answerable_mask = np.array([e.answerable for e in parts[figures.name]], dtype=bool)
        own = None
        if (~answerable_mask).any():
            cut = training.choose_threshold([probs[answerable_mask]])
            own = float((probs[~answerable_mask] < cut).mean())
        print(
            f"| {figures.name} | {figures.top1_holds_answer:.3f} | {figures.false_abstain:.3f} | "
            f"{_fmt(figures.abstain_unanswerable)} | {_fmt(own)} | {_fmt(figures.auc)} |"
        )
    sys.stdout.flush()


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=training.DATA_DIR)
    parser.add_argument("--seeds", type=int, nargs="+", default=[training.SEED])
    parser.add_argument("--bag", type=int, default=0, help="also the average of the first K seeds' models")
    parser.add_argument(
        "--monotone", choices=("all", "checks"), help="also each seed's answerability model under monotone constraints"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    examples = training.build_examples(args.data)
    print(f"examples (seed {training.SEED}) built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    lightgbm = import_lightgbm()
    rankers = []
    for seed in args.seeds:
        began = time.perf_counter()
        ranker = training.fit_ranker(lightgbm, examples.train, examples.valid, seed=seed)
        answerable = training.fit_answerable(lightgbm, ranker, examples.train, examples.valid, seed=seed)
        rankers.append(ranker)
        report(f"LightGBM seed {seed} (fitted in {time.perf_counter() - began:.0f} s)", ranker, answerable, examples)
        if args.monotone:
            with mock.patch.dict(training.ANSWERABLE_PARAMS, monotone(args.monotone)):
                constrained = training.fit_answerable(lightgbm, ranker, examples.train, examples.valid, seed=seed)
            report(f"LightGBM seed {seed}, monotone {args.monotone}", ranker, constrained, examples)
    if args.bag:
        began = time.perf_counter()
        seeds = args.seeds[: args.bag]
        ranker = Bag(rankers[: args.bag])
        answerable = Bag(
            [training.fit_answerable(lightgbm, ranker, examples.train, examples.valid, seed=s) for s in seeds]
        )
        report(
            f"average of seeds {seeds} (answerability refitted in {time.perf_counter() - began:.0f} s)",
            ranker,
            answerable,
            examples,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
