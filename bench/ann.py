"""Evidence for the index store at scale: persisted BM25, approximate dense search, lazy chunk texts.

    python bench/ann.py bm25 --chunks 1000000    # streamed bm25s build, save, load (mmap or not), query
    python bench/ann.py faiss --chunks 100000    # flat vs HNSW vs IVF-PQ on wordllama vectors
    python bench/ann.py text --chunks 1000000    # JSONL + offset table vs SQLite, open and random reads
    python bench/ann.py fused --chunks 1000000   # mmap BM25 top-50 + SQ8 dense + qa's weighted fusion
    python bench/ann.py ask --chunks 1000000     # the same plus rewrite and qa's answerer
    python bench/ann.py lexical-chunked --chunks 1000000  # lexical Recall@5 with trial paragraphs chunked

`fused` and `ask` need `bm25` and `faiss` run first at the same size (they reuse the saved index and vectors).

The corpus is the seeded distractor stream of bench/haystack.py plus the 256 CMRC trial paragraphs kept
whole (the last 256 rows); queries are the 1,002 trial questions. Each measurement runs in a subprocess
of its own (RSS is that process's), niced. Prints one JSON line per measurement and writes
bench/results/ann-<what>-<n>.json. Prints numbers, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from haystack import CACHE, TRIAL, read_haystack
from scale import NICE, RESULTS, disk_mb, pct, rss_mb

K1, B = 1.5, 0.75  # bm25s defaults, which `qa.lexical` uses


def corpus(n: int) -> tuple[list[str], list[tuple[str, int]]]:
    """`n` texts (distractors, then the 256 trial paragraphs) and each trial question with its row."""
    articles = json.loads(TRIAL.read_text(encoding="utf-8"))["data"]
    paragraphs = [p for a in articles for p in a["paragraphs"]]
    texts = read_haystack(n - len(paragraphs)) + [p["context"] for p in paragraphs]
    first = n - len(paragraphs)
    questions = [(qa["question"], first + i) for i, p in enumerate(paragraphs) for qa in p["qas"]]
    return texts, questions


# ---- (a) BM25: streamed build into bm25s's own arrays, saved, loaded with and without mmap -----------


def bm25_dir(n: int) -> Path:
    return CACHE / f"bm25-{n}"


def bm25_build(n: int, from_tokens: bool) -> dict[str, Any]:
    """Build BM25 over `n` texts and save it with bm25s: one text at a time as `qa.lexical` does, or with
    `from_tokens` through `BM25.index` over every text's token list."""
    import bm25s
    from tqdm import tqdm

    from qa.lexical import score_arrays, tokenize

    texts, _ = corpus(n)
    start, cpu_start = time.perf_counter(), time.process_time()
    out = bm25_dir(n) if not from_tokens else CACHE / f"bm25-tokens-{n}"
    retriever = bm25s.BM25(k1=K1, b=B)
    if from_tokens:
        tokens = [tokenize(t) or ["\u2205"] for t in tqdm(texts, desc="tokenize", mininterval=5)]
        retriever.index(tokens, show_progress=False)
        del tokens
    else:
        retriever.scores, retriever.vocab_dict = score_arrays(texts)
        retriever.nonoccurrence_array = None
    build_s, build_cpu_s = time.perf_counter() - start, time.process_time() - cpu_start
    del texts
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    retriever.save(str(out), show_progress=False)
    return {
        "what": "bm25-build-tokens" if from_tokens else "bm25-build-streamed",
        "chunks": n,
        "build_s": round(build_s, 1),
        "build_cpu_s": round(build_cpu_s, 1),
        "save_s": round(time.perf_counter() - start, 1),
        "disk_mb": round(disk_mb(out), 1),
        "nnz": len(retriever.scores["data"]),
        "vocab": len(retriever.vocab_dict),
        "build_peak_rss_mb": round(rss_mb(key="VmHWM")),
    }


