"""Scans and images: reading order, boxes in citations, the OCR cache, bad input; the real engine on the letter.

Most tests use a fake engine (lines of known text at known places), so they run in milliseconds and check the
pipeline around OCR. The tests marked `slow` run RapidOCR on the letter printed by Chromium and scanned by
pdftoppm at 200 dpi (`bench/scans.py`), one page, read once per session and kept in a session OCR cache.
"""

from __future__ import annotations

import io
import os
import struct
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from qa import QA, InputError
from qa.cli import main
from qa.formats import Block, Extracted
from qa.loading import document_from_extracted, load_file
from qa.ocr.cited import forget_layouts, layout_of, with_boxes
from qa.ocr.engine import RawLine, available
from qa.ocr.layout import Page, reading_order
from qa.types import Answer, Citation

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import scans

needs_engine = pytest.mark.skipif(not available(), reason="the OCR extra is not installed: pip install -e '.[ocr]'")
needs_scanner = pytest.mark.skipif(bool(scans.available()), reason=scans.available() or "ok")


@pytest.fixture(scope="session")
def ocr_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ocr-cache")


@pytest.fixture(autouse=True)
def _session_cache(monkeypatch: pytest.MonkeyPatch, ocr_cache: Path) -> None:
    """One OCR cache for the session: the letter is OCR'd once, whatever test asks first."""
    monkeypatch.setenv("QA_OCR_CACHE", str(ocr_cache))
    forget_layouts()


def line(text: str, x0: float, y0: float, x1: float, y1: float, score: float = 0.99) -> RawLine:
    return RawLine(text, (x0, y0, x1, y1), score)


# --- reading order -------------------------------------------------------------------------------------------


def test_two_columns_are_read_left_then_right_under_a_title_over_both() -> None:
    page = Page(
        1000,
        1400,
        (
            line("右栏第一行", 540, 200, 950, 230),
            line("左栏第一行", 50, 200, 460, 230),
            line("双栏之上的标题", 200, 120, 800, 150),
            line("左栏第二行", 50, 250, 460, 280),
            line("右栏第二行", 540, 250, 950, 280),
            line("左栏第三行", 50, 300, 460, 330),
            line("右栏第三行", 540, 300, 950, 330),
            line("两栏之下的结语", 50, 400, 950, 430),
        ),
    )
    texts = [ln.text for ln in reading_order([page])[0]]
    assert texts == [
        "双栏之上的标题",
        "左栏第一行",
        "左栏第二行",
        "左栏第三行",
        "右栏第一行",
        "右栏第二行",
        "右栏第三行",
        "两栏之下的结语",
    ]


def test_one_column_is_top_to_bottom_and_a_split_row_is_joined_left_to_right() -> None:
    page = Page(
        1000,
        1400,
        (
            line("第二行", 50, 300, 900, 330),
            line("工作室38个", 520, 200, 900, 232),
            line("市级专业技能", 50, 202, 500, 230),
        ),
    )
    assert [ln.text for ln in reading_order([page])[0]] == ["市级专业技能工作室38个", "第二行"]


def test_page_numbers_and_running_headers_are_dropped_but_body_lines_that_look_alike_stay() -> None:
    pages = [
        Page(
            1000,
            1400,
            (
                line("郑州市教育局文件", 300, 20, 700, 60),
                line(f"正文第{n}页的内容", 50, 300, 900, 330),
                line("12", 480, 600, 520, 630),  # a number inside the page body is text
                line(f"- {n} -", 460, 1350, 540, 1380),
            ),
        )
        for n in (1, 2)
    ]
    texts = [[ln.text for ln in lines] for lines in reading_order(pages)]
    assert texts == [["正文第1页的内容", "12"], ["正文第2页的内容", "12"]]


# --- boxes in citations --------------------------------------------------------------------------------------


