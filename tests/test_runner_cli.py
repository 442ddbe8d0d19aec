"""``qbench-portrait predict`` through click's CliRunner, including bad input."""

from __future__ import annotations

import json
import re

import click
import pytest
from click.testing import CliRunner
from fake_openai_server import FakeOpenAIServer, tiny_dataset

from qbench_portrait_lib.cli import cli
from qbench_portrait_lib.cli.predict import build_judge, judge_options
from qbench_portrait_lib.data import loading
from qbench_portrait_lib.run.predictions import read_predictions

SECRET = "sk-cli-secret-0451"


@pytest.fixture
def tiny(monkeypatch):
    dataset = tiny_dataset(images=2, questions_per_image=3)
    seen = []

    def fake_load(source, split="test"):
        seen.append(source)
        return dataset

    monkeypatch.setattr(loading, "load_benchmark", fake_load)
    return dataset, seen


def predict(*arguments: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, ["predict", *arguments], env=env, catch_exceptions=False)


def test_predict_writes_every_answer_and_resumes(tiny, tmp_path):
    dataset, seen = tiny
    out = tmp_path / "p.jsonl"
    with FakeOpenAIServer(model="vlm", api_key=SECRET) as server:
        base = ["--dataset", "my-export", "--base-url", server.base_url, "--model", "vlm", "--out", str(out)]
        first = predict(
            *base, "--concurrency", "2", "--max-tokens", "16", "--limit", "4", env={"OPENAI_API_KEY": SECRET}
        )
        assert first.exit_code == 0, first.output
        assert "4 answered, 0 failed, 0 already answered (of 4); 2 images encoded" in first.output
        second = predict(*base, env={"OPENAI_API_KEY": SECRET})
        assert second.exit_code == 0, second.output
        assert "2 answered, 0 failed, 4 already answered (of 6)" in second.output
    assert seen == ["my-export", "my-export"]
    assert server.shape_errors == []
    assert {request["body"]["max_tokens"] for request in server.requests[:4]} == {16}
    assert set(read_predictions(out)) == set(dataset["id"])
    assert SECRET not in out.read_text() + first.output + second.output


def test_predict_reads_the_key_from_the_named_variable(tiny, tmp_path):
    with FakeOpenAIServer(api_key=SECRET) as server:
        result = predict(
            "--dataset", "x", "--base-url", server.base_url, "--model", "vlm",
            "--out", str(tmp_path / "p.jsonl"), "--api-key-env", "MY_VLM_KEY",
            env={"MY_VLM_KEY": SECRET, "OPENAI_API_KEY": "wrong"},
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert {request["authorization"] for request in server.requests} == {f"Bearer {SECRET}"}


def test_a_refused_key_is_a_clean_error(tiny, tmp_path):
    with FakeOpenAIServer(api_key=SECRET) as server:
        result = predict(
            "--dataset", "x", "--base-url", server.base_url, "--model", "vlm",
            "--out", str(tmp_path / "p.jsonl"), env={"OPENAI_API_KEY": "sk-wrong"},
        )  # fmt: skip
    assert result.exit_code == 1
    assert "Error: HTTP 401" in result.output and "refused the API key" in result.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--base-url", "localhost:8000/v1"], r"expected a base URL starting with http:// or https://"),
        (["--concurrency", "0"], r"Invalid value for '--concurrency': 0 is not in the range x>=1"),
        (["--limit", "-2"], r"Invalid value for '--limit'"),
        (["--image-max-side", "0"], r"Invalid value for '--image-max-side'"),
        (
            ["--api-key-env", "QBP_UNSET_VARIABLE"],
            r"'QBP_UNSET_VARIABLE', but that environment variable is not set",
        ),
    ],
)
def test_bad_options_are_usage_errors(tiny, tmp_path, extra, message):
    arguments = ["--dataset", "x", "--base-url", "http://127.0.0.1:9/v1", "--model", "m"]
    result = predict(*arguments, "--out", str(tmp_path / "p.jsonl"), *extra)
    assert result.exit_code == 2
    assert re.search(message, result.output), result.output


def test_a_missing_option_is_a_usage_error(tmp_path):
    result = predict("--dataset", "x", "--model", "m", "--out", str(tmp_path / "p.jsonl"))
    assert result.exit_code == 2 and "Missing option '--base-url'" in result.output


def test_an_unloadable_dataset_is_a_clean_error(tmp_path):
    missing = tmp_path / "no-such-folder"
    result = predict("--dataset", str(missing), "--base-url", "http://127.0.0.1:9/v1", "--model", "m",
                     "--out", str(tmp_path / "p.jsonl"))  # fmt: skip
    assert result.exit_code == 1
    assert f"Error: cannot load the dataset '{missing}'" in result.output


def test_a_malformed_out_file_names_its_line(tiny, tmp_path):
    out = tmp_path / "p.jsonl"
    out.write_text('{"id": "img00-q00", "response": "A"}\n{"id": oops}\n')
    result = predict(
        "--dataset", "x", "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--out", str(out)
    )
    assert result.exit_code == 1
    assert f"Error: {out} line 2: not valid JSON" in result.output


def test_an_out_file_of_another_model_is_refused(tiny, tmp_path):
    out = tmp_path / "p.jsonl"
    out.write_text(json.dumps({"id": "img00-q00", "response": "A", "model": "other"}) + "\n")
    result = predict(
        "--dataset", "x", "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--out", str(out)
    )
    assert result.exit_code == 1 and "holds answers of model 'other'" in result.output


def test_judge_options_and_build_judge(tmp_path):
    @click.command()
    @judge_options
    def score(**options):
        judge = build_judge(**options)
        click.echo(repr(judge))
        if judge is not None:
            click.echo(f"{judge.temperature} {judge.concurrency} {judge.cache.directory}")

    runner = CliRunner()
    assert runner.invoke(score, []).output == "None\n"
    result = runner.invoke(
        score,
        ["--judge-base-url", "http://127.0.0.1:9/v1", "--judge-model", "j", "--judge-rounds", "3",
         "--judge-cache-dir", str(tmp_path / "cache"), "--judge-concurrency", "2"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"HttpJudge(base_url='http://127.0.0.1:9/v1', model='j', rounds=3)\n0.7 2 {tmp_path / 'cache'}\n"
    )
    missing_model = runner.invoke(score, ["--judge-base-url", "http://127.0.0.1:9/v1"])
    assert missing_model.exit_code == 2 and "--judge-base-url needs --judge-model" in missing_model.output
    missing_url = runner.invoke(score, ["--judge-model", "j"])
    assert (
        missing_url.exit_code == 2
        and "--judge-model was given without --judge-base-url" in missing_url.output
    )
    bad_url = runner.invoke(score, ["--judge-base-url", "ftp://x", "--judge-model", "j"])
    assert bad_url.exit_code == 2 and "starting with http:// or https://" in bad_url.output
    rounds = runner.invoke(
        score, ["--judge-base-url", "http://x/v1", "--judge-model", "j", "--judge-rounds", "0"]
    )
    assert rounds.exit_code == 2 and "--judge-rounds" in rounds.output
