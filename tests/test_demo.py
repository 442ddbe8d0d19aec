"""The offline demo on the embedded sample, and the random baseline against the chance level."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import NamedTuple

import numpy as np
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


class Demo(NamedTuple):
    out: Path
    output: str
    heatmaps: list[np.ndarray]  # every array the demo's charts drew with imshow


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Demo:
    from matplotlib.axes import Axes

    out = tmp_path_factory.mktemp("demo") / "report"
    drawn: list[np.ndarray] = []
    imshow = Axes.imshow

    def recording_imshow(self, data, *args, **kwargs):
        drawn.append(np.array(data, dtype=np.float64))
        return imshow(self, data, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Axes, "imshow", recording_imshow)
        result = CliRunner().invoke(cli, ["demo", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return Demo(out, result.stdout, drawn)


def _as_file_value(value):
    return None if isinstance(value, float) and math.isnan(value) else value


def test_demo_prints_the_headline_table(demo) -> None:
    output = demo.output
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


def test_demo_headline_without_a_judge_is_the_closed_formats_and_the_proxy_sits_apart(
    demo, metric_result
) -> None:
    lines = demo.output.splitlines()
    header = next(line for line in lines if line.startswith("cell "))
    assert header.split()[:3] == ["cell", "closed", "%"]  # the headline column: closed formats
    assert "open-ended proxy % (Spearman 0.88 vs human)" in header
    overall = next(line for line in lines if line.startswith("overall ")).split()
    m = metric_result
    assert m["overall_includes_open_ended"] == 0.0 and m["overall"] == m["overall_closed"]
    assert m["overall"] != m["overall_all_items"]  # the proxy would move the headline
    assert overall[1] == _pct(m["overall_closed"]) and _pct(m["overall_all_items"]) not in overall[:5]
    assert overall[-2:] == [_pct(m["open_ended/proxy_score"]), str(int(m["question_type/open_ended/count"]))]
    assert (
        "open-ended proxy: an offline estimate (Spearman 0.88 with human grades, 184 answers), not counted"
        in (demo.output)
    )


def test_demo_writes_the_whole_report(demo) -> None:
    out = demo.out
    for name in ("predictions.jsonl", "results.json", "details.jsonl", "report.md"):
        assert (out / name).is_file(), name
    assert len(list((out / "charts").glob("*.png"))) == 6  # a chart per breakdown, the heatmap, position bias


def test_demo_answers_are_the_classical_baseline(demo, sample) -> None:
    out = demo.out
    records = read_predictions(out / "predictions.jsonl")
    assert list(records) == list(sample["id"])
    assert [record.response for record in records.values()] == answer_with_baseline(
        "classical", sample, seed=0
    )
    assert {record.model for record in records.values()} == {"baseline-classical"}


def test_demo_numbers_equal_the_metric_called_directly(demo, sample, sample_references) -> None:
    out = demo.out
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

    out = demo.out
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


@pytest.fixture(scope="module")
def metric_result(demo, sample_references) -> dict:
    """The evaluate metric on the demo's own predictions file: the numbers every output must show."""
    import evaluate

    from qbench_portrait import METRIC_PATH

    records = read_predictions(demo.out / "predictions.jsonl")
    responses = [records[row["id"]].response for row in sample_references]
    return evaluate.load(METRIC_PATH).compute(predictions=responses, references=sample_references)


def _pct(value: float) -> str:
    return "-" if math.isnan(value) else f"{100 * value:.1f}"


def _ci(low: float, high: float) -> str:
    return "-" if math.isnan(low) else f"[{_pct(low)}, {_pct(high)}]"