def _scanned(doc_id: str = "scan.png") -> Any:
    """A document made of OCR'd blocks at known places (what `qa.ocr.scan` hands the loader)."""
    blocks = (
        Block("尊敬的委员：", page=1, box=(0.1, 0.05, 0.3, 0.07), score=0.99),
        Block("郑州市持续加大对职业教育的投入力度，目前，郑州市共", page=1, box=(0.1, 0.10, 0.9, 0.12), score=0.99),
        Block("有41所中职学校通过验收。", page=1, box=(0.1, 0.13, 0.5, 0.15), score=0.6),
        Block("二、深化专业结构调整", page=2, box=(0.1, 0.10, 0.4, 0.12), score=0.98),
    )
    extracted = Extracted(blocks, pages=2, hard_wrapped=True, scanned=(1, 2), source="f" * 64)
    return document_from_extracted(extracted, doc_id)


def test_a_cited_span_gets_the_part_of_each_line_box_that_holds_its_characters() -> None:
    doc = _scanned()
    start = doc.text.index("郑州市共")
    end = doc.text.index("验收。") + 3
    layout = layout_of(doc.sha256)
    assert layout is not None
    boxes = layout.boxes(start, end, doc.text)
    assert [b.page for b in boxes] == [1, 1]  # the wrapped sentence spans two printed lines
    lines = {p.page: p for p in layout.lines}
    for box, placed in zip(boxes, [p for p in layout.lines if p.start < end and start < p.end], strict=True):
        x0, y0, x1, y1 = placed.box
        assert x0 <= box.x0 < box.x1 <= x1 and (box.y0, box.y1) == (y0, y1)  # inside its line
    first = boxes[0]
    assert first.x1 == pytest.approx(0.9) and first.x0 > 0.1 + 0.5 * 0.8  # the last few characters of line 2
    assert boxes[1].x0 == pytest.approx(0.1) and boxes[1].x1 == pytest.approx(0.5)
    assert lines[2].start == doc.text.index("二、")


def test_answers_carry_boxes_and_say_when_the_cited_text_was_read_with_low_confidence() -> None:
    doc = _scanned()
    start = doc.text.index("有41所")
    citation = Citation("scan.png", start, start + 8, doc.text[start : start + 8], "", page=1)
    answer = with_boxes(Answer("q", "有41所[1]。", (citation,), (), abstained=False), {"scan.png": doc})
    assert answer.citations[0].boxes and all(b.page == 1 for b in answer.citations[0].boxes)
    assert "识别把握不大" in answer.text and "第 1 页" in answer.text
    assert answer.to_dict()["citations"][0]["boxes"][0]["page"] == 1  # what /ask returns
    text_doc = load_file(Path(__file__).resolve().parent.parent / "qa" / "data" / "000_9783093694a0541d.txt", "l")
    plain = Citation("l", 0, 4, text_doc.text[:4], "")
    assert with_boxes(Answer("q", "x", (plain,), (), abstained=False), {"l": text_doc}).citations[0].boxes == ()


# --- files, cache and bad input (fake engine) ----------------------------------------------------------------


