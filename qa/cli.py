"""The `qa` command: ask, retrieve, index. Errors a person can fix print one line and exit 2."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from qa.errors import QAError

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"qa: error: {message} (see `qa --help`)\n")


def _parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--index-dir", help="where the index lives (default: index/ in a checkout; QA_INDEX_DIR)")
    common.add_argument(
        "--embed-model",
        help="dense model: a hub id, a local folder, 'wordllama' or 'none' (default BAAI/bge-small-zh-v1.5; QA_EMBED_MODEL)",
    )
    common.add_argument("--json", action="store_true", help="print JSON instead of text")

    parser = _Parser(prog="qa", description="Ask questions about a Chinese document; answers cite exact spans.")
    from qa import __version__

    parser.add_argument("--version", action="version", version=f"qa {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ask = sub.add_parser("ask", parents=[common], help="answer a question with cited spans")
    ask.add_argument("question")
    ask.add_argument("--path", help="file or folder to ask about (default: the bundled letter)")
    ask.add_argument("--history", action="append", default=[], help="an earlier question (repeat, oldest first)")

    retrieve = sub.add_parser("retrieve", parents=[common], help="show the best passages for a question")
    retrieve.add_argument("question")
    retrieve.add_argument("--path", help="file or folder to search (default: the bundled letter)")
    retrieve.add_argument("-k", type=_positive, default=5, help="how many passages (default 5)")

    index = sub.add_parser("index", parents=[common], help="build (or check) the index of a file or folder")
    index.add_argument("path", nargs="?", help="file or folder (default: the bundled letter)")

    train = sub.add_parser("train", help="rebuild the answering models from ../shared/data and the letter sets")
    from qa.answering.training import add_arguments as add_training_arguments

    add_training_arguments(train)

    from qa.evaluation import add_arguments

    add_arguments(sub.add_parser("eval", help="score the system on a question set and write a report"))
    return parser


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    _log_notes_to_stderr()
    try:
        return _run(args)
    except QAError as exc:
        print(f"qa: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _log_notes_to_stderr() -> None:
    """Library notices (e.g. the offline fallback) become one `qa: note:` line each on stderr."""
    logger = logging.getLogger("qa")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("qa: note: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
        logger.propagate = False


def _run(args: argparse.Namespace) -> int:
    if args.command == "train":
        from qa.answering.training import run as run_training

        return run_training(args)
    if args.command == "eval":
        from qa.evaluation import run

        return run(args)
    from qa import QA

    path = getattr(args, "path", None)
    bot = QA.from_path(path, index_dir=args.index_dir, embed_model=args.embed_model)
    if args.command == "index":
        _emit(args.json, bot.manifest, _describe_index(bot.manifest))
    elif args.command == "retrieve":
        passages = bot.retrieve(args.question, k=args.k)
        lines = [
            f"{i}. [{p.score:.4f}] {p.section} ({p.doc_id} {p.start}-{p.end})\n   {p.text}"
            for i, p in enumerate(passages, 1)
        ]
        _emit(args.json, [p.to_dict() for p in passages], "\n".join(lines) or "(no passage matches)")
    else:
        answer = bot.ask(args.question, history=args.history)
        lines = [answer.text]
        if answer.citations:
            lines.append("")
        for i, c in enumerate(answer.citations, 1):
            lines.append(f"[{i}] {c.section} ({c.doc_id} {c.start}-{c.end}): {c.text}")
        if answer.abstained and answer.passages:
            lines.append("")
            lines.extend(f"· {p.section}: {p.text[:120]}" for p in answer.passages[:3])
        _emit(args.json, answer.to_dict(), "\n".join(lines))
    return 0


def _describe_index(manifest: dict[str, Any]) -> str:
    counts = manifest.get("counts", {})
    embedder = manifest.get("embedder", {})
    return (
        f"index {manifest.get('build')}: {counts.get('documents')} document(s), {counts.get('chunks')} chunks, "
        f"embedder {embedder.get('id')} (dim {embedder.get('dim')})"
    )


def _emit(as_json: bool, data: Any, text: str) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2) if as_json else text)


if __name__ == "__main__":
    raise SystemExit(main())
