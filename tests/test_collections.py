"""Collections: named indexes side by side, changed a document at a time, healed or refused when damaged."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from test_formats import CHROMIUM, paragraphs_html, print_pdf, write_docx

from qa import QA, InputError, store
from qa.cli import main

POOL = "游泳馆每天早上六点开门，晚上九点关门。游泳馆的电话是0371-6000-1111。"
CANTEEN = "食堂早上七点开门，供应早餐和午餐。食堂的电话是0371-6000-2222。"
LIBRARY = "图书馆周一闭馆，其余时间九点开门。图书馆的电话是0371-6000-3333。"


@pytest.fixture
def index(tmp_path: Path) -> Path:
    return tmp_path / "index"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "pool.txt").write_text(POOL, encoding="utf-8")
    (docs / "canteen.txt").write_text(CANTEEN, encoding="utf-8")
    (docs / "library.md").write_text(LIBRARY, encoding="utf-8")
    return docs


def _open(index: Path, **kw: object) -> QA:
    return QA.from_path(index_dir=index, embed_model="none", **kw)  # type: ignore[arg-type]


def test_three_formats_a_page_cited_a_removal_is_not_cited_and_the_letter_is_untouched(
    index: Path, tmp_path: Path
) -> None:
    if not CHROMIUM.exists():
        pytest.skip("PDFs are printed by /usr/bin/chromium, absent here")
    letter_build = _open(index).manifest.build
    page_1 = ["体育馆位于市中心，交通便利。", "体育馆设有篮球场和羽毛球场。"]
    page_2 = ["体育馆的游泳池长五十米，共有十条泳道。"]
    pdf = print_pdf(paragraphs_html(page_1) + paragraphs_html(page_2, new_page=True), tmp_path / "gym.pdf")
    docx = write_docx(tmp_path / "school.docx", [("Heading 1", "学校概况"), ("", "实验学校共有学生一千二百名。")])
    text = tmp_path / "pool.txt"
    text.write_text(POOL, encoding="utf-8")

    bot = QA.create("town", [pdf, docx, text], index_dir=index, embed_model="none")
    assert sorted(bot.documents) == ["gym.pdf", "pool.txt", "school.docx"]
    answer = bot.ask("体育馆的游泳池有几条泳道？")
    assert not answer.abstained and "十条泳道" in answer.text
    (cited,) = answer.citations
    assert cited.doc_id == "gym.pdf" and cited.page == 2
    assert bot.document_text("gym.pdf")[cited.start : cited.end] == cited.text
    assert "一千二百名" in bot.ask("实验学校有多少名学生？").text

    change = bot.remove(["gym.pdf"])
    assert change.removed == ("gym.pdf",) and change.embedded_chunks == 0
    gone = bot.ask("体育馆的游泳池有几条泳道？")
    assert all(c.doc_id != "gym.pdf" for c in gone.citations), "a removed document is never cited"
    assert gone.abstained or gone.certainty == "low", "what is left does not say: refused, or marked unsure"
    reopened = QA.from_path(collection="town", index_dir=index, embed_model="none")
    assert sorted(reopened.documents) == ["pool.txt", "school.docx"]
    assert _open(index).manifest.build == letter_build


def test_collections_live_side_by_side(index: Path, folder: Path) -> None:
    letter = _open(index)
    docs = _open(index, path=folder)
    assert docs.collection == "docs" and letter.collection == "letter"
    assert "六点" in docs.ask("游泳馆几点开门？").text
    assert "0371-6000-3333" in docs.ask("图书馆的电话是多少？").text
    assert _open(index).manifest.build == letter.manifest.build  # switching back rebuilds nothing
    assert _open(index, path=folder).manifest.build == docs.manifest.build
    listed = {c.name: c for c in QA.collections(index_dir=index)}
    assert listed["docs"].documents == 3 and listed["letter"].documents == 1
    assert listed["docs"].mirror == str(folder.resolve())


def test_add_embeds_only_the_new_document_and_replaces_a_changed_one(index: Path, folder: Path) -> None:
    from fakes import FakeEmbedder

    embedder = FakeEmbedder()
    bot = QA.create("town", [folder / "pool.txt", folder / "canteen.txt"], embedder=embedder, index_dir=index)
    rows = {c.doc_id: bot.opened.vectors[i].copy() for i, c in enumerate(bot.chunks)}  # type: ignore[index]
    change = bot.add([folder / "library.md"])
    assert change.added == ("library.md",) and change.unchanged == ("pool.txt", "canteen.txt")
    assert change.embedded_chunks == 1 and not change.rebuilt
    for i, chunk in enumerate(bot.chunks):  # kept rows are the stored ones, new rows sit beside their chunk
        if chunk.doc_id in rows:
            assert np.array_equal(bot.opened.vectors[i], rows[chunk.doc_id])  # type: ignore[index]
    (folder / "pool.txt").write_text(POOL.replace("六点", "五点半"), encoding="utf-8")
    change = bot.add([folder / "pool.txt"])
    assert change.updated == ("pool.txt",) and change.embedded_chunks == 1
    assert "五点半" in bot.ask("游泳馆几点开门？").text
    assert bot.add([folder / "pool.txt"]).changed is False  # same bytes: nothing to do


def test_sync_adds_changes_and_removes_by_hash(index: Path, folder: Path) -> None:
    bot = QA.create("town", [folder / "pool.txt"], index_dir=index, embed_model="none")
    (folder / "canteen.txt").unlink()
    change = bot.sync(folder)
    assert change.added == ("library.md",) and change.removed == () and change.unchanged == ("pool.txt",)
    (folder / "library.md").unlink()
    change = bot.sync(folder)
    assert change.removed == ("library.md",)
    assert bot.manifest.mirror == str(folder.resolve())


def test_a_changed_source_is_noticed_when_the_collection_opens(
    index: Path, folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    QA.create("town", [folder], index_dir=index, embed_model="none")
    (folder / "pool.txt").write_text(POOL + "周末延长到十点。", encoding="utf-8")
    with caplog.at_level("WARNING", logger="qa"):
        QA.from_path(collection="town", index_dir=index, embed_model="none")
    assert "pool.txt" in caplog.text and "changed on disk" in caplog.text


def test_refusals_are_one_line_and_change_nothing(index: Path, folder: Path) -> None:
    bot = QA.create("town", [folder / "pool.txt"], index_dir=index, embed_model="none")
    build = bot.manifest.build
    with pytest.raises(InputError, match="would leave collection 'town' empty"):
        bot.remove(["pool.txt"])
    with pytest.raises(InputError, match=r"no document 'nope\.txt'"):
        bot.remove(["nope.txt"])
    with pytest.raises(InputError, match="holds the bundled letter"):
        _open(index).add([folder / "pool.txt"])
    with pytest.raises(InputError, match="exists already"):
        QA.create("town", [folder], index_dir=index, embed_model="none")
    with pytest.raises(InputError, match="there is no collection 'other'"):
        QA.from_path(collection="other", index_dir=index)
    with pytest.raises(InputError, match=r"collection name '\.\./up' is not allowed"):
        QA.from_path(collection="../up", index_dir=index)
    bad = folder / "bad.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(InputError, match=r"bad\.txt"):
        bot.add([bad])
    assert QA.from_path(collection="town", index_dir=index, embed_model="none").manifest.build == build


# --- damage: each case heals from the sources, or says in one line what to do ------------------------


def _collection(index: Path, folder: Path) -> tuple[QA, Path]:
    bot = QA.create("town", [folder], index_dir=index, embed_model="wordllama")
    return bot, index / "town"


def _rehash(folder: Path, name: str) -> None:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][name] = store.sha256_file(folder / manifest["build"] / name)
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def _build_file(folder: Path, name: str) -> Path:
    return folder / json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["build"] / name


def _truncate_vectors(path: Path) -> None:
    path.write_bytes(b"")  # np.load of nothing: EOFError


def _huge_header(path: Path) -> None:
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (10000000000, 256), }"
    path.write_bytes(
        b"\x93NUMPY\x01\x00" + len(header.ljust(118) + "\n").to_bytes(2, "little") + (header.ljust(118) + "\n").encode()
    )


def _deep_json(path: Path) -> None:
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")  # RecursionError in json


@pytest.mark.parametrize(
    ("name", "damage", "said"),
    [
        ("vectors.npy", _truncate_vectors, "EOF"),
        ("vectors.npy", _huge_header, "claims float32 (10000000000, 256)"),
        ("documents.jsonl", _deep_json, "RecursionError"),
    ],
    ids=["empty vectors", "huge array header", "deeply nested json"],
)
def test_damage_with_rewritten_hashes_heals_from_the_sources(
    index: Path, folder: Path, caplog: pytest.LogCaptureFixture, name: str, damage: object, said: str
) -> None:
    bot, where = _collection(index, folder)
    damage(_build_file(where, name))  # type: ignore[operator]
    _rehash(where, name)
    with caplog.at_level("WARNING", logger="qa"):
        healed = QA.from_path(collection="town", index_dir=index, embed_model="wordllama")
    assert "damaged" in caplog.text and said in caplog.text
    assert healed.manifest.build != bot.manifest.build and len(healed.documents) == 3
    assert "0371-6000-3333" in healed.ask("图书馆的电话是多少？").text


def test_an_edited_text_with_rewritten_file_hashes_is_not_served(
    index: Path, folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`6000-3333` edited to `9999-3333` (same length: every chunk offset still fits), the file's hash redone."""
    _, where = _collection(index, folder)
    path = _build_file(where, "documents.jsonl")
    path.write_text(path.read_text(encoding="utf-8").replace("6000-3333", "9999-3333"), encoding="utf-8")
    _rehash(where, "documents.jsonl")
    with caplog.at_level("WARNING", logger="qa"):
        healed = QA.from_path(collection="town", index_dir=index, embed_model="wordllama")
    assert "was altered" in caplog.text
    assert "0371-6000-3333" in healed.ask("图书馆的电话是多少？").text


