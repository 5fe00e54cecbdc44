"""Which offline Chinese POS tagger finds proper names in short questions best: prints numbers, asserts nothing.

    /tmp/taggers-venv/bin/python bench/taggers.py [--limit 1000] [--cold-runs 3]
    /tmp/taggers-venv/bin/python bench/taggers.py --sample      # the hand-judging sample as a Markdown table

Run it from the repository root in a venv that holds the taggers (see bench/results/taggers.md for the
installs); it needs nothing of `qa`. The look-alike questions of `qa/answering/lookalikes.py` swap a question's
proper name (person, place, organisation, other) for another of the same type, so what matters is which name
spans a tagger finds in a question and of which type.

For each tagger (jieba, rjieba, thulac, snownlp, pkuseg, spacy-pkuseg, LAC) it prints:
- cold: seconds to import the package, load its model and tag the first question, timed inside a fresh
  subprocess (interpreter start excluded); the median of `--cold-runs`, with the peak resident memory (MB) of that
  subprocess. The subprocess is also the probe: a tagger that is not installed, fails to import or wants to
  download a model is skipped with a one-line note, and is never loaded in this process.
- warm: the median time to tag one question (wall and CPU ms), over the first `--limit` non-empty questions of
  CMRC 2018 trial (/work/shared/data/cmrc2018_trial.json), after the first question has been tagged once.
- names per 100 questions, by type.
- for every pair of taggers, the Jaccard agreement of their name spans: exact (question, start, end) sets, and
  in parentheses the same with the type included.

A name span is a word whose tag maps to a type in the tagger's TAGS (below), of 2 characters or more and with no
digit (the same filter as `qa.answering.names.tagged_entities`; the suffix-joining that `tagged_entities`
adds on top of jieba is left out, as it would apply to any tagger). snownlp follows the People's Daily 1998
convention of tagging a surname and a given name apart (`周/nr 杰伦/nr`), so its adjacent person words are
joined into one name first.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Literal, NamedTuple

DATA = Path("/work/shared/data/cmrc2018_trial.json")
LIMIT = 1000  # questions measured
SAMPLE_STEP = 16  # every 16th of the first 1000 questions is hand-judged: 63 questions (the first 60 are used)
SAMPLE_SIZE = 60
COLD_RUNS = 3
COLD_TIMEOUT = 300.0  # seconds; a tagger whose cold start takes longer is skipped
MIN_NAME = 2  # characters: a one-character "name" is mostly a mis-cut (`尤/d 金/a`), and qa.answering.names drops them

EntityType = Literal["person", "place", "org", "other"]
TYPES: tuple[EntityType, ...] = ("person", "place", "org", "other")
Tagged = list[tuple[str, str]]  # (word, tag) pairs in text order
Tagger = Callable[[str], Tagged]

# Each tagger's own proper-name tags and the type each stands for.
# jieba and rjieba (jieba's dictionary and tag set, ICTCLAS-like): nr person, nrt transliterated person,
# nrfg person, ns place, nt organisation, nz other proper noun.
JIEBA_TAGS: dict[str, EntityType] = {
    "nr": "person",
    "nrt": "person",
    "nrfg": "person",
    "ns": "place",
    "nt": "org",
    "nz": "other",
}
# thulac: np person (人名), ns place (地名), ni organisation (机构名), nz other proper noun (其它专名).
THULAC_TAGS: dict[str, EntityType] = {"np": "person", "ns": "place", "ni": "org", "nz": "other"}
# snownlp and pkuseg: People's Daily 1998 (PKU) tag set: nr person, ns place, nt organisation, nz other.
PKU_TAGS: dict[str, EntityType] = {"nr": "person", "ns": "place", "nt": "org", "nz": "other"}
# spacy-pkuseg (OntoNotes, Penn Chinese Treebank tags): NR is any proper noun, untyped, so "other".
CTB_TAGS: dict[str, EntityType] = {"NR": "other"}
# LAC: its NER tags PER, LOC, ORG and its POS tags nr, ns, nt, nz.
LAC_TAGS: dict[str, EntityType] = {
    "PER": "person",
    "nr": "person",
    "LOC": "place",
    "ns": "place",
    "ORG": "org",
    "nt": "org",
    "nz": "other",
}


@dataclass(frozen=True)
class Spec:
    """A tagger: the module whose presence says it is installed, its tag mapping and how names are joined."""

    name: str
    module: str
    tags: Mapping[str, EntityType]
    join_person_parts: bool = False


SPECS: tuple[Spec, ...] = (
    Spec("jieba", "jieba", JIEBA_TAGS),
    Spec("rjieba", "rjieba", JIEBA_TAGS),
    Spec("thulac", "thulac", THULAC_TAGS),
    Spec("snownlp", "snownlp", PKU_TAGS, join_person_parts=True),
    Spec("pkuseg", "pkuseg", PKU_TAGS),
    Spec("spacy-pkuseg", "spacy_pkuseg", CTB_TAGS),
    Spec("LAC", "LAC", LAC_TAGS),
)


class Span(NamedTuple):
    start: int
    end: int
    text: str
    kind: EntityType


@dataclass(frozen=True)
class Cold:
    seconds: float  # import + load + first question, median of the runs
    runs: tuple[float, ...]
    rss_mb: float  # peak resident memory of the subprocess


@dataclass(frozen=True)
class Measured:
    spec: Spec
    cold: Cold
    wall_ms: float  # median per question
    cpu_ms: float
    spans: list[list[Span]]  # per question


def load(name: str) -> Tagger:
    """Import tagger `name` and load its model; the returned function tags one text."""
    if name == "jieba":
        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        return lambda text: [(w.word, w.flag) for w in jieba.posseg.cut(text)]
    if name == "rjieba":
        import rjieba

        return lambda text: list(rjieba.tag(text))
    if name == "thulac":
        import thulac

        with contextlib.redirect_stdout(io.StringIO()):  # it prints "Model loaded succeed"
            model = thulac.thulac()
        return lambda text: [(w, t) for w, t in model.cut(text)]
    if name == "snownlp":
        from snownlp import seg, tag

        # What `SnowNLP(text).tags` does, without the BM25 index it builds first (and which fails on "").
        def snownlp_tags(text: str) -> Tagged:
            words = seg.seg(text)
            return list(zip(words, tag.tag(words), strict=True)) if words else []

        return snownlp_tags
    if name == "pkuseg":
        import pkuseg

        model = pkuseg.pkuseg(postag=True)  # downloads postag.zip when it is not in ~/.pkuseg
        return lambda text: list(model.cut(text))
    if name == "spacy-pkuseg":
        import spacy_pkuseg

        model = spacy_pkuseg.pkuseg(postag=True)  # downloads spacy_ontonotes.zip when it is not in ~/.pkuseg
        return lambda text: list(model.cut(text))
    if name == "LAC":
        from LAC import LAC

        model = LAC(mode="lac")
        return lambda text: list(zip(*model.run(text), strict=True))
    raise ValueError(f"unknown tagger {name!r}")


def questions(path: Path, limit: int) -> list[str]:
    """The first `limit` non-empty questions of a SQuAD-format file, in file order (CMRC trial has two empty ones)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    found = [qa["question"].strip() for article in data["data"] for p in article["paragraphs"] for qa in p["qas"]]
    return [q for q in found if q][:limit]


