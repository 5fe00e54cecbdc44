"""Retrieval: BM25 over character n-grams, dense search, and their fusion, pinned with fake embedders."""

from __future__ import annotations

import numpy as np
import pytest
from fakes import FakeEmbedder, FixedEmbedder

from qa.lexical import LexicalIndex, bigrams, tokenize
from qa.retrieval import DenseIndex, Retriever
from qa.types import Chunk

TEXTS = ["郑州市共有41所中职学校通过验收。", "省级专业技能工作室9个。", "考察组赴南京、武汉、广州三地。"]


def _chunks(texts: list[str]) -> list[Chunk]:
    return [Chunk("d.txt", i * 100, i * 100 + len(t), t, "s") for i, t in enumerate(texts)]


def test_tokenizer_makes_unigrams_bigrams_and_keeps_ascii_words_whole() -> None:
    assert tokenize("中职学校 AI 41所") == ["中", "职", "学", "校", "中职", "职学", "学校", "ai", "41", "所"]
    assert bigrams("中职学校") == ["中职", "职学", "学校"]


def test_bm25_finds_chinese_without_word_segmentation() -> None:
    retriever = Retriever(_chunks(TEXTS), LexicalIndex(TEXTS))
    assert retriever.retrieve("中职学校有多少所", k=1)[0].text == TEXTS[0]
    assert retriever.retrieve("去了哪些城市考察", k=1)[0].text == TEXTS[2]


def test_lexical_only_returns_nothing_for_unknown_tokens() -> None:
    retriever = Retriever(_chunks(TEXTS), LexicalIndex(TEXTS))
    assert retriever.retrieve("xyz", k=3) == []


def test_occurs_and_holds_answer_right_while_the_kept_answers_are_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    import qa.lexical

    monkeypatch.setattr(qa.lexical, "OCCURS_KEPT", 2)
    index = LexicalIndex(TEXTS)
    for _ in range(3):  # each string asked again after the kept answers were cleared
        assert index.occurs("中职学校") and index.occurs("南京、武汉")
        assert not index.occurs("技工院校") and not index.occurs("41所技")
        assert index.holds("技能工作室") and index.holds("学校") and not index.holds("院校")
    assert len(index._seen) <= 2
    split = LexicalIndex(["学校通过验收。", "验收学校。"])
    assert not split.holds("通过验收学校"), "each of its bigrams occurs, the word nowhere"


def test_rrf_puts_the_chunk_both_rankers_like_first() -> None:
    # Lexical prefers chunk 1 for "工作室", dense is scripted to prefer chunk 1 too, then chunk 2.
    table = {TEXTS[0]: [1.0, 0.0, 0.0], TEXTS[1]: [0.0, 1.0, 0.0], TEXTS[2]: [0.0, 0.7, 0.7], "工作室": [0.0, 1.0, 0.1]}
    embedder = FixedEmbedder(table)
    dense = DenseIndex(embedder.encode_documents(TEXTS))
    retriever = Retriever(_chunks(TEXTS), LexicalIndex(TEXTS), dense, embedder)
    passages = retriever.retrieve("工作室", k=3)
    assert [p.text for p in passages][:2] == [TEXTS[1], TEXTS[2]]
    assert passages[0].lexical_score and passages[0].lexical_score > 0
    assert passages[0].dense_score == pytest.approx(float(table["工作室"][1] / np.linalg.norm(table["工作室"])), 1e-5)


def test_dense_alone_can_surface_a_chunk_with_no_shared_words() -> None:
    table = {TEXTS[0]: [1.0, 0.0], TEXTS[1]: [0.0, 1.0], TEXTS[2]: [0.6, 0.8], "人才": [0.0, 1.0]}
    embedder = FixedEmbedder(table)
    retriever = Retriever(_chunks(TEXTS), LexicalIndex(TEXTS), DenseIndex(embedder.encode_documents(TEXTS)), embedder)
    texts = [p.text for p in retriever.retrieve("人才", k=3)]
    assert texts[0] == TEXTS[1], "no chunk shares a character with 人才: only dense similarity can rank"


