"""The report of one scored run: results.json, details.jsonl, report.md and the charts."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest

from qbench_portrait_lib.jobs.score import References, score_responses
from qbench_portrait_lib.report.charts import MissingExtraError
from qbench_portrait_lib.report.markdown import headline_rows, interval, percent, terminal_table
from qbench_portrait_lib.report.writer import json_safe, run_results, write_report
from qbench_portrait_lib.scoring import score_all, score_predictions


def _row(
    qid: str, image: str, qtype: str, options: list[str], answer: list[str], dim: str, source: str, level: str
):
    return {
        "id": qid,
        "image_id": image,
        "question": f"Question {qid}?",
        "question_type": qtype,
        "options": options,
        "answer": answer,
        "quality_dimension": dim,
        "image_source": source,
        "level": level,
        "attribute": "blur",
        "region": "" if level == "global" else "eyes",
    }


SC = ["Sharp", "Slightly blurry", "Very blurry"]
MC = ["Noise", "Blur", "Overexposure", "Banding"]
TF = ["True", "False"]


def small_references() -> References:
    """Twelve questions on six images: every format, dimension and level; aigc/artistic left empty."""
    rows = [
        _row("q01", "i1", "single_choice", SC, ["Very blurry"], "technical", "natural", "global"),
        _row("q02", "i1", "true_false", TF, ["False"], "technical", "natural", "local"),
        _row(
            "q03",
            "i2",
            "multiple_choice",
            MC,
            ["Noise", "Blur"],
            "technical",
            "synthetic_distortion",
            "global",
        ),
        _row("q04", "i2", "single_choice", SC, ["Sharp"], "technical", "synthetic_distortion", "local"),
        _row("q05", "i3", "true_false", TF, ["True"], "aesthetic", "natural", "global"),
        _row("q06", "i3", "open_ended", [], ["The background is blurred."], "aesthetic", "natural", "local"),
        _row("q07", "i4", "single_choice", SC, ["Slightly blurry"], "aigc", "ai_generated", "global"),
        _row("q08", "i4", "multiple_choice", MC, ["Banding"], "aigc", "ai_generated", "local"),
        _row("q09", "i5", "true_false", TF, ["False"], "aesthetic", "computer_graphics", "global"),
        _row("q10", "i5", "single_choice", SC, ["Sharp"], "aesthetic", "computer_graphics", "local"),
        _row(
            "q11",
            "i6",
            "open_ended",
            [],
            ["Strong noise on the skin."],
            "technical",
            "ai_generated",
            "global",
        ),
        _row("q12", "i6", "true_false", TF, ["True"], "technical", "ai_generated", "local"),
    ]
    return References(rows=tuple(rows), source="small-fixture")


#: Responses to small_references: a mix of right, wrong and unparsable answers.
RESPONSES: list[str | None] = [
    "C",
    "False",
    "A, B",
    "B",
    "I cannot tell.",
    "The background is blurred",
    "Answer: B",
    "A",
    "True",
    None,
    "There is noise on the skin.",
    "Yes",
]


@pytest.fixture(scope="module")
def small_run():
    return score_responses(
        "model-x", RESPONSES, small_references(), bootstrap_samples=200, missing_ids=["q10"]
    )


def test_run_matches_the_metric_called_directly(small_run) -> None:
    direct = score_predictions(RESPONSES, list(small_references().rows), bootstrap_samples=200)
    assert small_run.metrics == pytest.approx({k: v for k, v in direct.items()}, nan_ok=True)
    assert len(small_run.details) == 12
    assert small_run.metadata["model"] == "model-x"
    assert len(small_run.metadata["dataset_fingerprint"]) == 64


def test_json_safe_turns_nan_into_null_and_keeps_numbers() -> None:
    payload = json_safe({"a": math.nan, "b": [1.5, math.inf], "c": (1, "x"), "d": {"e": None}})
    assert payload == {"a": None, "b": [1.5, None], "c": [1, "x"], "d": {"e": None}}


@pytest.fixture(scope="module")
def written(tmp_path_factory, small_run) -> tuple[Path, list[Path]]:
    """The fixture run's report with charts, written once for the tests that read it."""
    out = tmp_path_factory.mktemp("report") / "out"
    return out, write_report(out, small_run)


