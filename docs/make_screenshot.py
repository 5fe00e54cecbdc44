"""Make docs/screenshot.png: serve `python app.py`, ask in headless Chromium, click a citation, capture.

Run from anywhere: `python docs/make_screenshot.py [OUT.png]`. Needs Debian's chromium at /usr/bin/chromium
and the `playwright` Python package; the index goes to a temporary folder, nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUESTIONS = ("郑州市有多少所中职学校通过标准化验收？", "2024年全市中等职业学校共开设多少个专业？", "那技工院校呢？")


def main(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "QA_INDEX_DIR": tmp, "HF_HUB_OFFLINE": "1"}
        server = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}/"
            _wait_for(url, server)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
                page.goto(url)
                for n, question in enumerate(QUESTIONS):
                    page.fill("#qa-question textarea", question)
                    page.click("#qa-ask")
                    page.locator("#qa-chat .qa-answer").nth(n).wait_for()
                page.locator("#qa-chat .qa-answer").last.locator("a.qa-cite").first.click()
                page.locator("#qa-letter mark.qa-active").first.wait_for()
                page.wait_for_timeout(800)  # let the smooth scroll settle
                page.screenshot(path=str(out))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"wrote {out}")


def _wait_for(url: str, server: subprocess.Popen[bytes], timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"app.py exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.25)
    raise SystemExit(f"app.py did not answer on {url} within {timeout_s:.0f} s")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot.png")
