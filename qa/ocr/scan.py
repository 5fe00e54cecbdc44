"""Reading a scan: an image file, or the pages of a PDF without a text layer, as lines with boxes in reading order.

The page cap (`QA_OCR_MAX_PAGES`, default 100; ~5 s a page on two cores) is checked before any page is read, and
pages read before are taken from the cache (`qa.ocr.cache`) instead of being read again. A progress bar shows on
a terminal.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import replace

from qa.errors import InputError
from qa.formats import Block, Extracted
from qa.ocr import cache
from qa.ocr.engine import recognise
from qa.ocr.layout import Page, reading_order
from qa.ocr.pages import Raster, image_pages, pdf_pages

DEFAULT_MAX_PAGES = 100


def max_pages() -> int:
    """The most pages one file may have OCR'd: `QA_OCR_MAX_PAGES`, else DEFAULT_MAX_PAGES."""
    raw = os.environ.get("QA_OCR_MAX_PAGES", "").strip()
    try:
        return int(raw) if raw else DEFAULT_MAX_PAGES
    except ValueError:
        raise InputError(f"QA_OCR_MAX_PAGES={raw!r} is not a whole number: set a page count or unset it") from None


def read_image(raw: bytes, where: str) -> Extracted:
    """The lines of an image file (every page of a multi-page TIFF), with their boxes."""
    count, rasters = image_pages(raw, where)
    numbers = list(range(1, count + 1))
    sha = hashlib.sha256(raw).hexdigest()
    pages = _read(sha, numbers, rasters, where)
    return Extracted(_blocks(pages), pages=count, hard_wrapped=True, scanned=tuple(numbers), source=sha)


def read_pdf_scans(raw: bytes, extracted: Extracted, where: str) -> Extracted:
    """`extracted` with the lines of its pages without a text layer (`extracted.scanned`) read by OCR."""
    sha = hashlib.sha256(raw).hexdigest()
    pages = _read(sha, list(extracted.scanned), None, where, pdf=raw)
    by_page: dict[int, list[Block]] = {}
    for block in [*extracted.blocks, *_blocks(pages)]:
        by_page.setdefault(block.page, []).append(block)
    blocks = tuple(block for number in sorted(by_page) for block in by_page[number])
    return replace(extracted, blocks=blocks, source=sha)


def _read(
    sha: str, numbers: list[int], rasters: Iterator[Raster] | None, where: str, pdf: bytes | None = None
) -> dict[int, Page]:
    """Each page's OCR, from the cache when this file was read before, else read now (and kept)."""
    cap = max_pages()
    if len(numbers) > cap:
        raise InputError(
            f"{where} has {len(numbers)} pages to OCR, over the cap of {cap} (QA_OCR_MAX_PAGES; about 5 s a page): "
            "split it, or raise QA_OCR_MAX_PAGES"
        )
    pages = cache.load_pages(sha)
    missing = [n for n in numbers if n not in pages]
    if not missing:
        return {n: pages[n] for n in numbers}
    from tqdm import tqdm

    if rasters is None:
        assert pdf is not None
        rasters = pdf_pages(pdf, missing, where)
    todo = set(missing)
    with tqdm(total=len(missing), desc=f"OCR {where[-40:]}", unit="page", disable=None, leave=False) as bar:
        for raster in rasters:
            if raster.page not in todo:
                continue
            height, width = raster.image.shape[:2]
            pages[raster.page] = Page(width, height, tuple(recognise(raster.image)))
            cache.save_view(sha, raster.page, raster.image)
            bar.update(1)
    cache.save_pages(sha, pages)
    return {n: pages[n] for n in numbers}


def _blocks(pages: dict[int, Page]) -> tuple[Block, ...]:
    numbers = sorted(pages)
    ordered = reading_order([pages[n] for n in numbers])
    return tuple(
        Block(line.text, page=number, box=line.box, score=line.score)
        for number, lines in zip(numbers, ordered, strict=True)
        for line in lines
    )