def test_write_report_writes_every_file(written) -> None:
    out, files = written
    names = {path.relative_to(out).as_posix() for path in files}
    assert {"results.json", "details.jsonl", "report.md"} <= names
    charts = {
        "charts/question_type.png",
        "charts/quality_dimension.png",
        "charts/image_source.png",
        "charts/level.png",
        "charts/quality_dimension_x_image_source.png",
    }
    assert charts <= names
    for chart in charts:
        assert (out / chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_results_json_is_strict_json_with_null_for_empty_cells(tmp_path: Path, small_run) -> None:
    write_report(tmp_path, small_run, charts=False)
    text = (tmp_path / "results.json").read_text()
    assert "NaN" not in text
    results = json.loads(text)
    # artistic holds no question in the fixture: its score is NaN in the metric, null in the file
    assert math.isnan(small_run.metrics["image_source/artistic/score"])
    assert results["metrics"]["image_source/artistic/score"] is None
    assert results["metrics"]["overall"] == pytest.approx(small_run.metrics["overall"])
    assert results["missing_ids"] == ["q10"]
    for key in ("dataset_fingerprint", "model", "prompt_version", "judge", "package_version", "date"):
        assert key in results["metadata"]
    assert not list(tmp_path.glob("charts/*.png"))


def test_details_jsonl_has_one_line_per_question_in_order(written, small_run) -> None:
    out, _ = written
    lines = [json.loads(line) for line in (out / "details.jsonl").read_text().splitlines()]
    assert [line["id"] for line in lines] == [row["id"] for row in small_references().rows]
    assert [line["score"] for line in lines] == pytest.approx([d["score"] for d in small_run.details])


def test_report_md_lists_every_cell_with_count_interval_and_chance(written, small_run) -> None:
    out, _ = written
    text = (out / "report.md").read_text()
    for heading in ("## Question format", "## Quality dimension", "## Image source", "## Level", "## Charts"):
        assert heading in text
    metrics = small_run.metrics
    sc = "question_type/single_choice"
    line = next(line for line in text.splitlines() if line.startswith("| single_choice |"))
    assert percent(metrics[f"{sc}/score"]) in line
    assert f"| {int(metrics[f'{sc}/count'])} |" in line
    assert percent(metrics[f"{sc}/chance"]) in line
    # cells holding fractional (proxy) scores get the t interval, and the table says so; the claims
    # proxy may score this fixture's two open-ended answers 0 or 1, leaving every cell binary (Wilson);
    # no judge: the all-items column says its open-ended answers count by the proxy
    fractional = any(0 < d["score"] < 1 for d in small_run.details)
    method = "Wilson/Student t" if fractional else "Wilson"
    header = f"| all items, open-ended by proxy % | 95% CI ({method}) | n | closed formats % |"
    assert header + " 95% CI (Wilson) |" in text
    note = "Student t (the t interval of the mean) for a cell holding fractional scores"
    assert (note in text) == fractional


def _cells(text: str, value: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(f"| {value} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_report_md_puts_chance_beside_the_closed_score_of_the_same_items(written, small_run) -> None:
    out, _ = written
    text = (out / "report.md").read_text()
    metrics = small_run.metrics
    # aesthetic: q05 (true/false, unparsed), q06 (open-ended), q09 (true/false), q10 (missing)
    cell = "quality_dimension/aesthetic"
    assert metrics[f"{cell}/count"] == 4.0 and metrics[f"{cell}/closed_count"] == 3.0
    _, score, ci, count, closed, closed_ci, closed_n, chance = _cells(text, "aesthetic")
    assert (score, count) == (percent(metrics[f"{cell}/score"]), "4")
    assert ci == interval(metrics[f"{cell}/ci_low"], metrics[f"{cell}/ci_high"])
    assert (closed, closed_n) == (percent(metrics[f"{cell}/closed_score"]), "3")
    assert closed_ci == interval(metrics[f"{cell}/closed_ci_low"], metrics[f"{cell}/closed_ci_high"])
    assert chance == percent(metrics[f"{cell}/chance"])
    # open-ended: no closed items, so neither a closed score nor a chance level
    assert _cells(text, "open_ended")[4:] == ["-", "-", "0", "-"]
    assert "`q10`" in text  # the missing id is listed
    assert "![charts/image_source.png](charts/image_source.png)" in text
    assert "no judge was used" in text


def test_terminal_table_has_overall_and_every_cell(small_run) -> None:
    text = terminal_table(small_run.scores, title="t")
    lines = text.splitlines()
    assert lines[0] == "t"
    # no judge: the closed formats lead, the proxy has its own column with its agreement figure
    assert lines[1].split()[:9] == ["cell", "closed", "%", "95%", "CI", "n", "closed", "chance", "%"]
    assert "open-ended proxy % (Spearman 0.88 vs human)  n open" in lines[1]
    assert lines[3].startswith("overall ")
    assert len(headline_rows(small_run.scores)) == 1 + 4 + 3 + 5 + 2
    assert "image_source/computer_graphics" in text
    assert "parse failures: 2 " in text  # "I cannot tell." (q05) and no response (q10)


def test_cross_tab_in_report_counts_items_per_dimension_and_source(written, small_run) -> None:
    out, _ = written
    text = (out / "report.md").read_text()
    cross_tab = text.split("## Quality dimension x image source: grid")[1]
    assert _cells(cross_tab, "")[1:] == [
        "natural",
        "synthetic_distortion",
        "ai_generated",
        "artistic",
        "computer_graphics",
    ]
    technical = _cells(cross_tab, "technical")
    # natural: q01 right, q02 right; synthetic_distortion: q03 right, q04 wrong;
    # ai_generated: q11 (open-ended, proxy score) and q12 right
    ai_generated = (small_run.details[10]["proxy_score"] + 1.0) / 2
    assert technical[1:] == [
        "100.0 (n=2)",
        "50.0 (n=2)",
        f"{percent(ai_generated)} (n=2)",
        "- (n=0)",
        "- (n=0)",
    ]


def test_missing_matplotlib_gives_a_clear_error_before_writing(
    tmp_path: Path, small_run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'qbench-portrait\[report\]'"):
        write_report(tmp_path / "out", small_run)
    assert not (tmp_path / "out").exists()


def test_run_results_keeps_errored_requests(small_run) -> None:
    run: Any = small_run
    results = run_results(run)
    assert results["errored_requests"] == {}
    assert set(results) == {"metadata", "metrics", "missing_ids", "errored_requests"}


def test_terminal_table_reports_judge_failures_only_when_a_judge_scored(small_run) -> None:
    assert "judge:" not in terminal_table(small_run.scores)

    def judge_failing_on_q06(items):
        return [None if item.id == "q06" else 2.0 for item in items]

    judged = score_all(
        RESPONSES, list(small_references().rows), judge=judge_failing_on_q06, bootstrap_samples=0
    ).scores
    footer = terminal_table(judged).splitlines()[-1]
    assert footer == "judge: 1 open-ended items (50.0%) got no valid judge score and kept their proxy score"
