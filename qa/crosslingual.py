"""Questions not written in Chinese: a multilingual embedder matches them to the Chinese passages and sentences.

The lexical path reads Chinese characters, so an English question (`How many secondary vocational schools
passed the standardisation acceptance?`) finds nothing there. Here the question and the chunks are embedded by
one multilingual model; the answer is still the cited Chinese sentence, with one line saying how it was matched,
and the refusal is written in English. `QA.ask` builds a `CrossLingual` on the first such question (encoding
every chunk once) and keeps it; the Chinese path never imports this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from qa.answering.candidates import Candidate, candidates
from qa.chunking import indexed_text
from qa.embedding import Embedder, multilingual_embedder
from qa.script import in_script_of
from qa.types import Answer, Chunk, Citation, Document, Passage

TOP_K = 5  # passages read, as on the Chinese path
NEIGHBOURS = 2  # chunks on each side of the best passage also read (as `qa.api.NEIGHBOURS`)
# Answer only when the best sentence's cosine with the question reaches this. Chosen by
# `bench/crosslingual.py --fit` on eval/english.jsonl with a stated rule: the highest threshold that still
# answers at least 95% of the answerable English questions.
THRESHOLD = 0.19
# A sentence's score is its own cosine plus this share of its passage's: the passage's other sentences
# tell what the sentence is about (`市级重点建设专业30个` alone does not say whose majors).
PASSAGE_WEIGHT = 0.5
MATCHED = "（问题不是中文，按语义跨语言匹配）"
MATCHED_ENGLISH = "（问题为英文，按语义跨语言匹配）"
# A question needs two words outside markup to be matched: `<script>alert(1)</script>` says nothing to embed,
# and any text has some cosine with some sentence. Scripts written without spaces (Chinese, Japanese, Thai)
# count a word per two characters.
MIN_WORDS = 2
_MARKUP = re.compile(r"<[^>]*>")
_LETTERS = re.compile(r"[^\W\d_]+")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")
REFUSAL = {
    "信中": "The letter does not answer this question. The closest passages are below, for reference.",
    "文中": "The documents do not answer this question. The closest passages are below, for reference.",
}


def words(text: str) -> int:
    """Roughly how many words `text` has outside markup (`Who is 王素梅?`: 3; `alert`: 1)."""
    count = 0
    for run in _LETTERS.findall(_MARKUP.sub(" ", text)):
        unspaced = len(_UNSPACED.findall(run))
        count += unspaced // 2 + (len(run) - unspaced >= 2)
    return count


@dataclass
class CrossLingual:
    """Chunk vectors from a multilingual embedder, and the sentence vectors encoded so far."""

    chunks: Sequence[Chunk]
    document: Callable[[str], Document]
    embedder: Embedder
    vectors: np.ndarray = field(repr=False)
    where: str = "信中"
    threshold: float = THRESHOLD
    passage_weight: float = PASSAGE_WEIGHT
    _sentences: dict[tuple[str, int, int], np.ndarray] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.vectors.shape != (len(self.chunks), self.embedder.dim):
            raise ValueError(
                f"{self.vectors.shape} vectors for {len(self.chunks)} chunks of dimension {self.embedder.dim}"
            )

    @classmethod
    def build(
        cls,
        chunks: Sequence[Chunk],
        document: Callable[[str], Document],
        where: str = "信中",
        embedder: Embedder | None = None,
    ) -> CrossLingual:
        """Encode every chunk (as the retrievers index it) with `embedder`, by default the multilingual one."""
        embedder = embedder or multilingual_embedder()
        texts = [indexed_text(c, document(c.doc_id)) for c in chunks]
        return cls(chunks, document, embedder, embedder.encode_documents(texts), where)

    def retrieve(self, question: str, k: int = TOP_K) -> list[Passage]:
        """The `k` chunks nearest to `question`, best first, scored by cosine."""
        return self._nearest(self.embedder.encode_queries([question])[0], k)

    def _nearest(self, query: np.ndarray, k: int) -> list[Passage]:
        if not self.chunks:
            return []
        scores = self.vectors @ query
        order = np.argsort(-scores, kind="stable")[:k]
        return [Passage.of(self.chunks[i], float(scores[i]), dense_score=float(scores[i])) for i in order]

    def answer(self, question: str) -> Answer:
        """The Chinese sentence nearest to `question` among the top passages, cited, or a refusal in English."""
        if words(question) < MIN_WORDS:
            return self._refuse(question, [], None)
        query = self.embedder.encode_queries([question])[0]
        passages = self._nearest(query, TOP_K)
        found = candidates(passages, self._neighbours(passages), self.document)
        if not found:
            return self._refuse(question, passages, None)
        scores = self.score(query, found, passages)
        best = int(np.argmax(scores))
        confidence = float(scores[best])
        if confidence < self.threshold:
            return self._refuse(question, passages, confidence)
        chosen = found[best]
        doc = self.document(chosen.doc_id)
        span = chosen.span
        citation = Citation(
            doc.doc_id, span.start, span.end, doc.text[span.start : span.end], chosen.section, doc.page_at(span.start)
        )
        matched = MATCHED_ENGLISH if question.isascii() else MATCHED
        body = citation.text.rstrip("。；;，,：:")
        text = f"{body}[1]。\n{in_script_of(matched, citation.text)}"
        return Answer(question, text, (citation,), tuple(passages), False, confidence=confidence)

    def score(self, query: np.ndarray, found: Sequence[Candidate], passages: Sequence[Passage]) -> np.ndarray:
        """Each candidate's cosine with the query plus `passage_weight` times its passage's (0 for a neighbour)."""
        own = self._sentence_vectors(found) @ query
        by_rank = [p.score for p in passages]
        context = np.array([by_rank[c.rank] if c.rank < len(by_rank) else 0.0 for c in found], dtype=np.float32)
        return own + self.passage_weight * context

    def _sentence_vectors(self, found: Sequence[Candidate]) -> np.ndarray:
        """Vectors of the candidates' sentences; each sentence is encoded once per process and kept."""
        keys = [(c.doc_id, c.span.start, c.span.end) for c in found]
        new = list(dict.fromkeys(k for k in keys if k not in self._sentences))
        if new:
            texts = [self.document(d).text[s:e] for d, s, e in new]
            self._sentences.update(zip(new, self.embedder.encode_documents(texts), strict=True))
        return np.stack([self._sentences[k] for k in keys])

    def _neighbours(self, passages: Sequence[Passage]) -> list[Passage]:
        """Chunks beside the best passage in its document (an answer often sits one chunk over)."""
        if not passages:
            return []
        top = passages[0]
        at = next(i for i, c in enumerate(self.chunks) if (c.doc_id, c.start) == (top.doc_id, top.start))
        seen = {(p.doc_id, p.start) for p in passages}
        near = self.chunks[max(0, at - NEIGHBOURS) : at + NEIGHBOURS + 1]
        return [Passage.of(c, 0.0) for c in near if c.doc_id == top.doc_id and (c.doc_id, c.start) not in seen]

    def _refuse(self, question: str, passages: Sequence[Passage], confidence: float | None) -> Answer:
        text = REFUSAL.get(self.where, REFUSAL["文中"])
        return Answer(question, text, (), tuple(passages), abstained=True, confidence=confidence)


__all__ = ["CrossLingual"]
