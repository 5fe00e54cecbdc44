"""Features of a question not in Chinese against the Chinese candidate sentences, and the learned model reading them.

Two signals meet here: the multilingual encoder's cosines (question against sentence and against its chunk)
and the dictionary translation's word matches (`qa.dictionary`: which of the question's English words a
sentence translates, BM25 of the translated query over the chunks), plus the Chinese ranker's score on the
translated query, which brings the Chinese path's features (answer kinds, term runs) along. The weights are
a logistic regression fitted by `bench/train_crosslingual.py`; it ships as `qa/models/crosslingual.json`, its
own card, and is refused when its feature list is not this module's.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa.answering.candidates import NEIGHBOUR, Candidate
from qa.answering.kinds import asked_kinds, kind_signals
from qa.dictionary import Translation, content_words
from qa.errors import ModelError

MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "crosslingual.json"

CANDIDATE_FEATURES: tuple[str, ...] = (
    "use_sentence",  # cosine of the question and the sentence (multilingual USE)
    "use_passage",  # cosine of the question and the sentence's chunk
    "use_sentence_gap",  # the best candidate's use_sentence minus this one's
    "dict_sentence",  # share of the question's translated words (weighted by IDF) the sentence holds
    "dict_passage",  # the same over the sentence's chunk
    "dict_sentence_gap",
    "terms_sentence",  # share of the translated query's term weight in the sentence
    "bm25_passage",  # BM25 of the translated query on the sentence's chunk, over the best chunk's
    "use_rank",  # 1/(1 + rank) of the chunk by USE cosine (0 when not in the top list)
    "bm25_rank",  # the same by BM25 of the translated query
    "neighbour",  # read only because it sits beside the best passage
    "length",  # log of the sentence's characters
    "numbers",  # share of the question's digits (`2024`) in the sentence
    "kind_held",  # the sentence holds the kind of answer asked (1), asked and not held (-1), none asked (0)
    "zh_ranker",  # the Chinese ranker's score on the translated query
    "zh_ranker_gap",
)
LIST_FEATURES: tuple[str, ...] = (
    "top_score",  # the ranking model's logit for the best candidate
    "top_use",  # its use_sentence
    "top_dict",  # its dict_sentence
    "best_use_passage",  # the highest chunk cosine
    "bm25_bound",  # the best chunk's BM25 over the most the translated query could score
    "untranslated",  # share of the question's content words no word of the collection translates (`Luoyang`)
)

# What an English question asks for, said as the Chinese question words `qa.answering.kinds` reads: a row each.
ASKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bhow (?:many|much)\b|\bwhat (?:number|percentage|share|proportion)\b", re.I), "多少"),
    (re.compile(r"\bwhen\b|\b(?:what|which) (?:year|month|date|day)\b|\bhow long ago\b", re.I), "什么时候"),
    (re.compile(r"\bwho(?:m|se)?\b", re.I), "谁"),
    (re.compile(r"\bwhere\b", re.I), "哪里"),
    (re.compile(r"\bwhy\b", re.I), "为什么"),
    (re.compile(r"\bhow (?:do|does|can|should) (?:i|you|one|a|an|the|we)\b", re.I), "怎么申请"),
    (re.compile(r"\bhow long\b", re.I), "多长时间"),
    (re.compile(r"\b(?:which|what) \w+(?:s|ies)\b(?! of)|\bwhat are\b|\bwhich are\b", re.I), "哪些"),
)


def chinese_asking(question: str) -> str:
    """The Chinese question words for what `question` asks (`How many…` → `多少`), for the kind patterns."""
    return "".join(words for pattern, words in ASKS if pattern.search(question))


@dataclass(frozen=True)
class Signals:
    """What the candidates' features are computed from, gathered once per question."""

    translation: Translation
    asked: str  # `chinese_asking(question)`
    use_sentence: np.ndarray  # per candidate
    use_chunk: np.ndarray  # per candidate: the cosine of its chunk
    bm25_chunk: np.ndarray  # per candidate: BM25 of the translated query on its chunk
    use_rank: np.ndarray  # per candidate: 0-based rank of its chunk by cosine (large when not ranked)
    bm25_rank: np.ndarray
    zh_ranker: np.ndarray  # per candidate; zeros when the translation is empty
    chunk_text: Sequence[str]  # per candidate


