"""Plain-text renderings for the terminal: a scored run, a leaderboard, what a run lacked.

The CLI prints these strings and nothing else; they read the scorer's numbers and never
recompute them.

>>> from qbench_portrait_lib.report.scored_run import References, ScoredRun
>>> from qbench_portrait_lib.scoring import score_all
>>> scored = score_all([], [], bootstrap_samples=0)
>>> run = ScoredRun(name="m", scores=scored.scores, metrics=scored.flat(), items=(), details=[],
...                 responses=[], references=References((), "x"),
...                 missing_ids=["q1", "q2"], errored={"q3": "HTTP 500"})
>>> print("\\n".join(inputs_lines(run, None)))
2 questions without a prediction (scored as unparsed): q1, q2
1 requests failed in the run (scored as unparsed): q3: HTTP 500
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from qbench_portrait_lib.report.answer_distribution import circular_summary, is_circular_run
from qbench_portrait_lib.report.leaderboard import (
    Leaderboard,
    agreement_rows,
    all_circular,
    all_judged,
    circular_columns,
)
from qbench_portrait_lib.report.markdown import (
    PROXY_COLUMN,
    aligned_text,
    cell_interval,
    interval,
    percent,
    terminal_table,
)
from qbench_portrait_lib.report.scored_run import ScoredRun

#: How many missing or failed ids are printed before pointing at results.json.
PRINTED_IDS = 20

_LEADERBOARD_HEADER = ["rank", "model", "overall %", "95% CI", "closed %", "vs best", "95% CI", "McNemar p"]
_CIRCULAR_HEADER = ["circular %", "drop %"]


def inputs_lines(run: ScoredRun, report_dir: Path | None) -> list[str]:
    """Which questions had no prediction and which requests failed (at most :data:`PRINTED_IDS` each)."""
    where = f"all listed in {report_dir / 'results.json'}" if report_dir else "use --out to list all"
    lines = []
    if run.missing_ids:
        shown = ", ".join(run.missing_ids[:PRINTED_IDS])
        more = f" ... ({where})" if len(run.missing_ids) > PRINTED_IDS else ""
        lines.append(
            f"{len(run.missing_ids)} questions without a prediction (scored as unparsed): {shown}{more}"
        )
    if run.errored:
        shown = "; ".join(f"{key}: {value}" for key, value in list(run.errored.items())[:PRINTED_IDS])
        more = f" ... ({where})" if len(run.errored) > PRINTED_IDS else ""
        lines.append(f"{len(run.errored)} requests failed in the run (scored as unparsed): {shown}{more}")
    return lines


def scored_run_text(run: ScoredRun, report_dir: Path | None = None) -> str:
    """What ``qbench-portrait score`` prints: the metrics table, what was missing, the report path."""
    lines = [terminal_table(run.scores, title=f"{run.name} on {run.references.source}")]
    if is_circular_run(run.scores):
        lines.append(circular_summary(run.scores))
    lines += inputs_lines(run, report_dir)
    if report_dir is not None:
        lines.append(f"report written to {report_dir / 'report.md'}")
    return "\n".join(lines)


def _paired_cells(item: dict | None) -> Sequence[str]:
    if item is None:
        return ["best", "-", "-"]
    p_value = item["mcnemar_p"]
    return [
        f"{100 * item['difference']:+.1f}",
        interval(item["ci_low"], item["ci_high"]),
        "-" if math.isnan(p_value) else f"{p_value:.3g}",
    ]


def leaderboard_text(leaderboard: Leaderboard) -> str:
    """The ranking as aligned text: overall, closed accuracy, the paired test against the best.

    Without a judge for every run, the ranking column is the closed formats' score and the
    open-ended proxy takes the third column, labelled with its agreement with human grades.
    """
    judged = all_judged(leaderboard.runs)
    comparisons = {item["model"]: item for item in leaderboard.comparisons}
    circular = all_circular(leaderboard)
    rows = []
    for rank, run in enumerate(leaderboard.runs, start=1):
        overall = run.scores.overall
        if judged:
            shown = [percent(overall.score), cell_interval(overall.interval), percent(overall.closed_score)]
        else:
            shown = [percent(overall.closed_score), cell_interval(overall.closed_interval)]
            shown.append(percent(overall.open_score))
        shown += circular_columns(run.scores, circular)
        rows.append([str(rank), run.name, *shown, *_paired_cells(comparisons.get(run.name))])
    header = list(_LEADERBOARD_HEADER)
    if not judged:
        header[2], header[4] = "overall (closed) %", PROXY_COLUMN
    if circular:
        header[5:5] = _CIRCULAR_HEADER
    return aligned_text(header, rows)


def comparison_text(leaderboard: Leaderboard, report_dir: Path | None = None) -> str:
    """What ``qbench-portrait compare`` prints: the ranking, the annotators' agreement (if
    human files were pooled), what each run lacked, the report path."""
    lines = [leaderboard_text(leaderboard)]
    if leaderboard.agreement:
        lines += ["", "agreement of the human annotators (Krippendorff's alpha):"]
        lines.append(aligned_text(*agreement_rows(leaderboard.agreement)))
    for run in leaderboard.runs:
        if run.missing_ids or run.errored:
            lines.append(
                f"{run.name}: {len(run.missing_ids)} without a prediction, {len(run.errored)} failed requests"
            )
    if report_dir is not None:
        lines.append(f"report written to {report_dir / 'report.md'}")
    return "\n".join(lines)
