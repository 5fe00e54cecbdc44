"""Formats: the text inside PDF and Word (.docx) files, as lines with their page or heading style; nothing more.

Turning those lines into a document's text (folding radicals, rejoining wrapped lines, finding structure) is
the loader's job (`qa.loading.document_from_extracted`). The libraries are imported here, when a file of
their kind is read, so loading plain text never pays for them.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from typing import Any

from qa.errors import InputError

# A Word paragraph style that makes a heading: English built-in names (what Word stores, whatever the UI
# language) and the Chinese names WPS writes (`标题 1`).
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-3])$", re.IGNORECASE)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc files, and .docx files saved with a password
_CID = re.compile(r"\(cid:\d+\)")
_CELL_SEP = "\t"  # what Word puts between cells when a table row is copied as text


@dataclass(frozen=True)
class Block:
    """One line of a PDF page or one Word paragraph (a table row counts as one), without newlines."""

    text: str
    page: int = 0  # 1-based page of a PDF line; 0 for formats without pages
    level: int = 0  # 1-3 when Word styles the paragraph `Heading n` / `标题 n`; 0 otherwise
    box: tuple[float, float, float, float] | None = None  # where OCR read the line: fractions of the page
    score: float | None = None  # OCR's confidence in the line


@dataclass(frozen=True)
class Extracted:
    """What a PDF or Word file holds, in reading order."""

    blocks: tuple[Block, ...]
    pages: int = 0  # a PDF's page count, blank pages included; 0 for formats without pages
    hard_wrapped: bool = False  # lines break where the page ran out, mid-sentence included (PDF)
    scanned: tuple[int, ...] = ()  # pages without a text layer but with images: read by OCR (`qa.ocr`)
    source: str = ""  # the sha256 of a scanned file's bytes, which its OCR is kept under


def extract_pdf(raw: bytes, where: str) -> Extracted:
    """The lines of every page of a PDF; refuses encrypted and damaged files in one line.

    pdfplumber, not pypdf: on Chromium-printed Chinese PDFs both get every character, but pypdf puts spaces
    around quotes and between digits and Chinese (`2024 年 6 ⽉`) with some fonts (bench/pdf_extractors.py).
    """
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    # pdfminer logs a warning for each font box it cannot parse (every glyph of Chromium's CJK subsets) and
    # each repair of a damaged file; the text is right regardless, and a refusal below says what matters once.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    if b"%PDF" not in raw[:1024]:  # the header may follow up to 1 KB of junk
        raise InputError(f"{where} is not a PDF (no %PDF header): give the original PDF file")
    pages: list[str] = []
    scanned: list[int] = []
    try:
        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                pages.append(page.extract_text() or "")
                if not pages[-1].strip() and page.images:
                    scanned.append(number)
                page.close()  # drop the page's parsed objects: a long PDF would otherwise keep them all
    except Exception as exc:  # pdfminer raises many kinds (PSSyntaxError, KeyError, ...) on damaged files
        cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc  # pdfplumber's wrapper
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise InputError(
                f"{where} is password-protected: open it, save an unprotected copy (or print it to PDF), and give that"
            ) from None
        raise InputError(
            f"{where} is a damaged or truncated PDF ({_first_line(cause)}): export or download it again"
        ) from None
    # A font embedded without a Unicode map leaves only glyph numbers, which pdfminer writes as `(cid:1234)`:
    # mostly such, the text layer is unreadable; a few stray ones (a bullet, a logo glyph) are dropped.
    cids = sum(len(m) for text in pages for m in _CID.findall(text))
    if cids > 0.3 * sum(len(text.strip()) for text in pages):
        raise InputError(
            f"{where} has a text layer without a Unicode map (its fonts give only glyph numbers): "
            "run OCR first, then add the text"
        )
    pages = [_CID.sub("", text) for text in pages]
    blocks = tuple(
        Block(line.strip(), page=number)
        for number, text in enumerate(pages, 1)
        for line in text.split("\n")
        if line.strip()
    )
    return Extracted(blocks, pages=len(pages), hard_wrapped=True, scanned=tuple(scanned))


def extract_docx(raw: bytes, where: str) -> Extracted:
    """Word paragraphs and simple table rows in order, headings marked by their style."""
    if raw.startswith(_OLE_MAGIC):
        raise InputError(
            f"{where} is an old-format Word file or a password-protected one: "
            "open it in Word or WPS, remove any password, save it as .docx and give that"
        )
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(raw))
        blocks: list[Block] = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                blocks.extend(Block(row) for row in _table_rows(item))
            else:
                # A soft line break (Shift+Enter, `\n` in the text) ends a line the author meant as one.
                level = _heading_level(item)
                blocks.extend(Block(line.strip(), level=level) for line in item.text.split("\n") if line.strip())
    except Exception as exc:  # not a zip, a zip without word/document.xml, broken XML, ...
        raise InputError(
            f"{where} is not a readable .docx file ({_first_line(exc)}): open it in Word or WPS and save it again"
        ) from None
    return Extracted(tuple(blocks))


def _heading_level(paragraph: Any) -> int:
    style = paragraph.style
    match = _HEADING_STYLE.match(style.name.strip()) if style is not None and style.name else None
    return int(match.group(1)) if match else 0


def _table_rows(table: Any) -> list[str]:
    """Each row's cells, tab-separated; a merged cell (which python-docx repeats) counts once."""
    rows = []
    for row in table.rows:
        cells: list[str] = []
        seen: list[Any] = []  # the cells' XML elements, held so that `is` compares live objects
        for cell in row.cells:
            if any(cell._tc is element for element in seen):
                continue
            seen.append(cell._tc)
            cells.append(" ".join(line.strip() for line in cell.text.split("\n") if line.strip()))
        if any(cells):
            rows.append(_CELL_SEP.join(cells))
    return rows


def _first_line(exc: object) -> str:
    """The library's message, trimmed to one short line for a refusal."""
    message = str(exc).strip().split("\n", 1)[0][:120]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
