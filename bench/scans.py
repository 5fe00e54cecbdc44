"""Scanned copies of the bundled letter, made here (nothing downloaded): for bench/ocr.py and the OCR tests.

Chromium prints the letter to an A4 PDF, `pdftoppm` (Debian's poppler-utils) rasterises it at 150, 200 and 300
dpi, and Pillow/numpy make the degraded copies a phone or an office scanner gives: JPEG quality 40, a 1.5°
rotation, salt noise and a mild perspective skew. `image_pdf` wraps pages as an image-only PDF; `mixed_pdf`
keeps the first page's text layer and scans the rest.

    python bench/scans.py OUT_DIR      # writes every variant there, for a look
"""

from __future__ import annotations

import html
import io
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
DEGRADED = ("jpeg40", "rotate1.5", "salt", "perspective")


def available() -> str:
    """'' when Chromium and pdftoppm are installed, else what is missing (for a skip or a bench message)."""
    missing = [name for name, ok in (("chromium", CHROMIUM.exists()), ("pdftoppm", shutil.which("pdftoppm"))) if not ok]
    return f"missing {', '.join(missing)} (apt-get install chromium fonts-noto-cjk poppler-utils)" if missing else ""


def print_letter(out: Path, text: str | None = None) -> Path:
    """The letter (or `text`), a paragraph per line, printed by headless Chromium to the A4 PDF `out`."""
    if text is None:
        text = (REPO / "qa" / "data" / "000_9783093694a0541d.txt").read_text(encoding="utf-8")
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line.strip())
    source = out.with_suffix(".html")
    source.write_text(
        f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><body style="font-size:16px">{body}</body></html>',
        encoding="utf-8",
    )
    flags = ["--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={out}", "--no-pdf-header-footer"]
    subprocess.run([str(CHROMIUM), *flags, source.as_uri()], check=True, capture_output=True, timeout=180)
    return out


def rasterise(pdf: Path, dpi: int, folder: Path) -> list[Path]:
    """Each page of `pdf` as a grayscale PNG at `dpi`, with `pdftoppm`."""
    folder.mkdir(parents=True, exist_ok=True)
    prefix = folder / f"{pdf.stem}-{dpi}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(prefix)], check=True, timeout=300)
    return sorted(folder.glob(f"{prefix.name}-*.png"))


def degrade(page: Image.Image, kind: str, seed: int = 0) -> Image.Image:
    """One degraded copy of a page: `jpeg40`, `rotate1.5`, `salt` (0.5% of pixels black or white) or `perspective`."""
    gray = page.convert("L")
    if kind == "jpeg40":
        buffer = io.BytesIO()
        gray.save(buffer, "JPEG", quality=40)
        return Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    if kind == "rotate1.5":
        return gray.rotate(1.5, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    if kind == "salt":
        pixels = np.array(gray)
        rng = np.random.default_rng(seed)
        hit = rng.random(pixels.shape)
        pixels[hit < 0.0025] = 0
        pixels[hit > 0.9975] = 255
        return Image.fromarray(pixels)
    if kind == "perspective":
        # A phone held a little off square: the top edge 3% narrower than the bottom, and the page slightly turned.
        w, h = gray.size
        dx, dy = 0.03 * w, 0.01 * h
        quad = (dx, dy, 0, h, w, h - dy, w - dx, 0)  # source corners: upper left, lower left, lower right, upper right
        return gray.transform((w, h), Image.Transform.QUAD, quad, Image.Resampling.BICUBIC, fillcolor=255)
    raise ValueError(f"unknown degradation {kind!r}: use one of {DEGRADED}")


def image_pdf(pages: list[Image.Image], out: Path, dpi: int) -> Path:
    """The pages as an image-only PDF (no text layer), each page sized for `dpi`."""
    first, *rest = [p.convert("L") for p in pages]
    first.save(out, "PDF", save_all=True, append_images=rest, resolution=float(dpi))
    return out


def mixed_pdf(text_pdf: Path, scanned_pdf: Path, out: Path, text_pages: int = 1) -> Path:
    """The first `text_pages` pages from `text_pdf` (text layer) and the rest from `scanned_pdf` (images)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    text, scanned = PdfReader(text_pdf), PdfReader(scanned_pdf)
    for number, page in enumerate(scanned.pages):
        writer.add_page(text.pages[number] if number < text_pages else page)
    with out.open("wb") as fh:
        writer.write(fh)
    return out


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pdf = print_letter(folder / "letter.pdf")
    for dpi in (150, 200, 300):
        pages = rasterise(pdf, dpi, folder / f"png{dpi}")
        image_pdf([Image.open(p) for p in pages], folder / f"letter-scan-{dpi}.pdf", dpi)
    pages200 = [Image.open(p) for p in rasterise(pdf, 200, folder / "png200")]
    for kind in DEGRADED:
        for number, page in enumerate(pages200, 1):
            degrade(page, kind, seed=number).save(folder / f"letter-{kind}-{number}.png")
    mixed_pdf(pdf, folder / "letter-scan-200.pdf", folder / "letter-mixed.pdf")
    print(f"wrote {len(list(folder.iterdir()))} files to {folder}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "scans"))
