"""The chat page's handlers, in-process; then the served app through gradio_client and plain HTTP."""

from __future__ import annotations

import asyncio
import http.client
import importlib.util
import json
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from local_app import free_port

from qa import QA, Answer, web
from qa.errors import InputError
from qa.settings import BUNDLED_LETTER

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "郑州市有多少所中职学校通过标准化验收？"


def load_app() -> ModuleType:
    """`app.py` lives at the repo root, outside the package: import it by path."""
    spec = importlib.util.spec_from_file_location("qa_app", ROOT / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


app = load_app()


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("index")


@pytest.fixture(scope="module")
def bot(index_dir: Path) -> QA:
    return QA.from_path(index_dir=index_dir, embed_model="wordllama")


@pytest.fixture
def page(bot: QA) -> Any:
    return app.ChatPage(bot)


def test_answer_shows_markers_letter_marks_and_passages(page: Any) -> None:
    box, messages, letter, passages, answers = page.respond(QUESTION, [])
    assert box == ""
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert '<a class="qa-cite" href="#cite-0-1">[1]</a>' in messages[1]["content"]
    assert "41所中职学校" in messages[1]["content"]
    cited = answers[0].citations[0]
    assert 'id="cite-0-1"' in letter and 'data-cite="cite-0-1"' in letter
    assert cited.section.split(" › ")[-1] in messages[1]["content"]
    assert "qa-passages" in passages and "融合分" in passages


def test_follow_up_passes_earlier_questions(page: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    ask = page.bot.ask

    def spy(question: str, history: Any = ()) -> Answer:
        seen.append(list(history))
        return ask(question, history=history)

    monkeypatch.setattr(page.bot, "ask", spy)
    *_, answers = page.respond("2024年全市中等职业学校共开设多少个专业？", [])
    *_, answers = page.respond("那技工院校呢？", answers)
    assert seen == [[], ["2024年全市中等职业学校共开设多少个专业？"]]
    assert "技工院校" in answers[-1].text and not answers[-1].abstained


def test_over_long_question_is_refused_before_asking(page: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page.bot, "ask", lambda *a, **k: pytest.fail("ask must not see an over-long question"))
    limit = page.bot.settings.max_question_chars
    _, messages, _, _, answers = page.respond("问" * (limit + 100), [])
    assert f"问题太长（{limit + 100} 字）" in messages[1]["content"]
    assert len(answers[0].question) == limit + 1  # shown truncated, with an ellipsis
    with pytest.raises(InputError, match=f"question is {limit + 1} characters, over the {limit} limit"):
        page.chat("x" * (limit + 1))


def test_refused_questions_are_not_follow_up_context(page: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    *_, answers = page.respond("", [])
    assert answers[0].abstained and "请输入" in answers[0].text
    seen: list[list[str]] = []

    def spy(question: str, history: Any = ()) -> Answer:
        seen.append(list(history))
        return answers[0]

    monkeypatch.setattr(page.bot, "ask", spy)
    page.respond(QUESTION, answers)
    assert seen == [[]]


@pytest.mark.parametrize("message", [None, 42, "What is this letter about?", "<script>alert(1)</script>"])
def test_odd_and_english_questions_get_a_reply(page: Any, message: object) -> None:
    _, messages, letter, _, answers = page.respond(message, [])
    assert len(answers) == 1 and answers[0].text
    assert "<script>" not in messages[0]["content"] and "<script>" not in messages[1]["content"]
    assert "qa-letter-scroll" in letter


def test_library_errors_become_one_friendly_line(page: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Answer:
        raise InputError("no document 'x' in this index")

    monkeypatch.setattr(page.bot, "ask", broken)
    _, messages, *_ = page.respond(QUESTION, [])
    assert "无法回答：no document" in messages[1]["content"]
    assert "Traceback" not in messages[1]["content"]


def test_clear_resets_everything(page: Any) -> None:
    box, messages, letter, passages, state = page.clear()
    assert (box, messages, state) == ("", [], [])
    assert "<mark" not in letter and "还没有" in passages


def test_chat_api_returns_the_answer_text_with_markers(page: Any) -> None:
    assert page.chat(QUESTION) == "郑州市共有41所中职学校通过河南省教育厅标准化建设工程验收[1]。"
    follow = page.chat("那技工院校呢？", ["2024年全市中等职业学校共开设多少个专业？"])
    assert "技工院校" in follow and "[1]" in follow


def test_ask_api_returns_the_answer_with_citations_as_offsets(page: Any) -> None:
    answer = page.ask(QUESTION)
    assert set(answer) >= {"text", "abstained", "confidence", "citations", "passages"}
    assert not answer["abstained"] and "[1]" in answer["text"]
    [cited] = answer["citations"]
    assert set(cited) == {"doc_id", "start", "end", "text", "section", "page", "boxes"}
    assert not cited["boxes"]  # a text document: no page boxes (a scan's are in tests/test_ocr.py)
    assert page.bot.document_text(cited["doc_id"])[cited["start"] : cited["end"]] == cited["text"]
    assert "41所中职学校" in cited["text"] and answer["passages"]
    assert page.ask(" ")["text"] == "请输入一个问题。"  # a blank question is the library's to answer


LIMIT = 500  # Settings.max_question_chars, the default the `bot` fixture runs with


@pytest.mark.parametrize(
    ("question", "history", "error"),
    [
        (42, None, "question must be a string, got int"),
        (None, None, "question must be a string, got null"),
        (["问"], None, "question must be a string, got list"),
        ("问" * (LIMIT + 1), None, f"question is {LIMIT + 1} characters, over the {LIMIT} limit"),
        (QUESTION, "那技工院校呢？", "history must be a list of strings .* got str"),
        (QUESTION, {"0": "问"}, "history must be a list of strings .* got dict"),
        (QUESTION, ["问", 1], "history must be a list of strings .* got a list holding int"),
        (QUESTION, [None], "history must be a list of strings .* got a list holding null"),
        (QUESTION, ["问"] * 21, "history has 21 questions, over the 20 limit"),
        (QUESTION, ["问", "问" * (LIMIT + 1)], f"history\\[1\\] is {LIMIT + 1} characters, over the {LIMIT} limit"),
    ],
)
def test_api_inputs_are_checked_with_one_line(page: Any, question: object, history: object, error: str) -> None:
    assert page.bot.settings.max_question_chars == LIMIT
    for call in (page.chat, page.ask):
        with pytest.raises(InputError, match=error):
            call(question, history)


def test_hostile_letter_stays_text_in_chat_and_panel(tmp_path: Path, index_dir: Path) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text(
        "尊敬的委员:\n一、标签\n信中有<script>alert(1)</script>和<img src=x onerror=alert(1)>两个标签。\n"
        "二、图片\n信中有![x](http://127.0.0.1:9/x.png)这张图片。\n",
        encoding="utf-8",
    )
    page = app.ChatPage(QA.from_path(letter, index_dir=tmp_path / "index", embed_model="none"))
    _, messages, panel, passages, _ = page.respond("信中有哪两个标签？", [])
    for html in (messages[1]["content"], panel, passages):
        assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in panel
    assert "![x](http://127.0.0.1:9/x.png)" in panel  # shown as text; markdown is never rendered


def test_folder_shows_the_document_of_the_latest_citation(tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / "a.txt").write_text("一、学校\n全市共有41所中职学校通过验收。\n", encoding="utf-8")
    (folder / "b.txt").write_text("一、医院\n全市共有12家医院完成改造。\n", encoding="utf-8")
    page = app.ChatPage(QA.from_path(folder, index_dir=tmp_path / "index", embed_model="none"))
    assert "a.txt（共 2 篇" in page.letter([])
    *_, answers = page.respond("全市有多少家医院完成改造？", [])
    assert answers[-1].citations[0].doc_id == "b.txt"
    letter = page.letter(answers)
    assert "b.txt（共 2 篇" in letter and 'data-cite="cite-0-1">全市共有12家医院完成改造。' in letter


def test_examples_come_from_headings_for_other_documents(tmp_path: Path) -> None:
    letter = tmp_path / "other.txt"
    letter.write_text("一、第一部分\n正文一。\n二、第二部分\n正文二。\n", encoding="utf-8")
    page = app.ChatPage(QA.from_path(letter, index_dir=tmp_path / "index", embed_model="none"))
    # One document that is not a letter is 文中, as its answers say.
    assert page.examples(bundled=False) == ["关于“第一部分”，文中怎么说？", "关于“第二部分”，文中怎么说？"]
    assert page.examples(bundled=True) == list(app.LETTER_EXAMPLES)


def test_bad_path_is_one_line_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert app.main([str(tmp_path / "missing.txt"), "--index-dir", str(tmp_path / "index")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("app: error: ") and "does not exist" in err[0]


@pytest.fixture(scope="module")
def served(bot: QA) -> Iterator[tuple[str, Any]]:
    """The page served in-process with the same launch settings as `python app.py`."""
    page = app.ChatPage(bot)
    demo = app.build(page, page.examples(bundled=True))
    app.launch(demo, "127.0.0.1", free_port(), block=False)
    try:
        yield demo.local_url.rstrip("/"), demo
    finally:
        demo.close()


def test_gradio_client_chat_contract(served: tuple[str, Any]) -> None:
    from gradio_client import Client

    client = Client(served[0], verbose=False)
    assert "[1]" in client.predict(QUESTION, api_name="/chat")
    follow = client.predict("那技工院校呢？", ["2024年全市中等职业学校共开设多少个专业？"], api_name="/chat")
    assert "技工院校" in follow
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert list(endpoints) == ["/chat", "/ask"]  # the page's own handlers are private


def test_gradio_client_ask_returns_citations_that_slice_the_document(served: tuple[str, Any], bot: QA) -> None:
    from gradio_client import Client

    answer = Client(served[0], verbose=False).predict(QUESTION, [], api_name="/ask")
    assert answer["text"] == "郑州市共有41所中职学校通过河南省教育厅标准化建设工程验收[1]。"
    assert answer["abstained"] is False and 0.0 <= answer["confidence"] <= 1.0
    for cited in answer["citations"]:
        assert bot.document_text(cited["doc_id"])[cited["start"] : cited["end"]] == cited["text"]
        assert cited["section"] and "page" in cited
    for passage in answer["passages"]:
        assert bot.document_text(passage["doc_id"])[passage["start"] : passage["end"]] == passage["text"]


def test_the_apis_take_a_collection_by_name(served: tuple[str, Any], index_dir: Path, tmp_path: Path) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    source = tmp_path / "pool.txt"
    source.write_text("游泳馆每天早上六点开门，晚上九点关门。", encoding="utf-8")
    QA.create("api-town", [source], index_dir=index_dir, embed_model="wordllama")
    client = Client(served[0], verbose=False)
    answer = client.predict("游泳馆几点开门？", [], "api-town", api_name="/ask")
    assert "六点" in answer["text"] and answer["citations"][0]["doc_id"] == "pool.txt"
    assert "六点" in client.predict("游泳馆几点开门？", [], "api-town", api_name="/chat")
    assert "41所" in client.predict(QUESTION, [], api_name="/chat")  # left out: the page's collection
    with pytest.raises(AppError, match="there is no collection 'nowhere'"):
        client.predict(QUESTION, [], "nowhere", api_name="/ask")


@pytest.mark.parametrize("history", ["那技工院校呢？", [1, 2], {"a": 1}, [None], ["问"] * 21])
@pytest.mark.parametrize("api_name", ["/chat", "/ask"])
def test_bad_history_over_the_api_is_one_error_not_a_traceback(
    served: tuple[str, Any], capfd: pytest.CaptureFixture[str], api_name: str, history: object
) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match=r"^history (must be a list of strings|has 21 questions)") as raised:
        Client(served[0], verbose=False).predict(QUESTION, history, api_name=api_name)
    assert "Traceback" not in str(raised.value)
    assert "Traceback" not in capfd.readouterr().err


def call_raw(url: str, api_name: str, data: list[Any]) -> str:
    """Gradio's two-step HTTP API without the client: POST the inputs, then read the event stream."""
    request = urllib.request.Request(
        f"{url}/gradio_api/call/{api_name}", json.dumps({"data": data}).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        event_id = json.loads(response.read())["event_id"]
    with urllib.request.urlopen(f"{url}/gradio_api/call/{api_name}/{event_id}", timeout=30) as response:
        return response.read().decode()


@pytest.mark.parametrize("api_name", ["chat", "ask"])
def test_one_argument_call_is_one_error_not_a_traceback(
    served: tuple[str, Any], capfd: pytest.CaptureFixture[str], api_name: str
) -> None:
    stream = call_raw(served[0], api_name, [QUESTION])
    event, data = stream.strip().splitlines()[:2]
    assert event == "event: error"
    error = json.loads(data.removeprefix("data: "))["error"]
    assert (
        error == f"/{api_name} takes 2 inputs (question, history) and an optional collection, got 1: "
        "send [question, []] when there is no history"
    )
    assert "Traceback" not in capfd.readouterr().err
    assert "event: complete" in call_raw(served[0], api_name, [QUESTION, []])


def send(
    url: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None, method: str | None = None
) -> tuple[int, Any]:
    """One request; the status and the response headers, whatever the status."""
    request = urllib.request.Request(url + path, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers


def test_megabyte_body_is_refused_with_413(served: tuple[str, Any]) -> None:
    url = served[0]
    body = json.dumps({"data": ["问" * 500_000, []]}).encode()
    assert len(body) > 2**20
    status, headers = send(url, "/gradio_api/call/chat", body, {"Content-Type": "application/json"})
    assert status == 413 and headers["X-Frame-Options"] == "DENY"
    small = json.dumps({"data": [QUESTION, []]}).encode()
    assert send(url, "/gradio_api/call/chat", small, {"Content-Type": "application/json"})[0] == 200


def test_body_without_length_is_cut_off_at_the_cap(served: tuple[str, Any]) -> None:
    host, port = served[0].removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    chunks = (b"x" * 10_000 for _ in range(100))  # 1 MB, chunked: no Content-Length to refuse up front
    connection.request(
        "POST", "/gradio_api/call/chat", chunks, {"Content-Type": "application/json"}, encode_chunked=True
    )
    response = connection.getresponse()
    assert response.status == 413 and b"64 KB" in response.read()
    connection.close()


def test_one_chunk_over_the_cap_and_a_chunked_upload_over_the_budget_get_413_at_once(
    served: tuple[str, Any],
) -> None:
    host, port = served[0].removeprefix("http://").split(":")
    cases = [
        ("/gradio_api/call/chat", [b"x" * 70_000], b"64 KB"),
        (web.UPLOAD_PATH, [b"--qa\r\n", *[b"x" * 2**16] * 300, b"--qa--\r\n"], b"uploads are capped"),
    ]
    temp = Path(served[1].GRADIO_CACHE)
    before = sum(1 for p in temp.rglob("*") if p.is_file()) if temp.is_dir() else 0
    for path, chunks, said in cases:
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        headers = {"Content-Type": "multipart/form-data; boundary=qa"}
        connection.request("POST", path, iter(chunks), headers, encode_chunked=True)
        response = connection.getresponse()
        assert response.status == 413 and said in response.read()
        connection.close()
    after = sum(1 for p in temp.rglob("*") if p.is_file()) if temp.is_dir() else 0
    assert after == before  # nothing written for the refused upload


@pytest.mark.parametrize("method", ["OPTIONS", "GET"])
def test_preflight_and_errors_pass_the_host_check_and_carry_the_headers(served: tuple[str, Any], method: str) -> None:
    headers = {"Host": "evil.example", "Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}
    status, got = send(served[0], "/gradio_api/upload", method=method, headers=headers)
    assert status == 400 and "Access-Control-Allow-Origin" not in got
    assert got["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in got["Content-Security-Policy"]


def test_an_upload_from_a_foreign_page_is_refused(served: tuple[str, Any]) -> None:
    boundary = "qa-upload"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="note.txt"\r\n\r\n'
        f"一封信。\r\n--{boundary}--\r\n"
    ).encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Origin": "http://evil.example"}
    request = urllib.request.Request(served[0] + web.UPLOAD_PATH, body, headers)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403


@pytest.mark.parametrize("path", ["/", "/gradio_api/info", "/config"])
def test_security_headers_on_page_and_api(served: tuple[str, Any], path: str) -> None:
    status, headers = send(served[0], path)
    assert status == 200
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "connect-src 'self'" in policy


@pytest.mark.parametrize(
    ("host", "code"),
    [("evil.example", 400), ("evil.example:{port}", 400), ("127.0.0.1.evil.example", 400), ("localhost:{port}", 200)],
)
def test_host_outside_the_allow_list_is_refused(served: tuple[str, Any], host: str, code: int) -> None:
    port = served[0].rsplit(":", 1)[1]
    status, headers = send(served[0], "/", headers={"Host": host.format(port=port)})
    assert status == code
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_allowed_hosts_come_from_loopback_the_bind_address_and_the_flag() -> None:
    args = app._parser().parse_args(["--host", "0.0.0.0", "--allowed-host", "qa.lan", "--allowed-host", "[FD00::1]"])
    hosts = web.allowed_hosts(args.host, args.allowed_host)
    assert hosts == {"localhost", "127.0.0.1", "::1", "0.0.0.0", "qa.lan", "fd00::1"}
    assert app._parser().parse_args([]).allowed_host == []


def test_served_uploads_are_taken_once_and_deleted(served: tuple[str, Any]) -> None:
    boundary = "qa-upload"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="note.txt"\r\n\r\n'
        f"一封信。\r\n--{boundary}--\r\n"
    ).encode()
    request = urllib.request.Request(
        served[0] + "/gradio_api/upload", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        [stored] = json.loads(response.read())
    assert stored in served[1].upload_file_set
    assert web.take_upload(stored) == "一封信。".encode()
    assert not Path(stored).exists() and not Path(stored).parent.exists()


def test_upload_volume_is_capped_until_uploads_are_taken(tmp_path: Path) -> None:
    """`Guard` alone, in front of a stub app: stored uploads count against the budget until taken."""
    held = tmp_path / "hash" / "held.txt"
    held.parent.mkdir()
    held.write_bytes(b"x" * 900)
    guard = web.Guard(stub_app, hosts=["localhost"], uploads=web.UploadBudget(1000, {str(held)}))

    def upload(size: int) -> int:
        return asyncio.run(status_of(guard, web.UPLOAD_PATH, b"y" * size))

    assert upload(200) == 413  # 900 held + 200 arriving > 1000
    assert upload(100) == 200
    assert web.take_upload(held) == b"x" * 900 and not held.parent.exists()
    assert upload(1000) == 200
    assert asyncio.run(status_of(guard, "/gradio_api/call/chat", b"z" * (web.MAX_BODY + 1))) == 413


async def stub_app(scope: Any, receive: Any, send: Any) -> None:
    """Reads the whole body, then answers 200."""
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


async def status_of(guard: web.Guard, path: str, body: bytes) -> int:
    headers = [(b"host", b"localhost:7860"), (b"content-length", str(len(body)).encode())]
    scope = {"type": "http", "method": "POST", "path": path, "headers": headers}
    sent: list[Any] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def record(message: Any) -> None:
        sent.append(message)

    await guard(scope, receive, record)
    return int(sent[0]["status"])


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.parametrize("path", ["LETTER", "INDEX/letter/manifest.json", "ROOT/pyproject.toml", "HOME/.bashrc"])
def test_file_route_refuses_letter_index_repo_and_home(served: tuple[str, Any], index_dir: Path, path: str) -> None:
    places = {"LETTER": str(BUNDLED_LETTER), "INDEX": str(index_dir), "ROOT": str(ROOT), "HOME": str(Path.home())}
    for name, place in places.items():
        path = path.replace(name, place)
    assert (index_dir / "letter" / "manifest.json").is_file()
    assert status(f"{served[0]}/gradio_api/file={path}") == 403
    assert status(f"{served[0]}/") == 200


def test_served_on_loopback_with_a_bounded_queue(served: tuple[str, Any]) -> None:
    url, demo = served
    assert url.startswith("http://127.0.0.1:") and not demo.share
    assert demo._queue.max_size == app.QUEUE_SIZE
    assert demo._queue.default_concurrency_limit == app.CONCURRENCY


def test_full_queue_tells_api_callers_to_retry(served: tuple[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from gradio_client import Client
    from gradio_client.utils import QueueError

    url, demo = served
    client = Client(url, verbose=False)
    monkeypatch.setattr(demo._queue, "max_size", 0)
    with pytest.raises(QueueError, match="Queue is full"):
        client.predict(QUESTION, api_name="/chat")


# The collection shelf: uploads, removal, switching, the panel following citations.

POOL = "市游泳馆每天早上七点半开门，晚上九点关门。"


def make_docx(path: Path, heading: str, *paragraphs: str) -> Path:
    """A real Word file: `heading` styled Heading 1, then the paragraphs."""
    import docx

    document = docx.Document()
    document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def uploaded(tmp_path: Path, name: str, data: bytes | None = None) -> str:
    """A file where Gradio stores an upload: its own hash-named folder, the original name."""
    folder = tmp_path / "gradio" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    (folder / name).write_bytes(data if data is not None else "一、说明\n这是一份测试文件。\n".encode())
    return str(folder / name)


@pytest.fixture
def shelf_page(bot: QA, tmp_path: Path) -> Any:
    """A page over the letter whose collections live in this test's own index folder."""
    letter = QA.from_path(index_dir=tmp_path / "index", embed_model=bot.settings.embed_model)
    return app.ChatPage(letter)


def problem(shelf: Any) -> str:
    assert 'class="qa-note qa-problem"' in shelf.note
    text = shelf.note.split(">", 1)[1].rsplit("<", 1)[0]
    assert "\n" not in text and "Traceback" not in text
    return text


def test_upload_into_a_new_name_creates_the_collection_and_answers_from_it(shelf_page: Any, tmp_path: Path) -> None:
    docx_file = make_docx(tmp_path / "gradio" / "a" / "游泳馆.docx", "游泳馆开放安排", POOL, "成人票每次三十元。")
    letter_build = shelf_page.bot.manifest.build
    shelf = shelf_page.upload([str(docx_file)], "letter", " pool ", [])
    assert shelf.collection == "pool" and shelf.doc_ids == ["游泳馆.docx"]
    assert "已新建文集 pool" in shelf.note and "qa-ok" in shelf.note and shelf.new_name == ""
    assert ("pool（1 篇）", "pool") in shelf.choices and shelf.choices[0][1] == "letter"
    assert "<td>游泳馆.docx</td><td>1</td><td>—</td>" in shelf.documents
    assert not docx_file.exists() and not docx_file.parent.exists()  # the upload budget is freed
    _, _, panel, _, answers = shelf_page.respond("游泳馆几点开门？", [], "pool")
    assert answers[-1].citations[0].doc_id == "游泳馆.docx" and "七点半" in answers[-1].text
    assert f'data-cite="cite-0-1">{POOL}</mark>' in panel and '<div class="qa-h qa-h1">游泳馆开放安排</div>' in panel
    # The letter is untouched and still answers.
    assert "41所" in shelf_page.respond(QUESTION, [], "letter")[4][-1].text
    assert shelf_page.library.bot("letter").manifest.build == letter_build


def test_switching_collections_swaps_the_bot_and_starts_a_new_conversation(shelf_page: Any, tmp_path: Path) -> None:
    shelf_page.upload([uploaded(tmp_path, "pool.txt", f"一、开放\n{POOL}\n".encode())], "letter", "pool", [])
    shelf_page.respond(QUESTION, [], "letter")
    shelf = shelf_page.switch("pool")
    assert shelf.collection == "pool" and shelf.answers == [] and shelf.messages == []
    assert "已切换到文集 pool（1 篇文档）" in shelf.note and "pool.txt" in shelf.letter
    assert shelf_page.library.bot("pool") is shelf_page.library.bot("pool")  # opened once, kept
    back = shelf_page.switch("letter")
    assert back.doc_ids == list(shelf_page.bot.documents) and "一、持续加大政策支持力度" in back.letter
    missing = shelf_page.switch("nothing-here")
    assert missing.collection == "letter" and "无法打开文集 nothing-here" in problem(missing)


def test_a_page_opens_collections_made_elsewhere_lazily(shelf_page: Any, tmp_path: Path) -> None:
    source = tmp_path / "src" / "pool.txt"
    source.parent.mkdir()
    source.write_text(f"一、开放\n{POOL}\n", encoding="utf-8")
    QA.create("made-by-cli", [source], index_dir=tmp_path / "index", embed_model=shelf_page.bot.settings.embed_model)
    assert "made-by-cli" in [name for _, name in shelf_page.library.choices()]
    assert "made-by-cli" not in shelf_page.library._bots
    assert "七点半" in shelf_page.respond("游泳馆几点开门？", [], "made-by-cli")[4][-1].text


@pytest.mark.parametrize(
    ("files", "error"),
    [
        (
            [("notes.exe", b"MZ")],
            "notes.exe 不是支持的格式：只能上传 .txt、.md、.html、.htm、.pdf、.docx",
        ),  # (and images with OCR)
        ([("old.doc", b"\xd0\xcf\x11\xe0")], "old.doc 是旧版 Word（.doc）文件"),
        ([("big.txt", "说".encode() * (2**20 // 3 + 10))], "big.txt 有 1.0 MB，超过每个文件 1 MB 的上限"),
        ([(f"{n}.txt", None) for n in range(21)], "一次最多上传 20 个文件，这次选了 21 个：请分批上传。"),
        ([("same.txt", None), ("same.txt", None)], "有 2 个文件都叫 same.txt：请改名后再上传。"),
        ([("good.txt", None), ("broken.docx", b"not a zip file")], "broken.docx 无法读取，文集没有改动："),
        ([("empty.txt", b"   \n")], "empty.txt 无法读取，文集没有改动："),
        ([], "请先选择要上传的文件"),
    ],
)
def test_bad_uploads_are_one_chinese_line_and_change_nothing(
    shelf_page: Any, tmp_path: Path, files: list[tuple[str, bytes | None]], error: str
) -> None:
    shelf_page.upload([uploaded(tmp_path, "first.txt", f"一、开放\n{POOL}\n".encode())], "letter", "pool", [])
    before = dict(shelf_page.library.bot("pool").documents)
    *_, answers = shelf_page.respond("游泳馆几点开门？", [], "pool")
    paths = [uploaded(tmp_path, name, data) for name, data in files]
    shelf = shelf_page.upload(paths, "pool", "", answers)
    assert error in problem(shelf)
    assert str(tmp_path) not in shelf.note  # the temp path is not shown; the file's own name is
    assert shelf.collection == "pool" and shelf.doc_ids == ["first.txt"] and shelf.answers == answers
    assert shelf_page.library.bot("pool").documents == before
    assert not any(Path(p).exists() for p in paths)  # every upload was taken off the budget anyway


@pytest.mark.parametrize("new_name", ["", "letter"])
def test_uploading_into_the_letter_is_refused(shelf_page: Any, tmp_path: Path, new_name: str) -> None:
    path = uploaded(tmp_path, "extra.txt")
    shelf = shelf_page.upload([path], "letter", new_name, [])
    assert problem(shelf).startswith("文集 letter 只收录内置的答复函，不能加入文件")
    assert shelf.collection == "letter" and len(shelf.doc_ids) == 1 and not Path(path).exists()


def test_bad_collection_name_is_one_chinese_line(shelf_page: Any, tmp_path: Path) -> None:
    shelf = shelf_page.upload([uploaded(tmp_path, "a.txt")], "letter", "../etc", [])
    assert problem(shelf).startswith("文集名称“../etc”不可用") and shelf.new_name == "../etc"
    assert [name for _, name in shelf.choices] == ["letter"]


def test_remove_takes_one_document_out_and_never_the_last(shelf_page: Any, tmp_path: Path) -> None:
    files = [
        uploaded(tmp_path, "pool.txt", f"一、开放\n{POOL}\n".encode()),
        uploaded(tmp_path, "gym.txt", "一、健身房\n健身房每天早上六点开门。\n".encode()),
    ]
    assert shelf_page.upload(files, "letter", "town", []).doc_ids == ["gym.txt", "pool.txt"]
    *_, answers = shelf_page.respond("游泳馆几点开门？", [], "town")
    assert answers[-1].citations[0].doc_id == "pool.txt"
    assert "请先在“选择文档”里选一篇" in problem(shelf_page.remove(None, "town", answers))
    shelf = shelf_page.remove("pool.txt", "town", answers)
    assert "已从文集 town 删除 pool.txt。" in shelf.note and shelf.doc_ids == ["gym.txt"]
    assert "pool.txt" not in shelf.letter and "gym.txt" in shelf.letter  # the cited document is gone from the panel
    assert shelf_page.respond("游泳馆几点开门？", [], "town")[4][-1].abstained
    last = shelf_page.remove("gym.txt", "town", [])
    assert "是文集 town 的最后一篇文档，不能删除" in problem(last) and last.doc_ids == ["gym.txt"]
    letter = shelf_page.remove(shelf_page.shelf("letter").doc_ids[0], "letter", [])
    assert problem(letter) == "文集 letter 只收录内置的答复函，不能删除。"


def test_panel_holds_each_cited_document_and_shows_the_latest(shelf_page: Any, tmp_path: Path) -> None:
    files = [
        uploaded(tmp_path, "pool.txt", f"一、开放\n{POOL}\n".encode()),
        uploaded(tmp_path, "gym.txt", "一、健身房\n健身房每天早上六点开门。\n".encode()),
    ]
    shelf_page.upload(files, "letter", "town", [])
    *_, answers = shelf_page.respond("游泳馆几点开门？", [], "town")
    _, messages, panel, _, answers = shelf_page.respond("健身房几点开门？", answers, "town")
    assert '<section class="qa-doc-view" data-doc="gym.txt">' in panel  # the latest cited: shown
    assert '<section class="qa-doc-view" data-doc="pool.txt" hidden>' in panel  # the earlier: one click away
    assert 'id="cite-0-1"' in panel and 'id="cite-1-1"' in panel
    assert '<span class="qa-origin">gym.txt</span>' in messages[3]["content"]  # several documents: named


def test_pdf_citations_name_their_page_and_the_panel_marks_pages() -> None:
    from qa.types import Citation, Document

    text = "第一页的内容。\n第二页说游泳馆七点半开门。\n"
    document = Document("guide.pdf", text, "0" * 64, page_starts=(text.index("第二页"),))
    cited = Citation("guide.pdf", text.index("游泳馆"), text.index("开门") + 2, "游泳馆七点半开门", "", page=2)
    answer = Answer("游泳馆几点开门？", "游泳馆七点半开门[1]。", (cited,), (), abstained=False)
    assert '<span class="qa-origin"> · 第 2 页</span>' in app.render.answer_html(answer, 0)
    panel = app.render.documents_panel_html({"guide.pdf": document}, [answer], "guide.pdf")
    assert "guide.pdf · 2 页" in panel
    assert panel.index('data-page="2">第 2 页') < panel.index('<mark class="qa-mark qa-current"')
    assert [r.pages for r in app.render.document_rows([document], {"guide.pdf": 1})] == [2]


def test_questions_and_changes_at_once_do_not_crash(shelf_page: Any, tmp_path: Path) -> None:
    import threading

    shelf_page.upload([uploaded(tmp_path, "pool.txt", f"一、开放\n{POOL}\n".encode())], "letter", "pool", [])
    failures: list[BaseException] = []

    def ask_many() -> None:
        try:
            for _ in range(15):
                _, _, panel, _, answers = shelf_page.respond("游泳馆几点开门？", [], "pool")
                assert "qa-letter-scroll" in panel and answers[-1].text
        except BaseException as exc:  # reported below: a thread's own exception would vanish
            failures.append(exc)

    askers = [threading.Thread(target=ask_many) for _ in range(3)]
    for thread in askers:
        thread.start()
    for n in range(3):
        gym = uploaded(tmp_path, f"gym{n}.txt", "一、健身房\n健身房每天早上六点开门。\n".encode())
        assert "qa-ok" in shelf_page.upload([gym], "pool", "", []).note
        assert "qa-ok" in shelf_page.remove(f"gym{n}.txt", "pool", []).note
    for thread in askers:
        thread.join()
    assert failures == []


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="the PDF is printed by /usr/bin/chromium")
def test_three_formats_uploaded_each_cited_with_its_span_and_the_pdf_with_its_page(
    shelf_page: Any, tmp_path: Path
) -> None:
    import html
    import subprocess

    page_two = "图书馆的电话是六六八八一二三四，周一闭馆。"
    body = "<p>一、图书馆概况</p><p>市图书馆位于文化路一号，藏书一百二十万册。</p>"
    body += f'<p style="page-break-before: always">二、联系方式</p><p>{html.escape(page_two)}</p>'
    source = tmp_path / "library.html"
    source.write_text(f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><body>{body}</body></html>', "utf-8")
    pdf = tmp_path / "gradio" / "p" / "图书馆.pdf"
    pdf.parent.mkdir(parents=True)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}", "--no-pdf-header-footer"]
    subprocess.run(["/usr/bin/chromium", *flags, source.as_uri()], check=True, capture_output=True, timeout=120)
    files = [
        str(pdf),
        str(make_docx(tmp_path / "gradio" / "d" / "游泳馆.docx", "游泳馆开放安排", POOL)),
        uploaded(tmp_path, "食堂.txt", "一、食堂\n职工食堂每天中午十一点半开饭。\n".encode()),
    ]
    shelf = shelf_page.upload(files, "letter", "city", [])
    assert shelf.doc_ids == sorted(["图书馆.pdf", "食堂.txt", "游泳馆.docx"])
    assert "<td>图书馆.pdf</td><td>" in shelf.documents and "</td><td>2</td></tr>" in shelf.documents
    shown = {}
    for question, doc_id, cited in [
        ("图书馆的电话是多少？", "图书馆.pdf", page_two),
        ("游泳馆几点开门？", "游泳馆.docx", POOL),
        ("食堂几点开饭？", "食堂.txt", "职工食堂每天中午十一点半开饭。"),
    ]:
        _, messages, panel, _, answers = shelf_page.respond(question, [], "city")
        assert answers[-1].citations, (question, answers[-1].text)
        citation = answers[-1].citations[0]
        assert (citation.doc_id, citation.text) == (doc_id, cited)
        assert f'<section class="qa-doc-view" data-doc="{doc_id}">' in panel  # the cited document, not the first
        assert f'data-cite="cite-0-1">{html.escape(cited)}</mark>' in panel
        shown[doc_id] = (answers[-1], messages[1]["content"], panel)
    answer, message, panel = shown["图书馆.pdf"]
    assert answer.citations[0].page == 2 and "图书馆.pdf · 第 2 页" in message
    assert panel.index('data-page="2">第 2 页') < panel.index('data-cite="cite-0-1"')
