"""The audit log: every change to a collection (and every failed login) as one JSON line, appended.

Each line says who (a page account, or `cli:` and the system user), when (UTC), what (the action and the
collection), the documents it named and the sha256 of each file that came in, and whether it succeeded.
The log is `audit.jsonl` in the index folder; `qa audit` prints it.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from qa.errors import InputError

AUDIT_FILE = "audit.jsonl"
Kind = Literal["upload", "add", "remove", "sync", "create", "drop", "login-failed", "refused"]


@dataclass(frozen=True)
class Event:
    """One audited event."""

    who: str
    action: Kind
    collection: str = ""
    documents: tuple[str, ...] = ()
    sha256: tuple[str, ...] = ()  # of each file that came in, in the order of `documents`
    ok: bool = True
    detail: str = ""
    when: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


class AuditLog:
    """Appends events to `path`, one JSON line each, in one write (so lines of concurrent writers never mix)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def record(self, event: Event) -> None:
        line = json.dumps(asdict(event), ensure_ascii=False) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)

    def events(self) -> Iterator[Event]:
        """The events in the order they were written; a line that does not parse is an error naming it."""
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    row["documents"] = tuple(row.get("documents", ()))
                    row["sha256"] = tuple(row.get("sha256", ()))
                    yield Event(**row)
                except (ValueError, TypeError) as exc:
                    raise InputError(
                        f"{self.path} line {number} is not an audit event ({exc}): fix or remove it"
                    ) from None


def file_hashes(paths: Sequence[Path]) -> tuple[str, ...]:
    """The sha256 of each file ('' for one that cannot be read)."""
    out = []
    for path in paths:
        try:
            with path.open("rb") as fh:
                out.append(hashlib.file_digest(fh, "sha256").hexdigest())
        except OSError:
            out.append("")
    return tuple(out)


def cli_user() -> str:
    """Who a command-line change is recorded as: `cli:` and the system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:?"
