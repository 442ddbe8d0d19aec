"""PNG charts of a report, drawn with matplotlib's Agg backend.

matplotlib is the optional extra ``report``: it is imported only when a chart is drawn,
and :func:`require_matplotlib` says how to install it when it is missing.

One chart per breakdown, in two panels sharing the cells: the score over all items, and
the accuracy on the closed-format items with the cell's chance level (computed on those
same items) as a dashed line; one bar per model and cell, 95% Wilson error bars. Chance is
never drawn against the all-items score, which mixes in open-ended answers. Plus a
quality dimension x image source heatmap.
"""

from __future__ import annotations

import logging
import math
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.report.tables import GROUP_TITLES, CellRow, CrossCell, breakdown_rows

logger = logging.getLogger(__name__)

_INSTALL_HINT = "pip install 'qbench-portrait[report]'"


class MissingExtraError(QBenchError, ImportError):
    """An optional extra needed for the requested work is not installed."""


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


def _empty_note(row: CellRow, *, closed: bool) -> str:
    """Why a cell has no bar ("" when it has one)."""
    if row.count == 0:
        return "no items"
    return "no closed items" if closed and row.closed_count == 0 else ""


def _draw_bars(
    ax: Any,
    series: Sequence[tuple[str, Mapping[str, Any]]],
    group: str,
    values: Sequence[str],
    *,
    closed: bool,
) -> None:
    """One bar per model and cell: all-items scores, or closed-format accuracies."""
    width = 0.8 / max(len(series), 1)
    for index, (_, metrics) in enumerate(series):
        rows = breakdown_rows(metrics, group, values)
        xs = [position - 0.4 + width * (index + 0.5) for position in range(len(values))]
        scores = [row.closed_score if closed else row.score for row in rows]
        lows = [row.closed_ci_low if closed else row.ci_low for row in rows]
        highs = [row.closed_ci_high if closed else row.ci_high for row in rows]
        heights = [_percent_or_zero(score) for score in scores]
        lower = [0.0 if math.isnan(low) else 100 * (s - low) for s, low in zip(scores, lows, strict=True)]
        upper = [0.0 if math.isnan(high) else 100 * (high - s) for s, high in zip(scores, highs, strict=True)]
        colour = f"C{index % 10}"
        ax.bar(xs, heights, width * 0.92, yerr=[lower, upper], capsize=3, color=colour, ecolor="#333333")
        for x, row in zip(xs, rows, strict=True):
            note = _empty_note(row, closed=closed)
            if note:
                ax.text(x, 3, note, ha="center", va="bottom", rotation=90, fontsize=8, color="#555555")


def _draw_chance(ax: Any, metrics: Mapping[str, Any], group: str, values: Sequence[str]) -> bool:
    """Each cell's chance level (it depends on the cell's questions, not on the model)."""
    drawn = False
    for position, row in enumerate(breakdown_rows(metrics, group, values)):
        if not math.isnan(row.chance):
            ax.hlines(
                100 * row.chance,
                position - 0.45,
                position + 0.45,
                colors="#d62728",
                linestyles="dashed",
                linewidth=1.6,
                zorder=3,
            )
            drawn = True
    return drawn


def plot_breakdown(
    series: Sequence[tuple[str, Mapping[str, Any]]],
    group: str,
    values: Sequence[str],
    path: Path,
) -> Path:
    """Two-panel bar chart of one breakdown for one or several models; saved to ``path``.

    ``series`` pairs a model name with its flat metric dict. Top panel: score over all
    items; bottom panel: closed-format accuracy with the chance level of the same items.
    """
    plt = require_matplotlib()
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    n_series = max(len(series), 1)
    fig_width = max(6.0, 1.3 * len(values) + 0.4 * n_series * len(values))
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(fig_width, 7.4), sharex=True)
    _draw_bars(top, series, group, values, closed=False)
    _draw_bars(bottom, series, group, values, closed=True)
    chance_drawn = bool(series) and _draw_chance(bottom, series[0][1], group, values)
    top.set_title("All items (open-ended answers by proxy or judge score)", fontsize=10)
    bottom.set_title("Closed formats only (single/multiple choice, true/false)", fontsize=10)
    top.set_ylabel("score (%)")
    bottom.set_ylabel("accuracy (%)")
    for ax in (top, bottom):
        ax.set_ylim(0, 104)
        ax.set_yticks(range(0, 101, 20))
        ax.grid(axis="y", alpha=0.3)
    bottom.set_xticks(range(len(values)), [_tick_label(value) for value in values], fontsize=9)
    handles = [Patch(color=f"C{index % 10}", label=name) for index, (name, _) in enumerate(series)]
    top.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    if chance_drawn:
        chance = Line2D([], [], color="#d62728", linestyle="dashed", linewidth=1.6, label="chance")
        bottom.legend(
            handles=[chance], fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False
        )
    fig.suptitle(f"{GROUP_TITLES[group]}: mean with 95% Wilson interval", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    logger.info("wrote %s", path)
    return path


def plot_cross_tab(
    cells: Mapping[tuple[str, str], CrossCell],
    path: Path,
    *,
    title: str = "Mean item score (%) by quality dimension and image source",
) -> Path:
    """Heatmap of a cross tab (rows x columns); each cell shows its score and item count."""
    plt = require_matplotlib()
    row_names = list(dict.fromkeys(key[0] for key in cells))
    col_names = list(dict.fromkeys(key[1] for key in cells))
    grid = [[100 * cells[row, col].score for col in col_names] for row in row_names]
    fig, ax = plt.subplots(figsize=(1.5 * len(col_names) + 2.5, 0.9 * len(row_names) + 1.8))
    image = ax.imshow(grid, vmin=0, vmax=100, cmap="viridis", aspect="auto")
    for i, row in enumerate(row_names):
        for j, col in enumerate(col_names):
            cell = cells[row, col]
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
    ax.set_xticks(range(len(col_names)), [_tick_label(col) for col in col_names], fontsize=9)
    ax.set_yticks(range(len(row_names)), [_tick_label(row) for row in row_names], fontsize=9)
    ax.set_title(title, fontsize=10)
    fig.colorbar(image, ax=ax, label="score (%)")
    fig.tight_layout()
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    logger.info("wrote %s", path)
    return path