def name_spans(text: str, tagged: Tagged, spec: Spec) -> list[Span]:
    """The proper-name spans of `text` in a tagger's (word, tag) output, typed by `spec.tags`."""
    spans: list[Span] = []
    cursor = 0
    for word, tag in tagged:
        start = text.find(word, cursor)
        if start < 0:  # a tagger that normalised the text: skip the word rather than guess its place
            continue
        end = cursor = start + len(word)
        kind = spec.tags.get(tag)
        if kind is None:
            continue
        last = spans[-1] if spans else None
        if spec.join_person_parts and kind == "person" and last and last.kind == "person" and last.end == start:
            spans[-1] = Span(last.start, end, text[last.start : end], "person")
        else:
            spans.append(Span(start, end, word, kind))
    return [s for s in spans if len(s.text) >= MIN_NAME and not any(ch.isdigit() for ch in s.text)]


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM, since `ru_maxrss` survives exec and so would report
    the parent's peak in a subprocess; `ru_maxrss` elsewhere."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cold_start(name: str, first: str) -> None:
    """In a fresh process: time import + load + tagging `first`; print it and the peak memory as JSON."""
    start = time.perf_counter()
    load(name)(first)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "rss_mb": peak_rss_mb()}))


def probe(spec: Spec, first: str, runs: int) -> Cold | str:
    """Cold start of `spec` in `runs` fresh subprocesses; a one-line reason instead when it does not work."""
    if importlib.util.find_spec(spec.module) is None:
        return f"not installed (no module {spec.module})"
    seconds: list[float] = []
    rss: list[float] = []
    for _ in range(runs):
        command = [sys.executable, str(Path(__file__).resolve()), "--cold", spec.name, "--first", first]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=COLD_TIMEOUT)
        except subprocess.TimeoutExpired:
            return f"cold start over {COLD_TIMEOUT:.0f} s"
        if done.returncode != 0:
            return failure_line(done.stderr)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        seconds.append(result["seconds"])
        rss.append(result["rss_mb"])
    return Cold(statistics.median(seconds), tuple(seconds), max(rss))


