"""Milvus as the search backend: each `qa` collection's chunks, dense vectors and BM25 sparse vectors in one
Milvus collection (a Milvus Lite file or a server), searched for the candidates `qa.retrieval` fuses.

The sparse vectors are BM25 computed here, not by Milvus: a chunk's vector is its row of bm25s's weight
matrix (token id -> BM25 weight of that token in that chunk) and a query's is token id -> count, so Milvus's
sparse inner product is exactly the score `LexicalIndex.scores` gives, and fusion (done by `Retriever`, not
by Milvus's rankers) picks the same passages as the local store. Documents, chunks and the corpus statistics
the answerer reads (document frequencies, IDF) stay in the local collection folder: Milvus holds the search
side only, and is re-filled from the local build whenever its build id differs.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from qa.errors import InputError
from qa.lexical import LexicalIndex, tokenize

if TYPE_CHECKING:
    from pymilvus import MilvusClient

    from qa.store import Opened

TOKEN_ENV = "QA_MILVUS_TOKEN"
CONNECT_TIMEOUT_S = 8.0  # with the imports, an unreachable server is reported within 10 s
SEARCH_TIMEOUT_S = 30.0
BATCH = 1000  # rows per insert call
MARGIN = 10  # extra BM25 hits fetched, so ties at the last place go to the lower chunk index as locally
MAX_BYTES = 65535  # Milvus's VARCHAR limit
LAYOUT = "1"  # the schema below; a change re-fills every Milvus collection
_SPARSE_SEARCH = {"metric_type": "IP", "params": {"drop_ratio_search": 0.0}}  # exact: no query term dropped

log = logging.getLogger("qa")


@dataclass(frozen=True)
class Target:
    """Where the Milvus collections live: a Milvus Lite file, or a server whose token is in `QA_MILVUS_TOKEN`."""

    uri: str
    token: str = field(default="", repr=False)  # never printed

    @property
    def lite(self) -> bool:
        return not self.uri.startswith(("http://", "https://"))

    @classmethod
    def parse(cls, store: str) -> Target:
        """`milvus:PATH.db` (Milvus Lite, a file) or `http(s)://HOST:PORT` (a server)."""
        if store.startswith("milvus:") and store.endswith(".db") and len(store) > len("milvus:.db"):
            return cls(str(Path(store.removeprefix("milvus:")).expanduser().resolve()))
        if store.startswith(("http://", "https://")):
            return cls(store, os.environ.get(TOKEN_ENV, ""))
        raise InputError(
            f"store {store!r} is not a Milvus store: use 'milvus:PATH.db' (Milvus Lite) or http(s)://HOST:19530"
        )

    def __str__(self) -> str:
        return f"Milvus Lite file {self.uri}" if self.lite else f"Milvus server {self.uri}"


_clients: dict[Target, MilvusClient] = {}


def connect(target: Target, timeout_s: float = CONNECT_TIMEOUT_S) -> MilvusClient:
    """A client for `target` (one per process), or an InputError in one line within `timeout_s`."""
    if target in _clients:
        return _clients[target]
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise InputError(
            f"--store {target.uri} needs pymilvus and milvus-lite: pip install 'qa[milvus]' (or use --store local)"
        ) from None
    # pymilvus and Milvus Lite log every failure with a traceback; the error raised below says it in one line.
    for name in ("pymilvus", "milvus_lite"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    if target.lite:
        try:
            Path(target.uri).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create the folder of {target} ({exc.strerror})") from None
    try:
        client = MilvusClient(uri=target.uri, token=target.token, timeout=timeout_s)
    except Exception as exc:  # the client's own errors, grpc's and Milvus Lite's: all mean "not usable"
        fix = (
            # Milvus Lite locks its file: a second process (the page while `qa ask` runs) cannot open it.
            "check that milvus-lite is installed and that no other process has the file open "
            "(Milvus Lite serves one process; several need a Milvus server)"
            if target.lite
            else f"start it, or check the URI and {TOKEN_ENV}"
        )
        raise InputError(f"cannot open {target}: {_reason(exc)}: {fix} (or use --store local)") from None
    _clients[target] = client
    return client


def collection_name(opened: Opened) -> str:
    """The Milvus collection for a `qa` collection: its name plus a hash of its folder (Milvus allows only
    letters, digits and '_'; two index folders with a collection of one name must not share one)."""
    return _name(opened.folder, opened.manifest.collection)


def _name(folder: Path, collection: str) -> str:
    digest = hashlib.sha256(str(folder.resolve()).encode("utf-8")).hexdigest()[:10]
    return f"qa_{collection.replace('-', '_')}_{digest}"


def drop(store: str, folder: Path, collection: str) -> bool:
    """Delete the Milvus collection of the `qa` collection in `folder`; whether there was one."""
    target = Target.parse(store)
    client = connect(target)
    name = _name(folder, collection)
    with _calls(target):
        if not client.has_collection(name):
            return False
        client.drop_collection(name)
    return True


class MilvusRanker:
    """Fusion's candidates (`qa.retrieval.Ranker`) from a Milvus collection kept in step with a `qa` build."""

    def __init__(self, client: MilvusClient, target: Target, name: str, vocab: Mapping[str, int], dense: bool) -> None:
        self.client = client
        self.target = target
        self.name = name
        self.vocab = vocab
        self._dense = dense

    @property
    def dense(self) -> bool:
        return self._dense

    @classmethod
    def open(cls, store: str, opened: Opened, lexical: LexicalIndex) -> MilvusRanker:
        """Connect to `store` and make its collection for `opened` current, filling it if its build differs."""
        from qa.store import build_lock

        target = Target.parse(store)
        client = connect(target)
        name = collection_name(opened)
        dense = opened.vectors is not None and opened.choice.embedder is not None
        stamp = {
            "qa.layout": LAYOUT,
            "qa.build": opened.manifest.build,
            "qa.chunks": str(len(opened.chunks)),
            "qa.embedder": opened.manifest.embedder.id if dense else "none",
        }
        with _calls(target):
            if not _current(client, name, stamp):
                # The lock keeps two processes on this machine from filling one collection twice at once.
                with build_lock(opened.folder):
                    if not _current(client, name, stamp):
                        log.info("filling %s collection %s for build %s", target, name, opened.manifest.build)
                        _fill(client, name, opened, lexical, dense, stamp)
            client.load_collection(name)
        return cls(client, target, name, lexical.bm25.vocab_dict, dense)

    def _query(self, query: str) -> dict[int, float]:
        # A repeated token counts as often as it occurs, as bm25s sums its column once per occurrence.
        counts = Counter(self.vocab[t] for t in tokenize(query) if t in self.vocab)
        return {token: float(n) for token, n in counts.items()}

    def _search(self, data: Any, anns: str, limit: int, params: dict[str, Any], where: str = "") -> list[Any]:
        with _calls(self.target):
            hits = self.client.search(
                self.name,
                data=[data],
                anns_field=anns,
                limit=limit,
                filter=where,
                output_fields=["id"],
                search_params=params,
                timeout=SEARCH_TIMEOUT_S,
            )
        return list(hits[0])

    def lexical_top(self, query: str, n: int) -> list[tuple[int, float]]:
        vector = self._query(query)
        if not vector or n <= 0:
            return []
        hits = self._search(vector, "sparse", n + MARGIN, _SPARSE_SEARCH)
        ranked = sorted(((int(h["id"]), float(h["distance"])) for h in hits), key=lambda h: (-h[1], h[0]))
        return [h for h in ranked if h[1] > 0][:n]

    def lexical_of(self, query: str, ids: Sequence[int]) -> dict[int, float]:
        vector = self._query(query)
        if not vector or not ids:
            return {}
        where = f"id in [{', '.join(str(int(i)) for i in ids)}]"
        hits = self._search(vector, "sparse", len(ids), _SPARSE_SEARCH, where)
        return {int(h["id"]): float(h["distance"]) for h in hits}

    def dense_top(self, qvec: np.ndarray, n: int) -> list[tuple[int, float]]:
        if not self._dense or n <= 0:
            return []
        vector = np.asarray(qvec, dtype=np.float32).reshape(-1).tolist()
        hits = self._search(vector, "dense", n, {"metric_type": "IP"})
        return [(int(h["id"]), float(h["distance"])) for h in hits]


