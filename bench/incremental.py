"""Adding one document to a large collection against rebuilding it: `python bench/incremental.py [--docs 1000]`.

Documents are the paragraphs of CMRC 2018 train (real Chinese text, ~500 characters each), written as .txt
files; the embedder is the offline default (wordllama). It prints one JSON line and a sentence.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "cmrc2018_train.json"


def paragraphs(limit: int) -> list[str]:
    data = json.loads(DATA.read_text(encoding="utf-8"))["data"]
    return [p["context"] for article in data for p in article["paragraphs"]][:limit]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=1000, help="documents in the collection (default 1000)")
    parser.add_argument("--embed-model", default="wordllama", help="embedder (default wordllama, offline)")
    args = parser.parse_args(argv)
    if not DATA.is_file():
        print(f"bench/incremental.py: {DATA} is missing: it needs ../shared/data", file=sys.stderr)
        return 2
    from qa import QA

    texts = paragraphs(args.docs + 1)
    with tempfile.TemporaryDirectory() as tmp:
        folder, extra, index = Path(tmp) / "docs", Path(tmp) / "new.txt", Path(tmp) / "index"
        folder.mkdir()
        for i, text in enumerate(texts[:-1]):
            (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")
        extra.write_text(texts[-1], encoding="utf-8")
        options = {"index_dir": index, "embed_model": args.embed_model}

        started = time.perf_counter()
        bot = QA.create("big", [folder], **options)
        build_s = time.perf_counter() - started
        chunks = bot.manifest.chunks

        started = time.perf_counter()
        bot = QA.from_path(collection="big", **options)  # what `qa add` does: open, then add
        open_s = time.perf_counter() - started
        started = time.perf_counter()
        change = bot.add([extra])
        add_s = time.perf_counter() - started

        shutil.rmtree(index)
        shutil.copy(extra, folder / "new.txt")
        started = time.perf_counter()
        QA.create("big", [folder], **options)
        rebuild_s = time.perf_counter() - started
    row = {
        "documents": args.docs,
        "chunks": chunks,
        "embedder": bot.embedder_id,
        "build_s": round(build_s, 2),
        "rebuild_with_new_doc_s": round(rebuild_s, 2),
        "open_s": round(open_s, 2),
        "add_one_s": round(add_s, 2),
        "open_and_add_s": round(open_s + add_s, 2),
        "embedded_chunks": change.embedded_chunks,
        "speedup_add": round(rebuild_s / add_s, 1),
        "speedup_open_and_add": round(rebuild_s / (open_s + add_s), 1),
    }
    print(json.dumps(row))
    print(
        f"{args.docs} documents ({chunks} chunks): rebuilding with the new file takes {rebuild_s:.2f} s; "
        f"`add` of it {add_s:.2f} s ({row['speedup_add']}x faster), open + add {open_s + add_s:.2f} s "
        f"({row['speedup_open_and_add']}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
