"""Page images to OCR, bounded: image files (PNG, JPEG, TIFF pages) and the PDF pages that have no text layer.

Every page is checked before it is decoded: a page over `MAX_PIXELS` is refused (an image file) or rendered at
a lower resolution (a PDF page), and no page is read at more than `engine.MAX_SIDE` pixels on its long side, so
memory stays bounded whatever the file claims. How many pages may be read is the caller's cap.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from qa.errors import InputError
from qa.ocr.engine import MAX_SIDE

MAX_PIXELS = 100_000_000  # an image file's pixels as its header states them (a 50-megapixel photo passes)
PDF_DPI = 200  # what a scanned PDF page is rendered at for OCR


@dataclass(frozen=True)
class Raster:
    """One page to read: its 1-based number and its pixels (RGB, at most MAX_SIDE on the long side)."""

    page: int
    image: np.ndarray


def image_pages(raw: bytes, where: str) -> tuple[int, Iterator[Raster]]:
    """The page count of an image file (a TIFF may hold several) and its pages, decoded one at a time."""
    from PIL import Image, UnidentifiedImageError

    too_big = (
        f"over the {MAX_PIXELS / 1e6:.0f}-megapixel limit for OCR: scale it down (300 dpi is plenty) and add it again"
    )
    try:
        with warnings.catch_warnings():  # Pillow warns from 89 megapixels; the limit here is MAX_PIXELS
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))  # reads the header only
    except Image.DecompressionBombError:  # Pillow's own refusal, from twice its warning size
        over = 2 * (Image.MAX_IMAGE_PIXELS or 0) / 1e6
        raise InputError(f"{where} is an image of over {over:.0f} megapixels, {too_big}") from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise InputError(
            f"{where} is not a readable image ({type(exc).__name__}): export it again as PNG or JPEG"
        ) from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise InputError(f"{where} is {width} x {height} pixels ({width * height / 1e6:.0f} megapixels), {too_big}")
    count = getattr(image, "n_frames", 1)

    def pages() -> Iterator[Raster]:
        for number in range(count):
            try:
                image.seek(number)
                if image.format == "JPEG":
                    image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decode a huge JPEG at a fraction of its size
                yield Raster(number + 1, _bounded(image))
            except (OSError, ValueError, SyntaxError) as exc:  # truncated or corrupt data shows only when decoded
                raise InputError(
                    f"{where} is a damaged image (page {number + 1}: {type(exc).__name__}): export it again"
                ) from None

    return count, pages()


def pdf_pages(raw: bytes, numbers: list[int], where: str) -> Iterator[Raster]:
    """The given 1-based pages of a PDF rendered for OCR (at PDF_DPI, less for a page that would be too big)."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        for number in numbers:
            page = pdf.pages[number - 1]
            inches = max(page.width, 1.0) * max(page.height, 1.0) / 72 / 72
            dpi = min(PDF_DPI, (MAX_PIXELS / inches) ** 0.5, MAX_SIDE * 72 / max(page.width, page.height, 1.0))
            try:
                rendered = page.to_image(resolution=max(dpi, 1.0)).original
            except Exception as exc:  # pypdfium2 raises its own kinds on a damaged page
                raise InputError(
                    f"{where}: page {number} cannot be rendered ({type(exc).__name__}): export it again"
                ) from None
            yield Raster(number, _bounded(rendered))
            page.close()


def _bounded(image: object) -> np.ndarray:
    """RGB pixels, shrunk to MAX_SIDE on the long side (the engine would shrink them anyway)."""
    from PIL import Image

    assert isinstance(image, Image.Image)
    if image.mode not in ("1", "L", "RGB"):
        image = image.convert("RGB")  # palette, RGBA, CMYK, 16-bit: what the engine cannot take
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)  # shrinks before any copy in colour
    return np.asarray(image.convert("RGB"))
