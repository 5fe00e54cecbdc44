"""The saved index: damage is detected and rebuilt, nothing is unpickled, writers are atomic and take turns."""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qa import QA, IndexCorruptError, InputError, store
from qa.loading import document_from_bytes
from qa.settings import BUNDLED_LETTER
from qa.types import Chunk, Document

QUESTION = "郑州市有多少所中职学校通过了标准化建设工程验收？"


def _build(index: Path, **settings: Any) -> QA:
    """Open the letter's collection, whose folder is `index` (the index root is its parent)."""
    return QA.from_path(index_dir=index.parent, embed_model=settings.pop("embed_model", "none"), **settings)


def _manifest(index: Path) -> dict[str, Any]:
    return json.loads((index / "manifest.json").read_text(encoding="utf-8"))


def _stored(index: Path) -> store.Manifest:
    manifest = store.read_manifest(index)
    assert manifest is not None
    return manifest


def _write_manifest(index: Path, manifest: dict[str, Any]) -> None:
    (index / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def _rehash(index: Path, name: str) -> None:
    """Make the manifest agree with a tampered file, as a careful attacker (or a buggy tool) would."""
    manifest = _manifest(index)
    manifest["files"][name] = store.sha256_file(index / manifest["build"] / name)
    _write_manifest(index, manifest)


@pytest.fixture
def index(tmp_path: Path) -> Path:
    index = tmp_path / "index" / "letter"
    _build(index, embed_model="wordllama")
    return index


def _rebuilt(index: Path, caplog: pytest.LogCaptureFixture, damage: str) -> None:
    """Loading again warns that the index is damaged, rebuilds a fresh build folder, and answers."""
    old = _manifest(index)["build"] if (index / "manifest.json").is_file() else None
    with caplog.at_level(logging.WARNING, logger="qa"):
        bot = _build(index, embed_model="wordllama")
    assert any("damaged" in r.getMessage() and damage in r.getMessage() for r in caplog.records), caplog.text
    assert bot.manifest.build != old
    assert "41所中职学校" in bot.ask(QUESTION).text
    store.load_index(index, _stored(index))  # the new one is intact


def test_a_current_index_is_loaded_not_rebuilt(index: Path) -> None:
    build = _manifest(index)["build"]
    assert _build(index, embed_model="wordllama").manifest.build == build


def test_truncated_chunks_are_detected_and_rebuilt(index: Path, caplog: pytest.LogCaptureFixture) -> None:
    chunks = index / _manifest(index)["build"] / "chunks.npy"
    chunks.write_bytes(chunks.read_bytes()[:-100])
    _rebuilt(index, caplog, "does not match its sha256")


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [("end", 10**9, "outside its document"), ("doc", 7, "unknown document"), ("section", -1, "unknown section")],
)
def test_edited_chunk_with_a_correct_looking_manifest_is_detected(
    index: Path, caplog: pytest.LogCaptureFixture, field: str, value: int, said: str
) -> None:
    """The sha256 agrees, but a chunk points outside its document: citations would lie."""
    path = index / _manifest(index)["build"] / "chunks.npy"
    rows = np.load(path)
    rows[field][3] = value
    np.save(path, rows)
    _rehash(index, "chunks.npy")
    _rebuilt(index, caplog, said)


def test_documents_from_another_build_are_detected(index: Path, caplog: pytest.LogCaptureFixture) -> None:
    docs = index / _manifest(index)["build"] / "documents.jsonl"
    other = document_from_bytes("另一封信。内容完全不同。".encode(), "000_9783093694a0541d.txt")
    docs.write_text(json.dumps({**other.__dict__, "structure": other.structure.to_dict()}) + "\n", encoding="utf-8")
    _rehash(index, "documents.jsonl")
    _rebuilt(index, caplog, "was altered")


@pytest.mark.parametrize(
    "vectors",
    [
        np.zeros((3, 256), dtype=np.float32),  # wrong row count
        np.full((31, 256), np.nan, dtype=np.float32),  # rows not finite (count fixed below)
        np.zeros((31, 256), dtype=np.float64),  # wrong dtype
    ],
    ids=["shape", "nan", "dtype"],
)
def test_mismatched_vectors_are_detected(index: Path, caplog: pytest.LogCaptureFixture, vectors: np.ndarray) -> None:
    manifest = _manifest(index)
    if len(vectors) == 31:
        vectors = np.resize(vectors, (manifest["counts"]["chunks"], 256))
    np.save(index / manifest["build"] / "vectors.npy", vectors)
    _rehash(index, "vectors.npy")
    _rebuilt(index, caplog, "vectors.npy")


