"""Loading: read a file or folder, decode it, clean invisible characters and find the letter's structure."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import replace
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from qa.errors import InputError
from qa.script import simplified
from qa.types import Document, Heading, Span, Structure

if TYPE_CHECKING:
    from qa.formats import Block, Extracted

log = logging.getLogger("qa")

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")  # read by OCR (`qa.ocr`, the `ocr` extra)
# Images count as documents only when the OCR extra is installed: without it a folder's pictures are not
# documents, and the page does not offer image uploads. (find_spec looks the package up without importing it.)
OCR = find_spec("rapidocr_onnxruntime") is not None
SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx", *(IMAGE_SUFFIXES if OCR else ()))
TEXT_SUFFIXES = SUFFIXES  # the older name, which qa/api.py lists a folder's files by
FORMATS = ".txt, .md, .html, .pdf or .docx"  # for messages (images, when OCR reads them, are the rarer case)
SAMPLE_CHARS = 20000  # how much of a decode the checks for garbage read
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_WEB_PAGES = (".xhtml", ".mhtml", ".mht", ".shtml")  # saved pages of other kinds

_NEWLINES = re.compile("\r\n?|[\x85\u2028\u2029]")
# Characters a reader cannot see that can still hide or reorder text: C0/C1 controls (not tab and
# newline), every format character (zero-width, bidi overrides and isolates, tags, soft hyphen, BOM),
# variation selectors (used to smuggle bytes) and the Hangul fillers that render as blanks.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # controls
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f"  # format characters (Cf)
    "\u034f\ufe00-\ufe0f\U000e0100-\U000e01ef"  # grapheme joiner, variation selectors
    "\u115f\u1160\u3164\uffa0]"  # Hangul fillers
)
_CJK = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_SPACED_HAN = re.compile("[\u4e00-\u9fff] (?=[\u4e00-\u9fff])")
# A UTF-8 continuation byte (0x80-0xBF) as Latin-1 or cp1252 reads it; three-byte CJK sequences
# misread that way become one of `ã`..`é` followed by two of these.
_CONTINUATION = "".join(
    sorted(
        {bytes([b]).decode("latin-1") for b in range(0x80, 0xC0)}
        | {bytes([b]).decode("cp1252") for b in range(0x80, 0xC0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
    )
)
_DOUBLE_ENCODED_CJK = re.compile(f"[\u00e3-\u00e9][{re.escape(_CONTINUATION)}]{{2}}")
_BINARY_MAGIC = (b"\x89PNG", b"%PDF", b"PK\x03\x04", b"\xff\xd8\xff", b"GIF8", b"\x7fELF")

_CN_NUM = "一二三四五六七八九十"
_H1 = re.compile(rf"^[{_CN_NUM}]+、")
_H2 = re.compile(rf"^[（(][{_CN_NUM}]+[）)]")
_H3 = re.compile(r"^\d{1,2}[.、．]\D")
_ADDRESSEE = re.compile(r"^(?:尊敬的)?[^\s，。,:：]{1,30}[：:]\s*$")
# A document's addressees under its title (`…的通知` over `各县（市、区）文化和旅游局，各有关景区、旅行社：`): one
# line of names, none over 30 characters, ending in a colon; not a sentence that announces a list (`通知如下：`).
_ADDRESSEES = re.compile(r"^(?:[^\s，。,:：；;、]{1,30}[，,、])*[^\s，。,:：；;、]{1,30}[：:]\s*$")
_ANNOUNCES = re.compile(r"如下|以下|下列|如次|是[：:]|有[：:]")
_TITLE_END = "。！？!?；;：:，,"
_DATE = re.compile(
    r"^(?:\d{4}|[〇零一二三四五六七八九]{4})年[\d〇零一二三四五六七八九十]{1,3}月[\d〇零一二三四五六七八九十]{1,3}日$"
)
# An article's opening name: 2-15 characters, then a bracket, a comma or the copula describing it
# (`蓝线裸顶鲷，又称…`, `夜来香（学名：…）是…`, `斯氏腔吻鳕为…`), in its first sentence.
_SUBJECT = re.compile(r"\s*([^，,。；;：:！？!?（(“”《》\s]{2,15}?)(?:（|\(|，|,|是|为|又称|别名)")
_PROPOSAL = re.compile(r"(?:提出的|关于)[“\"]([^”\"]{2,80})[”\"]")
_ORG = re.compile(r"[\u4e00-\u9fff]{2,10}?(?:教育局|人民政府|教育厅|委员会|办公室|局|厅)")


def load_path(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Document]:
    """Load a .txt/.md/.pdf/.docx file, or every such file below a folder (doc ids are relative paths)."""
    root = Path(path).expanduser()
    if not root.exists():
        raise InputError(f"{root} does not exist: give a {FORMATS} file or a folder of them")
    if root.is_file():
        return [load_file(root, root.name, max_bytes)]
    found = files_below(root)
    files = [p for p in found if p.suffix.lower() in SUFFIXES]
    old_word = [p.relative_to(root).as_posix() for p in found if p.suffix.lower() == ".doc"]
    if not files:
        hint = f" (only old Word files such as {old_word[0]}: save them as .docx)" if old_word else ""
        raise InputError(f"{root} holds no {FORMATS} files{hint}: point at a file or a folder of them")
    for name in old_word:
        log.warning("skipped %s: old Word .doc files are not read; save it as .docx to include it", name)
    return [load_file(p, p.relative_to(root).as_posix(), max_bytes) for p in files]


def files_below(root: Path) -> list[Path]:
    """Every file below folder `root`, sorted; a symlink that leads out of `root` is skipped with a note.

    A folder handed over for indexing says what may be read: a link in it to `/etc/passwd` or `~/.ssh`
    would otherwise put that file's text in the collection, where every question can quote it.
    """
    inside = root.resolve()
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        target = path.resolve()
        if not target.is_relative_to(inside):
            shown = path.relative_to(root).as_posix()
            log.warning("skipped %s: it links to %s, outside %s; copy the file in to include it", shown, target, root)
            continue
        found.append(path)
    return found


def load_file(path: Path, doc_id: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read, extract or decode, and clean one file by its suffix; refuse empty, binary, damaged and oversized ones."""
    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise InputError(f"{path} is an old Word .doc file: open it in Word or WPS, save it as .docx and give that")
    # A file of another kind decodes as text only with its markup in it (an .html page's tags and styles, which
    # answers would quote): refused, as a folder skips it and the page's upload refuses it. A name without a
    # suffix is taken as plain text.
    if suffix and suffix not in (*SUFFIXES, *IMAGE_SUFFIXES):
        how = "save the page as .html or print it to PDF" if suffix in _WEB_PAGES else "save it as one of those"
        raise InputError(f"{path} is a {suffix} file, which is not read (only {FORMATS}): {how} and give that")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{path} is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB limit: split it")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path} ({exc.strerror}): check that it exists and is readable") from None
    if suffix == ".pdf":
        from qa.formats import extract_pdf

        extracted = extract_pdf(raw, str(path))
        if extracted.scanned:  # pages without a text layer: a scan, whole or in part
            from qa.ocr.scan import read_pdf_scans

            extracted = read_pdf_scans(raw, extracted, str(path))
        return document_from_extracted(extracted, doc_id, where=str(path))
    if suffix in IMAGE_SUFFIXES:
        from qa.ocr.scan import read_image

        return document_from_extracted(read_image(raw, str(path)), doc_id, where=str(path))
    if suffix == ".docx":
        from qa.formats import extract_docx

        return document_from_extracted(extract_docx(raw, str(path)), doc_id, where=str(path))
    if suffix == ".md":
        return document_from_markdown(raw, doc_id, where=str(path))
    if suffix in (".html", ".htm"):
        return document_from_html(raw, doc_id, where=str(path))
    return document_from_bytes(raw, doc_id, where=str(path))


