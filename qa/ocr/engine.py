"""The OCR engine: RapidOCR (PP-OCRv4 Chinese detection and recognition on onnxruntime), loaded once, lazily.

One setting differs from RapidOCR's defaults, measured by `python bench/ocr.py` on the letter printed by Chromium
and scanned at 200 dpi: no angle classifier. With it, whole lines were lost (the issue counted 4 in 4 pages):
the one inspected was detected, turned upside down by the classifier, read as `，，` (score 0.23) and dropped
under the 0.5 cut; the same crop read without it gives all 47 characters (0.99). Without it, RapidOCR's
detection defaults lose no line (accuracy 0.9995); a larger page (2400 px) and a lower box threshold (0.3) lose
none either, read no better (0.9990) and cost 60% more CPU.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from qa.errors import InputError

ENGINE = "rapidocr-onnxruntime"
MAX_SIDE = 2000  # pixels on a page's long side (RapidOCR's default): a 200 dpi A4 page is read at 86%
BOX_THRESH = 0.5  # a detected box's mean score to keep it (RapidOCR's default)
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
