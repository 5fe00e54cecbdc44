"""Loading hostile files: every encoding of the letter reads the same; bad files are refused in one line."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa import QA, InputError
from qa.chunking import chunk_document
from qa.cli import main
from qa.loading import clean_text, decode_bytes, document_from_bytes, load_path
from qa.settings import BUNDLED_LETTER

PROPERTY = settings(max_examples=150)  # derandomized under CI by the profile in conftest.py

LETTER = BUNDLED_LETTER.read_text(encoding="utf-8")
QUESTIONS = ["郑州市有多少所中职学校通过了标准化建设工程验收？", "这封信是写给谁的？", "答复单位是谁？"]

ENCODINGS = {
    "utf-8": LETTER.encode("utf-8"),
    "utf-8-bom": b"\xef\xbb\xbf" + LETTER.encode("utf-8"),
    "gbk": LETTER.encode("gbk"),
    "gb18030": LETTER.encode("gb18030"),
    "utf-16-le-bom": LETTER.encode("utf-16"),
    "utf-16-be-bom": b"\xfe\xff" + LETTER.encode("utf-16-be"),
    "crlf": LETTER.replace("\n", "\r\n").encode("utf-8"),
}

# Invisible characters of every kind the cleaner removes: controls, zero-width, bidi, tags, selectors.
# (NUL is not among them: a NUL byte makes a file binary.)
INVISIBLE = (
    "\x07\x1b\x7f\x9b\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2066\u2067\u2068\u2069\ufeff\ufff9\U000e0001\U000e0041\U000e007f\ufe0f\U000e0100\u3164\u034f"
)


def _letter_bot(raw: bytes, tmp_path: Path, name: str) -> QA:
    path = tmp_path / name / "letter.txt"
    path.parent.mkdir()
    path.write_bytes(raw)
    return QA.from_path(path, index_dir=tmp_path / name / "index", embed_model="none")


def test_every_encoding_gives_the_same_chunks_and_answers(tmp_path: Path) -> None:
    bots = {name: _letter_bot(raw, tmp_path, name) for name, raw in ENCODINGS.items()}
    reference = bots.pop("utf-8")
    for name, bot in bots.items():
        assert bot.document_text("letter.txt") == reference.document_text("letter.txt"), name
        assert list(bot.chunks) == list(reference.chunks), name
        for question in QUESTIONS:
            assert bot.ask(question).to_dict() == reference.ask(question).to_dict(), (name, question)


FOREIGN = {
    "shift-jis": ("これは日本語のテキストです。東京都の教育委員会が答えます。" * 5).encode("shift_jis"),
    "latin-1": ("Café crème, naïve façade, été à côté. Voilà les résumés." * 5).encode("latin-1"),
    "latin-1-short": "été".encode("latin-1"),
    "cp1252": ("Smart “quotes” and – dashes — for €5." * 5).encode("cp1252"),
    "euc-jp": ("これは日本語のテキストです。東京都の教育委員会が答えます。" * 5).encode("euc_jp"),
    "euc-kr": ("한국어 텍스트입니다. 교육청의 답변입니다." * 5).encode("euc_kr"),
    "koi8-r": ("Это русский текст для проверки кодировки." * 5).encode("koi8_r"),
    "double-encoded-utf8": LETTER.encode("utf-8").decode("latin-1").encode("utf-8"),
    "double-encoded-cp1252": LETTER.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8"),
    "utf-16-without-bom": LETTER.encode("utf-16-le"),
    "truncated-utf8": LETTER.encode("utf-8")[:-1],
    "random-bytes": bytes(range(128, 256)) * 8,
    "png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
    "pdf": b"%PDF-1.7\n" + LETTER.encode("utf-8"),
    "controls": bytes(range(1, 9)) * 50,
}


@pytest.mark.parametrize("name", FOREIGN)
def test_foreign_encodings_and_binary_are_refused_not_read_as_garbage(name: str) -> None:
    with pytest.raises(InputError, match=r"re-save|binary|not text"):
        decode_bytes(FOREIGN[name], name)


def test_big5_traditional_chinese_is_read(letter_text: str, tmp_path: Path) -> None:
    import opencc

    traditional = opencc.OpenCC("s2tw").convert(letter_text)
    assert decode_bytes(traditional.encode("big5"), "big5.txt") == traditional
    (tmp_path / "big5.txt").write_bytes(traditional.encode("big5"))
    bot = QA.from_path(tmp_path / "big5.txt", index_dir=tmp_path / "index", embed_model="none")
    assert "41所中職學校" in bot.ask("郑州市有多少所中职学校通过了标准化建设工程验收？").text
    assert decode_bytes(letter_text.encode("gbk"), "gbk.txt") == letter_text, "GBK is never read as Big5"


def test_refusal_names_the_likely_encoding() -> None:
    with pytest.raises(InputError, match=r"neither UTF-8 .* nor GB18030.*looks like (cp932|shift_jis).*re-save"):
        decode_bytes(FOREIGN["shift-jis"], "jp.txt")


@pytest.mark.parametrize(
    "text", ["plain ascii text", "Größe, déjà vu — «ça»", "中文与English混排，2024年。", "😀 emoji"]
)
def test_plain_utf8_in_any_script_is_accepted(text: str) -> None:
    assert decode_bytes(text.encode("utf-8")) == text


BAD_FILES = {
    "empty.txt": b"",
    "blank.txt": b" \n\t\r\n  \xe3\x80\x80",
    "bom-only.txt": b"\xef\xbb\xbf",
    "invisible-only.txt": "\u200b\u202e\ufeff\n".encode(),
    "image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
    "nul-after-8kb.txt": LETTER.encode("utf-8") * 3 + b"\x00" + LETTER.encode("utf-8"),
    "nul-in-utf16.txt": (LETTER + "\x00" + LETTER).encode("utf-16"),
}


@pytest.mark.parametrize("at", [0, 100, 8191, 8192, 20_000, None])
def test_a_nul_byte_anywhere_refuses_the_file_alike(at: int | None) -> None:
    """One rule, not "binary when in the first 8 KB, silently stripped after"."""
    raw = LETTER.encode("utf-8") * 3
    assert len(raw) > 20_000
    at = len(raw) if at is None else at
    with pytest.raises(InputError, match=r"^letter\.txt holds NUL bytes, so it is binary .*: re-save it as UTF-8$"):
        decode_bytes(raw[:at] + b"\x00" + raw[at:], "letter.txt")


def test_utf16_is_judged_on_its_characters_not_its_nul_bytes() -> None:
    text = "Report 2024: 郑州市 41 所学校。" * 500  # every ASCII character is half NUL in UTF-16
    for raw in (text.encode("utf-16"), b"\xfe\xff" + text.encode("utf-16-be")):
        assert b"\x00" in raw and decode_bytes(raw) == text
    with pytest.raises(InputError, match=r"^u16\.txt holds NUL characters, so it is binary"):
        decode_bytes((text + "\x00" + text).encode("utf-16"), "u16.txt")


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, bytes]:
    """A collection `docs` of a copy of the letter, and its manifest's bytes, to prove refusals leave it alone."""
    index = tmp_path / "index"
    good = tmp_path / "good"
    good.mkdir()
    (good / "letter.txt").write_text(LETTER, encoding="utf-8")
    assert main(["index", str(good), "--collection", "docs", "--index-dir", str(index), "--embed-model", "none"]) == 0
    return index, (index / "docs" / "manifest.json").read_bytes()


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_is_one_line_exit_2_and_index_untouched(
    name: str, built: tuple[Path, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index, manifest = built
    capsys.readouterr()
    path = tmp_path / name
    path.write_bytes(BAD_FILES[name])
    argv = ["index", str(path), "--collection", "docs", "--index-dir", str(index), "--embed-model", "none"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("qa: error: ") and err.count("\n") == 1 and name in err
    assert (index / "docs" / "manifest.json").read_bytes() == manifest


def test_oversized_file_is_refused_before_it_is_read(
    built: tuple[Path, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index, manifest = built
    capsys.readouterr()
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024 + 1)  # sparse: costs no disk
    argv = [
        "ask",
        "学校",
        "--path",
        str(big),
        "--collection",
        "docs",
        "--index-dir",
        str(index),
        "--embed-model",
        "none",
    ]
    assert main(argv) == 2
    assert capsys.readouterr().err == f"qa: error: {big} is 50.0 MB, over the 50 MB limit: split it\n"
    assert (index / "docs" / "manifest.json").read_bytes() == manifest


def test_size_limit_is_a_setting(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_text(LETTER, encoding="utf-8")
    with pytest.raises(InputError, match="over the 0 MB limit"):
        QA.from_path(path, index_dir=tmp_path / "index", embed_model="none", max_file_bytes=1000)


def test_folder_with_one_binary_file_is_refused_naming_it(built: tuple[Path, bytes], tmp_path: Path) -> None:
    """Policy: one bad file refuses the whole build (a silently smaller index would answer wrongly)."""
    index, manifest = built
    before = sorted(p.name for p in (index / "docs").iterdir())
    folder = tmp_path / "letters"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(LETTER, encoding="utf-8")
    (folder / "sub" / "logo.txt").write_bytes(BAD_FILES["image.txt"])
    with pytest.raises(InputError, match=r"sub/logo\.txt is a binary file"):
        QA.from_path(folder, collection="docs", index_dir=index, embed_model="none")
    assert (index / "docs" / "manifest.json").read_bytes() == manifest
    assert sorted(p.name for p in (index / "docs").iterdir()) == before


def test_folder_without_text_files_and_odd_paths_are_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.rtf").write_bytes(b"{\\rtf1 notes}")
    with pytest.raises(InputError, match=r"holds no \.txt, \.md, \.html, \.pdf or \.docx files"):
        load_path(tmp_path)
    with pytest.raises(InputError, match="does not exist"):
        QA.from_path(tmp_path / "missing.txt", index_dir=tmp_path / "index", embed_model="none")


def test_a_single_file_of_another_kind_is_refused_as_a_folder_skips_it(tmp_path: Path) -> None:
    saved = tmp_path / "report.mht"  # decoded as text, its MIME headers and markup were answers
    saved.write_text("MIME-Version: 1.0\n<html><p>学校有教职工112人。</p></html>", encoding="utf-8")
    with pytest.raises(InputError, match=r"report\.mht is a \.mht file, which is not read .*save the page as \.html"):
        load_path(saved)
    with pytest.raises(InputError, match=r"notes\.rtf is a \.rtf file, which is not read .*save it as one of those"):
        (tmp_path / "notes.rtf").write_bytes(b"{\\rtf1 notes}")
        load_path(tmp_path / "notes.rtf")
    plain = tmp_path / "NOTES"  # no suffix: plain text
    plain.write_text("学校有教职工112人。", encoding="utf-8")
    assert load_path(plain)[0].text == "学校有教职工112人。"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_not_read(tmp_path: Path) -> None:
    # Made here rather than borrowed from /dev, whose entries are whatever the machine makes them;
    # reading a pipe would block until something writes to it.
    folder = tmp_path / "docs"
    folder.mkdir()
    pipe = folder / "pipe.txt"
    os.mkfifo(pipe)
    with pytest.raises(InputError, match=r"pipe\.txt is neither a file nor a folder"):
        QA.from_path(pipe, index_dir=tmp_path / "index", embed_model="none")
    with pytest.raises(InputError, match=r"holds no \.txt, \.md, \.html, \.pdf or \.docx files"):
        load_path(folder)  # a pipe named .txt inside a folder is skipped, not opened


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(LETTER, encoding="utf-8")
    path.chmod(0)
    with pytest.raises(InputError, match=r"cannot read .*secret\.txt"):
        QA.from_path(path, index_dir=tmp_path / "index", embed_model="none")


def test_invisible_characters_are_removed_from_the_letter() -> None:
    hostile = "".join(ch + INVISIBLE[i % len(INVISIBLE)] for i, ch in enumerate(LETTER))
    doc = document_from_bytes(hostile.encode("utf-8"), "letter.txt")
    assert doc.text == clean_text(LETTER)
    assert chunk_document(doc) == chunk_document(document_from_bytes(LETTER.encode("utf-8"), "letter.txt"))


def test_unicode_line_separators_become_newlines() -> None:
    assert clean_text("一\r\n二\r三\u2028四\u2029五\x85六") == "一\n二\n三\n四\n五\n六"


# Text that looks like a letter: Chinese, sentence and clause punctuation, heading markers, spaces of
# several kinds, a little ASCII and emoji, and the invisible characters interleaved.
LETTER_ALPHABET = st.sampled_from(
    [
        *"的教育郑州市学校职业产融合一二三（）()、。！？；，：“”‘’!?;,:\"'1290abZ \u3000\t\n\n\n😀",
        *["一、", "（二）", "3.", "2024年5月6日", "\r\n", "\u3000\u3000", "。。", "”。"],
        *INVISIBLE,
    ]
)
letter_like = st.lists(LETTER_ALPHABET, max_size=300).map("".join)


@PROPERTY
@given(text=letter_like, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_decode_chunk_offsets_invariants(text: str, encoding: str) -> None:
    """The invariants every citation relies on, for any text a file could hold.

    - the document text is the cleaned text: no control or format character survives, and cleaning
      twice changes nothing (so offsets computed once stay valid);
    - every chunk's text is exactly `document_text[start:end]`, non-empty and trimmed of whitespace;
    - chunks are in order and never overlap;
    - every letter and digit of the document lands in exactly one chunk (only punctuation opening a
      line and whitespace may fall between chunks).
    """
    try:
        doc = document_from_bytes(text.encode(encoding), "t.txt")
    except InputError as exc:
        assert not clean_text(text).strip() or "control" in str(exc)
        return
    assert clean_text(doc.text) == doc.text
    assert doc.text == clean_text(text.removeprefix("\ufeff"))
    assert all(ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf") for ch in doc.text)
    covered = [False] * len(doc.text)
    previous_end = 0
    for chunk in chunk_document(doc, min_chars=5, max_chars=20):
        assert chunk.text == doc.text[chunk.start : chunk.end]
        assert chunk.text and chunk.text == chunk.text.strip()
        assert previous_end <= chunk.start < chunk.end
        previous_end = chunk.end
        covered[chunk.start : chunk.end] = [True] * (chunk.end - chunk.start)
    for i, ch in enumerate(doc.text):
        if unicodedata.category(ch)[0] in "LN":
            assert covered[i], (i, ch, doc.text)


@PROPERTY
@given(text=st.text(max_size=200), noise=st.lists(st.sampled_from(INVISIBLE), max_size=20), seed=st.randoms())
def test_cleaning_ignores_interleaved_invisible_characters(text: str, noise: list[str], seed) -> None:  # type: ignore[no-untyped-def]
    chars = list(text)
    for ch in noise:
        chars.insert(seed.randint(0, len(chars)), ch)
    assert clean_text("".join(chars)) == clean_text(text)
    assert clean_text(clean_text(text)) == clean_text(text)


@PROPERTY
@given(text=st.text(st.characters(codec="gb18030", exclude_categories=["Cs"]), max_size=200))
def test_chinese_round_trips_through_every_supported_encoding(text: str) -> None:
    """UTF-8 and UTF-16 read back whatever was written; GB18030 either reads back or is refused."""
    if not clean_text(text).strip() or any(unicodedata.category(ch) in ("Co", "Cn", "Cc") for ch in text):
        return
    for encoding in ("utf-8", "utf-8-sig", "utf-16"):
        assert decode_bytes(text.encode(encoding)) == text.removeprefix("\ufeff")
    raw = text.encode("gb18030")
    try:
        decoded = decode_bytes(raw)
    except InputError:
        return
    try:
        expected = raw.decode("utf-8")  # UTF-8 is tried first, and ASCII is both
    except UnicodeDecodeError:
        expected = text
    assert decoded == expected
