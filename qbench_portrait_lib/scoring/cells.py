"""The scorer's structured result: cells with their intervals and closed splits.

A :class:`Cell` is one group of items — all items, or those sharing the values of one
breakdown (``question_type``, ``quality_dimension``, ``image_source``, ``level``, or a
cross tab of two of them) — with its mean item score, its count, a 95 % interval naming
its method, and the same over the cell's closed-format items, the items its ``chance``
level covers. :class:`Scores` holds every cell of every breakdown plus the format-specific
summaries; :func:`~qbench_portrait_lib.scoring.flatten.flatten` turns it into the metric's
flat dict. Renderers (report, leaderboard, harness hooks) read these objects and never
re-average item scores.

>>> [name for name in BREAKDOWNS]  # doctest: +NORMALIZE_WHITESPACE
['question_type', 'quality_dimension', 'image_source', 'level', 'quality_dimension_x_level',
 'quality_dimension_x_image_source']
>>> breakdown_values("quality_dimension_x_level")[:2]
(('technical', 'global'), ('technical', 'local'))
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from qbench_portrait_lib.contract.columns import LABEL_COLUMNS
from qbench_portrait_lib.scoring.circular import CircularCell
from qbench_portrait_lib.scoring.position_bias import PositionBias

#: Interval methods a cell names.
WILSON = "wilson"
CLUSTERED_BOOTSTRAP = "image-clustered bootstrap"
#: The t interval of a mean: cells holding fractional scores (open-ended proxy, judge averages).
STUDENT_T = "student t"

#: Every breakdown the scorer computes, with the label columns whose values make its cells.
BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "question_type": ("question_type",),
    "quality_dimension": ("quality_dimension",),
    "image_source": ("image_source",),
    "level": ("level",),
    "quality_dimension_x_level": ("quality_dimension", "level"),
    "quality_dimension_x_image_source": ("quality_dimension", "image_source"),
}

#: The single-column breakdowns (one value per cell).
SINGLE_BREAKDOWNS: tuple[str, ...] = tuple(name for name, columns in BREAKDOWNS.items() if len(columns) == 1)

#: The cross tabs (two values per cell: rows, then columns).
CROSS_TABS: tuple[str, ...] = tuple(name for name, columns in BREAKDOWNS.items() if len(columns) == 2)


def breakdown_values(breakdown: str) -> tuple[tuple[str, ...], ...]:
    """The value tuples of a breakdown's cells, in vocabulary order (the first column slowest).

    >>> breakdown_values("level")
    (('global',), ('local',))
    >>> breakdown_values("colour")
    Traceback (most recent call last):
    ...
    KeyError: "unknown breakdown 'colour'; expected one of ['question_type', 'quality_dimension', \
'image_source', 'level', 'quality_dimension_x_level', 'quality_dimension_x_image_source']"
    """
    if breakdown not in BREAKDOWNS:
        raise KeyError(f"unknown breakdown {breakdown!r}; expected one of {list(BREAKDOWNS)}")
    return tuple(itertools.product(*(LABEL_COLUMNS[column] for column in BREAKDOWNS[breakdown])))


@dataclass(frozen=True)
class Interval:
    """A 95 % interval and how it was computed (NaNs when undefined, e.g. an empty cell).

    >>> Interval(0.25, 0.75, WILSON).defined, Interval(math.nan, math.nan, WILSON).defined
    (True, False)
    """

    low: float
    high: float
    method: str

    @property
    def defined(self) -> bool:
        """True unless the interval is NaN."""
        return not (math.isnan(self.low) or math.isnan(self.high))


@dataclass(frozen=True)
class Cell:
    """One group of items: its key, its scores and intervals over all and over closed items.

    ``breakdown`` is a key of :data:`BREAKDOWNS` (``"overall"`` for the cell of all items)
    and ``values`` its label values (``()`` for overall). ``score``/``count``/``interval``
    cover all items (open-ended ones by their proxy or judge score); ``closed_*`` cover the
    closed-format items only, the items ``chance`` is the mean chance score of. Empty
    cells have count 0 and NaN scores; cells without closed items NaN closed scores.

    >>> cell = Cell("quality_dimension_x_level", ("aigc", "local"), 2, 0.5,
    ...             Interval(0.1, 0.9, WILSON), 1, 0.0, Interval(0.0, 0.79, WILSON), 1 / 7)
    >>> cell.value, cell.label
    ('aigc.local', 'quality_dimension_x_level/aigc.local')
    """

    breakdown: str
    values: tuple[str, ...]
    count: int
    score: float
    interval: Interval
    closed_count: int
    closed_score: float
    closed_interval: Interval
    chance: float
    open_count: int = 0  # the cell's open-ended items and their mean score (proxy or judge)
    open_score: float = math.nan

    @property
    def value(self) -> str:
        """The cell's values joined by "." (``"technical"``, ``"aigc.local"``; "" for overall)."""
        return ".".join(self.values)

    @property
    def label(self) -> str:
        """``breakdown/value``, the prefix of the cell's keys in the flat metric dict."""
        return f"{self.breakdown}/{self.value}" if self.values else self.breakdown


@dataclass(frozen=True)
class PartialCredit:
    """Example-level partial credit averaged over the multi-select items (NaN when none)."""

    jaccard: float
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class TrueFalseBias:
    """True/false accuracy per gold class and the yes-bias (NaN when there are no such items).

    ``balanced_accuracy`` is the mean of the recall on gold-True and gold-False items (over
    the classes present); ``true_rate`` the share of "True" among the parsed answers,
    ``gold_true_rate`` the share of gold "True".
    """

    balanced_accuracy: float
    true_rate: float
    gold_true_rate: float


@dataclass(frozen=True)
class OpenEndedScores:
    """The open-ended items' proxy and judge scores (judge ones NaN when no judge was used)."""

    proxy_score: float
    judge_score: float
    judge_failures: int
    judge_failure_rate: float
    judged: bool


@dataclass(frozen=True)
class Scores:
    """Every number the scorer reports, as cells and summaries (see :func:`aggregate`).

    ``breakdowns`` maps each key of :data:`BREAKDOWNS` to its cells in
    :func:`breakdown_values` order, empty cells included.
    """

    overall: Cell
    breakdowns: dict[str, tuple[Cell, ...]]
    parse_failures: int
    parse_failure_rate: float
    multiple_choice: PartialCredit
    true_false: TrueFalseBias
    open_ended: OpenEndedScores
    #: How the closed items were read: ``extraction/read_by_rules``, ``extraction/read_by_reader``,
    #: ``extraction/unparsed``, ``extraction/conflicts`` (see :mod:`.reading`).
    extraction: dict[str, float] = field(default_factory=dict)
    position_bias: PositionBias | None = None  # picks per option position (every run)
    circular: tuple[CircularCell, ...] = ()  # circular runs only: overall, then per breakdown value

    def cells(self, breakdown: str) -> tuple[Cell, ...]:
        """The cells of one breakdown, in vocabulary order."""
        if breakdown not in self.breakdowns:
            raise KeyError(f"unknown breakdown {breakdown!r}; expected one of {list(self.breakdowns)}")
        return self.breakdowns[breakdown]

    def cell(self, breakdown: str, *values: str) -> Cell:
        """The cell of ``breakdown`` holding ``values`` (e.g. ``cell("level", "local")``)."""
        for cell in self.cells(breakdown):
            if cell.values == values:
                return cell
        expected = [".".join(v) for v in breakdown_values(breakdown)]
        raise KeyError(f"{breakdown} has no cell {'.'.join(values)!r}; expected one of {expected}")
