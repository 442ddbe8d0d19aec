"""The score and compare commands through click's runner, on a small in-memory dataset.

``load_references`` (as the file jobs call it) is replaced by the twelve-question fixture
of test_report, so these tests exercise the commands, not the dataset loading
(tests/test_demo.py runs the real sample).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_report import RESPONSES, small_references
from test_report_leaderboard import CLOSED_STRONG, PERFECT, PROXY_STRONG, WRONG

from qbench_portrait_lib.cli import cli
from qbench_portrait_lib.jobs import files as file_jobs
from qbench_portrait_lib.run.predictions import PredictionRecord
from qbench_portrait_lib.scoring import score_predictions

IDS = [row["id"] for row in small_references().rows]


@pytest.fixture(autouse=True)
def small_dataset(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_load_references(source, split="test"):
        if source != "small":
            raise FileNotFoundError(f"no dataset {source!r} in this test")
        return small_references()

    monkeypatch.setattr(file_jobs, "load_references", fake_load_references)


def write_jsonl(path: Path, records: list[PredictionRecord], extra_lines: list[str] = ()) -> Path:
    lines = [record.to_json() for record in records] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def records(responses: list[str | None], model: str = "m") -> list[PredictionRecord]:
    return [
        PredictionRecord(id=qid, response=text, model=model) for qid, text in zip(IDS, responses, strict=True)
    ]


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_score_prints_the_headline_table_and_writes_the_report(tmp_path: Path) -> None:
    predictions = write_jsonl(tmp_path / "p.jsonl", records(RESPONSES, model="model-x"))
    result = invoke("score", str(predictions), "--dataset", "small", "--out", str(tmp_path / "r"))
    assert result.exit_code == 0, result.output
    assert "model-x on small-fixture" in result.output
    assert "question_type/single_choice" in result.output
    results = json.loads((tmp_path / "r" / "results.json").read_text())
    direct = score_predictions(RESPONSES, list(small_references().rows))
    assert results["metrics"]["overall"] == pytest.approx(direct["overall"])
    assert results["metadata"]["model"] == "model-x"
    assert results["metadata"]["predictions_file"] == str(predictions)
    assert (tmp_path / "r" / "charts" / "level.png").is_file()


def test_missing_ids_are_listed_and_scored_as_unparsed(tmp_path: Path) -> None:
    predictions = write_jsonl(tmp_path / "p.jsonl", records(PERFECT)[:-2])  # q11 and q12 missing
    result = invoke(
        "score", str(predictions), "--dataset", "small", "--out", str(tmp_path / "r"), "--no-charts"
    )
    assert result.exit_code == 0, result.output
    assert "2 questions without a prediction (scored as unparsed): q11, q12" in result.output
    results = json.loads((tmp_path / "r" / "results.json").read_text())
    assert results["missing_ids"] == ["q11", "q12"]
    direct = score_predictions([*PERFECT[:-2], None, None], list(small_references().rows))
    assert results["metrics"]["overall"] == pytest.approx(direct["overall"])
    assert results["metrics"]["parse_failures"] == 1.0  # q12 is closed, q11 open-ended


def test_errored_requests_are_counted_and_reported(tmp_path: Path) -> None:
    lines = records(PERFECT)
    lines[0] = PredictionRecord(id="q01", error="HTTP 500 after 5 attempts", model="m")
    predictions = write_jsonl(tmp_path / "p.jsonl", lines)
    result = invoke(
        "score", str(predictions), "--dataset", "small", "--out", str(tmp_path / "r"), "--no-charts"
    )
    assert result.exit_code == 0, result.output
    assert (
        "1 requests failed in the run (scored as unparsed): q01: HTTP 500 after 5 attempts" in result.output
    )
    results = json.loads((tmp_path / "r" / "results.json").read_text())
    assert results["errored_requests"] == {"q01": "HTTP 500 after 5 attempts"}
    assert results["metadata"]["errored_requests"] == 1
    assert "1 requests failed in the run" in (tmp_path / "r" / "report.md").read_text()


def test_a_retried_failure_is_superseded_by_its_answer(tmp_path: Path) -> None:
    failed = PredictionRecord(id="q01", error="timeout", model="m")
    predictions = write_jsonl(tmp_path / "p.jsonl", [failed, *records(PERFECT)])
    result = invoke("score", str(predictions), "--dataset", "small")
    assert result.exit_code == 0, result.output
    assert "requests failed" not in result.output


def test_missing_predictions_file_is_a_clean_error(tmp_path: Path) -> None:
    result = invoke("score", str(tmp_path / "nope.jsonl"), "--dataset", "small")
    assert result.exit_code == 1
    assert "Error: predictions file not found:" in result.output
    assert "nope.jsonl" in result.output
    assert "Traceback" not in result.output


def test_malformed_line_names_the_file_and_line(tmp_path: Path) -> None:
    predictions = write_jsonl(
        tmp_path / "p.jsonl", records(PERFECT)[:2], extra_lines=['{"id": "q03", "response": ']
    )
    result = invoke("score", str(predictions), "--dataset", "small")
    assert result.exit_code == 1
    assert "p.jsonl: line 3: not valid JSON" in result.output


def test_unknown_ids_are_an_error(tmp_path: Path) -> None:
    stray = [PredictionRecord(id="zz-1", response="A"), PredictionRecord(id="zz-2", response="B")]
    predictions = write_jsonl(tmp_path / "p.jsonl", [*records(PERFECT), *stray])
    result = invoke("score", str(predictions), "--dataset", "small")
    assert result.exit_code == 1
    assert "2 predictions have ids that are not questions of the dataset" in result.output
    assert "'zz-1', 'zz-2'" in result.output


def test_duplicate_ids_are_an_error(tmp_path: Path) -> None:
    predictions = write_jsonl(
        tmp_path / "p.jsonl", [*records(PERFECT), PredictionRecord(id="q02", response="True")]
    )
    result = invoke("score", str(predictions), "--dataset", "small")
    assert result.exit_code == 1
    assert "duplicate id 'q02'" in result.output
    assert "line 13" in result.output


def test_a_dataset_that_cannot_be_loaded_is_a_clean_error(tmp_path: Path) -> None:
    predictions = write_jsonl(tmp_path / "p.jsonl", records(PERFECT))
    result = invoke("score", str(predictions), "--dataset", "elsewhere")
    assert result.exit_code == 1
    assert "Error: no dataset 'elsewhere'" in result.output


def test_compare_ranks_models_and_writes_the_leaderboard(tmp_path: Path) -> None:
    files = [
        write_jsonl(tmp_path / "a.jsonl", records(WRONG, model="wrong-model")),
        write_jsonl(tmp_path / "b.jsonl", records(PERFECT, model="perfect-model")),
        write_jsonl(tmp_path / "c.jsonl", records(RESPONSES, model="mixed-model")),
    ]
    args = ["compare", *map(str, files), "--dataset", "small", "--out", str(tmp_path / "board")]
    result = invoke(*args, "--bootstrap-samples", "200")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    ranked = [line.split()[1] for line in lines[2:5]]
    assert ranked == ["perfect-model", "mixed-model", "wrong-model"]
    assert " best " in lines[2] + " "
    results = json.loads((tmp_path / "board" / "results.json").read_text())
    assert [item["model"] for item in results["comparisons"]] == ["mixed-model", "wrong-model"]
    assert (tmp_path / "board" / "charts" / "quality_dimension.png").is_file()
    assert "# Q-Bench-Portrait leaderboard" in (tmp_path / "board" / "report.md").read_text()


def test_compare_without_a_judge_ranks_by_the_closed_formats_and_shows_the_proxy_apart(
    tmp_path: Path,
) -> None:
    files = [
        write_jsonl(tmp_path / "a.jsonl", records(PROXY_STRONG, model="proxy-strong")),
        write_jsonl(tmp_path / "b.jsonl", records(CLOSED_STRONG, model="closed-strong")),
    ]
    result = invoke(
        "compare", *map(str, files), "--dataset", "small", "--no-charts", "--bootstrap-samples", "200"
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "overall (closed) %" in lines[0]
    assert "open-ended proxy % (Spearman 0.88 vs human)" in lines[0]
    # the proxy would rank proxy-strong first (11/12 against 10/12 over all items); closed: 10/10 against 9/10
    assert [line.split()[:3] for line in lines[2:4]] == [
        ["1", "closed-strong", "100.0"],
        ["2", "proxy-strong", "90.0"],
    ]
    assert lines[2].split()[5] == "0.0" and lines[3].split()[5] == "100.0"  # the proxy column


def test_compare_reports_incomplete_runs(tmp_path: Path) -> None:
    files = [
        write_jsonl(tmp_path / "a.jsonl", records(PERFECT, model="full")),
        write_jsonl(tmp_path / "b.jsonl", records(PERFECT, model="partial")[:10]),
    ]
    result = invoke("compare", *map(str, files), "--dataset", "small", "--no-charts")
    assert result.exit_code == 0, result.output
    assert "partial: 2 without a prediction, 0 failed requests" in result.output


def test_compare_needs_two_files(tmp_path: Path) -> None:
    only = write_jsonl(tmp_path / "a.jsonl", records(PERFECT))
    result = invoke("compare", str(only), "--dataset", "small")
    assert result.exit_code == 1
    assert "at least two prediction files, got 1" in result.output


def test_compare_with_a_missing_file_is_a_clean_error(tmp_path: Path) -> None:
    only = write_jsonl(tmp_path / "a.jsonl", records(PERFECT))
    result = invoke("compare", str(only), str(tmp_path / "b.jsonl"), "--dataset", "small")
    assert result.exit_code == 1
    assert "predictions file not found:" in result.output and "b.jsonl" in result.output


def test_compare_names_the_malformed_file_and_line(tmp_path: Path) -> None:
    good = write_jsonl(tmp_path / "a.jsonl", records(PERFECT))
    bad = write_jsonl(tmp_path / "b.jsonl", records(PERFECT)[:1], extra_lines=["not json"])
    result = invoke("compare", str(good), str(bad), "--dataset", "small")
    assert result.exit_code == 1
    assert "b.jsonl: line 2: not valid JSON" in result.output


def test_score_passes_the_judge_options_through(tmp_path: Path) -> None:
    from fake_openai_server import FakeOpenAIServer

    predictions = write_jsonl(tmp_path / "p.jsonl", records(RESPONSES))
    with FakeOpenAIServer(
        model="judge-llm", responder=lambda text, body: "Score: 2", require_image=False
    ) as server:
        result = invoke(
            "score", str(predictions), "--dataset", "small", "--out", str(tmp_path / "r"), "--no-charts",
            "--judge-base-url", server.base_url, "--judge-model", "judge-llm", "--judge-rounds", "2",
            "--judge-cache-dir", str(tmp_path / "cache"),
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(server.requests) == 2 * 2  # two open-ended questions, two rounds each
    results = json.loads((tmp_path / "r" / "results.json").read_text())
    assert results["metrics"]["open_ended/judge_score"] == 1.0
    assert results["metrics"]["open_ended/judge_failures"] == 0.0
    judge = results["metadata"]["judge"]
    assert (judge["model"], judge["rounds"], judge["base_url"]) == ("judge-llm", 2, server.base_url)
    assert judge["stats"]["calls"] == 4
    details = [json.loads(line) for line in (tmp_path / "r" / "details.jsonl").read_text().splitlines()]
    assert {d["score_source"] for d in details if d["question_type"] == "open_ended"} == {"judge"}
    assert "judge score 100.0 (0 judge failures" in (tmp_path / "r" / "report.md").read_text()


def test_long_id_lists_are_cut_and_point_at_results_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qbench_portrait_lib.report import console

    monkeypatch.setattr(console, "PRINTED_IDS", 3)
    predictions = write_jsonl(tmp_path / "p.jsonl", records(PERFECT)[:2])
    result = invoke(
        "score", str(predictions), "--dataset", "small", "--out", str(tmp_path / "r"), "--no-charts"
    )
    assert result.exit_code == 0, result.output
    expected = (
        f"10 questions without a prediction (scored as unparsed): q03, q04, q05 ... (all listed in {tmp_path}"
    )
    assert expected in result.output
    assert len(json.loads((tmp_path / "r" / "results.json").read_text())["missing_ids"]) == 10