def document_from_bytes(raw: bytes, doc_id: str, where: str = "input") -> Document:
    """Decode and clean raw bytes into a Document whose structure is detected."""
    text = clean_text(decode_bytes(raw, where))
    if not text.strip():
        raise InputError(f"{where} is empty (or only whitespace): give a file with text in it")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(doc_id=doc_id, text=text, sha256=sha, structure=detect_structure(text))


def document_from_markdown(raw: bytes, doc_id: str, where: str = "input") -> Document:
    """A Markdown file as its reader sees it: headings marked by `#` are parts, markup is dropped. Past
    `qa.formats.LIMITS.markdown_bytes` it is read as plain text, markup and all, with a note."""
    from qa.formats import LIMITS, extract_markdown

    if len(raw) > LIMITS.markdown_bytes:
        log.warning(
            "%s is over %d MB: read as plain text, its Markdown headings not taken as parts",
            where,
            LIMITS.markdown_bytes // 2**20,
        )
        return document_from_bytes(raw, doc_id, where)
    return document_from_extracted(extract_markdown(clean_text(decode_bytes(raw, where))), doc_id, where)


def document_from_html(raw: bytes, doc_id: str, where: str = "input") -> Document:
    """An HTML page's visible text, its `<hN>` headings as parts; refused past `qa.formats.LIMITS.html_bytes`."""
    from qa.formats import LIMITS, extract_html

    if len(raw) > LIMITS.html_bytes:
        raise InputError(
            f"{where} is over {LIMITS.html_bytes // 2**20} MB of HTML, far beyond a saved page: "
            "save its text as .txt or print it to PDF and give that"
        )
    return document_from_extracted(extract_html(decode_bytes(raw, where), where), doc_id, where)


