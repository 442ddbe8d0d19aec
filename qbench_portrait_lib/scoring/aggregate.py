"""Aggregate item scores into :class:`~qbench_portrait_lib.scoring.cells.Scores`.

Cells: all items, and every value of every breakdown (question_type, quality_dimension,
image_source, level, and the quality_dimension x level and quality_dimension x image_source
cross tabs) get a score (mean item score over all their items), a count, a 95 % interval
— the image-clustered bootstrap for all items; for a breakdown cell Wilson's when its item
scores are all 0 or 1 (a proportion), the Student t interval of the mean when it holds
fractional scores (open-ended proxy similarities, judge averages: a bounded mean) — and a
chance level (the mean chance score of the cell's closed items;
NaN when it has none: open-ended questions have no chance level). Because chance covers
the closed items only, each cell also gets their accuracy, count and Wilson interval (exact
in its assumptions: closed items score 0 or 1); compare chance with the closed score,
never with the score over all items. Empty cells have count 0 and NaN elsewhere.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from operator import attrgetter

import numpy as np

from qbench_portrait_lib.contract.columns import LABEL_COLUMNS
from qbench_portrait_lib.scoring.cells import (
    BREAKDOWNS,
    CLUSTERED_BOOTSTRAP,
    STUDENT_T,
    WILSON,
    Cell,
    Interval,
    OpenEndedScores,
    PartialCredit,
    Scores,
    TrueFalseBias,
    breakdown_values,
)
from qbench_portrait_lib.scoring.intervals import (
    bootstrap_ratio_intervals,
    cluster_totals,
    mean_t_interval,
    wilson_interval,
)
from qbench_portrait_lib.scoring.item_scores import ItemScore
from qbench_portrait_lib.scoring.position_bias import position_answers, position_bias
from qbench_portrait_lib.scoring.reading import extraction_counts
from qbench_portrait_lib.scoring.references import Reference

NAN = math.nan


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else NAN


def _codes(references: Sequence[Reference], column: str) -> np.ndarray:
    index = {name: code for code, name in enumerate(LABEL_COLUMNS[column])}
    names = map(attrgetter(column), references)
    return np.fromiter(map(index.__getitem__, names), dtype=np.int64, count=len(references))


def _breakdown_codes(codes: dict[str, np.ndarray], columns: Sequence[str]) -> np.ndarray:
    """One code per item for a breakdown: the mixed-radix number of its columns' codes."""
    combined = np.zeros_like(codes[columns[0]])
    for column in columns:
        combined = combined * len(LABEL_COLUMNS[column]) + codes[column]
    return combined


def breakdown_cells(
    breakdown: str,
    values: Sequence[tuple[str, ...]],
    codes: np.ndarray,
    scores: np.ndarray,
    chances: np.ndarray,
    closed: np.ndarray,
) -> tuple[Cell, ...]:
    """The cells of one breakdown given each item's cell code (an index into ``values``).

    >>> cells = breakdown_cells("level", [("global",), ("local",), ("other",)], np.array([0, 0, 1, 0]),
    ...     np.array([1.0, 0.0, 1.0, 0.25]), np.array([0.5, 0.25, 0.5, np.nan]),
    ...     np.array([True, True, True, False]))
    >>> cells[0].score, cells[0].count, cells[0].chance, cells[2].count
    (0.4166666666666667, 3, 0.375, 0)
    >>> cells[0].closed_score, cells[0].closed_count, cells[2].closed_score
    (0.5, 2, nan)
    >>> cells[0].interval.method, cells[1].interval.method  # 0.25 is a fractional score
    ('student t', 'wilson')
    """
    size = len(values)
    counts = np.bincount(codes, minlength=size)
    sums = np.bincount(codes, weights=scores, minlength=size)
    closed_counts = np.bincount(codes[closed], minlength=size)
    closed_sums = np.bincount(codes[closed], weights=scores[closed], minlength=size)
    chance_sums = np.bincount(codes[closed], weights=chances[closed], minlength=size)
    square_sums = np.bincount(codes, weights=scores * scores, minlength=size)
    fractional = np.bincount(codes, weights=((scores > 0) & (scores < 1)).astype(np.float64), minlength=size)
    open_counts = counts - closed_counts  # items without a chance level are the open-ended ones
    open_sums = sums - closed_sums
    cells = []
    for index, cell_values in enumerate(values):
        count, n_closed, n_open = int(counts[index]), int(closed_counts[index]), int(open_counts[index])
        if fractional[index]:  # a bounded mean, not a proportion
            interval = Interval(
                *mean_t_interval(float(sums[index]), float(square_sums[index]), count), STUDENT_T
            )
        else:
            interval = Interval(*wilson_interval(float(sums[index]), count), WILSON)
        cells.append(
            Cell(
                breakdown=breakdown,
                values=tuple(cell_values),
                count=count,
                score=float(sums[index] / count) if count else NAN,
                interval=interval,
                closed_count=n_closed,
                closed_score=float(closed_sums[index] / n_closed) if n_closed else NAN,
                closed_interval=Interval(*wilson_interval(float(closed_sums[index]), n_closed), WILSON),
                chance=float(chance_sums[index] / n_closed) if n_closed else NAN,
                open_count=n_open,
                open_score=float(open_sums[index] / n_open) if n_open else NAN,
            )
        )
    return tuple(cells)


