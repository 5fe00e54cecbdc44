"""Lexical index: BM25 (bm25s) over Chinese character unigrams and bigrams plus whole ASCII words."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

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


K1, B = 1.5, 0.75


def score_arrays(texts: Sequence[str]) -> tuple[dict[str, Any], dict[str, int]]:
    """bm25s's sparse score matrix (CSC: a column of BM25 weights per token), made one text at a time.

    The same numbers as `bm25s.BM25().index(...)` (checked to float precision in tests/test_retrieval.py),
    without holding a list of every token of every text: that list is ~20 GB at a million chunks, this ~8 GB
    at its peak (measured by bench/ann.py).
    """
    vocab: dict[str, int] = {}
    terms, counts = [], []
    lengths = np.empty(len(texts), dtype=np.float32)
    distinct = np.empty(len(texts), dtype=np.int64)
    for i, text in enumerate(texts):
        tokens = tokenize(text) or ["\u2205"]
        ids = np.fromiter((vocab.setdefault(t, len(vocab)) for t in tokens), dtype=np.int32, count=len(tokens))
        unique, tf = np.unique(ids, return_counts=True)
        terms.append(unique)
        counts.append(tf.astype(np.float32))
        lengths[i], distinct[i] = len(tokens), len(unique)
    term = np.concatenate(terms) if terms else np.zeros(0, dtype=np.int32)
    weight = np.concatenate(counts) if counts else np.zeros(0, dtype=np.float32)
    del terms, counts
    n, size = len(texts), len(vocab)
    df = np.bincount(term, minlength=size)
    idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)  # bm25s's "lucene" idf
    norm = (K1 * (1 - B + B * lengths / max(float(lengths.mean()) if n else 1.0, 1e-9))).astype(np.float32)
    doc = np.repeat(np.arange(n, dtype=np.int32), distinct)
    weight /= norm[doc] + weight
    weight *= idf[term]
    order = np.argsort(term, kind="stable")  # by token, texts ascending within each: compressed sparse columns
    del term
    scores = {
        "data": weight[order],
        "indices": doc[order],
        "indptr": np.concatenate([[0], np.cumsum(df)]).astype(np.int64),
        "num_docs": n,
    }
    return scores, vocab


_HAN_TAIL = re.compile(r"[\u4e00-\u9fff]*$")  # the Chinese characters a stretch of text ends with
OCCURS_KEPT = 4096  # strings whose `LexicalIndex.occurs` answer is kept


class LexicalIndex:
    """BM25 over a fixed list of texts; also knows each token's document frequency for IDF weights.

    Built from the texts, or loaded (memory-mapped) from a folder `save` wrote. `corpus` gives the texts
    joined, for `occurs`; it is asked for only when `occurs` first runs.
    """

    def __init__(self, texts: Sequence[str], corpus: Callable[[], str] | None = None) -> None:
        import bm25s

        bm25 = bm25s.BM25(k1=K1, b=B)  # Lucene BM25, bm25s's default
        bm25.scores, bm25.vocab_dict = score_arrays(texts)
        bm25.nonoccurrence_array = None
        self._setup(bm25, len(texts), corpus or (lambda: "\n".join(texts)))

    def _setup(self, bm25: bm25s.BM25, size: int, corpus: Callable[[], str]) -> None:
        self._bm25 = bm25
        self.size = size
        self._corpus = corpus
        self._joined: str | None = None
        self._seen: dict[str, bool] = {}  # `occurs`' answers, kept so a question's analysis scans once per string
        self._before: dict[tuple[str, int, int], list[str]] = {}  # `said_before`'s answers, kept as `occurs`' are
        self._said: dict[tuple[str, int, int], list[str]] = {}  # `said`'s answers, by pattern, flags and `most`
        self._vocab: dict[str, int] = bm25.vocab_dict
        # Document frequencies are the column lengths of bm25s's sparse score matrix (one column per token).
        self._dfs = np.diff(bm25.scores["indptr"])

    @property
    def bm25(self) -> bm25s.BM25:
        """The bm25s index: its weight matrix (`scores`, one column per token id in `vocab_dict`) is what a
        Milvus collection stores as sparse vectors."""
        return self._bm25

    def save(self, folder: Path) -> None:
        """Write the index with bm25s's own format (NumPy arrays and JSON, no pickle)."""
        self._bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, size: int, corpus: Callable[[], str]) -> LexicalIndex:
        """The index `save` wrote, its arrays memory-mapped; ValueError when it does not fit `size` texts."""
        import bm25s

        bm25 = bm25s.BM25.load(str(folder), mmap=True, show_progress=False, verbosity=0)
        scores = bm25.scores
        indptr = scores["indptr"]
        if scores.get("num_docs") != size or len(indptr) not in (len(bm25.vocab_dict), len(bm25.vocab_dict) + 1):
            raise ValueError(f"{folder} indexes {scores.get('num_docs')} texts, not {size}")
        if int(indptr[-1]) != len(scores["data"]) or len(scores["data"]) != len(scores["indices"]):
            raise ValueError(f"{folder} has arrays of mismatched lengths")
        index = cls.__new__(cls)
        index._setup(bm25, size, corpus)
        return index

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

    def holds(self, word: str) -> bool:
        """Whether some indexed text holds `word`: its bigrams are looked up first (a dictionary lookup each), so
        the texts are scanned only for a word they likely hold."""
        if len(word) <= 2:
            return self.df(word) > 0
        return all(self.df(word[i : i + 2]) > 0 for i in range(len(word) - 1)) and self.occurs(word)

    def occurs(self, text: str) -> bool:
        """Whether `text` occurs verbatim in one of the indexed texts.

        Each answer is kept (up to `OCCURS_KEPT` strings, then forgotten all at once): rewriting a question and
        reading its details and the noun it asks for check the same strings, and on a large collection a string
        it lacks costs a scan of every text.
        """
        if not text:
            return False
        known = self._seen.get(text)
        if known is not None:
            return known
        if len(self._seen) >= OCCURS_KEPT:
            self._seen.clear()
        found = self._seen[text] = text in self._text()
        return found

    def _text(self) -> str:
        """Every indexed text, joined once on first use."""
        if self._joined is None:
            self._joined = self._corpus()
        return self._joined

    def said_before(self, text: str, reach: int, most: int = 8) -> list[str]:
        """The distinct strings the indexed texts say as up to `reach` Chinese characters and then `text`
        (`郑州财税金融职业学院` for `财税金融职业学院`), in order of first occurrence, at most `most`.

        A search for `text` itself, then a look back from each place it occurs: a pattern opening with the characters
        before it would be tried at every position of every text. Each answer is kept, as `occurs`' are."""
        key = (text, reach, most)
        known = self._before.get(key)
        if known is not None:
            return known
        if len(self._before) >= OCCURS_KEPT:
            self._before.clear()
        joined, at = self._text(), 0
        found: dict[str, None] = {}
        while text and len(found) < most and (at := joined.find(text, at)) >= 0:
            tail = _HAN_TAIL.search(joined, max(0, at - reach), at)
            found.setdefault((tail.group() if tail else "") + text, None)
            at += len(text)
        self._before[key] = list(found)
        return self._before[key]

    def said(self, pattern: re.Pattern[str], most: int = 8) -> list[str]:
        """The distinct strings the indexed texts say that `pattern` matches, in order of first occurrence, at most
        `most` (a scan of every text: for a question's rare reading, as `occurs` is). Each answer is kept, as `occurs`'
        are: rewriting a question reads the same counts several times (`_count_said`: the asked question, the resolved
        one, the words a follow-up is checked by)."""
        key = (pattern.pattern, pattern.flags, most)
        known = self._said.get(key)
        if known is not None:
            return known
        if len(self._said) >= OCCURS_KEPT:
            self._said.clear()
        found: dict[str, None] = {}
        for m in pattern.finditer(self._text()):
            found.setdefault(m.group(), None)
            if len(found) >= most:
                break
        self._said[key] = list(found)
        return self._said[key]
