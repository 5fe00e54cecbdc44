"""The `qa` command: ask, retrieve, index. Errors a person can fix print one line and exit 2."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, NoReturn

from qa.errors import InputError, QAError, notes_to_stderr

if TYPE_CHECKING:
    from pathlib import Path

    from qa import QA
    from qa.audit import Kind
    from qa.store import Change, CollectionInfo, DocumentEntry

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
    common.add_argument(
        "--store",
        help="where search runs: 'local' (default), 'milvus:PATH.db' (Milvus Lite) or http(s)://HOST:19530 (QA_STORE)",
    )
    common.add_argument("--json", action="store_true", help="print JSON instead of text")
    common.add_argument("-v", "--verbose", action="store_true", help="also print notes (e.g. the offline embedder)")
    named = _Parser(add_help=False)
    named.add_argument("--collection", help="the collection to use (default: `letter`, or one named after --path)")
    required = _Parser(add_help=False)
    required.add_argument("--collection", required=True, help="the collection to change")

    parser = _Parser(prog="qa", description="Ask questions about a Chinese document; answers cite exact spans.")
    from qa import __version__

    parser.add_argument("--version", action="version", version=f"qa {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    mirrored = "file or folder the collection mirrors (default: the bundled letter)"
    ask = sub.add_parser("ask", parents=[common, named], help="answer a question with cited spans")
    ask.add_argument("question")
    ask.add_argument("--path", help=mirrored)
    ask.add_argument("--history", action="append", default=[], help="an earlier question (repeat, oldest first)")

    retrieve = sub.add_parser("retrieve", parents=[common, named], help="show the best passages for a question")
    retrieve.add_argument("question")
    retrieve.add_argument("--path", help=mirrored)
    retrieve.add_argument("-k", type=_positive, default=5, help="how many passages (default 5)")

    index = sub.add_parser("index", parents=[common, named], help="build (or check) the collection of a path")
    index.add_argument("path", nargs="?", help=mirrored)

    add = sub.add_parser("add", parents=[common, required], help="add or update files (or folders of them)")
    add.add_argument("paths", nargs="+", metavar="PATH")
    remove = sub.add_parser("remove", parents=[common, required], help="remove documents by id")
    remove.add_argument("doc_ids", nargs="+", metavar="DOC_ID")
    sync = sub.add_parser("sync", parents=[common, named], help="make a collection mirror a folder")
    sync.add_argument("folder")
    sub.add_parser("collections", parents=[common], help="list the collections")
    drop = sub.add_parser("drop", parents=[common], help="delete a collection")
    drop.add_argument("name")

    users = sub.add_parser(
        "users", help="page accounts: add, list or remove (the page turns accounts on when any exist)"
    )
    users_sub = users.add_subparsers(dest="users_command", required=True, parser_class=_Parser)
    where = _Parser(add_help=False)
    where.add_argument("--index-dir", help="where the index lives (default: index/ in a checkout; QA_INDEX_DIR)")
    where.add_argument("--users", help="the users file (default: users.json in the index folder; QA_USERS)")
    user_add = users_sub.add_parser(
        "add", parents=[where], help="add an account (or change one); the password is read from a prompt or stdin"
    )
    user_add.add_argument("name")
    user_add.add_argument("--role", choices=["viewer", "editor", "admin"], required=True)
    user_add.add_argument(
        "--collections", default="", help="comma-separated collections the account may use (default: all)"
    )
    users_sub.add_parser("list", parents=[where], help="list the accounts")
    user_remove = users_sub.add_parser("remove", parents=[where], help="remove an account")
    user_remove.add_argument("name")
    audit = sub.add_parser("audit", help="print the audit log (changes, uploads, failed logins)")
    audit.add_argument("--index-dir", help="where the index lives (default: index/ in a checkout; QA_INDEX_DIR)")
    audit.add_argument("--last", type=_positive, help="only the last N events")
    audit.add_argument("--json", action="store_true", help="print JSON lines instead of text")

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
    # Warnings (a damaged collection rebuilt, a source changed on disk) are one `qa: note:` line each on stderr;
    # with -v, so are notes such as the offline embedder standing in for the default model.
    notes_to_stderr().setLevel(logging.INFO if getattr(args, "verbose", False) else logging.WARNING)
    try:
        code = _run(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at exit
        return code
    except QAError as exc:
        print(f"qa: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # `qa ask … | head -1`: the reader has what it wanted. Python would print a traceback flushing stdout
        # at exit, so stdout is pointed at /dev/null first (the recipe in the `signal` module's docs).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # what a shell reports for a process ended by SIGPIPE


def _run(args: argparse.Namespace) -> int:
    if args.command == "train":
        from qa.answering.training import run as run_training

        return run_training(args)
    if args.command == "eval":
        from qa.evaluation import run

        return run(args)
    if args.command == "users":
        return _users(args)
    if args.command == "audit":
        return _audit(args)
    from qa import QA

    options = {"index_dir": args.index_dir, "embed_model": args.embed_model, "store": args.store}
    bar = _ProgressBar()  # embedding a collection can take minutes: say how far it is
    if args.command == "collections":
        rows = QA.collections(index_dir=args.index_dir)
        _emit(args.json, [asdict(c) for c in rows], "\n".join(map(_describe_collection, rows)) or "(no collections)")
        return 0
    if args.command == "drop":
        from qa import store
        from qa.api import LETTER
        from qa.settings import Settings

        settings = Settings.load(index_dir=args.index_dir, store=args.store)
        if args.name == LETTER:
            raise InputError(f"collection {LETTER!r} holds the bundled letter and cannot be dropped")
        folder = settings.resolved_index_dir / store.check_name(args.name)
        store.drop(folder)
        _record(settings.resolved_index_dir, "drop", args.name)
        note = ""
        if settings.store != "local":
            from qa import milvus

            note = " and its Milvus collection" if milvus.drop(settings.store, folder, args.name) else ""
        _emit(args.json, {"dropped": args.name}, f"dropped collection {args.name}{note}")
        return 0
    if args.command in ("add", "remove"):
        with bar:
            return _change(args, options, bar)
    if args.command == "sync":
        with bar:
            bot = QA.from_path(args.folder, collection=args.collection, progress=bar, **options).prepare()
        entries = bot.manifest.documents
        _record(bot.settings.resolved_index_dir, "sync", bot.collection, entries)
        _emit(args.json, bot.manifest.to_dict(), _describe_index(bot))
        return 0
    with bar:
        progress = bar if args.command == "index" else None
        bot = QA.from_path(getattr(args, "path", None), collection=args.collection, progress=progress, **options)
        if args.command == "index":
            bot.prepare()  # every vector and the BM25 index are saved now, so no question waits for them
    state = bot.vector_state
    if state is not None and args.command != "index":
        logging.getLogger("qa").info(
            "collection %s: %d of %d vectors made, so BM25 answers alone; `qa index --collection %s` makes the rest",
            bot.collection,
            state.done,
            state.total,
            bot.collection,
        )
    if args.command == "index":
        _emit(args.json, bot.manifest.to_dict(), _describe_index(bot))
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
        if answer.certainty == "low":
            lines.append("（把握较低：文档可能没有直接回答这个问题，请核对引用的原文。）")
        if answer.citations:
            lines.append("")
        for i, c in enumerate(answer.citations, 1):
            page = f" p.{c.page}" if c.page is not None else ""
            lines.append(f"[{i}] {c.section} ({c.doc_id}{page} {c.start}-{c.end}): {c.text}")
        if answer.abstained and answer.passages:
            lines.append("")
            lines.extend(f"· {p.section}: {p.text[:120]}" for p in answer.passages[:3])
        _emit(args.json, answer.to_dict(), "\n".join(lines))
    return 0


def _change(args: argparse.Namespace, options: dict[str, Any], bar: _ProgressBar) -> int:
    """`qa add` and `qa remove`; the first `add` to a collection that does not exist creates it."""
    from qa import QA, store
    from qa.settings import Settings

    folder = Settings.load(**options).resolved_index_dir / store.check_name(args.collection)
    if args.command == "add" and not store.readable(folder):
        # No collection yet, or one whose manifest is damaged: `create` builds it anew from these files (and
        # the kept copies of earlier uploads, when there are any).
        bot = QA.create(args.collection, args.paths, progress=bar, **options)
        _record(bot.settings.resolved_index_dir, "create", bot.collection, bot.manifest.documents)
        _emit(args.json, bot.manifest.to_dict(), f"created collection {args.collection}\n" + _describe_index(bot))
        return 0
    bot = QA.from_path(collection=args.collection, progress=bar, **options)
    change = bot.add(args.paths) if args.command == "add" else bot.remove(args.doc_ids)
    if args.command == "add":
        came = set(change.added + change.updated)
        _record(
            bot.settings.resolved_index_dir,
            "add",
            bot.collection,
            [e for e in bot.manifest.documents if e.doc_id in came],
        )
    else:
        _record(bot.settings.resolved_index_dir, "remove", bot.collection, removed=change.removed)
    _emit(args.json, asdict(change), _describe_change(bot, change))
    return 0


def _record(
    index_dir: Path, action: Kind, collection: str, entries: Sequence[DocumentEntry] = (), removed: Sequence[str] = ()
) -> None:
    """One audit line for a change made from the command line."""
    from qa.audit import AUDIT_FILE, AuditLog, Event, cli_user

    documents = tuple(e.doc_id for e in entries) + tuple(removed)
    hashes = tuple(e.source_sha256 for e in entries)
    AuditLog(index_dir / AUDIT_FILE).record(Event(cli_user(), action, collection, documents, hashes))


def _users(args: argparse.Namespace) -> int:
    """`qa users add|list|remove`."""
    from qa.accounts import Accounts, users_path
    from qa.settings import Settings

    path = users_path(Settings.load(index_dir=args.index_dir).resolved_index_dir, args.users)
    accounts = Accounts.load(path)
    if args.users_command == "list":
        rows = [
            f"{a.name}\t{a.role}\t{','.join(a.collections) or '(all collections)'}" for a in accounts.accounts.values()
        ]
        print("\n".join(rows) if rows else f"(no accounts in {path}: the page runs without logins)")
        return 0
    if args.users_command == "remove":
        accounts.remove(args.name)
        print(f"removed {args.name} from {path}")
        return 0
    password = _read_password(args.name)
    collections = tuple(c.strip() for c in args.collections.split(",") if c.strip())
    account = accounts.add(args.name, password, args.role, collections)
    print(f"{account.name}: {account.role} in {path}")
    return 0


def _read_password(name: str) -> str:
    """From a prompt (asked twice) on a terminal, else the first line of stdin; never from argv."""
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass(f"password for {name}: ")
        if getpass.getpass("again: ") != first:
            raise InputError("the two passwords differ: run the command again")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _audit(args: argparse.Namespace) -> int:
    from qa.audit import AUDIT_FILE, AuditLog
    from qa.settings import Settings

    log = AuditLog(Settings.load(index_dir=args.index_dir).resolved_index_dir / AUDIT_FILE)
    events = list(log.events())
    if args.last:
        events = events[-args.last :]
    for e in events:
        if args.json:
            print(json.dumps(asdict(e), ensure_ascii=False))
            continue
        files = ", ".join(
            f"{d} sha256:{h[:16]}" if h else d
            for d, h in zip(e.documents, (*e.sha256, *[""] * len(e.documents)), strict=False)
        )
        status = "" if e.ok else " REFUSED"
        detail = f" ({e.detail})" if e.detail else ""
        print(f"{e.when} {e.who} {e.action}{status} {e.collection} {files}{detail}".rstrip())
    if not events:
        print(f"(no events in {log.path})")
    return 0


def _describe_index(bot: QA) -> str:
    m = bot.manifest
    state = bot.vector_state
    pending = (
        f"; vectors {state.done:,}/{state.total:,} made (BM25 answers until all are: `qa index --collection "
        f"{m.collection}` finishes them)"
        if state is not None
        else ""
    )
    return (
        f"collection {m.collection} ({m.build}): {len(m.documents)} document(s), {m.chunks} chunks, "
        f"embedder {m.embedder.id} (dim {m.embedder.dim}){pending}"
    )


class _ProgressBar:
    """A tqdm bar on stderr while chunks are embedded (shown only on a terminal), closed when the command ends."""

    def __init__(self) -> None:
        self._bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="chunk", desc="embedding", disable=None, leave=False)
        self._bar.total = total
        self._bar.n = done
        self._bar.refresh()

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *_: object) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _describe_change(bot: QA, change: Change) -> str:
    parts = [
        f"{label} {len(ids)}"
        for label, ids in (
            ("added", change.added),
            ("updated", change.updated),
            ("removed", change.removed),
            ("unchanged", change.unchanged),
        )
        if ids
    ]
    note = f"; rebuilt all because {change.rebuilt}" if change.rebuilt else ""
    return (
        f"{', '.join(parts) or 'nothing changed'} ({change.embedded_chunks} chunks embedded){note}\n"
        + _describe_index(bot)
    )


def _describe_collection(info: CollectionInfo) -> str:
    if info.problem:
        return f"{info.name}: damaged ({info.problem})"
    mirror = f", mirrors {info.mirror}" if info.mirror else ""
    unsure = f"; low OCR confidence (check against the scan): {', '.join(info.unsure)}" if info.unsure else ""
    pending = ", vectors still being made (BM25 answers)" if info.pending else ""
    return (
        f"{info.name}: {info.documents} document(s), {info.chunks} chunks, embedder {info.embedder}"
        f"{pending}{mirror}{unsure}"
    )


def _emit(as_json: bool, data: Any, text: str) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2) if as_json else text)


if __name__ == "__main__":
    raise SystemExit(main())
