"""PNG charts of a report, drawn with matplotlib's Agg backend.

matplotlib is the optional extra ``report``: it is imported only when a chart is drawn,
and :func:`require_matplotlib` says how to install it when it is missing.

One chart per breakdown, in two panels sharing the cells: the accuracy on the
closed-format items with the cell's chance level (computed on those same items) as a
dashed line, and either the score over all items (when a judge scored the open-ended
answers) or the open-ended proxy score, labelled as a proxy with its agreement with human
grades (without a judge); one bar per model and cell, 95% error bars (Wilson; Student t for
cells of fractional scores). Chance is
never drawn against a score that mixes in open-ended answers. Plus a quality dimension x
image source heatmap.
"""

from __future__ import annotations

import logging
import math
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qbench_portrait_lib.contract.errors import MissingExtraError
from qbench_portrait_lib.report.markdown import methods_name
from qbench_portrait_lib.report.tables import GROUP_TITLES, cross_tab_grid
from qbench_portrait_lib.scoring.cells import Cell, Scores
from qbench_portrait_lib.scoring.headline import PROXY_AGREEMENT, counts_open_ended

logger = logging.getLogger(__name__)

_INSTALL_HINT = "pip install 'qbench-portrait[report]'"


def require_matplotlib() -> Any:
    """Import matplotlib with the non-interactive Agg backend and return ``pyplot``."""
    try:
        import matplotlib
    except ImportError as error:
        raise MissingExtraError(
            f"charts need matplotlib, which is not installed ({error}); install the report extra: "
            f"{_INSTALL_HINT}, or skip the charts"
        ) from error
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _tick_label(value: str) -> str:
    """Readable, wrapped axis label: "synthetic_distortion" -> "synthetic\\ndistortion"."""
    return "\n".join(textwrap.wrap(value.replace("_", " "), width=12))


def _percent_or_zero(value: float) -> float:
    return 0.0 if math.isnan(value) else 100 * value


def _empty_note(cell: Cell, *, closed: bool, proxy: bool = False) -> str:
    """Why a cell has no bar ("" when it has one)."""
    if cell.count == 0:
        return "no items"
    if proxy:
        return "no open-ended items" if cell.open_count == 0 else ""
    return "no closed items" if closed and cell.closed_count == 0 else ""


def bar_values(
    cells: Sequence[Cell], *, closed: bool, proxy: bool = False
) -> tuple[list[float], list[float], list[float]]:
    """Bar heights and error bar lengths below and above, in percent (0 where undefined).

    ``proxy`` draws the cells' open-ended (proxy) scores, without error bars.

    >>> from qbench_portrait_lib.scoring.cells import Interval
    >>> nan = Interval(math.nan, math.nan, "wilson")
    >>> cell = Cell("level", ("local",), 4, 0.5, Interval(0.25, 0.875, "wilson"), 0, math.nan, nan, math.nan,
    ...             open_count=4, open_score=0.5)
    >>> bar_values([cell], closed=False), bar_values([cell], closed=True)
    (([50.0], [25.0], [37.5]), ([0.0], [0.0], [0.0]))
    >>> bar_values([cell], closed=False, proxy=True)
    ([50.0], [0.0], [0.0])
    """
    if proxy:
        return [_percent_or_zero(cell.open_score) for cell in cells], [0.0] * len(cells), [0.0] * len(cells)
    heights, lower, upper = [], [], []
    for cell in cells:
        score = cell.closed_score if closed else cell.score
        span = cell.closed_interval if closed else cell.interval
        heights.append(_percent_or_zero(score))
        lower.append(0.0 if math.isnan(span.low) else 100 * (score - span.low))
        upper.append(0.0 if math.isnan(span.high) else 100 * (span.high - score))
    return heights, lower, upper


def _draw_bars(
    ax: Any, series: Sequence[tuple[str, Scores]], breakdown: str, *, closed: bool, proxy: bool = False
) -> None:
    """One bar per model and cell: all-items scores, closed-format accuracies or proxy scores."""
    width = 0.8 / max(len(series), 1)
    for index, (_, scores) in enumerate(series):
        cells = scores.cells(breakdown)
        xs = [position - 0.4 + width * (index + 0.5) for position in range(len(cells))]
        heights, lower, upper = bar_values(cells, closed=closed, proxy=proxy)
        colour = f"C{index % 10}"
        ax.bar(xs, heights, width * 0.92, yerr=[lower, upper], capsize=3, color=colour, ecolor="#333333")
        for x, cell in zip(xs, cells, strict=True):
            note = _empty_note(cell, closed=closed, proxy=proxy)
            if note:
                ax.text(x, 3, note, ha="center", va="bottom", rotation=90, fontsize=8, color="#555555")