def document_from_extracted(extracted: Extracted, doc_id: str, where: str = "input") -> Document:
    """A Document from a PDF's, Word, Markdown or HTML file's lines: cleaned, radicals folded, wrapped lines rejoined,
    pages marked; one without text is refused.

    Headings the format marks (Word's styles, `#`, `<hN>`) join the numbered ones `detect_structure` finds in the text.
    """
    text, page_starts, styled, placed = _assemble(extracted)
    if not text.strip():
        if extracted.scanned:
            raise InputError(f"{where}: OCR found no text on its {len(extracted.scanned)} scanned page(s)")
        if extracted.pages:
            raise InputError(f"{where} has no text layer (a scan?): run OCR first, then add the text")
        raise InputError(f"{where} is empty (or only whitespace): give a file with text in it")
    structure = detect_structure(text)
    if styled:
        by_start = {h.start: h for h in structure.headings} | {h.start: h for h in styled}
        structure = replace(structure, headings=tuple(sorted(by_start.values(), key=lambda h: h.start)))
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if extracted.source and placed:  # OCR'd lines: keep where each one is, for citations' boxes
        from qa.ocr.cache import placed as layout
        from qa.ocr.cache import save_layout

        save_layout(sha, layout(placed, extracted.source))
    return Document(doc_id=doc_id, text=text, sha256=sha, structure=structure, page_starts=page_starts)


Placement = tuple[int, int, int, tuple[float, float, float, float], float]  # start, end, page, box, score


def _assemble(extracted: Extracted) -> tuple[str, tuple[int, ...], tuple[Heading, ...], list[Placement]]:
    """The text of the blocks, where each page after the first starts in it, the styled headings, and where
    each OCR'd line (a block with a box) landed in the text."""
    lines = [(fold_compatibility(clean_text(block.text).strip()), block) for block in extracted.blocks]
    lines = [(line, block) for line, block in lines if line]
    if extracted.hard_wrapped:
        lines = _without_page_numbers(lines)
    full = 0.8 * max((_width(line) for line, _ in lines), default=0.0)
    parts: list[str] = []
    pos = 0
    page_start: dict[int, int] = {}
    headings: list[Heading] = []
    placed: list[Placement] = []
    for i, (line, block) in enumerate(lines):
        if i:
            before = lines[i - 1][0]
            sep = _joiner(before, line) if extracted.hard_wrapped and _runs_on(before, line, full) else "\n"
            parts.append(sep)
            pos += len(sep)
        page_start.setdefault(block.page, pos)
        if block.level:
            headings.append(Heading(block.level, pos, pos + len(line), line))
        if block.box is not None:
            placed.append((pos, pos + len(line), block.page, block.box, block.score or 0.0))
        parts.append(line)
        pos += len(line)
    # A page without text (a picture, a blank) starts where the next page with text does.
    starts = tuple(
        min((at for page, at in page_start.items() if page >= number), default=pos)
        for number in range(2, extracted.pages + 1)
    )
    return "".join(parts), starts, tuple(headings), placed


