"""Which OCR engine reads the scanned letter best: character accuracy, lost lines, time and memory per page.

    python bench/ocr.py [--engines rapidocr,tesseract] [--variants 200,150,300,jpeg40,rotate1.5,salt,perspective]
                        [--pages 1-4] [--rapid-params box=0.3,side=2400]

The letter is printed by Chromium, rasterised with pdftoppm and degraded by `bench/scans.py` (nothing is
downloaded). For each engine and variant it prints:
- accuracy: 1 - CER of the document text against the letter, both NFKC-normalised with whitespace removed (so
  `，` and `,` count as the same character, as a reader would); the whole pipeline for rapidocr (`qa.loading`:
  reading order, page numbers dropped, lines rejoined), the page text for Tesseract;
- lost: the letter's lines (split at the printed width, 25+ characters) of which less than half is found;
- s/page: wall time and CPU time (both cores count) per page; peak MB: the process's peak RSS after the engine.
Each engine runs in its own process so the peak memory is its own. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from difflib import SequenceMatcher
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import scans  # noqa: E402

LETTER = REPO / "qa" / "data" / "000_9783093694a0541d.txt"


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def accuracy(expected: str, got: str) -> float:
    """1 - CER: one minus the edit distance over the expected length (Levenshtein, by difflib's opcodes)."""
    a, b = normalise(expected), normalise(got)
    edits = 0
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            edits += max(i2 - i1, j2 - j1)
    return 1 - edits / max(1, len(a))


def lost_lines(expected: str, got: str, width: int = 45) -> list[str]:
    """Printed lines of the letter (paragraphs cut every `width` characters) less than half found in `got`."""
    found = normalise(got)
    lost = []
    for paragraph in normalise(expected.replace("\n", "¶")).split("¶"):
        for start in range(0, len(paragraph), width):
            piece = paragraph[start : start + width]
            if len(piece) < 25:
                continue
            matched = SequenceMatcher(None, piece, found, autojunk=False).find_longest_match(
                0, len(piece), 0, len(found)
            )
            halves = [piece[: len(piece) // 2], piece[len(piece) // 2 :]]
            if matched.size < len(piece) // 2 and not all(h in found for h in halves):
                lost.append(piece)
    return lost


def make_variants(folder: Path, wanted: list[str], pages: list[int]) -> dict[str, list[Path]]:
    """Each variant as page images (PNG); the scanned PDFs are read by rapidocr through qa.loading."""
    from PIL import Image

    pdf = scans.print_letter(folder / "letter.pdf")
    out: dict[str, list[Path]] = {}
    by_dpi: dict[int, list[Path]] = {}
    for name in wanted:
        dpi = int(name) if name.isdigit() else 200
        if dpi not in by_dpi:
            by_dpi[dpi] = scans.rasterise(pdf, dpi, folder / f"png{dpi}")
        chosen = [by_dpi[dpi][p - 1] for p in pages if p <= len(by_dpi[dpi])]
        if name.isdigit():
            out[name] = chosen
            continue
        out[name] = []
        for path in chosen:
            target = folder / f"{name}-{path.name}"
            scans.degrade(Image.open(path), name, seed=len(out[name])).save(target)
            out[name].append(target)
    return out


def run_rapidocr(pages: list[Path]) -> str:
    """The whole pipeline: the pages as one image-only PDF read by qa.loading (OCR, reading order, rejoining)."""
    from PIL import Image

    from qa.loading import load_file

    with tempfile.TemporaryDirectory() as tmp:
        pdf = scans.image_pdf([Image.open(p) for p in pages], Path(tmp) / "scan.pdf", 200)
        return load_file(pdf, "scan.pdf").text


def run_tesseract(pages: list[Path]) -> str:
    out = []
    for page in pages:
        done = subprocess.run(
            ["tesseract", str(page), "-", "-l", "chi_sim", "--psm", "3"], capture_output=True, text=True, check=True
        )
        out.append(done.stdout)
    return "\n".join(out)


def child(engine: str, variant: str, pages: list[str], params: str) -> None:
    """Run one engine on one variant in this process and print a JSON line."""
    import os

    if params:
        import qa.ocr.engine as engine_module

        for item in params.split(","):
            key, value = item.split("=")
            setattr(
                engine_module, {"box": "BOX_THRESH", "side": "MAX_SIDE", "unclip": "UNCLIP_RATIO"}[key], float(value)
            )
        engine_module.MAX_SIDE = int(engine_module.MAX_SIDE)
    os.environ["QA_OCR_CACHE"] = tempfile.mkdtemp()  # never read a cached OCR here
    paths = [Path(p) for p in pages]
    run = run_rapidocr if engine == "rapidocr" else run_tesseract
    wall, cpu = time.perf_counter(), time.process_time()
    text = run(paths)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if engine == "tesseract":  # the work happens in child processes
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = usage.ru_utime + usage.ru_stime
        peak = usage.ru_maxrss / 1024
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"text": text, "wall": wall, "cpu": cpu, "peak": peak}, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="rapidocr,tesseract")
    parser.add_argument("--variants", default="200,150,300,jpeg40,rotate1.5,salt,perspective")
    parser.add_argument("--pages", default="1-4", help="which pages of the letter, e.g. 1-4 or 2")
    parser.add_argument("--rapid-params", default="", help="override engine settings: box=0.3,side=2400,unclip=1.6")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--show-lost", action="store_true")
    args = parser.parse_args()
    if args.child:
        engine, variant, pages = args.child
        child(engine, variant, pages.split("|"), args.rapid_params)
        return
    if missing := scans.available():
        sys.exit(f"bench/ocr.py: {missing}")
    lo, _, hi = args.pages.partition("-")
    pages = list(range(int(lo), int(hi or lo) + 1))
    expected_full = LETTER.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        variants = make_variants(Path(tmp), args.variants.split(","), pages)
        # The expected text of the pages asked for: the letter's text from the printed PDF's page range.
        expected = _expected(Path(tmp) / "letter.pdf", pages, expected_full)
        print(
            f"letter: {len(normalise(expected))} characters on page(s) {args.pages}; params {args.rapid_params or 'default'}"
        )
        print(
            f"{'engine':<10} {'variant':<12} {'accuracy':>8} {'lost':>5} {'wall s/page':>11} {'cpu s/page':>10} {'peak MB':>8}"
        )
        for engine in args.engines.split(","):
            for name, paths in variants.items():
                cmd = [sys.executable, __file__, "--child", engine, name, "|".join(map(str, paths))]
                if args.rapid_params:
                    cmd += ["--rapid-params", args.rapid_params]
                done = subprocess.run(cmd, capture_output=True, text=True)
                if done.returncode:
                    print(f"{engine:<10} {name:<12} failed: {done.stderr.strip().splitlines()[-1:]}")
                    continue
                result = json.loads(done.stdout.strip().splitlines()[-1])
                lost = lost_lines(expected, result["text"])
                n = len(paths)
                print(
                    f"{engine:<10} {name:<12} {accuracy(expected, result['text']):>8.4f} {len(lost):>5} "
                    f"{result['wall'] / n:>11.1f} {result['cpu'] / n:>10.1f} {result['peak']:>8.0f}",
                    flush=True,
                )
                if args.show_lost:
                    for piece in lost:
                        print(f"    lost: {piece}")


def _expected(pdf: Path, pages: list[int], full: str) -> str:
    """The letter's text on `pages` of the printed PDF (the whole letter when all pages are asked for)."""
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        if pages == list(range(1, len(doc.pages) + 1)):
            return full
        from qa.loading import fold_compatibility

        return fold_compatibility("\n".join(doc.pages[p - 1].extract_text() or "" for p in pages))


if __name__ == "__main__":
    main()
