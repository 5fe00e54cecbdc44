"""Scale benchmark: `qa` over haystacks of 10^4..10^6 chunks, asked the 1,002 CMRC 2018 trial questions.

    python bench/scale.py                      # 10^4 and 10^5, one table
    python bench/scale.py --chunks 100000      # one size, one JSON line
    python bench/scale.py --sizes 10000 100000 1000000

The haystack is the 256 trial paragraphs, each a file of its own, plus seeded distractor passages of
100-250 characters made from CMRC train and DRCD dev sentences (bench/haystack.py), 500 to a file (a
distractor document; a trial paragraph is never in one). The collection is built through the public API
(`QA.create` then `prepare`, which saves the BM25 and dense caches; offline `wordllama` embedder) in one
subprocess, then opened cold by name in a second one (`QA.from_path(collection=...)` then `prepare`),
which times warm queries on its parts too: BM25 candidates, dense candidates, fused (`QA.retrieve`), `QA.ask`.
Each phase runs in its own process so its RSS is its own; a watchdog kills a phase past --max-rss-gb
and the result says so. Recall@5: a top-5 passage comes from the question's trial paragraph.
Prints numbers, asserts nothing; results go to bench/results/scale-store-N.json
(bench/results/scale-N.json hold the same measurement of the store before collections, qa 2c4ee9d).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from haystack import CACHE, TRIAL

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
PER_FILE = 500  # distractor passages per file (a document), blank lines between them
COLLECTION = "scale"
# The dense model (`--embed-model`, passed to the phases in the environment): wordllama by default, as measured
# before E5; `none` is what a collection over E5's background size answers with until `qa index` has made its
# vectors (E5 itself takes hours at 10^5 chunks here: see the README's E5 section).
EMBED = "QA_SCALE_EMBED_MODEL"
# Children run at nice 10 (the cores are shared), unless this process already runs niced.
NICE = ["nice", "-n", "10"] if os.nice(0) == 0 else []


# ---- measuring helpers ------------------------------------------------------------------------------


def rss_mb(pid: int | str = "self", key: str = "VmRSS") -> float:
    """Resident (VmRSS) or peak resident (VmHWM) memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def disk_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2) if ordered else float("nan")


# ---- the collection ---------------------------------------------------------------------------------


def corpus_folder(n: int) -> Path:
    """A folder of the 256 trial paragraphs (`pNNNN.txt`) and distractor documents, `n` chunks in all, written once.

    `qa` cuts text into chunks of 100..250 characters at sentence ends: documents are added until the chunker's
    own count reaches `n` (the last one is cut short to land near it).
    """
    folder = CACHE / f"corpus-docs-{n}"
    if (folder / ".complete").is_file():
        return folder
    from haystack import passages
    from tqdm import tqdm

    from qa.chunking import chunk_document
    from qa.evaluation import squad_questions
    from qa.loading import document_from_bytes, load_path

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    squad_questions(TRIAL, folder)
    chunks = sum(len(chunk_document(d)) for d in load_path(folder))
    bar = tqdm(total=n, initial=chunks, desc=f"writing {n} chunks", unit="chunk", mininterval=2)
    source, batch, files = passages(), [], 0
    while chunks < n:
        batch = []
        for text in source:
            batch.append(text)
            if len(batch) == PER_FILE or chunks + len(batch) * 1.3 >= n:
                break
        body = "\n\n".join(batch)
        added = len(chunk_document(document_from_bytes(body.encode("utf-8"), "x")))
        (folder / "h").mkdir(exist_ok=True)
        (folder / "h" / f"{files:05d}.txt").write_text(body, encoding="utf-8")
        files += 1
        chunks += added
        bar.update(added)
    bar.close()
    (folder / ".complete").touch()
    return folder


def index_dir(n: int) -> Path:
    return CACHE / f"index-docs-{n}"


def phase_build(n: int, store: str) -> dict[str, Any]:
    """Build the collection through `QA.create`, then `prepare` (BM25 and dense caches saved)."""
    folder = corpus_folder(n)
    shutil.rmtree(index_dir(n), ignore_errors=True)
    start, cpu_start = time.perf_counter(), time.process_time()
    from qa.api import QA

    model = os.environ.get(EMBED, "wordllama")
    bot = QA.create(COLLECTION, [folder], index_dir=index_dir(n), embed_model=model, store=store).prepare()
    return {
        "build_s": round(time.perf_counter() - start, 1),
        "build_cpu_s": round(time.process_time() - cpu_start, 1),
        "chunks": len(bot.chunks),
        "documents": len(bot.documents),
        "dense_index": bot.manifest.dense.kind,
        "disk_mb": round(disk_mb(index_dir(n)), 1),
        "build_peak_rss_mb": round(rss_mb(key="VmHWM")),
    }


