"""Accounts, roles and the audit log: the users file, `qa users`, `qa audit`, the page's checks, a served login."""

from __future__ import annotations

import io
import json
import stat
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from local_app import running_app

from qa import QA, InputError
from qa.accounts import Accounts
from qa.audit import AUDIT_FILE, AuditLog
from qa.cli import main
from qa.page import ChatPage

ROOT = Path(__file__).resolve().parent.parent
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # the real cost is for real passwords
GYM = "一、体育馆\n体育馆的游泳池长五十米，共有十条泳道。\n"
POOL = "学校的图书馆有十万册藏书。\n"


@pytest.fixture
def accounts(tmp_path: Path) -> Accounts:
    people = Accounts.load(tmp_path / "index" / "users.json", CHEAP)
    people.add("vera", "viewer-pass", "viewer")
    people.add("sam", "viewer-pass", "viewer", ("sports",))
    people.add("ed", "editor-pass", "editor")
    people.add("ada", "admin-pass1", "admin")
    return people


def test_the_users_file_holds_argon2_hashes_for_its_owner_only(accounts: Accounts) -> None:
    text = accounts.path.read_text(encoding="utf-8")
    assert "viewer-pass" not in text and text.count("$argon2id$") == 4
    assert stat.S_IMODE(accounts.path.stat().st_mode) == 0o600
    again = Accounts.load(accounts.path, CHEAP)
    assert again.verify("ed", "editor-pass") is not None and again.get("ed").role == "editor"  # type: ignore[union-attr]
    assert again.verify("ed", "viewer-pass") is None and again.verify("nobody", "editor-pass") is None
    assert again.get("sam").collections == ("sports",)  # type: ignore[union-attr]
    with pytest.raises(InputError, match="at least 8"):
        again.add("tim", "short", "viewer")
    with pytest.raises(InputError, match="role 'owner' is unknown"):
        again.add("tim", "long-enough", "owner")  # type: ignore[arg-type]
    again.remove("vera")
    assert sorted(Accounts.load(accounts.path).accounts) == ["ada", "ed", "sam"]


def test_a_damaged_users_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "users.json").write_text('{"users": [{"name": "x"}]}', encoding="utf-8")
    with pytest.raises(InputError, match=r"users file .* cannot be read \(KeyError"):
        Accounts.load(tmp_path / "users.json")


def test_qa_users_reads_the_password_from_stdin_never_argv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    users = tmp_path / "people.json"
    monkeypatch.setenv("QA_USERS", str(users))
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert main(["users", "add", "ed", "--role", "editor", "--collections", "sports,pool"]) == 0
    assert Accounts.load(users).verify("ed", "a long password") is not None
    assert main(["users", "list"]) == 0
    assert "ed\teditor\tsports,pool" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["users", "add", "ed", "--role", "editor", "--password", "x"])  # there is no such option
    assert main(["users", "remove", "ed"]) == 0 and not Accounts.load(users).on
    assert main(["users", "remove", "ed"]) == 2
    assert "there is no user 'ed'" in capsys.readouterr().err


@pytest.fixture
def page(tmp_path: Path, accounts: Accounts) -> ChatPage:
    index = tmp_path / "index"
    folder = tmp_path / "sports"
    folder.mkdir()
    (folder / "gym.txt").write_text(GYM, encoding="utf-8")
    QA.create("sports", [folder], index_dir=index, embed_model="none")
    bot = QA.from_path(index_dir=index, embed_model="none")
    return ChatPage(bot, accounts, AuditLog(index / AUDIT_FILE))


def _upload(tmp_path: Path, name: str, text: str) -> str:
    stored = tmp_path / "gradio" / name / name
    stored.parent.mkdir(parents=True)
    stored.write_text(text, encoding="utf-8")
    return str(stored)


def test_viewers_ask_and_cannot_change(page: ChatPage, tmp_path: Path) -> None:
    assert "十条泳道" in page.ask("游泳池有几条泳道？", [], "sports", user="vera")["text"]
    shelf = page.upload([_upload(tmp_path, "pool.txt", POOL)], "sports", "", [], user="vera")
    assert "账号 vera（只读）不能上传或删除文档" in shelf.note
    shelf = page.remove("gym.txt", "sports", [], user="vera")
    assert "不能上传或删除文档" in shelf.note
    assert sorted(page.library.bot("sports").documents) == ["gym.txt"]
    with pytest.raises(InputError, match="请先登录"):
        page.ask("游泳池有几条泳道？", [], "sports", user=None)


def test_collections_can_be_limited_to_some_users(page: ChatPage) -> None:
    assert [name for _, name in page.choices("sam")] == ["sports"]
    assert {"letter", "sports"} <= {name for _, name in page.choices("vera")}
    with pytest.raises(InputError, match="不能使用文集 letter"):
        page.ask("这封信是写给谁的？", [], None, user="sam")
    assert "不能使用文集 letter" in page.respond("这封信是写给谁的？", [], None, "sam")[1][-1]["content"]
    assert "不能使用文集 letter" in page.switch("letter", "sam").note


