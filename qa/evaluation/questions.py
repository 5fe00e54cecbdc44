"""Question sets: the `Question` record and its loaders (JSONL, SQuAD with articles left out or folds, off-topic),
and their conversion to the other Chinese script."""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from qa.errors import InputError
from qa.script import TO_SIMPLIFIED, TO_TRADITIONAL, converter

_FIELDS = (
    "id",
    "question",
    "answers",
    "evidence",
    "type",
    "history",
    "unrelated_history",
    "scope",
    "items",
    "document",
)


@dataclass(frozen=True)
class Question:
    """One question to score; with `doc_id` set, a retrieval hit is any passage of that document."""

    id: str
    question: str
    keys: tuple[tuple[str, ...], ...] = ()  # each key is a tuple of alternatives
    evidence: tuple[str, ...] = ()
    type: str = "untyped"
    history: tuple[str, ...] = ()
    doc_id: str | None = None
    absent: bool = False  # its document was left out of the corpus on purpose (`--absent`): must abstain
    lookalike: str | None = None  # the recipe that made it from an answerable one (`--twins`): must abstain
    # Its history is unrelated to it (`"unrelated_history": true`, or earlier questions `--conversation` put
    # before a question that stands alone): it is also asked alone, and the two answers should be the same.
    unrelated_history: bool = False
    # A broad question (a summary, an outline, a section, a list gathered across a document, several asks):
    # the scope asked for, and the items a full answer names, each a tuple of alternatives.
    scope: str | None = None
    items: tuple[tuple[str, ...], ...] = ()
    document: Path | None = None  # asked of a collection holding only this document (absolute path)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def answerable(self) -> bool:
        return bool(self.keys or self.evidence or self.items)


def parse_key(key: str) -> tuple[str, ...]:
    """`'41所|41'` -> `('41所', '41')`: the alternatives any one of which satisfies the key."""
    return tuple(a for a in (part.strip() for part in key.split("|")) if a)


