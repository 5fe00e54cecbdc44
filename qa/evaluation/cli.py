"""The eval command (`eval/run.py`, `qa eval`): options, building the collection, running, writing the report."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path
from typing import Any

from qa.answering.lookalikes import ALL_KINDS, KINDS
from qa.errors import InputError, QAError, notes_to_stderr
from qa.evaluation.metrics import (
    abstention_at,
    abstention_tradeoff,
    answerability_scores,
    by_scope,
    by_type,
    calibration,
    check_floors,
    load_floors,
    lookalike_figures,
    score,
)
from qa.evaluation.questions import (
    OFF_TOPIC_LETTER,
    SCRIPTS,
    Question,
    document_in_script,
    expected_in_script,
    fold_option,
    in_conversation,
    in_script,
    off_topic_questions,
    read_questions,
    script_converter,
    squad_questions,
)
from qa.evaluation.report import EACH_DOCUMENT, summary, write_results
from qa.evaluation.runner import ask_all
from qa.evaluation.twins import POOL_TEXTS, Twins, make_twins, pool_texts
from qa.settings import BUNDLED_LETTER, PACKAGE_DIR

EVAL_DIR = PACKAGE_DIR.parent / "eval"
DEFAULT_QUESTIONS = EVAL_DIR / "questions.jsonl"
DEFAULT_OUT = EVAL_DIR / "results"
DEFAULT_FLOORS = EVAL_DIR / "floors.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The eval options, shared by `eval/run.py` and `qa eval`."""
    parser.add_argument("questions", nargs="?", type=Path, help=f"JSONL question set (default {DEFAULT_QUESTIONS})")
    parser.add_argument("--doc", type=Path, help="file or folder the questions are about (default: the bundled letter)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"where results go (default {DEFAULT_OUT})")
    parser.add_argument("--squad", type=Path, help="score a SQuAD-format JSON instead (each paragraph a document)")
    parser.add_argument(
        "--absent",
        type=int,
        metavar="N",
        help="with --squad: leave random whole articles holding >= N questions out of the corpus and ask their "
        "questions as ones to abstain on (sampled over the whole file, before --skip/--limit)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="random seed of the --absent sample and the --twins recipes (default 0)"
    )
    parser.add_argument(
        "--conversation",
        type=int,
        metavar="K",
        help="with a JSONL set: ask each question after the K questions before it in the file (then its own "
        "history), as the page sends them; a question standing alone is also asked alone, to count the answers "
        "the unrelated history changed",
    )
    parser.add_argument(
        "--twins",
        action="store_true",
        help="also ask each answerable question's look-alike (its entity, number, year or asked attribute swapped "
        "for one the corpus never holds; its article kept) as one to abstain on: with --squad, or a JSONL set "
        "about the letter or one text file (follow-ups and broad questions get none)",
    )
    parser.add_argument(
        "--twin-kinds",
        type=_twin_kinds,
        default=None,
        metavar="KINDS",
        help="with --twins: the recipes, comma-separated, among entity, number, year, attribute (the default four) "
        "and noun (a common noun swapped for a sibling of the same last character: `中职` for `高职`)",
    )
    parser.add_argument(
        "--twins-pool",
        type=Path,
        metavar="FILE",
        help=f"texts the --twins replacements are harvested from, not the asked set (a SQuAD JSON or a text file, "
        f"first {POOL_TEXTS} texts; default {DEFAULT_POOL})",
    )
    parser.add_argument(
        "--articles",
        type=fold_option,
        metavar="K/N",
        help="with --squad: ask only the questions of articles whose index modulo N is K (every article stays in "
        "the corpus); with models from `qa train --leave-out K/N` this is cross-validation",
    )
    parser.add_argument(
        "--off-topic",
        nargs="?",
        type=Path,
        const=OFF_TOPIC_LETTER,
        metavar="PATH",
        help="with --squad: ask its questions of PATH (default: the bundled letter), which holds none of their "
        "articles, so each is one to abstain on",
    )
    parser.add_argument("--models", type=Path, help="read the ranker and answerability models from this folder")
    parser.add_argument("--limit", type=int, help="score only the first N questions (after --skip)")
    parser.add_argument("--skip", type=int, default=0, help="leave out the first N questions (e.g. a tuning half)")
    parser.add_argument("--embed-model", help="dense model, as for `qa ask` ('none' = lexical only)")
    parser.add_argument("--index-dir", type=Path, help="keep the index here (default: a temporary folder in --out)")
    parser.add_argument(
        "--script",
        choices=sorted(SCRIPTS),
        help="ask every question (and its history) converted to this script with OpenCC, to measure robustness",
    )
    parser.add_argument(
        "--doc-script",
        choices=sorted(SCRIPTS),
        help="index the document (or the --squad contexts) converted to this script with OpenCC "
        "(keys, evidence and gold answers converted too)",
    )
    parser.add_argument(
        "--check-floors",
        nargs="?",
        type=Path,
        const=DEFAULT_FLOORS,
        metavar="FILE",
        help=f"exit 1 when a metric is outside the bounds in FILE (default {DEFAULT_FLOORS})",
    )


def run(args: argparse.Namespace) -> int:
    """Run the eval the arguments describe, write the results, print a summary; 1 when a floor fails."""
    from qa.api import QA

    if args.squad is not None and (args.questions is not None or args.doc is not None):
        raise InputError("--squad brings its own questions and documents: drop QUESTIONS and --doc")
    if args.limit is not None and args.limit < 1:
        raise InputError(f"--limit {args.limit} must be at least 1")
    if args.skip < 0:
        raise InputError(f"--skip {args.skip} must not be negative")
    if args.absent is not None and (args.squad is None or args.absent < 1):
        raise InputError(f"--absent {args.absent} needs --squad and N of at least 1")
    if args.articles is not None and args.squad is None:
        raise InputError("--articles needs --squad")
    if args.off_topic is not None and (args.squad is None or args.absent or args.articles):
        raise InputError("--off-topic needs --squad, and asks every question elsewhere: drop --absent and --articles")
    if (args.twins or args.twins_pool) and args.off_topic is not None:
        raise InputError("--twins keeps each question's article in the corpus: drop --off-topic")
    if args.conversation is not None and (args.squad is not None or args.conversation < 1):
        raise InputError(f"--conversation {args.conversation} needs a JSONL set (not --squad) and K of at least 1")
    floors = load_floors(args.check_floors) if args.check_floors is not None else None
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        index_dir = args.index_dir or Path(stack.enter_context(tempfile.TemporaryDirectory(".index", dir=out)))
        source, doc, questions, problems = _question_set(args, stack)
        for note in problems:
            print(f"eval: skipped {source} {note}", file=sys.stderr)
        if args.conversation:
            questions = in_conversation(questions, args.conversation)
        questions = questions[args.skip :][: args.limit]
        twins = _twins(args, doc, questions) if args.twins else None
        if twins is not None:
            questions = [*questions, *twins.questions]
        if args.script is not None:
            questions = in_script(questions, args.script)
        if args.doc_script is not None and args.squad is None:  # a SQuAD set is converted as it is written
            doc = document_in_script(doc, args.doc_script, Path(stack.enter_context(tempfile.TemporaryDirectory())))
            questions = [expected_in_script(q, args.doc_script) for q in questions]
        if not questions:
            raise InputError(f"{source} holds no usable questions")

        def open_collection(document: Path | None, number: int) -> QA:
            folder = index_dir if document is None else index_dir / f"document-{number}"
            return QA.from_path(document or doc, index_dir=folder, embed_model=args.embed_model, models_dir=args.models)

        asked = ask_all(questions, open_collection)
    outcomes, bot = asked.outcomes, asked.bot
    metrics: dict[str, Any] = score(outcomes)
    if args.squad is not None:
        metrics["answer_contains_gold"] = metrics["answer_all_keys"]
        metrics["baseline_contains_gold"] = metrics["baseline_all_keys"]
    metrics |= {
        "by_type": by_type(outcomes),
        "by_scope": by_scope(outcomes),
        "documents": [str(d) for d in asked.documents],
        "questions": len(outcomes),
        "questions_file": str(source),
        "document": str(args.squad or doc or "bundled letter") if asked.main else EACH_DOCUMENT,
        "script": args.script,
        "doc_script": args.doc_script,
        "absent": args.absent,
        "absent_seed": args.seed if args.absent else None,
        "articles": f"{args.articles.number}/{args.articles.count}" if args.articles else None,
        "off_topic": str(args.off_topic) if args.off_topic is not None else None,
        "models": str(args.models or "qa/models"),
        "absent_questions": sum(o.question.absent for o in outcomes),
        "conversation": args.conversation,
        "twins": None
        if twins is None
        else {
            "seed": args.seed,
            "pool": str(_pool_path(args)),
            "unmade": twins.unmade,
            "kinds": list(args.twin_kinds or KINDS),
        },
        "lookalikes": lookalike_figures(outcomes),
        "calibration": calibration(outcomes),
        "abstention_tradeoff": [asdict(p) for p in abstention_tradeoff(outcomes)],
        "abstention_at_3pct_false": abstention_at(answerability_scores(outcomes)),
        "skipped_questions": args.skip,
        "skipped_lines": problems,
        "evidence_warnings": asked.warnings,
        "index_seconds": round(asked.index_seconds, 3),
        "run_seconds": round(asked.run_seconds, 3),
        "embedder": {"id": bot.embedder_id, "notice": bot.notice},
        "manifest": bot.manifest.to_dict(),
    }
    report = write_results(out, metrics, outcomes)
    print(summary(metrics))
    print(f"report: {report}")
    return floors_verdict(metrics, floors, args.check_floors, "eval")


def floors_verdict(
    metrics: dict[str, Any], floors: dict[str, dict[str, float]] | None, source: Path | None, prog: str
) -> int:
    """The exit code of a run checked against `floors` (read from `source`): each failure one `PROG: floor failed`
    line on stderr, then one verdict line; 0 when every bound holds or none was asked for, 1 otherwise."""
    if floors is None:
        return 0
    failures = check_floors(metrics, floors)
    for line in failures:
        print(f"{prog}: floor failed: {line}", file=sys.stderr)
    print(f"floors ({source}): {'FAILED' if failures else 'all met'}")
    return 1 if failures else 0


DEFAULT_POOL = PACKAGE_DIR.parent.parent / "shared" / "data" / "cmrc2018_train.json"


def _pool_path(args: argparse.Namespace) -> Path:
    return args.twins_pool or DEFAULT_POOL


def _twins(args: argparse.Namespace, folder: Path | None, questions: Sequence[Question]) -> Twins:
    """The look-alikes of the asked questions, replacements harvested from `--twins-pool`, absent from `folder`."""
    from qa.answering.lookalikes import Pool

    pool = _pool_path(args)
    if not pool.is_file():
        raise InputError(f"--twins harvests replacements from {pool}, which does not exist: give --twins-pool FILE")
    if args.squad is not None and pool.resolve() == args.squad.resolve():
        raise InputError(f"--twins-pool {pool} is the asked set: replacements must come from other texts")
    if args.squad is not None and folder is not None:  # each paragraph written as a file
        documents = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}
    else:  # a JSONL set about the letter or one text file
        source = folder or BUNDLED_LETTER
        if not source.is_file() or source.suffix.lower() not in (".txt", ".md"):
            raise InputError(f"--twins with a JSONL set needs one .txt or .md --doc (or the letter), not {source}")
        documents = {source.name: source.read_text(encoding="utf-8")}
    return make_twins(questions, documents, Pool.from_texts(pool_texts(pool)), args.seed, args.twin_kinds)


