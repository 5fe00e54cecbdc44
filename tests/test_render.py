"""Rendering to HTML: everything from a document or a question is inert text; marks sit at exact offsets."""

from __future__ import annotations

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from qa import render
from qa.loading import detect_structure
from qa.types import Answer, Citation, Document, Passage

HOSTILE = (
    "尊敬的测试委员:\n"
    "一、脚本\n"
    "信中写着<script>alert(1)</script>这样的标签。\n"
    "二、图片\n"
    '信中写着<img src=x onerror=alert(1)>和![x](http://127.0.0.1:9/x.png)以及"引号"&amp;。\n'
    "(一)模板\n"
    "还有${alert(1)}和{{7*7}}。\n"
)
TAG = re.compile(r"<[^>]*>")


def doc(text: str, doc_id: str = "letter.txt") -> Document:
    return Document(doc_id, text, "sha", detect_structure(text))


def visible(markup: str) -> str:
    """What a browser shows: tags dropped, entities decoded."""
    return html.unescape(TAG.sub("", markup))


def marked(markup: str, key: str) -> str:
    """The visible text of every `<mark>` that carries `key`, in order."""
    runs = re.findall(r'<mark class="[^"]*" data-cite="([^"]*)">(.*?)</mark>', markup)
    return "".join(html.unescape(text) for keys, text in runs if key in keys.split())


def test_document_text_is_escaped_and_shown_verbatim() -> None:
    out = render.document_html(doc(HOSTILE))
    assert "<script" not in out and "<img" not in out and "onerror=alert(1)>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert visible(out) == HOSTILE.replace("\n", "")


def test_only_the_module_writes_tags() -> None:
    out = render.document_html(doc(HOSTILE), [render.Highlight("cite-0-1", 20, 60)])
    tags = {m.split()[0].strip("</>") for m in TAG.findall(out)}
    assert tags <= {"div", "p", "mark", "span"}


def test_highlight_covers_exactly_the_cited_offsets() -> None:
    text = doc(HOSTILE).text
    start = text.index("<script>")
    end = text.index("。", start) + 1
    out = render.document_html(doc(HOSTILE), [render.Highlight("cite-0-1", start, end)])
    assert marked(out, "cite-0-1") == text[start:end]
    assert out.count('id="cite-0-1"') == 1
    assert out.index('id="cite-0-1"') < out.index('data-cite="cite-0-1"')


def test_highlight_across_lines_is_split_but_complete() -> None:
    text = "第一行结尾。\n第二行开头。"
    out = render.document_html(doc(text), [render.Highlight("cite-0-1", 3, 10)])
    assert marked(out, "cite-0-1") == text[3:10].replace("\n", "")
    assert out.count('id="cite-0-1"') == 1


def test_overlapping_highlights_keep_both_keys() -> None:
    text = "甲乙丙丁戊己庚辛"
    marks = [render.Highlight("cite-0-1", 1, 5, current=False), render.Highlight("cite-1-1", 3, 7)]
    out = render.document_html(doc(text), marks)
    assert marked(out, "cite-0-1") == text[1:5]
    assert marked(out, "cite-1-1") == text[3:7]
    assert 'class="qa-mark qa-current" data-cite="cite-0-1 cite-1-1">丁戊<' in out
    assert 'class="qa-mark" data-cite="cite-0-1">乙丙<' in out


def test_out_of_range_highlights_are_ignored() -> None:
    out = render.document_html(doc("短文本。"), [render.Highlight("cite-0-1", 2, 99), render.Highlight("x", 3, 3)])
    assert "<mark" not in out and "cite-0-1" not in out


@given(
    st.text(alphabet="ab<>&\"'\n中文", min_size=1, max_size=60),
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=4),
)
def test_any_text_and_spans_render_verbatim_with_exact_marks(text: str, spans: list[tuple[int, int]]) -> None:
    marks = [render.Highlight(f"cite-0-{i}", a, b) for i, (a, b) in enumerate(spans, 1)]
    out = render.document_html(doc(text), marks)
    assert visible(out) == text.replace("\n", "")
    for m in marks:
        if 0 <= m.start < m.end <= len(text):
            assert marked(out, m.key) == text[m.start : m.end].replace("\n", "")
            assert out.count(f'id="{m.key}"') == 1