class FakeEngine:
    """Reads every page as the same three lines; counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, image: np.ndarray) -> list[RawLine]:
        self.calls += 1
        h, w = image.shape[:2]
        return [
            line("尊敬的王素梅委员：", 0.1 * w, 0.05 * h, 0.4 * w, 0.08 * h),
            line("郑州市共有41所中职学校通过河南省教育厅标准化建设工程验收。", 0.1 * w, 0.1 * h, 0.9 * w, 0.13 * h),
            line("2024年9月27日", 0.6 * w, 0.9 * h, 0.9 * w, 0.92 * h),
        ]


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeEngine:
    engine = FakeEngine()
    monkeypatch.setattr("qa.ocr.scan.recognise", engine)
    monkeypatch.setenv("QA_OCR_CACHE", str(tmp_path / "fake-cache"))  # not the session's real OCR
    return engine


def _png(path: Path, size: tuple[int, int] = (600, 800), mode: str = "L") -> Path:
    Image.new(mode, size, 255).save(path)
    return path


def test_an_image_is_read_once_then_taken_from_the_cache(fake_engine: FakeEngine, tmp_path: Path) -> None:
    scan = _png(tmp_path / "reply.png")
    bot = QA.create("scans", [scan], index_dir=tmp_path / "idx", embed_model="none")
    assert fake_engine.calls == 1
    answer = bot.ask("郑州市有多少所中职学校通过了标准化建设工程验收？")
    assert "41" in answer.text and answer.citations[0].boxes
    # Reopening, rebuilding and adding the same bytes under another name never OCR again.
    QA.from_path(collection="scans", index_dir=tmp_path / "idx", embed_model="none")
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "again.png").write_bytes(scan.read_bytes())
    bot.add([tmp_path / "copy" / "again.png"])
    assert fake_engine.calls == 1


def test_a_multipage_tiff_over_the_page_cap_is_refused_before_any_page_is_read(
    fake_engine: FakeEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frames = [Image.new("L", (200, 300), 255) for _ in range(3)]
    tiff = tmp_path / "long.tiff"
    frames[0].save(tiff, save_all=True, append_images=frames[1:])
    monkeypatch.setenv("QA_OCR_MAX_PAGES", "2")
    with pytest.raises(InputError, match=r"long\.tiff has 3 pages to OCR, over the cap of 2 \(QA_OCR_MAX_PAGES"):
        load_file(tiff, "long.tiff")
    assert fake_engine.calls == 0
    monkeypatch.setenv("QA_OCR_MAX_PAGES", "3")
    assert load_file(tiff, "long.tiff").page_starts  # three pages read, page breaks known
    assert fake_engine.calls == 3


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims `width` x `height` (and no pixel data): what a decompression bomb looks like."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "bomb.png",
            _png_header(30000, 30000),
            r"bomb\.png is an image of over 179 megapixels, over the 100-megapixel limit",
        ),
        ("big.png", _png_header(12000, 10000), r"big\.png is 12000 x 10000 pixels \(120 megapixels\), over the 100-"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, r"broken\.png is not a readable image"),
        ("truncated.png", None, r"truncated\.png is a damaged image \(page 1"),
    ],
)
def test_bad_images_get_one_line_on_the_cli(
    fake_engine: FakeEngine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes | None,
    message: str,
) -> None:
    import re

    path = tmp_path / name
    if content is None:  # a real PNG cut in half
        buffer = io.BytesIO()
        Image.fromarray(np.random.default_rng(0).integers(0, 255, (400, 400), dtype=np.uint8)).save(buffer, "PNG")
        content = buffer.getvalue()[: len(buffer.getvalue()) // 2]
    path.write_bytes(content)
    code = main(["index", str(path), "--index-dir", str(tmp_path / "idx"), "--embed-model", "none"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert re.search(message, err), err
    assert fake_engine.calls == 0


def test_a_50_megapixel_photo_is_shrunk_before_it_is_read(fake_engine: FakeEngine, tmp_path: Path) -> None:
    seen: list[tuple[int, ...]] = []
    real = fake_engine.__call__

    def spy(image: np.ndarray) -> list[RawLine]:
        seen.append(image.shape)
        return real(image)

    fake_engine.__class__ = type("Spy", (FakeEngine,), {"__call__": lambda self, image: spy(image)})
    photo = tmp_path / "photo.jpg"
    Image.new("L", (8660, 5774), 255).save(photo, quality=50)  # 50 megapixels
    doc = load_file(photo, "photo.jpg")
    assert "41所中职学校" in doc.text
    assert max(seen[0][:2]) <= 2000


def test_a_pdf_of_tiny_image_pages_gets_one_line(fake_engine: FakeEngine, tmp_path: Path) -> None:
    tiny = [Image.new("L", (1, 1), 0) for _ in range(120)]
    pdf = tmp_path / "tiny.pdf"
    tiny[0].save(pdf, "PDF", save_all=True, append_images=tiny[1:], resolution=72.0)
    with pytest.raises(InputError, match=r"tiny\.pdf has 120 pages to OCR, over the cap of 100 \(QA_OCR_MAX_PAGES"):
        load_file(pdf, "tiny.pdf")
    assert fake_engine.calls == 0


def test_ocr_that_finds_nothing_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("qa.ocr.scan.recognise", lambda image: [])
    blank = _png(tmp_path / "blank.png")
    with pytest.raises(InputError, match=r"blank\.png: OCR found no text on its 1 scanned page"):
        load_file(blank, "blank.png")


# --- the real engine on the scanned letter (slow) ------------------------------------------------------------

QUESTION = "郑州市有多少所中职学校通过了标准化建设工程验收？"


@pytest.fixture(scope="session")
def letter_scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The letter printed by Chromium; page 1 scanned at 200 dpi as a PNG, an image-only PDF, and a mixed PDF
    (page 1 scanned, the rest with their text layer)."""
    if scans.available():
        pytest.skip(scans.available())
    folder = tmp_path_factory.mktemp("letter-scans")
    printed = scans.print_letter(folder / "letter.pdf")
    pages = scans.rasterise(printed, 200, folder / "png")
    image = Image.open(pages[0])
    scanned = scans.image_pdf([Image.open(p) for p in pages], folder / "all-scanned.pdf", 200)
    return {
        "printed": printed,
        "png": pages[0],
        "pdf": scans.image_pdf([image], folder / "page1-scan.pdf", 200),
        "mixed": scans.mixed_pdf(scanned, printed, folder / "mixed.pdf", text_pages=1),
    }