def test_a_tab_opens_on_a_collection_its_user_may_read(page: ChatPage) -> None:
    assert page.opening("vera").collection == "letter"
    opened = page.opening("sam")  # limited to sports: never shown the default collection
    assert opened.collection == "sports" and "王素梅" not in opened.letter + opened.documents
    assert "请先登录" in page.opening(None).note and page.opening(None).letter == ""


def test_editors_upload_and_remove_admins_also_create_and_all_is_audited(
    page: ChatPage, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shelf = page.upload([_upload(tmp_path, "pool.txt", POOL)], "sports", "", [], user="ed")
    assert "已加入文集 sports" in shelf.note
    assert "已从文集 sports 删除 gym.txt" in page.remove("gym.txt", "sports", [], user="ed").note
    shelf = page.upload([_upload(tmp_path / "2", "gym.txt", GYM)], "sports", "new-one", [], user="ed")
    assert "不能新建文集" in shelf.note and "new-one" not in {n for _, n in shelf.choices}
    assert (
        "已新建文集 new-one" in page.upload([_upload(tmp_path / "3", "gym.txt", GYM)], None, "new-one", [], "ada").note
    )
    index = tmp_path / "index"
    events = list(AuditLog(index / AUDIT_FILE).events())
    assert [(e.who, e.action, e.collection, e.ok) for e in events] == [
        ("ed", "upload", "sports", True),
        ("ed", "remove", "sports", True),
        ("ed", "upload", "new-one", False),
        ("ada", "create", "new-one", True),
    ]
    import hashlib

    assert events[0].documents == ("pool.txt",) and events[0].sha256 == (hashlib.sha256(POOL.encode()).hexdigest(),)
    assert main(["audit", "--index-dir", str(index)]) == 0
    shown = capsys.readouterr().out
    assert f"ed upload sports pool.txt sha256:{events[0].sha256[0][:16]}" in shown and "REFUSED new-one" in shown


def test_cli_changes_are_audited(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "gym.txt").write_text(GYM, encoding="utf-8")
    (tmp_path / "pool.txt").write_text(POOL, encoding="utf-8")
    options = ["--collection", "town", "--index-dir", str(tmp_path / "index"), "--embed-model", "none"]
    assert main(["add", str(tmp_path / "gym.txt"), *options]) == 0
    assert main(["add", str(tmp_path / "pool.txt"), *options]) == 0
    assert main(["remove", "gym.txt", *options]) == 0
    assert main(["drop", "town", "--index-dir", str(tmp_path / "index")]) == 0
    capsys.readouterr()
    assert main(["audit", "--index-dir", str(tmp_path / "index"), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["action"], r["documents"]) for r in rows] == [
        ("create", ["gym.txt"]),
        ("add", ["pool.txt"]),
        ("remove", ["gym.txt"]),
        ("drop", []),
    ]
    assert all(r["who"].startswith("cli:") for r in rows) and len(rows[1]["sha256"][0]) == 64


def test_the_network_is_refused_without_accounts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("qa_app_accounts", ROOT / "app.py")
    assert spec is not None and spec.loader is not None
    app = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(app)
    code = app.main(["--host", "0.0.0.0", "--index-dir", str(tmp_path), "--embed-model", "none"])
    assert code == 2 and "there are no accounts" in capsys.readouterr().err


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    index = tmp_path_factory.mktemp("served-index")
    people = Accounts.load(index / "users.json", CHEAP)
    people.add("vera", "viewer-pass", "viewer")
    with running_app("--embed-model", "none", index_dir=index, log=index.parent / "served.log") as url:
        yield url, index


def _status(url: str, body: bytes | None = None) -> int:
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_anonymous_requests_are_refused_when_accounts_are_on(served: tuple[str, Path]) -> None:
    url, _ = served
    assert _status(url + "/config") == 401
    assert _status(url + "/gradio_api/call/ask", json.dumps({"data": ["这封信是写给谁的？", []]}).encode()) == 401
    with urllib.request.urlopen(url + "/", timeout=10) as response:
        page = response.read().decode()
    assert "王素梅" not in page and "答复函" not in page  # the login page, not the letter


def test_gradio_client_logs_in_with_the_same_accounts(served: tuple[str, Path]) -> None:
    from gradio_client import Client

    url, index = served
    answer: Any = Client(url + "/", auth=("vera", "viewer-pass"), verbose=False).predict(
        "这封信是写给谁的？", [], api_name="/ask"
    )
    assert "王素梅" in answer["text"] and answer["stale"] == []
    with pytest.raises(ValueError, match="Could not login"):
        Client(url + "/", auth=("vera", "wrong-pass"), verbose=False)
    failed = [e for e in AuditLog(index / AUDIT_FILE).events() if e.action == "login-failed"]
    assert [e.who for e in failed] == ["vera"]
