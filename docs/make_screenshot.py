"""Make docs/screenshot.png (a fact, a follow-up) and docs/broad.png (a summary and a section's plans, one of its
citations clicked): serve `python app.py`, ask in headless Chromium, click a citation, capture.

Run from anywhere: `python docs/make_screenshot.py [--broad] [OUT.png]`. Needs Debian's chromium at
/usr/bin/chromium and the `playwright` Python package; the index goes to a temporary folder, nothing leaves
127.0.0.1.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from local_app import CHROMIUM, CHROMIUM_ARGS, AppDidNotStart, running_app  # noqa: E402

QUESTIONS = ("郑州市有多少所中职学校通过标准化验收？", "2024年全市中等职业学校共开设多少个专业？", "那技工院校呢？")
BROAD = ("这封信主要讲了什么？", "下一步有什么打算？")


def main(out: Path, questions: tuple[str, ...] = QUESTIONS, cite: int = 0) -> None:
    """Ask `questions` in turn, click citation `cite` (0-based) of the last answer, and capture the page."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        try:
            with (
                running_app(index_dir=Path(tmp) / "index", log=Path(tmp) / "app.log") as url,
                sync_playwright() as p,
            ):
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
                page.goto(url + "/")
                for n, question in enumerate(questions):
                    page.fill("#qa-question textarea", question)
                    page.click("#qa-ask")
                    page.locator("#qa-chat .qa-answer").nth(n).wait_for()
                page.locator("#qa-chat .qa-answer").last.locator(".qa-text a.qa-cite").nth(cite).click()
                page.locator("#qa-letter mark.qa-active").first.wait_for()
                page.wait_for_timeout(800)  # let the smooth scroll settle
                page.screenshot(path=str(out))
                browser.close()
        except AppDidNotStart as exc:
            raise SystemExit(str(exc)) from None
    print(f"wrote {out}")


if __name__ == "__main__":
    broad = "--broad" in sys.argv[1:]
    paths = [a for a in sys.argv[1:] if a != "--broad"]
    default = ROOT / "docs" / ("broad.png" if broad else "screenshot.png")
    main(Path(paths[0]) if paths else default, *((BROAD, 2) if broad else (QUESTIONS, 0)))
