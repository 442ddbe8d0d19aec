"""Every fault the fake server injects is retried or recorded; the API key leaks nowhere."""

from __future__ import annotations

import asyncio
import logging
import re
import socket

import datasets
import pytest
from fake_openai_server import FakeOpenAIServer, tiny_dataset

from qbench_portrait_lib.run.client import (
    ChatClient,
    ChatEndpoint,
    ChatRequestError,
    RetryPolicy,
    env_proxy,
    parse_retry_after,
)
from qbench_portrait_lib.run.predictions import read_predictions
from qbench_portrait_lib.run.runner import RunConfig, RunStopped, run_predictions

FAST_RETRY = RetryPolicy(max_attempts=3, backoff_base_s=0.01, backoff_max_s=0.02)
SECRET = "sk-test-8f3a1c9e-do-not-leak"


@pytest.fixture(scope="module")
def dataset():
    return tiny_dataset(images=2, questions_per_image=3)


def run(dataset, out, server, api_key=None, **overrides):
    settings = {"base_url": server.base_url, "model": "fake-vlm", "concurrency": 3, "retry": FAST_RETRY}
    config = RunConfig(**{**settings, **overrides})
    return run_predictions(dataset, out, config, api_key=api_key, progress=False)


@pytest.mark.parametrize("fault", ["429:0", "500", "503", "timeout", "malformed", "drop"])
def test_a_transient_fault_is_retried_and_the_answer_recorded(dataset, tmp_path, fault):
    target = dataset["id"][1]
    with FakeOpenAIServer(timeout_sleep_s=0.6) as server:
        server.add_faults([fault, fault], match=target)
        summary = run(dataset, tmp_path / "p.jsonl", server, timeout_s=0.3)
    attempts = [request for request in server.requests if target in request["text"]]
    assert [request["fault"] for request in attempts] == [fault, fault, None]
    assert (summary.succeeded, summary.failed, summary.retries) == (6, 0, 2)
    assert read_predictions(tmp_path / "p.jsonl")[target].response


def test_retry_after_is_honoured(dataset, tmp_path):
    target = dataset["id"][0]
    with FakeOpenAIServer() as server:
        server.add_faults(["429:0.4"], match=target)
        run(dataset, tmp_path / "p.jsonl", server, retry=RetryPolicy(max_attempts=2, backoff_base_s=0.0))
    first, second = (request["time"] for request in server.requests if target in request["text"])
    assert second - first >= 0.4


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2", 2.0), ("0.25", 0.25), ("-4", 0.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("", None)],
)
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value) == expected


def test_backoff_grows_exponentially_with_bounded_deterministic_jitter():
    policy = RetryPolicy(backoff_base_s=0.5, backoff_max_s=3.0, jitter_fraction=0.2)
    delays = [policy.backoff_s(attempt, key="q7") for attempt in range(1, 6)]
    assert delays == [policy.backoff_s(attempt, key="q7") for attempt in range(1, 6)]
    for delay, base in zip(delays, [0.5, 1.0, 2.0, 3.0, 3.0], strict=True):
        assert base <= delay <= base * 1.2
    with pytest.raises(ValueError, match=r"max_attempts must be at least 1, got 0"):
        RetryPolicy(max_attempts=0)


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("500", r"^HTTP 500: .*injected 500.* \(gave up after 3 attempts\)$"),
        ("timeout", r"^timed out after 0.2 s \(\w*TimeoutError\) \(gave up after 3 attempts\)$"),
        ("drop", r"^connection failed \(ServerDisconnectedError: .*\(gave up after 3 attempts\)$"),
        ("malformed", r"^unreadable completion \(JSONDecodeError: .*\(gave up after 3 attempts\)$"),
    ],
)
def test_a_request_that_keeps_failing_is_recorded_with_its_error(dataset, tmp_path, fault, message):
    target = dataset["id"][4]
    with FakeOpenAIServer(timeout_sleep_s=0.4) as server:
        server.add_faults([fault] * 3, match=target)
        summary = run(dataset, tmp_path / "p.jsonl", server, timeout_s=0.2)
    records = read_predictions(tmp_path / "p.jsonl")
    assert len(records) == 6 and (summary.succeeded, summary.failed) == (5, 1)
    assert records[target].response is None
    assert re.match(message, records[target].error)