# Code points that CJK fonts map some glyphs to instead of the everyday character: Kangxi radicals (`⾼`
# U+2F7C for `高`), radical supplement forms (`⻣` U+2EE3 for `骨`) and compatibility ideographs. A PDF printed
# with such a font gives them back, and a search for `高` never finds `⾼`. NFKC maps each Kangxi radical and
# compatibility ideograph to its character; it is applied to these ranges alone, since on the whole text it
# would also turn full-width punctuation `，：（` into ASCII.
_COMPATIBILITY = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")
# NFKC leaves most radical supplement forms alone. These are the ideographs the Noto CJK fonts (Sans and Serif,
# every language) draw with the same glyph as each form, so the ones their PDFs can hold in its place.
_RADICAL_FORMS = str.maketrans(
    "⺂⺃⺅⺉⺎⺏⺐⺒⺓⺔⺕⺖⺘⺙⺛⺞⺟⺠⺡⺣⺤⺦⺨⺫⺭⺯⺰⺱⺲⺹⺺⺾⺿⻁⻂⻃⻄⻅⻆⻈⻉⻋⻌⻍⻎⻐⻑⻒⻓⻔⻖⻘⻙⻚⻛⻜⻝⻟⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻭⻮⻯⻰⻱⻲⻳",
    "乛乚亻刂兀尣尢巳幺彑彐忄扌攵旡歺母民氵灬爫丬犭罒礻糹纟罓罒耂肀艹艹虎衤覀西见角讠贝车辶辶辶钅長镸长门阝青韦页风飞食飠饣马骨鬼鱼鸟卤麦黄黾斉齐歯齿竜龙龜亀龟",
)


def fold_compatibility(text: str) -> str:
    """Kangxi radicals, radical forms and compatibility ideographs as the characters they stand for (`⾼` -> `高`)."""
    return _COMPATIBILITY.sub(_fold_one, text)


def _fold_one(match: re.Match[str]) -> str:
    char = match.group()
    folded = unicodedata.normalize("NFKC", char)
    return folded if folded != char else char.translate(_RADICAL_FORMS)


# What a sentence or paragraph ends with (before closing quotes and brackets): a line ending so is a line
# the author ended. `.` only after a non-digit, so `3.` wrapped before `5亿元` still runs on.
_SENTENCE_END = re.compile(r"(?:[。！？；：…!?;:]|(?<!\d)\.)[”’\"'）)》」』】]*$")
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–]\s*)?\d{1,4}(?:\s*[-—–])?$|^第\s*\d{1,4}\s*页(?:\s*[，,/／]?\s*共\s*\d{1,4}\s*页)?$"
)


def _runs_on(line: str, following: str, full: float) -> bool:
    """Whether a PDF line was cut by the page width, so its sentence goes on in the next line.

    It did when it fills the width (a paragraph's last line is shorter) and ends with no sentence mark;
    a heading (`一、总体情况`, `（一）经费保障`) or a date line is never joined to its neighbours.
    """
    if _width(line) < max(full, 10.0) or _SENTENCE_END.search(line):
        return False
    return not (heading_level(line) or heading_level(following) or _DATE.match(following))


def _joiner(line: str, following: str) -> str:
    """Nothing between Chinese characters; a space where a Latin word or number was wrapped."""
    return (
        " " if line[-1].isascii() and line[-1].isalnum() and following[0].isascii() and following[0].isalnum() else ""
    )


def _width(line: str) -> float:
    """Printed width in ems: a Chinese character is one, a Latin letter or digit about half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in line)


def _without_page_numbers(lines: list[tuple[str, Block]]) -> list[tuple[str, Block]]:
    """Drop a page's first or last line when it is only its number (`- 3 -`, `第3页 共5页`): not the letter's text."""
    keep = []
    for i, (line, block) in enumerate(lines):
        first = i == 0 or lines[i - 1][1].page != block.page
        last = i == len(lines) - 1 or lines[i + 1][1].page != block.page
        if not ((first or last) and _PAGE_NUMBER.match(line)):
            keep.append((line, block))
    return keep


def decode_bytes(raw: bytes, where: str = "input") -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with BOM, else GB18030, else Big5; refuse binary and mojibake.

    A NUL anywhere refuses the file. Nothing is guessed beyond that: a decode that would put garbage in front
    of a reader (Shift-JIS or Latin-1 read as Chinese, UTF-8 that was once misread as Latin-1) is refused
    with the fix.
    """
    # One rule for NUL, wherever it sits (not only in the first few KB): no text file holds one, so the file
    # is refused, never silently cleaned. UTF-16 has NUL bytes in every ASCII character (`a` is `a\x00`), so
    # there the rule applies to the decoded text.
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{where} starts with a UTF-16 mark but is not UTF-16: re-save it as UTF-8") from None
        if "\x00" in text:
            raise InputError(f"{where} holds NUL characters, so it is binary, not text: give a .txt/.md file")
        return _checked(text, where)
    if raw.startswith(_BINARY_MAGIC):
        raise InputError(f"{where} is a binary file, not text: give a .txt/.md file")
    if b"\x00" in raw:
        raise InputError(
            f"{where} holds NUL bytes, so it is binary or UTF-16 without a byte-order mark: re-save it as UTF-8"
        )
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    else:
        _refuse_double_encoding(text, where)
        return _checked(text, where)
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and _looks_like_text(text) and _looks_like_chinese(text):
        return text
    traditional = _big5(raw)
    if traditional:
        return traditional
    raise InputError(
        f"{where} is neither UTF-8 (bad byte at offset {utf8_error.start}) nor GB18030/GBK or Big5 Chinese"
        f"{_guess(raw)}: re-save it as UTF-8"
    )