def _twin_kinds(text: str) -> tuple[str, ...]:
    kinds = tuple(k.strip() for k in text.split(",") if k.strip())
    unknown = [k for k in kinds if k not in ALL_KINDS]
    if not kinds or unknown:
        raise argparse.ArgumentTypeError(f"unknown look-alike kinds {unknown}: use some of {', '.join(ALL_KINDS)}")
    return kinds


def _question_set(args: argparse.Namespace, stack: ExitStack) -> tuple[Path, Path | None, list[Question], list[str]]:
    """The set's file, the document path to index (None: bundled letter), its questions and skipped lines."""
    if args.off_topic is not None:
        doc = None if args.off_topic == OFF_TOPIC_LETTER else args.off_topic
        return args.squad, doc, off_topic_questions(args.squad), []
    if args.squad is not None:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory("-squad")))
        convert = script_converter(args.doc_script) if args.doc_script else None
        asked = squad_questions(args.squad, folder, args.absent or 0, args.seed, convert, args.articles)
        return args.squad, folder, asked, []
    source = args.questions or DEFAULT_QUESTIONS
    if not source.is_file():
        raise InputError(f"question file {source} does not exist: give a JSONL file (see eval/README.md)")
    return source, args.doc, *read_questions(source)


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    """`python eval/run.py`: errors a person can fix print one line and exit 2."""
    parser = argparse.ArgumentParser(prog=prog, description="Score qa on a question set and write a report.")
    add_arguments(parser)
    args = parser.parse_args(argv)
    notes_to_stderr()
    try:
        return run(args)
    except QAError as exc:
        print(f"eval: error: {exc}", file=sys.stderr)
        return 2