def phase_query(n: int, store: str, questions_limit: int, latency_sample: int) -> dict[str, Any]:
    """Open the built collection cold, by name, then time warm queries on each part and on `ask`."""
    start = time.perf_counter()
    from qa.api import QA

    import_s = time.perf_counter() - start
    start, cpu_start = time.perf_counter(), time.process_time()
    model = os.environ.get(EMBED, "wordllama")
    bot = QA.from_path(collection=COLLECTION, index_dir=index_dir(n), embed_model=model, store=store)
    bot.prepare()
    open_s, open_cpu_s = time.perf_counter() - start, time.process_time() - cpu_start
    rss_open = rss_mb()

    from qa.evaluation import key_found, squad_questions, strip_markers

    with tempfile.TemporaryDirectory() as tmp:
        questions = squad_questions(TRIAL, Path(tmp))[:questions_limit]
    retriever = bot.retriever
    ranker = retriever.ranker
    embedder = retriever.embedder
    for q in questions[:5]:  # warm-up: first-call costs (lazy imports, caches) are not per-query latency
        bot.ask(q.question)

    # Wall time on a shared 2-core machine includes waiting for the CPU; this process's CPU time does not.
    times: dict[str, list[float]] = {k: [] for k in ("lexical", "dense", "fused", "ask")}
    cpu: dict[str, list[float]] = {k: [] for k in times}
    hits, golds, lexical_hits, dense_hits = [], [], [], []
    from tqdm import tqdm

    for i, q in enumerate(tqdm(questions, desc=f"asking ({n})", unit="q", mininterval=5)):
        t0, c0 = time.perf_counter(), time.process_time()
        lexical_top = [j for j, _ in ranker.lexical_top(q.question, 50)]
        t1, c1 = time.perf_counter(), time.process_time()
        dense_top = (
            [] if embedder is None else [j for j, _ in ranker.dense_top(embedder.encode_queries([q.question])[0], 50)]
        )
        t2, c2 = time.perf_counter(), time.process_time()
        if i < latency_sample:
            times["lexical"].append((t1 - t0) * 1e3)
            times["dense"].append((t2 - t1) * 1e3)
            cpu["lexical"].append((c1 - c0) * 1e3)
            cpu["dense"].append((c2 - c1) * 1e3)
        lexical_hits.append(any(bot.chunks[j].doc_id == q.doc_id for j in lexical_top[:5]))
        dense_hits.append(any(bot.chunks[j].doc_id == q.doc_id for j in dense_top[:5]))
        t2, c2 = time.perf_counter(), time.process_time()
        passages = bot.retrieve(q.question, 5)
        t3, c3 = time.perf_counter(), time.process_time()
        answer = bot.ask(q.question)
        t4, c4 = time.perf_counter(), time.process_time()
        times["fused"].append((t3 - t2) * 1e3)
        times["ask"].append((t4 - t3) * 1e3)
        cpu["fused"].append((c3 - c2) * 1e3)
        cpu["ask"].append((c4 - c3) * 1e3)
        hits.append(any(p.doc_id == q.doc_id for p in passages))
        golds.append(not answer.abstained and key_found(q.evidence, strip_markers(answer.text)))
    out: dict[str, Any] = {
        "import_s": round(import_s, 2),
        "open_s": round(open_s, 2),
        "open_cpu_s": round(open_cpu_s, 2),
        "rss_mb": round(rss_open),
        "questions": len(questions),
        "recall_at_5": round(sum(hits) / len(hits), 4),
        "answer_contains_gold": round(sum(golds) / len(golds), 4),
        "lexical_recall_at_5": round(sum(lexical_hits) / len(lexical_hits), 4),
        "dense_recall_at_5": round(sum(dense_hits) / len(dense_hits), 4),
    }
    for name, values in times.items():
        out[f"{name}_p50_ms"] = pct(values, 0.5)
        out[f"{name}_p95_ms"] = pct(values, 0.95)
        out[f"{name}_cpu_p50_ms"] = pct(cpu[name], 0.5)
        out[f"{name}_cpu_p95_ms"] = pct(cpu[name], 0.95)
    out["query_peak_rss_mb"] = round(rss_mb(key="VmHWM"))
    return out


# ---- running phases in subprocesses -----------------------------------------------------------------


def run_phase(args: list[str], max_rss_gb: float) -> dict[str, Any]:
    """Run `scale.py --phase ...` in a niced child; kill it past `max_rss_gb` and say so."""
    cmd = [*NICE, sys.executable, __file__, *args]
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    peak = 0.0
    while child.poll() is None:
        try:
            peak = max(peak, rss_mb(child.pid))
        except (FileNotFoundError, ProcessLookupError):
            break
        if peak > max_rss_gb * 1024:
            child.kill()
            child.wait()
            return {"error": f"killed at {peak / 1024:.1f} GB RSS after {time.perf_counter() - start:.0f} s"}
        time.sleep(0.5)
    out = child.stdout.read() if child.stdout else ""
    if child.wait() != 0:
        return {"error": f"exit {child.returncode} after {time.perf_counter() - start:.0f} s"}
    return json.loads(out.strip().splitlines()[-1])


