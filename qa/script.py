"""Chinese script: simplified and traditional characters, converted with OpenCC."""

from __future__ import annotations

import functools
from collections.abc import Callable

# OpenCC configurations: traditional to simplified, and simplified to traditional.
TO_SIMPLIFIED = "t2s"
TO_TRADITIONAL = "s2t"


@functools.cache
def converter(config: str) -> Callable[[str], str] | None:
    """OpenCC's conversion for `config`, built once; None when OpenCC is missing (text is then taken as it is)."""
    try:
        import opencc
    except ImportError:
        return None
    return opencc.OpenCC(config).convert


def converters() -> tuple[Callable[[str], str], ...]:
    """Both conversions, to simplified first; none when OpenCC is missing."""
    found = (converter(TO_SIMPLIFIED), converter(TO_TRADITIONAL))
    return tuple(convert for convert in found if convert is not None)


def simplified(text: str) -> str:
    """`text` in simplified characters (unchanged when OpenCC is missing)."""
    convert = converter(TO_SIMPLIFIED)
    return convert(text) if convert is not None and not text.isascii() else text


def aligned_simplified(text: str) -> str:
    """`text` in simplified characters offset for offset, or as it is when the conversion changed its length."""
    plain = simplified(text)
    return plain if len(plain) == len(text) else text


def is_han(ch: str) -> bool:
    """Whether `ch` is a Chinese character (CJK unified ideographs, extension A, compatibility ideographs)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def mostly_chinese(text: str) -> bool:
    """Whether at least half of the letters of `text` are Chinese characters.

    Digits and punctuation do not count, so `2024年的专业有多少个？` and `AI专业有哪些？` are Chinese, while
    `Who is 王素梅?` and `中職学校はいくつありますか` (kana outnumber the kanji) are not. Text without letters
    (`41?`) counts as Chinese: the lexical path handles it as before.
    """
    letters = [ch for ch in text if ch.isalpha()]
    return not letters or 2 * sum(map(is_han, letters)) >= len(letters)


def is_traditional(text: str) -> bool:
    """Whether `text` is written in traditional characters: converting it to simplified changes more characters
    than converting it to traditional does (`學校` changes one way, `学校` the other). False without OpenCC."""
    to_simplified, to_traditional = converter(TO_SIMPLIFIED), converter(TO_TRADITIONAL)
    if to_simplified is None or to_traditional is None or text.isascii():
        return False
    return _changed(text, to_simplified(text)) > _changed(text, to_traditional(text))


def _changed(text: str, converted: str) -> int:
    # OpenCC converts character for character here; a phrase that changes length only shifts the tail.
    return sum(a != b for a, b in zip(text, converted, strict=False))


def in_script_of(text: str, sample: str) -> str:
    """`text` (written in simplified characters) in traditional ones when `sample` is traditional."""
    convert = converter(TO_TRADITIONAL)
    return convert(text) if convert is not None and is_traditional(sample) else text
