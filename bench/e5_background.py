"""A 10,000-chunk collection with E5: how soon it answers, how `ask` fares while E5 vectors are made behind it.

    python bench/e5_background.py [--chunks 10000] [--watch 120] [--finish]

Builds the scale haystack's collection (`bench/scale.py`: CMRC trial paragraphs among distractor passages) with
E5 named (`embed_model="e5"`), as `qa add` would: the build is written without vectors (deferred, BM25 answers).
Prints the time to the first answer, then starts `build_vectors_in_background()` (one core) and asks trial
questions for `--watch` seconds, printing `ask` p50/p95 and the vectors made per second; `--finish` then waits
for every vector and prints the total and the first fused answer. Prints numbers, asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from haystack import CACHE, TRIAL
from scale import corpus_folder

from qa.api import QA
from qa.evaluation import squad_questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--watch", type=float, default=120.0, help="seconds of asking while vectors are made")
    parser.add_argument("--finish", action="store_true", help="then wait until every vector is made")
    args = parser.parse_args()
    folder = corpus_folder(args.chunks)
    index = CACHE / f"index-e5-background-{args.chunks}"
    shutil.rmtree(index, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        questions = squad_questions(TRIAL, Path(tmp))
    started = time.perf_counter()
    bot = QA.create("haystack", [folder], index_dir=index, embed_model="e5")
    built = time.perf_counter() - started
    first = bot.ask(questions[0].question)
    answered = time.perf_counter() - started
    state = bot.vector_state
    print(f"{len(bot.chunks):,} chunks; built without vectors in {built:.1f} s, first answer after {answered:.1f} s")
    print(f"  first answer: {first.text[:60]!r} (dense used: {first.passages[0].dense_score is not None})")
    print(f"  vector state: {state}")
    bot.build_vectors_in_background()
    latencies, asked, watch_start = [], 0, time.perf_counter()
    while time.perf_counter() - watch_start < args.watch:
        q = questions[asked % len(questions)]
        t0 = time.perf_counter()
        bot.ask(q.question)
        latencies.append((time.perf_counter() - t0) * 1000)
        asked += 1
        time.sleep(0.2)  # a person's pace, not a load test
    state = bot.vector_state
    watched = time.perf_counter() - watch_start
    latencies.sort()
    done = state.done if state is not None else len(bot.chunks)
    print(
        f"while building ({watched:.0f} s): ask p50 {statistics.median(latencies):.1f} ms, "
        f"p95 {latencies[int(0.95 * (len(latencies) - 1))]:.1f} ms over {len(latencies)} questions; "
        f"{done:,}/{len(bot.chunks):,} vectors ({done / watched:.1f} chunks/s on one core)"
    )
    if args.finish:
        assert bot._background is not None
        bot._background[0].join()
        answer = bot.ask(questions[0].question)
        total = time.perf_counter() - started
        print(f"all vectors after {total / 60:.1f} min; dense used now: {answer.passages[0].dense_score is not None}")


if __name__ == "__main__":
    main()
