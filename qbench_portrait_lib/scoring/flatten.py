"""The metric's flat dict of Python floats, made from the scorer's cells.

This is the one place that spells the metric's keys (documented in metric/README.md):
``overall`` (the headline: all items with a judge, the closed formats without one, see
:mod:`~qbench_portrait_lib.scoring.headline`), ``overall_closed``, ``overall_ci_low``,
``overall_ci_high``, ``overall_includes_open_ended``, ``overall_all_items`` (every item,
open-ended ones by judge or proxy score) with its ``_ci_low``/``_ci_high`` (NaN without a
judge: only the headline's bootstrap is drawn), ``count``,
``parse_failures``, ``parse_failure_rate``, ``chance``; ``{breakdown}/{value}/{field}``
for every cell of every breakdown (:data:`CELL_FIELDS`; cross-tab values joined by "."
as in ``quality_dimension_x_level/aigc.local/score``); ``multiple_choice/*``,
``true_false/*`` and ``open_ended/*``. The metric, the jobs and the lmms-eval hooks all
take their numbers from :func:`flatten`.

>>> CELL_FIELDS[:4]
('score', 'count', 'ci_low', 'ci_high')
"""

from __future__ import annotations

from dataclasses import asdict

from qbench_portrait_lib.scoring.cells import Cell, Scores
from qbench_portrait_lib.scoring.headline import (
    PROXY_AGREEMENT,
    counts_open_ended,
    headline_interval,
    headline_score,
)

#: The keys of one cell, after ``{breakdown}/{value}/``, in the order the dict lists them.
CELL_FIELDS: tuple[str, ...] = (
    "score",
    "count",
    "ci_low",
    "ci_high",
    "chance",
    "closed_score",
    "closed_count",
    "closed_ci_low",
    "closed_ci_high",
)


def cell_fields(cell: Cell) -> dict[str, float]:
    """One cell's numbers under the names of :data:`CELL_FIELDS` (Python floats).

    >>> from qbench_portrait_lib.scoring.cells import Interval
    >>> cell = Cell("level", ("local",), 2, 0.5, Interval(0.1, 0.9, "wilson"), 0, float("nan"),
    ...             Interval(float("nan"), float("nan"), "wilson"), float("nan"))
    >>> cell_fields(cell)["count"], cell_fields(cell)["ci_high"]
    (2.0, 0.9)
    """
    return {
        "score": float(cell.score),
        "count": float(cell.count),
        "ci_low": float(cell.interval.low),
        "ci_high": float(cell.interval.high),
        "chance": float(cell.chance),
        "closed_score": float(cell.closed_score),
        "closed_count": float(cell.closed_count),
        "closed_ci_low": float(cell.closed_interval.low),
        "closed_ci_high": float(cell.closed_interval.high),
    }


def _summaries(scores: Scores) -> dict[str, float]:
    """The format-specific keys: ``multiple_choice/*``, ``true_false/*``, ``open_ended/*``."""
    result: dict[str, float] = {}
    for prefix, summary in (("multiple_choice", scores.multiple_choice), ("true_false", scores.true_false)):
        result.update({f"{prefix}/{name}": float(value) for name, value in asdict(summary).items()})
    open_ended = scores.open_ended
    result.update(
        {
            "open_ended/proxy_score": float(open_ended.proxy_score),
            "open_ended/proxy_agreement_spearman": PROXY_AGREEMENT.spearman,
            "open_ended/judge_score": float(open_ended.judge_score),
            "open_ended/judge_failures": float(open_ended.judge_failures),
            "open_ended/judge_failure_rate": float(open_ended.judge_failure_rate),
        }
    )
    return result


def flatten(scores: Scores) -> dict[str, float]:
    """The metric's flat dict: every number of ``scores`` under its documented key.

    >>> from qbench_portrait_lib.scoring.aggregate import aggregate
    >>> flat = flatten(aggregate([], [], judged=False, bootstrap_samples=0))
    >>> flat["count"], flat["quality_dimension_x_image_source/aigc.artistic/count"], len(flat)
    (0.0, 0.0, 348)
    """
    overall = scores.overall
    headline = headline_interval(overall, scores)
    result: dict[str, float] = {
        "overall": float(headline_score(overall, scores)),
        "overall_closed": float(overall.closed_score),
        "overall_ci_low": float(headline.low),
        "overall_ci_high": float(headline.high),
        "overall_includes_open_ended": float(counts_open_ended(scores)),
        "overall_all_items": float(overall.score),
        "overall_all_items_ci_low": float(overall.interval.low),
        "overall_all_items_ci_high": float(overall.interval.high),
        "count": float(overall.count),
        "parse_failures": float(scores.parse_failures),
        "parse_failure_rate": float(scores.parse_failure_rate),
        "chance": float(overall.chance),
    }
    for cells in scores.breakdowns.values():
        for cell in cells:
            prefix = cell.label
            result.update({f"{prefix}/{field}": value for field, value in cell_fields(cell).items()})
    result.update(_summaries(scores))
    result.update(scores.extraction)
    if scores.position_bias is not None:
        result.update(scores.position_bias.flat())
    for cell in scores.circular:
        result.update(cell.flat())
    return result
