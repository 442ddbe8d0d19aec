"""The leaderboard of several runs and its report."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from test_report import RESPONSES, small_references

from qbench_portrait_lib.jobs.score import References, ScoringInputError, score_responses
from qbench_portrait_lib.report.leaderboard import (
    build_leaderboard,
    closed_rows,
    leaderboard_markdown,
    leaderboard_rows,
)
from qbench_portrait_lib.report.writer import write_comparison_report
from qbench_portrait_lib.scoring import compare_predictions, score_all

#: The right answer to every closed question of small_references (open-ended: the reference).
PERFECT = ["C", "False", "A, B", "A", "True", "The background is blurred.", "B", "D", "False", "A",
           "Strong noise on the skin.", "True"]  # fmt: skip
WRONG = ["A", "True", "C", "C", "False", "no idea", "A", "A", "True", "C", "fine", "False"]


def _runs():
    refs = small_references()
    return [
        score_responses("mixed", RESPONSES, refs, bootstrap_samples=200),
        score_responses("perfect", PERFECT, refs, bootstrap_samples=200),
        score_responses("wrong", WRONG, refs, bootstrap_samples=200),
    ]


@pytest.fixture(scope="module")
def leaderboard():
    return build_leaderboard(_runs(), bootstrap_samples=200)


def test_runs_are_ranked_by_overall_score(leaderboard) -> None:
    assert [run.name for run in leaderboard.runs] == ["perfect", "mixed", "wrong"]
    overall = [run.metrics["overall"] for run in leaderboard.runs]
    assert overall == sorted(overall, reverse=True)
    assert leaderboard.runs[0].metrics["overall_closed"] == 1.0


def test_each_other_run_is_compared_with_the_best(leaderboard) -> None:
    rows = list(small_references().rows)
    assert [item["model"] for item in leaderboard.comparisons] == ["mixed", "wrong"]
    for item in leaderboard.comparisons:
        other = next(run for run in leaderboard.runs if run.name == item["model"])
        closed = [row["question_type"] != "open_ended" for row in rows]  # no judge: closed items only
        direct = compare_predictions(
            [
                i
                for i, c in zip(score_all(PERFECT, rows, bootstrap_samples=0).items, closed, strict=True)
                if c
            ],
            [
                i
                for i, c in zip(
                    score_all(other.responses, rows, bootstrap_samples=0).items, closed, strict=True
                )
                if c
            ],
            bootstrap_samples=200,
        )
        assert item == {"model": other.name, "best": "perfect", **direct}
        assert item["difference"] < 0  # model minus best
        assert item["best"] == "perfect"
    wrong = leaderboard.comparisons[1]
    assert wrong["discordant_b"] == 0  # the all-wrong run is never right where the best is wrong
    assert wrong["discordant_a"] == wrong["n_closed"]


def test_main_table_without_a_judge_has_the_closed_cells_and_the_proxy_in_its_own_column(leaderboard) -> None:
    header, rows = leaderboard_rows(leaderboard)
    proxy = "open-ended proxy % (Spearman 0.88 vs human)"
    assert header[:5] == ["rank", "model", "overall (closed formats)", "95% CI", proxy]
    assert "open_ended" not in header  # no closed item there
    assert rows[0][header.index("artistic")] == "-"  # no artistic question in the fixture
    assert [row[1] for row in rows] == ["perfect", "mixed", "wrong", "n"]
    assert rows[0][header.index("single_choice")] == "100.0"
    mixed = leaderboard.runs[1].metrics
    assert rows[1][2] == f"{100 * mixed['overall_closed']:.1f}"
    assert rows[1][4] == f"{100 * mixed['open_ended/proxy_score']:.1f}"
    assert rows[-1][header.index("aesthetic")] == "3"  # closed: q05, q09, q10
    assert rows[-1][2:5] == ["10", "-", "2"]


#: Closed answers all right, open-ended ones wrong; and one closed answer wrong, open-ended right.
CLOSED_STRONG = [("no idea" if i in (5, 10) else answer) for i, answer in enumerate(PERFECT)]
PROXY_STRONG = ["A", *PERFECT[1:]]


def test_without_a_judge_the_ranking_ignores_the_proxy() -> None:
    refs = small_references()
    runs = [
        score_responses("proxy-strong", PROXY_STRONG, refs, bootstrap_samples=0),
        score_responses("closed-strong", CLOSED_STRONG, refs, bootstrap_samples=0),
    ]
    # over all items with the proxy the order would be the other way round
    assert runs[0].metrics["overall_all_items"] > runs[1].metrics["overall_all_items"]
    board = build_leaderboard(runs, bootstrap_samples=0)
    assert [run.name for run in board.runs] == ["closed-strong", "proxy-strong"]
    assert board.metadata["ranked_by"] == "closed formats (open-ended proxy apart)"
    # the paired comparison covers the closed items only: 10 of 10 right against 9 of 10
    assert (board.comparisons[0]["score_a"], board.comparisons[0]["score_b"]) == (1.0, 0.9)


def test_with_a_judge_the_open_ended_answers_count_in_the_ranking() -> None:
    refs = small_references()

    def judge(items):  # grades like a human would: the reference itself is right
        return [2.0 if item.response == item.references[0] else 0.0 for item in items]

    runs = [
        score_responses("proxy-strong", PROXY_STRONG, refs, judge=judge, bootstrap_samples=0),
        score_responses("closed-strong", CLOSED_STRONG, refs, judge=judge, bootstrap_samples=0),
    ]
    board = build_leaderboard(runs, bootstrap_samples=0)
    assert [run.name for run in board.runs] == ["proxy-strong", "closed-strong"]
    assert board.runs[0].metrics["overall"] == board.runs[0].metrics["overall_all_items"] == 11 / 12
    header, _ = leaderboard_rows(board)
    assert header[2] == "overall" and "open_ended" in header


def test_closed_table_puts_chance_under_the_closed_scores(leaderboard) -> None:
    header, rows = closed_rows(leaderboard)
    assert header[:3] == ["rank", "model", "closed"]
    assert [row[1] for row in rows] == ["perfect", "mixed", "wrong", "chance", "n closed"]
    aesthetic = header.index("aesthetic")
    perfect = leaderboard.runs[0].metrics
    # perfect answers everything right, open-ended q06 included: both scores are 100
    assert perfect["quality_dimension/aesthetic/score"] == 1.0
    assert rows[0][aesthetic] == "100.0"
    wrong = leaderboard.runs[2].metrics
    assert rows[2][aesthetic] == "0.0" and wrong["quality_dimension/aesthetic/closed_score"] == 0.0
    # chance of the three closed aesthetic items: true/false 1/2, true/false 1/2, 3 options 1/3
    assert rows[3][aesthetic] == f"{100 * (1 / 2 + 1 / 2 + 1 / 3) / 3:.1f}"
    assert rows[3][header.index("true_false")] == "50.0"
    assert "open_ended" not in header  # no closed item, no chance level
    assert rows[4][aesthetic] == "3"
    assert rows[4][2] == "10"  # 12 questions, 2 open-ended


def test_markdown_explains_the_paired_comparison(leaderboard) -> None:
    text = leaderboard_markdown(leaderboard)
    assert "## Paired comparison with the best model (perfect)" in text
    assert "model minus best" in text
    assert "| wrong |" in text
    assert "## Closed formats" in text
    main, closed = text.split("## Closed formats")[0], text.split("## Closed formats")[1]
    assert "| chance |" not in main and "| chance |" in closed.split("## Paired")[0]


def test_repeated_model_names_are_numbered() -> None:
    refs = small_references()
    runs = [
        score_responses("m", PERFECT, refs, bootstrap_samples=0),
        score_responses("m", WRONG, refs, bootstrap_samples=0),
    ]
    board = build_leaderboard(runs, bootstrap_samples=0)
    assert [run.name for run in board.runs] == ["m", "m (2)"]


def test_one_run_is_not_a_comparison() -> None:
    with pytest.raises(ScoringInputError, match="at least two prediction files, got 1"):
        build_leaderboard(_runs()[:1])


def test_runs_on_different_references_are_refused() -> None:
    first, second = _runs()[:2]
    other_refs = References(rows=small_references().rows[:11], source="other")
    second = replace(second, references=other_refs)
    with pytest.raises(ScoringInputError, match="different references"):
        build_leaderboard([first, second])


def test_comparison_report_files(tmp_path: Path, leaderboard) -> None:
    files = write_comparison_report(tmp_path, leaderboard)
    names = {path.name for path in files}
    assert {"results.json", "report.md", "question_type.png", "image_source.png"} <= names
    results = json.loads((tmp_path / "results.json").read_text())
    assert [model["name"] for model in results["models"]] == ["perfect", "mixed", "wrong"]
    assert results["comparisons"][0]["model"] == "mixed"
    assert results["metadata"]["dataset_fingerprint"] == small_references().fingerprint
