"""The page follows the collection picked: its title, hints and examples come from that collection's documents;
documents have readable names; citations from a Word file without headings say where they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa import QA
from qa.page import ChatPage
from qa.render import display_name

LETTER_WORDS = ("答复函", "这封信", "郑州", "中职", "王素梅")


@pytest.fixture
def page(tmp_path: Path) -> ChatPage:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for text in (
        "体育馆位于学校东侧，于二〇二〇年建成。",
        "体育馆的游泳池长五十米，共有十条泳道。",
        "图书馆有十万册藏书。",
    ):
        document.add_paragraph(text)
    document.save(str(tmp_path / "campus.docx"))
    QA.create("campus", [tmp_path / "campus.docx"], index_dir=tmp_path / "index", embed_model="none")
    return ChatPage(QA.from_path(index_dir=tmp_path / "index", embed_model="none"))


def test_the_letter_is_named_and_titled_from_its_own_text(page: ChatPage) -> None:
    letter = next(iter(page.bot.documents.values()))
    assert letter.doc_id.startswith("000_") and display_name(letter) == "“关于深化产教融合提升人力资源质量的提案”的答复"
    intro = page.intro(None)
    assert intro.title == "郑州市教育局答复函 · 问答" and "这封信" in intro.hint and intro.examples


def test_after_switching_no_text_names_the_letter(page: ChatPage) -> None:
    intro = page.intro("campus")
    shown = " ".join([intro.title, intro.placeholder, intro.hint, *intro.examples])
    assert "campus.docx" in intro.title and not any(word in shown for word in LETTER_WORDS)
    assert intro.examples and all("文中" in q for q in intro.examples)
    shelf = page.switch("campus")
    assert not any(word in shelf.documents + shelf.letter for word in LETTER_WORDS)


def test_citations_from_a_word_file_without_headings_say_which_paragraph(page: ChatPage) -> None:
    answer = page.reply("游泳池有几条泳道？", [], "campus")
    assert answer.citations and answer.citations[0].section == "第2段：体育馆的游泳池长五十…"
    raw = page.library.bot("campus").ask("游泳池有几条泳道？")
    assert raw.citations[0].section == "开头"  # the library's own label is unchanged
