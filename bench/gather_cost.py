"""What the company check costs on a document's first answered question: gathering the companies a document names
(`qa.answering.gather.names_of`, kept per document after that) tags the whole document.

    python bench/gather_cost.py [--data ../shared/data/cmrc2018_train.json]

Prints the seconds `names_of(doc, "company")` takes the first time and again, for the bundled letter and for
documents of CMRC 2018 train's paragraphs joined (10, 100 and 400 of them). Asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

from qa.answering.gather import names_of
from qa.answering.names import tag
from qa.loading import load_path
from qa.settings import BUNDLED_LETTER
from qa.types import Document

REPO = Path(__file__).resolve().parent.parent


def _timed(doc: Document) -> tuple[float, float, int]:
    start = time.perf_counter()
    names = names_of(doc, "company")
    first = time.perf_counter() - start
    start = time.perf_counter()
    names_of(doc, "company")
    return first, time.perf_counter() - start, len(names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "cmrc2018_train.json")
    args = parser.parse_args()
    letter = load_path(BUNDLED_LETTER)[0]
    tag("郑州市教育局的答复")  # loads jieba's tagger, which every question loads anyway
    paragraphs = [
        p["context"] for a in json.loads(args.data.read_text(encoding="utf-8"))["data"] for p in a["paragraphs"]
    ]
    docs = [("letter", letter)]
    for count in (10, 100, 400):
        text = "\n".join(paragraphs[1000 : 1000 + count])
        sha = hashlib.sha256(text.encode()).hexdigest()
        docs.append((f"{count} CMRC paragraphs", Document(f"cmrc-{count}", text, sha)))
    print("| document | characters | first | again | companies |")
    print("|---|---|---|---|---|")
    for name, doc in docs:
        first, again, found = _timed(doc)
        print(f"| {name} | {len(doc.text):,} | {first:.3f} s | {again * 1000:.2f} ms | {found} |")


if __name__ == "__main__":
    main()
