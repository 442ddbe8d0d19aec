"""Aggregate item scores into the flat dict of Python floats the metric returns.

Cells: every value of question_type, quality_dimension, image_source, level and the
quality_dimension x level cross tab gets ``score`` (mean item score over all its items),
``count``, a 95 % Wilson interval (``ci_low``/``ci_high``; for cells holding open-ended or
other fractional scores it is the Wilson interval of the mean, an approximation) and
``chance`` (the mean chance score of the cell's closed items; NaN when it has none —
open-ended questions have no chance level). Because ``chance`` covers the closed items
only, each cell also gets their accuracy: ``closed_score``, ``closed_count`` and its
Wilson interval ``closed_ci_low``/``closed_ci_high`` (exact in its assumptions: closed
items score 0 or 1); compare ``chance`` with ``closed_score``, never with ``score``.
Empty cells have count 0.0 and NaN elsewhere; cells without closed items have
closed_count 0.0 and NaN closed scores.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from qbench_portrait_lib.contract.columns import LABEL_COLUMNS, LEVELS, QUALITY_DIMENSIONS
from qbench_portrait_lib.scoring.intervals import wilson_interval
from qbench_portrait_lib.scoring.item_scores import ItemScore
from qbench_portrait_lib.scoring.references import Reference

NAN = math.nan
CROSS_TAB = "quality_dimension_x_level"
CROSS_TAB_VALUES: tuple[str, ...] = tuple(f"{d}.{lv}" for d in QUALITY_DIMENSIONS for lv in LEVELS)


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else NAN


def _codes(references: Sequence[Reference], column: str) -> np.ndarray:
    index = {name: code for code, name in enumerate(LABEL_COLUMNS[column])}
    return np.fromiter((index[getattr(r, column)] for r in references), dtype=np.int64, count=len(references))


def cell_statistics(
    codes: np.ndarray, scores: np.ndarray, chances: np.ndarray, closed: np.ndarray, size: int
) -> list[dict[str, float]]:
    """Score, count, Wilson interval and chance of each of ``size`` cells given item codes,
    then the same over the cell's closed items (``closed_*``), the score chance belongs to.

    >>> cells = cell_statistics(np.array([0, 0, 1, 0]), np.array([1.0, 0.0, 1.0, 0.25]),
    ...                         np.array([0.5, 0.25, 0.5, np.nan]), np.array([True, True, True, False]), 3)
    >>> cells[0]["score"], cells[0]["count"], cells[0]["chance"], cells[2]["count"]
    (0.4166666666666667, 3.0, 0.375, 0.0)
    >>> cells[0]["closed_score"], cells[0]["closed_count"], cells[2]["closed_score"]
    (0.5, 2.0, nan)
    """
    counts = np.bincount(codes, minlength=size)
    sums = np.bincount(codes, weights=scores, minlength=size)
    closed_counts = np.bincount(codes[closed], minlength=size)
    closed_sums = np.bincount(codes[closed], weights=scores[closed], minlength=size)
    chance_sums = np.bincount(codes[closed], weights=chances[closed], minlength=size)
    cells = []
    for cell in range(size):
        count = int(counts[cell])
        n_closed = int(closed_counts[cell])
        low, high = wilson_interval(float(sums[cell]), count)
        closed_low, closed_high = wilson_interval(float(closed_sums[cell]), n_closed)
        cells.append(
            {
                "score": float(sums[cell] / count) if count else NAN,
                "count": float(count),
                "ci_low": low,
                "ci_high": high,
                "chance": float(chance_sums[cell] / n_closed) if n_closed else NAN,
                "closed_score": float(closed_sums[cell] / n_closed) if n_closed else NAN,
                "closed_count": float(n_closed),
                "closed_ci_low": closed_low,
                "closed_ci_high": closed_high,
            }
        )
    return cells


def _partial_credit(items: Sequence[ItemScore]) -> dict[str, float]:
    mc = [item for item in items if item.question_type == "multiple_choice"]
    result = {}
    for name in ("jaccard", "precision", "recall", "f1"):
        values = np.array([getattr(item, name) for item in mc], dtype=np.float64)
        result[f"multiple_choice/{name}"] = _mean(values)
    return result


def _true_false(items: Sequence[ItemScore]) -> dict[str, float]:
    tf = [item for item in items if item.question_type == "true_false"]
    gold_true = np.array([item.correct == ("True",) for item in tf], dtype=bool)
    right = np.array([item.score == 1.0 for item in tf], dtype=bool)
    answered = [item.parsed for item in tf if item.parsed is not None]
    per_class = [
        float(right[gold_true == value].mean()) for value in (True, False) if (gold_true == value).any()
    ]
    return {
        # mean of the recall on gold-True and gold-False items (over the classes present)
        "true_false/balanced_accuracy": float(np.mean(per_class)) if per_class else NAN,
        # share of "True" among the responses that parsed, against the share of gold "True"
        "true_false/true_rate": _mean(np.array([p == ("True",) for p in answered], dtype=np.float64)),
        "true_false/gold_true_rate": _mean(gold_true.astype(np.float64)),
    }


def _open_ended(items: Sequence[ItemScore], judged: bool) -> dict[str, float]:
    oe = [item for item in items if item.question_type == "open_ended"]
    failures = sum(item.judge_failed for item in oe)
    judge_scores = np.array(
        [item.judge_score for item in oe if item.judge_score is not None], dtype=np.float64
    )
    return {
        "open_ended/proxy_score": _mean(np.array([item.proxy_score for item in oe], dtype=np.float64)),
        "open_ended/judge_score": _mean(judge_scores) if judged else NAN,
        "open_ended/judge_failures": float(failures),
        "open_ended/judge_failure_rate": failures / len(oe) if judged and oe else NAN,
    }


def aggregate(
    items: Sequence[ItemScore], references: Sequence[Reference], *, judged: bool
) -> dict[str, float]:
    """Every aggregate key except the bootstrap interval (see ``score_predictions``)."""
    scores = np.fromiter((item.score for item in items), dtype=np.float64, count=len(items))
    chances = np.array([NAN if item.chance is None else item.chance for item in items], dtype=np.float64)
    closed = ~np.isnan(chances)
    failures = int(sum(item.parse_failed for item in items))
    n_closed = int(closed.sum())
    result: dict[str, float] = {
        "overall": _mean(scores),
        "overall_closed": _mean(scores[closed]),
        "count": float(len(items)),
        "parse_failures": float(failures),
        "parse_failure_rate": failures / n_closed if n_closed else NAN,
        "chance": _mean(chances[closed]),
    }
    codes = {column: _codes(references, column) for column in LABEL_COLUMNS}
    groups = {column: (codes[column], names) for column, names in LABEL_COLUMNS.items()}
    groups[CROSS_TAB] = (codes["quality_dimension"] * len(LEVELS) + codes["level"], CROSS_TAB_VALUES)
    for group, (group_codes, names) in groups.items():
        cells = cell_statistics(group_codes, scores, chances, closed, len(names))
        for name, cell in zip(names, cells, strict=True):
            for key, value in cell.items():
                result[f"{group}/{name}/{key}"] = value
    result.update(_partial_credit(items))
    result.update(_true_false(items))
    result.update(_open_ended(items, judged))
    return result