def test_a_question_asked_again_is_encoded_once_while_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    table = {TEXTS[0]: [1.0, 0.0], TEXTS[1]: [0.0, 1.0], TEXTS[2]: [0.6, 0.8], "人才": [0.0, 1.0], "验收": [1.0, 0.0]}
    embedder = FixedEmbedder(table)
    retriever = Retriever(_chunks(TEXTS), LexicalIndex(TEXTS), DenseIndex(embedder.encode_documents(TEXTS)), embedder)
    encoded: list[str] = []
    encode = embedder.encode_queries
    monkeypatch.setattr(embedder, "encode_queries", lambda texts: encoded.extend(texts) or encode(texts))
    first = [p.text for p in retriever.retrieve("人才", k=3)]
    assert [p.text for p in retriever.retrieve("人才", k=3)] == first and encoded == ["人才"]
    monkeypatch.setattr("qa.retrieval.QUERY_VECTORS_KEPT", 1)
    retriever.retrieve("验收", k=3)
    retriever.retrieve("人才", k=3)
    assert encoded == ["人才", "验收", "人才"], "past the bound the kept vectors are forgotten, and encoded again"


def test_weighted_fusion_uses_z_scores_so_a_clear_winner_outvotes_a_flat_ranker() -> None:
    # Dense is scripted flat (all chunks equally similar): the lexical winner must stay first.
    table = {TEXTS[0]: [1.0, 0.0], TEXTS[1]: [1.0, 0.0], TEXTS[2]: [1.0, 0.0], "省级专业技能工作室": [1.0, 0.0]}
    embedder = FixedEmbedder(table)
    dense = DenseIndex(embedder.encode_documents(TEXTS))
    retriever = Retriever(_chunks(TEXTS), LexicalIndex(TEXTS), dense, embedder, fusion="weighted", dense_weight=5.0)
    assert retriever.retrieve("省级专业技能工作室", k=3)[0].text == TEXTS[1]
    # With lexical flat (no shared token), the dense winner decides.
    table = {TEXTS[0]: [1.0, 0.0], TEXTS[1]: [0.0, 1.0], TEXTS[2]: [0.5, 0.5], "人才": [0.0, 1.0]}
    embedder = FixedEmbedder(table)
    dense = DenseIndex(embedder.encode_documents(TEXTS))
    retriever = Retriever(_chunks(TEXTS), LexicalIndex(TEXTS), dense, embedder, fusion="weighted", dense_weight=0.1)
    assert retriever.retrieve("人才", k=3)[0].text == TEXTS[1]


def test_rescue_fusion_keeps_bm25_order_and_adds_the_dense_best_it_missed() -> None:
    texts = [f"第{i}段讲工作室的事。" if i < 4 else f"第{i}段别的话题。" for i in range(8)]
    table = {t: [1.0, 0.0] for t in texts} | {texts[7]: [0.0, 1.0], "工作室": [0.0, 1.0]}
    embedder = FixedEmbedder(table)
    dense = DenseIndex(embedder.encode_documents(texts))
    retriever = Retriever(_chunks(texts), LexicalIndex(texts), dense, embedder, fusion="rescue")
    got = [p.text for p in retriever.retrieve("工作室", k=5)]
    assert got[-1] == texts[7] or got[-2] == texts[7]
    assert all("工作室" in t for t in got[:3])


def test_dense_index_and_embedder_come_together() -> None:
    with pytest.raises(ValueError, match="together"):
        Retriever(_chunks(TEXTS), LexicalIndex(TEXTS), dense=None, embedder=FakeEmbedder())


def test_top_matches_a_stable_sort_ties_included() -> None:
    from qa.retrieval import top

    rng = np.random.default_rng(7)
    for _ in range(200):
        scores = rng.integers(0, 4, size=int(rng.integers(1, 120))).astype(np.float32)
        n = int(rng.integers(1, 60))
        assert top(scores, n).tolist() == np.argsort(-scores, kind="stable")[:n].tolist()


def test_the_streamed_bm25_matrix_scores_as_bm25s_does(letter_text: str) -> None:
    """`LexicalIndex` makes bm25s's score matrix itself, a text at a time, to spare memory: same scores."""
    import bm25s

    from qa.lexical import tokenize

    texts = [line for line in letter_text.splitlines() if line.strip()] + ["", "ASCII words only", "！？"]
    ours = LexicalIndex(texts)
    reference = bm25s.BM25()
    reference.index([tokenize(t) or ["\u2205"] for t in texts], show_progress=False)
    for query in ("郑州市有多少所中职学校通过了标准化建设工程验收？", "宇通 订单班", "words", "产教融合"):
        tokens = [t for t in tokenize(query) if t in reference.vocab_dict]
        expected = reference.get_scores(tokens) if tokens else np.zeros(len(texts))
        assert np.allclose(ours.scores(query), expected, atol=1e-5), query
    assert ours.df("郑州") == sum("郑州" in t for t in texts)
