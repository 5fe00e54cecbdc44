"""PDF and Word files: real files made here (Chromium prints the PDFs, python-docx writes the .docx)."""

from __future__ import annotations

import html
import io
import logging
import re
import subprocess
from pathlib import Path

import pytest

from qa import QA, InputError
from qa.chunking import chunk_document
from qa.cli import main
from qa.formats import Block, Extracted
from qa.loading import detect_structure, document_from_extracted, fold_compatibility, load_file, load_path
from qa.settings import BUNDLED_LETTER

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="PDFs are printed by /usr/bin/chromium, absent here")

PAGE_1 = [
    "尊敬的李华代表：",
    "您提出的“关于加强中等职业教育的建议”收悉，现答复如下：",
    "一、总体情况",
    # Long enough to wrap over several lines of an A4 page: the extracted lines must be joined again.
    "近年来，我市高度重视职业教育发展，全市共有中等职业学校四十二所，其中三十一所通过了标准化建设工程验收，"
    "在校生规模达到十二万人，高质量发展的基础不断夯实，办学条件持续改善，教师队伍结构逐步优化，"
    "“双师型”教师占比达到百分之六十以上，骨干教师每年到企业实践不少于一个月。",
    "（一）经费保障",
    "市财政每年安排专项资金（约3.5亿元），用于改善办学条件。",
]
PAGE_2 = [
    "二、下一步工作",
    "我们将在全市新建实训基地二十八个，由黄河科技学院牵头建设智能制造公共实训中心。",
    "郑州市教育局",
    "2024年6月1日",
]
PAGE_2_SENTENCE = PAGE_2[1]