def test_a_client_error_is_not_retried(dataset, tmp_path):
    target = dataset["id"][2]
    with FakeOpenAIServer() as server:
        server.add_faults(["400"], match=target)
        run(dataset, tmp_path / "p.jsonl", server)
    assert sum(target in request["text"] for request in server.requests) == 1
    assert read_predictions(tmp_path / "p.jsonl")[target].error.startswith("HTTP 400 from http://127.0.0.1:")


def test_a_redirect_is_reported_not_followed(dataset, tmp_path):
    target = dataset["id"][1]
    with FakeOpenAIServer() as server:
        server.add_faults(["redirect"], match=target)
        run(dataset, tmp_path / "p.jsonl", server)
    assert sum(target in request["text"] for request in server.requests) == 1
    error = read_predictions(tmp_path / "p.jsonl")[target].error
    assert re.match(r"HTTP 307 from http://127\.0\.0\.1:\d+/v1/chat/completions: redirected to /v1/", error)


def test_a_refused_key_stops_the_run(dataset, tmp_path):
    with (
        FakeOpenAIServer(api_key=SECRET) as server,
        pytest.raises(RunStopped, match=r"HTTP 401 .* refused the API key\. 0 of 6 answers are saved"),
    ):
        run(dataset, tmp_path / "p.jsonl", server, api_key="sk-wrong")


def test_the_api_key_is_sent_but_never_written_or_logged(dataset, tmp_path, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "p.jsonl"
    with FakeOpenAIServer(api_key=SECRET) as server:
        server.add_faults(["echo-auth"] * 3, match=dataset["id"][0])
        server.add_faults(["echo-auth", "429:0"], match=dataset["id"][3])
        summary = run(dataset, out, server, api_key=SECRET)
    assert server.shape_errors == []
    assert {request["authorization"] for request in server.requests} == {f"Bearer {SECRET}"}
    assert (summary.succeeded, summary.failed) == (5, 1)
    error = read_predictions(out)[dataset["id"][0]].error
    assert "bad auth Bearer ***" in error
    captured = capsys.readouterr()
    for text in (out.read_text(), caplog.text, captured.out, captured.err):
        assert SECRET not in text
    assert "retrying" in caplog.text  # the retries were logged, just not the key


def test_an_unreadable_image_fails_its_questions_only(tmp_path):
    dataset = tiny_dataset(images=2, questions_per_image=2)
    broken = dataset.cast_column("image", datasets.Image(decode=False)).map(
        lambda row: {"image": {"bytes": b"not a JPEG", "path": None}} if row["image_id"] == "img01" else {}
    )
    with FakeOpenAIServer() as server:
        summary = run(broken, tmp_path / "p.jsonl", server)
    records = read_predictions(tmp_path / "p.jsonl")
    assert (summary.succeeded, summary.failed, len(server.requests)) == (2, 2, 2)
    for question_id in ("img01-q00", "img01-q01"):
        assert records[question_id].error.startswith(
            "image 'img01' could not be encoded: expected image bytes"
        )


async def _complete_once(base_url: str) -> None:
    async with ChatClient(
        ChatEndpoint(base_url), retry=RetryPolicy(max_attempts=2, backoff_base_s=0.0)
    ) as client:
        await client.complete({"model": "m", "messages": []}, key="q")


def test_a_refused_connection_is_retried_then_reported():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ChatRequestError, match=r"^connection failed \(\w+: .*gave up after 2 attempts"):
        asyncio.run(_complete_once(f"http://127.0.0.1:{port}/v1"))


def test_requests_go_through_the_proxy_the_environment_names(monkeypatch):
    for scheme in ("http", "https", "all", "no"):
        monkeypatch.delenv(f"{scheme}_proxy", raising=False)
        monkeypatch.delenv(f"{scheme.upper()}_PROXY", raising=False)
    with FakeOpenAIServer() as proxy:
        monkeypatch.setenv("HTTP_PROXY", f"http://me:s%40cret@127.0.0.1:{proxy.port}")
        monkeypatch.setenv("NO_PROXY", "localhost")
        assert env_proxy("http://localhost:8000/v1/chat/completions") is None
        # The fake server, standing in for the proxy, sees the full URL and answers 404.
        with pytest.raises(
            ChatRequestError, match=r"^HTTP 404 from http://upstream.invalid/v1/chat/completions"
        ):
            asyncio.run(_complete_once("http://upstream.invalid/v1"))
    assert [request["path"] for request in proxy.requests] == ["http://upstream.invalid/v1/chat/completions"]
