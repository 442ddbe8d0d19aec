"""The pure helpers behind the report tables."""

from __future__ import annotations

import math

import pytest

from qbench_portrait_lib.report.tables import BREAKDOWNS, DIMENSION_X_LEVEL, cell_row, cross_tab_scores


def test_cell_row_names_the_missing_key() -> None:
    with pytest.raises(KeyError, match=r"no key 'level/local/score'"):
        cell_row({}, "level", "local")


def test_cell_row_reads_null_as_nan() -> None:
    keys = ("score", "ci_low", "ci_high", "chance", "closed_score", "closed_ci_low", "closed_ci_high")
    metrics = {f"level/global/{key}": None for key in keys}
    metrics |= {"level/global/count": 0.0, "level/global/closed_count": 0.0}
    row = cell_row(metrics, "level", "global")
    assert math.isnan(row.score) and row.count == 0
    assert math.isnan(row.closed_score) and row.closed_count == 0


def test_cell_row_names_a_missing_closed_key() -> None:
    keys = ("score", "ci_low", "ci_high", "count", "chance")
    with pytest.raises(KeyError, match=r"no key 'level/global/closed_score'"):
        cell_row({f"level/global/{key}": 0.5 for key in keys}, "level", "global")


def test_breakdowns_cover_the_label_vocabularies() -> None:
    assert sum(len(values) for _, values in BREAKDOWNS) == 4 + 3 + 5 + 2
    assert DIMENSION_X_LEVEL[1][:2] == ("technical.global", "technical.local")


def test_cross_tab_accepts_classlabel_ints_and_names() -> None:
    refs = [
        {"quality_dimension": 0, "image_source": 4},
        {"quality_dimension": "technical", "image_source": 4},
    ]
    cells = cross_tab_scores([{"score": 1.0}, {"score": 0.0}], refs)
    assert cells["technical", "computer_graphics"].count == 2
    assert cells["technical", "computer_graphics"].score == 0.5
    assert len(cells) == 3 * 5


def test_cross_tab_refuses_misaligned_inputs() -> None:
    with pytest.raises(ValueError, match="got 1 details and 0 references"):
        cross_tab_scores([{"score": 1.0}], [])


def test_cross_tab_refuses_a_label_outside_the_contract() -> None:
    with pytest.raises(ValueError, match="image_source must be one of"):
        cross_tab_scores([{"score": 1.0}], [{"quality_dimension": "technical", "image_source": "photo"}])
