"""Shared test set-up: offline, never writing into the repo, deterministic Hypothesis under CI."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

if TYPE_CHECKING:
    from qa import QA

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(autouse=True)
def _offline_and_isolated(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test reaches a model hub, and an index built without an explicit folder lands in a temp dir."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path_factory.mktemp("default-index")))
    for name in ("QA_EMBED_MODEL", "QA_CHUNK_MIN_CHARS", "QA_CHUNK_MAX_CHARS", "QA_FUSION"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def letter_text() -> str:
    from qa.settings import BUNDLED_LETTER

    return BUNDLED_LETTER.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> QA:
    """The bundled letter, asked through the real offline embedder: the product's default offline path. One per
    module, as each module built its own."""
    from qa import QA

    return QA.from_path(index_dir=tmp_path_factory.mktemp("index"), embed_model="wordllama")
