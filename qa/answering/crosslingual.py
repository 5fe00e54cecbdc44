"""Questions not written in Chinese: matched to the Chinese sentences by a multilingual encoder and a dictionary.

The lexical path reads Chinese characters, so an English question (`How many secondary vocational schools
passed the standardisation acceptance?`) finds nothing there. Here two signals meet: the multilingual
Universal Sentence Encoder embeds the question, the chunks and the candidate sentences; CC-CEDICT turns the
question's English words into the collection's Chinese words (`acceptance` → 验收, `standardisation` →
标准化), which BM25 and word matches read. Passages are the chunks ranked by both (reciprocal-rank fusion);
a learned model (`qa/models/crosslingual.json`, fitted by `bench/train_crosslingual.py`) picks the sentence
and says whether to answer at all. A question about the letter itself (`Who is this reply addressed to?`)
is answered from its structure, as on the Chinese path. The answer is still the cited Chinese sentence, with
one line saying how it was matched; the refusal is in English. `QA.ask` builds a `CrossLingual` on the first
such question (encoding every chunk once) and keeps it; the Chinese path never imports this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from qa.answering.answer import answer_meta
from qa.answering.candidates import NEIGHBOUR, Candidate, candidates
from qa.answering.crosslingual_features import (
    CrossModel,
    Signals,
    candidate_matrix,
    chinese_asking,
    list_vector,
    load_model,
    sigmoid,
)
from qa.answering.kinds import chinese_number
from qa.chunking import indexed_text
from qa.dictionary import Dictionary, Translation
from qa.embedding import Embedder, multilingual_embedder
from qa.lexical import LexicalIndex
from qa.script import in_script_of
from qa.types import Answer, Chunk, Citation, Document, Passage

TOP_K = 5  # passages read, as on the Chinese path
NEIGHBOURS = 2  # chunks on each side of the best passage also read (as `qa.api.NEIGHBOURS`)
RRF_K = 60  # reciprocal-rank fusion's usual constant: a chunk's fused score is Σ 1/(60 + rank) over the two rankings
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
# Questions about the letter itself, a row each: the intent `qa.answering.answer.answer_meta` answers, and
# the English that asks for it. Each names the reply or letter, so `On what date were the agreements
# signed?` is not read as asking for the letter's date.
_LETTER = r"(?:reply|letter|response)"
META: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("addressee", re.compile(rf"\b{_LETTER}\b.*\b(?:addressed|written|sent) to\b|\bto whom\b.*\b{_LETTER}\b", re.I)),
    (
        "sender",
        re.compile(
            rf"\b(?:which|what) (?:organi[sz]ation|department|office|bureau|unit|body)\b.*\b(?:wrote|issued|sent|made|gave|signed)\b.*\b{_LETTER}\b"
            rf"|\bwho (?:wrote|issued|sent|signed)\b.*\b{_LETTER}\b",
            re.I,
        ),
    ),
    (
        "date",
        re.compile(
            rf"\bdate\b.*\b{_LETTER}\b|\b{_LETTER}\b.*\b(?:dated|date)\b|\bwhen was\b.*\b{_LETTER}\b.*\b(?:written|signed|sent|issued)\b",
            re.I,
        ),
    ),
    (
        "proposal",
        re.compile(rf"\b(?:which|what) proposal\b.*\b{_LETTER}\b|\b{_LETTER}\b.*\b(?:which|what) proposal\b", re.I),
    ),
    (
        "section",
        re.compile(
            rf"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final) (?:part|section)\b.*\b{_LETTER}\b",
            re.I,
        ),
    ),
)
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def words(text: str) -> int:
    """Roughly how many words `text` has outside markup (`Who is 王素梅?`: 3; `alert`: 1)."""
    count = 0
    for run in _LETTERS.findall(_MARKUP.sub(" ", text)):
        unspaced = len(_UNSPACED.findall(run))
        count += unspaced // 2 + (len(run) - unspaced >= 2)
    return count


def meta_intent(question: str) -> str | None:
    """Which question about the letter itself an English question is (`META`), or None."""
    return next((intent for intent, pattern in META if pattern.search(question)), None)


@dataclass(frozen=True)
class Reading:
    """One question read against the collection: its passages, candidate sentences, their features and scores."""

    translation: Translation
    passages: list[Passage]
    candidates: list[Candidate]
    rows: np.ndarray = field(repr=False)
    scores: np.ndarray = field(repr=False)  # the ranker's logit per candidate
    answerable: np.ndarray = field(repr=False)  # `LIST_FEATURES` of the list
    probability: float | None  # that the documents answer; None when there is no candidate
    signals: Signals | None = field(default=None, repr=False)
    bound: float = 0.0  # the most BM25 could score the translated query here


@dataclass
class CrossLingual:
    """Chunk vectors from a multilingual embedder, the BM25 index, the dictionary and the learned model."""

    chunks: Sequence[Chunk]
    document: Callable[[str], Document]
    embedder: Embedder
    vectors: np.ndarray = field(repr=False)
    lexical: LexicalIndex = field(repr=False)
    where: str = "信中"
    threshold: float | None = None  # None: the one chosen on validation (the model card's)
    model: CrossModel = field(default_factory=load_model, repr=False)
    _dictionary: Dictionary | None = field(default=None, repr=False)
    _sentences: dict[tuple[str, int, int], np.ndarray] = field(default_factory=dict, repr=False)
    _at: dict[tuple[str, int], int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.vectors.shape != (len(self.chunks), self.embedder.dim):
            raise ValueError(
                f"{self.vectors.shape} vectors for {len(self.chunks)} chunks of dimension {self.embedder.dim}"
            )
        if self.lexical.size != len(self.chunks):
            raise ValueError(f"a BM25 index of {self.lexical.size} texts for {len(self.chunks)} chunks")
        self._at = {(c.doc_id, c.start): i for i, c in enumerate(self.chunks)}

    @classmethod
    def build(
        cls,
        chunks: Sequence[Chunk],
        document: Callable[[str], Document],
        where: str = "信中",
        embedder: Embedder | None = None,
        lexical: LexicalIndex | None = None,
        model: CrossModel | None = None,
    ) -> CrossLingual:
        """Encode every chunk (as the retrievers index it) with `embedder`, by default the multilingual one;
        without `lexical`, a BM25 index of the same texts is made here; `model` defaults to the shipped one."""
        embedder = embedder or multilingual_embedder()
        texts = [indexed_text(c, document(c.doc_id)) for c in chunks]
        lexical = lexical or LexicalIndex(texts, corpus=lambda: "\n".join(texts))
        vectors = embedder.encode_documents(texts)
        return cls(chunks, document, embedder, vectors, lexical, where, model=model or load_model())

    @property
    def dictionary(self) -> Dictionary:
        if self._dictionary is None:
            self._dictionary = Dictionary.for_collection(self.lexical)
        return self._dictionary

    def retrieve(self, question: str, k: int = TOP_K) -> list[Passage]:
        """The `k` chunks ranked best by cosine and by BM25 of the translated question together."""
        query = self.embedder.encode_queries([question])[0]
        return self._ranked(query, self.dictionary.translate(question))[0][:k]

    def _ranked(self, query: np.ndarray, translation: Translation) -> tuple[list[Passage], np.ndarray, np.ndarray]:
        """Every chunk in fused order (as passages), with every chunk's cosine and BM25 score."""
        if not self.chunks:
            return [], np.zeros(0), np.zeros(0)
        cosine = self.vectors @ query
        bm25 = self.lexical.scores(translation.text) if translation.text else np.zeros(len(self.chunks))
        fused = np.zeros(len(self.chunks))
        for scores in (cosine, bm25):
            if scores.max() > 0:  # BM25 is all zeros when no translated word is indexed: no ranking to fuse
                fused += 1.0 / (RRF_K + _ranks(scores))
        order = np.argsort(-fused, kind="stable")[: TOP_K * 4]
        passages = [
            Passage.of(self.chunks[i], float(fused[i]), lexical_score=float(bm25[i]), dense_score=float(cosine[i]))
            for i in order
        ]
        return passages, cosine, bm25

    def read(self, question: str) -> Reading:
        """Translate, retrieve and score the candidate sentences; no threshold is applied here."""
        translation = self.dictionary.translate(question)
        query = self.embedder.encode_queries([question])[0]
        ranked, cosine, bm25 = self._ranked(query, translation)
        passages = ranked[:TOP_K]
        neighbours = self._neighbours(passages)
        found = candidates(passages, neighbours, self.document)
        if not found:
            return Reading(translation, passages, [], np.zeros((0, 0)), np.zeros(0), np.zeros(0), None)
        chunk_of = [self._chunk_of(c, passages, neighbours) for c in found]
        use_rank = _ranks(cosine)
        bm25_rank = _ranks(bm25) if bm25.max() > 0 else np.full(len(bm25), len(bm25))
        asked = chinese_asking(question)
        signals = Signals(
            translation=translation,
            asked=asked,
            use_sentence=self._sentence_vectors(found) @ query,
            use_chunk=cosine[chunk_of],
            bm25_chunk=bm25[chunk_of],
            use_rank=use_rank[chunk_of].astype(np.float64),
            bm25_rank=bm25_rank[chunk_of].astype(np.float64),
            zh_ranker=self._chinese_ranker(asked, translation, found),
            chunk_text=[self.chunks[i].text for i in chunk_of],
        )
        rows = candidate_matrix(found, signals)
        scores = self.model.ranker.logit(rows)
        bound = self.lexical.upper_bound(translation.text) if translation.text else 0.0
        vector = list_vector(question, rows, scores, signals, bound)
        probability = sigmoid(float(self.model.answerable.logit(vector.reshape(1, -1))[0]))
        return Reading(translation, passages, found, rows, scores, vector, probability, signals, bound)

    def answer(self, question: str) -> Answer:
        """The best Chinese sentence by the learned model, cited, or a refusal in English."""
        if words(question) < MIN_WORDS:
            return self._refuse(question, [], None)
        intent = meta_intent(question)
        if intent is not None and (meta := self._meta(question, intent)) is not None:
            return meta
        reading = self.read(question)
        if reading.probability is None:
            return self._refuse(question, reading.passages, None)
        threshold = self.model.threshold if self.threshold is None else self.threshold
        if reading.probability < threshold:
            return self._refuse(question, reading.passages, reading.probability)
        chosen = reading.candidates[int(np.argmax(reading.scores))]
        doc = self.document(chosen.doc_id)
        span = chosen.span
        citation = Citation(
            doc.doc_id, span.start, span.end, doc.text[span.start : span.end], chosen.section, doc.page_at(span.start)
        )
        body = citation.text.rstrip("。；;，,：:")
        text = f"{body}[1]。\n{self._matched(question, citation.text)}"
        passages = _first(reading.passages, chosen)
        return Answer(question, text, (citation,), tuple(passages), False, confidence=reading.probability)

    def _meta(self, question: str, intent: str) -> Answer | None:
        """A question about the letter itself, answered from its structure as the Chinese path does."""
        passages = self.retrieve(question)
        if not passages:
            return None
        doc = self.document(passages[0].doc_id)
        chinese = ""
        if intent == "section":
            m = META[-1][1].search(question)
            word = m.group(1).lower() if m else ""
            numbers = [chinese_number(h.title) for h in doc.structure.headings if h.level == 1]
            number = max(numbers, default=0) if word in ("last", "final") else _ORDINALS.index(word) + 1
            chinese = f"第{number}部分"
        answer = answer_meta(chinese or question, intent, doc, passages)
        if answer is None:
            return None
        return replace(answer, question=question, text=f"{answer.text}\n{self._matched(question, answer.text)}")

    def _chinese_ranker(self, asked: str, translation: Translation, found: Sequence[Candidate]) -> np.ndarray:
        """The Chinese ranker's score of each candidate for the translated question (its words and kinds)."""
        if not translation.terms:
            return np.zeros(len(found))
        from qa.answering.features import candidate_matrix as chinese_matrix
        from qa.answering.models import load_models
        from qa.answering.query import analyse

        pseudo = analyse(f"{asked} {translation.text}", self.lexical)
        return np.asarray(load_models().rank(chinese_matrix(pseudo, found)), dtype=np.float64)

    def _chunk_of(self, cand: Candidate, passages: Sequence[Passage], neighbours: Sequence[Passage]) -> int:
        """The index of the chunk a candidate sentence was read from."""
        if cand.rank != NEIGHBOUR:
            p = passages[cand.rank]
        else:
            p = next(n for n in neighbours if n.doc_id == cand.doc_id and n.start <= cand.span.start < n.end)
        return self._at[(p.doc_id, p.start)]

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
        at = self._at[(top.doc_id, top.start)]
        seen = {(p.doc_id, p.start) for p in passages}
        near = self.chunks[max(0, at - NEIGHBOURS) : at + NEIGHBOURS + 1]
        return [Passage.of(c, 0.0) for c in near if c.doc_id == top.doc_id and (c.doc_id, c.start) not in seen]

    def _matched(self, question: str, cited: str) -> str:
        return in_script_of(MATCHED_ENGLISH if question.isascii() else MATCHED, cited)

    def _refuse(self, question: str, passages: Sequence[Passage], confidence: float | None) -> Answer:
        text = REFUSAL.get(self.where, REFUSAL["文中"])
        return Answer(question, text, (), tuple(passages), abstained=True, confidence=confidence)


def _ranks(scores: np.ndarray) -> np.ndarray:
    """0-based rank of every entry of `scores`, highest first."""
    ranks = np.empty(len(scores), dtype=np.int64)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(len(scores))
    return ranks


def _first(passages: Sequence[Passage], chosen: Candidate) -> list[Passage]:
    """The passages with the one the answer was read from first (unchanged when it is a neighbour)."""
    at = next(
        (i for i, p in enumerate(passages) if p.doc_id == chosen.doc_id and p.start <= chosen.span.start < p.end), 0
    )
    return [passages[at], *passages[:at], *passages[at + 1 :]]


__all__ = ["CrossLingual", "Reading", "meta_intent", "words"]
