"""The annotation page's web server: loopback only, its own routes only, its own origin only.

Routes: ``GET /`` (the page), ``GET /static/{app.js,app.css}``, ``GET /favicon.ico`` (none:
204), ``GET /api/state``,
``GET /api/questions/{index}``, ``GET /api/images/{index}`` (the portrait of the
question at that queue index: images are addressed by index, never by a path) and
``POST /api/answers/{index}``. Anything else is a 404 or 405.

Every request must carry the page's own ``Host`` (a DNS-rebinding page on another name
that resolves to 127.0.0.1 is refused), and an ``Origin``, when present, must be the
page's own; a POST must carry it. Answers are JSON. A content security policy forbids
inline scripts and any other origin.

>>> allowed_hosts("127.0.0.1", 8765)
['127.0.0.1:8765', 'localhost:8765']
>>> is_loopback("127.0.0.1"), is_loopback("0.0.0.0"), is_loopback("localhost")
(True, False, True)
"""

from __future__ import annotations

import asyncio
import io
import ipaddress
import json
import logging
import socket
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any

from aiohttp import web

from qbench_portrait_lib.annotate.answer_file import AnswerError, AnswerFile
from qbench_portrait_lib.annotate.progress import page_answer, progress
from qbench_portrait_lib.contract.errors import QBenchError

logger = logging.getLogger(__name__)

_STATIC = {"app.js": "text/javascript", "app.css": "text/css", "index.html": "text/html"}
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_IMAGE_TYPES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_MAX_BODY = 64 * 1024
ANSWERS = web.AppKey("answers", AnswerFile)
HOSTS = web.AppKey("hosts", frozenset)
STATIC = web.AppKey("static", dict)


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, port: int) -> list[str]:
    """The ``Host`` headers the page may send: the bound address (and ``localhost`` for loopback)."""
    name = f"[{host}]" if ":" in host else host
    hosts = [f"{name}:{port}"]
    if is_loopback(host) and host != "localhost":
        hosts.append(f"localhost:{port}")
    return hosts


def image_response_body(data: bytes) -> tuple[bytes, str]:
    """The image bytes as stored when the browser shows them (PNG, JPEG, GIF, WebP), else a PNG.

    A conversion is lossless (PNG of the decoded pixels), so what the person judges is the
    stored image.

    >>> image_response_body(b"\\x89PNG\\r\\n\\x1a\\n...")[1]
    'image/png'
    """
    for magic, content_type in _IMAGE_TYPES:
        if data.startswith(magic):
            return data, content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return data, "image/webp"
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
    return buffer.getvalue(), "image/png"


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


