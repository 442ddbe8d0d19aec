"""The runner against the fake server: request shape, output lines, image reuse, resuming."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from fake_openai_server import FakeOpenAIServer, _is_base64, _parse_body, tiny_dataset

from qbench_portrait_lib.contract.prompt import PROMPT_VERSION, render_prompt
from qbench_portrait_lib.run.client import RetryPolicy
from qbench_portrait_lib.run.image_encoding import decoded_size
from qbench_portrait_lib.run.predictions import read_predictions
from qbench_portrait_lib.run.runner import (
    RunConfig,
    RunnerError,
    build_chat_request,
    encode_chat_request,
    run_predictions,
)

FAST_RETRY = RetryPolicy(max_attempts=4, backoff_base_s=0.01, backoff_max_s=0.05)


def config_for(server: FakeOpenAIServer, **overrides) -> RunConfig:
    settings = {"base_url": server.base_url, "model": "fake-vlm", "concurrency": 4, "retry": FAST_RETRY}
    return RunConfig(**{**settings, **overrides})


@pytest.fixture(scope="module")
def dataset():
    return tiny_dataset(images=4, questions_per_image=5)


def test_every_question_is_asked_once_with_prompt_image_and_settings(dataset, tmp_path):
    out = tmp_path / "predictions.jsonl"
    with FakeOpenAIServer(model="fake-vlm") as server:
        summary = run_predictions(
            dataset, out, config_for(server, max_tokens=32, temperature=0.2), progress=False
        )
    assert server.shape_errors == []
    rows = {row["id"]: row for row in dataset.select_columns(["id", "question", "question_type", "options"])}
    assert sorted(request["text"] for request in server.requests) == sorted(
        render_prompt(r) for r in rows.values()
    )
    assert {request["body"]["max_tokens"] for request in server.requests} == {32}
    assert {request["body"]["temperature"] for request in server.requests} == {0.2}
    # img02 is a PNG in tiny_dataset; the others are JPEGs, passed through with their own type.
    for request in server.requests:
        image_id = request["text"].split()[1].split("-")[0]
        mime = "image/png" if image_id == "img02" else "image/jpeg"
        assert request["image_urls"][0].startswith(f"data:{mime};base64,")
    records = read_predictions(out)
    assert set(records) == set(rows)
    for record in records.values():
        assert record.ok and record.response and record.model == "fake-vlm"
        assert record.prompt_version == PROMPT_VERSION
        assert record.usage["total_tokens"] > 0 and record.latency_s >= 0
    assert (summary.questions, summary.attempted, summary.succeeded, summary.failed) == (20, 20, 20, 0)
    assert summary.image_encodings == summary.distinct_images == 4
    assert summary.http_attempts == 20 and summary.retries == 0


def test_image_max_side_downscales_what_is_sent(tmp_path):
    dataset = tiny_dataset(images=2, questions_per_image=2, size=(120, 80))
    with FakeOpenAIServer(record_images=True) as server:
        run_predictions(dataset, tmp_path / "p.jsonl", config_for(server, image_max_side=60), progress=False)
    assert {decoded_size(request["image_urls"][0]) for request in server.requests} == {(60, 40)}


def test_limit_asks_only_the_first_questions(dataset, tmp_path):
    with FakeOpenAIServer() as server:
        summary = run_predictions(dataset, tmp_path / "p.jsonl", config_for(server), limit=3, progress=False)
    assert set(read_predictions(tmp_path / "p.jsonl")) == set(dataset["id"][:3])
    assert summary.questions == 3 and len(server.requests) == 3
    with pytest.raises(RunnerError, match=r"limit must be at least 1, got 0"):
        run_predictions(dataset, tmp_path / "q.jsonl", config_for(server), limit=0, progress=False)


def test_rerun_skips_answered_ids_and_retries_failed_ones(dataset, tmp_path):
    out = tmp_path / "p.jsonl"
    failing_id = dataset["id"][6]
    with FakeOpenAIServer() as server:
        server.add_faults(["500"] * FAST_RETRY.max_attempts, match=failing_id)
        first = run_predictions(dataset, out, config_for(server), progress=False)
        assert (first.succeeded, first.failed) == (19, 1)
        assert read_predictions(out)[failing_id].error.startswith("HTTP 500")
        requests_before = len(server.requests)
        second = run_predictions(dataset, out, config_for(server), progress=False)
        assert len(server.requests) == requests_before + 1
        assert server.requests[-1]["text"].startswith(f"Question {failing_id} ")
        third = run_predictions(dataset, out, config_for(server), progress=False)
    assert (second.already_answered, second.attempted, second.succeeded) == (19, 1, 1)
    assert (third.attempted, third.image_encodings) == (0, 0)
    records = read_predictions(out)
    assert len(records) == 20 and all(record.ok for record in records.values())
    assert len(out.read_text().splitlines()) == 21  # the failure line stays, superseded


def test_resume_refuses_a_file_of_another_model_prompt_or_dataset(dataset, tmp_path):
    out = tmp_path / "p.jsonl"
    with FakeOpenAIServer() as server:
        out.write_text(json.dumps({"id": dataset["id"][0], "response": "A", "model": "other"}) + "\n")
        with pytest.raises(RunnerError, match=r"holds answers of model 'other' .* not of 'fake-vlm'"):
            run_predictions(dataset, out, config_for(server), progress=False)
        out.write_text(json.dumps({"id": dataset["id"][0], "response": "A", "prompt_version": "0"}) + "\n")
        with pytest.raises(RunnerError, match=r"prompt version '0' .* current prompt is version"):
            run_predictions(dataset, out, config_for(server), progress=False)
        out.write_text(json.dumps({"id": "elsewhere-1", "response": "A"}) + "\n")
        with pytest.raises(
            RunnerError, match=r"1 id\(s\) that are not in the dataset \(first: \['elsewhere-1'\]\)"
        ):
            run_predictions(dataset, out, config_for(server), progress=False)
        assert server.requests == []


def test_a_torn_last_line_is_dropped_and_its_question_asked_again(dataset, tmp_path, caplog):
    out = tmp_path / "p.jsonl"
    answered = json.dumps({"id": dataset["id"][0], "response": "A", "model": "fake-vlm"})
    out.write_text(answered + "\n" + '{"id": "' + dataset["id"][1] + '", "respo')
    with FakeOpenAIServer() as server:
        summary = run_predictions(dataset, out, config_for(server), progress=False)
    assert summary.already_answered == 1 and summary.attempted == 19
    assert "removed a torn last line" in caplog.text
    assert set(read_predictions(out)) == set(dataset["id"])


def test_missing_columns_are_reported(dataset, tmp_path):
    with (
        FakeOpenAIServer() as server,
        pytest.raises(RunnerError, match=r"lacks the column\(s\) \['image_id'\]"),
    ):
        run_predictions(dataset.remove_columns("image_id"), tmp_path / "p.jsonl", config_for(server))


def test_bad_settings_are_refused():
    with pytest.raises(RunnerError, match=r"concurrency must be at least 1, got 0"):
        RunConfig(base_url="http://127.0.0.1:1/v1", model="m", concurrency=0)
    with pytest.raises(RunnerError, match=r"image_max_side must be a positive number of pixels, got -3"):
        RunConfig(base_url="http://127.0.0.1:1/v1", model="m", image_max_side=-3)
    with pytest.raises(RunnerError, match=r"expected a model name"):
        RunConfig(base_url="http://127.0.0.1:1/v1", model="")


_CHILD = textwrap.dedent(
    """
    import sys
    import datasets
    from qbench_portrait_lib.run.runner import RunConfig, run_predictions
    dataset = datasets.load_from_disk(sys.argv[1])
    config = RunConfig(base_url=sys.argv[3], model="fake-vlm", concurrency=2)
    run_predictions(dataset, sys.argv[2], config, progress=False)
    """
)


def test_resume_after_the_process_is_killed_loses_only_requests_in_flight(tmp_path):
    dataset = tiny_dataset(images=6, questions_per_image=4)
    dataset.save_to_disk(str(tmp_path / "dataset"))
    out = tmp_path / "p.jsonl"
    with FakeOpenAIServer(latency_s=0.1) as server:
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(tmp_path / "dataset"), str(out), server.base_url]
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and child.poll() is None:
            if out.exists() and out.read_text().count("\n") >= 6:
                break
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert child.returncode == -signal.SIGKILL, "the child finished before it could be interrupted"
        received_by_kill = len(server.requests)
        written = read_predictions(out) if out.read_text().endswith("\n") else None
        lines_written = len(written) if written is not None else out.read_text().count("\n")
        assert 6 <= lines_written < 24
        assert received_by_kill - lines_written <= 2  # at most `concurrency` requests were in flight
        summary = run_predictions(
            dataset, out, RunConfig(base_url=server.base_url, model="fake-vlm"), progress=False
        )
        assert len(server.requests) - received_by_kill == 24 - lines_written == summary.attempted
    records = read_predictions(out)
    assert set(records) == set(dataset["id"]) and all(record.ok for record in records.values())


def test_out_file_parent_folders_are_created(dataset, tmp_path):
    out = Path(tmp_path) / "runs" / "model-a" / "p.jsonl"
    with FakeOpenAIServer() as server:
        run_predictions(dataset, out, config_for(server), limit=2, progress=False)
    assert len(read_predictions(out)) == 2


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda body: body.update(model="other"), r"model 'other' != 'fake-vlm'"),
        (lambda body: body.pop("max_tokens"), r"max_tokens None is not a positive int"),
        (lambda body: body["messages"][0]["content"].pop(1), r"expected one image data URL, got \[\]"),
        (
            lambda body: body["messages"][0]["content"][1]["image_url"].update(
                url="data:image/png;base64,QU!D"
            ),
            r"image data URL is not valid base64",
        ),
        (
            lambda body: body["messages"][0]["content"][1]["image_url"].update(url="https://x/y.png"),
            r"expected one image data URL, got \['https://x/y.png'\]",
        ),
    ],
)
def test_the_fake_server_rejects_requests_of_the_wrong_shape(change, problem):
    config = RunConfig(base_url="http://127.0.0.1:9/v1", model="fake-vlm")
    body = build_chat_request("Question?", "data:image/png;base64,QUJD", config)
    change(body)
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with FakeOpenAIServer(model="fake-vlm") as server, pytest.raises(urllib.error.HTTPError) as refused:
        request = urllib.request.Request(
            server.base_url + "/chat/completions", data=json.dumps(body).encode()
        )
        no_proxy.open(request)
    with refused.value as response:
        assert response.code == 400
        assert re.search(problem, json.loads(response.read())["error"]["message"])
    assert server.shape_errors and re.search(problem, server.shape_errors[0])


def test_the_fake_server_parses_bodies_with_data_urls_exactly():
    body = {
        "messages": [
            {
                "content": [
                    {"type": "text", "text": 'quoted "url": "data:image/png;base64,AAAA" in the text'},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,QUJD"}},
                    {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,QUJE"}},
                ]
            }
        ]
    }
    for separators in (None, (",", ":")):
        assert _parse_body(json.dumps(body, separators=separators).encode()) == body
    texts = ("QUJD", "QQ==", "QUJ!", "QUJDR", "QU=D", "Q===", "QQ=A", "Q=A=", "QU\u00e9D")
    assert [_is_base64(text) for text in texts] == [
        True, True, False, False, False, False, False, False, False,
    ]  # fmt: skip


def test_a_prompt_holding_the_image_marker_is_still_encoded_exactly():
    config = RunConfig(base_url="http://127.0.0.1:9/v1", model="fake-vlm")
    prompt = 'Is "@@qbench-portrait-image-url@@" sharp?'
    pieces = encode_chat_request(prompt, b"data:image/png;base64,QUJD", config)
    assert len(pieces) == 1
    assert json.loads(pieces[0]) == build_chat_request(prompt, "data:image/png;base64,QUJD", config)
