"""Dead servers, wrong URLs, keys over http, foreign image paths, huge replies: stop loudly, lose nothing."""

from __future__ import annotations

import asyncio
import socket
import time

import datasets
import pytest
from click.testing import CliRunner
from fake_openai_server import FakeOpenAIServer, tiny_dataset
from test_cli_results import IDS, records, small_dataset, write_jsonl  # noqa: F401  (autouse fixture)

from qbench_portrait_lib.cli import cli
from qbench_portrait_lib.jobs import predict as predict_job
from qbench_portrait_lib.run.client import (
    ChatClient,
    ChatEndpoint,
    ChatRequestError,
    EndpointDown,
    RetryPolicy,
)
from qbench_portrait_lib.run.endpoint_guard import InsecureKeyTransport
from qbench_portrait_lib.run.judge import HttpJudge, build_judge
from qbench_portrait_lib.run.predictions import PredictionRecord, read_predictions
from qbench_portrait_lib.run.reader import build_reader
from qbench_portrait_lib.run.runner import RunConfig, RunnerError, RunStopped, run_predictions
from qbench_portrait_lib.scoring.judging import OpenEndedItem

SECRET = "sk-dead-endpoint-0042"


def dead_base_url() -> str:
    with socket.socket() as probe:  # bound, then closed: nothing listens on the port
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/v1"


@pytest.fixture(scope="module")
def dataset():
    return tiny_dataset(images=4, questions_per_image=10)


