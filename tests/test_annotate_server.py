"""The annotation server's guards, on a real socket (no browser): Host, Origin, routes, images."""

from __future__ import annotations

import asyncio
import http.client
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from click.testing import CliRunner
from PIL import Image

from qbench_portrait_lib.annotate.answer_file import AnswerFile
from qbench_portrait_lib.annotate.queue import QuestionQueue
from qbench_portrait_lib.annotate.server import allowed_hosts, bind, build_app, image_response_body
from qbench_portrait_lib.cli import cli

ROWS = [
    {"id": "q1", "question": "Sharp?", "question_type": "single_choice", "options": ["Yes", "No"],
     "quality_dimension": "technical", "answer": ["Yes"]},
    {"id": "q2", "question": "Noisy.", "question_type": "true_false", "options": ["True", "False"],
     "quality_dimension": "aigc", "answer": ["False"]},
]  # fmt: skip


def png(size: tuple[int, int] = (8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def tiff() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (5, 4), (200, 20, 30)).save(buffer, format="TIFF")
    return buffer.getvalue()


def make_answers(tmp_path: Path) -> AnswerFile:
    images = [{"image": {"bytes": png(), "path": None}}, {"image": {"bytes": tiff(), "path": None}}]
    return AnswerFile(tmp_path / "ann.jsonl", "ann", QuestionQueue.from_rows(ROWS, dataset=images))


def with_server(answers: AnswerFile, client: Callable[[int], Any]) -> Any:
    """Serve ``answers`` on a free loopback port and run ``client(port)`` in a thread."""

    async def run() -> Any:
        sock = bind("127.0.0.1", 0)
        port = sock.getsockname()[1]
        runner = web.AppRunner(build_app(answers, allowed_hosts("127.0.0.1", port)))
        await runner.setup()
        await web.SockSite(runner, sock).start()
        try:
            return await asyncio.to_thread(client, port)
        finally:
            await runner.cleanup()

    return asyncio.run(run())


def request(port: int, method: str, path: str, headers: dict[str, str], body: bytes | None = None):
    """One raw request with exactly these headers (``Host`` included); (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_only_the_pages_own_host_and_origin_are_answered(tmp_path: Path) -> None:
    def client(port: int) -> None:
        own = {"Host": f"127.0.0.1:{port}"}
        status, headers, body = request(port, "GET", "/api/state", own)
        assert status == 200 and json.loads(body)["total"] == 2
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert request(port, "GET", "/", {"Host": f"localhost:{port}"})[0] == 200
        # DNS rebinding: a foreign name resolving to 127.0.0.1 sends its own Host
        for host in (f"attacker.example:{port}", "127.0.0.1", f"127.0.0.1:{port + 1}"):
            status, _, body = request(port, "GET", "/api/questions/0", {"Host": host})
            assert status == 403 and b"unexpected Host" in body, host
        status, _, body = request(port, "GET", "/api/state", {**own, "Origin": "http://attacker.example"})
        assert status == 403 and b"unexpected Origin" in body
        answer = json.dumps({"id": "q1", "choice": ["A"], "latency_s": 1.5}).encode()
        json_type = {"Content-Type": "application/json"}
        status, _, body = request(port, "POST", "/api/answers/0", {**own, **json_type}, answer)
        assert status == 403 and b"must carry" in body
        origin = {"Origin": f"http://127.0.0.1:{port}"}
        form = {"Content-Type": "text/plain"}
        assert request(port, "POST", "/api/answers/0", {**own, **origin, **form}, answer)[0] == 415
        assert request(port, "POST", "/api/answers/0", {**own, **origin, **json_type}, answer)[0] == 200

    answers = make_answers(tmp_path)
    with_server(answers, client)
    assert answers.records["q1"].response == "A"
    assert [json.loads(line)["id"] for line in answers.path.read_text().splitlines()] == ["q1"]


def test_only_its_own_routes_and_images_by_index(tmp_path: Path) -> None:
    def client(port: int) -> None:
        own = {"Host": f"127.0.0.1:{port}"}
        for path in (
            "/etc/passwd",
            "/static/server.py",
            "/static/..%2fserver.py",
            "/api/images/2",
            "/api/images/-1",
            "/api/images/..%2f..%2fetc%2fpasswd",
            "/api/questions/x",
            "/api/answers",
        ):
            assert request(port, "GET", path, own)[0] == 404, path
        assert request(port, "PUT", "/api/state", own)[0] == 405
        status, _, body = request(port, "GET", "/api/questions/0", own)
        question = json.loads(body)
        assert status == 200 and "answer" in question and question["answer"] is None
        assert "Yes" not in json.dumps(question["answer"])  # the reference answer never reaches the page
        status, headers, body = request(port, "GET", "/api/images/0", own)
        assert status == 200 and headers["Content-Type"] == "image/png" and body == png()
        status, headers, body = request(port, "GET", "/api/images/1", own)  # TIFF: converted losslessly
        assert headers["Content-Type"] == "image/png"
        assert Image.open(io.BytesIO(body)).tobytes() == Image.open(io.BytesIO(tiff())).tobytes()

    with_server(make_answers(tmp_path), client)


def test_bad_answers_are_refused_with_the_reason(tmp_path: Path) -> None:
    def client(port: int) -> list[tuple[int, str]]:
        headers = {
            "Host": f"127.0.0.1:{port}",
            "Origin": f"http://127.0.0.1:{port}",
            "Content-Type": "application/json",
        }
        results = []
        for payload in (
            {"id": "q2", "choice": ["A"], "latency_s": 1},  # stale page: question 0 is q1
            {"id": "q1", "choice": ["A", "B"], "latency_s": 1},
            {"id": "q1", "choice": ["C"], "latency_s": 1},
            {"id": "q1", "choice": ["A"], "latency_s": -3},
            {"id": "q1", "text": "yes", "latency_s": 1},
        ):
            status, _, body = request(port, "POST", "/api/answers/0", headers, json.dumps(payload).encode())
            results.append((status, json.loads(body)["error"]))
        status, _, body = request(port, "POST", "/api/answers/0", headers, b"{not json")
        results.append((status, json.loads(body)["error"]))
        return results

    answers = make_answers(tmp_path)
    results = with_server(answers, client)
    assert [status for status, _ in results] == [409, 400, 400, 400, 400, 400]
    assert "question 0 is 'q1'" in results[0][1]
    assert "expected exactly one choice" in results[1][1]
    assert "expected choices among ['A', 'B'], got ['C']" in results[2][1]
    assert "latency_s" in results[3][1]
    assert "expected 'choice' to be a list" in results[4][1]
    assert "not valid JSON" in results[5][1]
    assert not answers.path.exists()


def test_image_types_the_browser_shows_are_served_as_stored() -> None:
    assert image_response_body(png()) == (png(), "image/png")
    jpeg = io.BytesIO()
    Image.new("RGB", (4, 4)).save(jpeg, format="JPEG", quality=30)
    assert image_response_body(jpeg.getvalue()) == (jpeg.getvalue(), "image/jpeg")


def test_the_command_refuses_a_non_loopback_address(tmp_path: Path) -> None:
    args = ["annotate", "--dataset", "sample", "--out", str(tmp_path / "a.jsonl")]
    result = CliRunner().invoke(cli, [*args, "--annotator", "ann", "--host", "0.0.0.0"])
    assert result.exit_code == 1
    assert "refusing to serve the annotation page on '0.0.0.0'" in result.output
    result = CliRunner().invoke(cli, [*args, "--annotator", "a b"])
    assert result.exit_code == 1 and "annotator name must be" in result.output


def test_bind_refuses_a_non_loopback_address_without_the_flag() -> None:
    with pytest.raises(ValueError, match="pass --allow-remote"):
        bind("192.0.2.1", 0)
