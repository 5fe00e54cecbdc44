"""One settings dataclass: defaults, then environment (`QA_*`), then explicit overrides."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

from qa.errors import InputError

DEFAULT_EMBED_MODEL = "BAAI/bge-small-zh-v1.5"
PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_LETTER = PACKAGE_DIR / "data" / "000_9783093694a0541d.txt"
INDEX_TEXT_VERSION = 2  # 1: section + text; 2: section, article subject, text

Fusion = Literal["rrf", "weighted", "rescue"]


def default_index_dir() -> Path:
    """`index/` beside the package in a source checkout, else a per-user cache folder."""
    repo = PACKAGE_DIR.parent
    if (repo / "pyproject.toml").is_file() and os.access(repo, os.W_OK):
        return repo / "index"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "qa" / "index"


@dataclass(frozen=True)
class Settings:
    """Everything that changes what `qa` builds or answers; resolved values go into the manifest."""

    embed_model: str = DEFAULT_EMBED_MODEL
    index_dir: Path | None = None
    chunk_min_chars: int = 100
    chunk_max_chars: int = 250
    fusion: Fusion = "weighted"
    rrf_k: int = 60
    dense_weight: float | None = None  # None: the embedder's own calibrated weight
    hub_timeout_s: float = 5.0
    max_question_chars: int = 500
    max_file_bytes: int = 50 * 1024 * 1024
    abstain_threshold: float | None = None  # None: the answerability threshold chosen on validation (model card)
    models_dir: Path | None = None  # None: the ranker and answerability models shipped in qa/models/
    store: str = "local"  # where search runs: 'local' files, 'milvus:PATH.db' (Milvus Lite) or a Milvus server URI

    def __post_init__(self) -> None:
        if self.chunk_min_chars < 1 or self.chunk_max_chars < self.chunk_min_chars:
            raise InputError(
                f"chunk sizes {self.chunk_min_chars}..{self.chunk_max_chars} are invalid: "
                "need 1 <= chunk_min_chars <= chunk_max_chars"
            )
        if self.fusion not in ("rrf", "weighted", "rescue"):
            raise InputError(f"fusion {self.fusion!r} is unknown: use 'rrf', 'weighted' or 'rescue'")
        if self.max_question_chars < 1:
            raise InputError(f"max_question_chars {self.max_question_chars} must be positive")
        if self.abstain_threshold is not None and not 0.0 <= self.abstain_threshold <= 1.0:
            raise InputError(f"abstain_threshold {self.abstain_threshold} must be between 0 and 1 (or unset)")
        if not self.embed_model.strip():
            raise InputError("embed_model is empty: give a model name, a folder, or 'none'")
        lite = self.store.startswith("milvus:") and self.store.endswith(".db") and len(self.store) > len("milvus:.db")
        if self.store != "local" and not lite and not self.store.startswith(("http://", "https://")):
            raise InputError(
                f"store {self.store!r} is unknown: use 'local', 'milvus:PATH.db' (Milvus Lite) "
                "or http(s)://HOST:19530 (a Milvus server; token in QA_MILVUS_TOKEN)"
            )

    @property
    def resolved_index_dir(self) -> Path:
        return Path(self.index_dir) if self.index_dir is not None else default_index_dir()

    def chunk_settings(self) -> dict[str, int]:
        # `index_text` numbers what `chunking.indexed_text` puts before a chunk: a change means new vectors.
        return {"min_chars": self.chunk_min_chars, "max_chars": self.chunk_max_chars, "index_text": INDEX_TEXT_VERSION}

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["index_dir"] = str(self.resolved_index_dir)
        out["models_dir"] = str(self.models_dir) if self.models_dir is not None else None
        return out

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """Defaults, then `QA_<FIELD>` environment variables, then `overrides` (None means unset)."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = os.environ.get(f"QA_{f.name.upper()}")
            if raw is not None and raw.strip():
                values[f.name] = _coerce(f.name, raw.strip())
        unknown = set(overrides) - {f.name for f in fields(cls)}
        if unknown:
            raise InputError(f"unknown setting(s) {sorted(unknown)}: known are {[f.name for f in fields(cls)]}")
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)


def _coerce(name: str, raw: str) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    try:
        if kind == "int":
            return int(raw)
        if kind in ("float", "float | None"):
            return float(raw)
    except ValueError:
        raise InputError(f"QA_{name.upper()}={raw!r} is not a {kind}: set a number or unset it") from None
    if name in ("index_dir", "models_dir"):
        return Path(raw).expanduser()
    return raw
