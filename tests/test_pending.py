"""Deferred vectors: a slow embedder never holds up a build; BM25 answers until the vectors are made, in the
background or by `prepare`, resumably, and then a new build holds them (fake embedders: nothing here is timed)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from fakes import FakeEmbedder

from qa import QA
from qa.api import VectorState
from qa.cli import main
from qa.settings import BUNDLED_LETTER
from qa.store import backfill, pending

QUESTION = "考察组去了哪几个城市？"


class SlowEmbedder(FakeEmbedder):
    """States a speed, as E5 does, so the store decides by it; counts the texts it was asked to encode."""

    def __init__(self, chars_per_second: float) -> None:
        super().__init__()
        self.chars_per_second = chars_per_second
        self.encoded = 0

    def encode_documents(self, texts):  # type: ignore[no-untyped-def]
        self.encoded += len(texts)
        return super().encode_documents(texts)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "letter.txt").write_text(BUNDLED_LETTER.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def _files(bot: QA) -> set[str]:
    return set(bot.manifest.files)


def test_a_slow_embedder_defers_the_vectors_and_bm25_answers_meanwhile(docs: Path, tmp_path: Path) -> None:
    slow = SlowEmbedder(chars_per_second=100)  # the letter would take it a minute
    bot = QA.create("town", [docs], embedder=slow, index_dir=tmp_path / "index")
    assert slow.encoded == 0 and bot.manifest.embedder.pending and "vectors.npy" not in _files(bot)
    assert bot.vector_state == VectorState(0, bot.manifest.chunks)
    passages = bot.retrieve(QUESTION, 3)
    assert passages and all(p.dense_score is None for p in passages)  # BM25 alone
    assert "南京" in bot.ask(QUESTION).text

    seen: list[tuple[int, int]] = []
    prepared = QA.from_path(
        collection="town", embedder=slow, index_dir=tmp_path / "index", progress=lambda d, t: seen.append((d, t))
    )
    prepared.prepare()
    assert not prepared.manifest.embedder.pending and "vectors.npy" in _files(prepared)
    assert prepared.vector_state is None and slow.encoded == prepared.manifest.chunks
    assert seen[-1] == (prepared.manifest.chunks, prepared.manifest.chunks)
    assert all(p.dense_score is not None for p in prepared.retrieve(QUESTION, 3))
    assert not (tmp_path / "index" / "town" / pending.VECTORS).exists()  # the parts are in the build now
    # Opening again finds everything made: nothing more is encoded.
    QA.from_path(collection="town", embedder=slow, index_dir=tmp_path / "index").prepare()
    assert slow.encoded == prepared.manifest.chunks


def test_an_interrupted_build_resumes_where_it_stopped(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pending, "PART", 4)
    monkeypatch.setattr(backfill, "PART", 4)
    monkeypatch.setattr(backfill, "BATCH", 2)
    slow = SlowEmbedder(chars_per_second=100)
    bot = QA.create("town", [docs], embedder=slow, index_dir=tmp_path / "index")
    total = bot.manifest.chunks
    stop = threading.Event()

    def stop_after_a_part(done: int, _: int) -> None:
        if done >= 4:
            stop.set()

    assert backfill.complete(bot.opened, slow, stop_after_a_part, stop) is None  # stopped: no new build
    assert bot.manifest.embedder.pending and backfill.missing(bot.opened) == total - 4
    slow.encoded = 0
    done = backfill.complete(bot.opened, slow)
    assert done is not None and not done.manifest.embedder.pending
    assert slow.encoded == total - 4  # only what was missing


def test_a_damaged_part_is_made_again(docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pending, "PART", 4)
    monkeypatch.setattr(backfill, "PART", 4)
    slow = SlowEmbedder(chars_per_second=100)
    bot = QA.create("town", [docs], embedder=slow, index_dir=tmp_path / "index")
    stop = threading.Event()
    assert backfill.complete(bot.opened, slow, lambda done, _: stop.set() if done >= 4 else None, stop) is None
    (part,) = (tmp_path / "index" / "town" / pending.VECTORS).glob("*.npy")
    part.write_bytes(b"not an array")
    slow.encoded = 0
    bot.prepare()
    assert not bot.manifest.embedder.pending and slow.encoded == bot.manifest.chunks


def test_the_background_thread_builds_the_vectors_and_questions_then_use_them(docs: Path, tmp_path: Path) -> None:
    slow = SlowEmbedder(chars_per_second=100)
    bot = QA.create("town", [docs], embedder=slow, index_dir=tmp_path / "index")
    assert bot.retrieve(QUESTION, 1)[0].dense_score is None
    lexical = bot.lexical
    assert bot.build_vectors_in_background()
    assert bot._background is not None
    bot._background[0].join(timeout=120)
    assert not bot._background[0].is_alive()
    assert bot.retrieve(QUESTION, 1)[0].dense_score is not None
    assert not bot.manifest.embedder.pending and bot.lexical is lexical  # BM25 was not rebuilt
    assert not bot.build_vectors_in_background()  # nothing left to make


def test_a_large_collection_builds_in_the_background_only_when_asked(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import qa.api

    monkeypatch.setattr(qa.api, "BACKGROUND_MAX_CHUNKS", 3)
    bot = QA.create("town", [docs], embedder=SlowEmbedder(chars_per_second=100), index_dir=tmp_path / "index")
    assert not bot.build_vectors_in_background() and bot.vector_state == VectorState(0, bot.manifest.chunks)


def test_adding_a_file_encodes_only_that_file(docs: Path, tmp_path: Path) -> None:
    slow = SlowEmbedder(chars_per_second=10_000)  # fast enough to wait for the letter
    bot = QA.create("town", [docs], embedder=slow, index_dir=tmp_path / "index")
    assert not bot.manifest.embedder.pending and slow.encoded == bot.manifest.chunks
    note = tmp_path / "note.txt"
    note.write_text("第二份文件只有一句话：学校新建了图书馆。", encoding="utf-8")
    before = slow.encoded
    change = bot.add([note])
    assert change.embedded_chunks == 1 and slow.encoded == before + 1 and not bot.manifest.embedder.pending


def test_a_deferred_add_keeps_the_vectors_already_made(docs: Path, tmp_path: Path) -> None:
    slow = SlowEmbedder(chars_per_second=10_000)
    bot = QA.create("town", [docs], embedder=slow, index_dir=tmp_path / "index")
    letter_chunks = bot.manifest.chunks
    big = tmp_path / "big.txt"
    big.write_text(
        "\n\n".join(f"第{i}段：学校在第{i}年开设了新的专业课程，并与企业合作办学。" * 3 for i in range(2000)),
        encoding="utf-8",
    )
    slow.encoded = 0
    bot.add([big])  # ~200,000 characters: 20 s of this embedder, so deferred
    assert bot.manifest.embedder.pending and slow.encoded == 0
    bot.prepare()
    assert not bot.manifest.embedder.pending
    assert slow.encoded == bot.manifest.chunks - letter_chunks  # the letter's vectors were kept, not made again


def test_cli_add_defers_e5_index_finishes_and_collections_says_so(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pending, "DEFER_AFTER_S", 0.01)  # the real E5, deferring even the letter
    common = ["--index-dir", str(tmp_path / "index"), "--embed-model", "e5"]
    assert main(["add", str(docs), "--collection", "town", *common]) == 0
    out = capsys.readouterr().out
    assert "vectors 0/" in out and "qa index --collection town" in out
    assert main(["collections", "--index-dir", str(tmp_path / "index")]) == 0
    assert "vectors still being made" in capsys.readouterr().out
    assert main(["ask", QUESTION, "--collection", "town", *common]) == 0
    assert "南京" in capsys.readouterr().out  # BM25 answers meanwhile
    assert main(["index", "--collection", "town", "--json", *common]) == 0
    manifest = json.loads(capsys.readouterr().out)
    assert manifest["embedder"]["pending"] is False and "vectors.npy" in manifest["files"]
    assert manifest["embedder"]["id"].startswith("e5:") and manifest["embedder"]["dim"] == 384
    assert main(["collections", "--index-dir", str(tmp_path / "index")]) == 0
    assert "vectors still being made" not in capsys.readouterr().out


def test_the_page_says_how_far_the_vectors_are(docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import qa.api
    from qa.page import ChatPage

    monkeypatch.setattr(qa.api, "BACKGROUND_MAX_CHUNKS", 3)  # not started: the note does not race a thread
    bot = QA.create("town", [docs], embedder=SlowEmbedder(chars_per_second=100), index_dir=tmp_path / "index")
    shelf = ChatPage(bot).shelf(None)
    assert f"语义向量尚未生成（运行 qa index 可一次生成）：0/{bot.manifest.chunks} 段（0%）" in shelf.note
    bot.prepare()
    assert "语义向量" not in ChatPage(bot).shelf(None).note
