"""Formats: the text inside PDF, Word (.docx), Markdown and HTML files, as lines with their page or heading level;
nothing more.

Turning those lines into a document's text (folding radicals, rejoining wrapped lines, finding structure) is
the loader's job (`qa.loading.document_from_extracted`). The libraries are imported here, when a file of
their kind is read, so loading plain text never pays for them.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
import zlib
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
class Limits:
    """What a file may expand to before its parser sees it: a small file can hold a huge one (a "zip bomb").

    A .docx is a zip of XML parts: a 1 MB file can inflate to gigabytes, or to millions of tiny paragraphs
    that python-docx turns into millions of objects. A PDF's streams are zlib-compressed the same way. The
    sizes are counted while inflating, in bounded pieces, and the file is refused as soon as one is passed;
    a size a header declares is never trusted. Measured by `python bench/hardening_probe.py`: refusing a
    1.1 GB bomb takes well under a second and 100 MB.
    """

    docx_parts: int = 2000  # zip members; Word writes a few dozen
    docx_xml_bytes: int = 32 * 2**20  # all XML parts inflated; a 300-page Word report has ~5 MB
    docx_elements: int = 400_000  # XML start tags in all parts; that report has ~150,000 (python-docx: ~4 s)
    # One inflated stream by what its dictionary says it is. Page content is what pdfminer parses operator by
    # operator: 15 MB of path operators took it 58 s and 409 MB, 4 MB about a quarter of that; a text page
    # has 5-50 KB. Fonts (a whole embedded CJK font is 10-20 MB), object streams and images are only
    # inflated (images not even that), so they may be larger; all count toward the total.
    pdf_content_bytes: int = 4 * 2**20
    pdf_font_bytes: int = 64 * 2**20
    pdf_image_bytes: int = 128 * 2**20
    pdf_total_bytes: int = 512 * 2**20
    # Markdown parsed into blocks: markdown-it-py holds every token at once (1 MB of Chinese prose with emphasis,
    # links and lists: 0.7 s and 35 MB at peak on this machine); a longer file is read as plain
    # text, its markup left in.
    markdown_bytes: int = 8 * 2**20
    html_bytes: int = 8 * 2**20  # an HTML page's tree (lxml) takes several times its size; a saved page is ~0.1-1 MB


LIMITS = Limits()
_INFLATE_STEP = 2**20  # bytes inflated at a time while counting


@dataclass(frozen=True)
class Block:
    """One line of a PDF page or one Word paragraph (a table row counts as one), without newlines."""

    text: str
    page: int = 0  # 1-based page of a PDF line; 0 for formats without pages
    level: int = (
        0  # 1-3 when Word styles the paragraph `Heading n` / `标题 n`, Markdown marks it `#`, HTML `<hN>`; else 0
    )
    box: tuple[float, float, float, float] | None = None  # where OCR read the line: fractions of the page
    score: float | None = None  # OCR's confidence in the line


@dataclass(frozen=True)
class Extracted:
    """What a PDF, Word, Markdown or HTML file holds, in reading order."""

    blocks: tuple[Block, ...]
    pages: int = 0  # a PDF's page count, blank pages included; 0 for formats without pages
    hard_wrapped: bool = False  # lines break where the page ran out, mid-sentence included (PDF)
    scanned: tuple[int, ...] = ()  # pages without a text layer but with images: read by OCR (`qa.ocr`)
    source: str = ""  # the sha256 of a scanned file's bytes, which its OCR is kept under


def extract_pdf(raw: bytes, where: str, limits: Limits = LIMITS) -> Extracted:
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
    _check_pdf_streams(raw, where, limits)
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


def extract_docx(raw: bytes, where: str, limits: Limits = LIMITS) -> Extracted:
    """Word paragraphs and simple table rows in order, headings marked by their style."""
    if raw.startswith(_OLE_MAGIC):
        raise InputError(
            f"{where} is an old-format Word file or a password-protected one: "
            "open it in Word or WPS, remove any password, save it as .docx and give that"
        )
    package = _bounded_docx(raw, where, limits)
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(package))
        levels = _heading_styles(document)
        blocks: list[Block] = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                blocks.extend(Block(row) for row in _table_rows(item))
            else:
                # A soft line break (Shift+Enter, `\n` in the text) ends a line the author meant as one.
                level = levels.get(item._p.style or "", 0)
                blocks.extend(Block(line.strip(), level=level) for line in item.text.split("\n") if line.strip())
    except Exception as exc:  # not a zip, a zip without word/document.xml, broken XML, ...
        raise InputError(
            f"{where} is not a readable .docx file ({_first_line(exc)}): open it in Word or WPS and save it again"
        ) from None
    return Extracted(tuple(blocks))


def extract_markdown(text: str) -> Extracted:
    """Markdown's paragraphs, list items, table rows and code lines in order, its `#` headings marked by level, its
    markup (`**`, links, list marks, `|`) dropped: what a reader sees, as Word's text is.

    A single `#` heading opening the file is the document's title, not a part. The other headings' depths count
    from the shallowest used, so `##` parts are level 1 whether a `#` title is over them or not (as a Word file's
    Title over its `Heading 1` parts); a fourth depth joins the third. Parsed by markdown-it-py (CommonMark, with
    tables); HTML is skipped.
    """
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    opening = [t for t in tokens if t.type == "heading_open"]
    levels = _heading_levels([t.tag for t in opening], bool(opening) and tokens[0] is opening[0])
    level_of = {id(t): lv for t, lv in zip(opening, levels, strict=True)}
    blocks: list[Block] = []
    level = 0
    row: list[str] | None = None
    for token in tokens:
        if token.type == "heading_open":
            level = level_of[id(token)]
        elif token.type == "heading_close":
            level = 0
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            if any(row):
                blocks.append(Block(_CELL_SEP.join(row)))
            row = None
        elif token.type == "inline" and row is not None:
            row.append(" ".join(_inline_text(token).split()))
        elif token.type == "inline":
            blocks.extend(Block(line.strip(), level=level) for line in _inline_text(token).split("\n") if line.strip())
        elif token.type in ("fence", "code_block"):
            blocks.extend(Block(line.strip()) for line in token.content.split("\n") if line.strip())
    return Extracted(tuple(blocks))


def _heading_levels(tags: list[str], first_opens: bool) -> list[int]:
    """Each heading's level from its tag (`h1`…`h6`): a single `h1` opening the file is its title (0), and the others
    count from the shallowest depth used, up to 3."""
    title = 0 if tags and first_opens and tags.count("h1") == 1 and tags[0] == "h1" else None
    depths = sorted({t for i, t in enumerate(tags) if i != title})
    return [0 if i == title else min(depths.index(t) + 1, 3) for i, t in enumerate(tags)]


# HTML elements whose text is no part of the page a reader sees, and those that end a line of it.
_HTML_HIDDEN = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object")
_HTML_BLOCKS = frozenset(
    [
        "p",
        "div",
        "li",
        "dt",
        "dd",
        "pre",
        "blockquote",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "aside",
        "nav",
        "figure",
        "figcaption",
        "caption",
        "address",
        "ul",
        "ol",
        "dl",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "form",
        "fieldset",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "body",
    ]
)


def extract_html(text: str, where: str) -> Extracted:
    """An HTML page's visible text by blocks (paragraphs, list items, table rows, `<br>` lines), `<h1>`…`<h6>` headings
    marked by level as Markdown's are, scripts and styles dropped. Parsed by lxml (python-docx's own parser)."""
    import lxml.html
    from lxml import etree

    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml takes no encoding declaration in a decoded string
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(
            f"{where} is not a readable HTML page ({_first_line(exc)}): save it again and give that"
        ) from None
    etree.strip_elements(root, *_HTML_HIDDEN, with_tail=False)
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    lines: list[tuple[str, str]] = []  # (text, heading tag or '')
    parts: list[str] = []

    def flush(tag: str = "") -> None:
        line = " ".join("".join(parts).split())
        if line:
            lines.append((line, tag))
        parts.clear()

    def walk(element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "tr":
            flush()
            cells = [" ".join(c.text_content().split()) for c in element if c.tag in ("td", "th")]
            if any(cells):
                lines.append((_CELL_SEP.join(cells), ""))
        elif tag == "br":
            flush()
        else:
            if tag in _HTML_BLOCKS:
                flush()
            parts.append(element.text or "")
            for child in element:
                walk(child)
            if tag in _HTML_BLOCKS:
                flush(tag if re.fullmatch(r"h[1-6]", tag) else "")
        parts.append(element.tail or "")

    walk(root)
    flush()
    heading_tags = [tag for _, tag in lines if tag]
    levels = iter(_heading_levels(heading_tags, bool(lines) and bool(lines[0][1])))
    return Extracted(tuple(Block(line, level=next(levels) if tag else 0) for line, tag in lines))


def _inline_text(token: Any) -> str:
    """An inline run's words without markup: a hard break ends a line; a soft one (the source wrapped) joins the
    lines, with a space only between two letters or digits."""
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "softbreak":
            parts.append("\x00")
    text = "".join(parts)
    return re.sub(r"(?<=[A-Za-z0-9])\x00(?=[A-Za-z0-9])", " ", text).replace("\x00", "")


def _bounded_docx(raw: bytes, where: str, limits: Limits) -> bytes:
    """The .docx rewritten with only its XML parts (inflated within `limits`, else refused) and every other
    part (pictures, fonts, embedded files) emptied, since python-docx reads every part it finds into memory."""
    entries = _zip_entries(raw)
    if entries is None:
        raise InputError(
            f"{where} is not a readable .docx file (BadZipFile: not a zip archive): open it in Word or WPS and save it again"
        )
    if entries > limits.docx_parts:
        raise InputError(
            f"{where} holds {entries} parts, over the {limits.docx_parts} a Word file has: "
            "it is not a normal .docx; open it in Word or WPS and save it again"
        )
    xml_bytes = 0
    elements = 0
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
            members = {info.filename: info for info in source.infolist() if not info.is_dir()}  # the last wins
            for name, info in members.items():
                if not name.lower().endswith((".xml", ".rels")):
                    target.writestr(name, b"")
                    continue
                pieces = []
                with source.open(info) as member:
                    while piece := member.read(_INFLATE_STEP):
                        xml_bytes += len(piece)
                        elements += piece.count(b"<") - piece.count(b"</") - piece.count(b"<?") - piece.count(b"<!")
                        if xml_bytes > limits.docx_xml_bytes or elements > limits.docx_elements:
                            raise _TooBig(xml_bytes, elements)
                        pieces.append(piece)
                target.writestr(name, b"".join(pieces))
    except _TooBig as big:
        what = (
            f"expands to over {limits.docx_xml_bytes // 2**20} MB of XML"
            if big.size > limits.docx_xml_bytes
            else f"holds over {limits.docx_elements:,} XML elements"
        )
        raise InputError(
            f"{where} {what}, far beyond a normal Word file (a zip bomb?): split the document, or open it in "
            "Word or WPS and save it again"
        ) from None
    except Exception as exc:  # a damaged archive: bad CRC, truncated member, unsupported compression, ...
        raise InputError(
            f"{where} is not a readable .docx file ({_first_line(exc)}): open it in Word or WPS and save it again"
        ) from None
    return out.getvalue()


class _TooBig(Exception):
    def __init__(self, size: int, elements: int) -> None:
        super().__init__(size, elements)
        self.size = size
        self.elements = elements


def _zip_entries(raw: bytes) -> int | None:
    """The entry count a zip's end record declares (read before `zipfile` builds one object per entry), or None
    when there is no end record; a zip64 archive, which no Word file needs, counts as too many."""
    end = raw.rfind(b"PK\x05\x06", max(0, len(raw) - 65_557))  # the record is 22 bytes plus a comment < 64 KB
    if end < 0 or end + 22 > len(raw):
        return None
    count = int.from_bytes(raw[end + 10 : end + 12], "little")
    return 2**32 if count == 0xFFFF else count


# A stream's data starts after the `stream` keyword and its end of line; `endstream` is not a start.
_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_FONT_OR_OBJECTS = re.compile(rb"/Length[123]\b|/Subtype\s*/(?:Type1C|CIDFontType0C|OpenType)\b|/Type\s*/ObjStm\b")


def _check_pdf_streams(raw: bytes, where: str, limits: Limits) -> None:
    """Refuse a PDF whose zlib streams inflate past `limits`, before pdfminer inflates them whole in memory.

    Every stream is inflated here a megabyte at a time and only counted; a stream that is not zlib data
    (a JPEG picture, plain text) stops at its first byte. A stream's kind (and so its cap) comes from its
    dictionary, the bytes between the last `<<` before it and the keyword.
    """
    total = 0
    for match in _STREAM.finditer(raw):
        head = raw[max(0, match.start() - 2048) : match.start()]
        head = head[head.rfind(b"<<") :]
        if _IMAGE.search(head):
            cap, kind = limits.pdf_image_bytes, "a picture"
        elif _FONT_OR_OBJECTS.search(head):
            cap, kind = limits.pdf_font_bytes, "a font or object stream"
        else:
            cap, kind = limits.pdf_content_bytes, "page content"
        size = _inflated_size(raw, match.end(), cap + 1)
        total += size
        if size > cap or total > limits.pdf_total_bytes:
            what = (
                f"{kind} that inflates to over {cap // 2**20} MB"
                if size > cap
                else f"streams that inflate to over {limits.pdf_total_bytes // 2**20} MB in all"
            )
            raise InputError(
                f"{where} holds {what}, far beyond a normal PDF's (a compression bomb?): "
                "print it to a new PDF, or split it, and give that"
            )


def _inflated_size(raw: bytes, start: int, cap: int) -> int:
    """Bytes the zlib data at `raw[start:]` inflates to, counted up to `cap`; 0 when it is not zlib data."""
    inflater = zlib.decompressobj()
    size = 0
    pos = start
    try:
        while pos < len(raw) and not inflater.eof and size < cap:
            pending = raw[pos : pos + _INFLATE_STEP]
            pos += len(pending)
            while pending and size < cap:
                size += len(inflater.decompress(pending, _INFLATE_STEP))
                pending = inflater.unconsumed_tail
                if inflater.eof:
                    break
    except zlib.error:
        pass  # not zlib (or damaged): pdfminer says so, or its data ends here
    return size


def _heading_styles(document: Any) -> dict[str, int]:
    """The heading level of each paragraph style id that makes a heading, read once: python-docx looks a
    paragraph's style up by walking every style, which took 60% of the time on a long document."""
    levels = {}
    for style in document.styles:
        match = _HEADING_STYLE.match(style.name.strip()) if style.name else None
        if match and style.style_id:
            levels[style.style_id] = int(match.group(1))
    return levels


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
