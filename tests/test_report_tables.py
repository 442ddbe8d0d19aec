"""The report's tables, grid and chart values render the scorer's cells, checked by hand.

The fixture is test_scoring_aggregate's: eight items whose every cell was computed by hand
there; here the rendered strings are checked against those hand values.
"""

from __future__ import annotations

import math

import pytest
from test_scoring_aggregate import PREDICTIONS, REFERENCES

from qbench_portrait_lib.report.charts import bar_values
from qbench_portrait_lib.report.markdown import breakdown_table, cross_tab_section, headline_rows
from qbench_portrait_lib.report.tables import HEATMAP_BREAKDOWN, cross_tab_grid
from qbench_portrait_lib.scoring import score_all
from qbench_portrait_lib.scoring.intervals import wilson_interval


@pytest.fixture(scope="module")
def scores():
    return score_all(PREDICTIONS, REFERENCES, bootstrap_samples=0).scores


def _row(lines: list[str], value: str) -> list[str]:
    line = next(line for line in lines if line.startswith(f"| {value} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def _ci(successes: int, n: int) -> str:
    low, high = wilson_interval(successes, n)
    return f"[{100 * low:.1f}, {100 * high:.1f}]"


def test_breakdown_table_rows_hold_the_hand_computed_cells(scores) -> None:
    lines = breakdown_table(scores.cells("quality_dimension"))
    assert lines[0].startswith("| value | all items % | 95% CI (Wilson) | n | closed formats % |")
    # aesthetic: q6 (single choice, unparsed), q7 (open-ended, proxy 1), q8 (true/false, right)
    assert _row(lines, "aesthetic") == ["aesthetic", "66.7", _ci(2, 3), "3", "50.0", _ci(1, 2), "2", "37.5"]
    # technical: q1 right (chance 1/3), q2 right (chance 1/2)
    assert _row(lines, "technical") == ["technical", "100.0", _ci(2, 2), "2", "100.0", _ci(2, 2), "2", "41.7"]
    assert [line.split(" | ")[0] for line in lines[2:]] == ["| technical", "| aigc", "| aesthetic"]


def test_cross_tab_tables_name_both_values(scores) -> None:
    lines = breakdown_table(scores.cells("quality_dimension_x_level"))
    assert _row(lines, "aigc.local") == ["aigc.local", "0.0", _ci(0, 2), "2", "0.0", _ci(0, 2), "2", "10.5"]
    assert _row(lines, "aesthetic.local") == ["aesthetic.local", "-", "-", "0", "-", "-", "0", "-"]


def test_heatmap_grid_lays_dimensions_over_sources(scores) -> None:
    grid = cross_tab_grid(scores.cells(HEATMAP_BREAKDOWN))
    assert grid.rows == ("technical", "aigc", "aesthetic")
    assert grid.columns == (
        "natural",
        "synthetic_distortion",
        "ai_generated",
        "artistic",
        "computer_graphics",
    )
    drawn = grid.scores_percent()
    filled = {(r, c): v for r, row in enumerate(drawn) for c, v in enumerate(row) if not math.isnan(v)}
    # each dimension of the fixture sits on one source: technical/natural 2 of 2,
    # aigc/ai_generated 0 of 3, aesthetic/artistic 2 of 3 (the open-ended q7 scores 1)
    assert filled == {(0, 0): 100.0, (1, 2): 0.0, (2, 3): pytest.approx(200 / 3)}
    lines = cross_tab_section(scores.cells(HEATMAP_BREAKDOWN), "grid")
    assert _row(lines, "aesthetic")[1:] == ["- (n=0)", "- (n=0)", "- (n=0)", "66.7 (n=3)", "- (n=0)"]


def test_a_grid_needs_one_cell_per_pair(scores) -> None:
    cells = scores.cells(HEATMAP_BREAKDOWN)
    with pytest.raises(ValueError, match="exactly one cell per row and column; missing"):
        cross_tab_grid(cells[1:])
    with pytest.raises(ValueError, match="two values each"):
        cross_tab_grid(scores.cells("level"))


def test_headline_rows_without_a_judge_lead_with_the_closed_formats_and_keep_the_proxy_apart(scores) -> None:
    rows = headline_rows(scores)
    # overall: 3 of 7 closed right, no bootstrap asked, chance; then the proxy of q7 (1.0), 1 item
    assert rows[0] == ["overall", "42.9", "-", "7", "32.8", "100.0", "1"]
    assert next(row for row in rows if row[0] == "level/local") == [
        "level/local", "33.3", _ci(1, 3), "3", "23.7", "-", "0",
    ]  # fmt: skip
    assert next(row for row in rows if row[0] == "question_type/open_ended")[1:] == [
        "-",
        "-",
        "0",
        "-",
        "100.0",
        "1",
    ]
    assert len(rows) == 1 + 4 + 3 + 5 + 2


def test_headline_rows_with_a_judge_start_with_overall_then_every_one_column_cell() -> None:
    scores = score_all(
        PREDICTIONS, REFERENCES, judge=lambda items: [2.0] * len(items), bootstrap_samples=0
    ).scores
    rows = headline_rows(scores)
    # overall: 4 of 8 right (q7 judged 2/2), no bootstrap asked, 3 of 7 closed right
    assert rows[0] == ["overall", "50.0", "-", "8", "42.9", "7", "32.8"]
    assert [row[0] for row in rows[1:5]] == [
        "question_type/single_choice",
        "question_type/multiple_choice",
        "question_type/true_false",
        "question_type/open_ended",
    ]
    assert next(row for row in rows if row[0] == "level/local") == [
        "level/local", "33.3", _ci(1, 3), "3", "33.3", "3", "23.7",
    ]  # fmt: skip
    assert len(rows) == 1 + 4 + 3 + 5 + 2


def test_chart_bars_are_the_cells_scores_and_intervals(scores) -> None:
    cells = scores.cells("question_type")
    heights, lower, upper = bar_values(cells, closed=False)
    assert heights == pytest.approx([50.0, 0.0, 200 / 3, 100.0])
    low, high = wilson_interval(1, 2)
    assert (lower[0], upper[0]) == pytest.approx((50 - 100 * low, 100 * high - 50))
    closed_heights, closed_lower, closed_upper = bar_values(cells, closed=True)
    # open-ended has no closed item: no bar and no error bar
    assert closed_heights[3] == closed_lower[3] == closed_upper[3] == 0.0