def test_a_dead_server_stops_the_run_within_seconds_and_keeps_what_was_saved(dataset, tmp_path):
    out = tmp_path / "p.jsonl"
    saved = [
        PredictionRecord(id=qid, response="A", model="m", prompt_version=None) for qid in dataset["id"][:3]
    ]
    out.write_text("".join(record.to_json() + "\n" for record in saved), encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(
        RunStopped, match=r"requests in a row to http://127\.0\.0\.1:\d+/v1/chat/completions"
    ) as info:
        run_predictions(dataset, out, RunConfig(base_url=dead_base_url(), model="m"), progress=False)
    assert time.perf_counter() - started < 10  # default retry policy: 1 s backoff, 8 connections
    assert "3 of 40 answers are saved" in str(info.value) and "rerun the same command to resume" in str(
        info.value
    )
    kept = read_predictions(out)
    assert [qid for qid, record in kept.items() if record.ok] == dataset["id"][:3]


def test_404_everywhere_stops_after_a_few_requests(dataset, tmp_path):
    with FakeOpenAIServer() as server:
        server.add_faults(["404"] * 200)
        config = RunConfig(base_url=server.base_url, model="m", concurrency=3)
        with pytest.raises(RunStopped, match=r"HTTP 404 from"):
            run_predictions(dataset, tmp_path / "p.jsonl", config, progress=False)
    assert len(server.requests) <= 10 + 3  # the threshold, plus requests already in flight


def test_one_bad_request_among_good_ones_does_not_stop_the_run(tmp_path):
    dataset = tiny_dataset(images=2, questions_per_image=3)
    with FakeOpenAIServer() as server:
        server.add_faults(["400"], match=dataset["id"][2])
        config = RunConfig(base_url=server.base_url, model="m", concurrency=2)
        summary = run_predictions(dataset, tmp_path / "p.jsonl", config, progress=False)
    assert (summary.succeeded, summary.failed) == (5, 1)


@pytest.fixture
def patched_loader(monkeypatch, dataset):
    monkeypatch.setattr(predict_job, "load_benchmark", lambda source, split="test": dataset)


def predict(*arguments: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, ["predict", *arguments], env=env, catch_exceptions=False)


def test_predict_against_a_dead_server_exits_non_zero_with_one_message(patched_loader, tmp_path):
    out = tmp_path / "p.jsonl"
    result = predict("--dataset", "x", "--base-url", dead_base_url(), "--model", "m", "--out", str(out))
    assert result.exit_code == 1
    assert result.output.count("\nError: ") == 1 and "WARNING" not in result.output
    assert (
        "0 of 40 answers are saved" in result.output and "rerun the same command to resume" in result.output
    )


def test_predict_with_failed_requests_exits_non_zero_and_says_what_is_saved(
    patched_loader, dataset, tmp_path
):
    out = tmp_path / "p.jsonl"
    with FakeOpenAIServer() as server:
        server.add_faults(["400"], match=dataset["id"][5])
        result = predict("--dataset", "x", "--base-url", server.base_url, "--model", "m", "--out", str(out))
    assert result.exit_code == 1
    assert "1 of 40 requests failed" in result.output
    assert (
        "39 of 40 answers are saved there: rerun the same command to retry the failed ones" in result.output
    )
    assert len(read_predictions(out)) == 40


def test_an_api_key_never_goes_over_plain_http_to_another_host(patched_loader, dataset, tmp_path):
    out = tmp_path / "p.jsonl"
    env = {"OPENAI_API_KEY": SECRET}
    result = predict(
        "--dataset", "x", "--base-url", "http://192.0.2.7:8000/v1", "--model", "m", "--out", str(out), env=env
    )
    assert result.exit_code == 1
    assert "refusing to send the API key in $OPENAI_API_KEY over plain http to '192.0.2.7'" in result.output
    assert SECRET not in result.output and not out.exists()
    with pytest.raises(InsecureKeyTransport):
        run_predictions(dataset, out, RunConfig(base_url="http://example.com/v1", model="m"), api_key=SECRET)
    with pytest.raises(InsecureKeyTransport):
        ChatEndpoint("http://example.com/v1", api_key=SECRET)
    ChatClient(ChatEndpoint("https://example.com/v1", api_key=SECRET))  # https is fine
    ChatClient(ChatEndpoint("http://127.0.0.1:9/v1", api_key=SECRET))  # so is this machine


def test_the_judge_key_never_goes_over_plain_http(monkeypatch, tmp_path):
    monkeypatch.setenv("JUDGE_KEY", SECRET)
    with pytest.raises(InsecureKeyTransport, match=r"the judge's API key \(\$JUDGE_KEY\)"):
        HttpJudge("http://judge.example/v1", "j", api_key_env="JUDGE_KEY", cache_dir=tmp_path)


def test_every_client_of_an_llm_endpoint_refuses_a_key_over_plain_http_the_same_way(
    monkeypatch, dataset, tmp_path
):
    remote = "http://10.255.255.1:9/v1"  # not this machine: never contacted, the refusal comes first
    out, config = tmp_path / "p.jsonl", RunConfig(base_url=remote, model="m")
    monkeypatch.setenv("THE_KEY", SECRET)
    connections: list[object] = []
    monkeypatch.setattr(socket.socket, "connect", lambda sock, address: connections.append(address))
    monkeypatch.setattr(predict_job, "load_benchmark", lambda *args, **kwargs: pytest.fail("dataset loaded"))
    refusals = {
        "the API key": lambda: run_predictions(dataset, out, config, api_key=SECRET),
        "the API key in $THE_KEY": lambda: predict_job.predict_benchmark(
            "x", out, config, api_key_env="THE_KEY"
        ),
        "the judge's API key ($THE_KEY)": lambda: build_judge(remote, "j", api_key_env="THE_KEY"),
        "the reader's API key ($THE_KEY)": lambda: build_reader(remote, "r", api_key_env="THE_KEY"),
    }
    for source, refused_call in refusals.items():
        with pytest.raises(InsecureKeyTransport) as refused:
            refused_call()
        assert str(refused.value) == (
            f"refusing to send {source} over plain http to '10.255.255.1': anyone on the way could read it. "
            "Use an https:// URL, or run without the key (unset the variable) if the server needs none"
        )
    assert connections == [] and not out.exists()


def test_a_run_given_its_endpoint_takes_no_other_key_or_url(dataset, tmp_path):
    config = RunConfig(base_url="http://127.0.0.1:9/v1", model="m")
    with pytest.raises(
        RunnerError, match=r"expected the endpoint of the run's base URL 'http://127\.0\.0\.1:9/v1'"
    ):
        run_predictions(dataset, tmp_path / "p.jsonl", config, endpoint=ChatEndpoint("http://127.0.0.1:8/v1"))
    with pytest.raises(
        RunnerError, match=r"got ChatEndpoint\(base_url='http://127\.0\.0\.1:9/v1', key_source=.*an api_key"
    ):
        run_predictions(
            dataset,
            tmp_path / "p.jsonl",
            config,
            api_key=SECRET,
            endpoint=ChatEndpoint(config.base_url, SECRET),
        )
    assert not (tmp_path / "p.jsonl").exists()


def foreign_path_dataset(path: str) -> datasets.Dataset:
    base = tiny_dataset(images=1, questions_per_image=2)
    rows = base.cast_column("image", datasets.Image(decode=False))
    return rows.map(lambda row: {"image": {"bytes": None, "path": path}})


@pytest.mark.parametrize("image_root", [None, "root"])
def test_an_image_path_outside_the_dataset_is_never_read_or_sent(tmp_path, image_root):
    secret_file = tmp_path / "secret.png"
    secret_file.write_bytes(b"private")
    dataset = foreign_path_dataset(str(secret_file))
    root = tmp_path / "root" if image_root else None
    with FakeOpenAIServer() as server:
        config = RunConfig(base_url=server.base_url, model="m")
        summary = run_predictions(dataset, tmp_path / "p.jsonl", config, progress=False, image_root=root)
    assert server.requests == [] and summary.failed == 2
    error = read_predictions(tmp_path / "p.jsonl")[dataset["id"][0]].error
    expected = "points outside the dataset's folder" if image_root else "has no embedded bytes, only the path"
    assert expected in error and "record 0" in error


def test_an_image_path_inside_the_dataset_folder_is_read(tmp_path):
    base = tiny_dataset(images=1, questions_per_image=2)
    image = base.cast_column("image", datasets.Image(decode=False))[0]["image"]["bytes"]
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "a.png").write_bytes(image)
    dataset = foreign_path_dataset("images/a.png")
    with FakeOpenAIServer() as server:
        config = RunConfig(base_url=server.base_url, model="m")
        summary = run_predictions(dataset, tmp_path / "p.jsonl", config, progress=False, image_root=tmp_path)
    assert (summary.succeeded, len(server.requests)) == (2, 2)


