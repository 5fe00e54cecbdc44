"""Loading structure and chunking: exact offsets, sections never crossed, headings found."""

from __future__ import annotations

import pytest

from qa.chunking import OPENING, SECTION_SEP, chunk_document, indexed_text, sentences, split_clauses
from qa.loading import detect_structure, document_from_bytes
from qa.types import Document


@pytest.fixture(scope="module")
def letter(letter_text: str) -> Document:
    return document_from_bytes(letter_text.encode("utf-8"), "letter.txt")


def test_structure_finds_addressee_proposal_date_and_headings(letter: Document) -> None:
    s = letter.structure
    assert s.addressee is not None and letter.text[s.addressee.start : s.addressee.end] == "王素梅委员"
    assert s.proposal is not None
    assert letter.text[s.proposal.start : s.proposal.end] == "关于深化产教融合提升人力资源质量的提案"
    assert s.date is not None and letter.text[s.date.start : s.date.end] == "2024年9月27日"
    level1 = [h.title for h in s.headings if h.level == 1]
    assert level1[0] == "一、持续加大政策支持力度" and level1[-1] == "七、下一步工作打算"
    assert len(level1) == 7
    # Sub-headings use ASCII brackets in this letter; both bracket styles count.
    assert any(h.level == 2 and h.title.startswith("(三)大力推进校企合作") for h in s.headings)
    assert detect_structure("（一）全角括号标题\n正文。").headings[0].level == 2


def test_addressees_under_a_title_are_found_and_the_title_stays_the_first_sentence() -> None:
    text = "青河市文化和旅游局关于开展活动的通知\n\n各县（市、区）文化和旅游局，各有关景区、旅行社：\n\n现将有关事项通知如下：\n"
    doc = document_from_bytes(text.encode("utf-8"), "notice.txt")
    s = doc.structure
    assert (
        s.addressee is not None
        and text[s.addressee.start : s.addressee.end] == "各县（市、区）文化和旅游局，各有关景区、旅行社"
    )
    assert doc.salutation_end == 0 and not doc.is_letter  # the title opens it: a 文件 spoken of by its title
    # A line announcing a list, or one under a sentence, is no addressee.
    assert detect_structure("2024年工作总结\n主要做法如下：\n一是加强领导。").addressee is None
    assert detect_structure("我局高度重视。\n各有关单位：\n请认真落实。").addressee is None


def test_a_salutation_opening_a_letter_is_skipped_as_its_first_sentence(letter: Document) -> None:
    assert letter.salutation_end == letter.text.index("委员") + 2
    # A letter that opens with its addressee is one, with no proposal quoted nor a title (`尊敬的` before the name).
    plain = document_from_bytes("尊敬的李委员:\n您的建议收悉。\n郑州市财政局\n2024年1月2日\n".encode(), "reply.txt")
    assert plain.salutation_end > 0 and plain.is_letter


def test_sender_is_inferred_from_the_body_when_unsigned(letter: Document) -> None:
    s = letter.structure
    assert s.sender is not None and letter.text[s.sender.start : s.sender.end] == "郑州市教育局"


def test_signed_letter_takes_the_signature_line() -> None:
    text = "尊敬的李委员:\n您的提案收悉。\n一、情况\n我局做了工作。\n郑州市财政局\n2024年1月2日\n"
    structure = detect_structure(text)
    assert structure.sender is not None
    assert text[structure.sender.start : structure.sender.end] == "郑州市财政局"


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("蓝线裸顶鲷，又称蓝线白鱼，为鲈形目的一种。本鱼体呈银灰色。", "蓝线裸顶鲷"),
        ("夜来香（学名：Telosma cordata）是萝藦科的植物。", "夜来香"),
        ("斯氏腔吻鳕为鳕形目鼠尾鳕科的其中一种。", "斯氏腔吻鳕"),
    ],
)
def test_an_article_s_opening_name_is_its_subject(text: str, subject: str) -> None:
    span = detect_structure(text).subject
    assert span is not None and text[span.start : span.end] == subject


def test_a_letter_has_no_article_subject(letter: Document) -> None:
    assert letter.structure.subject is None


def test_chunks_of_an_article_are_indexed_under_its_subject() -> None:
    text = "蓝线裸顶鲷，又称蓝线白鱼。" + "它生活在珊瑚礁附近的沙地上。" * 20 + "本鱼体呈银灰色。"
    doc = document_from_bytes(text.encode("utf-8"), "fish.txt")
    last = chunk_document(doc, 100, 250)[-1]
    assert "银灰色" in last.text and "蓝线裸顶鲷" not in last.text
    assert indexed_text(last, doc).startswith(f"{last.section} 蓝线裸顶鲷\n")


def test_every_chunk_is_an_exact_slice_within_one_section(letter: Document) -> None:
    chunks = chunk_document(letter, 100, 250)
    assert chunks, "the letter must produce chunks"
    previous_end = 0
    for chunk in chunks:
        assert chunk.text == letter.text[chunk.start : chunk.end]
        assert chunk.start >= previous_end, "chunks must be in order and must not overlap"
        previous_end = chunk.end
    # Every sentence lies inside exactly one chunk, and that chunk carries the sentence's section.
    for sent in sentences(letter):
        holders = [c for c in chunks if c.start <= sent.start and sent.end <= c.end]
        assert len(holders) == 1
        assert sent.is_heading or holders[0].section == sent.section


def test_chunks_carry_heading_paths_and_stay_near_the_size_bounds(letter: Document) -> None:
    chunks = chunk_document(letter, 100, 250)
    paths = {c.section for c in chunks}
    assert "四、促进校企深度合作" + SECTION_SEP + "(三)大力推进校企合作人才培养改革,建设产教融合项目" in paths
    assert chunks[0].section == OPENING and chunks[-1].section == "落款"
    # A chunk only exceeds the upper bound when a single sentence (plus its headings) does.
    for chunk in chunks:
        if len(chunk.text) > 250:
            body = [s for s in sentences(letter) if chunk.start <= s.start and s.end <= chunk.end and not s.is_heading]
            assert len(body) == 1


def test_smaller_bounds_give_more_chunks(letter: Document) -> None:
    assert len(chunk_document(letter, 40, 80)) > len(chunk_document(letter, 100, 250))


def test_sentences_split_on_chinese_and_ascii_enders() -> None:
    doc = document_from_bytes("第一句。第二句！第三句?第四句;第五句".encode(), "x.txt")
    texts = [doc.text[s.start : s.end] for s in sentences(doc)]
    assert texts == ["第一句。", "第二句！", "第三句?", "第四句;", "第五句"]


def test_clauses_split_at_commas_but_keep_enumerations_whole() -> None:
    text = "开设人工智能、大数据等专业,服务产业:效果明显。"
    clauses = [text[c.start : c.end] for c in split_clauses(text, 0, len(text))]
    assert clauses == ["开设人工智能、大数据等专业,", "服务产业:", "效果明显。"]