def failure_line(stderr: str) -> str:
    """One line that says why a cold start failed: the exception, and the URL when it tried to download."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    error = lines[-1] if lines else "failed with no message"
    download = next((line for line in lines if line.startswith("Downloading")), None)
    return f"{download} -> {error}" if download else error


def measure(spec: Spec, cold: Cold, texts: Sequence[str]) -> Measured:
    """Tag every text once (after a warm-up on the first), timing each; collect the name spans."""
    tag = load(spec.name)
    tag(texts[0])
    wall: list[float] = []
    cpu: list[float] = []
    spans: list[list[Span]] = []
    for text in texts:
        w0, c0 = time.perf_counter(), time.process_time()
        tagged = tag(text)
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
        spans.append(name_spans(text, tagged, spec))
    return Measured(spec, cold, 1000 * statistics.median(wall), 1000 * statistics.median(cpu), spans)


def span_set(m: Measured, typed: bool) -> set[tuple[object, ...]]:
    """(question, start, end[, type]) of every name span a tagger found."""
    return {(i, s.start, s.end, s.kind) if typed else (i, s.start, s.end) for i, q in enumerate(m.spans) for s in q}


def jaccard(a: set[tuple[object, ...]], b: set[tuple[object, ...]]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def report(measured: Sequence[Measured], skipped: Mapping[str, str], n: int) -> None:
    """Print the per-tagger table, the skipped taggers and the pairwise agreement."""
    per = 100 / n
    print(
        f"{'tagger':<13} {'cold s':>7} {'(runs)':<20} {'RSS MB':>7} {'warm ms':>8} {'cpu ms':>7} "
        f"{'names/100q':>10} {'person':>7} {'place':>6} {'org':>5} {'other':>6}"
    )
    for m in measured:
        counts = Counter(s.kind for q in m.spans for s in q)
        runs = "/".join(f"{r:.2f}" for r in m.cold.runs)
        print(
            f"{m.spec.name:<13} {m.cold.seconds:>7.2f} {runs:<20} {m.cold.rss_mb:>7.0f} {m.wall_ms:>8.3f} "
            f"{m.cpu_ms:>7.3f} {per * counts.total():>10.1f} "
            + " ".join(f"{per * counts[t]:>{w}.1f}" for t, w in zip(TYPES, (7, 6, 5, 6), strict=True))
        )
    for name, why in skipped.items():
        print(f"skipped {name}: {why}")
    print("\nagreement on name spans: Jaccard of exact (question, start, end) sets (with the type too)")
    for a, b in combinations(measured, 2):
        plain = jaccard(span_set(a, False), span_set(b, False))
        typed = jaccard(span_set(a, True), span_set(b, True))
        print(f"  {a.spec.name:<13} {b.spec.name:<13} {plain:.3f} ({typed:.3f})")


def sample_table(measured: Sequence[Measured], texts: Sequence[str], step: int, size: int) -> str:
    """A Markdown table of the hand-judging sample: each question and each tagger's `span/type` list."""
    short = {"person": "per", "place": "loc", "org": "org", "other": "oth"}
    head = "| # | question | " + " | ".join(m.spec.name for m in measured) + " |"
    rows = [head, "|" + "---|" * (len(measured) + 2)]
    for i in range(0, len(texts), step)[:size]:
        cells = [", ".join(f"{s.text}/{short[s.kind]}" for s in m.spans[i]) or "—" for m in measured]
        rows.append(f"| {i} | {texts[i]} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=LIMIT, help="questions measured")
    parser.add_argument("--cold-runs", type=int, default=COLD_RUNS, help="fresh subprocesses per tagger")
    parser.add_argument("--sample", action="store_true", help="print the hand-judging sample table instead")
    parser.add_argument("--cold", help=argparse.SUPPRESS)  # internal: the cold-start subprocess
    parser.add_argument("--first", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.cold:
        cold_start(args.cold, args.first)
        return
    texts = questions(DATA, args.limit)
    print(f"{len(texts)} questions of {DATA}; load average {load_average()}; python {sys.version.split()[0]}")
    measured: list[Measured] = []
    skipped: dict[str, str] = {}
    for spec in SPECS:
        cold = probe(spec, texts[0], 1 if args.sample else args.cold_runs)
        if isinstance(cold, str):
            skipped[spec.name] = cold
            continue
        measured.append(measure(spec, cold, texts))
    if args.sample:
        print(sample_table(measured, texts, SAMPLE_STEP, SAMPLE_SIZE))
        return
    report(measured, skipped, len(texts))
    print(f"\nload average at the end {load_average()}")


if __name__ == "__main__":
    main()