def items(count: int) -> list[OpenEndedItem]:
    return [
        OpenEndedItem(id=f"o{i}", question="Which part?", references=("eyes",), response="eyes")
        for i in range(count)
    ]


def test_a_judge_behind_a_dead_port_stops_within_seconds(tmp_path, capsys):
    judge = HttpJudge(dead_base_url(), "j", rounds=5, cache_dir=tmp_path, retry=RetryPolicy(max_attempts=5))
    started = time.perf_counter()
    with pytest.raises(EndpointDown, match=r"requests in a row .* is the server running"):
        judge(items(40))
    assert time.perf_counter() - started < 10
    assert "judge j" in capsys.readouterr().err  # the progress bar


def test_score_with_a_dead_judge_exits_non_zero_instead_of_falling_back(tmp_path):
    from test_report import RESPONSES

    predictions = write_jsonl(tmp_path / "p.jsonl", records(RESPONSES))
    result = CliRunner().invoke(
        cli,
        [
            "score",
            str(predictions),
            "--dataset",
            "small",
            "--judge-base-url",
            dead_base_url(),
            "--judge-model",
            "j",
            "--judge-cache-dir",
            str(tmp_path / "cache"),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 1
    assert "requests in a row" in result.output and "Traceback" not in result.output


def test_a_reply_over_the_size_cap_is_a_clear_per_request_error():
    with FakeOpenAIServer(require_image=False, responder=lambda text, body: "x" * 50_000) as server:

        async def ask() -> None:
            async with ChatClient(
                ChatEndpoint(server.base_url), max_reply_bytes=10_000, retry=RetryPolicy(max_attempts=1)
            ) as client:
                await client.complete(
                    {"model": "m", "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]}, key="q"
                )

        with pytest.raises(
            ChatRequestError, match=r"larger than 10000 bytes \(max_reply_bytes\); refused unread"
        ):
            asyncio.run(ask())
    assert server.shape_errors == []
