"""What OCR read, kept so that no file is read twice, and the boxes of a scanned document's characters.

Two records, both JSON (no pickle), in `QA_OCR_CACHE` (default: `.ocr/` in the index folder):
- `<source sha256>/ocr.json` with `page-<n>.jpg`: each page's size and lines as the engine read them, and the
  page as an image for the page viewer. Keyed by the file's bytes and the engine's settings, so an unchanged
  file (re-opened, rebuilt, added to another collection) is never OCR'd again.
- `text/<text sha256>.json`: where each line of a scanned document's text sits, as offsets into the text and
  a box on its page; `Layout.boxes(start, end)` turns a cited span into boxes. A document's text sha256 is in
  its manifest, so a citation finds its layout without the source file.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qa.ocr.engine import ENGINE_ID, RawLine
from qa.ocr.layout import Box, Page
from qa.types import Box as CitedBox

log = logging.getLogger("qa")

VIEW_SIDE = 1600  # pixels on the long side of the page image kept for the viewer
VIEW_QUALITY = 70


def root() -> Path:
    """Where OCR results are kept: `QA_OCR_CACHE`, else `.ocr/` in the index folder."""
    given = os.environ.get("QA_OCR_CACHE", "").strip()
    if given:
        return Path(given).expanduser()
    from qa.settings import Settings

    return Settings.load().resolved_index_dir / ".ocr"


def _folder(source_sha: str) -> Path:
    return root() / source_sha


def load_pages(source_sha: str) -> dict[int, Page]:
    """The pages read before from the file with this sha256, by number ({} when none or unreadable)."""
    path = _folder(source_sha) / "ocr.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("engine") != ENGINE_ID:
            return {}
        return {
            int(number): Page(
                int(page["width"]),
                int(page["height"]),
                tuple(
                    RawLine(str(t), (float(a), float(b), float(c), float(d)), float(s))
                    for t, a, b, c, d, s in page["lines"]
                ),
            )
            for number, page in data["pages"].items()
        }
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError) as exc:  # a damaged cache only means reading the file again
        log.warning("the saved OCR %s cannot be read (%s); the file is read again", path, exc)
        return {}


def save_pages(source_sha: str, pages: dict[int, Page]) -> None:
    """Keep what OCR read of a file; a folder that cannot be written only means reading it again next time."""
    data = {
        "engine": ENGINE_ID,
        "pages": {
            str(number): {
                "width": page.width,
                "height": page.height,
                "lines": [[line.text, *line.box, line.score] for line in page.lines],
            }
            for number, page in pages.items()
        },
    }
    _write(_folder(source_sha) / "ocr.json", json.dumps(data, ensure_ascii=False))


def save_view(source_sha: str, number: int, image: object) -> None:
    """The page as a JPEG for the viewer (VIEW_SIDE px on its long side)."""
    from PIL import Image

    picture = Image.fromarray(image).convert("L")  # type: ignore[arg-type]
    picture.thumbnail((VIEW_SIDE, VIEW_SIDE), Image.Resampling.LANCZOS)
    target = _folder(source_sha) / f"page-{number}.jpg"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}")
        picture.save(tmp, "JPEG", quality=VIEW_QUALITY)
        os.replace(tmp, target)
    except OSError as exc:
        log.info("could not keep the page image %s (%s): the viewer will show the text only", target, exc)


def view_path(source_sha: str, number: int) -> Path | None:
    path = _folder(source_sha) / f"page-{number}.jpg"
    return path if path.is_file() else None


@dataclass(frozen=True)
class Placed:
    """A line of a scanned document: `text[start:end]`, on `page`, inside `box`."""

    start: int
    end: int
    page: int
    box: Box
    score: float


@dataclass(frozen=True)
class Layout:
    """Where a scanned document's lines are: the file they came from and each line's offsets, page and box."""

    source_sha: str
    lines: tuple[Placed, ...]

    def boxes(self, start: int, end: int, text: str) -> tuple[CitedBox, ...]:
        """The boxes holding `text[start:end]`: for each line it touches, the part of the line's box those
        characters take (characters are spaced by their printed width: a Chinese one is 1, a Latin one 1/2)."""
        out = []
        at = bisect_right([line.start for line in self.lines], start) - 1
        for line in self.lines[max(at, 0) :]:
            if line.start >= end:
                break
            lo, hi = max(start, line.start), min(end, line.end)
            if lo >= hi:
                continue
            widths = [_width(ch) for ch in text[line.start : line.end]]
            total = sum(widths) or 1.0
            a = sum(widths[: lo - line.start]) / total
            b = sum(widths[: hi - line.start]) / total
            x0, y0, x1, y1 = line.box
            out.append(CitedBox(line.page, x0 + (x1 - x0) * a, y0, x0 + (x1 - x0) * b, y1))
        return tuple(out)

    def min_score(self, start: int, end: int) -> float | None:
        """The lowest confidence of the lines holding `[start, end)` (None when no line does)."""
        scores = [line.score for line in self.lines if line.start < end and start < line.end]
        return min(scores) if scores else None

    def page_scores(self) -> dict[int, float]:
        """Each page's mean line confidence."""
        by_page: dict[int, list[float]] = {}
        for line in self.lines:
            by_page.setdefault(line.page, []).append(line.score)
        return {page: sum(s) / len(s) for page, s in sorted(by_page.items())}


def _width(ch: str) -> float:
    import unicodedata

    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5


def save_layout(text_sha: str, layout: Layout) -> None:
    data = {"source": layout.source_sha, "lines": [[p.start, p.end, p.page, *p.box, p.score] for p in layout.lines]}
    _write(root() / "text" / f"{text_sha}.json", json.dumps(data))


def load_layout(text_sha: str) -> Layout | None:
    """The layout of the scanned document with this text sha256; None for any other document (or a lost cache)."""
    path = root() / "text" / f"{text_sha}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        lines = tuple(
            Placed(int(s), int(e), int(p), (float(a), float(b), float(c), float(d)), float(score))
            for s, e, p, a, b, c, d, score in data["lines"]
        )
        return Layout(str(data["source"]), lines)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("the saved layout %s cannot be read (%s): citations of it carry no boxes", path, exc)
        return None


def placed(lines: Sequence[tuple[int, int, int, Box, float]], source_sha: str) -> Layout:
    return Layout(source_sha, tuple(Placed(s, e, p, box, score) for s, e, p, box, score in lines))


def _write(path: Path, text: str) -> None:
    """Write atomically (a reader never sees half a file); failure to write is logged, not raised."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        log.info("could not keep %s (%s): it is made again next time", path, exc)
        tmp.unlink(missing_ok=True)