def test_damage_without_sources_is_one_line(index: Path, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, where = _collection(index, folder)
    _build_file(where, "vectors.npy").write_bytes(b"")
    _rehash(where, "vectors.npy")
    for path in folder.iterdir():
        path.unlink()
    code = main(["ask", "图书馆的电话是多少？", "--collection", "town", "--index-dir", str(index)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err[-1].startswith(
        "qa: error: collection 'town' is damaged and its source files are unreadable or gone"
    )
    assert "qa sync FOLDER --collection town" in err[-1]


# --- the command line ------------------------------------------------------------------------------


def test_cli_add_remove_sync_collections_drop(index: Path, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--index-dir", str(index), "--embed-model", "none"]
    assert main(["add", str(folder / "pool.txt"), "--collection", "town", *base]) == 0
    assert "created collection town" in capsys.readouterr().out
    assert main(["add", str(folder / "canteen.txt"), "--collection", "town", *base, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == ["canteen.txt"]
    assert main(["ask", "食堂的电话是多少？", "--collection", "town", *base]) == 0
    assert "0371-6000-2222" in capsys.readouterr().out
    assert main(["remove", "canteen.txt", "--collection", "town", *base]) == 0
    assert "removed 1" in capsys.readouterr().out
    assert main(["sync", str(folder), "--collection", "town", *base]) == 0
    assert "3 document(s)" in capsys.readouterr().out
    assert main(["collections", "--index-dir", str(index)]) == 0
    assert "town: 3 document(s)" in capsys.readouterr().out
    assert main(["drop", "town", "--index-dir", str(index)]) == 0
    assert not (index / "town").exists()
    assert main(["remove", "x", "--collection", "town", *base]) == 2
    assert "there is no collection 'town'" in capsys.readouterr().err


def test_kept_copies_survive_a_refused_new_version_and_unused_ones_go(index: Path, folder: Path) -> None:
    bot = QA.create("town", [folder / "pool.txt"], index_dir=index, embed_model="none", keep_copies=True)
    (copy,) = (index / "town" / "sources").rglob("pool.txt")
    assert bot.manifest.documents[0].source == str(copy)
    broken = folder / "new" / "pool.txt"
    broken.parent.mkdir()
    broken.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(InputError, match="binary"):
        bot.add([broken], keep_copies=True)
    assert list((index / "town" / "sources").rglob("pool.txt")) == [copy]  # the good copy is untouched
    (folder / "pool.txt").write_text(POOL + "周末延长到十点。", encoding="utf-8")
    bot.add([folder / "pool.txt"], keep_copies=True)
    (newer,) = (index / "town" / "sources").rglob("pool.txt")
    assert newer != copy and "十点" in newer.read_text(encoding="utf-8")


def test_a_whole_question_on_a_new_subject_is_not_merged_into_the_last_one(index: Path, folder: Path) -> None:
    """`食堂几点开门？` after `游泳馆几点开门？` restates the question for another place: once read as a fragment to
    swap in, it became `游食堂几点开门？`."""
    bot = _open(index, path=folder)
    answer = bot.ask("食堂几点开门？", history=["游泳馆几点开门？"])
    assert answer.resolved_question == "食堂几点开门？" and "七点" in answer.text
    assert "市级" in bot.ask("市级的呢？", history=["省级的有几个？"]).resolved_question  # a fragment still swaps


def test_an_unchanged_source_is_not_read_again_when_a_mirror_opens(
    index: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from qa.store import sources

    first = _open(index, path=folder)
    hashed: list[str] = []
    real = sources.file_sha256
    monkeypatch.setattr(sources, "file_sha256", lambda path, *a: hashed.append(path.name) or real(path, *a))
    assert _open(index, path=folder).manifest.build == first.manifest.build
    assert hashed == []  # size and modification time as recorded: the recorded sha256 stands
    pool = folder / "pool.txt"
    os.utime(pool, ns=(pool.stat().st_atime_ns, pool.stat().st_mtime_ns + 10**9))
    assert _open(index, path=folder).manifest.build == first.manifest.build  # touched, same bytes: no rebuild
    assert hashed == ["pool.txt"]


def test_a_question_only_a_removed_document_answered_is_refused_naming_documents(index: Path) -> None:
    docs = index.parent / "two"
    docs.mkdir()
    (docs / "pool.txt").write_text(POOL, encoding="utf-8")
    (docs / "school.txt").write_text("学校概况\n实验学校共有学生一千二百名。\n", encoding="utf-8")
    gone = QA.create("two", [docs / "pool.txt", docs / "school.txt"], index_dir=index, embed_model="none").ask(
        "体育馆的游泳池有几条泳道？"
    )
    assert gone.abstained and gone.text.startswith("文档中")  # not 信中: these are not one letter
