"""``qbench-portrait predict`` through click's CliRunner, including bad input."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from fake_openai_server import FakeOpenAIServer, tiny_dataset

from qbench_portrait_lib.cli import cli
from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.jobs import predict as predict_job
from qbench_portrait_lib.run.judge import build_judge
from qbench_portrait_lib.run.predictions import read_predictions

SECRET = "sk-cli-secret-0451"


@pytest.fixture
def tiny(monkeypatch):
    dataset = tiny_dataset(images=2, questions_per_image=3)
    seen = []

    def fake_load(source, split="test"):
        seen.append(source)
        return dataset

    monkeypatch.setattr(predict_job, "load_benchmark", fake_load)
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
    ("extra", "message", "status"),
    [
        (["--concurrency", "0"], r"Invalid value for '--concurrency': 0 is not in the range x>=1", 2),
        (["--limit", "-2"], r"Invalid value for '--limit'", 2),
        (["--image-max-side", "0"], r"Invalid value for '--image-max-side'", 2),
        (
            ["--base-url", "localhost:8000/v1"],
            r"Error: expected a base URL starting with http:// or https://",
            1,
        ),
        (
            ["--api-key-env", "QBP_UNSET_VARIABLE"],
            r"Error: expected an API key in the environment variable 'QBP_UNSET_VARIABLE', but it is not set",
            1,
        ),
    ],
)
def test_bad_options_fail_before_any_request(tiny, tmp_path, extra, message, status):
    """Flags click rejects are usage errors (status 2); values the library rejects exit 1."""
    _, seen = tiny
    arguments = ["--dataset", "x", "--base-url", "http://127.0.0.1:9/v1", "--model", "m"]
    result = predict(*arguments, "--out", str(tmp_path / "p.jsonl"), *extra)
    assert result.exit_code == status
    assert re.search(message, result.output), result.output
    assert seen == []  # nothing was loaded
    assert not (tmp_path / "p.jsonl").exists()


def test_a_missing_option_is_a_usage_error(tmp_path):
    result = predict("--dataset", "x", "--model", "m", "--out", str(tmp_path / "p.jsonl"))
    assert result.exit_code == 2 and "Missing option '--base-url'" in result.output


def test_an_unloadable_dataset_is_a_clean_error(tmp_path):
    missing = tmp_path / "no-such-folder"
    result = predict("--dataset", str(missing), "--base-url", "http://127.0.0.1:9/v1", "--model", "m",
                     "--out", str(tmp_path / "p.jsonl"))  # fmt: skip
    assert result.exit_code == 1
    assert f"Error: '{missing}' is neither 'sample', an existing export or release folder" in result.output


def test_a_malformed_out_file_names_its_line(tiny, tmp_path):
    out = tmp_path / "p.jsonl"
    out.write_text('{"id": "img00-q00", "response": "A"}\n{"id": oops}\n')
    result = predict(
        "--dataset", "x", "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--out", str(out)
    )
    assert result.exit_code == 1
    assert f"Error: {out}: line 2: not valid JSON" in result.output


def test_an_out_file_of_another_model_is_refused(tiny, tmp_path):
    out = tmp_path / "p.jsonl"
    out.write_text(json.dumps({"id": "img00-q00", "response": "A", "model": "other"}) + "\n")
    result = predict(
        "--dataset", "x", "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--out", str(out)
    )
    assert result.exit_code == 1 and "holds answers of model 'other'" in result.output


def test_build_judge_checks_its_settings_before_any_request(tmp_path, monkeypatch):
    assert build_judge() is None
    judge = build_judge("http://127.0.0.1:9/v1", "j", rounds=3, cache_dir=tmp_path / "cache", concurrency=2)
    assert repr(judge) == "HttpJudge(base_url='http://127.0.0.1:9/v1', model='j', rounds=3)"
    assert (judge.temperature, judge.concurrency, judge.cache.directory) == (0.7, 2, tmp_path / "cache")
    with pytest.raises(ValueError, match=r"the judge at http://x/v1 needs a model name, got None"):
        build_judge("http://x/v1")
    with pytest.raises(QBenchError, match=r"a judge model \('j'\) was given without the judge's base URL"):
        build_judge(model="j")
    with pytest.raises(
        QBenchError, match=r"expected a base URL starting with http:// or https://, got 'ftp://x'"
    ):
        build_judge("ftp://x", "j")
    monkeypatch.delenv("QBP_UNSET_VARIABLE", raising=False)
    with pytest.raises(QBenchError, match=r"'QBP_UNSET_VARIABLE', but it is not set"):
        build_judge("http://x/v1", "j", api_key_env="QBP_UNSET_VARIABLE")
    monkeypatch.setenv("QBP_JUDGE_KEY", "k-123")
    assert build_judge("https://x/v1", "j", api_key_env="QBP_JUDGE_KEY").endpoint.api_key == "k-123"
    with pytest.raises(
        QBenchError, match=r"refusing to send the judge's API key \(\$QBP_JUDGE_KEY\) over plain http"
    ):
        build_judge("http://x/v1", "j", api_key_env="QBP_JUDGE_KEY")
