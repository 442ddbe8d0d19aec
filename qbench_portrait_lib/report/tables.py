"""Which of the scorer's cells a report shows, in which order, and how a cross tab is laid out.

Pure helpers (no matplotlib, no datasets). Every number comes from the scorer's
:class:`~qbench_portrait_lib.scoring.cells.Scores`; nothing here averages item scores.

>>> TABLE_BREAKDOWNS[:4]
('question_type', 'quality_dimension', 'image_source', 'level')
>>> HEATMAP_BREAKDOWN
'quality_dimension_x_image_source'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qbench_portrait_lib.scoring.cells import BREAKDOWNS, SINGLE_BREAKDOWNS, Cell

#: The breakdowns with one value per cell: the headline table, the charts, the leaderboard columns.
CHART_BREAKDOWNS: tuple[str, ...] = SINGLE_BREAKDOWNS

#: Every breakdown a report lists as a table (one row per cell), in order.
TABLE_BREAKDOWNS: tuple[str, ...] = tuple(BREAKDOWNS)

#: The cross tab drawn as a heatmap (and shown as a grid in report.md).
HEATMAP_BREAKDOWN = "quality_dimension_x_image_source"

#: Human titles of the breakdowns.
GROUP_TITLES: dict[str, str] = {
    "question_type": "Question format",
    "quality_dimension": "Quality dimension",
    "image_source": "Image source",
    "level": "Level",
    "quality_dimension_x_level": "Quality dimension x level",
    "quality_dimension_x_image_source": "Quality dimension x image source",
}


@dataclass(frozen=True)
class Grid:
    """A cross tab's cells laid out as rows (first value) x columns (second value)."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]

    def scores_percent(self) -> list[list[float]]:
        """Each cell's score in percent, row by row (NaN for an empty cell): the heatmap's array."""
        return [[100 * cell.score for cell in row] for row in self.cells]


def cross_tab_grid(cells: Sequence[Cell]) -> Grid:
    """Lay out a cross tab's cells (as the scorer lists them) as a grid.

    >>> import math
    >>> from qbench_portrait_lib.scoring.cells import Interval
    >>> nan = Interval(math.nan, math.nan, "wilson")
    >>> def cell(row, col, score, n):
    ...     return Cell("x", (row, col), n, score, nan, 0, math.nan, nan, math.nan)
    >>> grid = cross_tab_grid([cell("a", "u", 0.5, 2), cell("a", "v", 1.0, 1),
    ...                        cell("b", "u", math.nan, 0), cell("b", "v", 0.25, 4)])
    >>> grid.rows, grid.columns, grid.scores_percent()
    (('a', 'b'), ('u', 'v'), [[50.0, 100.0], [nan, 25.0]])
    """
    if any(len(cell.values) != 2 for cell in cells):
        raise ValueError(f"a cross tab's cells have two values each, got {[c.values for c in cells][:3]}")
    rows = tuple(dict.fromkeys(cell.values[0] for cell in cells))
    columns = tuple(dict.fromkeys(cell.values[1] for cell in cells))
    by_values = {cell.values: cell for cell in cells}
    missing = [(row, col) for row in rows for col in columns if (row, col) not in by_values]
    if missing or len(by_values) != len(cells):
        raise ValueError(f"a cross tab needs exactly one cell per row and column; missing {missing[:3]}")
    return Grid(rows, columns, tuple(tuple(by_values[row, col] for col in columns) for row in rows))
