"""Loading: read a file or folder, decode it, clean invisible characters and find the letter's structure."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path

from qa.errors import InputError
from qa.script import simplified
from qa.types import Document, Heading, Span, Structure

TEXT_SUFFIXES = (".txt", ".md")
SAMPLE_CHARS = 20000  # how much of a decode the checks for garbage read
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

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
_DATE = re.compile(
    r"^(?:\d{4}|[〇零一二三四五六七八九]{4})年[\d〇零一二三四五六七八九十]{1,3}月[\d〇零一二三四五六七八九十]{1,3}日$"
)
# An article's opening name: 2-15 characters, then a bracket, a comma or the copula describing it
# (`蓝线裸顶鲷，又称…`, `夜来香（学名：…）是…`, `斯氏腔吻鳕为…`), in its first sentence.
_SUBJECT = re.compile(r"\s*([^，,。；;：:！？!?（(“”《》\s]{2,15}?)(?:（|\(|，|,|是|为|又称|别名)")
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
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{path} is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB limit: split it")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path} ({exc.strerror}): check that it exists and is readable") from None
    return document_from_bytes(raw, doc_id, where=str(path))


def document_from_bytes(raw: bytes, doc_id: str, where: str = "input") -> Document:
    """Decode and clean raw bytes into a Document whose structure is detected."""
    text = clean_text(decode_bytes(raw, where))
    if not text.strip():
        raise InputError(f"{where} is empty (or only whitespace): give a file with text in it")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(doc_id=doc_id, text=text, sha256=sha, structure=detect_structure(text))


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
    if addressee is None and proposal is None and (m := _SUBJECT.match(text, first_start)) is not None:
        subject = Span(m.start(1), m.end(1))
    return Structure(addressee, proposal, date, _find_sender(text, lines, date), headings, subject)


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
