"""PNG charts of a report, drawn with matplotlib's Agg backend.

matplotlib is the optional extra ``report``: it is imported only when a chart is drawn,
and :func:`require_matplotlib` says how to install it when it is missing.

One bar chart per breakdown (one bar per model and cell, 95% Wilson error bars, the
cell's chance level as a dashed line) and a quality dimension x image source heatmap.
"""

from __future__ import annotations

import logging
import math
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from qbench_portrait_lib.report_tables import GROUP_TITLES, CrossCell, breakdown_rows

logger = logging.getLogger(__name__)

_INSTALL_HINT = "pip install 'qbench-portrait[report]'"


class MissingExtraError(ImportError):
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


def plot_breakdown(
    series: Sequence[tuple[str, Mapping[str, Any]]],
    group: str,
    values: Sequence[str],
    path: Path,
) -> Path:
    """Bar chart of one breakdown for one or several models; saved to ``path``.

    ``series`` pairs a model name with its flat metric dict.
    """
    plt = require_matplotlib()
    n_series = max(len(series), 1)
    width = 0.8 / n_series
    fig, ax = plt.subplots(figsize=(max(5.5, 1.3 * len(values) + 0.4 * n_series * len(values)), 4.2))
    positions = list(range(len(values)))
    chance_drawn = False
    for index, (name, metrics) in enumerate(series):
        rows = breakdown_rows(metrics, group, values)
        xs = [p - 0.4 + width * (index + 0.5) for p in positions]
        heights = [0.0 if math.isnan(row.score) else 100 * row.score for row in rows]
        lower = [0.0 if math.isnan(row.ci_low) else 100 * (row.score - row.ci_low) for row in rows]
        upper = [0.0 if math.isnan(row.ci_high) else 100 * (row.ci_high - row.score) for row in rows]
        ax.bar(xs, heights, width * 0.92, yerr=[lower, upper], capsize=3, label=name, ecolor="#333333")
        for x, row in zip(xs, rows, strict=True):
            if row.count == 0:
                ax.text(x, 2, "no items", ha="center", va="bottom", rotation=90, fontsize=8, color="#555555")
    # Chance depends on the cell (its formats and option counts), not on the model.
    for position, row in zip(positions, breakdown_rows(series[0][1], group, values), strict=True):
        if not math.isnan(row.chance):
            ax.hlines(
                100 * row.chance,
                position - 0.45,
                position + 0.45,
                colors="#d62728",
                linestyles="dashed",
                linewidth=1.5,
                label=None if chance_drawn else "chance",
            )
            chance_drawn = True
    ax.set_xticks(positions, [_tick_label(value) for value in values], fontsize=9)
    ax.set_ylim(0, 104)
    ax.set_yticks(range(0, 101, 20))
    ax.set_ylabel("score (%)")
    ax.set_title(f"{GROUP_TITLES[group]}: score with 95% Wilson interval")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
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
