"""Local store against Milvus Lite: `python bench/milvus_parity.py [--embed-model wordllama]`.

Two sets: the letter's dev questions (`eval/questions.jsonl`, the answerable ones, through `QA.ask`) and CMRC
2018 trial (each paragraph a document; a question's gold chunk is the one holding its answer's start). For each
store it prints Recall@5, the warm p50 latency of one `retrieve` and of one `ask`, and for Milvus the time to
fill its collection; then the share of letter questions whose answer text is the same. A table, then JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "eval" / "questions.jsonl"
CMRC = ROOT.parent / "shared" / "data" / "cmrc2018_trial.json"
STORES = ("local", "milvus")


@dataclass(frozen=True)
class Gold:
    """A CMRC question and where its answer starts in its paragraph."""

    question: str
    doc_id: str
    answer: str
    answer_start: int


def cmrc(folder: Path) -> list[Gold]:
    """Write each paragraph of CMRC trial to `folder` as pNNNN.txt and return its questions."""
    articles = json.loads(CMRC.read_text(encoding="utf-8"))["data"]
    golds = []
    paragraphs = [p for article in articles for p in article["paragraphs"]]
    for number, paragraph in enumerate(paragraphs, 1):
        doc_id = f"p{number:04d}.txt"
        (folder / doc_id).write_text(paragraph["context"], encoding="utf-8")
        for qa in paragraph["qas"]:
            answer = qa["answers"][0]
            golds.append(Gold(qa["question"], doc_id, answer["text"], int(answer["answer_start"])))
    return golds


def gold_start(text: str, gold: Gold) -> int:
    """Where the answer starts in the loaded text: the occurrence nearest `answer_start` (loading may clean the
    text, shifting offsets), else `answer_start` itself."""
    found, at = [], text.find(gold.answer)
    while at >= 0:
        found.append(at)
        at = text.find(gold.answer, at + 1)
    return min(found, key=lambda i: abs(i - gold.answer_start)) if found else gold.answer_start


def p50_ms(times: Sequence[float]) -> float:
    return round(statistics.median(times) * 1000, 2) if times else float("nan")


def timed(times: list[float], call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`call(*args, **kwargs)`, its seconds appended to `times`."""
    started = time.perf_counter()
    out = call(*args, **kwargs)
    times.append(time.perf_counter() - started)
    return out


def letter(bots: dict[str, Any]) -> dict[str, Any]:
    from qa.evaluation import hit_rank, read_questions, recall_at

    questions = [q for q in read_questions(QUESTIONS)[0] if q.answerable]
    out: dict[str, Any] = {"questions": len(questions)}
    texts: dict[str, list[str]] = {}
    for name, bot in bots.items():
        ranks, asks, retrieves, answers = [], [], [], []
        for q in questions:
            answer = timed(asks, bot.ask, q.question, history=q.history)
            query = answer.resolved_question or q.question
            ranks.append(hit_rank(q, timed(retrieves, bot.retrieve, query, k=5)))
            answers.append(answer.text)
        texts[name] = answers
        out[name] = {
            "recall_at_5": recall_at(ranks, 5),
            "retrieve_p50_ms": p50_ms(retrieves),
            "ask_p50_ms": p50_ms(asks),
        }
    same = sum(a == b for a, b in zip(texts["local"], texts["milvus"], strict=True))
    out["same_answer"] = round(same / len(questions), 4)
    out["different_answers"] = [
        q.id for q, a, b in zip(questions, texts["local"], texts["milvus"], strict=True) if a != b
    ]
    return out


def trial(bots: dict[str, Any], golds: Sequence[Gold]) -> dict[str, Any]:
    out: dict[str, Any] = {"questions": len(golds)}
    for name, bot in bots.items():
        hits, times = 0, []
        for g in golds:
            at = gold_start(bot.document_text(g.doc_id), g)
            passages = timed(times, bot.retrieve, g.question, k=5)
            hits += any(p.doc_id == g.doc_id and p.start <= at < p.end for p in passages)
        out[name] = {"recall_at_5": round(hits / len(golds), 4), "retrieve_p50_ms": p50_ms(times)}
    return out


def open_both(store: str, **options: Any) -> tuple[dict[str, Any], float]:
    """The local and the Milvus view of one collection, and the seconds filling the Milvus collection took."""
    from qa import QA

    local = QA.from_path(**options)
    local.retriever  # noqa: B018  (BM25 is built on first use: not part of the timings)
    milvus = QA.from_path(**options, store=store)
    started = time.perf_counter()
    milvus.retriever  # noqa: B018  (fills the Milvus collection)
    return {"local": local, "milvus": milvus}, round(time.perf_counter() - started, 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--embed-model", default="wordllama", help="embedder (default wordllama, offline)")
    parser.add_argument("--milvus", help="the Milvus store to compare (default: a Milvus Lite file in a temp folder)")
    args = parser.parse_args(argv)
    if not CMRC.is_file():
        print(f"bench/milvus_parity.py: {CMRC} is missing: it needs ../shared/data", file=sys.stderr)
        return 2
    from qa import QA
    from qa.errors import QAError

    with tempfile.TemporaryDirectory() as tmp:
        index, docs = Path(tmp) / "index", Path(tmp) / "cmrc"
        docs.mkdir()
        store = args.milvus or f"milvus:{Path(tmp) / 'qa.db'}"
        options = {"index_dir": index, "embed_model": args.embed_model}
        try:
            bots, letter_fill = open_both(store, **options)
            report: dict[str, Any] = {"store": store, "embed_model": args.embed_model}
            report["letter"] = letter(bots) | {"chunks": len(bots["local"].chunks), "milvus_fill_s": letter_fill}
            golds = cmrc(docs)
            QA.create("cmrc", [docs], **options)
            bots, trial_fill = open_both(store, collection="cmrc", **options)
            report["cmrc_trial"] = trial(bots, golds) | {
                "chunks": len(bots["local"].chunks),
                "milvus_fill_s": trial_fill,
            }
        except QAError as exc:
            print(f"bench/milvus_parity.py: {exc}", file=sys.stderr)
            return 2

    print(f"{'set':<12}{'store':<8}{'chunks':>7}{'questions':>10}{'R@5':>8}{'retrieve p50':>14}{'ask p50':>10}")
    for key, label in (("letter", "letter dev"), ("cmrc_trial", "CMRC trial")):
        part = report[key]
        for name in STORES:
            row = part[name]
            ask = f"{row['ask_p50_ms']:.1f}ms" if "ask_p50_ms" in row else "-"
            print(
                f"{label:<12}{name:<8}{part['chunks']:>7}{part['questions']:>10}{row['recall_at_5']:>8.4f}"
                f"{row['retrieve_p50_ms']:>12.1f}ms{ask:>10}"
            )
    print(
        f"letter dev answers the same: {report['letter']['same_answer']:.2%}; Milvus Lite filled in "
        f"{report['letter']['milvus_fill_s']} s (letter), {report['cmrc_trial']['milvus_fill_s']} s (CMRC trial)"
    )
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
