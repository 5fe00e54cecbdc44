"""Reading order: a page's OCR lines as a reader takes them, one or two columns, without running headers and numbers.

Boxes become fractions of the page (0-1, origin top left), so they do not depend on the resolution read at.
Joining wrapped lines back into paragraphs is the loader's job, as for PDFs (`qa.loading`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from qa.ocr.engine import RawLine

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions of the page's width and height

MARGIN = 0.07  # the top and bottom bands where running headers, footers and page numbers sit
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－]\s*)?\d{1,4}(?:\s*[-—–－])?$|^第\s*\d{1,4}\s*页(?:\s*[，,/／]?\s*共\s*\d{1,4}\s*页)?$"
)
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class PageLine:
    """One line of a page in reading order: its text, its box on the page and the engine's confidence."""

    text: str
    box: Box
    score: float


@dataclass(frozen=True)
class Page:
    """What OCR read on one page: its size in pixels as read, and its lines in the engine's order."""

    width: int
    height: int
    lines: tuple[RawLine, ...]

    def fractions(self) -> list[PageLine]:
        w, h = max(1, self.width), max(1, self.height)
        return [
            PageLine(line.text, (line.box[0] / w, line.box[1] / h, line.box[2] / w, line.box[3] / h), line.score)
            for line in self.lines
        ]


def reading_order(pages: Sequence[Page]) -> list[list[PageLine]]:
    """Each page's lines in reading order, without page numbers and headers or footers repeated across pages."""
    per_page = [page.fractions() for page in pages]
    repeated = _running_lines(per_page)
    out = []
    for lines in per_page:
        kept = [line for line in lines if not _furniture(line, repeated)]
        out.append(_ordered(kept))
    return out


def _in_margin(line: PageLine) -> bool:
    return line.box[3] < MARGIN or line.box[1] > 1 - MARGIN


def _running_lines(pages: list[list[PageLine]]) -> set[str]:
    """Texts (digits masked) in the top or bottom band of more than one page: a running header or footer."""
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_DIGITS.sub("#", line.text) for line in lines if _in_margin(line)})
    return {text for text, seen in counts.items() if seen > 1}


def _furniture(line: PageLine, repeated: set[str]) -> bool:
    if not _in_margin(line):
        return False
    return bool(_PAGE_NUMBER.match(line.text.replace(" ", ""))) or _DIGITS.sub("#", line.text) in repeated


def _ordered(lines: list[PageLine]) -> list[PageLine]:
    """Top to bottom; with two columns, each band between full-width lines is read left column, then right."""
    gutter = _gutter(lines)
    if gutter is None:
        return _rows(lines)
    out: list[PageLine] = []
    band: list[PageLine] = []
    for line in sorted(lines, key=lambda ln: ln.box[1]):
        if line.box[0] < gutter < line.box[2]:  # spans both columns: a title, a heading over both
            out.extend(_band(band, gutter))
            band = []
            out.append(line)
        else:
            band.append(line)
    out.extend(_band(band, gutter))
    return out


def _band(lines: list[PageLine], gutter: float) -> list[PageLine]:
    left = [ln for ln in lines if ln.box[2] <= gutter]
    right = [ln for ln in lines if ln.box[0] >= gutter]
    return _rows(left) + _rows(right)


def _gutter(lines: list[PageLine]) -> float | None:
    """The x of a gap between two columns of side-by-side lines, or None for a page of one column.

    A gutter is crossed by few lines (titles and headings over both columns may cross it), has at least three
    lines wholly on each side, and its two sides share rows (two columns, not a short line under a long one).
    """
    if len(lines) < 6:
        return None
    best: tuple[int, float] | None = None
    for step in range(60, 141):
        x = step / 200  # 0.30 .. 0.70 of the width
        crossing = sum(1 for ln in lines if ln.box[0] < x < ln.box[2])
        left = [ln for ln in lines if ln.box[2] <= x]
        right = [ln for ln in lines if ln.box[0] >= x]
        if len(left) < 3 or len(right) < 3 or crossing > max(2, 0.2 * len(lines)):
            continue
        beside = sum(1 for r in right if any(_same_row(r, ln) for ln in left))
        if beside < 0.5 * len(right):
            continue
        if best is None or crossing < best[0]:
            best = (crossing, x)
    return best[1] if best is not None else None


def _same_row(a: PageLine, b: PageLine) -> bool:
    overlap = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
    return overlap > 0.5 * min(a.box[3] - a.box[1], b.box[3] - b.box[1])


def _rows(lines: list[PageLine]) -> list[PageLine]:
    """Lines top to bottom; pieces of one row (the engine split a line at a wide gap) joined left to right."""
    rows: list[list[PageLine]] = []
    for line in sorted(lines, key=lambda ln: (ln.box[1] + ln.box[3]) / 2):
        if rows and _same_row(rows[-1][-1], line):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [_joined(sorted(row, key=lambda ln: ln.box[0])) for row in rows]


def _joined(row: list[PageLine]) -> PageLine:
    if len(row) == 1:
        return row[0]
    text = row[0].text
    for piece in row[1:]:
        latin = text[-1].isascii() and text[-1].isalnum() and piece.text[0].isascii() and piece.text[0].isalnum()
        text += (" " if latin else "") + piece.text
    box = (
        min(p.box[0] for p in row),
        min(p.box[1] for p in row),
        max(p.box[2] for p in row),
        max(p.box[3] for p in row),
    )
    return PageLine(text, box, min(p.score for p in row))
