"""HTTP hardening for the served page: a Host allow-list, request-body caps, an upload budget and intake, headers.

`Guard` is plain ASGI, so it sits in front of the FastAPI app Gradio builds (`launch(app_kwargs={"middleware":
[...]})`) without importing a web framework here. Every refusal is one JSON line, `{"detail": "..."}`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("qa")

MAX_BODY = 64 * 1024  # a question and 20 earlier ones, JSON-escaped, fit in ~63 KB
UPLOAD_PATH = "/gradio_api/upload"
DRAIN = 4 * 2**20  # body bytes read and dropped before a 413, so a client still sending gets to read it
LOOPBACK = ("localhost", "127.0.0.1", "::1")

# What the Gradio page itself needs: inline scripts (its config, our citation script) and styles, and eval
# (gr.HTML renders its template with `new Function`; without it the title and letter panel stay empty).
# The rest shuts the doors an injection would use: no other origin to load from or send to, no plugins,
# no framing, no <base> or form target elsewhere.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "media-src 'self' data: blob:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
)


class UploadBudget:
    """A cap on the bytes of uploads the server holds at once: the files Gradio stored and not yet taken.

    `files` is the set Gradio records its stored uploads in (`Blocks.upload_file_set`), shared, not copied;
    a file counts until it is deleted, by `take_upload` or by Gradio's `delete_cache` sweep.
    """

    def __init__(self, max_bytes: int, files: set[str]) -> None:
        if max_bytes < 1:
            raise ValueError(f"upload budget {max_bytes} must be positive")
        self.max_bytes = max_bytes
        self.files = files
        self._reserved = 0  # bodies of uploads still arriving

    def held(self) -> int:
        """Bytes of stored uploads that still exist."""
        total = 0
        for name in tuple(self.files):  # a snapshot: Gradio's sweep edits the set from a worker thread
            with contextlib.suppress(OSError):
                total += Path(name).stat().st_size
        return total

    def remaining(self) -> int:
        return max(0, self.max_bytes - self.held() - self._reserved)

    @contextlib.contextmanager
    def reserve(self, size: int) -> Iterator[None]:
        """Count an arriving body of `size` bytes against the budget while it is received."""
        self._reserved += size
        try:
            yield
        finally:
            self._reserved -= size


def take_upload(path: str | Path) -> bytes:
    """Read an uploaded file and delete it (and its now-empty per-upload folder), freeing the upload budget."""
    file = Path(path)
    try:
        return file.read_bytes()
    finally:
        file.unlink(missing_ok=True)
        # Gradio stores each upload in a folder named by its hash; rmdir only ever removes an empty one.
        with contextlib.suppress(OSError):
            file.parent.rmdir()


def take_uploads(paths: Iterable[str | Path], folder: Path) -> list[Path]:
    """Move uploaded files into `folder`, each keeping its own name, and free their upload budget.

    Every file is taken even when another cannot be: one that fails to move is deleted instead, so a failed
    upload never holds the budget. Each lands in its own numbered subfolder, so two files of the same name
    stay two files (the caller decides what to do about that).
    """
    taken: list[Path] = []
    for n, path in enumerate(paths):
        source = Path(path)
        target = folder / str(n) / source.name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(source, target)
            taken.append(target)
        except OSError:
            source.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            source.parent.rmdir()  # Gradio's per-upload folder, once empty
    return taken


def allowed_hosts(bind: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The Host names served: loopback, the bind address, and `extra` (e.g. the name a LAN uses)."""
    return frozenset(bare(h) for h in (*LOOPBACK, bind, *extra) if h.strip())


