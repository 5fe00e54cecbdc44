"""Chinese script: simplified and traditional characters, converted with OpenCC."""

from __future__ import annotations

import functools
import re
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


def blanked(text: str, pattern: re.Pattern[str], keep: Callable[[str], bool] | None = None) -> str:
    """`text` with what `pattern` (written in simplified characters) finds on its simplified form blanked in its own
    script, offset for offset; a match `keep` says to keep (read as `text` writes it) stays."""
    kept = list(text)
    for m in pattern.finditer(aligned_simplified(text)):
        if keep is None or not keep(text[m.start() : m.end()]):
            kept[m.start() : m.end()] = " " * (m.end() - m.start())
    return "".join(kept)


def is_han(ch: str) -> bool:
    """Whether `ch` is a Chinese character (CJK unified ideographs, extension A, compatibility ideographs)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


# Characters of Chinese grammar rather than of names: a question holding none (`Who is 王素梅?`) is not Chinese.
_GRAMMAR = frozenset("的是有吗嗎呢么麼什哪几幾多少谁誰怎为為在了和与與个個年月日请請问問吧被把从從到对對何于於")
_LATIN_WORD = re.compile(r"[^\W\d_\u3040-\u30ff\uac00-\ud7af\u3400-\u9fff\uf900-\ufaff]+")


def mostly_chinese(text: str) -> bool:
    """Whether `text` reads as Chinese: no other words, or as many Chinese characters as other words with one of
    them grammatical.

    A word of Latin (or another alphabetic) script counts once, a kana or hangul letter once each, so a Chinese
    question naming software or a book in English (`MonoDevelop目前支持的语言有哪些？`, `《SOUL EATER》是谁的漫画作品？`)
    is Chinese, while `Who is 王素梅?` (names only) and `中職学校はいくつありますか` (kana outnumber the kanji) are
    not. Text without letters (`41?`) counts as Chinese: the lexical path handles it as before.
    """
    han = [ch for ch in text if is_han(ch)]
    others = len(_LATIN_WORD.findall(text)) + sum(
        1 for ch in text if "\u3040" <= ch <= "\u30ff" or "\uac00" <= ch <= "\ud7af"
    )
    if not others:
        return True
    return len(han) >= others and any(ch in _GRAMMAR for ch in han)


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
