"""Ablation of the scope rules (`qa.answering.scope.SCOPE_RULES` and the broad answer's rules), each switched off in
turn, on the broad dev sets (`eval/broad.jsonl` about the letter, `eval/broad_docs.jsonl` about three other
documents) and the letter's fact sets (`eval/questions.jsonl`, `eval/fresh2.jsonl`). A rule stays when the table
shows it helps broad questions without costing fact ones.

    python bench/scope_ablation.py
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from unittest import mock

from qa import QA, api
from qa.answering import broad, scope
from qa.evaluation import evaluate, read_questions, score
from qa.evaluation.metrics import broad_scores
from qa.evaluation.outcomes import Outcome
from qa.evaluation.questions import Question

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO / "eval"


def _without_rule(name: str) -> Callable[[], AbstractContextManager[object]]:
    kept = tuple(r for r in scope.SCOPE_RULES if r.scope != name)
    return lambda: mock.patch.object(scope, "SCOPE_RULES", kept)


@contextmanager
def _one_ask() -> Iterator[None]:
    """Every question taken as one ask: `asks` (read by the scope and by `QA.ask`) returns it whole."""

    def whole(plain: str) -> list[str]:
        return [plain]

    with mock.patch.object(scope, "asks", whole), mock.patch.object(api, "asks", whole):
        yield


ABLATIONS: dict[str, Callable[[], AbstractContextManager[object]]] = {
    "none (all rules on)": nullcontext,
    **{f"no `{r.scope}` row": _without_rule(r.scope) for r in scope.SCOPE_RULES},
    "no several asks split": _one_ask,
    "no heading widened to its section": lambda: mock.patch.object(broad, "heading_at", lambda doc, span: None),
    "no outline for the document's own topic": lambda: mock.patch.object(
        broad, "is_document_topic", lambda query, doc: False
    ),
}


def asked(questions: list[Question], tmp: Path) -> list[Outcome]:
    """Each question of the set asked of its `document` (a collection of it alone), or of the letter."""
    bots: dict[Path | None, QA] = {}
    out = []
    for q in questions:
        doc = q.document
        if doc not in bots:
            index = tmp / f"index-{len(bots)}"
            bots[doc] = QA.from_path(doc, index_dir=index, embed_model="wordllama")
        out += evaluate(bots[doc], [q], progress=False)
    return out


def main() -> None:
    sets = {name: read_questions(EVAL / f"{name}.jsonl")[0] for name in ("broad", "broad_docs", "questions", "fresh2")}
    print(
        "| switched off | broad letter key recall | broad docs key recall | dev all keys | fresh2 all keys | fresh2 false abstain |"
    )
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, patch in ABLATIONS.items():
            with patch():
                got = {s: asked(qs, Path(tmp) / f"{len(name)}-{s}") for s, qs in sets.items()}
            broad_letter = broad_scores(got["broad"]).get("key_phrase_recall")
            broad_docs = broad_scores(got["broad_docs"]).get("key_phrase_recall")
            dev, fresh = score(got["questions"]), score(got["fresh2"])
            print(
                f"| {name} | {_f(broad_letter)} | {_f(broad_docs)} | {_f(dev['answer_all_keys'])} | "
                f"{_f(fresh['answer_all_keys'])} | {_f(fresh['false_abstain_rate'])} |"
            )


def _f(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    main()
