"""Write the report of a scored run, or of a comparison of several, into a folder.

A folder holds ``results.json`` (the metric's flat dict plus run metadata, NaN written
as null), ``details.jsonl`` (one line per question: parse, score, where the score came
from), ``report.md`` (tables with counts and intervals) and ``charts/*.png``.

>>> json_safe({"overall": float("nan"), "ids": ("a",), "n": 2.0})
{'overall': None, 'ids': ['a'], 'n': 2.0}
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qbench_portrait_lib.report.answer_distribution import circular_section, position_bias_section
from qbench_portrait_lib.report.markdown import run_markdown
from qbench_portrait_lib.report.tables import CHART_BREAKDOWNS, HEATMAP_BREAKDOWN
from qbench_portrait_lib.scoring.cells import Cell, Scores
from qbench_portrait_lib.scoring.headline import counts_open_ended

if TYPE_CHECKING:
    from qbench_portrait_lib.report.leaderboard import Leaderboard
    from qbench_portrait_lib.report.scored_run import ScoredRun

logger = logging.getLogger(__name__)

CHARTS_DIR = "charts"
HEATMAP_CHART = f"{HEATMAP_BREAKDOWN}.png"


def json_safe(value: Any) -> Any:
    """``value`` with NaN/inf as None, tuples as lists and numpy scalars as Python numbers."""
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) or hasattr(value, "item"):
        number = value.item() if hasattr(value, "item") else value
        if isinstance(number, float) and not math.isfinite(number):
            return None
        return number
    return str(value)


def write_json(path: Path, payload: Any) -> Path:
    """Write ``payload`` as indented, strict JSON (no NaN tokens)."""
    path.write_text(json.dumps(json_safe(payload), indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    return path


def run_results(run: ScoredRun) -> dict[str, Any]:
    """The content of a run's ``results.json``."""
    return {
        "metadata": run.metadata,
        "metrics": run.metrics,
        "missing_ids": run.missing_ids,
        "errored_requests": run.errored,
    }


def _write_details(path: Path, run: ScoredRun) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for detail in run.details:
            handle.write(json.dumps(json_safe(detail), ensure_ascii=False, allow_nan=False) + "\n")
    return path


def _draw_run_charts(
    out_dir: Path, series: Sequence[tuple[str, Scores]], heatmap: Sequence[Cell] | None
) -> list[str]:
    """Draw the breakdown charts (and the heatmap of ``heatmap``'s cells when given); relative paths."""
    from qbench_portrait_lib.report.charts import plot_breakdown, plot_cross_tab, require_matplotlib
    from qbench_portrait_lib.report.position_chart import POSITION_CHART, plot_position_bias

    require_matplotlib()
    charts_dir = out_dir / CHARTS_DIR
    charts_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for breakdown in CHART_BREAKDOWNS:
        plot_breakdown(series, breakdown, charts_dir / f"{breakdown}.png")
        written.append(f"{CHARTS_DIR}/{breakdown}.png")
    if heatmap is not None:
        judged = all(counts_open_ended(scores) for _, scores in series)
        scope = "judge" if judged else "offline proxy"
        title = f"Mean item score (%) by quality dimension and image source (open-ended by {scope})"
        plot_cross_tab(heatmap, charts_dir / HEATMAP_CHART, title=title)
        written.append(f"{CHARTS_DIR}/{HEATMAP_CHART}")
    plot_position_bias(series, charts_dir / POSITION_CHART)
    written.append(f"{CHARTS_DIR}/{POSITION_CHART}")
    return written


def write_report(out_dir: str | Path, run: ScoredRun, *, charts: bool = True) -> list[Path]:
    """Write the report of one run into ``out_dir`` (created if needed); return the files.

    With ``charts=True`` matplotlib (the ``report`` extra) must be installed; this is
    checked before anything is written.
    """
    out = Path(out_dir)
    if charts:
        from qbench_portrait_lib.report.charts import require_matplotlib

        require_matplotlib()
    out.mkdir(parents=True, exist_ok=True)
    heatmap = run.scores.cells(HEATMAP_BREAKDOWN)
    chart_paths = _draw_run_charts(out, [(run.name, run.scores)], heatmap) if charts else []
    files = [write_json(out / "results.json", run_results(run)), _write_details(out / "details.jsonl", run)]
    markdown = run_markdown(
        f"Q-Bench-Portrait report: {run.name}",
        run.scores,
        run.metadata,
        missing_ids=run.missing_ids,
        errored=run.errored,
        charts=chart_paths,
        sections=[*circular_section(run.scores), *position_bias_section(run.scores)],
    )
    (out / "report.md").write_text(markdown + "\n", encoding="utf-8")
    files.append(out / "report.md")
    files += [out / chart for chart in chart_paths]
    logger.info("wrote the report of %s into %s", run.name, out)
    return files


def write_comparison_report(
    out_dir: str | Path, leaderboard: Leaderboard, *, charts: bool = True
) -> list[Path]:
    """Write a leaderboard of several runs into ``out_dir``: results.json, report.md, charts."""
    from qbench_portrait_lib.report.leaderboard import comparison_results, leaderboard_markdown

    out = Path(out_dir)
    if charts:
        from qbench_portrait_lib.report.charts import require_matplotlib

        require_matplotlib()
    out.mkdir(parents=True, exist_ok=True)
    series = [(run.name, run.scores) for run in leaderboard.runs]
    chart_paths = _draw_run_charts(out, series, None) if charts else []
    files = [write_json(out / "results.json", comparison_results(leaderboard))]
    (out / "report.md").write_text(
        leaderboard_markdown(leaderboard, charts=chart_paths) + "\n", encoding="utf-8"
    )
    files.append(out / "report.md")
    files += [out / chart for chart in chart_paths]
    return files
