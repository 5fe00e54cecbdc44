"""End to end in headless Chromium: `python app.py` serves, a person asks, clicks a citation, sees the span."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from local_app import CHROMIUM, CHROMIUM_ARGS, AppDidNotStart, running_app

from qa.render import OFFLINE_NOTICE

pytestmark = pytest.mark.browser

QUESTION = "郑州市有多少所中职学校通过标准化验收？"
HOSTILE = (
    "尊敬的测试委员:\n一、脚本\n信中写着<script>alert(1)</script>这样的脚本标签。\n"
    "二、图片\n信中写着<img src=x onerror=alert(2)>这样的图片标签。\n"
    "三、标记\n信中写着![x](http://127.0.0.1:9/x.png)这样的标记图片,还有${alert(3)}这样的模板。\n"
)


def serve(tmp: Path, *args: str) -> Iterator[str]:
    """Run `python app.py ARGS` on a free loopback port until the test module is done.

    With an empty model cache, so the page takes the offline fallback as on a fresh machine.
    """
    env = {"HF_HOME": str(tmp / "hf-home")}
    try:
        with running_app(*args, index_dir=tmp / "index", log=tmp / "app.log", env=env) as url:
            yield url
    except AppDidNotStart as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: install Debian's chromium (apt-get install chromium) to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def letter_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve(tmp_path_factory.mktemp("letter"))


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("hostile")
    (tmp / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    yield from serve(tmp, str(tmp / "hostile.txt"))


class Visit:
    """One browser tab on the app, recording every request and dialog."""

    def __init__(self, browser: Any, url: str, width: int = 1440, height: int = 900) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dismiss)
        # What the Content-Security-Policy blocked, e.g. "script-src eval" when gr.HTML could not render.
        self.page.add_init_script(
            "window.qaBlocked = []; document.addEventListener('securitypolicyviolation',"
            " (e) => window.qaBlocked.push(`${e.violatedDirective} ${e.blockedURI}`));"
        )
        started = time.perf_counter()
        self.response = self.page.goto(url + "/")
        self.page.wait_for_selector("#qa-question textarea")
        self.load_s = time.perf_counter() - started

    def blocked(self) -> list[str]:
        return list(self.page.evaluate("() => window.qaBlocked"))

    def _dismiss(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def ask(self, question: str) -> None:
        answers = self.page.locator("#qa-chat .qa-answer").count()
        self.page.fill("#qa-question textarea", question)
        self.page.click("#qa-ask")
        self.page.locator("#qa-chat .qa-answer").nth(answers).wait_for()

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def visit(browser: Any, letter_url: str) -> Iterator[Visit]:
    tab = Visit(browser, letter_url)
    yield tab
    tab.close()


def test_ask_click_citation_and_see_the_span(visit: Visit) -> None:
    page = visit.page
    print(f"page ready in {visit.load_s:.2f} s")
    assert page.title() == "郑州市教育局答复函 · 问答"
    assert "检索模型：" in page.inner_text(".qa-status")
    assert page.locator("#qa-letter .qa-h1").first.inner_text() == "一、持续加大政策支持力度"

    visit.ask(QUESTION)
    answer = page.locator("#qa-chat .qa-answer").last
    assert "41所中职学校" in answer.inner_text()
    assert "实施中职学校标准化建设工程" in answer.locator(".qa-section").first.inner_text()

    answer.locator("a.qa-cite").first.click()
    active = page.locator("#qa-letter mark.qa-active")
    active.first.wait_for()
    assert "".join(active.all_inner_texts()) == "郑州市共有41所中职学校通过河南省教育厅标准化建设工程验收。"
    page.wait_for_function(  # the smooth scroll has brought the span inside the letter panel
        """() => {
            const box = document.querySelector('#qa-letter .qa-letter-scroll').getBoundingClientRect();
            const mark = document.querySelector('#qa-letter mark.qa-active').getBoundingClientRect();
            return mark.top >= box.top && mark.bottom <= box.bottom;
        }"""
    )
    assert page.evaluate("() => document.querySelector('#qa-letter .qa-letter-scroll').scrollTop") > 0
    assert page.evaluate("() => window.location.hash") == ""  # the page itself did not jump


def test_nothing_can_be_asked_before_the_tab_is_filled_and_an_answer_stays(browser: Any, letter_url: str) -> None:
    # The load's result empties the chat and the new collection's name: it used to undo a question asked, or a
    # name typed, in the moment before it arrived. Held here, it keeps the page closed until it lands.
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    held: list[Any] = []  # the load's call (queue=False), kept until the test lets it through
    page.route("**/gradio_api/run/predict*", lambda route: route.continue_() if held else held.append(route))
    try:
        page.goto(letter_url + "/")
        page.wait_for_selector("#qa-question textarea")
        for _ in range(100):  # the route handler runs while the test waits
            if held:
                break
            page.wait_for_timeout(100)
        assert held, "the page made no load call"
        closed = [page.locator("#qa-question textarea"), page.locator("#qa-ask")]
        closed += [page.locator("#qa-new-name").locator("textarea, input").first, page.locator("#qa-collection input")]
        closed += [page.get_by_role("button", name="郑州市今年的财政预算是多少？")]
        assert all(c.is_disabled() for c in closed) and page.locator("#qa-upload input[type=file]").count() == 0
        held[0].continue_()
        page.wait_for_function("() => document.activeElement?.closest('#qa-question')")  # opened, and focused
        page.fill("#qa-question textarea", QUESTION)
        page.click("#qa-ask")
        page.locator("#qa-chat .qa-answer").first.wait_for()
        page.wait_for_timeout(500)
        assert page.locator("#qa-chat .qa-answer").count() == 1 and page.locator("#qa-letter mark").count() > 0
    finally:
        page.close()


def test_nothing_leaves_localhost(visit: Visit) -> None:
    visit.ask(QUESTION)
    outside = [u for u in visit.requests if not u.startswith(("http://127.0.0.1:", "data:", "blob:"))]
    assert outside == []


def test_page_works_under_its_security_policy(visit: Visit) -> None:
    headers = visit.response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    page = visit.page
    assert page.locator(".qa-title").inner_text() == "郑州市教育局答复函 · 问答"  # gr.HTML rendered
    visit.ask(QUESTION)
    page.locator("#qa-chat .qa-answer a.qa-cite").first.click()
    page.locator("#qa-letter mark.qa-active").first.wait_for()  # our inline script ran
    assert visit.blocked() == []


def test_offline_notice_is_one_small_chinese_line(visit: Visit) -> None:
    page = visit.page
    shown = page.inner_text("body")
    for english in ("unavailable", "embedding model", "offline embedder", "BAAI/"):
        assert english not in shown
    notice = page.get_by_text(OFFLINE_NOTICE, exact=True)
    assert notice.count() == 1 and shown.count(OFFLINE_NOTICE) == 1
    size = notice.evaluate("(e) => parseFloat(getComputedStyle(e).fontSize)")
    question = page.locator("#qa-question textarea").evaluate("(e) => parseFloat(getComputedStyle(e).fontSize)")
    assert size < question


def test_abstention_names_each_heading_once(visit: Visit) -> None:
    page = visit.page
    page.get_by_role("button", name="郑州市今年的财政预算是多少？").click()
    snippets = page.locator("#qa-chat .qa-abstain .qa-snippets li")
    snippets.first.wait_for()
    page.get_by_text("检索到的段落").click()
    rows = page.locator("#qa-passages table.qa-passages tbody td:last-child")
    rows.first.wait_for()
    shown = [(s.locator(".qa-section"), s.locator(".qa-snippet")) for s in (*snippets.all(), *rows.all())]
    assert len(shown) == 3 + 5
    for section, snippet in shown:
        titles = section.inner_text().split(" › ")
        assert snippet.inner_text().split("\n")[0] not in titles


def test_scroll_button_leaves_the_last_answer_readable(browser: Any, letter_url: str) -> None:
    tab = Visit(browser, letter_url, width=1280, height=720)
    try:
        tab.ask("郑州市今年的财政预算是多少？")
        tab.ask("哪些大学在郑州建了研究院？")
        page = tab.page
        button = page.locator("#qa-chat .scroll-down-button-container button")
        # Scroll up the way a person does, with the wheel over the log: Gradio may still be scrolling the last
        # answer into view, and a scrollTop set from script can be undone by that before the button shows.
        page.locator("#qa-chat .bubble-wrap").hover()
        for _ in range(10):
            page.mouse.wheel(0, -150)
            page.wait_for_timeout(300)
            if button.is_visible():
                break
        button.wait_for()
        covered = page.evaluate(
            """() => {
                const button = document.querySelector('#qa-chat .scroll-down-button-container button')
                    .getBoundingClientRect();
                const log = document.querySelector('#qa-chat .bubble-wrap').getBoundingClientRect();
                const answer = [...document.querySelectorAll('#qa-chat .qa-answer')].pop();
                const walk = document.createTreeWalker(answer, NodeFilter.SHOW_TEXT);
                const hits = [];
                while (walk.nextNode()) {
                    const range = document.createRange();
                    range.selectNodeContents(walk.currentNode);
                    for (const r of range.getClientRects()) {
                        // Only the part of a line the log shows can be covered; the rest is scrolled away.
                        const top = Math.max(r.top, log.top), bottom = Math.min(r.bottom, log.bottom);
                        if (bottom <= top || !r.width) continue;
                        if (r.left < button.right && r.right > button.left && top < button.bottom && bottom > button.top)
                            hits.push(walk.currentNode.nodeValue.slice(0, 20));
                    }
                }
                return hits;
            }"""
        )
        assert covered == []
    finally:
        tab.close()


def test_follow_up_abstention_passages_and_clear(visit: Visit) -> None:
    page = visit.page
    page.get_by_role("button", name="2024年全市中等职业学校共开设多少个专业？").click()
    page.locator("#qa-chat .qa-answer").first.wait_for()
    visit.ask("那技工院校呢？")
    assert "技工院校" in page.locator("#qa-chat .qa-answer").last.inner_text()

    page.get_by_role("button", name="郑州市今年的财政预算是多少？").click()
    abstain = page.locator("#qa-chat .qa-abstain")
    abstain.wait_for()
    assert "最接近的段落" in abstain.inner_text()

    page.get_by_text("检索到的段落").click()
    rows = page.locator("#qa-passages table.qa-passages tbody tr")
    rows.first.wait_for()
    assert rows.count() == 5 and "融合分" in page.inner_text("#qa-passages")

    page.click("#qa-clear")
    page.wait_for_function("() => document.querySelectorAll('#qa-chat .qa-answer').length === 0")
    assert page.locator("#qa-letter mark").count() == 0


def test_full_queue_shows_a_chinese_busy_message(visit: Visit) -> None:
    page = visit.page
    # What Gradio answers past `max_size`: HTTP 503 on queue/join.
    page.route(
        "**/gradio_api/queue/join*",
        lambda route: route.fulfill(status=503, content_type="application/json", body='{"detail":"Queue is full."}'),
    )
    page.fill("#qa-question textarea", QUESTION)
    page.click("#qa-ask")
    page.get_by_text("服务器繁忙，请稍后再试").first.wait_for()


def test_hostile_letter_and_question_stay_text(browser: Any, hostile_url: str) -> None:
    tab = Visit(browser, hostile_url)
    try:
        tab.ask("脚本标签是什么样的？<script>alert(5)</script><img src=x onerror=alert(6)>")
        tab.ask("标记图片 ![y](http://127.0.0.1:9/y.png) 是什么？")
        tab.page.wait_for_timeout(500)  # give any injected handler the chance to fire
        letter = tab.page.inner_text("#qa-letter")
        assert "<script>alert(1)</script>" in letter
        assert "<img src=x onerror=alert(2)>" in letter
        assert "![x](http://127.0.0.1:9/x.png)" in letter and "${alert(3)}" in letter
        assert "<script>alert(5)</script>" in tab.page.inner_text("#qa-chat")
        assert tab.dialogs == []
        assert [u for u in tab.requests if "127.0.0.1:9/" in u or u.endswith("/x")] == []
        assert tab.page.locator("#qa-chat img[src='x'], #qa-letter img").count() == 0
    finally:
        tab.close()


POOL_FACT = "市游泳馆每天早上七点半开门，晚上九点关门。"


def test_upload_a_docx_into_a_new_collection_ask_and_see_the_cited_span(
    browser: Any, letter_url: str, tmp_path: Path
) -> None:
    import docx

    word = docx.Document()
    word.add_heading("游泳馆开放安排", level=1)  # a Heading 1 style without a number: the style makes it a heading
    word.add_paragraph(POOL_FACT)
    word.add_heading("收费标准", level=1)
    word.add_paragraph("成人票每次三十元，学生票每次十五元。")
    upload = tmp_path / "游泳馆.docx"
    word.save(str(upload))

    tab = Visit(browser, letter_url)
    try:
        page = tab.page
        page.locator("#qa-new-name").locator("textarea, input").first.fill("pool-browser")
        page.get_by_text("上传与管理文档").click()
        page.locator("#qa-upload input[type=file]").set_input_files(str(upload))
        note = page.locator("#qa-note .qa-ok")
        note.wait_for(timeout=60_000)
        assert "已新建文集 pool-browser" in note.inner_text()
        assert "游泳馆.docx" in page.inner_text("#qa-documents")
        assert page.locator("#qa-collection input").first.input_value().startswith("pool-browser")

        tab.ask("游泳馆几点开门？")
        answer = page.locator("#qa-chat .qa-answer").last
        assert "七点半" in answer.inner_text() and "信中" not in answer.inner_text()
        answer.locator("a.qa-cite").first.click()
        view = page.locator("#qa-letter .qa-doc-view:not([hidden])")
        assert view.get_attribute("data-doc") == "游泳馆.docx"
        active = view.locator("mark.qa-active")
        active.first.wait_for()
        assert "".join(active.all_inner_texts()) == POOL_FACT
        assert view.locator(".qa-h1").first.inner_text() == "游泳馆开放安排"
        assert "成人票每次三十元" in view.inner_text()  # the whole DOCX text, not the letter
        assert tab.blocked() == [] and tab.dialogs == []
    finally:
        tab.close()


def test_upload_into_the_letter_shows_one_chinese_line(browser: Any, letter_url: str, tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("一、说明\n这是一份测试文件。\n", encoding="utf-8")
    tab = Visit(browser, letter_url)
    try:
        page = tab.page
        page.get_by_text("上传与管理文档").click()
        page.locator("#qa-upload input[type=file]").set_input_files(str(note))
        problem = page.locator("#qa-note .qa-problem")
        problem.wait_for(timeout=30_000)
        assert problem.inner_text().startswith("文集 letter 只收录内置的答复函，不能加入文件")
        assert page.locator("#qa-documents tbody tr").count() == 1
    finally:
        tab.close()