def _sections(text: str) -> dict[str, list[list[str]]]:
    """report.md's table rows (cells stripped) under each "## " heading, header rows excluded."""
    sections: dict[str, list[list[str]]] = {}
    rows: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("## "):
            rows = sections.setdefault(line[3:], [])
        elif line.startswith("| ") and not line.startswith("|---"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return {title: table[1:] for title, table in sections.items()}  # drop each table's header


#: report.md's section titles of the breakdown tables, with the metric's key of each breakdown.
BREAKDOWN_SECTIONS = {
    "Question format": "question_type",
    "Quality dimension": "quality_dimension",
    "Image source": "image_source",
    "Level": "level",
    "Quality dimension x level": "quality_dimension_x_level",
    "Quality dimension x image source": "quality_dimension_x_image_source",
}


def test_every_number_in_report_md_is_the_metrics(demo, metric_result) -> None:
    m = metric_result
    text = (demo.out / "report.md").read_text()
    sections = _sections(text)
    for title, breakdown in BREAKDOWN_SECTIONS.items():
        prefixes = sorted({key.rsplit("/", 1)[0] for key in m if key.startswith(f"{breakdown}/")})
        rows = sections[title]
        assert sorted(f"{breakdown}/{row[0]}" for row in rows) == prefixes, title
        for value, *numbers in rows:
            k = f"{breakdown}/{value}/"
            assert numbers == [
                _pct(m[k + "score"]),
                _ci(m[k + "ci_low"], m[k + "ci_high"]),
                str(int(m[k + "count"])),
                _pct(m[k + "closed_score"]),
                _ci(m[k + "closed_ci_low"], m[k + "closed_ci_high"]),
                str(int(m[k + "closed_count"])),
                _pct(m[k + "chance"]),
            ], k
    grid = sections[
        "Quality dimension x image source: grid (mean item score %, open-ended by offline proxy; n)"
    ]
    for dimension, *entries in grid:
        sources = ("natural", "synthetic_distortion", "ai_generated", "artistic", "computer_graphics")
        expected = [
            f"{_pct(m[f'quality_dimension_x_image_source/{dimension}.{source}/score'])} "
            f"(n={int(m[f'quality_dimension_x_image_source/{dimension}.{source}/count'])})"
            for source in sources
        ]
        assert entries == expected, dimension
    headline = text.split("## Headline")[1].split("## ")[0]
    numbers = re.findall(r"(?<![\w.])\d+(?:\.\d+)?", headline)
    n_closed = sum(m[f"question_type/{qtype}/count"] for qtype in CLOSED_TYPES)
    # no judge: the headline is the closed formats, over the closed items
    assert numbers == [
        _pct(m["overall"]), "95", _pct(m["overall_ci_low"]), _pct(m["overall_ci_high"]), str(int(n_closed)),
        _pct(m["overall_closed"]), str(int(n_closed)), _pct(m["chance"]),
        str(int(m["parse_failures"])), _pct(m["parse_failure_rate"]), "0",  # "... and scored 0."
        *(_pct(m[f"multiple_choice/{name}"]) for name in ("jaccard", "precision", "recall", "f1")),
        *(_pct(m[f"true_false/{name}"]) for name in ("balanced_accuracy", "true_rate", "gold_true_rate")),
        _pct(m["open_ended/proxy_score"]), str(int(m["question_type/open_ended/count"])),
        f"{m['open_ended/proxy_agreement_spearman']:.2f}", "184",  # its agreement with human grades
    ]  # fmt: skip
    assert m["overall"] == m["overall_closed"]


def test_every_number_in_results_json_and_the_heatmap_is_the_metrics(demo, metric_result) -> None:
    reported = json.loads((demo.out / "results.json").read_text())["metrics"]
    assert list(reported) == list(metric_result)
    for key, value in metric_result.items():
        assert reported[key] == _as_file_value(value), key  # the very floats, not approximations
    (heatmap,) = demo.heatmaps
    dimensions = ("technical", "aigc", "aesthetic")
    sources = ("natural", "synthetic_distortion", "ai_generated", "artistic", "computer_graphics")
    expected = np.array(
        [
            [100 * metric_result[f"quality_dimension_x_image_source/{d}.{s}/score"] for s in sources]
            for d in dimensions
        ]
    )
    np.testing.assert_array_equal(heatmap, expected)


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