@pytest.fixture(scope="session")
def page_one_text(letter_scans: dict[str, Path]) -> str:
    import pdfplumber

    from qa.loading import fold_compatibility

    with pdfplumber.open(letter_scans["printed"]) as pdf:
        return fold_compatibility(pdf.pages[0].extract_text())


def _accuracy(expected: str, got: str) -> float:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from ocr import accuracy

    return float(accuracy(expected, got))


@pytest.mark.slow
@needs_engine
@needs_scanner
def test_the_scanned_letter_reads_back_and_its_citation_boxes_hold_the_cited_characters(
    letter_scans: dict[str, Path], page_one_text: str, tmp_path: Path
) -> None:
    doc = load_file(letter_scans["png"], "page1.png")
    assert _accuracy(page_one_text, doc.text) >= 0.98
    bot = QA.create("scan", [letter_scans["png"]], index_dir=tmp_path / "idx", embed_model="none")
    answer = bot.ask(QUESTION)
    assert "41" in answer.text
    citation = answer.citations[0]
    assert "41所中职学校" in citation.text and citation.boxes
    layout = layout_of(doc.sha256)
    assert layout is not None
    for box in citation.boxes:  # each box inside the box of a line holding cited characters
        holders = [p for p in layout.lines if p.start < citation.end and citation.start < p.end]
        assert any(p.box[0] <= box.x0 < box.x1 <= p.box[2] + 1e-9 and p.box[1] == box.y0 for p in holders)
    # Read the boxes' pixels again: together they hold the cited characters.
    from qa.ocr.engine import _engine

    page = np.asarray(Image.open(letter_scans["png"]).convert("RGB"))
    h, w = page.shape[:2]
    read = ""
    for box in citation.boxes:
        crop = page[int(box.y0 * h) - 4 : int(box.y1 * h) + 4, max(0, int(box.x0 * w) - 6) : int(box.x1 * w) + 6]
        result, _ = _engine()(crop, use_det=False, use_cls=False)
        read += result[0][0]
    assert _accuracy(citation.text, read) >= 0.9, (citation.text, read)