def test_headings_render_as_structure_by_level() -> None:
    out = render.document_html(doc(HOSTILE))
    assert '<div class="qa-h qa-h1">一、脚本</div>' in out
    assert '<div class="qa-h qa-h2">(一)模板</div>' in out
    assert '<p class="qa-addressee">尊敬的测试委员:</p>' in out


def test_a_title_opening_with_its_sender_stays_a_title_line() -> None:
    text = "南溪县第一中学2024年度工作报告\n学校现有教学班48个。"
    structure = detect_structure(text)
    assert structure.sender is not None and text[structure.sender.start : structure.sender.end] == "南溪县第一中学"
    out = render.document_html(doc(text))
    assert "qa-sign" not in out and '<p class="qa-p">南溪县第一中学2024年度工作报告</p>' in out


def test_signature_lines_align_but_a_sender_named_in_the_body_does_not() -> None:
    text = "尊敬的委员:\n郑州市教育局做了很多工作,郑州市教育局还将继续。\n郑州市教育局\n2024年9月27日"
    out = render.document_html(doc(text))
    assert '<p class="qa-sign">2024年9月27日</p>' in out
    assert '<p class="qa-p">郑州市教育局做了很多工作' in out


def citation(text: str = "<b>粗</b>的句子。", section: str = "一、<i>节</i>") -> Citation:
    return Citation("letter.txt", 5, 5 + len(text), text, section)


def passage(text: str = "最接近<script>的段落", section: str = "二、节") -> Passage:
    return Passage("letter.txt", 0, len(text), text, section, 0.0312, 3.5, None)


def test_answer_markers_link_to_their_anchors_and_text_is_escaped() -> None:
    answer = Answer("问", "答<b>案</b>[1]，另见[2]和[9]。", (citation(), citation("第二句。")), (), False)
    out = render.answer_html(answer, turn=3)
    assert '<a class="qa-cite" href="#cite-3-1">[1]</a>' in out
    assert '<a class="qa-cite" href="#cite-3-2">[2]</a>' in out
    assert "和[9]。" in out  # no citation 9: the marker stays plain text
    assert "<b>" not in out and "<i>" not in out
    assert "一、&lt;i&gt;节&lt;/i&gt;" in out and "&lt;b&gt;粗&lt;/b&gt;的句子。" in out


def test_abstention_looks_different_and_shows_the_closest_passages() -> None:
    answer = Answer("问", "信中没有找到这个问题的答案。", (), (passage(),), True)
    out = render.answer_html(answer, turn=0)
    assert 'class="qa-answer qa-abstain"' in out
    assert "最接近的段落" in out and "最接近&lt;script&gt;的段落" in out
    assert "qa-cite" not in out


def test_question_is_inert() -> None:
    out = render.question_html("<img src=x onerror=alert(1)> ![x](http://127.0.0.1:9/x.png)")
    assert "<img" not in out
    assert visible(out) == "<img src=x onerror=alert(1)> ![x](http://127.0.0.1:9/x.png)"


def test_passages_table_shows_all_scores() -> None:
    out = render.passages_html([passage()])
    assert "0.0312" in out and "3.500" in out and "—" in out
    assert "&lt;script&gt;" in out
    assert "还没有" in render.passages_html([])


def test_status_names_the_embedder_and_the_fallback() -> None:
    assert render.status_html("bge", False) == '<div class="qa-status">检索模型：bge</div>'
    fallback = render.status_html("wordllama:x", True)
    assert fallback.count(render.OFFLINE_NOTICE) == 1 and 'class="qa-notice"' in fallback
    assert "unavailable" not in fallback  # the English notice stays in the log
    assert "仅关键词" in render.status_html("none", False)


def test_highlights_follow_turns_and_the_shown_document() -> None:
    first = Answer("a", "x[1]", (citation(),), (), False)
    other = Answer("b", "y[1]", (Citation("other.txt", 0, 1, "z", "s"),), (), False)
    latest = Answer("c", "w[1]", (citation(),), (), False)
    marks = render.highlights_for([first, other, latest], "letter.txt")
    assert [(m.key, m.current) for m in marks] == [("cite-0-1", False), ("cite-2-1", True)]
    assert render.citation_document([first, other], "letter.txt") == "other.txt"
    assert render.citation_document([Answer("q", "no", (), (), True)], "first.txt") == "first.txt"