def read_questions(path: Path) -> tuple[list[Question], list[str]]:
    """The valid questions of a JSONL file, and one `line N: why` note per malformed line skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read question file {path}: {exc}; give a UTF-8 JSONL file") from None
    questions: list[Question] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            question = _question(json.loads(line), path.parent)
            if question.id in seen:
                raise ValueError(f"duplicate id {question.id!r}")
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: not valid JSON ({exc.msg})")
            continue
        except ValueError as exc:
            problems.append(f"line {number}: {exc}")
            continue
        seen.add(question.id)
        questions.append(question)
    return questions, problems


def _question(row: Any, folder: Path) -> Question:
    if not isinstance(row, dict):
        raise ValueError("not a JSON object")
    if not isinstance(row.get("id"), str | int) or not str(row["id"]).strip():
        raise ValueError("'id' is missing")
    if not isinstance(row.get("question"), str) or not row["question"].strip():
        raise ValueError("'question' is missing or empty")
    if not isinstance(row.get("unrelated_history", False), bool):
        raise ValueError("'unrelated_history' must be true or false")
    if not isinstance(row.get("scope", ""), str):
        raise ValueError("'scope' must be a string")
    items = row.get("items", [])
    if not isinstance(items, list) or not all(
        isinstance(item, list) and item and all(isinstance(a, str) and a for a in item) for item in items
    ):
        raise ValueError('\'items\' must be a list of lists of alternative phrases ([["宇通"], ["郑州日产"]])')
    if not isinstance(row.get("swap", ""), str):
        raise ValueError("'swap' must be a string (what a look-alike swapped: entity, year, number, attribute…)")
    document = None
    if row.get("document") is not None:
        if not isinstance(row["document"], str) or not (folder / row["document"]).is_file():
            raise ValueError(f"'document' {row['document']!r} is not a file next to the set (paths are relative to it)")
        document = (folder / row["document"]).resolve()
    for name in ("answers", "evidence", "history"):
        value = row.get(name, [] if name == "history" else None)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"'{name}' must be a list of strings ([] when there are none)")
    return Question(
        id=str(row["id"]),
        question=row["question"],
        keys=tuple(k for k in map(parse_key, row["answers"]) if k),
        evidence=tuple(e for e in row["evidence"] if e),
        type=str(row.get("type") or "untyped"),
        history=tuple(row.get("history", ())),
        unrelated_history=row.get("unrelated_history", False),
        # A hand-written look-alike names what it swapped; it counts with `--twins`' look-alikes.
        lookalike=(row.get("swap") or None) if not (row["answers"] or row["evidence"] or items) else None,
        scope=row.get("scope") or None,
        items=tuple(tuple(item) for item in items),
        document=document,
        extra={k: v for k, v in row.items() if k not in _FIELDS},
    )


def in_conversation(questions: Sequence[Question], k: int) -> list[Question]:
    """Each question asked after the `k` questions before it in the set (oldest first, as the page sends them),
    then its own history. A question without a history of its own stands alone, so the earlier ones are
    unrelated to it: it is marked `unrelated_history` and will also be asked alone."""
    return [
        replace(
            q,
            history=(*(p.question for p in questions[max(0, i - k) : i]), *q.history),
            unrelated_history=q.unrelated_history or (not q.history and i > 0 and k > 0),
        )
        for i, q in enumerate(questions)
    ]


def squad_questions(
    path: Path,
    folder: Path,
    absent: int = 0,
    seed: int = 0,
    convert: Callable[[str], str] | None = None,
    fold: Fold | None = None,
) -> list[Question]:
    """Write each SQuAD paragraph to `folder` as `pNNNN.txt` and return its questions, hits by paragraph.

    With `absent`, the articles `absent_articles` picks are not written: their questions come back as
    unanswerable `absent` ones, which the system should abstain on. `convert` rewrites the contexts and
    gold answers (an OpenCC script conversion, which keeps lengths). With `fold`, only the questions of
    that fold's articles are asked; every article is still written (cross-validation against models trained
    without the fold, `qa train --leave-out`).
    """
    convert = convert or str
    articles, counts = _squad_articles(path)
    left_out = set(absent_articles(counts, absent, seed)) if absent else set()
    paragraphs = [(i, p) for i, article in enumerate(articles) for p in article["paragraphs"]]
    width = max(4, len(str(len(paragraphs))))
    questions = []
    for number, (article, paragraph) in enumerate(paragraphs, 1):
        # Paragraphs keep their numbers with or without --absent, so the same question has the same doc_id.
        doc_id = f"p{number:0{width}d}.txt"
        gone = article in left_out
        if not gone:
            (folder / doc_id).write_text(convert(paragraph["context"]), encoding="utf-8")
        if fold is not None and not fold.holds(article):
            continue
        for qa in paragraph.get("qas", ()):
            golds = tuple(dict.fromkeys(convert(a["text"]) for a in qa.get("answers", ()) if a.get("text")))
            if gone:
                extra = {"gold": list(golds), "left_out": doc_id}
                questions.append(Question(str(qa["id"]), qa["question"], type="absent", absent=True, extra=extra))
                continue
            keys = (golds,) if golds else ()
            questions.append(Question(str(qa["id"]), qa["question"], keys, golds, "squad", doc_id=doc_id))
    return questions


OFF_TOPIC_LETTER = Path("letter")  # `--off-topic` without a path: the bundled letter


def off_topic_questions(path: Path) -> list[Question]:
    """The questions of a SQuAD-format file as ones to abstain on: they are asked of documents without their articles."""
    articles, _counts = _squad_articles(path)
    rows = [qa for article in articles for p in article["paragraphs"] for qa in p.get("qas", ())]
    try:
        return [Question(str(qa["id"]), qa["question"], type="absent", absent=True) for qa in rows]
    except (KeyError, TypeError) as exc:
        raise InputError(f"{path} has a question without an id or text ({exc}): need qas[].id and .question") from None


def _squad_articles(path: Path) -> tuple[list[Any], list[int]]:
    """`data` of a SQuAD-format JSON file and each article's question count; one clear line when it is not one."""
    try:
        articles = json.loads(path.read_text(encoding="utf-8"))["data"]
        counts = [sum(len(p.get("qas", ())) for p in article["paragraphs"]) for article in articles]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{path} is not a SQuAD-format JSON file ({exc}): need data[].paragraphs[]") from None
    return articles, counts


