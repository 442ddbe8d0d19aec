"""The numbers a report shows, read out of the metric's flat result dict.

Pure helpers (no matplotlib, no datasets): which cells a report lists, in which order,
and the per-cell scores of the dimension x source cross tab, computed from the metric's
per-item ``details`` because the flat dict has no such keys.

>>> [group for group, _ in BREAKDOWNS]
['question_type', 'quality_dimension', 'image_source', 'level']
>>> cells = cross_tab_scores(
...     [{"score": 1.0}, {"score": 0.0}, {"score": 0.5}],
...     [{"quality_dimension": "technical", "image_source": "natural"},
...      {"quality_dimension": "technical", "image_source": "natural"},
...      {"quality_dimension": "aesthetic", "image_source": "artistic"}])
>>> cells[("technical", "natural")], cells[("aesthetic", "artistic")]
(CrossCell(score=0.5, count=2), CrossCell(score=0.5, count=1))
>>> cells[("aigc", "natural")]
CrossCell(score=nan, count=0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qbench_portrait_lib.contract.columns import (
    IMAGE_SOURCES,
    LABEL_COLUMNS,
    LEVELS,
    QUALITY_DIMENSIONS,
    QUESTION_TYPES,
    label_name,
)

#: The breakdowns every report shows, in order, with the values of each.
BREAKDOWNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("question_type", QUESTION_TYPES),
    ("quality_dimension", QUALITY_DIMENSIONS),
    ("image_source", IMAGE_SOURCES),
    ("level", LEVELS),
)

#: The metric's own cross tab: quality dimension x level, values "dimension.level".
DIMENSION_X_LEVEL: tuple[str, tuple[str, ...]] = (
    "quality_dimension_x_level",
    tuple(f"{dimension}.{level}" for dimension in QUALITY_DIMENSIONS for level in LEVELS),
)

#: Human titles of the breakdowns.
GROUP_TITLES: dict[str, str] = {
    "question_type": "Question format",
    "quality_dimension": "Quality dimension",
    "image_source": "Image source",
    "level": "Level",
    "quality_dimension_x_level": "Quality dimension x level",
}


@dataclass(frozen=True)
class CellRow:
    """One line of a breakdown table.

    ``score``/``ci_low``/``ci_high``/``count`` cover all the cell's items (open-ended ones
    by their proxy or judge score); ``closed_*`` cover its closed-format items only, the
    items ``chance`` is computed on: a report shows chance beside ``closed_score`` only.
    """

    group: str
    value: str
    score: float
    ci_low: float
    ci_high: float
    count: int
    closed_score: float
    closed_ci_low: float
    closed_ci_high: float
    closed_count: int
    chance: float


@dataclass(frozen=True)
class CrossCell:
    """Mean item score and item count of one cell of a cross tab (score NaN when empty)."""

    score: float
    count: int


def _number(metrics: Mapping[str, Any], key: str) -> float:
    """``metrics[key]`` as a float, with a clear error when the metric did not report it."""
    if key not in metrics:
        raise KeyError(f"the metric result has no key {key!r}; expected the keys of score_predictions")
    value = metrics[key]
    return math.nan if value is None else float(value)


def cell_row(metrics: Mapping[str, Any], group: str, value: str) -> CellRow:
    """Read the cell ``group/value`` out of a flat metric dict.

    >>> keys = {"score": 0.5, "ci_low": 0.2, "ci_high": 0.8, "count": 10.0, "chance": 0.3,
    ...         "closed_score": 0.25, "closed_ci_low": 0.05, "closed_ci_high": 0.7, "closed_count": 4.0}
    >>> row = cell_row({f"level/local/{key}": value for key, value in keys.items()}, "level", "local")
    >>> row.score, row.count, row.closed_score, row.closed_count, row.chance
    (0.5, 10, 0.25, 4, 0.3)
    """
    prefix = f"{group}/{value}/"
    return CellRow(
        group=group,
        value=value,
        score=_number(metrics, prefix + "score"),
        ci_low=_number(metrics, prefix + "ci_low"),
        ci_high=_number(metrics, prefix + "ci_high"),
        count=int(_number(metrics, prefix + "count")),
        closed_score=_number(metrics, prefix + "closed_score"),
        closed_ci_low=_number(metrics, prefix + "closed_ci_low"),
        closed_ci_high=_number(metrics, prefix + "closed_ci_high"),
        closed_count=int(_number(metrics, prefix + "closed_count")),
        chance=_number(metrics, prefix + "chance"),
    )


def breakdown_rows(metrics: Mapping[str, Any], group: str, values: Sequence[str]) -> list[CellRow]:
    """Every cell of one breakdown, in vocabulary order (empty cells included, count 0)."""
    return [cell_row(metrics, group, value) for value in values]


def cross_tab_scores(
    details: Sequence[Mapping[str, Any]],
    references: Sequence[Mapping[str, Any]],
    rows: str = "quality_dimension",
    cols: str = "image_source",
) -> dict[tuple[str, str], CrossCell]:
    """Mean item score per (``rows`` value, ``cols`` value), from the metric's details.

    ``details`` and ``references`` are aligned (the metric keeps input order). Every
    pair of the two vocabularies is present; an empty pair has count 0 and a NaN score.
    """
    if len(details) != len(references):
        raise ValueError(
            f"details and references must be aligned, got {len(details)} details "
            f"and {len(references)} references"
        )
    totals: dict[tuple[str, str], list[float]] = {
        (row, col): [] for row in LABEL_COLUMNS[rows] for col in LABEL_COLUMNS[cols]
    }
    for detail, reference in zip(details, references, strict=True):
        key = (label_name(rows, reference[rows]), label_name(cols, reference[cols]))
        totals[key].append(float(detail["score"]))
    return {
        key: CrossCell(score=sum(scores) / len(scores) if scores else math.nan, count=len(scores))
        for key, scores in totals.items()
    }
