"""A fake OpenAI-compatible chat-completions server for the runner and judge tests.

It listens on 127.0.0.1 (port 0: the OS picks one), checks each request's shape (model,
messages with an image data URL, max_tokens), answers deterministically, and injects
faults on demand: ``add_faults(["429:0.2", "500", "drop"], match="q7")`` makes the next
three requests whose prompt contains "q7" fail in those ways, in that order.

Fault kinds: ``429[:retry_after]``, any other status code (``500``, ``503``, ``401``),
``timeout`` (sleep ``timeout_sleep_s`` before answering), ``redirect`` (a 307 back to the
same path), ``malformed`` (a 200 whose body is not JSON), ``drop`` (close the connection
without a response) and ``echo-auth`` (a 500 whose body repeats the Authorization header,
to test that errors are scrubbed).

:func:`tiny_dataset` builds a small benchmark-shaped ``datasets.Dataset`` in memory.

Run as a script (``python tests/fake_openai_server.py --latency 0.1``) it serves until
killed and prints ``PORT <n>`` first; the runner benchmark uses it that way, in its own
process.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import sys
import threading
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image

_DATA_URL = re.compile(r"data:image/(jpeg|png|webp|gif);base64,")

Responder = Callable[[str, dict[str, Any]], str]


_BASE64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_IMAGE_SLOT = "image-slot:"


def _is_base64(text: str) -> bool:
    """Strict base64 syntax (alphabet, padding, length), checked without decoding.

    Deleting the alphabet leaves only the stray characters (few or none), which keeps
    this check cheap on a 300 KB image.
    """
    if not text.isascii() or len(text) % 4:
        return False
    padding = 2 if text.endswith("==") else 1 if text.endswith("=") else 0
    return text.encode("ascii").translate(None, _BASE64_ALPHABET) == b"=" * padding


def _parse_body(raw: bytes) -> Any:
    """``json.loads(raw)``, but data URLs are cut out before parsing and put back after.

    Scanning a 300 KB image string is most of the cost of ``json.loads`` here, and the
    fake server shares the benchmark machine with the runner it measures.
    """
    pieces: list[bytes] = []
    urls: list[tuple[int, int]] = []  # where each data URL starts and ends in raw
    cut = search = 0
    # A key "url" cannot occur inside a JSON string (its quotes would be escaped there).
    while (key := raw.find(b'"url":', search)) >= 0:
        found = search = key + 6
        while raw[found : found + 1] in (b" ", b"\n", b"\t", b"\r"):
            found += 1
        end = raw.find(b'"', found + 1)
        if raw.startswith(b'"data:image/', found) and end > 0:
            pieces += [raw[cut : found + 1], f"{_IMAGE_SLOT}{len(urls)}".encode()]
            urls.append((found + 1, end))
            cut = search = end
    body = json.loads(b"".join([*pieces, raw[cut:]]) if urls else raw)
    if urls and isinstance(body, dict):
        for message in body.get("messages") or []:
            for part in message.get("content") or [] if isinstance(message, dict) else []:
                url = part.get("image_url", {}).get("url", "") if isinstance(part, dict) else ""
                if isinstance(url, str) and url.startswith(_IMAGE_SLOT):
                    start, end = urls[int(url[len(_IMAGE_SLOT) :])]
                    # Decoded straight from raw: one copy of the image rather than two.
                    part["image_url"]["url"] = str(memoryview(raw)[start:end], "ascii", "replace")
    return body


def default_responder(text: str, body: dict[str, Any]) -> str:
    """A deterministic answer in the format the prompt asks for, chosen by a hash of it."""
    pick = zlib.crc32(text.encode())
    if "Answer with True or False" in text:
        return ("True", "False")[pick % 2]
    letters = re.findall(r"^([A-Z])\. ", text, flags=re.MULTILINE)
    if letters:
        return f"The answer is {letters[pick % len(letters)]}."
    return "The face is sharp and evenly lit."


def _user_parts(body: dict[str, Any]) -> tuple[str, list[str]]:
    texts: list[str] = []
    images: list[str] = []
    for message in body.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            texts.append(content)
            continue
        for part in content or []:
            if part.get("type") == "text":
                texts.append(part.get("text", ""))
            elif part.get("type") == "image_url":
                images.append((part.get("image_url") or {}).get("url", ""))
    return "\n".join(texts), images


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # the default backlog of 5 drops connections when 32 clients start at once


class FakeOpenAIServer:
    """Start with ``with FakeOpenAIServer(...) as server:``; ``server.base_url`` ends in /v1."""

    def __init__(
        self,
        *,
        model: str | None = None,
        api_key: str | None = None,
        latency_s: float = 0.0,
        responder: Responder = default_responder,
        require_image: bool = True,
        timeout_sleep_s: float = 2.0,
        record_images: bool = False,
    ) -> None:
        self.model = model
        self.api_key = api_key
        self.latency_s = latency_s
        self.responder = responder
        self.require_image = require_image
        self.timeout_sleep_s = timeout_sleep_s
        self.record_images = record_images
        self.requests: list[dict[str, Any]] = []
        self.shape_errors: list[str] = []
        self._faults: list[tuple[str | None, list[str]]] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def add_faults(self, faults: list[str], match: str | None = None) -> None:
        """Fail the next requests whose prompt contains ``match`` (any request if None)."""
        with self._lock:
            self._faults.append((match, list(faults)))

    def answered(self) -> list[dict[str, Any]]:
        """The requests that got a normal answer."""
        with self._lock:
            return [request for request in self.requests if request["fault"] is None and request["ok"]]

    def __enter__(self) -> FakeOpenAIServer:
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _take_fault(self, text: str) -> str | None:
        with self._lock:
            for match, faults in self._faults:
                if faults and (match is None or match in text):
                    return faults.pop(0)
        return None

    def _shape_problems(self, body: Any, headers: Any) -> list[str]:
        if not isinstance(body, dict):
            return [f"body is not a JSON object: {type(body).__name__}"]
        problems = []
        if self.api_key is not None and headers.get("Authorization") != f"Bearer {self.api_key}":
            problems.append("missing or wrong Authorization header")
        if self.model is not None and body.get("model") != self.model:
            problems.append(f"model {body.get('model')!r} != {self.model!r}")
        max_tokens = body.get("max_tokens")
        if not isinstance(max_tokens, int) or max_tokens < 1:
            problems.append(f"max_tokens {max_tokens!r} is not a positive int")
        text, images = _user_parts(body)
        if not text:
            problems.append("no text in the messages")
        if self.require_image:
            if len(images) != 1 or not _DATA_URL.match(images[0]):
                problems.append(f"expected one image data URL, got {[url[:40] for url in images]}")
            else:
                if not _is_base64(images[0].partition(",")[2]):
                    problems.append("image data URL is not valid base64")
        return problems

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else delayed ACKs add ~40 ms to keep-alive requests

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(payload)

            def do_POST(self) -> None:
                received = time.monotonic()
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    body = _parse_body(raw)
                except ValueError:
                    body = None
                text, images = _user_parts(body) if isinstance(body, dict) else ("", [])
                fault = server._take_fault(text)
                problems = [] if fault else server._shape_problems(body, self.headers)
                record = {
                    "time": received,
                    "path": self.path,
                    "text": text,
                    "fault": fault,
                    "ok": not problems,
                    "body": {k: v for k, v in (body or {}).items() if k != "messages"},
                    "authorization": self.headers.get("Authorization"),
                    "image_urls": images if server.record_images else [url[:40] for url in images],
                }
                with server._lock:
                    server.requests.append(record)
                    server.shape_errors.extend(problems)
                if server.latency_s:
                    time.sleep(server.latency_s)
                if fault is not None:
                    self._fault(fault)
                elif self.path != "/v1/chat/completions":
                    self._send(404, b'{"error": {"message": "unknown path"}}')
                elif problems:
                    status = 401 if "Authorization" in problems[0] else 400
                    self._send(status, json.dumps({"error": {"message": "; ".join(problems)}}).encode())
                else:
                    answer = server.responder(text, body)
                    tokens = len(text.split())
                    completion = {
                        "id": f"chatcmpl-{len(server.requests)}",
                        "object": "chat.completion",
                        "model": body.get("model"),
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": answer},
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {
                            "prompt_tokens": tokens,
                            "completion_tokens": 3,
                            "total_tokens": tokens + 3,
                        },
                    }
                    self._send(200, json.dumps(completion).encode())

            def _fault(self, fault: str) -> None:
                kind, _, argument = fault.partition(":")
                if kind == "drop":
                    self.close_connection = True
                elif kind == "timeout":
                    time.sleep(server.timeout_sleep_s)
                    self.close_connection = True
                elif kind == "malformed":
                    self._send(200, b'{"choices": [{"message": ')
                elif kind == "echo-auth":  # a careless server that echoes the request's credentials
                    body = json.dumps({"error": {"message": f"bad auth {self.headers.get('Authorization')}"}})
                    self._send(500, body.encode())
                elif kind == "redirect":  # a misconfigured endpoint that points elsewhere
                    self._send(307, b"", {"Location": self.path})
                elif kind == "429":
                    self._send(429, b'{"error": {"message": "slow down"}}', {"Retry-After": argument or "0"})
                else:
                    self._send(int(kind), json.dumps({"error": {"message": f"injected {kind}"}}).encode())

        return Handler


def _image_bytes(index: int, image_format: str, size: tuple[int, int]) -> bytes:
    image = Image.new("RGB", size, ((50 * index) % 256, (90 * index) % 256, 120))
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return buffer.getvalue()


def tiny_dataset(images: int = 3, questions_per_image: int = 4, size: tuple[int, int] = (96, 64)) -> Any:
    """A benchmark-shaped Dataset: ids ``img<i>-q<j>``, JPEG images except every third (PNG).

    Each image gets questions of the four formats in turn. Ids are zero-padded
    (``img00-q00``) so that no id is a substring of another.
    """
    import datasets

    from qbench_portrait_lib.data.features import FEATURES

    formats = [
        ("single_choice", ["Sharp", "Slightly blurry", "Very blurry"], ["Sharp"]),
        ("multiple_choice", ["Noise", "Blur", "Banding"], ["Noise", "Blur"]),
        ("true_false", ["True", "False"], ["False"]),
        ("open_ended", [], ["The background is blurred."]),
    ]
    columns: dict[str, list[Any]] = {name: [] for name in FEATURES}
    for i in range(images):
        data = _image_bytes(i, "PNG" if i % 3 == 2 else "JPEG", size)
        for j in range(questions_per_image):
            question_type, options, answer = formats[j % len(formats)]
            columns["id"].append(f"img{i:02d}-q{j:02d}")
            columns["image_id"].append(f"img{i:02d}")
            columns["image"].append({"bytes": data, "path": None})
            columns["question"].append(f"Question img{i:02d}-q{j:02d} about the portrait?")
            columns["question_type"].append(question_type)
            columns["options"].append(options)
            columns["answer"].append(answer)
            columns["quality_dimension"].append("technical")
            columns["image_source"].append("natural")
            columns["level"].append("global")
            columns["attribute"].append("blur")
            columns["region"].append("")
    for name in ("question_type", "quality_dimension", "image_source", "level"):
        columns[name] = [FEATURES[name].str2int(value) for value in columns[name]]
    return datasets.Dataset.from_dict(columns, features=FEATURES)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.0, help="seconds to wait before each answer")
    arguments = parser.parse_args(argv)
    with FakeOpenAIServer(latency_s=arguments.latency) as server:
        print(f"PORT {server.port}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    sys.exit(main())