@pytest.mark.slow
@needs_engine
@needs_scanner
def test_a_mixed_pdf_reads_each_page_its_own_way_and_reopening_never_ocrs_again(
    letter_scans: dict[str, Path], page_one_text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = load_file(letter_scans["mixed"], "mixed.pdf")
    assert len(doc.page_starts) == 3  # four pages
    assert _accuracy(page_one_text, doc.text[: doc.page_starts[0]]) >= 0.98  # page 1 by OCR
    assert "积极推进高职“双高”建设" in doc.text  # a later page's text layer, exact
    layout = layout_of(doc.sha256)
    assert layout is not None and {p.page for p in layout.lines} == {1}  # boxes only where OCR read
    assert all(p.end <= doc.page_starts[0] for p in layout.lines)

    def never(image: np.ndarray) -> list[RawLine]:
        raise AssertionError("OCR ran again on a file already read")

    monkeypatch.setattr("qa.ocr.scan.recognise", never)
    assert load_file(letter_scans["mixed"], "mixed.pdf").text == doc.text


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from local_app import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.mark.browser
@pytest.mark.slow
@needs_engine
@needs_scanner
def test_upload_a_scan_ask_click_the_citation_and_see_the_box_on_the_page_image(
    browser: Any, letter_scans: dict[str, Path], tmp_path: Path, ocr_cache: Path
) -> None:
    from local_app import running_app

    with running_app(index_dir=tmp_path / "idx", log=tmp_path / "app.log", env={"QA_OCR_CACHE": str(ocr_cache)}) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        page.goto(url + "/")
        page.wait_for_selector("#qa-question textarea")
        page.get_by_text("上传与管理文档").click()
        page.locator("#qa-new-name").locator("textarea, input").first.fill("scan-browser")
        page.locator("#qa-upload input[type=file]").set_input_files(str(letter_scans["pdf"]))
        page.locator("#qa-note").get_by_text("scan-browser").wait_for(timeout=600_000)
        page.get_by_text("上传与管理文档").click()  # fold the upload box away again
        page.fill("#qa-question textarea", QUESTION)
        page.click("#qa-ask")
        answer = page.locator("#qa-chat .qa-answer").first
        answer.wait_for(timeout=120_000)
        assert "41" in answer.inner_text()
        answer.locator("a.qa-cite").first.click()
        box = page.locator("#qa-letter .qa-scan-page mark.qa-box.qa-active").first
        box.wait_for()
        assert box.is_visible() and box.bounding_box()["width"] > 20
        scroll = page.locator("#qa-letter .qa-doc-view:not([hidden]) .qa-letter-scroll")
        panel, mark = scroll.bounding_box(), box.bounding_box()
        assert panel["y"] <= mark["y"] <= panel["y"] + panel["height"]  # scrolled into view
        # `QA_SCAN_SCREENSHOT=docs/scan.png pytest -k see_the_box` remakes the README's picture.
        page.screenshot(path=os.environ.get("QA_SCAN_SCREENSHOT") or str(tmp_path / "scan.png"))
        page.close()


def test_pages_read_with_low_confidence_are_flagged_in_qa_collections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QA_OCR_CACHE", str(tmp_path / "cache"))
    sure, unsure = _png(tmp_path / "clear.png"), _png(tmp_path / "blurred.png", size=(600, 801))
    monkeypatch.setattr(
        "qa.ocr.scan.recognise",
        lambda image: [
            line("有41所中职学校。", 10, 10, 500, 40, score=0.6)
            if image.shape[0] == 801
            else line("有7个专业。", 10, 10, 500, 40, score=0.99)
        ],
    )
    QA.create("mixed-quality", [sure, unsure], index_dir=tmp_path / "idx", embed_model="none")
    assert main(["collections", "--index-dir", str(tmp_path / "idx")]) == 0
    out = capsys.readouterr().out
    assert "low OCR confidence (check against the scan): blurred.png p.1" in out and "clear.png" not in out
