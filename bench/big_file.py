"""One ~49 MB text file (the issue's case): index it, then ask in fresh processes and in one process.

    python bench/big_file.py [--mb 49]

The file is the paragraphs of CMRC 2018 train, DRCD dev and CMRC trial (../shared/data), repeated until it
reaches the size, in a temporary folder. Prints wall time and peak RSS of `qa index FILE` and of two
`qa ask` runs in fresh processes (GNU time), then open / indexes / first-answer / later-answer times in-process.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
QUESTIONS = ("柳林风声的作者是谁？", "台湾的首都是哪里？", "北京大学创办于哪一年？", "长江有多长？", "谁发明了电话？")


def write_file(path: Path, megabytes: float) -> None:
    paragraphs = []
    for name in ("cmrc2018_train.json", "drcd_dev.json", "cmrc2018_trial.json"):
        data = json.loads((DATA / name).read_text(encoding="utf-8"))["data"]
        paragraphs += [p["context"] for article in data for p in article["paragraphs"]]
    out, size, i = [], 0, 0
    while size < megabytes * 2**20:
        text = paragraphs[i % len(paragraphs)]
        out.append(text)
        size += len(text.encode("utf-8")) + 2
        i += 1
    path.write_text("\n\n".join(out), encoding="utf-8")


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a fresh process, from GNU time."""
    done = subprocess.run(["/usr/bin/time", "-v", *argv], capture_output=True, text=True, check=True)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    assert wall and rss, done.stderr
    hours, minutes, seconds = (float(g) if g else 0.0 for g in wall.groups())
    return hours * 3600 + minutes * 60 + seconds, int(rss.group(1)) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=49.0, help="file size in MB (default 49, under the 50 MB cap)")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"bench/big_file.py: {DATA} is missing: it needs ../shared/data", file=sys.stderr)
        return 2
    qa = str(Path(sys.executable).parent / "qa")
    with tempfile.TemporaryDirectory() as tmp:
        source, index = Path(tmp) / "big.txt", Path(tmp) / "index"
        write_file(source, args.mb)
        common = ["--index-dir", str(index)]
        wall, rss = timed([qa, "index", str(source), *common])
        print(f"file {source.stat().st_size / 2**20:.1f} MB: qa index {wall:.1f} s, peak {rss:.0f} MB")
        for run in (1, 2):
            wall, rss = timed([qa, "ask", QUESTIONS[0], "--collection", "big", *common])
            print(f"qa ask in a fresh process ({run}): {wall:.2f} s wall, peak {rss:.0f} MB")
        from qa import QA

        started = time.perf_counter()
        bot = QA.from_path(collection="big", index_dir=index)
        opened = time.perf_counter()
        bot.prepare()
        prepared = time.perf_counter()
        bot.ask(QUESTIONS[0])
        first = time.perf_counter()
        later = []
        for question in QUESTIONS[1:]:
            t0 = time.perf_counter()
            bot.ask(question)
            later.append(time.perf_counter() - t0)
        print(
            f"in process: open {opened - started:.2f} s, indexes {prepared - opened:.2f} s, first answer "
            f"{first - prepared:.2f} s, later answers median {statistics.median(later) * 1000:.0f} ms "
            f"({len(bot.chunks)} chunks)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