def bare(host: str) -> str:
    """`host` without its port and IPv6 brackets, lower-cased: `[::1]:7860` -> `::1`."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        return host.split(":", 1)[0]
    return host


class Guard:
    """ASGI middleware, outermost: refuse unknown Hosts (400), foreign Origins (403) and oversized bodies (413),
    answer a failing app with one JSON line (500), and put the security headers on every response.

    API and page calls may send `max_body` bytes; uploads to `UPLOAD_PATH` may send what `uploads` has left
    (Gradio still applies its per-file cap). A body sent without Content-Length (chunked) is read here, up to
    its cap, before the app sees any of it: past the cap it is refused at once and the app never starts
    (Gradio would otherwise have written temp files for an upload it never finishes).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        hosts: Iterable[str],
        max_body: int = MAX_BODY,
        uploads: UploadBudget | None = None,
        head: str = "",
    ) -> None:
        self.app = app
        self.hosts = frozenset(bare(h) for h in hosts)
        self.max_body = max_body
        self.uploads = uploads
        self.head = head.encode()  # put first in the <head> of the page (GET /), so it runs before any of its scripts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "http":
            send = _with_security_headers(send)
        refusal = self._refusal(scope)
        if refusal is not None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            else:
                await _refuse(send, *refusal)
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        if self.head and scope.get("method") == "GET" and scope["path"] == "/":
            # The page uncompressed, so that the snippet can go in; it is small and served once per visit.
            scope = {
                **scope,
                "headers": [(k, v) for k, v in scope["headers"] if bytes(k).lower() != b"accept-encoding"],
            }
            send = _inserting_head(send, self.head)
        upload = self.uploads is not None and scope["path"] == UPLOAD_PATH
        limit = self.uploads.remaining() if self.uploads is not None and upload else self.max_body
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _drain(receive)
            await _refuse(send, 413, self._too_large(upload))
            return
        if declared is None and _has_body(scope):
            body = await _read_capped(receive, limit)
            if body is None:
                await _refuse(send, 413, self._too_large(upload))
                return
            receive = _replaying(body, receive)
            declared = sum(len(m.get("body", b"")) for m in body)
        if upload and self.uploads is not None:
            with self.uploads.reserve(declared or 0):
                await self._run(scope, receive, send)
        else:
            await self._run(scope, receive, send)

    def _refusal(self, scope: Scope) -> tuple[int, str] | None:
        """Why this request is refused before the app sees it, or None."""
        host = bare(_header(scope, b"host"))
        if host not in self.hosts:
            shown = host or "(none)"
            return 400, f"Host {shown!r} is not served here: start app.py with --allowed-host {shown}"
        origin = _header(scope, b"origin")
        # A browser names the page a request comes from; one from another site (a page the user happens to
        # visit) must not upload, ask or change anything here. Scripts and gradio_client send no Origin.
        if origin and _origin_host(origin) not in self.hosts:
            return 403, f"requests from {origin[:100]!r} are refused: open the page itself to use it"
        return None

    def _too_large(self, upload: bool) -> str:
        if upload and self.uploads is not None:
            budget = self.uploads.max_bytes / 2**20
            return f"uploads are capped at {budget:.0f} MB in all: wait until earlier ones are read"
        return f"request body over the {self.max_body // 1024} KB limit: send a shorter question and history"

    async def _run(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The app; an exception it lets out becomes one 500 line (with the headers), logged in one line."""
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            log.error("%s %s failed: %s: %s", scope.get("method", ""), scope.get("path", ""), type(exc).__name__, exc)
            if not started:
                await _refuse(send, 500, "the server failed on this request; it is logged")


def outermost(**options: Any) -> Callable[[Any], contextlib.AbstractAsyncContextManager[None]]:
    """A FastAPI `lifespan` that puts a `Guard(**options)` around the app's whole middleware stack.

    Middleware passed to FastAPI runs inside Starlette's error handler and inside whatever the app adds later
    (Gradio adds its CORS middleware, which answered `OPTIONS` from any Host before the guard saw it), so
    the guard replaces the built stack at startup, before the server takes its first request.
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        app.middleware_stack = Guard(app.middleware_stack or app.build_middleware_stack(), **options)
        yield

    return lifespan


def _inserting_head(send: Send, snippet: bytes) -> Send:
    """A `send` that puts `snippet` right after `<head>` in an HTML response (its Content-Length fixed)."""
    start: Message | None = None
    body: list[bytes] = []

    async def sending(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            named = {bytes(k).lower(): bytes(v) for k, v in message.get("headers", ())}
            if not named.get(b"content-type", b"").startswith(b"text/html") or b"content-encoding" in named:
                await send(message)
                return
            start = message
            return
        if start is None or message["type"] != "http.response.body":
            await send(message)
            return
        body.append(message.get("body", b""))
        if message.get("more_body"):
            return
        page = b"".join(body)
        at = page.find(b"<head>")
        page = page[: at + 6] + snippet + page[at + 6 :] if at >= 0 else page
        headers = [(k, v) for k, v in start.get("headers", ()) if bytes(k).lower() != b"content-length"]
        await send({**start, "headers": [*headers, (b"content-length", str(len(page)).encode())]})
        await send({"type": "http.response.body", "body": page})

    return sending


def _origin_host(origin: str) -> str:
    """`http://localhost:7860` -> `localhost`; '' for `null` and anything without a host."""
    return bare(urlsplit(origin.strip()).netloc.rsplit("@", 1)[-1]) if "://" in origin else ""


def _has_body(scope: Scope) -> bool:
    return scope.get("method", "GET") not in ("GET", "HEAD", "OPTIONS") or bool(_header(scope, b"transfer-encoding"))


async def _read_capped(receive: Receive, limit: int) -> list[Message] | None:
    """The body's messages, or None once more than `limit` bytes arrived (the rest drained, when it comes)."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages  # the client went away: the app sees that too
        size += len(message.get("body", b""))
        if size > limit:
            if message.get("more_body"):
                await _drain(receive)
            return None
        if not message.get("more_body"):
            return messages


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    """A `receive` that gives the buffered body first, then whatever the connection says next."""
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


def _content_length(scope: Scope) -> int | None:
    value = _header(scope, b"content-length")
    return int(value) if value.strip().isdigit() else None


def _with_security_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            present = {bytes(k).lower() for k, _ in headers}
            headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
            message["headers"] = headers
        await send(message)

    return sending


async def _drain(receive: Receive) -> None:
    """Read and drop the rest of the body, up to `DRAIN` bytes.

    A server that answers and closes while the client still sends makes most clients report a broken pipe
    instead of the 413; past `DRAIN` that is what they get.
    """
    dropped = 0
    while dropped <= DRAIN:
        message = await receive()
        if message["type"] != "http.request":
            return
        dropped += len(message.get("body", b""))
        if not message.get("more_body"):
            return


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
