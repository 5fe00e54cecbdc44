"""Seeded distractor haystacks from real Chinese text, cached under bench/.cache/ (never in git).

The sentences of CMRC 2018 train and DRCD dev (converted to simplified) are drawn at random and joined into
passages of 100-250 characters; the same seed gives the same stream, so the 10^4 haystack is a prefix of
the 10^5 one, and that of the 10^6 one.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

BENCH = Path(__file__).resolve().parent
CACHE = BENCH / ".cache"
DATA = BENCH.parent.parent / "shared" / "data"
TRAIN = DATA / "cmrc2018_train.json"
DRCD = DATA / "drcd_dev.json"
TRIAL = DATA / "cmrc2018_trial.json"
MIN_CHARS, MAX_CHARS = 100, 250
SEED = 12

_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*[”’\"')）]*")


def _contexts(path: Path) -> list[str]:
    articles = json.loads(path.read_text(encoding="utf-8"))["data"]
    return [p["context"] for a in articles for p in a["paragraphs"]]


def sentence_pool() -> list[str]:
    """Every sentence of CMRC train and DRCD dev (simplified), short enough to fit in one passage."""
    import opencc

    t2s = opencc.OpenCC("t2s")
    texts = _contexts(TRAIN) + [t2s.convert(c) for c in _contexts(DRCD)]
    pool = [m.group(0).strip() for t in texts for m in _SENTENCE.finditer(t)]
    return [s for s in pool if 5 <= len(s) <= MAX_CHARS]


def passages(seed: int = SEED) -> Iterator[str]:
    """An endless, seeded stream of distractor passages of MIN_CHARS..MAX_CHARS characters."""
    pool = sentence_pool()
    rng = random.Random(seed)
    while True:
        target = rng.randint(MIN_CHARS, MAX_CHARS)
        parts: list[str] = []
        size = 0
        while size < target:
            s = pool[rng.randrange(len(pool))]
            if size + len(s) > MAX_CHARS:
                if size >= MIN_CHARS:
                    break
                continue
            parts.append(s)
            size += len(s)
        yield "".join(parts)


def haystack(n: int, seed: int = SEED) -> Path:
    """The JSONL file of the first `n` passages (one JSON string a line), written once and then reused."""
    path = CACHE / f"haystack-{n}-seed{seed}.jsonl"
    if path.is_file():
        return path
    from tqdm import tqdm

    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        for _, text in zip(tqdm(range(n), desc=f"haystack {n}", unit="passage"), passages(seed), strict=False):
            out.write(json.dumps(text, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return path


def read_haystack(n: int, seed: int = SEED) -> list[str]:
    with haystack(n, seed).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]
