"""Chinese script: simplified and traditional characters, converted with OpenCC."""

from __future__ import annotations

import functools
from collections.abc import Callable

# OpenCC configurations: traditional to simplified, and simplified to traditional.
TO_SIMPLIFIED = "t2s"
TO_TRADITIONAL = "s2t"


@functools.cache
def converters() -> tuple[Callable[[str], str], ...]:
    """The two conversions, built once; none when OpenCC is missing (text is then taken as it is)."""
    try:
        import opencc
    except ImportError:
        return ()
    return tuple(opencc.OpenCC(config).convert for config in (TO_SIMPLIFIED, TO_TRADITIONAL))


def simplified(text: str) -> str:
    """`text` in simplified characters (unchanged when OpenCC is missing)."""
    conversions = converters()
    return conversions[0](text) if conversions and not text.isascii() else text
