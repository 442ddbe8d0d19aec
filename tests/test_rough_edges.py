"""Rough edges of issue 10: one sample cache, plain wording, labels that say which file."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from test_cli_results import IDS, records, small_dataset, write_jsonl  # noqa: F401  (autouse fixture)
from test_report import RESPONSES

from qbench_portrait_lib.cli import cli
from qbench_portrait_lib.data.builder import QBenchPortrait
from qbench_portrait_lib.data.fingerprint import code_hash
from qbench_portrait_lib.data.loading import load_benchmark
from qbench_portrait_lib.jobs import score as scoring_job
from qbench_portrait_lib.report.writer import write_report


def test_the_bare_builder_and_load_benchmark_share_one_sample_cache():
    bare = QBenchPortrait(config_name="sample")
    assert Path(bare.cache_dir).name == code_hash()
    dataset = load_benchmark("sample")
    assert all(Path(item["filename"]).parent == Path(bare.cache_dir) for item in dataset.cache_files)


def test_compare_labels_a_repeated_model_with_its_file(tmp_path):
    first = write_jsonl(tmp_path / "monday.jsonl", records(RESPONSES, model="baseline-classical"))
    second = write_jsonl(tmp_path / "tuesday.jsonl", records(RESPONSES, model="baseline-classical"))
    result = CliRunner().invoke(
        cli, ["compare", str(first), str(second), "--dataset", "small"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "baseline-classical (monday.jsonl)" in result.output
    assert "baseline-classical (tuesday.jsonl)" in result.output
    assert "(2)" not in result.output


class ConstantJudge:
    """A judge with settings and statistics, like HttpJudge, that needs no server."""

    base_url = "http://localhost:8000/v1"
    model = "judge-model"
    rounds = 3

    def __init__(self) -> None:
        self.stats = {"calls": 6.0, "failure_rate": 0.0}

    def __call__(self, items):
        return [2.0 for _ in items]


def test_report_md_shows_judge_settings_as_plain_text(tmp_path):
    from test_report import small_references

    references = small_references()
    run = scoring_job.score_responses("m", RESPONSES, references, judge=ConstantJudge(), bootstrap_samples=0)
    write_report(tmp_path / "r", run, charts=False)
    report = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    judge_line = next(line for line in report.splitlines() if line.startswith("| judge"))
    assert (
        "model: judge-model; rounds: 3" in judge_line and "stats: (calls: 6; failure rate: 0)" in judge_line
    )
    assert "{" not in judge_line and "'" not in judge_line
    assert (
        json.loads((tmp_path / "r" / "results.json").read_text())["metadata"]["judge"]["model"]
        == "judge-model"
    )


def test_messages_say_problems_and_name_cli_options_only(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "images").mkdir()
    (bad / "annotations.jsonl").write_text('{"id": "q1"}\n{"id": "q2"}\n')
    result = CliRunner().invoke(cli, ["export", "--dataset", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "problems:" in result.output and "problem(s)" not in result.output
    out = tmp_path / "export"
    assert CliRunner().invoke(cli, ["export", "--dataset", "sample", "--out", str(out)]).exit_code == 0
    again = CliRunner().invoke(cli, ["export", "--dataset", "sample", "--out", str(out)])
    assert again.exit_code == 1 and "--overwrite" in again.output and "=True" not in again.output