def print_pdf(body: str, out: Path) -> Path:
    """Print an HTML body to `out` with headless Chromium, as a browser's "Save as PDF" would."""
    source = out.with_suffix(".html")
    source.write_text(f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><body>{body}</body></html>', "utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={out}", "--no-pdf-header-footer"]
    subprocess.run([str(CHROMIUM), *flags, source.as_uri()], check=True, capture_output=True, timeout=120)
    return out


def paragraphs_html(lines: list[str], new_page: bool = False) -> str:
    style = ' style="page-break-before: always"' if new_page else ""
    return "".join(f"<p{style if i == 0 else ''}>{html.escape(line)}</p>" for i, line in enumerate(lines))


@pytest.fixture(scope="module")
def letter_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CHROMIUM.exists():
        pytest.skip("PDFs are printed by /usr/bin/chromium, absent here")
    folder = tmp_path_factory.mktemp("pdf")
    return print_pdf(paragraphs_html(PAGE_1) + paragraphs_html(PAGE_2, new_page=True), folder / "reply.pdf")


# --- PDF -------------------------------------------------------------------------------------------------


@needs_chromium
def test_pdf_text_is_the_source_text_without_radicals_or_wrapped_lines(letter_pdf: Path) -> None:
    doc = load_file(letter_pdf, "reply.pdf")
    assert doc.text == "\n".join(PAGE_1 + PAGE_2)  # every sentence whole, every paragraph its own line
    assert not re.search("[\u2e80-\u2fdf]", doc.text)  # the font's `⾼`/`⻣` came back as `高`/`骨`
    assert "，" in doc.text and "：" in doc.text and "（" in doc.text  # punctuation stays full width


@needs_chromium
def test_pdf_pages_put_each_sentence_on_its_page(letter_pdf: Path) -> None:
    doc = load_file(letter_pdf, "reply.pdf")
    assert len(doc.page_starts) == 1
    assert doc.page_at(doc.text.index(PAGE_2_SENTENCE)) == 2
    assert doc.page_at(doc.text.index("二、下一步工作")) == 2
    assert doc.page_at(doc.text.index(PAGE_1[-1])) == 1
    assert doc.text[doc.page_starts[0] :].startswith("二、下一步工作")


@needs_chromium
def test_pdf_letter_structure_is_found(letter_pdf: Path) -> None:
    doc = load_file(letter_pdf, "reply.pdf")
    assert doc.structure == detect_structure("\n".join(PAGE_1 + PAGE_2))
    s = doc.structure
    assert s.addressee is not None and doc.text[s.addressee.start : s.addressee.end] == "李华代表"
    assert s.date is not None and doc.text[s.date.start : s.date.end] == "2024年6月1日"
    assert [h.title for h in s.headings] == ["一、总体情况", "（一）经费保障", "二、下一步工作"]
    assert {c.section for c in chunk_document(doc)} >= {"一、总体情况 › （一）经费保障", "二、下一步工作"}


@needs_chromium
def test_a_scanned_pdf_says_to_run_ocr(tmp_path: Path) -> None:
    # A page holding only a drawing: what a scanner's PDF looks like to a text extractor.
    svg = '<svg width="400" height="300"><rect x="10" y="10" width="300" height="200" fill="#345"/></svg>'
    scan = print_pdf(svg, tmp_path / "scan.pdf")
    with pytest.raises(InputError, match=r"scan\.pdf has no text layer \(a scan\?\): run OCR first, then add the text"):
        load_file(scan, "scan.pdf")


@needs_chromium
def test_the_cli_refuses_a_scan_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scan = print_pdf("<svg width='200' height='100'><circle cx='50' cy='50' r='40'/></svg>", tmp_path / "scan.pdf")
    code = main(["index", str(scan), "--index-dir", str(tmp_path / "idx"), "--embed-model", "none"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "no text layer" in err and "Traceback" not in err


@needs_chromium
def test_damaged_pdfs_are_one_line(letter_pdf: Path, tmp_path: Path) -> None:
    raw = letter_pdf.read_bytes()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(InputError, match=r"truncated\.pdf is a damaged or truncated PDF \(.*\): export or download"):
        load_file(truncated, "truncated.pdf")
    renamed = tmp_path / "notes.pdf"
    renamed.write_text("这其实是文本文件。", encoding="utf-8")
    with pytest.raises(InputError, match=r"notes\.pdf is not a PDF \(no %PDF header\)"):
        load_file(renamed, "notes.pdf")


@needs_chromium
def test_a_password_protected_pdf_is_refused(letter_pdf: Path, tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf", reason="pypdf (a dev extra) writes the encrypted PDF")
    for algorithm in ("RC4-128", "AES-256"):
        writer = pypdf.PdfWriter(clone_from=letter_pdf)
        writer.encrypt(user_password="secret", algorithm=algorithm)
        locked = tmp_path / f"locked-{algorithm}.pdf"
        with locked.open("wb") as fh:
            writer.write(fh)
        with pytest.raises(InputError, match=r"locked-.*\.pdf is password-protected: .* save an unprotected copy"):
            load_file(locked, locked.name)
    # Locked only against printing or editing (an owner password): it opens, so it loads.
    writer = pypdf.PdfWriter(clone_from=letter_pdf)
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    owner_only = tmp_path / "owner-only.pdf"
    with owner_only.open("wb") as fh:
        writer.write(fh)
    assert load_file(owner_only, "owner-only.pdf").text == "\n".join(PAGE_1 + PAGE_2)


@needs_chromium
def test_an_oversized_pdf_is_refused_before_it_is_read(
    letter_pdf: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def not_read(*_: object) -> None:
        raise AssertionError("an oversized file was extracted")

    monkeypatch.setattr("qa.formats.extract_pdf", not_read)
    with pytest.raises(InputError, match=r"reply\.pdf is .* MB, over the 0 MB limit: split it"):
        load_file(letter_pdf, "reply.pdf", max_bytes=1000)


@needs_chromium
def test_a_question_answered_on_page_2_cites_page_2(letter_pdf: Path, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "reply.pdf").write_bytes(letter_pdf.read_bytes())
    bot = QA.from_path(folder, index_dir=tmp_path / "idx", embed_model="none")
    answer = bot.ask("全市将新建多少个实训基地？")
    assert not answer.abstained, answer.text
    cited = answer.citations[0]
    assert cited.doc_id == "reply.pdf"
    assert "二十八" in cited.text
    assert cited.text == bot.document_text(cited.doc_id)[cited.start : cited.end]
    assert cited.page == 2
    # Opened again from the saved index, the page must survive too.
    again = QA.from_path(folder, index_dir=tmp_path / "idx", embed_model="none").ask("全市将新建多少个实训基地？")
    assert again.citations[0].page == 2


# --- the rules that turn a PDF's lines into text, on lines written out here --------------------------------


def pdf_lines(*pages: list[str]) -> Extracted:
    blocks = tuple(Block(line, page=n) for n, lines in enumerate(pages, 1) for line in lines)
    return Extracted(blocks, pages=len(pages), hard_wrapped=True)


FULL = "近年来我市高度重视职业教育发展全市共有中等职业学校四十二所其中三十"  # a line the width ran out on


def test_wrapped_lines_join_and_paragraph_ends_do_not() -> None:
    doc = document_from_extracted(
        pdf_lines(
            ["一、总体情况", FULL, "一所通过验收。", "短的一行", "下一段开头。"],
            ["- 1 -"],  # a page holding only its number: furniture, not text
        ),
        "x.pdf",
    )
    assert doc.text == f"一、总体情况\n{FULL}一所通过验收。\n短的一行\n下一段开头。"
    assert doc.page_starts == (len(doc.text),)  # page 2 has no text: it starts where the text ends


def test_a_sentence_running_over_a_page_break_is_joined_and_split_between_pages() -> None:
    doc = document_from_extracted(pdf_lines([FULL, "第 1 页"], ["一所通过验收。", "二、下一步工作"]), "x.pdf")
    assert doc.text == f"{FULL}一所通过验收。\n二、下一步工作"
    assert doc.page_starts == (len(FULL),)
    assert doc.page_at(0) == 1 and doc.page_at(doc.text.index("二、")) == 2


def test_headings_dates_and_latin_words_at_a_wrap() -> None:
    latin = FULL[:-6] + "Python"
    doc = document_from_extracted(
        pdf_lines([latin, "programming课程。", FULL, "（二）师资建设", FULL, "2024年6月1日"]), "x.pdf"
    )
    lines = doc.text.split("\n")
    assert lines[0] == latin + " programming课程。"  # a wrapped Latin word keeps its space
    assert lines[1:3] == [FULL, "（二）师资建设"]  # a heading is never joined to the line above
    assert lines[-1] == "2024年6月1日"


def test_radicals_are_folded_one_character_at_a_time() -> None:
    assert fold_compatibility("⾼质量发展，⻣⼲教师：（⻩河）") == "高质量发展，骨干教师：（黄河）"
    assert fold_compatibility("全角，：（）；ＡＢＣ１２") == "全角，：（）；ＡＢＣ１２"  # not NFKC of the whole text


# --- Word ------------------------------------------------------------------------------------------------


def write_docx(path: Path, items: list[tuple[str, str]], table: list[list[str]] | None = None) -> Path:
    """A .docx of (style, text) paragraphs, then a table; style '' is the Normal style."""
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for style, text in items:
        if style and style not in [s.name for s in document.styles]:
            document.styles.add_style(style, docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
        document.add_paragraph(text, style=style or None)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.save(str(path))
    return path


WORD_REPLY = [
    ("", "尊敬的李华代表："),
    ("", "您提出的“关于加强中等职业教育的建议”收悉，现答复如下："),
    ("Heading 1", "总体情况"),
    ("", "全市共有中等职业学校四十二所，其中三十一所通过了标准化建设工程验收。"),
    ("Heading 2", "经费保障"),
    ("", "市财政每年安排专项资金约三亿元，用于改善办学条件。"),
    ("", ""),  # an empty paragraph Word uses for spacing
    ("Heading 1", "下一步工作"),
    ("", "我们将在全市新建实训基地二十八个。"),
]


def test_docx_paragraphs_tables_and_styled_headings(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "reply.docx", WORD_REPLY, table=[["学校", "人数"], ["郑州职业技术学院", "1200"]])
    doc = load_file(path, "reply.docx")
    body = [text for _, text in WORD_REPLY if text]
    assert doc.text == "\n".join([*body, "学校\t人数", "郑州职业技术学院\t1200"])
    assert doc.page_starts == ()
    headings = [(h.level, h.title, doc.text[h.start : h.end]) for h in doc.structure.headings]
    assert headings == [(1, "总体情况", "总体情况"), (2, "经费保障", "经费保障"), (1, "下一步工作", "下一步工作")]
    assert doc.structure.addressee is not None and doc.structure.proposal is not None


def test_chinese_heading_style_names_and_numbered_headings_merge(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "wps.docx",
        [("标题 1", "总体情况"), ("", "正文一句。"), ("", "（一）经费保障"), ("", "正文两句。"), ("标题 2", "师资")],
    )
    doc = load_file(path, "wps.docx")
    assert [(h.level, h.title) for h in doc.structure.headings] == [(1, "总体情况"), (2, "（一）经费保障"), (2, "师资")]


def test_word_heading_styles_name_the_chunks_sections(tmp_path: Path) -> None:
    doc = load_file(write_docx(tmp_path / "reply.docx", WORD_REPLY), "reply.docx")
    sections = {chunk.section for chunk in chunk_document(doc, min_chars=10, max_chars=60)}
    assert {"总体情况", "总体情况 › 经费保障", "下一步工作"} <= sections


MARKDOWN_PLAN = """# 某某公司2025年培训计划

为提升员工技能，**制定本计划**，详见[制度](http://example.com/rules)。

## 培训目标

员工持证率达到`95%`以上，
全年举办6期。

## 培训内容

### 安全生产

- 设备操作规程
- 应急处置

| 课程 | 学时 |
|---|---|
| 数控车床 | 36 |

<!-- 备注：不显示 -->
"""


def test_markdown_reads_as_its_reader_sees_it_with_hash_headings_as_parts(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text(MARKDOWN_PLAN, encoding="utf-8")
    doc = load_file(path, "plan.md")
    assert doc.text.split("\n") == [
        "某某公司2025年培训计划",
        "为提升员工技能，制定本计划，详见制度。",
        "培训目标",
        "员工持证率达到95%以上，全年举办6期。",  # a line the source wrapped is joined, no space between Chinese
        "培训内容",
        "安全生产",
        "设备操作规程",
        "应急处置",
        "课程\t学时",
        "数控车床\t36",
    ]
    # The one `#` over the file is its title; `##` parts are level 1, as Word's Heading 1 under a Title.
    assert [(h.level, h.title) for h in doc.structure.headings] == [(1, "培训目标"), (1, "培训内容"), (2, "安全生产")]
    sections = {chunk.section for chunk in chunk_document(doc, min_chars=5, max_chars=40)}
    assert "培训内容 › 安全生产" in sections


def test_markdown_heading_levels_count_from_the_shallowest_used() -> None:
    from qa.formats import extract_markdown

    def levels(text: str) -> list[tuple[int, str]]:
        return [(b.level, b.text) for b in extract_markdown(text).blocks]

    assert levels("## 一\n\n正文\n\n### 二\n\n#### 三\n\n##### 四") == [
        (1, "一"),
        (0, "正文"),
        (2, "二"),
        (3, "三"),
        (3, "四"),
    ]
    # Two `#` headings are parts, not a title; English words wrapped in the source keep their space.
    assert levels("# 甲\n\nsee\nthis\n\n# 乙") == [(1, "甲"), (0, "see this"), (1, "乙")]


def test_a_markdown_file_of_markup_only_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.md"
    path.write_text("#  \n\n**  **\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"blank\.md is empty"):
        load_file(path, "blank.md")


def test_a_markdown_file_too_big_to_parse_is_read_as_plain_text_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import qa.formats

    monkeypatch.setattr(qa.formats, "LIMITS", qa.formats.Limits(markdown_bytes=100))
    path = tmp_path / "plan.md"
    path.write_text(MARKDOWN_PLAN, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="qa"):
        doc = load_file(path, "plan.md")
    assert doc.text.startswith("# 某某公司") and "read as plain text" in caplog.text


def test_an_html_page_reads_as_its_printed_pdf_does() -> None:
    docs = Path(__file__).resolve().parent.parent / "eval" / "docs"
    page, printed = load_file(docs / "school_report.html", "r.html"), load_file(docs / "school_report.pdf", "r.pdf")
    # Decoded as text, its <style> rules and tags were answers (`<p>学校修订了…`).
    assert page.text == printed.text and "<" not in page.text and "text-indent" not in page.text
    assert [(h.level, h.title) for h in page.structure.headings] == [
        (h.level, h.title) for h in printed.structure.headings
    ]


def test_html_blocks_headings_tables_and_breaks() -> None:
    from qa.formats import extract_html

    page = (
        '<?xml version="1.0" encoding="utf-8"?><html><head><title>不显示</title><style>p{margin:0}</style></head>'
        "<body><h1>某某学校简报</h1><script>var x = 1;</script><h2>一、概况</h2>"
        "<p>学校有<b>教职工</b>112人。<br>学生2310人。</p><!-- 注释 --><ul><li>机器人社团</li><li>合唱团</li></ul>"
        "<h3>获奖</h3><table><tr><th>项目</th><th>名次</th></tr><tr><td>科技创新</td><td>一等奖</td></tr></table>"
        "<div>结尾<span>一句</span></div></body></html>"
    )
    blocks = [(b.level, b.text) for b in extract_html(page, "p.html").blocks]
    assert blocks == [
        (0, "某某学校简报"),  # the one <h1> opening the page is its title
        (1, "一、概况"),
        (0, "学校有教职工112人。"),
        (0, "学生2310人。"),
        (0, "机器人社团"),
        (0, "合唱团"),
        (2, "获奖"),
        (0, "项目\t名次"),
        (0, "科技创新\t一等奖"),
        (0, "结尾一句"),
    ]


def test_an_oversized_or_empty_html_page_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import qa.formats

    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><script>x()</script></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match=r"empty\.html is empty"):
        load_file(empty, "empty.html")
    monkeypatch.setattr(qa.formats, "LIMITS", qa.formats.Limits(html_bytes=10))
    with pytest.raises(InputError, match=r"empty\.html is over 0 MB of HTML.*print it to PDF"):
        load_file(empty, "empty.html")


def test_a_letter_pasted_into_word_reads_as_the_letter(tmp_path: Path) -> None:
    letter = BUNDLED_LETTER.read_text(encoding="utf-8").strip()
    path = write_docx(tmp_path / "letter.docx", [("", line) for line in letter.split("\n")])
    doc = load_file(path, "letter.docx")
    assert doc.text == letter
    assert doc.structure == detect_structure(letter)
    s = doc.structure
    assert s.addressee and s.proposal and s.date and s.sender  # every part a letter detection gives


def test_damaged_word_files_and_old_doc_files_are_one_line(tmp_path: Path) -> None:
    good = write_docx(tmp_path / "good.docx", WORD_REPLY).read_bytes()
    cases = {
        "text.docx": ("这不是压缩包。".encode(), r"text\.docx is not a readable \.docx file \(BadZipFile"),
        "truncated.docx": (good[: len(good) // 2], r"truncated\.docx is not a readable \.docx file"),
        "other.docx": (_zip_of({"a.txt": "hi"}), r"other\.docx is not a readable \.docx file .*save it again"),
        "locked.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), r"locked\.docx is an old-format .* password"),
    }
    for name, (raw, pattern) in cases.items():
        (tmp_path / name).write_bytes(raw)
        with pytest.raises(InputError, match=pattern):
            load_file(tmp_path / name, name)
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    with pytest.raises(InputError, match=r"old\.doc is an old Word \.doc file: .* save it as \.docx"):
        load_file(tmp_path / "old.doc", "old.doc")


def _zip_of(files: dict[str, str]) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


# --- folders ---------------------------------------------------------------------------------------------


def test_a_folder_loads_every_format_and_skips_old_word_files_with_a_note(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a.txt").write_text("第一封信。", encoding="utf-8")
    write_docx(tmp_path / "b.docx", [("", "第二封信。")])
    (tmp_path / "c.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    with caplog.at_level(logging.WARNING, logger="qa"):
        docs = load_path(tmp_path)
    assert [(d.doc_id, d.text) for d in docs] == [("a.txt", "第一封信。"), ("b.docx", "第二封信。")]
    assert "c.doc" in caplog.text and "save it as .docx" in caplog.text


def test_a_folder_of_old_word_files_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "c.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    with pytest.raises(
        InputError, match=r"holds no \.txt, \.md, \.html, \.pdf or \.docx files \(only old Word files .*\.docx"
    ):
        load_path(tmp_path)


@needs_chromium
def test_a_text_layer_of_glyph_numbers_says_to_run_ocr(letter_pdf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # What pdfminer reads from a font embedded without a Unicode map (common in scanned-then-"text" PDFs).
    from pdfplumber.page import Page

    monkeypatch.setattr(Page, "extract_text", lambda self, **_: "(cid:1205)(cid:877)(cid:3021)，(cid:12)")
    with pytest.raises(InputError, match=r"reply\.pdf has a text layer without a Unicode map .*: run OCR first"):
        load_file(letter_pdf, "reply.pdf")