def measure(
    n: int, store: str, questions: int, latency_sample: int, max_rss_gb: float, query_only: bool
) -> dict[str, Any]:
    result: dict[str, Any] = {"target_chunks": n, "store": store}
    previous = RESULTS / f"scale-store-{n}.json"
    if query_only and previous.is_file():  # keep the build figures of the last full run
        keep = ("chunks", "documents", "build_s", "disk_mb", "build_peak_rss_mb")
        build = {k: v for k, v in json.loads(previous.read_text(encoding="utf-8")).items() if k in keep}
    else:
        build = run_phase(["--phase", "build", "--chunks", str(n), "--store", store], max_rss_gb)
    result.update(build)
    if "error" in build:
        result["build_error"] = result.pop("error")
        return result
    query = run_phase(
        [
            "--phase",
            "query",
            "--chunks",
            str(n),
            "--store",
            store,
            "--questions",
            str(questions),
            "--latency-sample",
            str(latency_sample),
        ],
        max_rss_gb,
    )
    if "error" in query:
        query["query_error"] = query.pop("error")
    result.update(query)
    result["machine"] = {"cores": os.cpu_count(), "load_1min": round(os.getloadavg()[0], 2)}
    # FAISS spreads one query over OpenMP threads, which spin on a busy machine: say which was measured.
    result["omp_num_threads"] = os.environ.get("OMP_NUM_THREADS", "default")
    return result


KEYS = ("build_s", "open_s", "disk_mb", "rss_mb", "lexical_p50_ms", "fused_p50_ms", "ask_p50_ms")
TABLE = (
    ("chunks", "chunks"),
    ("build_s", "build s"),
    ("build_cpu_s", "build CPU s"),
    ("build_peak_rss_mb", "build peak MB"),
    ("disk_mb", "disk MB"),
    ("open_s", "cold open s"),
    ("open_cpu_s", "open CPU s"),
    ("rss_mb", "RSS after open MB"),
    ("lexical_p50_ms", "lexical p50"),
    ("lexical_p95_ms", "p95"),
    ("lexical_cpu_p50_ms", "lexical CPU p50"),
    ("dense_p50_ms", "dense p50"),
    ("dense_p95_ms", "p95"),
    ("dense_cpu_p50_ms", "dense CPU p50"),
    ("fused_p50_ms", "fused p50"),
    ("fused_p95_ms", "p95"),
    ("fused_cpu_p50_ms", "fused CPU p50"),
    ("ask_p50_ms", "ask p50"),
    ("ask_p95_ms", "p95"),
    ("ask_cpu_p50_ms", "ask CPU p50"),
    ("lexical_recall_at_5", "lexical R@5"),
    ("dense_recall_at_5", "dense R@5"),
    ("recall_at_5", "fused R@5"),
    ("answer_contains_gold", "ans⊇gold"),
)


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| " + " | ".join(label for _, label in TABLE) + " |", "|" + "---|" * len(TABLE)]
    for r in rows:
        lines.append("| " + " | ".join(str(r.get(key, "—")) for key, _ in TABLE) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, help="one size: print one JSON line")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--store", default="local", help="where retrieval runs: local (default) or milvus:PATH.db")
    parser.add_argument("--questions", type=int, default=1002, help="trial questions asked (all: 1002)")
    parser.add_argument("--latency-sample", type=int, default=300, help="questions timed on lexical and dense alone")
    parser.add_argument("--max-rss-gb", type=float, default=16.0, help="kill a phase above this RSS")
    parser.add_argument("--query-only", action="store_true", help="reuse the last build of each size")
    parser.add_argument("--embed-model", default="wordllama", help="the dense model (default wordllama; none: BM25)")
    parser.add_argument("--phase", choices=["build", "query"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.phase is None:
        os.environ[EMBED] = args.embed_model
    if args.phase == "build":
        print(json.dumps(phase_build(args.chunks, args.store)))
        return
    if args.phase == "query":
        print(json.dumps(phase_query(args.chunks, args.store, args.questions, args.latency_sample)))
        return
    RESULTS.mkdir(exist_ok=True)
    rows = []
    for n in [args.chunks] if args.chunks else args.sizes:
        row = measure(n, args.store, args.questions, args.latency_sample, args.max_rss_gb, args.query_only)
        suffix = "" if args.embed_model == "wordllama" else f"-{args.embed_model}"
        row["embed_model"] = args.embed_model
        (RESULTS / f"scale-store-{n}{suffix}.json").write_text(json.dumps(row, indent=1) + "\n", encoding="utf-8")
        rows.append(row)
        if args.chunks:
            print(json.dumps({k: row.get(k) for k in (*KEYS, "recall_at_5", "answer_contains_gold")} | row))
    if not args.chunks:
        print(table(rows))


if __name__ == "__main__":
    main()
