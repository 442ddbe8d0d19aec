"""The offline demo on the embedded sample, and the random baseline against the chance level."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from qbench_portrait_lib.baselines import answer_with_baseline
from qbench_portrait_lib.cli import cli
from qbench_portrait_lib.contract.columns import CLOSED_TYPES
from qbench_portrait_lib.data.loading import load_benchmark
from qbench_portrait_lib.jobs.demo import DEFAULT_REPORT_DIR, write_baseline_predictions
from qbench_portrait_lib.jobs.score import references_from_dataset
from qbench_portrait_lib.run.predictions import read_predictions
from qbench_portrait_lib.scoring import score_predictions
from qbench_portrait_lib.scoring.intervals import wilson_interval


@pytest.fixture(scope="module")
def sample():
    return load_benchmark(None)


@pytest.fixture(scope="module")
def sample_references(sample):
    return list(references_from_dataset(sample, "sample").rows)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "report"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, result.stdout


def _as_file_value(value):
    return None if isinstance(value, float) and math.isnan(value) else value


def test_demo_prints_the_headline_table(demo) -> None:
    _, output = demo
    assert output.startswith("Q-Bench-Portrait sample, baseline-classical")
    for cell in (
        "overall",
        "question_type/multiple_choice",
        "quality_dimension/aigc",
        "image_source/artistic",
        "level/local",
    ):
        assert f"\n{cell} " in output
    assert "report written to" in output


def test_demo_writes_the_whole_report(demo) -> None:
    out, _ = demo
    for name in ("predictions.jsonl", "results.json", "details.jsonl", "report.md"):
        assert (out / name).is_file(), name
    assert len(list((out / "charts").glob("*.png"))) == 5


def test_demo_answers_are_the_classical_baseline(demo, sample) -> None:
    out, _ = demo
    records = read_predictions(out / "predictions.jsonl")
    assert list(records) == list(sample["id"])
    assert [record.response for record in records.values()] == answer_with_baseline(
        "classical", sample, seed=0
    )
    assert {record.model for record in records.values()} == {"baseline-classical"}


def test_demo_numbers_equal_the_metric_called_directly(demo, sample, sample_references) -> None:
    out, _ = demo
    records = read_predictions(out / "predictions.jsonl")
    responses = [records[row["id"]].response for row in sample_references]
    direct = score_predictions(responses, sample_references)
    reported = json.loads((out / "results.json").read_text())["metrics"]
    assert set(reported) == set(direct)
    for key, value in direct.items():
        assert reported[key] == pytest.approx(_as_file_value(value)), key
    assert reported["count"] == len(sample)


def test_demo_numbers_equal_the_evaluate_metric(demo, sample_references) -> None:
    import evaluate

    from qbench_portrait import METRIC_PATH

    out, _ = demo
    records = read_predictions(out / "predictions.jsonl")
    metric = evaluate.load(METRIC_PATH)
    computed = metric.compute(
        predictions=[records[row["id"]].response for row in sample_references], references=sample_references
    )
    reported = json.loads((out / "results.json").read_text())["metrics"]
    for key in ("overall", "overall_ci_low", "overall_ci_high", "parse_failures", "chance"):
        assert reported[key] == pytest.approx(computed[key]), key
    for key, value in computed.items():
        assert reported[key] == pytest.approx(_as_file_value(value)), key


def test_demo_default_folder_is_in_the_working_directory() -> None:
    out_option = next(param for param in cli.commands["demo"].params if param.name == "out")
    assert str(out_option.default) == DEFAULT_REPORT_DIR == "qbench-portrait-report"


def test_random_baseline_scores_at_the_reported_chance_level(tmp_path: Path, sample) -> None:
    responses = answer_with_baseline("random", sample, seed=0)
    predictions = write_baseline_predictions(
        tmp_path / "random.jsonl", list(sample["id"]), responses, "random"
    )
    result = CliRunner().invoke(
        cli,
        ["score", str(predictions), "--dataset", "sample", "--out", str(tmp_path / "r"), "--no-charts"],
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "r" / "results.json").read_text())["metrics"]
    n_closed = sum(metrics[f"question_type/{qtype}/count"] for qtype in CLOSED_TYPES)
    low, high = wilson_interval(metrics["overall_closed"] * n_closed, n_closed)
    assert low <= metrics["chance"] <= high, (metrics["overall_closed"], metrics["chance"], low, high)
    assert metrics["parse_failures"] == 0  # the random baseline always commits to an answer


def test_score_with_a_dataset_that_does_not_exist_is_a_clean_error(tmp_path: Path) -> None:
    predictions = write_baseline_predictions(tmp_path / "p.jsonl", ["q1"], ["A"], "m")
    result = CliRunner().invoke(cli, ["score", str(predictions), "--dataset", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "is neither 'sample', an existing export or release folder, nor a Hub repo id" in result.output
    assert "Traceback" not in result.output
