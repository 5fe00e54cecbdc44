"""Ablation of the rules answering keeps beside the learned models, measured on the validation sets.

Each rule is switched off in turn (a follow-up skipping the earlier answer's whole
sentence showed a loss here, fresh2 all keys 0.780 with it against 0.829 without, and was removed) and the validation sets are scored again: CMRC 2018 trial (answer
contains gold, median answer length) and `eval/fresh2.jsonl` (all keys, false abstention). A rule stays
only when this table shows it helps.

    python bench/ablation.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

from qa import QA
from qa.answering import answer
from qa.evaluation import evaluate, read_questions, score, squad_questions

REPO = Path(__file__).resolve().parent.parent
RULES: dict[str, Callable[[], mock._patch]] = {
    "all rules on": lambda: mock.patch.object(answer, "answer_meta", answer.answer_meta),
    "no clause trimming of numbers and dates": lambda: mock.patch.object(
        answer, "_trim", lambda query, doc, span, avoid=None: span
    ),
    "no cause before a consequence (因此…)": lambda: mock.patch.object(
        answer, "_with_its_cause", lambda doc, span: span
    ),
    "no questions about the letter itself answered from its structure": lambda: mock.patch.object(
        answer, "meta_intents", lambda question: []
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "cmrc"
        folder.mkdir()
        cmrc = squad_questions(args.data / "cmrc2018_trial.json", folder)
        bots = {
            "cmrc2018_trial": (QA.from_path(folder, index_dir=Path(tmp) / "i1", embed_model="wordllama"), cmrc),
            "fresh2": (
                QA.from_path(index_dir=Path(tmp) / "i2", embed_model="wordllama"),
                read_questions(REPO / "eval" / "fresh2.jsonl")[0],
            ),
        }
        print(
            "| rule switched off | CMRC trial gold in answer | median chars | fresh2 all keys | fresh2 false abstain |"
        )
        print("|---|---|---|---|---|")
        for name, patch in RULES.items():
            with ExitStack() as stack:
                stack.enter_context(patch())
                m = {set_: score(evaluate(bot, qs, progress=False)) for set_, (bot, qs) in bots.items()}
            c, f = m["cmrc2018_trial"], m["fresh2"]
            print(
                f"| {name} | {c['answer_all_keys']:.3f} | {c['answer_median_chars']:.0f} | "
                f"{f['answer_all_keys']:.3f} | {f['false_abstain_rate']:.3f} |"
            )


if __name__ == "__main__":
    main()
