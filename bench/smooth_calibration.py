"""Trained models recalibrated with a smooth map instead of `qa train`'s isotonic staircase, written to a folder.

`qa train` calibrates the answerability model by isotonic regression: a step function (32 steps for the shipped
models) on which many of the letter's doubtful questions share a step, so a threshold moving past one refuses or
answers a block of them at once. Here each flat step is replaced by a line through the steps' midpoints (strictly
increasing), the thresholds chosen again as `qa train` chooses them, and the models written with the new card to
`--out`, to be read through the product (`eval/run.py SET --conversation 3 --models OUT`). The examples are built
as `qa train` builds them (about 6 minutes on 2 cores).

    python bench/smooth_calibration.py --models qa/models --out /tmp/smooth     # about 8 minutes
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from qa.answering import training
from qa.answering.models import ANSWERABLE, card_path, load_models

ISOTONIC = training.fit_calibration  # `qa train`'s own, kept before `main` puts `midpoints` in its place


def midpoints(raw: np.ndarray, answered: np.ndarray) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Isotonic regression with each flat step replaced by its midpoint, joined by lines (ends kept)."""
    xs, ys = ISOTONIC(raw, answered)
    points: list[tuple[float, float]] = []
    i = 0
    while i < len(xs):
        j = i
        while j + 1 < len(xs) and ys[j + 1] == ys[i]:
            j += 1
        points.append(((xs[i] + xs[j]) / 2, ys[i]))
        i = j + 1
    points[0], points[-1] = (xs[0], points[0][1]), (xs[-1], points[-1][1])
    return tuple(round(x, 6) for x, _ in points), tuple(round(y, 6) for _, y in points)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=training.DATA_DIR)
    parser.add_argument("--models", type=Path, default=training.MODELS_DIR, help="the trained models to recalibrate")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    started = time.perf_counter()
    examples = training.build_examples(args.data)
    print(f"examples built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    models = load_models(args.models)
    training.fit_calibration = midpoints  # what `choose` calibrates with, for this run only
    chosen = training.choose(models.ranker, models.answerable, examples)
    print(f"thresholds {chosen.threshold:.3f}; {chosen.small_threshold:.3f} up to the small band")
    for figures in chosen.figures:
        print(json.dumps(figures.__dict__, ensure_ascii=False))
    card = json.loads(card_path(args.models, ANSWERABLE).read_text(encoding="utf-8"))
    seeds = card["params"]["seed"] if isinstance(card["params"]["seed"], list) else [card["params"]["seed"]]
    training.write_models(
        args.out,
        models.ranker,
        models.answerable,
        (chosen.threshold, chosen.small_threshold),
        chosen.figures,
        [],
        None,
        card.get("retrieval_embedder", "wordllama"),
        None,
        chosen.calibration,
        seeds,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
