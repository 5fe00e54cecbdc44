"""Loading: read a file or folder, decode it, clean invisible characters and find the letter's structure."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from pathlib import Path

from qa.errors import InputError
from qa.types import Document, Heading, Span, Structure

TEXT_SUFFIXES = (".txt", ".md")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

# Invisible characters that change what a reader sees or hide text: zero-width, bidi controls, tags.
_INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000e0000-\U000e007f]"
)
_BINARY_MAGIC = (b"\x89PNG", b"%PDF", b"PK\x03\x04", b"\xff\xd8\xff", b"GIF8", b"\x7fELF")

_CN_NUM = "一二三四五六七八九十"
_H1 = re.compile(rf"^[{_CN_NUM}]+、")
_H2 = re.compile(rf"^[（(][{_CN_NUM}]+[）)]")
_H3 = re.compile(r"^\d{1,2}[.、．]\D")
_ADDRESSEE = re.compile(r"^(?:尊敬的)?[^\s，。,:：]{1,30}[：:]\s*$")
_DATE = re.compile(r"^(?:\d{4}|[〇零一二三四五六七八九]{4})年[\d〇零一二三四五六七八九十]{1,3}月[\d〇零一二三四五六七八九十]{1,3}日$")
_PROPOSAL = re.compile(r"(?:提出的|关于)[“\"]([^”\"]{2,80})[”\"]")
_ORG = re.compile(r"[\u4e00-\u9fff]{2,10}?(?:教育局|人民政府|教育厅|委员会|办公室|局|厅)")


def load_path(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Document]:
    """Load a `.txt`/`.md` file, or every such file below a folder (doc ids are relative paths)."""
    root = Path(path).expanduser()
    if not root.exists():
        raise InputError(f"{root} does not exist: give a .txt/.md file or a folder of them")
    if root.is_file():
        return [load_file(root, root.name, max_bytes)]
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
    if not files:
        raise InputError(f"{root} holds no .txt or .md files: point at a file or a folder of them")
    return [load_file(p, p.relative_to(root).as_posix(), max_bytes) for p in files]


def load_file(path: Path, doc_id: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read, decode and clean one file; refuse empty, binary and oversized ones."""
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(f"{path} is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB limit: split it")
    raw = path.read_bytes()
    return document_from_bytes(raw, doc_id, where=str(path))


def document_from_bytes(raw: bytes, doc_id: str, where: str = "input") -> Document:
    """Decode and clean raw bytes into a Document whose structure is detected."""
    text = clean_text(decode_bytes(raw, where))
    if not text.strip():
        raise InputError(f"{where} is empty (or only whitespace): give a file with text in it")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(doc_id=doc_id, text=text, sha256=sha, structure=detect_structure(text))


def decode_bytes(raw: bytes, where: str = "input") -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, then GB18030; refuse binary or mojibake."""
    if not raw.strip():
        raise InputError(f"{where} is empty (or only whitespace): give a file with text in it")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{where} starts with a UTF-16 mark but is not UTF-16: re-save it as UTF-8") from None
    if raw.startswith(_BINARY_MAGIC) or b"\x00" in raw[:8192]:
        raise InputError(f"{where} is a binary file, not text: give a .txt/.md file")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    return _decode_by_detection(raw, where)


def _decode_by_detection(raw: bytes, where: str) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is not None:
        text = str(best)
        if _looks_like_text(text):
            return text
    raise InputError(
        f"{where} is not readable text in UTF-8, UTF-16 or GB18030: re-save it as UTF-8"
    )


def _looks_like_text(text: str) -> bool:
    """False for decodes that are mostly control characters or rare code points (mojibake)."""
    if not text:
        return False
    sample = text[:20000]
    bad = sum(1 for ch in sample if _is_suspicious(ch))
    return bad / len(sample) < 0.02


def _is_suspicious(ch: str) -> bool:
    if ch in "\n\r\t":
        return False
    category = unicodedata.category(ch)
    if category in ("Cc", "Co", "Cs", "Cn"):
        return True
    # Characters from the CJK extension blocks and private/compatibility areas are what wrong
    # GB18030 decodes of other encodings produce; real Chinese prose almost never uses them.
    code = ord(ch)
    return 0x3400 <= code <= 0x4DBF or 0xE000 <= code <= 0xF8FF or code >= 0x20000


def clean_text(text: str) -> str:
    """Normalise newlines and drop control, zero-width, bidi-override and tag characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


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
    """Find the addressee line, the proposal title, numbered headings, signer and signing date."""
    lines = iter_lines(text)
    if not lines:
        return Structure()
    headings = tuple(
        Heading(level, start, end, line) for start, end, line in lines if (level := heading_level(line))
    )
    first_start, first_end, first = lines[0]
    addressee = None
    if _ADDRESSEE.match(first):
        name_end = first_end - 1  # drop the trailing colon
        name_start = first_start + (3 if first.startswith("尊敬的") else 0)
        addressee = Span(name_start, name_end)
    proposal = None
    head = text[: min(len(text), 600)]
    if (m := _PROPOSAL.search(head)) is not None:
        proposal = Span(m.start(1), m.end(1))
    date = None
    last_start, last_end, last = lines[-1]
    if _DATE.match(last):
        date = Span(last_start, last_end)
    return Structure(addressee, proposal, date, _find_sender(text, lines, date), headings)


def _find_sender(text: str, lines: list[tuple[int, int, str]], date: Span | None) -> Span | None:
    """The signature line above the date, else the organisation the letter names most often."""
    if date is not None and len(lines) >= 2:
        start, end, line = lines[-2]
        if len(line) <= 30 and not line.endswith(("。", "；", ";", ":", "：")) and _ORG.search(line):
            return Span(start, end)
    counts = Counter(m.group(0) for m in _ORG.finditer(text))
    if not counts:
        return None
    name, seen = counts.most_common(1)[0]
    if seen < 2:
        return None
    first = text.index(name)
    return Span(first, first + len(name))