def _overall_cell(
    items: Sequence[ItemScore],
    scores: np.ndarray,
    chances: np.ndarray,
    closed: np.ndarray,
    samples: int,
    seed: int,
    judged: bool,
) -> Cell:
    """The cell of all items. The headline's interval is the image-clustered bootstrap of
    its mean: over all items with a judge (the closed items then get a Wilson interval),
    over the closed items without one (the all-items interval is then not drawn: NaN), so
    one bootstrap runs either way."""
    low, high, closed_low, closed_high = NAN, NAN, NAN, NAN
    if judged:
        closed_low, closed_high = wilson_interval(float(scores[closed].sum()), int(closed.sum()))
    if samples > 0:  # no bootstrap asked: no need to gather the images
        image_ids = [item.image_id for item in items]
        weights = None if judged else closed
        sums, counts = cluster_totals(image_ids, np.where(closed | judged, scores, 0.0), weights=weights)
        ((drawn_low, drawn_high),) = bootstrap_ratio_intervals([(sums, counts)], samples=samples, seed=seed)
        if judged:
            low, high = drawn_low, drawn_high
        else:
            closed_low, closed_high = drawn_low, drawn_high
    n_closed = int(closed.sum())
    return Cell(
        breakdown="overall",
        values=(),
        count=len(items),
        score=_mean(scores),
        interval=Interval(low, high, CLUSTERED_BOOTSTRAP),
        closed_count=n_closed,
        closed_score=_mean(scores[closed]),
        closed_interval=Interval(closed_low, closed_high, WILSON if judged else CLUSTERED_BOOTSTRAP),
        chance=_mean(chances[closed]),
        open_count=len(items) - n_closed,
        open_score=_mean(scores[~closed]),
    )


def _partial_credit(items: Sequence[ItemScore]) -> PartialCredit:
    mc = [item for item in items if item.question_type == "multiple_choice"]
    means = {
        name: _mean(np.array([getattr(item, name) for item in mc], dtype=np.float64))
        for name in ("jaccard", "precision", "recall", "f1")
    }
    return PartialCredit(**means)


def _true_false(items: Sequence[ItemScore]) -> TrueFalseBias:
    tf = [item for item in items if item.question_type == "true_false"]
    gold_true = np.array([item.correct == ("True",) for item in tf], dtype=bool)
    right = np.array([item.score == 1.0 for item in tf], dtype=bool)
    answered = [item.parsed for item in tf if item.parsed is not None]
    per_class = [
        float(right[gold_true == value].mean()) for value in (True, False) if (gold_true == value).any()
    ]
    return TrueFalseBias(
        balanced_accuracy=float(np.mean(per_class)) if per_class else NAN,
        true_rate=_mean(np.array([p == ("True",) for p in answered], dtype=np.float64)),
        gold_true_rate=_mean(gold_true.astype(np.float64)),
    )