def candidate_matrix(found: Sequence[Candidate], s: Signals) -> np.ndarray:
    """One row of `CANDIDATE_FEATURES` per candidate."""
    rows = np.zeros((len(found), len(CANDIDATE_FEATURES)))
    if not found:
        return rows
    kinds = asked_kinds(s.asked)
    top_bm25 = float(s.bm25_chunk.max()) or 1.0
    numbers = s.translation.numbers
    for i, cand in enumerate(found):
        signals = kind_signals(kinds, cand.plain)
        rows[i] = (
            s.use_sentence[i],
            s.use_chunk[i],
            0.0,
            s.translation.coverage(cand.text),
            s.translation.coverage(s.chunk_text[i]),
            0.0,
            _share(s.translation.terms, cand.text),
            s.bm25_chunk[i] / top_bm25,
            1.0 / (1.0 + s.use_rank[i]),
            1.0 / (1.0 + s.bm25_rank[i]),
            float(cand.rank == NEIGHBOUR),
            math.log1p(len(cand.text)),
            sum(n in cand.text for n in numbers) / len(numbers) if numbers else 0.0,
            max(signals) if kinds else 0.0,
            s.zh_ranker[i],
            0.0,
        )
    for name in ("use_sentence", "dict_sentence", "zh_ranker"):
        column = rows[:, CANDIDATE_FEATURES.index(name)]
        rows[:, CANDIDATE_FEATURES.index(f"{name}_gap")] = column.max() - column
    return rows


def list_vector(question: str, rows: np.ndarray, scores: np.ndarray, s: Signals, bound: float) -> np.ndarray:
    """`LIST_FEATURES` for the ranked candidates of one question."""
    best = int(np.argmax(scores))
    words = content_words(question)
    translated = {w for sense in s.translation.senses for w in sense.english.split()}
    return np.array(
        [
            scores[best],
            rows[best, CANDIDATE_FEATURES.index("use_sentence")],
            rows[best, CANDIDATE_FEATURES.index("dict_sentence")],
            float(s.use_chunk.max()),
            float(s.bm25_chunk.max()) / bound if bound > 0 else 0.0,
            sum(w not in translated for w in words) / len(words) if words else 1.0,
        ]
    )


def _share(weights: dict[str, float], text: str) -> float:
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in text) / total if total > 0 else 0.0


@dataclass(frozen=True)
class Logistic:
    """A logistic regression over standardised features: `sigmoid(w · (x - mean) / scale + bias)`."""

    features: tuple[str, ...]
    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray

    def logit(self, rows: np.ndarray) -> np.ndarray:
        return ((rows - self.mean) / self.scale) @ self.weights + self.bias

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "weights": [float(w) for w in self.weights],
            "bias": self.bias,
            "mean": [float(m) for m in self.mean],
            "scale": [float(s) for s in self.scale],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], expected: tuple[str, ...], where: Path) -> Logistic:
        if tuple(data["features"]) != expected:
            raise ModelError(
                f"{where} was trained on features {data['features']}, this code computes {list(expected)}; "
                "retrain it: python bench/train_crosslingual.py"
            )
        return cls(
            expected,
            np.asarray(data["weights"], dtype=np.float64),
            float(data["bias"]),
            np.asarray(data["mean"], dtype=np.float64),
            np.asarray(data["scale"], dtype=np.float64),
        )


@dataclass(frozen=True)
class CrossModel:
    """The sentence ranker, the answerability model and the abstention threshold, from one JSON file."""

    ranker: Logistic
    answerable: Logistic
    threshold: float  # abstain when the answerability probability is below this


@functools.cache
def load_model(path: Path = MODEL_PATH) -> CrossModel:
    """Read the cross-language model and check that its features are the ones this module computes."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return CrossModel(
            Logistic.from_dict(data["ranker"], CANDIDATE_FEATURES, path),
            Logistic.from_dict(data["answerable"], LIST_FEATURES, path),
            float(data["threshold"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"cannot read {path}: {exc}; rebuild it: python bench/train_crosslingual.py") from None


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))