@web.middleware
async def _guard(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Refuse foreign Host/Origin headers; add the security headers to every answer."""
    hosts = request.app[HOSTS]
    origin = request.headers.get("Origin")
    if request.host not in hosts:
        logger.warning("refused a request for Host %r", request.host)
        response: web.StreamResponse = _error(403, f"unexpected Host header {request.host!r}")
    elif origin is not None and origin not in {f"http://{host}" for host in hosts}:
        logger.warning("refused a request from Origin %r", origin)
        response = _error(403, f"unexpected Origin header {origin!r}")
    elif request.method == "POST" and origin is None:
        response = _error(403, "a POST must carry the page's Origin header")
    else:
        try:
            response = await handler(request)
        except web.HTTPException as error:
            response = _error(error.status, error.reason)
    response.headers["Content-Security-Policy"] = _CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _index(request: web.Request) -> int:
    """The queue index in the URL; 404 when it is not one."""
    text = request.match_info["index"]
    answers = request.app[ANSWERS]
    if not text.isdigit() or int(text) >= len(answers.queue):
        raise web.HTTPNotFound(reason=f"no question at index {text!r} (0..{len(answers.queue) - 1})")
    return int(text)


async def _page(request: web.Request) -> web.Response:
    name = request.match_info.get("name", "index.html")
    if name not in request.app[STATIC]:
        raise web.HTTPNotFound(reason=f"no file {name!r}")
    return web.Response(body=request.app[STATIC][name], content_type=_STATIC[name], charset="utf-8")


async def _no_icon(request: web.Request) -> web.Response:
    return web.Response(status=204)


async def _state(request: web.Request) -> web.Response:
    answers = request.app[ANSWERS]
    return web.json_response({"annotator": answers.model, **progress(answers.queue, answers.records)})


async def _question(request: web.Request) -> web.Response:
    index = _index(request)
    answers = request.app[ANSWERS]
    question = answers.queue[index]
    record = answers.records.get(question.id)
    answer = page_answer(question, record.response if record else None)
    return web.json_response({"index": index, **question.as_json(), "answer": answer})


async def _image(request: web.Request) -> web.Response:
    index = _index(request)
    body, content_type = image_response_body(request.app[ANSWERS].queue.image(index))
    return web.Response(
        body=body, content_type=content_type, headers={"Cache-Control": "private, max-age=3600"}
    )


async def _answer(request: web.Request) -> web.Response:
    index = _index(request)
    answers = request.app[ANSWERS]
    if request.content_type != "application/json":
        return _error(415, f"expected application/json, got {request.content_type!r}")
    try:
        payload = json.loads(await request.text())
    except ValueError:
        return _error(400, "the body is not valid JSON")
    question = answers.queue[index]
    if not isinstance(payload, dict) or payload.get("id") != question.id:
        got = payload.get("id") if isinstance(payload, dict) else payload
        return _error(409, f"question {index} is {question.id!r}, the answer is for {got!r:.80}")
    try:
        record = answers.answer(index, payload)
    except AnswerError as error:
        return _error(400, str(error))
    logger.info("%s: %s -> %r", answers.path, record.id, record.response)
    state = progress(answers.queue, answers.records, after=index)
    return web.json_response({"annotator": answers.model, **state})


def build_app(answers: AnswerFile, hosts: list[str]) -> web.Application:
    """The aiohttp application serving ``answers`` to a page reached through ``hosts``."""
    app = web.Application(middlewares=[_guard], client_max_size=_MAX_BODY)
    app[ANSWERS] = answers
    app[HOSTS] = frozenset(hosts)
    folder = resources.files("qbench_portrait_lib.annotate") / "static"
    app[STATIC] = {name: (folder / name).read_bytes() for name in _STATIC}
    app.router.add_get("/", _page)
    app.router.add_get("/static/{name}", _page)
    app.router.add_get("/favicon.ico", _no_icon)
    app.router.add_get("/api/state", _state)
    app.router.add_get("/api/questions/{index}", _question)
    app.router.add_get("/api/images/{index}", _image)
    app.router.add_post("/api/answers/{index}", _answer)
    return app


def check_host(host: str, *, allow_remote: bool = False) -> str:
    """``host`` if it is a loopback address or ``allow_remote`` says another is meant.

    >>> check_host("0.0.0.0")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qbench_portrait_lib.contract.errors.QBenchError: refusing to serve ... on '0.0.0.0': ... really mean it
    """
    if not is_loopback(host) and not allow_remote:
        raise QBenchError(
            f"refusing to serve the annotation page on {host!r}: it would expose the dataset and the "
            f"answer file to the network; use 127.0.0.1, or pass --allow-remote if you really mean it"
        )
    return host


def bind(host: str, port: int, *, allow_remote: bool = False) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port); non-loopback needs ``allow_remote``."""
    check_host(host, allow_remote=allow_remote)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as error:
        sock.close()
        raise QBenchError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    sock.listen(64)
    return sock


def serve(answers: AnswerFile, sock: socket.socket, on_ready: Callable[[str], Any] | None = None) -> None:
    """Serve the page on ``sock`` until interrupted; ``on_ready(url)`` is called once listening."""
    host, port = sock.getsockname()[:2]
    hosts = allowed_hosts(host, port)
    app = build_app(answers, hosts)

    async def run() -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.SockSite(runner, sock).start()
        if on_ready is not None:
            on_ready(f"http://{hosts[0]}/")
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        logger.info("annotation server stopped")
