"""In headless Chromium: broad answers list their items and every citation highlights its own span; a question
the documents do not answer is refused on the page even after one they do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import test_browser
from test_browser import Visit, serve

# test_browser's module-scoped Chromium fixture, registered here under this name.
shared_browser = test_browser.browser

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve(tmp_path_factory.mktemp("answers"))


def _click_each_citation(tab: Visit, answer: Any) -> list[str]:
    """Click every `[n]` of the answer's text; the highlighted span each time must be that citation's snippet."""
    page = tab.page
    shown = []
    links = answer.locator(".qa-text a.qa-cite")
    snippets = answer.locator(".qa-snippets li .qa-snippet")
    assert links.count() == snippets.count() >= 2
    for n in range(links.count()):
        links.nth(n).click()
        active = page.locator("#qa-letter mark.qa-active")
        active.first.wait_for()
        highlighted = "".join(active.all_inner_texts())
        assert (
            highlighted.strip() == snippets.nth(n).inner_text().strip() or snippets.nth(n).inner_text() in highlighted
        )
        shown.append(highlighted)
    return shown


def test_summary_and_plans_list_their_items_and_each_citation_highlights_its_span(
    shared_browser: Any, page_url: str
) -> None:
    tab = Visit(shared_browser, page_url)
    try:
        tab.ask("这封信主要讲了什么？")
        summary = tab.page.locator("#qa-chat .qa-answer").last
        text = summary.locator(".qa-text").inner_text()
        for part in ("持续加大政策支持力度", "促进校企深度合作", "下一步工作打算"):
            assert part in text
        assert len(text.strip().splitlines()) >= 8  # one item a line
        highlighted = _click_each_citation(tab, summary)
        assert "关于深化产教融合提升人力资源质量的提案" in highlighted[0]

        tab.ask("下一步有什么打算？")
        plans = tab.page.locator("#qa-chat .qa-answer").last
        text = plans.locator(".qa-text").inner_text()
        for plan in ("加强顶层设计", "对接产业需求,加强专业建设", "打造行业产教融合共同体"):
            assert plan in text
        highlighted = _click_each_citation(tab, plans)
        assert highlighted[0] == "七、下一步工作打算"
        assert tab.blocked() == [] and tab.dialogs == []
    finally:
        tab.close()


SCHOOL = (
    "青河市第一中学简介\n"
    "青河市第一中学创办于1952年，位于青河市滨河路18号。学校现有教学班36个，在校学生1680人，教职工112人。\n"
    "学校重视科技教育，机器人社团在2024年全国青少年机器人竞赛中获得一等奖。学校图书馆藏书8万册。\n"
)


def test_after_a_question_it_answers_a_question_it_does_not_is_refused(
    shared_browser: Any, page_url: str, tmp_path: Path
) -> None:
    upload = tmp_path / "school.txt"
    upload.write_text(SCHOOL, encoding="utf-8")
    tab = Visit(shared_browser, page_url)
    try:
        page = tab.page
        page.locator("#qa-new-name").locator("textarea, input").first.fill("school-browser")
        page.get_by_text("上传与管理文档").click()
        page.locator("#qa-upload input[type=file]").set_input_files(str(upload))
        page.locator("#qa-note .qa-ok").wait_for(timeout=60_000)

        tab.ask("机器人社团获得了什么奖？")
        first = page.locator("#qa-chat .qa-answer").last
        assert "一等奖" in first.inner_text() and "qa-abstain" not in (first.get_attribute("class") or "")

        tab.ask("学校的游泳池有多大？")  # the page sends the earlier question as history
        second = page.locator("#qa-chat .qa-answer").last
        assert "qa-abstain" in (second.get_attribute("class") or "")
        assert "游泳池" in second.inner_text() and "一等奖" not in second.locator(".qa-text").inner_text()
    finally:
        tab.close()
