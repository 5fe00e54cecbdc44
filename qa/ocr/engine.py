"""The OCR engine: RapidOCR (PP-OCRv4 Chinese detection and recognition on onnxruntime), loaded once, lazily.

Detection settings differ from RapidOCR's defaults, measured by `python bench/ocr.py` on the letter printed and
scanned at 200 dpi: the defaults shrink a page to 2000 px on its long side and keep boxes scoring 0.5, which
lost whole lines (4 of the letter's 4 pages); 2400 px and 0.3 keep every line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from qa.errors import InputError

ENGINE = "rapidocr-onnxruntime"
MAX_SIDE = 2400  # pixels: a 200 dpi A4 page (1654 x 2339) is read at full size
BOX_THRESH = 0.3  # a detected box's mean score to keep it (RapidOCR: 0.5)
UNCLIP_RATIO = 1.6  # how far a box grows around its text core (RapidOCR's default)
TEXT_SCORE = 0.5  # a recognised line's confidence to keep it (RapidOCR's default)
# What the saved OCR of a file depends on: a change here means files are read again.
ENGINE_ID = f"{ENGINE}:ppocrv4:nocls:side{MAX_SIDE}:box{BOX_THRESH}:unclip{UNCLIP_RATIO}:score{TEXT_SCORE}"


@dataclass(frozen=True)
class RawLine:
    """One line as the engine read it: its text, its box in the image's pixels and the engine's confidence."""

    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 (the axis-aligned hull of the detected quadrilateral)
    score: float


def available() -> bool:
    """Whether the OCR extra is installed (`pip install -e '.[ocr]'`), without importing it."""
    from importlib.util import find_spec

    return find_spec("rapidocr_onnxruntime") is not None


@cache
def _engine() -> Any:
    if not available():
        raise InputError(
            "reading scans and images needs the OCR extra: pip install -e '.[ocr]' (RapidOCR on onnxruntime, ~180 MB)"
        )
    import logging

    from rapidocr_onnxruntime import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return RapidOCR(max_side_len=MAX_SIDE)


def recognise(image: np.ndarray) -> list[RawLine]:
    """The lines of one page image (H x W x 3, uint8), in the engine's own order."""
    # No angle classifier: pages are upright, and it turned whole lines of the letter upside down, which then
    # read as `，，` (score 0.23) instead of their 47 characters.
    result, _ = _engine()(image, use_cls=False, box_thresh=BOX_THRESH, unclip_ratio=UNCLIP_RATIO, text_score=TEXT_SCORE)
    lines = []
    for quad, text, score in result or ():
        xs, ys = [float(p[0]) for p in quad], [float(p[1]) for p in quad]
        if text.strip():
            lines.append(RawLine(text.strip(), (min(xs), min(ys), max(xs), max(ys)), float(score)))
    return lines