def bm25_query(n: int, mmap: bool, backend: str, questions_limit: int) -> dict[str, Any]:
    """Load the saved index cold, then time scoring and top-k selection per trial question.

    Latencies are this process's CPU time (the cores are shared); `retrieve_k50_wall` is wall time.
    """
    start = time.perf_counter()
    import bm25s

    from qa.lexical import tokenize

    import_s = time.perf_counter() - start
    start, cpu_start = time.perf_counter(), time.process_time()
    retriever = bm25s.BM25.load(str(bm25_dir(n)), mmap=mmap, backend=backend)
    load_s, load_cpu_s = time.perf_counter() - start, time.process_time() - cpu_start
    rss_open = rss_mb()
    _, questions = corpus(n)
    questions = questions[:questions_limit]
    vocab = retriever.vocab_dict
    data, indices, indptr = (retriever.scores[k] for k in ("data", "indices", "indptr"))
    times: dict[str, list[float]] = {"get_scores": [], "argsort_top50": [], "argpartition_top50": []}
    times.update({"retrieve_k50": [], "bincount_top50": [], "retrieve_k50_wall": []})
    hits = []
    for i, (question, row) in enumerate(questions):
        ids = [vocab[t] for t in tokenize(question) if t in vocab]
        if not ids:
            hits.append(False)
            continue
        t0 = time.process_time()
        scores = retriever.get_scores_from_ids(ids)
        t1 = time.process_time()
        np.argsort(-scores, kind="stable")[:50]
        t2 = time.process_time()
        top = np.argpartition(-scores, 50)[:50]
        top = top[np.argsort(-scores[top])]
        t3 = time.process_time()
        w3 = time.perf_counter()
        ranked, _ = retriever.retrieve([ids], k=50, show_progress=False, n_threads=0)
        t4 = time.process_time()
        times["retrieve_k50_wall"].append((time.perf_counter() - w3) * 1e3)
        # The same sum as get_scores, with one bincount over the query's postings instead of np.add.at.
        spans = [np.arange(indptr[t], indptr[t + 1]) for t in ids]
        cat = np.concatenate(spans)
        alt = np.bincount(indices[cat], weights=data[cat], minlength=n)
        alt_top = np.argpartition(-alt, 50)[:50]
        t5 = time.process_time()
        if i < 20:
            assert set(ranked[0][:5]) <= set(alt_top) | set(top), "retrieve and get_scores disagree"
        times["get_scores"].append((t1 - t0) * 1e3)
        times["argsort_top50"].append((t2 - t0) * 1e3)
        times["argpartition_top50"].append((t1 - t0 + t3 - t2) * 1e3)
        times["retrieve_k50"].append((t4 - t3) * 1e3)
        times["bincount_top50"].append((t5 - t4) * 1e3)
        hits.append(row in top[:5])
    out: dict[str, Any] = {
        "what": f"bm25-query-{'mmap' if mmap else 'ram'}-{backend}",
        "chunks": n,
        "import_s": round(import_s, 2),
        "load_s": round(load_s, 2),
        "load_cpu_s": round(load_cpu_s, 2),
        "rss_after_load_mb": round(rss_open),
        "lexical_recall_at_5": round(sum(hits) / len(hits), 4),
    }
    for name, values in times.items():
        out[f"{name}_p50_ms"] = pct(values, 0.5)
        out[f"{name}_p95_ms"] = pct(values, 0.95)
    out["rss_after_queries_mb"] = round(rss_mb())
    return out


# ---- (b) dense: flat vs HNSW vs IVF-PQ ----------------------------------------------------------------


def vectors(n: int) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """wordllama vectors of the `n` texts (cached as .npy) and of the trial questions, with their rows."""
    from qa.embedding import WordLlamaEmbedder

    texts, questions = corpus(n)
    embedder = WordLlamaEmbedder()
    path = CACHE / f"vectors-{n}.npy"
    if not path.is_file():
        from tqdm import tqdm

        rows = np.empty((n, embedder.dim), dtype=np.float32)
        step = 4096
        for s in tqdm(range(0, n, step), desc="embed", mininterval=5):
            rows[s : s + step] = embedder.encode_documents(texts[s : s + step])
        np.save(path.with_suffix(".tmp.npy"), rows)
        path.with_suffix(".tmp.npy").replace(path)
    queries = embedder.encode_queries([q for q, _ in questions])
    return np.load(path, mmap_mode="r"), queries, [row for _, row in questions]