@dataclass(frozen=True)
class Fold:
    """Fold `number` of `count`: the articles whose index modulo `count` is `number`."""

    number: int
    count: int

    def holds(self, article: int) -> bool:
        return article % self.count == self.number

    @classmethod
    def parse(cls, text: str) -> Fold:
        """`K/N`, e.g. `0/2`; one clear line when it is not."""
        number, _, count = text.partition("/")
        problem = InputError(f"fold {text!r} must be K/N with 0 <= K < N, e.g. 0/2")
        try:
            fold = cls(int(number), int(count))
        except ValueError:
            raise problem from None
        if not 0 <= fold.number < fold.count:
            raise problem
        return fold


def fold_option(text: str) -> Fold:
    """`Fold.parse` for argparse: a bad fold is a usage error, not a traceback."""
    try:
        return Fold.parse(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def absent_articles(question_counts: Sequence[int], n: int, seed: int = 0) -> list[int]:
    """Indexes of the articles to leave out: shuffled with `random.Random(seed)`, taken in that order
    until they hold at least `n` questions. At least one article must stay in the corpus."""
    order = list(range(len(question_counts)))
    random.Random(seed).shuffle(order)
    chosen: list[int] = []
    held = 0
    for index in order:
        if held >= n:
            break
        chosen.append(index)
        held += question_counts[index]
    if held < n or len(chosen) == len(order):
        total = sum(question_counts)
        raise InputError(
            f"--absent {n} would leave no article in the corpus ({total} questions in {len(order)} articles): "
            "give a smaller N"
        )
    return chosen


def evidence_warnings(questions: Sequence[Question], texts: Sequence[str]) -> list[str]:
    """One note per evidence string found in no document: such a question can never be a hit."""
    return [
        f"{q.id}: evidence {e!r} is not in the document"
        for q in questions
        if q.doc_id is None
        for e in q.evidence
        if not any(e in t for t in texts)
    ]


SCRIPTS = {"traditional": TO_TRADITIONAL, "simplified": TO_SIMPLIFIED}


def in_script(questions: Sequence[Question], script: str) -> list[Question]:
    """The questions and their histories written in `script` (`traditional`: `郑州` → `鄭州`)."""
    convert = script_converter(script)
    return [replace(q, question=convert(q.question), history=tuple(convert(h) for h in q.history)) for q in questions]


def script_converter(script: str) -> Callable[[str], str]:
    convert = converter(SCRIPTS[script])
    if convert is None:
        raise InputError("--script and --doc-script need the opencc package: pip install opencc")
    return convert


def document_in_script(doc: Path | None, script: str, folder: Path) -> Path:
    """A copy of the document (the bundled letter when None; one file) written in `script`."""
    from qa.settings import BUNDLED_LETTER

    source = doc or BUNDLED_LETTER
    if not source.is_file():
        raise InputError(f"--doc-script converts one file; {source} is not a file")
    target = folder / source.name
    target.write_text(script_converter(script)(source.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def expected_in_script(q: Question, script: str) -> Question:
    """The question's keys and evidence written in `script`, as they stand in a converted document."""
    convert = script_converter(script)
    keys = tuple(tuple(convert(a) for a in alternatives) for alternatives in q.keys)
    return replace(q, keys=keys, evidence=tuple(convert(e) for e in q.evidence))