BIG5_MIN_COMMON = 0.95


def _big5(raw: bytes) -> str:
    """The Big5 (traditional Chinese) reading of `raw` when it is plainly Chinese, else ''.

    Judged like GB18030 but on its simplified form (OpenCC), since the common-character table is simplified;
    tried only after GB18030 failed, so GBK text is never read as Big5.
    """
    try:
        text = raw.decode("big5hkscs")
    except UnicodeDecodeError:
        return ""
    sample = text[:SAMPLE_CHARS]
    converted = simplified(sample)
    if converted == sample or not _looks_like_text(text):
        return ""  # no converter, or nothing traditional about it: not evidence of Big5
    # Real traditional prose, simplified, is over 99% common characters; other double-byte encodings read
    # as Big5 land on its frequent-character block, which simplifies to common characters far less often.
    return text if _looks_like_chinese(converted, min_common=BIG5_MIN_COMMON) else ""


def _checked(text: str, where: str) -> str:
    if not text.strip():
        raise InputError(f"{where} is empty (or only whitespace): give a file with text in it")
    if not _looks_like_text(text):
        raise InputError(f"{where} is mostly control or unassigned characters, not text: give a .txt/.md file")
    return text


def _guess(raw: bytes) -> str:
    """`" (it looks like Shift-JIS)"`, for the refusal message only; never used to decode."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:65536]).best()
    return f" (it looks like {best.encoding})" if best is not None else ""


def _refuse_double_encoding(text: str, where: str) -> None:
    """UTF-8 that was read as Latin-1/cp1252 and saved again (`æ–‡` for `文`) is valid UTF-8 yet garbage."""
    sample = text[:SAMPLE_CHARS]
    triples = _DOUBLE_ENCODED_CJK.findall(sample)
    if len(triples) >= 3 and 3 * len(triples) > 0.2 * len(sample.strip()):
        raise InputError(
            f"{where} is double-encoded UTF-8 (it reads {''.join(triples[:3])!r} where Chinese was meant): "
            "re-save the original as UTF-8"
        )


def _looks_like_text(text: str) -> bool:
    """False for decodes that are mostly control, private-use or unassigned characters."""
    sample = text[:SAMPLE_CHARS]
    bad = sum(1 for ch in sample if _is_suspicious(ch))
    # Stray controls are cleaned away later; binary data read as text has far more than this.
    return bad / max(1, len(sample)) < 0.1


def _is_suspicious(ch: str) -> bool:
    if ch in "\n\r\t":
        return False
    return unicodedata.category(ch) in ("Cc", "Co", "Cs", "Cn")


def _looks_like_chinese(text: str, min_common: float = 0.5) -> bool:
    """Most non-ASCII characters of a GB18030 decode are common Chinese, else the bytes were something else.

    GB2312's level-1 characters and symbol rows cover over 99% of modern Chinese prose; Shift-JIS,
    Latin-1 or random bytes read as GB18030 land there less than a fifth of the time. EUC-KR Korean
    also reads as common characters, but with a space every few of them, which Chinese never has, and
    EUC-JP Japanese too, but with kana.
    """
    sample = text[:SAMPLE_CHARS]
    wide = [ch for ch in sample if ord(ch) > 0x7F]
    common = _common_chinese()
    if not wide or sum(ch in common for ch in wide) / len(wide) < min_common:
        return False
    # EUC-JP shares GB2312's kana rows and lands its kanji on common characters; Chinese has no kana.
    if sum("\u3040" <= ch <= "\u30ff" for ch in wide) > 0.05 * len(wide):
        return False
    # EUC-KR Hangul lands on common GB2312 characters; Korean's spaces between words give it away.
    spaced = len(_SPACED_HAN.findall(sample))
    return spaced / max(1, len(_CJK.findall(sample))) < 0.05


@cache
def _common_chinese() -> frozenset[str]:
    rows = [*range(0xA1, 0xAA), *range(0xB0, 0xD8)]
    chars = set()
    for hi in rows:
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


def clean_text(text: str) -> str:
    """Normalise newlines and drop control, format (zero-width, bidi, tag), variation-selector and filler characters.

    Only removals and newline mapping happen, never NFKC: what is kept is exactly what was there,
    and the cleaned text is the one every offset refers to.
    """
    text = _NEWLINES.sub("\n", text)
    return _INVISIBLE.sub("", text)


def heading_level(line: str) -> int:
    """1 for `一、…`, 2 for `（一）…`/`(一)…`, 3 for `1.…`; 0 when the line is not a heading."""
    stripped = line.strip()
    if not stripped or len(stripped) > 60 or stripped.endswith(("。", "；", ";")):
        return 0
    if _H1.match(stripped):
        return 1
    if _H2.match(stripped):
        return 2
    if _H3.match(stripped) and len(stripped) <= 40:
        return 3
    return 0


def iter_lines(text: str) -> list[tuple[int, int, str]]:
    """Each non-blank line as (start, end, stripped text), offsets trimmed to the stripped text."""
    out = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = pos + line.index(stripped)
            out.append((start, start + len(stripped), stripped))
        pos += len(line) + 1
    return out


def detect_structure(text: str) -> Structure:
    """Find the addressee line, the proposal title, numbered headings, signer, signing date, or an article's subject."""
    lines = iter_lines(text)
    if not lines:
        return Structure()
    headings = tuple(Heading(level, start, end, line) for start, end, line in lines if (level := heading_level(line)))
    first_start, first_end, first = lines[0]
    addressee = None
    if _ADDRESSEE.match(first):
        name_end = first_end - 1  # drop the trailing colon
        name_start = first_start + (3 if first.startswith("尊敬的") else 0)
        addressee = Span(name_start, name_end)
    elif len(lines) > 1 and _is_title(first) and _ADDRESSEES.match(lines[1][2]) and not _ANNOUNCES.search(lines[1][2]):
        addressee = Span(lines[1][0], lines[1][1] - 1)
    proposal = None
    head = text[: min(len(text), 600)]
    if (m := _PROPOSAL.search(head)) is not None:
        proposal = Span(m.start(1), m.end(1))
    date = None
    last_start, last_end, last = lines[-1]
    if _DATE.match(last):
        date = Span(last_start, last_end)
    subject = None
    # A letter is about its proposal, not about whatever its first sentence happens to open with.
    opens = addressee is not None and addressee.start <= first_end  # a salutation, not addressees under a title
    if not opens and proposal is None and (m := _SUBJECT.match(text, first_start)) is not None:
        subject = Span(m.start(1), m.end(1))
    return Structure(addressee, proposal, date, _find_sender(text, lines, date), headings, subject)