def _current(client: MilvusClient, name: str, stamp: Mapping[str, str]) -> bool:
    """Whether `name` exists and was filled completely for this build (the stamp is written last)."""
    if not client.has_collection(name):
        return False
    properties = client.describe_collection(name).get("properties") or {}
    return all(properties.get(key) == value for key, value in stamp.items())


def _fill(
    client: MilvusClient, name: str, opened: Opened, lexical: LexicalIndex, dense: bool, stamp: Mapping[str, str]
) -> None:
    """Replace collection `name` with the chunks, vectors and BM25 rows of `opened`, then stamp it."""
    from pymilvus import DataType, MilvusClient
    from tqdm import tqdm

    chunks = opened.chunks
    if client.has_collection(name):
        client.drop_collection(name)
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)  # the chunk's index in the collection
    schema.add_field("doc_id", DataType.VARCHAR, max_length=MAX_BYTES)
    schema.add_field("start", DataType.INT64)
    schema.add_field("end", DataType.INT64)
    schema.add_field("section", DataType.VARCHAR, max_length=MAX_BYTES)
    schema.add_field("text", DataType.VARCHAR, max_length=MAX_BYTES)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    index = client.prepare_index_params()
    index.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP", params={"drop_ratio_build": 0.0})
    vectors = opened.vectors
    if dense and vectors is not None:
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=int(vectors.shape[1]))
        index.add_index("dense", index_type="FLAT", metric_type="IP")  # exact, as the local FAISS flat index
    # Strong consistency: the first question after filling must see every row, on a server too.
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong")

    matrix = _rows(lexical)
    if len(matrix.indptr) - 1 != len(chunks):
        raise RuntimeError(f"BM25 has {len(matrix.indptr) - 1} rows for {len(chunks)} chunks")  # a bug
    for start in tqdm(range(0, len(chunks), BATCH), desc="milvus", unit="batch", disable=len(chunks) < 20 * BATCH):
        rows = []
        for i, c in enumerate(chunks[start : start + BATCH], start):
            a, b = matrix.indptr[i], matrix.indptr[i + 1]
            row: dict[str, Any] = {
                "id": i,
                "doc_id": _fits(c.doc_id, "document id", c.doc_id),
                "start": c.start,
                "end": c.end,
                "section": _fits(c.section, "section", c.doc_id),
                "text": _fits(c.text, "chunk text", c.doc_id),
                "sparse": dict(zip(matrix.indices[a:b].tolist(), matrix.data[a:b].tolist(), strict=True)),
            }
            if dense and vectors is not None:
                row["dense"] = vectors[i].astype(np.float32).tolist()
            rows.append(row)
        client.insert(name, rows)
    client.flush(name)
    client.alter_collection_properties(name, properties=dict(stamp))