def _open_ended(items: Sequence[ItemScore], judged: bool) -> OpenEndedScores:
    oe = [item for item in items if item.question_type == "open_ended"]
    failures = sum(item.judge_failed for item in oe)
    judge_scores = np.array(
        [item.judge_score for item in oe if item.judge_score is not None], dtype=np.float64
    )
    return OpenEndedScores(
        proxy_score=_mean(np.array([item.proxy_score for item in oe], dtype=np.float64)),
        judge_score=_mean(judge_scores) if judged else NAN,
        judge_failures=int(failures),
        judge_failure_rate=failures / len(oe) if judged and oe else NAN,
        judged=judged,
    )


def aggregate(
    items: Sequence[ItemScore],
    references: Sequence[Reference],
    *,
    judged: bool,
    bootstrap_samples: int = 1000,
    seed: int = 0,
) -> Scores:
    """Every cell and summary of the scored ``items`` (aligned with ``references``).

    ``bootstrap_samples=0`` skips the bootstrap: the overall interval is then NaN.
    """
    if len(items) != len(references):
        raise ValueError(f"expected one item score per reference: got {len(items)} and {len(references)}")
    scores = np.fromiter(map(attrgetter("score"), items), dtype=np.float64, count=len(items))
    chances = np.array(list(map(attrgetter("chance"), items)), dtype=np.float64)  # None (open-ended) -> NaN
    closed = ~np.isnan(chances)
    failures = int(sum(map(attrgetter("parse_failed"), items)))
    n_closed = int(closed.sum())
    codes = {column: _codes(references, column) for column in LABEL_COLUMNS}
    breakdowns = {
        name: breakdown_cells(
            name, breakdown_values(name), _breakdown_codes(codes, columns), scores, chances, closed
        )
        for name, columns in BREAKDOWNS.items()
    }
    return Scores(
        overall=_overall_cell(items, scores, chances, closed, bootstrap_samples, seed, judged),
        breakdowns=breakdowns,
        parse_failures=failures,
        parse_failure_rate=failures / n_closed if n_closed else NAN,
        multiple_choice=_partial_credit(items),
        true_false=_true_false(items),
        open_ended=_open_ended(items, judged),
        extraction=_extraction(items),
        position_bias=position_bias(
            position_answers(*_choice_items(references, items, codes["question_type"]))
        ),
    )


_CHOICE_CODES = [LABEL_COLUMNS["question_type"].index(name) for name in ("single_choice", "multiple_choice")]


def _choice_items(
    references: Sequence[Reference], items: Sequence[ItemScore], question_codes: np.ndarray
) -> tuple[list[Reference], list[ItemScore]]:
    """The single- and multiple-choice references and items: the only ones position bias counts.

    >>> from qbench_portrait_lib.scoring.references import Reference
    >>> refs = [Reference("q1", "i", "?", "true_false", ("True", "False"), ("True",), "technical",
    ...                   "natural", "global", "blur", ""), Reference("q2", "i", "?", "single_choice",
    ...                   ("A", "B"), ("A",), "technical", "natural", "global", "blur", "")]
    >>> [ref.id for ref in _choice_items(refs, ["item 1", "item 2"], _codes(refs, "question_type"))[0]]
    ['q2']
    """
    chosen = np.flatnonzero(np.isin(question_codes, _CHOICE_CODES)).tolist()
    return [references[i] for i in chosen], [items[i] for i in chosen]


def _extraction(items: Sequence[ItemScore]) -> dict[str, float]:
    """Who read the closed items (the rules, the reader) and how many stayed unparsed."""
    closed = [item for item in items if item.chance is not None]
    sources = [None if item.parse_failed else item.source for item in closed]
    return extraction_counts(sources, [item.conflict for item in closed])
