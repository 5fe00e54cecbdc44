"""The chat page's handlers, in-process; then the served app through gradio_client and plain HTTP."""

from __future__ import annotations

import importlib.util
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from local_app import free_port

from qa import QA, Answer
from qa.errors import InputError
from qa.settings import BUNDLED_LETTER

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "郑州市有多少所中职学校通过标准化验收？"


def load_app() -> ModuleType:
    """`app.py` lives at the repo root, outside the package: import it by path."""
    spec = importlib.util.spec_from_file_location("qa_app", ROOT / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
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
    assert page.chat("x" * (limit + 1)).startswith("问题太长")


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
    assert page.examples(bundled=False) == ["关于“第一部分”，信中怎么说？", "关于“第二部分”，信中怎么说？"]
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
    assert list(endpoints) == ["/chat"]  # the page's own handlers are private


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.parametrize("path", ["LETTER", "INDEX/manifest.json", "ROOT/pyproject.toml", "HOME/.bashrc"])
def test_file_route_refuses_letter_index_repo_and_home(served: tuple[str, Any], index_dir: Path, path: str) -> None:
    places = {"LETTER": str(BUNDLED_LETTER), "INDEX": str(index_dir), "ROOT": str(ROOT), "HOME": str(Path.home())}
    for name, place in places.items():
        path = path.replace(name, place)
    assert (index_dir / "manifest.json").is_file()
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