def _is_title(line: str) -> bool:
    """Whether a first line reads as a document's title: short, and no sentence or clause ends it."""
    return len(line) <= 80 and not line.endswith(tuple(_TITLE_END)) and heading_level(line) == 0


# The body a title opens with (`南溪县第一中学2024年度工作报告`, `中原智造装备有限公司2025年员工…计划`), before a year, `关于`
# or what the document is.
_TITLE_ORG = re.compile(
    r"([\u4e00-\u9fff（）()]{2,24}?(?:有限公司|公司|集团|人民政府|政府|局|厅|委员会|办公室|中学|小学|大学|学院|学校|医院|中心))"
    r"(?=关于|\d{4}|[〇零一二三四五六七八九]{4}年|年度|工作|员工|职工|印发|转发)"
)


def _find_sender(text: str, lines: list[tuple[int, int, str]], date: Span | None) -> Span | None:
    """The signature line above the date, else the body a title opens with, else the organisation the text names
    most often."""
    if date is not None and len(lines) >= 2:
        start, end, line = lines[-2]
        if len(line) <= 30 and not line.endswith(("。", "；", ";", ":", "：")) and _ORG.search(line):
            return Span(start, end)
    title_start, title = lines[0][0], lines[0][2]
    if _is_title(title) and (m := _TITLE_ORG.match(title)) is not None:
        return Span(title_start + m.start(1), title_start + m.end(1))
    counts = Counter(m.group(0) for m in _ORG.finditer(text))
    if not counts:
        return None
    name, seen = counts.most_common(1)[0]
    if seen < 2:
        return None
    first = text.index(name)
    return Span(first, first + len(name))
