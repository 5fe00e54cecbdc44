"""Lexical index: BM25 (bm25s) over Chinese character unigrams and bigrams plus whole ASCII words."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import bm25s

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK}]+|[A-Za-z]+|\d+(?:\.\d+)?")


def tokenize(text: str) -> list[str]:
    """Character unigrams and bigrams of each Chinese run; ASCII words and numbers stay whole."""
    tokens: list[str] = []
    for m in _RUNS.finditer(text):
        run = m.group(0)
        if run[0].isascii():
            tokens.append(run.lower())
            continue
        tokens.extend(run)
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tokens


def bigrams(text: str) -> list[str]:
    """The bigram tokens of `text` alone (plus ASCII words), the units term coverage is measured in."""
    out: list[str] = []
    for m in _RUNS.finditer(text):
        run = m.group(0)
        if run[0].isascii():
            out.append(run.lower())
        elif len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


class LexicalIndex:
    """BM25 over a fixed list of texts; also knows each token's document frequency for IDF weights."""

    def __init__(self, texts: Sequence[str]) -> None:
        import bm25s

        self.size = len(texts)
        self._joined = "\n".join(texts)
        corpus = [tokenize(t) or ["\u2205"] for t in texts]
        self._bm25: bm25s.BM25 = bm25s.BM25()
        self._bm25.index(corpus, show_progress=False)
        self._vocab: dict[str, int] = self._bm25.vocab_dict
        # Document frequencies are the column lengths of bm25s's sparse score matrix (one column per token).
        self._dfs = np.diff(self._bm25.scores["indptr"])

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every text for `query` (zeros when no query token is known)."""
        tokens = [t for t in tokenize(query) if t in self._vocab]
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)

    def idf(self, token: str) -> float:
        """Smoothed inverse document frequency; unseen tokens get the highest value."""
        return math.log(1.0 + (self.size + 1) / (self.df(token) + 0.5))

    def upper_bound(self, query: str) -> float:
        """The most any text could score for `query` here: BM25's limit per token, IDF × (k1 + 1).

        A score divided by it reads the same in a corpus of one letter and one of a thousand articles;
        a token no text holds counts at its full IDF, so a question about what is absent scores low.
        """
        k1 = float(self._bm25.k1)
        n = self.size
        return sum(math.log(1.0 + (n - df + 0.5) / (df + 0.5)) * (k1 + 1) for df in map(self.df, tokenize(query)))

    def df(self, token: str) -> int:
        at = self._vocab.get(token)
        return int(self._dfs[at]) if at is not None and at < len(self._dfs) else 0

    def occurs(self, text: str) -> bool:
        """Whether `text` occurs verbatim in one of the indexed texts."""
        return bool(text) and text in self._joined
