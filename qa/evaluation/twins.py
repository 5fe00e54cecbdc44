"""Look-alike twins (`--twins`): each answerable question of a set beside its look-alike, one to abstain on.

A twin swaps the question's entity, number, year or asked attribute for one the collection never holds
(`qa.answering.lookalikes`), while its article stays in the corpus: `尤金袋鼠的体重大约是多少？` →
`尤金袋鼠的海拔大约是多少？`. The recipe is chosen per question from `random.Random(f"{seed}:{id}")`, so a
question gets the same twin whether the whole set or one fold (`--articles`) is asked.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from qa.answering.lookalikes import KINDS, Pool, make_lookalike
from qa.errors import InputError
from qa.evaluation.questions import Question

POOL_TEXTS = 400  # texts harvested for replacements: jieba tags ~18,000 characters a second, so about 10 s


@dataclass(frozen=True)
class Twins:
    """The look-alikes made, and the answerable questions no recipe applied to."""

    questions: list[Question]
    unmade: int


def make_twins(
    questions: Sequence[Question],
    documents: Mapping[str, str],
    pool: Pool,
    seed: int,
    kinds: Sequence[str] | None = None,
) -> Twins:
    """A look-alike of each answerable question, its document the evidence: its `doc_id`'s, or the collection's
    only document (a letter set). Follow-ups (with a history) and broad questions get none.

    `documents` is the whole collection (doc id → text, as indexed): a replacement occurs in none of them.
    `pool` holds replacements harvested from other texts (`pool_texts`).
    """
    collection = "\n\n".join(documents.values())

    def occurs(text: str) -> bool:
        return text in collection

    made, unmade = [], 0
    only = next(iter(documents.values())) if len(documents) == 1 else None
    for q in questions:
        evidence = documents.get(q.doc_id) if q.doc_id is not None else only
        if not q.answerable or q.history or q.items or q.document or evidence is None:
            continue
        twin = make_lookalike(q.question, evidence, occurs, pool, random.Random(f"{seed}:{q.id}"), kinds or KINDS)
        if twin is None:
            unmade += 1
            continue
        extra = {"twin_of": q.id, "original": twin.original, "replacement": twin.replacement}
        made.append(
            replace(
                q,
                id=f"{q.id}~{twin.kind}",
                question=twin.question,
                keys=(),
                evidence=(),
                type="lookalike",
                lookalike=twin.kind,
                extra=extra,
            )
        )
    return Twins(made, unmade)


def pool_texts(path: Path, limit: int = POOL_TEXTS) -> list[str]:
    """The first `limit` texts of `path`: a SQuAD-format JSON file's contexts, or a text file's non-empty lines."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cannot read the look-alike pool {path}: {exc}; give a SQuAD JSON or UTF-8 text file"
        ) from None
    if path.suffix.lower() != ".json":
        return [line for line in raw.splitlines() if line.strip()][:limit]
    try:
        data = json.loads(raw)["data"]
        texts = [p["context"] for article in data for p in article["paragraphs"]]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise InputError(f"{path} is not a SQuAD-format JSON file ({exc}): need data[].paragraphs[].context") from None
    return [t for t in texts if isinstance(t, str)][:limit]