def dense(n: int, configs: list[str], threads: int, build_threads: int) -> list[dict[str, Any]]:
    import faiss

    start = time.perf_counter()
    base_rows, queries, rows = vectors(n)
    base = np.ascontiguousarray(base_rows)
    embed_s = time.perf_counter() - start
    dim = base.shape[1]
    flat = faiss.IndexFlatIP(dim)
    flat.add(base)
    _, truth = flat.search(queries, 5)
    results = []
    for config in configs:
        kind, _, params = config.partition(":")
        opts = dict(p.split("=") for p in params.split(",") if p)
        rss_before = rss_mb()
        faiss.omp_set_num_threads(build_threads)
        start, cpu_start = time.perf_counter(), time.process_time()
        # wordllama rows all lean one way (their mean has norm ~0.94), so graph and cluster search see
        # near-ties everywhere; subtracting the corpus mean keeps every query's inner-product order exactly
        # (q.(x - mu) = q.x - q.mu) and spreads the rows apart.
        rows_in = base - base.mean(axis=0) if opts.get("center", "1") == "1" and kind != "flat" else base
        rows_in = np.ascontiguousarray(rows_in, dtype=np.float32)
        nlist = int(opts.get("nlist", 4 * int(np.sqrt(n))))
        if kind == "flat":
            index = faiss.IndexFlatIP(dim)
            sweep: list[tuple[str, int | None]] = [("-", None)]
        elif kind == "sq8":
            index = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
            sweep = [("-", None)]
        elif kind == "hnsw":
            index = faiss.IndexHNSWFlat(dim, int(opts.get("M", 32)), faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = int(opts.get("efC", 40))
            sweep = [(f"efSearch={e}", e) for e in (32, 64, 128, 256, 512)]
        elif kind == "ivfflat":
            index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
            sweep = [(f"nprobe={p}", p) for p in (8, 16, 32, 64, 128)]
        elif kind == "ivfpq":
            m = int(opts.get("m", 32))
            index = faiss.IndexIVFPQ(faiss.IndexFlatIP(dim), dim, nlist, m, 8, faiss.METRIC_INNER_PRODUCT)
            if "refine" in opts:  # re-score the PQ shortlist with the exact vectors
                index = faiss.IndexRefineFlat(index)
                index.k_factor = float(opts["refine"])
            sweep = [(f"nprobe={p}", p) for p in (8, 16, 32, 64, 128)]
        else:
            raise SystemExit(f"unknown index {kind!r}: flat, sq8, hnsw:M=..,efC=.., ivfflat, ivfpq:m=..,refine=..")
        if not index.is_trained:
            rng = np.random.default_rng(0)
            index.train(rows_in[np.sort(rng.choice(n, min(n, 64 * nlist), replace=False))])
        index.add(rows_in)
        del rows_in
        build_s, build_cpu_s = time.perf_counter() - start, time.process_time() - cpu_start
        faiss.omp_set_num_threads(threads)
        size_mb = len(faiss.serialize_index(index)) / 2**20
        added_mb = rss_mb() - rss_before
        for label, value in sweep:
            if kind == "hnsw":
                index.hnsw.efSearch = value
            elif kind in ("ivfflat", "ivfpq"):
                faiss.extract_index_ivf(index).nprobe = value
            latencies, cpu, found = [], [], []
            for q in queries:
                t0, c0 = time.perf_counter(), time.process_time()
                _, ids = index.search(q[None, :], 50)
                latencies.append((time.perf_counter() - t0) * 1e3)
                cpu.append((time.process_time() - c0) * 1e3)
                found.append(ids[0])
            found_arr = np.array(found)
            hit5 = np.mean([row in f[:5] for f, row in zip(found_arr, rows, strict=True)])
            overlap = np.mean([len(set(f[:5]) & set(t)) / 5 for f, t in zip(found_arr, truth, strict=True)])
            in50 = np.mean([row in f for f, row in zip(found_arr, rows, strict=True)])
            results.append(
                {
                    "what": "dense",
                    "chunks": n,
                    "index": config,
                    "search": label,
                    "threads": threads,
                    "build_s": round(build_s, 1),
                    "build_threads": build_threads,
                    "build_cpu_s": round(build_cpu_s, 1),
                    "serialized_mb": round(size_mb, 1),
                    "rss_added_mb": round(added_mb),
                    "p50_ms": pct(latencies, 0.5),
                    "p95_ms": pct(latencies, 0.95),
                    "cpu_p50_ms": pct(cpu, 0.5),
                    "cpu_p95_ms": pct(cpu, 0.95),
                    "recall_at_5_vs_flat": round(float(overlap), 4),
                    "trial_row_in_top5": round(float(hit5), 4),
                    "trial_row_in_top50": round(float(in50), 4),
                    "embed_or_load_s": round(embed_s, 1),
                }
            )
            print(json.dumps(results[-1]), file=sys.stderr)
        del index
    return results


# ---- (d) the store as designed, end to end: mmap BM25 top-k + SQ8 dense + qa's own fusion ----------------


def _dense_index(n: int, dense_kind: str) -> Any:
    """The cached vectors of `n` chunks in a one-thread FAISS index: exact (`flat`) or 8-bit scalar-quantised (`sq8`)."""
    import faiss

    faiss.omp_set_num_threads(1)
    base = np.load(CACHE / f"vectors-{n}.npy", mmap_mode="r")
    if dense_kind == "sq8":
        index = faiss.IndexScalarQuantizer(base.shape[1], faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
        index.train(np.ascontiguousarray(base[:: max(1, n // 100_000)]))
    else:
        index = faiss.IndexFlatIP(base.shape[1])
    for s in range(0, n, 100_000):
        index.add(np.ascontiguousarray(base[s : s + 100_000]))
    return index


def _fused_top5(
    question: str, n: int, bm25: Any, index: Any, embedder: Any, rule: Any
) -> tuple[list[int], np.ndarray, dict[int, float], dict[int, float], list[int]]:
    """Lexical top-50 by BM25, dense top-50, fused by qa's rule: (lexical order, BM25 scores, dense, fused, top 5)."""
    from qa.lexical import tokenize

    vocab = bm25.vocab_dict
    ids = [vocab[t] for t in tokenize(question) if t in vocab]
    scores = bm25.get_scores_from_ids(ids) if ids else np.zeros(n, dtype=np.float32)
    top = np.argpartition(-scores, 50)[:50]
    lex_order = [int(i) for i in top[np.argsort(-scores[top], kind="stable")] if scores[i] > 0]
    found, ids50 = index.search(embedder.encode_queries([question]), 50)
    dense = {int(i): float(s) for i, s in zip(ids50[0], found[0], strict=True) if i >= 0}
    # As `Retriever.retrieve` does: BM25's score of the lexical and the dense candidates alike.
    merged = rule._fuse(lex_order, {i: float(scores[i]) for i in (*lex_order, *dense)}, dense)
    return lex_order, scores, dense, merged, sorted(merged, key=lambda i: (-merged[i], i))[:5]


def fused(n: int, questions_limit: int, dense_kind: str) -> dict[str, Any]:
    """Lexical top-50 from the mmap'd bm25s index, dense top-50, fused by `qa.retrieval.Retriever`'s rule."""
    import bm25s

    from qa.embedding import WordLlamaEmbedder
    from qa.retrieval import Retriever

    start, cpu_start = time.perf_counter(), time.process_time()
    bm25 = bm25s.BM25.load(str(bm25_dir(n)), mmap=True)
    index = _dense_index(n, dense_kind)
    embedder = WordLlamaEmbedder()
    open_s, open_cpu_s = time.perf_counter() - start, time.process_time() - cpu_start
    rss_open = rss_mb()
    rule = Retriever(range(n), lexical=None, fusion="weighted", dense_weight=embedder.fusion_weight)  # type: ignore[arg-type]
    _, questions = corpus(n)
    questions = questions[:questions_limit]
    cpu, hits, lex_hits = [], [], []
    for question, row in questions:
        c0 = time.process_time()
        lex_order, _scores, _dense, _merged, best = _fused_top5(question, n, bm25, index, embedder, rule)
        cpu.append((time.process_time() - c0) * 1e3)
        hits.append(row in best)
        lex_hits.append(row in lex_order[:5])
    return {
        "what": f"fused-{dense_kind}",
        "chunks": n,
        "open_s": round(open_s, 2),
        "open_cpu_s": round(open_cpu_s, 2),
        "rss_after_open_mb": round(rss_open),
        "fused_cpu_p50_ms": pct(cpu, 0.5),
        "fused_cpu_p95_ms": pct(cpu, 0.95),
        "lexical_recall_at_5": round(sum(lex_hits) / len(lex_hits), 4),
        "fused_recall_at_5": round(sum(hits) / len(hits), 4),
        "questions": len(questions),
    }


def lexical_chunked(n: int) -> dict[str, Any]:
    """Lexical Recall@5 at `n` chunks with the trial paragraphs cut by `qa.chunking` as the public API does.

    Built in memory by the streamed builder (nothing saved); a hit is any chunk of the question's paragraph.
    """
    import bm25s

    from qa.chunking import chunk_document
    from qa.lexical import score_arrays, tokenize
    from qa.loading import document_from_bytes

    articles = json.loads(TRIAL.read_text(encoding="utf-8"))["data"]
    paragraphs = [p for a in articles for p in a["paragraphs"]]
    pieces = [
        [c.text for c in chunk_document(document_from_bytes(p["context"].encode(), f"p{i}"))]
        for i, p in enumerate(paragraphs)
    ]
    first = n - sum(map(len, pieces))
    texts = read_haystack(first)
    owner = np.full(n, -1, dtype=np.int32)
    for i, chunks in enumerate(pieces):
        owner[len(texts) : len(texts) + len(chunks)] = i
        texts.extend(chunks)
    start = time.process_time()
    bm25 = bm25s.BM25(k1=K1, b=B)
    bm25.scores, bm25.vocab_dict = score_arrays(texts)
    bm25.nonoccurrence_array = None
    build_cpu_s = time.process_time() - start
    del texts
    hits = []
    for i, p in enumerate(paragraphs):
        for qa in p["qas"]:
            ids = [bm25.vocab_dict[t] for t in tokenize(qa["question"]) if t in bm25.vocab_dict]
            scores = bm25.get_scores_from_ids(ids)
            top = np.argpartition(-scores, 5)[:5]
            hits.append(bool((owner[top] == i).any()))
    return {
        "what": "lexical-chunked-trial",
        "chunks": n,
        "trial_chunks": n - first,
        "build_cpu_s": round(build_cpu_s, 1),
        "lexical_recall_at_5": round(sum(hits) / len(hits), 4),
        "questions": len(hits),
        "peak_rss_mb": round(rss_mb(key="VmHWM")),
    }


class MmapLexical:
    """What answering asks of `qa.lexical.LexicalIndex` (df, idf, upper_bound, occurs), over a loaded bm25s index.

    Document frequencies come from the saved CSC (`indptr` differences); `occurs` still scans every text
    joined, as `LexicalIndex` does, so its cost at 10^6 shows.
    """

    def __init__(self, bm25: Any, joined: str) -> None:
        self._bm25, self._joined = bm25, joined
        self.size = int(bm25.scores["num_docs"])
        self._indptr = bm25.scores["indptr"]

    def df(self, token: str) -> int:
        t = self._bm25.vocab_dict.get(token)
        return 0 if t is None else int(self._indptr[t + 1] - self._indptr[t])

    def idf(self, token: str) -> float:
        import math

        return math.log(1.0 + (self.size + 1) / (self.df(token) + 0.5))

    def upper_bound(self, query: str) -> float:
        import math

        from qa.lexical import tokenize

        n, k1 = self.size, K1
        return sum(math.log(1.0 + (n - df + 0.5) / (df + 0.5)) * (k1 + 1) for df in map(self.df, tokenize(query)))

    def occurs(self, text: str) -> bool:
        return bool(text) and text in self._joined


def ask(n: int, questions_limit: int) -> dict[str, Any]:
    """Full answering at `n` chunks on the designed store: mmap BM25 top-50, SQ8 dense, qa's fusion and answerer."""
    import bm25s

    from qa.answering import AnswerContext, answer_question
    from qa.answering.query import rewrite
    from qa.embedding import WordLlamaEmbedder
    from qa.evaluation import key_found, strip_markers
    from qa.loading import detect_structure
    from qa.retrieval import Retriever
    from qa.types import Chunk, Document, Passage

    texts, questions = corpus(n)
    golds = [
        tuple(a["text"] for a in qa["answers"])
        for a in json.loads(TRIAL.read_text(encoding="utf-8"))["data"]
        for p in a["paragraphs"]
        for qa in p["qas"]
    ]
    start, cpu_start = time.perf_counter(), time.process_time()
    bm25 = bm25s.BM25.load(str(bm25_dir(n)), mmap=True)
    index = _dense_index(n, "sq8")
    embedder = WordLlamaEmbedder()
    joined_start = time.process_time()
    lexical = MmapLexical(bm25, "\n".join(texts))
    joined_cpu_s = time.process_time() - joined_start
    open_cpu_s = time.process_time() - cpu_start
    rule = Retriever(range(n), lexical=None, fusion="weighted", dense_weight=embedder.fusion_weight)  # type: ignore[arg-type]

    def document(doc_id: str) -> Document:
        text = texts[int(doc_id)]
        return Document(doc_id, text, "", detect_structure(text))

    def retrieve(question: str) -> list[Passage]:
        _lex_order, scores, dense, merged, best = _fused_top5(question, n, bm25, index, embedder, rule)
        return [
            Passage.of(
                Chunk(str(i), 0, len(texts[i]), texts[i], "开头"),
                merged[i],
                lexical_score=float(scores[i]),
                dense_score=dense.get(i),
            )
            for i in best
        ]

    cpu, wall, hits, contains = [], [], [], []
    for (question, row), gold in list(zip(questions, golds, strict=True))[:questions_limit]:
        t0, c0 = time.perf_counter(), time.process_time()
        text = rewrite(question, lexical)  # type: ignore[arg-type]
        passages = retrieve(text)
        ctx = AnswerContext(passages=passages, lexical=lexical, document=document, where="文中")  # type: ignore[arg-type]
        answer = answer_question(text, ctx)
        cpu.append((time.process_time() - c0) * 1e3)
        wall.append((time.perf_counter() - t0) * 1e3)
        hits.append(any(p.doc_id == str(row) for p in passages))
        contains.append(not answer.abstained and key_found(gold, strip_markers(answer.text)))
    return {
        "what": "ask-prototype",
        "chunks": n,
        "open_wall_s": round(time.perf_counter() - start - sum(wall) / 1e3, 2),
        "open_cpu_s": round(open_cpu_s, 2),
        "of_which_joining_texts_for_occurs_cpu_s": round(joined_cpu_s, 2),
        "rss_after_queries_mb": round(rss_mb()),
        "ask_cpu_p50_ms": pct(cpu, 0.5),
        "ask_cpu_p95_ms": pct(cpu, 0.95),
        "ask_wall_p50_ms": pct(wall, 0.5),
        "recall_at_5": round(sum(hits) / len(hits), 4),
        "answer_contains_gold": round(sum(contains) / len(contains), 4),
        "questions": len(hits),
    }


# ---- (c) chunk texts read lazily: JSONL + offset table vs SQLite ------------------------------------


def text_store(n: int, reads: int) -> dict[str, Any]:
    texts, _ = corpus(n)
    folder = CACHE / f"text-{n}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    out: dict[str, Any] = {"what": "text", "chunks": n}
    start = time.perf_counter()
    offsets = np.empty(n + 1, dtype=np.int64)
    with (folder / "chunks.jsonl").open("wb") as fh:
        pos = 0
        for i, text in enumerate(texts):
            offsets[i] = pos
            line = json.dumps({"text": text}, ensure_ascii=False).encode() + b"\n"
            fh.write(line)
            pos += len(line)
        offsets[n] = pos
    np.save(folder / "offsets.npy", offsets)
    out["jsonl_write_s"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    db = sqlite3.connect(folder / "chunks.sqlite")
    db.execute("CREATE TABLE chunk (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
    db.executemany("INSERT INTO chunk VALUES (?, ?)", enumerate(texts))
    db.commit()
    db.close()
    out["sqlite_write_s"] = round(time.perf_counter() - start, 1)
    out["jsonl_mb"] = round(
        ((folder / "chunks.jsonl").stat().st_size + (folder / "offsets.npy").stat().st_size) / 2**20, 1
    )
    out["sqlite_mb"] = round((folder / "chunks.sqlite").stat().st_size / 2**20, 1)
    del texts
    # Reads run in a fresh process, after dropping nothing from the page cache (warm-file reads).
    probe = subprocess.run(
        [sys.executable, __file__, "_text-read", "--chunks", str(n), "--reads", str(reads)],
        capture_output=True,
        text=True,
        check=True,
    )
    out.update(json.loads(probe.stdout.strip().splitlines()[-1]))
    return out


def text_read(n: int, reads: int) -> dict[str, Any]:
    folder = CACHE / f"text-{n}"
    rng = np.random.default_rng(0)
    picks = rng.integers(0, n, size=reads)
    out: dict[str, Any] = {"rss_start_mb": round(rss_mb())}
    start = time.perf_counter()
    offsets = np.load(folder / "offsets.npy", mmap_mode="r")
    fh = (folder / "chunks.jsonl").open("rb")
    out["jsonl_open_ms"] = round((time.perf_counter() - start) * 1e3, 2)
    lat = []
    for i in picks:
        t0 = time.perf_counter()
        fh.seek(int(offsets[i]))
        json.loads(fh.read(int(offsets[i + 1] - offsets[i])))["text"]
        lat.append((time.perf_counter() - t0) * 1e3)
    out["jsonl_read_p50_ms"], out["jsonl_read_p95_ms"] = pct(lat, 0.5), pct(lat, 0.95)
    start = time.perf_counter()
    db = sqlite3.connect(f"file:{folder / 'chunks.sqlite'}?mode=ro", uri=True)
    db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    out["sqlite_open_ms"] = round((time.perf_counter() - start) * 1e3, 2)
    lat = []
    for i in picks:
        t0 = time.perf_counter()
        db.execute("SELECT text FROM chunk WHERE id = ?", (int(i),)).fetchone()
        lat.append((time.perf_counter() - t0) * 1e3)
    out["sqlite_read_p50_ms"], out["sqlite_read_p95_ms"] = pct(lat, 0.5), pct(lat, 0.95)
    start = time.perf_counter()
    with (folder / "chunks.jsonl").open(encoding="utf-8") as f:
        _ = [json.loads(line)["text"] for line in f]
    out["parse_all_jsonl_s"] = round(time.perf_counter() - start, 2)
    out["rss_after_parse_all_mb"] = round(rss_mb())
    return out


# ---- running --------------------------------------------------------------------------------------


def save(name: str, payload: Any) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "what",
        choices=["bm25", "bm25-build", "bm25-query", "faiss", "text", "fused", "lexical-chunked", "ask", "_text-read"],
    )
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--from-tokens", action="store_true", help="bm25: also build with BM25.index as qa does")
    parser.add_argument("--mmap", choices=["yes", "no"], default="yes")
    parser.add_argument("--backend", default="numpy", help="bm25s backend: numpy or numba (if installed)")
    parser.add_argument("--questions", type=int, default=1002)
    parser.add_argument("--dense", choices=["sq8", "flat"], default="sq8", help="fused: the dense index")
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=1, help="FAISS threads per query (the machine is shared)")
    parser.add_argument("--build-threads", type=int, default=2, help="FAISS threads while building")
    parser.add_argument(
        "--configs",
        nargs="+",
        default=["flat", "sq8", "hnsw:M=16,efC=40", "hnsw:M=32,efC=80", "ivfflat", "ivfpq:m=32,refine=8"],
        help="dense indexes: flat, hnsw:M=..,efC=.., ivfpq:nlist=..,m=..",
    )
    args = parser.parse_args()
    n = args.chunks
    if args.what == "bm25-build":
        print(json.dumps(bm25_build(n, args.from_tokens)))
    elif args.what == "bm25-query":
        print(json.dumps(bm25_query(n, args.mmap == "yes", args.backend, args.questions)))
    elif args.what == "bm25":
        runs = []
        steps = [["bm25-build"]] + ([["bm25-build", "--from-tokens"]] if args.from_tokens else [])
        steps += [["bm25-query", "--mmap", "yes"], ["bm25-query", "--mmap", "no"]]
        for step in steps:
            cmd = [*NICE, sys.executable, __file__, *step, "--chunks", str(n)]
            cmd += ["--questions", str(args.questions), "--backend", args.backend]
            done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
            row = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else {"error": step}
            print(json.dumps(row), flush=True)
            runs.append(row)
        save(f"ann-bm25-{n}", runs)
    elif args.what == "faiss":
        rows = dense(n, args.configs, args.threads, args.build_threads)
        save(f"ann-faiss-{n}", rows)
        for row in rows:
            print(json.dumps(row))
    elif args.what == "text":
        row = text_store(n, args.reads)
        save(f"ann-text-{n}", row)
        print(json.dumps(row))
    elif args.what == "fused":
        row = fused(n, args.questions, args.dense)
        save(f"ann-fused-{args.dense}-{n}", row)
        print(json.dumps(row))
    elif args.what == "lexical-chunked":
        row = lexical_chunked(n)
        save(f"ann-lexical-chunked-{n}", row)
        print(json.dumps(row))
    elif args.what == "ask":
        row = ask(n, args.questions)
        save(f"ann-ask-{n}", row)
        print(json.dumps(row))
    elif args.what == "_text-read":
        print(json.dumps(text_read(n, args.reads)))


if __name__ == "__main__":
    main()
