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