class _Payload:
    """Unpickling this creates `marker`: proof that code from the index folder ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.marker,))


def test_a_pickled_vectors_file_is_never_unpickled(
    index: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    marker = tmp_path / "pwned"
    manifest = _manifest(index)
    payload = np.empty(manifest["counts"]["chunks"], dtype=object)
    payload[:] = [_Payload(marker)] * len(payload)
    np.save(index / manifest["build"] / "vectors.npy", payload, allow_pickle=True)
    _rehash(index, "vectors.npy")
    with pytest.raises(IndexCorruptError, match=r"vectors\.npy claims object"):
        store.load_index(index, _stored(index))
    _rebuilt(index, caplog, "claims object")
    assert not marker.exists()


def test_no_pickle_in_the_package() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in Path(store.__file__).parent.glob("*.py"))
    for needle in ("import pickle", "allow_pickle=True", "torch.load(", "joblib", "eval(", "exec("):
        assert needle not in source, needle


MANIFEST_DAMAGE = {
    "not json": lambda m: "{not json",
    "wrong format": lambda m: json.dumps({**m, "format": "other/9"}),
    "build escapes": lambda m: json.dumps({**m, "build": "../../etc"}),
    "absolute build": lambda m: json.dumps({**m, "build": "/etc"}),
    "build with nul": lambda m: json.dumps({**m, "build": "build-20240101T000000-abcdef12\u0000"}),
    "missing build": lambda m: json.dumps({**m, "build": "build-20240101T000000-abcdef12"}),
    "files a list": lambda m: json.dumps({**m, "files": ["chunks.jsonl"]}),
    "files missing": lambda m: json.dumps({k: v for k, v in m.items() if k != "files"}),
    "source a string": lambda m: json.dumps({**m, "source": "x"}),
    "embedder a list": lambda m: json.dumps({**m, "embedder": []}),
    "dim a string": lambda m: json.dumps({**m, "embedder": {**m["embedder"], "dim": "256"}}),
    "a list": lambda m: "[]",
    "empty": lambda m: "",
    "binary": lambda m: "\udcff",
}


@pytest.mark.parametrize("damage", MANIFEST_DAMAGE)
def test_a_damaged_manifest_means_a_rebuild_never_a_crash(index: Path, damage: str) -> None:
    manifest = _manifest(index)
    (index / "manifest.json").write_bytes(MANIFEST_DAMAGE[damage](manifest).encode("utf-8", "surrogateescape"))
    bot = _build(index, embed_model="wordllama")
    assert "41所中职学校" in bot.ask(QUESTION).text
    assert _manifest(index)["build"] == bot.manifest.build
    store.load_index(index, _stored(index))


def test_a_build_folder_that_is_a_symlink_is_not_followed(index: Path, tmp_path: Path) -> None:
    manifest = _manifest(index)
    outside = tmp_path / "elsewhere"
    shutil.move(index / manifest["build"], outside)
    (index / manifest["build"]).symlink_to(outside)
    with pytest.raises(IndexCorruptError, match="no valid build folder"):
        store.load_index(index, _stored(index))


def test_an_index_folder_that_cannot_be_created_is_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError, match=r"cannot create the index folder .*set --index-dir"):
        _build(blocker / "index")


def test_a_failed_write_leaves_the_old_index_and_no_debris(index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk (or a read-only folder) mid-build: clear error, old index still loads, no temp folder."""
    before = sorted(p.name for p in index.iterdir())
    manifest = (index / "manifest.json").read_bytes()

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.files.np, "save", full_disk)
    with pytest.raises(InputError, match=r"No space left on device.*previous build is unchanged"):
        _build(index, embed_model="wordllama", chunk_max_chars=200)
    assert (index / "manifest.json").read_bytes() == manifest
    assert sorted(p.name for p in index.iterdir()) == before
    monkeypatch.undo()
    assert _build(index, embed_model="wordllama").manifest.build == json.loads(manifest)["build"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_index_folder_still_serves_a_current_index(index: Path) -> None:
    index.chmod(0o555)
    try:
        assert "41所中职学校" in _build(index, embed_model="wordllama").ask(QUESTION).text
        with pytest.raises(InputError, match="index"):
            _build(index, embed_model="wordllama", chunk_max_chars=200)
    finally:
        index.chmod(0o755)


# --- killing and racing builders (subprocesses) -------------------------------------------------

_SAVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import numpy as np
    from qa import store
    from qa.loading import document_from_bytes
    from qa.types import Chunk

    index, tag = Path(sys.argv[1]), sys.argv[2]
    text = (tag + "。") * 200_000  # a few MB, so a save takes long enough to be killed inside it
    doc = document_from_bytes(text.encode(), "doc.txt")
    step = len(tag) + 1
    chunks = [Chunk("doc.txt", i * step, i * step + len(tag), tag, "s") for i in range(200_000)]
    vectors = np.full((len(chunks), 64), len(tag), dtype=np.float32)
    manifest = store.Manifest(
        collection="t",
        chunking=store.Chunking(1, 2, 2),
        embedder=store.EmbedderEntry("x", "x", 64),
        documents=(store.DocumentEntry("doc.txt", doc.sha256),),
        chunks=len(chunks),
        mirror=tag,  # which save this is
    )
    print("ready", flush=True)
    with store.build_lock(index):
        store.save_index(index, manifest, [doc], chunks, vectors)
    print("saved", flush=True)
    """
)


def _saver(index: Path, tag: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _SAVER, str(index), tag], stdout=subprocess.PIPE, text=True, env=_env()
    )


def _env() -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1"}


def _tag_of(index: Path) -> str:
    """Which save is visible; every file of the build must agree on it."""
    loaded = store.load_index(index, _stored(index))
    tag = loaded.manifest.mirror
    assert loaded.documents[0].text.startswith(tag + "。")
    assert {c.text for c in loaded.chunks} == {tag}
    assert loaded.vectors is not None and float(loaded.vectors[0, 0]) == len(tag)
    return tag


KILLS_AT_MOST = 16


def test_a_builder_killed_at_random_points_leaves_the_old_or_the_new_index(tmp_path: Path) -> None:
    index = tmp_path / "index"
    first = _saver(index, "旧")
    assert first.stdout is not None and first.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    assert first.wait(60) == 0
    # Kills are spread over twice what a save took here, so they land on both sides of the commit point however
    # fast or loaded the machine is (a fixed 0.6 s saw only kills before it under load).
    spread = 2 * (time.perf_counter() - started)
    rng = random.Random(20240501)
    seen = set()
    attempt = 0
    # Eight kills at random at least; should they all land on one side (later saves run slower on a loaded machine), more,
    # each a spread later than the last while none has landed after the commit point, at once while none has before,
    # up to `KILLS_AT_MOST`.
    while attempt < 8 or (seen != {True, False} and attempt < KILLS_AT_MOST):
        tag = f"新{attempt}"
        proc = _saver(index, tag)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        delay = rng.uniform(0.0, spread)
        if attempt >= 8:
            delay = spread * (attempt - 6) if True not in seen else 0.0
        time.sleep(delay)
        attempt += 1
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        visible = _tag_of(index)
        seen.add(visible == tag)
        leftovers = [p.name for p in index.iterdir() if p.name.startswith("build-")]
        assert _manifest(index)["build"] in leftovers
    # The next completed save cleans up whatever killed builders left behind.
    assert _saver(index, "终").wait(60) == 0
    assert _tag_of(index) == "终"
    assert sorted(p.name for p in index.iterdir()) == [".lock", _manifest(index)["build"], "manifest.json"]
    assert seen == {True, False}  # kills landed both before and after the commit point


def test_readers_never_see_a_mix_while_builders_swap(tmp_path: Path) -> None:
    """A reader may find the index it started on swapped away, but then the manifest has changed too."""
    index = tmp_path / "index"
    assert _saver(index, "甲").wait(60) == 0
    errors: list[str] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            manifest = _stored(index)
            try:
                store.load_index(index, manifest)
            except IndexCorruptError as exc:
                if store.read_manifest(index) == manifest:
                    errors.append(str(exc))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for tag in ("乙", "丙", "丁"):
            assert _saver(index, tag).wait(60) == 0
    finally:
        done.set()
        reader.join()
    assert errors == []
    assert _tag_of(index) == "丁"


_BUILDER = textwrap.dedent(
    """
    import json, os, sys, time
    from qa import QA
    from qa.store import lifecycle

    log = sys.argv[2]
    real = lifecycle.save_index

    def traced(*args, **kwargs):
        with open(log, "a") as fh:
            fh.write(json.dumps(["start", os.getpid(), time.time()]) + "\\n")
        time.sleep(1.0)  # hold the lock long enough for the other builder to arrive
        result = real(*args, **kwargs)
        with open(log, "a") as fh:
            fh.write(json.dumps(["end", os.getpid(), time.time()]) + "\\n")
        return result

    lifecycle.save_index = traced
    bot = QA.from_path(index_dir=sys.argv[1], embed_model="none")
    print(bot.manifest.build)
    """
)


def test_two_builders_at_once_take_turns_and_build_once(tmp_path: Path) -> None:
    index, log = tmp_path / "index", tmp_path / "saves.log"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _BUILDER, str(index), str(log)], stdout=subprocess.PIPE, text=True, env=_env()
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    # The second builder waited for the lock, then found the first one's index current.
    assert outputs[0] == outputs[1] == _manifest(index / "letter")["build"]
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e[0] for e in events] == ["start", "end"]


def test_store_round_trip_keeps_every_offset(tmp_path: Path) -> None:
    doc = document_from_bytes(BUNDLED_LETTER.read_bytes(), "letter.txt")
    chunks = [Chunk("letter.txt", 0, 9, doc.text[:9], "开头")]
    manifest = store.Manifest(
        collection="t",
        chunking=store.Chunking(1, 2, 2),
        embedder=store.EmbedderEntry("none", "none", 0),
        documents=(store.DocumentEntry("letter.txt", doc.sha256),),
        chunks=1,
    )
    with store.build_lock(tmp_path):
        store.save_index(tmp_path, manifest, [doc], chunks, None)
    loaded = store.load_index(tmp_path, _stored(tmp_path))
    assert loaded.documents == [doc] and list(loaded.chunks) == chunks and loaded.vectors is None
    assert isinstance(loaded.documents[0], Document)


# --- the BM25 cache beside a build ---------------------------------------------------------------


def test_bm25_is_built_once_then_memory_mapped(index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qa.lexical import LexicalIndex

    first = _build(index, embed_model="wordllama")
    built = first.lexical.scores(QUESTION)
    assert (index / ".lexical" / first.manifest.build).is_dir()

    def no_rebuild(*args: object, **kwargs: object) -> None:
        raise AssertionError("BM25 was rebuilt although its cache is there")

    monkeypatch.setattr(LexicalIndex, "__init__", no_rebuild)
    again = _build(index, embed_model="wordllama")
    assert np.array_equal(again.lexical.scores(QUESTION), built)
    assert again.lexical.df("中职") == first.lexical.df("中职") > 0
    assert "41所中职学校" in again.ask(QUESTION).text


@pytest.mark.parametrize("damage", ["truncate", "vocab", "remove"])
def test_a_damaged_bm25_cache_is_rebuilt(index: Path, caplog: pytest.LogCaptureFixture, damage: str) -> None:
    bot = _build(index, embed_model="wordllama")
    bot.ask(QUESTION)
    saved = index / ".lexical" / bot.manifest.build
    if damage == "truncate":
        (saved / "indptr.csc.index.npy").write_bytes(b"\x93NUMPY")
    elif damage == "vocab":
        (saved / "vocab.index.json").write_text("[1, 2", encoding="utf-8")
    else:
        shutil.rmtree(saved)
    with caplog.at_level(logging.WARNING, logger="qa"):
        again = _build(index, embed_model="wordllama")
        assert "41所中职学校" in again.ask(QUESTION).text
    assert (damage == "remove") or "cannot be read" in caplog.text
    assert saved.is_dir()  # made again


def test_a_large_collection_searches_8_bit_codes_saved_beside_its_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above the size threshold the manifest says SQ8; the coded index is made once and then read."""
    from qa.store import derived, manifest

    monkeypatch.setattr(manifest, "APPROXIMATE_FROM", 10)  # the letter's 31 chunks count as large here
    index = tmp_path / "index" / "letter"
    bot = _build(index, embed_model="wordllama")
    assert bot.manifest.dense == store.manifest.DenseEntry("sq8")
    assert "41所中职学校" in bot.ask(QUESTION).text
    assert (index / ".dense" / bot.manifest.build / "index.faiss").is_file()

    def no_coding(*args: object) -> None:
        raise AssertionError("the vectors were coded again although their index is saved")

    monkeypatch.setattr(derived, "_encode", no_coding)
    again = _build(index, embed_model="wordllama")
    assert again.retriever.dense is not None and "41所中职学校" in again.ask(QUESTION).text


def test_dense_search_is_exact_below_the_threshold() -> None:
    from qa.store.manifest import DenseEntry, dense_entry

    assert dense_entry(199_999) == DenseEntry()
    assert dense_entry(1_000_000) == DenseEntry("sq8")