def _draw_chance(ax: Any, scores: Scores, breakdown: str) -> bool:
    """Each cell's chance level (it depends on the cell's questions, not on the model)."""
    drawn = False
    for position, cell in enumerate(scores.cells(breakdown)):
        if not math.isnan(cell.chance):
            ax.hlines(
                100 * cell.chance,
                position - 0.45,
                position + 0.45,
                colors="#d62728",
                linestyles="dashed",
                linewidth=1.6,
                zorder=3,
            )
            drawn = True
    return drawn


def plot_breakdown(series: Sequence[tuple[str, Scores]], breakdown: str, path: Path) -> Path:
    """Two-panel bar chart of one breakdown for one or several models; saved to ``path``.

    ``series`` pairs a model name with its scores. With a judge for every model, top panel:
    score over all items, bottom panel: closed-format accuracy with the chance level of the
    same items. Without one, the closed-format accuracy comes first and the open-ended proxy
    follows in its own panel, labelled with its agreement with human grades.
    """
    plt = require_matplotlib()
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    values = [cell.value for cell in series[0][1].cells(breakdown)] if series else []
    n_series = max(len(series), 1)
    fig_width = max(6.0, 1.3 * len(values) + 0.4 * n_series * len(values))
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(fig_width, 7.4), sharex=True)
    judged = all(counts_open_ended(scores) for _, scores in series)
    closed_ax, other_ax = (bottom, top) if judged else (top, bottom)
    _draw_bars(other_ax, series, breakdown, closed=False, proxy=not judged)
    _draw_bars(closed_ax, series, breakdown, closed=True)
    chance_drawn = bool(series) and _draw_chance(closed_ax, series[0][1], breakdown)
    other_ax.set_title(
        "All items (open-ended answers by judge score)"
        if judged
        else f"Open-ended answers: offline proxy, in no ranking ({PROXY_AGREEMENT.label()})",
        fontsize=10,
    )
    closed_ax.set_title("Closed formats only (single/multiple choice, true/false)", fontsize=10)
    other_ax.set_ylabel("score (%)" if judged else "proxy score (%)")
    closed_ax.set_ylabel("accuracy (%)")
    for ax in (top, bottom):
        ax.set_ylim(0, 104)
        ax.set_yticks(range(0, 101, 20))
        ax.grid(axis="y", alpha=0.3)
    bottom.set_xticks(range(len(values)), [_tick_label(value) for value in values], fontsize=9)
    handles = [Patch(color=f"C{index % 10}", label=name) for index, (name, _) in enumerate(series)]
    other_ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    if chance_drawn:
        chance = Line2D([], [], color="#d62728", linestyle="dashed", linewidth=1.6, label="chance")
        closed_ax.legend(
            handles=[chance], fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False
        )
    method = methods_name([cell.interval for _, run in series for cell in run.cells(breakdown) if cell.count])
    fig.suptitle(f"{GROUP_TITLES[breakdown]}: mean with 95% {method} interval", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    logger.info("wrote %s", path)
    return path


def plot_cross_tab(
    cells: Sequence[Cell],
    path: Path,
    *,
    title: str = "Mean item score (%) by quality dimension and image source",
) -> Path:
    """Heatmap of a cross tab's cells (rows x columns); each cell shows its score and item count.

    The array drawn is :meth:`~qbench_portrait_lib.report.tables.Grid.scores_percent`.
    """
    plt = require_matplotlib()
    grid = cross_tab_grid(cells)
    fig, ax = plt.subplots(figsize=(1.5 * len(grid.columns) + 2.5, 0.9 * len(grid.rows) + 1.8))
    image = ax.imshow(grid.scores_percent(), vmin=0, vmax=100, cmap="viridis", aspect="auto")
    for i, row_cells in enumerate(grid.cells):
        for j, cell in enumerate(row_cells):
            if cell.count == 0:
                ax.text(j, i, "no items", ha="center", va="center", fontsize=8, color="#888888")
                continue
            colour = "black" if cell.score > 0.6 else "white"
            ax.text(
                j,
                i,
                f"{100 * cell.score:.1f}\nn={cell.count}",
                ha="center",
                va="center",
                fontsize=8,
                color=colour,
            )
    ax.set_xticks(range(len(grid.columns)), [_tick_label(col) for col in grid.columns], fontsize=9)
    ax.set_yticks(range(len(grid.rows)), [_tick_label(row) for row in grid.rows], fontsize=9)
    ax.set_title(title, fontsize=10)
    fig.colorbar(image, ax=ax, label="score (%)")
    fig.tight_layout()
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    logger.info("wrote %s", path)
    return path
