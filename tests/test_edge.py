"""Issue 21's probe, case by case: bombs, links out of a synced folder, chunked bodies, foreign Hosts and
Origins, failing requests, the bundled letter, stale sources, closed pipes and damaged manifests."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import bombs
import pytest

from qa import QA, InputError, web
from qa.cli import main
from qa.formats import LIMITS
from qa.loading import load_file
from qa.page import ChatPage

ROOT = Path(__file__).resolve().parent.parent
GYM = "一、体育馆\n体育馆的游泳池长五十米，共有十条泳道。\n"
LIBRARY = "学校的图书馆有十万册藏书，每天开放十二个小时。\n"


# --- files that expand -----------------------------------------------------------------------------------


def test_a_docx_whose_xml_inflates_past_the_cap_is_refused_at_once(tmp_path: Path) -> None:
    bomb = bombs.docx_huge_text(tmp_path / "bomb.docx", LIMITS.docx_xml_bytes + 2**20)
    assert bomb.stat().st_size < LIMITS.docx_xml_bytes // 100
    began = time.monotonic()
    with pytest.raises(InputError, match=r"bomb\.docx expands to over 32 MB of XML.*zip bomb"):
        load_file(bomb, "bomb.docx")
    assert time.monotonic() - began < 5


def test_a_docx_of_millions_of_tiny_paragraphs_is_refused(tmp_path: Path) -> None:
    bomb = bombs.docx_tiny_paragraphs(tmp_path / "tiny.docx", 6 * (LIMITS.docx_elements + 10))
    with pytest.raises(InputError, match=r"tiny\.docx holds over 400,000 XML elements"):
        load_file(bomb, "tiny.docx")


def test_a_long_normal_docx_is_read(tmp_path: Path) -> None:
    document = load_file(bombs.docx_paragraphs(tmp_path / "long.docx", 5000), "long.docx")
    assert document.text.count("郑州市中职学校") == 5000


def test_pictures_in_a_docx_are_not_inflated(tmp_path: Path) -> None:
    """A part that is not XML (a picture, an embedded file) is never read, however large it inflates."""
    path = bombs.docx_paragraphs(tmp_path / "picture.docx", 3)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("word/media/big.png", "w") as out:
        for _ in range(256):
            out.write(bytes(2**20))  # 256 MB of zeros, 250 KB compressed
    began = time.monotonic()
    assert load_file(path, "picture.docx").text.count("郑州市中职学校") == 3
    assert time.monotonic() - began < 2


def test_a_zip_of_too_many_parts_is_refused_before_it_is_listed(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(LIMITS.docx_parts + 1):
            archive.writestr(f"p{n}.xml", b"")
    (tmp_path / "parts.docx").write_bytes(buffer.getvalue())
    with pytest.raises(InputError, match=r"parts\.docx holds 2001 parts, over the 2000"):
        load_file(tmp_path / "parts.docx", "parts.docx")


def test_a_pdf_whose_content_inflates_past_the_cap_is_refused_at_once(tmp_path: Path) -> None:
    bomb = bombs.pdf_with_content(tmp_path / "bomb.pdf", 200 * 2**20)
    began = time.monotonic()
    with pytest.raises(InputError, match=r"bomb\.pdf holds page content that inflates to over 4 MB"):
        load_file(bomb, "bomb.pdf")
    assert time.monotonic() - began < 5


# --- folders ---------------------------------------------------------------------------------------------


def test_sync_skips_links_that_leave_the_folder(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "gym.txt").write_text(GYM, encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("密码是一二三四五六。\n", encoding="utf-8")
    (folder / "secret.txt").symlink_to(secret)
    (folder / "inside.txt").symlink_to(folder / "gym.txt")  # a link that stays inside is followed
    with caplog.at_level(logging.WARNING, logger="qa"):
        bot = QA.from_path(folder, index_dir=tmp_path / "index", embed_model="none")
    assert sorted(bot.documents) == ["gym.txt", "inside.txt"]
    assert any("skipped secret.txt: it links to" in r.getMessage() for r in caplog.records)
    assert not bot.ask("密码是多少？").citations


# --- the web guard, in front of a stub app ----------------------------------------------------------------


async def _reading_app(scope: Any, receive: Any, send: Any) -> None:
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


async def _failing_app(scope: Any, receive: Any, send: Any) -> None:
    raise RuntimeError("boom")


def _call(
    app: Any, chunks: list[bytes], path: str = "/gradio_api/call/chat", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes, bool]:
    """(status, headers, body, whether the app ran) for a POST sent as `chunks` without Content-Length."""
    ran = False

    async def app_seen(scope: Any, receive: Any, send: Any) -> None:
        nonlocal ran
        ran = True
        await app(scope, receive, send)

    guard = web.Guard(app_seen, hosts=["localhost"], uploads=web.UploadBudget(1000, set()))
    sent: list[Any] = []
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        await asyncio.sleep(3600)  # a finished client sends nothing more: reading on would hang
        raise AssertionError("read past the end of the body")

    async def record(message: Any) -> None:
        sent.append(message)

    listed = {"host": "localhost:7860", "transfer-encoding": "chunked", **(headers or {})}
    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "headers": [(k.encode(), v.encode()) for k, v in listed.items()],
    }
    asyncio.run(asyncio.wait_for(guard(scope, receive, record), 5))
    start = sent[0]
    got = {bytes(k).decode(): bytes(v).decode() for k, v in start["headers"]}
    return int(start["status"]), got, b"".join(m.get("body", b"") for m in sent[1:]), ran


def test_a_chunked_body_over_the_cap_in_one_chunk_gets_413_at_once() -> None:
    status, headers, body, ran = _call(_reading_app, [b"x" * 70_000])
    assert status == 413 and b"64 KB" in body and not ran
    assert headers["x-content-type-options"] == "nosniff"


def test_a_chunked_body_under_the_cap_reaches_the_app() -> None:
    assert _call(_reading_app, [b"x" * 30_000, b"y" * 30_000])[::3] == (200, True)


def test_a_chunked_upload_over_the_budget_never_reaches_the_app() -> None:
    status, _, body, ran = _call(_reading_app, [b"x" * 600, b"y" * 600], path=web.UPLOAD_PATH)
    assert status == 413 and b"uploads are capped" in body and not ran


def test_a_foreign_origin_is_refused_and_the_page_origin_is_not() -> None:
    status, headers, body, ran = _call(_reading_app, [b"{}"], headers={"origin": "http://evil.example"})
    assert status == 403 and not ran and b"evil.example" in body and headers["x-frame-options"] == "DENY"
    assert _call(_reading_app, [b"{}"], headers={"origin": "http://localhost:7860"})[0] == 200
    assert _call(_reading_app, [b"{}"], headers={"origin": "null"})[0] == 403


def test_a_failing_app_gets_one_500_line_with_the_headers(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="qa"):
        status, headers, body, _ = _call(_failing_app, [b"{}"])
    assert status == 500 and json.loads(body)["detail"].startswith("the server failed")
    assert "content-security-policy" in headers
    [record] = [r for r in caplog.records if "boom" in r.getMessage()]
    assert record.exc_info is None  # one line, no traceback


# --- the command line and the collections ----------------------------------------------------------------


def test_the_bundled_letter_cannot_be_dropped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    QA.from_path(index_dir=tmp_path, embed_model="none")
    assert main(["drop", "letter", "--index-dir", str(tmp_path)]) == 2
    assert "holds the bundled letter and cannot be dropped" in capsys.readouterr().err
    assert (tmp_path / "letter" / "manifest.json").is_file()


def test_a_source_changed_on_disk_is_flagged_in_the_ask_json_and_on_the_page(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "gym.txt").write_text(GYM, encoding="utf-8")
    (folder / "library.txt").write_text(LIBRARY, encoding="utf-8")
    QA.create("sports", [folder], index_dir=tmp_path / "index", embed_model="none")
    page = ChatPage(QA.from_path(collection="sports", index_dir=tmp_path / "index", embed_model="none"))
    assert page.ask("游泳池有几条泳道？")["stale"] == []
    (folder / "gym.txt").write_text(GYM.replace("十条", "八条"), encoding="utf-8")
    assert page.ask("游泳池有几条泳道？")["stale"] == ["gym.txt"]
    _, messages, *_ = page.respond("游泳池有几条泳道？", [], None)
    assert "gym.txt 在磁盘上已有改动" in messages[-1]["content"]


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "qa.cli", "retrieve", "学校", "-k", "50", "--index-dir", str(tmp_path)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like `| head -0`: nothing will read what it prints
    error = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141
    assert "Traceback" not in error and "BrokenPipe" not in error


def test_a_damaged_manifest_says_so_and_qa_add_rebuilds_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = tmp_path / "index"
    gym, library = tmp_path / "gym.txt", tmp_path / "library.txt"
    gym.write_text(GYM, encoding="utf-8")
    library.write_text(LIBRARY, encoding="utf-8")
    options = ["--collection", "mine", "--index-dir", str(index), "--embed-model", "none"]
    assert main(["add", str(gym), *options]) == 0
    (index / "mine" / "manifest.json").write_text("{damaged", encoding="utf-8")
    capsys.readouterr()
    assert main(["ask", "游泳池有几条泳道？", *options]) == 2
    error = capsys.readouterr().err
    assert "its manifest, the list of its files, is unreadable" in error and "source files" not in error
    assert main(["add", str(gym), str(library), *options]) == 0
    assert main(["ask", "游泳池有几条泳道？", *options]) == 0
    assert "十条泳道" in capsys.readouterr().out


def test_a_damaged_manifest_is_rebuilt_by_sync_and_from_kept_copies(tmp_path: Path) -> None:
    index = tmp_path / "index"
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "gym.txt").write_text(GYM, encoding="utf-8")
    QA.from_path(folder, collection="mirror", index_dir=index, embed_model="none")
    (index / "mirror" / "manifest.json").write_text("[", encoding="utf-8")
    assert main(["sync", str(folder), "--collection", "mirror", "--index-dir", str(index)]) == 0
    uploads = tmp_path / "upload" / "gym.txt"
    uploads.parent.mkdir()
    uploads.write_text(GYM, encoding="utf-8")
    QA.create("uploaded", [uploads], keep_copies=True, index_dir=index, embed_model="none")
    uploads.unlink()  # an upload's temp file is gone; the collection keeps its own copy
    (index / "uploaded" / "manifest.json").write_text("[", encoding="utf-8")
    library = tmp_path / "library.txt"
    library.write_text(LIBRARY, encoding="utf-8")
    bot = QA.create("uploaded", [library], index_dir=index, embed_model="none")
    assert sorted(bot.documents) == ["gym.txt", "library.txt"]  # gym.txt from its kept copy


def test_a_bomb_uploaded_on_the_page_is_refused_in_chinese(tmp_path: Path) -> None:
    page = ChatPage(QA.from_path(index_dir=tmp_path / "index", embed_model="none"))
    stored = tmp_path / "gradio" / "report.docx"
    stored.parent.mkdir()
    bombs.docx_huge_text(stored, LIMITS.docx_xml_bytes + 2**20)
    shelf = page.upload([str(stored)], None, "reports", [])
    assert "report.docx 无法读取，文集没有改动：解压后远超正常文件（可能是“压缩炸弹”）" in shelf.note
    assert "reports" not in {name for _, name in shelf.choices} and not stored.exists()
