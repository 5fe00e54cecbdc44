"""Running the chat page locally for tests, the screenshot and the load test: one loopback port, one process.

Imported by the tests (their folder is on the path) and by docs/make_screenshot.py and bench/load_test.py,
which put this folder on the path themselves.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package; Playwright's own browser download fails offline
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


class AppDidNotStart(RuntimeError):
    """`python app.py` exited or did not answer in time; the message holds its log."""


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_app(
    *args: str,
    index_dir: Path,
    log: Path,
    timeout_s: float = 90.0,
    stop: signal.Signals = signal.SIGTERM,
    env: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """Run `python app.py ARGS` on a free loopback port, offline, and yield its URL once it answers.

    `env` adds to or overrides its environment. Its output goes to `log`; it is stopped with `stop`
    (then killed) when the block ends.
    """
    port = free_port()
    environ = {
        **os.environ,
        "GRADIO_SERVER_PORT": str(port),
        "QA_INDEX_DIR": str(index_dir),
        "HF_HUB_OFFLINE": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
        **(env or {}),
    }
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "app.py", *args], cwd=ROOT, env=environ, stdout=out, stderr=out)
        try:
            _wait_until_up(url, proc, log, timeout_s)
            yield url
        finally:
            proc.send_signal(stop)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        if proc.poll() is not None:
            raise AppDidNotStart(f"app.py exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AppDidNotStart(f"app.py did not answer on {url} within {timeout_s:.0f} s:\n{log.read_text()}")
        time.sleep(0.25)
