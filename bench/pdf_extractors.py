"""Which PDF library reads Chinese PDFs best: prints character accuracy and time per page, asserts nothing.

    python bench/pdf_extractors.py [--runs 3] [--chromium /usr/bin/chromium]

Prints PDFs with headless Chromium (Noto CJK fonts, as a browser's "Save as PDF" would) from texts whose
every character is known: the bundled letter (ASCII punctuation), a reply letter with full-width punctuation,
quotes, dates and Latin words (each with and without `lang="zh-CN"`, which changes the font Chromium picks),
and the bundled letter four times over (a longer file, for time per page).
Then, for pypdf (plain and layout modes) and pdfplumber, prints:
- raw: characters right, whitespace ignored, before any clean-up (Kangxi radicals such as `⾼` count as wrong);
- folded: the same after qa's per-character NFKC of radicals and compatibility ideographs;
- exact: folded and with wrapped lines rejoined by qa's loader, spaces counted (a stray space is an error);
- ms/page: CPU time of the extraction (process time, so other work on a shared machine counts less), best of
  `--runs`.
Accuracy is difflib's matched characters over the longer of the two texts.
"""

from __future__ import annotations

import argparse
import html
import io
import logging
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from difflib import SequenceMatcher
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from qa.formats import Block, Extracted  # noqa: E402
from qa.loading import document_from_extracted, fold_compatibility  # noqa: E402
from qa.settings import BUNDLED_LETTER  # noqa: E402

REPLY = """尊敬的李华代表：
您提出的“关于加强中等职业教育的建议”收悉，现答复如下：
一、总体情况
近年来，我市高度重视职业教育发展，全市共有中等职业学校四十二所，其中三十一所通过了标准化建设工程验收，在校生规模达到十二万人，高质量发展的基础不断夯实，办学条件持续改善，教师队伍结构逐步优化，“双师型”教师占比达到百分之六十以上。
（一）经费保障
市财政每年安排专项资金（约3.5亿元），用于改善办学条件；2023年新增实训基地18个，覆盖智能制造、电子商务和Python程序设计等专业。
（二）师资建设
我们实施了“名师工程”，选派骨干教师到企业实践，累计培训教师2,400人次，并邀请行业专家走进课堂，讲授《职业道德与法律》等课程。
二、下一步工作
我们将继续推进产教融合，计划到二〇二五年建成十所高水平职业院校，为郑州市经济社会高质量发展提供有力的人才支撑。
感谢您对教育工作的关心和支持！
郑州市教育局
2024年6月1日"""

Extractor = Callable[[bytes], list[str]]


def _pypdf(mode: str) -> Extractor:
    def extract(raw: bytes) -> list[str]:
        from pypdf import PdfReader

        return [page.extract_text(extraction_mode=mode) for page in PdfReader(io.BytesIO(raw)).pages]

    return extract


def _pdfplumber(raw: bytes) -> list[str]:
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # a warning per glyph about Chromium's font boxes
    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


EXTRACTORS: dict[str, Extractor] = {
    "pypdf (plain)": _pypdf("plain"),
    "pypdf (layout)": _pypdf("layout"),
    "pdfplumber": _pdfplumber,
}


def print_pdf(text: str, folder: Path, name: str, chromium: str, lang: str = "zh-CN") -> bytes:
    """The text as paragraphs of a Chromium-printed A4 PDF (16 px Noto CJK, so long paragraphs wrap).

    Without `lang` Chromium picks the CJK font by its own fallback (Noto Sans CJK JP here), whose PDFs
    place the characters differently; the `zh-CN` page uses the SC face.
    """
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n"))
    html_lang = f' lang="{lang}"' if lang else ""
    page = f'<!doctype html><html{html_lang}><meta charset="utf-8"><body style="font-size:16px">{body}</body></html>'
    source, out = folder / f"{name}.html", folder / f"{name}.pdf"
    source.write_text(page, encoding="utf-8")
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={out}", "--no-pdf-header-footer"]
    subprocess.run([*cmd, source.as_uri()], check=True, capture_output=True, timeout=120)
    return out.read_bytes()


def accuracy(expected: str, got: str) -> float:
    matched = sum(block.size for block in SequenceMatcher(None, expected, got, autojunk=False).get_matching_blocks())
    return matched / max(len(expected), len(got), 1)


def _no_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


def loader_text(pages: list[str]) -> str:
    """What qa's loader makes of these page texts: lines folded and rejoined."""
    blocks = tuple(Block(line, page=n) for n, text in enumerate(pages, 1) for line in text.split("\n") if line.strip())
    return document_from_extracted(Extracted(blocks, pages=len(pages), hard_wrapped=True), "bench.pdf").text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="timing repetitions per file and library")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    letter = BUNDLED_LETTER.read_text(encoding="utf-8").strip()
    files = {  # name: (text, page language)
        "letter": (letter, "zh-CN"),
        "letter, no lang": (letter, ""),
        "reply": (REPLY, "zh-CN"),
        "reply, no lang": (REPLY, ""),
        "letter x4": ("\n".join([letter] * 4), "zh-CN"),
    }
    texts = {name: text for name, (text, _) in files.items()}
    with tempfile.TemporaryDirectory(prefix="qa-pdf-bench-") as tmp:
        pdfs = {
            name: print_pdf(text, Path(tmp), f"doc{i}", args.chromium, lang)
            for i, (name, (text, lang)) in enumerate(files.items())
        }
    print(f"{'library':<16} {'file':<18} {'pages':>5} {'raw':>7} {'folded':>7} {'exact':>7} {'ms/page':>8} (CPU)")
    for lib, extract in EXTRACTORS.items():
        for name, raw in pdfs.items():
            best = float("inf")
            for _ in range(args.runs):
                start = time.process_time()
                pages = extract(raw)
                best = min(best, time.process_time() - start)
            expected = texts[name]
            joined = "\n".join(pages)
            raw_acc = accuracy(_no_space(expected), _no_space(joined))
            folded_acc = accuracy(_no_space(expected), _no_space(fold_compatibility(joined)))
            exact_acc = accuracy(expected.replace("\n", ""), loader_text(pages).replace("\n", ""))
            ms = 1000 * best / len(pages)
            print(
                f"{lib:<16} {name:<18} {len(pages):>5} {raw_acc:>7.2%} {folded_acc:>7.2%} {exact_acc:>7.2%} {ms:>8.1f}"
            )


if __name__ == "__main__":
    main()
