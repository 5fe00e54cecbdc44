"""Issue 21's probe: every hostile case of its list, run against the CLI, the loaders and a served page.

    python bench/hardening_probe.py [--quick]

Prints one line per case (PASS/FAIL, what was seen) and exits 1 if any failed. The bombs are the issue's
sizes (a 1 MB .docx whose XML is 1.1 GB, one of 300 MB of empty paragraphs, a PDF stream of 1.1 GB); each is
read in a fresh process, whose time and peak memory (ru_maxrss) are printed: the target is 5 s and 300 MB.
`--quick` makes the bombs ten times smaller. Timings depend on the machine's load.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import bombs  # noqa: E402
from local_app import running_app  # noqa: E402

MAX_SECONDS = 5.0
MAX_MB = 300.0
GYM = "一、体育馆\n体育馆的游泳池长五十米，共有十条泳道。\n"
READ_ONE = """
import json, resource, sys, time
from pathlib import Path
from qa.errors import QAError
from qa.loading import load_file
began = time.monotonic()
try:
    load_file(Path(sys.argv[1]), Path(sys.argv[1]).name)
    said = "read"
except QAError as exc:
    said = str(exc)
print(json.dumps({"s": time.monotonic() - began, "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "said": said}))
"""
results: list[bool] = []


def report(name: str, ok: bool, seen: str) -> None:
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {seen}", flush=True)


def qa(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "qa.cli", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})})


def bomb_cases(work: Path, scale: float) -> None:
    made: list[tuple[str, Callable[[Path, int], Path], str, int]] = [
        ("docx whose XML inflates to 1.1 GB", bombs.docx_huge_text, "bomb.docx", int(1.1e9 * scale)),
        ("docx of 300 MB of empty paragraphs", bombs.docx_tiny_paragraphs, "tiny.docx", int(300e6 * scale)),
        ("pdf whose page content inflates to 1.1 GB", bombs.pdf_with_content, "bomb.pdf", int(1.1e9 * scale)),
    ]
    for name, make, file, size in made:
        path = make(work / file, size)
        run = subprocess.run([sys.executable, "-c", READ_ONE, str(path)], capture_output=True, text=True, cwd=ROOT)
        seen = json.loads(run.stdout)
        ok = seen["said"] != "read" and seen["s"] <= MAX_SECONDS and seen["mb"] <= MAX_MB
        kb = path.stat().st_size / 1024
        report(
            name, ok, f"{kb:.0f} KB file, refused in {seen['s']:.2f} s at {seen['mb']:.0f} MB peak: {seen['said'][:90]}"
        )


def cli_cases(work: Path) -> None:
    index = str(work / "index")
    folder = work / "synced"
    folder.mkdir()
    (folder / "gym.txt").write_text(GYM, encoding="utf-8")
    secret = work / "secret.txt"
    secret.write_text("机密：服务器密码是一二三四五六。\n", encoding="utf-8")
    (folder / "passwd.txt").symlink_to(secret)
    synced = qa("sync", str(folder), "--collection", "synced", "--index-dir", index, "--embed-model", "none")
    answer = qa("ask", "服务器密码是多少？", "--collection", "synced", "--index-dir", index, "--json")
    leaked = "一二三四五六" in answer.stdout
    report(
        "qa sync skips a symlink that leaves the folder",
        synced.returncode == 0 and "skipped passwd.txt" in synced.stderr and not leaked,
        synced.stderr.strip().splitlines()[-1][:100] if synced.stderr.strip() else "(no note)",
    )
    drop = qa("drop", "letter", "--index-dir", index)
    report("qa drop letter is refused", drop.returncode == 2, drop.stderr.strip()[:100])
    # Like `qa … | head -1`, but certain: the reader is gone before qa writes a byte.
    command = [sys.executable, "-m", "qa.cli", "retrieve", "学校", "-k", "50", "--index-dir", index]
    piped = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert piped.stdout is not None and piped.stderr is not None
    piped.stdout.close()
    error = piped.stderr.read()
    code = piped.wait()
    report("qa … | head -1 ends quietly", "Traceback" not in error, f"exit {code}, {error.strip()[:80] or 'no stderr'}")
    options = ["--collection", "damaged", "--index-dir", index, "--embed-model", "none"]
    qa("add", str(folder / "gym.txt"), *options)
    (work / "index" / "damaged" / "manifest.json").write_text("{", encoding="utf-8")
    asked = qa("ask", "游泳池有几条泳道？", *options)
    truthful = "manifest" in asked.stderr and "source files" not in asked.stderr.split("qa: error:")[-1]
    report(
        "a damaged manifest's message tells the truth", asked.returncode == 2 and truthful, asked.stderr.strip()[-120:]
    )
    repaired = qa("add", str(folder / "gym.txt"), *options)
    again = qa("ask", "游泳池有几条泳道？", *options)
    report(
        "qa add repairs a damaged manifest",
        repaired.returncode == 0 and "十条泳道" in again.stdout,
        again.stdout.strip().splitlines()[0][:80] if again.stdout.strip() else again.stderr[-100:],
    )
    (work / "index" / "damaged" / "manifest.json").write_text("{", encoding="utf-8")
    synced_again = qa("sync", str(folder), *options)
    report("qa sync repairs a damaged manifest", synced_again.returncode == 0, synced_again.stdout.strip()[:100])


def request(url: str, path: str, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None):
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url + path, body, headers or {}, method=method), timeout=15
        ) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def chunked(url: str, path: str, chunks: list[bytes]) -> tuple[int, float]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=20)
    began = time.monotonic()
    headers = {"Content-Type": "multipart/form-data; boundary=qa"}
    try:
        connection.request("POST", path, iter(chunks), headers, encode_chunked=True)
        status = connection.getresponse().status
    except (TimeoutError, OSError):
        status = 0
    return status, time.monotonic() - began


def page_cases(work: Path) -> None:
    folder = work / "served"
    folder.mkdir()
    (folder / "gym.txt").write_text(GYM, encoding="utf-8")
    gradio_temp = work / "gradio-temp"
    env = {"GRADIO_TEMP_DIR": str(gradio_temp)}
    with running_app(
        str(folder), "--embed-model", "none", index_dir=work / "page-index", log=work / "app.log", env=env
    ) as url:
        status, took = chunked(url, "/gradio_api/call/ask", [b"x" * 70_000])
        report(
            "a 70 KB body sent chunked as one chunk gets 413 at once",
            status == 413 and took < 2,
            f"{status} in {took:.2f} s",
        )
        upload = [b'--qa\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n']
        upload += [b"x" * 2**16] * 320 + [b"\r\n--qa--\r\n"]
        status, took = chunked(url, "/gradio_api/upload", upload)
        left = sum(p.stat().st_size for p in gradio_temp.rglob("*") if p.is_file()) if gradio_temp.exists() else 0
        report(
            "a chunked 20 MB upload past the budget gets 413 at once, nothing left behind",
            status == 413 and took < 5 and left == 0,
            f"{status} in {took:.2f} s, {left} bytes of temp files",
        )
        evil = {"Host": "evil.example", "Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}
        status, headers, _ = request(url, "/gradio_api/upload", "OPTIONS", headers=evil)
        ok = status == 400 and headers.get("Access-Control-Allow-Origin") is None and headers.get("X-Frame-Options")
        report(
            "OPTIONS with a foreign Host is refused, with the headers",
            bool(ok),
            f"{status}, ACAO={headers.get('Access-Control-Allow-Origin')}",
        )
        body = b'--qa\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\nhi\r\n--qa--\r\n'
        status, _, _ = request(
            url,
            "/gradio_api/upload",
            "POST",
            body,
            {"Content-Type": "multipart/form-data; boundary=qa", "Origin": "http://evil.example"},
        )
        report("an upload from a foreign Origin is refused", status == 403, str(status))
        status, headers, _ = request(url, "/gradio_api/nonexistent-route", "GET")
        report(
            "an error response carries the security headers",
            status >= 400 and bool(headers.get("Content-Security-Policy")),
            f"{status}, CSP={'yes' if headers.get('Content-Security-Policy') else 'no'}",
        )
        from gradio_client import Client

        client = Client(url + "/", verbose=False)
        fresh = client.predict("游泳池有几条泳道？", [], api_name="/ask")
        (folder / "gym.txt").write_text(GYM.replace("十条", "八条"), encoding="utf-8")
        stale = client.predict("游泳池有几条泳道？", [], api_name="/ask")
        report(
            "a source changed on disk is flagged in /ask",
            fresh["stale"] == [] and stale["stale"] == ["gym.txt"],
            str(stale["stale"]),
        )
    log = (work / "app.log").read_text()
    report("the server logged no traceback", "Traceback" not in log, f"{len(log.splitlines())} log lines")


def upload_case(work: Path, scale: float) -> None:
    """The docx bomb through the page's upload handler, in this process (as Gradio would call it)."""
    import resource

    from qa import QA
    from qa.page import ChatPage

    page = ChatPage(QA.from_path(index_dir=work / "upload-index", embed_model="none"))
    stored = work / "upload" / "report.docx"
    stored.parent.mkdir()
    bombs.docx_huge_text(stored, int(1.0e9 * scale))  # 1.1 GB would be 1.05 MB, over the page's 1 MB a file
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    began = time.monotonic()
    shelf = page.upload([str(stored)], None, "bombs", [])
    took = time.monotonic() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ok = "压缩炸弹" in shelf.note and took <= MAX_SECONDS and "bombs" not in [c for _, c in shelf.choices]
    report(
        "a docx bomb uploaded on the page is refused",
        ok,
        f"{took:.2f} s, peak {before:.0f} -> {peak:.0f} MB: {shelf.note[:200]}",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="bombs ten times smaller")
    args = parser.parse_args()
    scale = 0.1 if args.quick else 1.0
    with tempfile.TemporaryDirectory(prefix="qa-probe-") as tmp:
        work = Path(tmp)
        bomb_cases(work, scale)
        upload_case(work, scale)
        cli_cases(work)
        page_cases(work)
    print(f"{sum(results)}/{len(results)} passed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