@dataclass(frozen=True)
class _Rows:
    """bm25s's weights by chunk: row i's token ids are `indices[indptr[i]:indptr[i + 1]]`, weights `data[...]`."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray


def _rows(lexical: LexicalIndex) -> _Rows:
    """bm25s keeps its weights by token (one column per token id); the sparse vectors need them by chunk."""
    scores = lexical.bm25.scores
    data, docs, indptr = (np.asarray(scores[k]) for k in ("data", "indices", "indptr"))
    tokens = np.repeat(np.arange(len(indptr) - 1, dtype=np.int64), np.diff(indptr))
    order = np.argsort(docs, kind="stable")
    counts = np.bincount(docs.astype(np.int64), minlength=lexical.size)
    row_ptr = np.concatenate([[0], np.cumsum(counts)])
    return _Rows(data[order].astype(np.float32), tokens[order], row_ptr)


def _fits(value: str, what: str, doc_id: str) -> str:
    if len(value.encode("utf-8")) > MAX_BYTES:
        raise InputError(
            f"a {what} of {doc_id!r} is over Milvus's {MAX_BYTES} bytes: lower chunk_max_chars or use --store local"
        )
    return value


@contextmanager
def _calls(target: Target) -> Iterator[None]:
    """Milvus's errors as one line naming the store (a server that went away is not a bug in `qa`)."""
    from pymilvus.exceptions import MilvusException

    try:
        yield
    except MilvusException as exc:
        raise InputError(f"{target} failed: {_reason(exc)} (or use --store local)") from None


def _reason(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return " ".join(str(message).split())


__all__ = ["MilvusRanker", "Target", "collection_name", "connect", "drop"]
