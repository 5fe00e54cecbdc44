"""Accounts and roles for the served page: a users file of argon2 password hashes, and who may do what.

Roles: a viewer asks; an editor also uploads and removes documents; an admin also creates collections. An
account may be limited to some collections (none listed: all). The file is JSON, written atomically and
readable by its owner only; it lives in the index folder (`users.json`) unless `--users FILE` or `QA_USERS`
names another. Passwords never pass through argv: `qa users add` reads them from a prompt or stdin.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

from qa.errors import InputError

if TYPE_CHECKING:
    from argon2 import PasswordHasher

Role = Literal["viewer", "editor", "admin"]
Action = Literal["ask", "change", "create"]
ROLES: tuple[Role, ...] = get_args(Role)
USERS_FILE = "users.json"
MIN_PASSWORD = 8
_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
# What each role may do, as data: `change` is uploading to and removing from a collection, `create` is
# making a new one.
MAY: dict[Role, frozenset[Action]] = {
    "viewer": frozenset({"ask"}),
    "editor": frozenset({"ask", "change"}),
    "admin": frozenset({"ask", "change", "create"}),
}


@dataclass(frozen=True)
class Account:
    """One user: name, role, the collections they may use (empty: all) and their password's argon2 hash."""

    name: str
    role: Role
    hash: str = field(repr=False)
    collections: tuple[str, ...] = ()

    def may(self, action: Action, collection: str | None = None) -> bool:
        """Whether this account may do `action` (on `collection`, when one is named)."""
        if action not in MAY[self.role]:
            return False
        return collection is None or not self.collections or collection in self.collections


def users_path(index_dir: Path, given: str | Path | None = None) -> Path:
    """The users file: `given` (`--users`), else `QA_USERS`, else `users.json` in the index folder."""
    chosen = given or os.environ.get("QA_USERS")
    return Path(chosen).expanduser() if chosen else index_dir / USERS_FILE


class Accounts:
    """The accounts of one users file; `verify` checks a password, `add`/`remove` rewrite the file."""

    def __init__(self, path: Path, accounts: dict[str, Account], hasher: PasswordHasher | None = None) -> None:
        self.path = path
        self.accounts = accounts
        self._hasher = hasher

    @classmethod
    def load(cls, path: Path, hasher: PasswordHasher | None = None) -> Accounts:
        """The accounts in `path` (none when it does not exist); a damaged file is one error line."""
        if not path.exists():
            return cls(path, {}, hasher)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            accounts = {}
            for row in data["users"]:
                role = row["role"]
                if role not in ROLES or not isinstance(row["hash"], str) or not _NAME.match(row["name"]):
                    raise ValueError(f"bad entry for {row.get('name')!r}")
                collections = tuple(str(c) for c in row.get("collections", ()))
                accounts[row["name"]] = Account(row["name"], role, row["hash"], collections)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(
                f"the users file {path} cannot be read ({type(exc).__name__}: {exc}): fix it, or move it away and "
                "add the accounts again with `qa users add`"
            ) from None
        return cls(path, accounts, hasher)

    @property
    def on(self) -> bool:
        """Accounts are on once the file holds one."""
        return bool(self.accounts)

    @property
    def hasher(self) -> PasswordHasher:
        if self._hasher is None:
            from argon2 import PasswordHasher

            self._hasher = PasswordHasher()
        return self._hasher

    def get(self, name: str | None) -> Account | None:
        return self.accounts.get(name) if name else None

    def verify(self, name: str, password: str) -> Account | None:
        """The account when `password` is its password, else None (an unknown name costs the same time)."""
        from argon2.exceptions import InvalidHashError, VerificationError

        account = self.accounts.get(name)
        try:
            self.hasher.verify(account.hash if account else _dummy(self.hasher), password)
        except (VerificationError, InvalidHashError):
            return None
        return account

    def add(self, name: str, password: str, role: Role, collections: tuple[str, ...] = ()) -> Account:
        """Add an account, or replace one of the same name (a new password or role), and save the file."""
        if not _NAME.match(name):
            raise InputError(f"user name {name!r} is not allowed: use 1-64 letters, digits, '.', '_', '-' or '@'")
        if role not in ROLES:
            raise InputError(f"role {role!r} is unknown: use one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD:
            raise InputError(f"the password has {len(password)} characters: use at least {MIN_PASSWORD}")
        account = Account(name, role, self.hasher.hash(password), collections)
        self.accounts[name] = account
        self.save()
        return account

    def remove(self, name: str) -> None:
        if name not in self.accounts:
            known = ", ".join(sorted(self.accounts)) or "none"
            raise InputError(f"there is no user {name!r} in {self.path} (known: {known})")
        del self.accounts[name]
        self.save()

    def save(self) -> None:
        """Write the file atomically, readable and writable by its owner only."""
        rows = [{**asdict(a), "collections": list(a.collections)} for a in self.accounts.values()]
        text = json.dumps({"version": 1, "users": rows}, ensure_ascii=False, indent=2) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".users-", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise


_DUMMY: dict[int, str] = {}


def _dummy(hasher: PasswordHasher) -> str:
    """A hash to verify against for an unknown name, so a wrong name and a wrong password take as long."""
    return _DUMMY.setdefault(id(hasher), hasher.hash("not a password of anyone"))
