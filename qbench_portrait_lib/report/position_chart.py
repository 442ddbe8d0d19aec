"""The position-bias chart: picks per option position against gold per position.

One group of bars per position (A, B, ...): one bar per model, the share of its parsed
single-choice answers at that position, and a dashed marker at the share of questions
whose gold option sits there. Drawn with matplotlib (the ``report`` extra).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from qbench_portrait_lib.report.answer_distribution import position_rows
from qbench_portrait_lib.report.charts import require_matplotlib
from qbench_portrait_lib.scoring.cells import Scores

#: The chart's file name in a report's charts folder.
POSITION_CHART = "position_bias.png"


def _percent(value: float) -> float:
    return 0.0 if math.isnan(value) else 100 * value


def plot_position_bias(series: Sequence[tuple[str, Scores]], path: Path) -> Path:
    """Draw picks per position for each (model, scores) against the first run's gold; save."""
    plt = require_matplotlib()
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    letters = [letter for letter, _, _ in position_rows(series[0][1])] if series else []
    width = 0.8 / max(len(series), 1)
    fig, ax = plt.subplots(figsize=(max(5.0, 1.2 * len(letters) + 2), 4.2))
    for index, (_, scores) in enumerate(series):
        picks = {letter: pick for letter, pick, _ in position_rows(scores)}
        xs = [p - 0.4 + width * (index + 0.5) for p in range(len(letters))]
        heights = [_percent(picks.get(letter, math.nan)) for letter in letters]
        ax.bar(xs, heights, width * 0.92, color=f"C{index % 10}", label="picks")
    for position, (_, _, gold) in enumerate(position_rows(series[0][1]) if series else []):
        ax.hlines(_percent(gold), position - 0.45, position + 0.45, colors="#333333", linestyles="dashed")
    ax.set_xticks(range(len(letters)), letters)
    ax.set_xlabel("position of the option picked (single choice, in the order asked)")
    ax.set_ylabel("share of answers (%)")
    ax.set_ylim(0, 104)
    ax.grid(axis="y", alpha=0.3)
    handles = [Patch(color=f"C{index % 10}", label=name) for index, (name, _) in enumerate(series)]
    handles.append(Line2D([], [], color="#333333", linestyle="dashed", label="gold at this position"))
    ax.legend(handles=handles, fontsize=8, loc="upper right")
    ax.set_title("Position bias: picks per position against gold per position", fontsize=10)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
