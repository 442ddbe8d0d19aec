"""Text renderings of a scored run: the Markdown report and the terminal headline table.

Scores are shown as percentages with one decimal; NaN (an empty cell) as "-".

>>> percent(0.6234), percent(float("nan"))
('62.3', '-')
>>> interval(0.5, 0.75)
'[50.0, 75.0]'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from qbench_portrait_lib.contract.columns import CLOSED_TYPES
from qbench_portrait_lib.report.tables import (
    BREAKDOWNS,
    DIMENSION_X_LEVEL,
    GROUP_TITLES,
    CellRow,
    CrossCell,
    breakdown_rows,
)

#: How many ids a Markdown report lists inline before pointing at results.json.
MAX_LISTED_IDS = 30


def percent(value: float) -> str:
    """A score in [0, 1] as a percentage string, "-" for NaN."""
    return "-" if value is None or math.isnan(value) else f"{100 * value:.1f}"


def interval(low: float, high: float) -> str:
    """A 95% interval as "[low, high]" in percent, "-" when undefined."""
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return "-"
    return f"[{percent(low)}, {percent(high)}]"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """The lines of a Markdown table.

    >>> markdown_table(["cell", "n"], [["overall", "3"]])
    ['| cell | n |', '|---|---|', '| overall | 3 |']
    """
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _cell_cells(row: CellRow, *, closed_interval: bool = True) -> list[str]:
    """A cell's columns: all items (score, interval, n), then closed formats beside chance."""
    closed = [percent(row.closed_score)]
    if closed_interval:
        closed.append(interval(row.closed_ci_low, row.closed_ci_high))
    return [
        row.value,
        percent(row.score),
        interval(row.ci_low, row.ci_high),
        str(row.count),
        *closed,
        str(row.closed_count),
        percent(row.chance),
    ]


def closed_count(metrics: Mapping[str, Any]) -> int:
    """Number of closed-format items (single choice, multiple choice, true/false).

    >>> closed_count({"question_type/single_choice/count": 3.0, "question_type/multiple_choice/count": 1.0,
    ...               "question_type/true_false/count": 2.0})
    6
    """
    return int(sum(metrics[f"question_type/{qtype}/count"] for qtype in CLOSED_TYPES))


#: Columns of the terminal table (see :func:`headline_rows`).
HEADLINE_HEADER: tuple[str, ...] = ("cell", "all %", "95% CI", "n", "closed %", "n closed", "chance %")


def headline_rows(metrics: Mapping[str, Any]) -> list[list[str]]:
    """The terminal table's rows: the overall line, then every cell of every breakdown.

    Columns (:data:`HEADLINE_HEADER`, scores in percent): the score over all items with
    its 95% interval and item count, then the accuracy on the closed-format items, their
    count and their chance level; chance only ever sits beside the closed accuracy.
    """
    rows = [
        [
            "overall",
            percent(metrics["overall"]),
            interval(metrics["overall_ci_low"], metrics["overall_ci_high"]),
            str(int(metrics["count"])),
            percent(metrics["overall_closed"]),
            str(closed_count(metrics)),
            percent(metrics["chance"]),
        ],
    ]
    for group, values in BREAKDOWNS:
        for row in breakdown_rows(metrics, group, values):
            rows.append([f"{group}/{row.value}", *_cell_cells(row, closed_interval=False)[1:]])
    return rows


def aligned_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Rows as plain text columns: the first left-aligned, the others right-aligned.

    >>> print(aligned_text(["cell", "score"], [["overall", "62.3"], ["level/local", "7.0"]]))
    cell         score
    -----------  -----
    overall       62.3
    level/local    7.0
    """
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]

    def fmt(line: Sequence[str]) -> str:
        cells = [line[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)
        ]
        return "  ".join(cells).rstrip()

    return "\n".join([fmt(header), "  ".join("-" * width for width in widths), *(fmt(row) for row in rows)])


def terminal_table(metrics: Mapping[str, Any], title: str = "") -> str:
    """The headline table as plain aligned text for a terminal (see :func:`headline_rows`)."""
    table = aligned_text(HEADLINE_HEADER, headline_rows(metrics))
    footer = [
        "all: every item (open-ended answers by their proxy or judge score)",
        "closed: single choice, multiple choice and true/false only, the items chance is computed on",
        f"parse failures: {int(metrics['parse_failures'])} "
        f"({percent(metrics['parse_failure_rate'])}% of closed items); "
        f"intervals: image-clustered bootstrap for overall, Wilson for cells",
    ]
    if _was_judged(metrics):
        footer.append(
            f"judge: {int(metrics['open_ended/judge_failures'])} open-ended items "
            f"({percent(metrics['open_ended/judge_failure_rate'])}%) got no valid judge score "
            f"and kept their proxy score"
        )
    return "\n".join([*([title] if title else []), table, *footer])


def _was_judged(metrics: Mapping[str, Any]) -> bool:
    """True when a judge scored this run (its failure rate is NaN without one)."""
    rate = metrics.get("open_ended/judge_failure_rate")
    return isinstance(rate, float) and not math.isnan(rate)


def _id_list(ids: Sequence[str]) -> str:
    shown = ", ".join(f"`{item}`" for item in ids[:MAX_LISTED_IDS])
    more = len(ids) - MAX_LISTED_IDS
    return shown + (f", and {more} more (all listed in results.json)" if more > 0 else "")


def _metadata_section(metadata: Mapping[str, Any]) -> list[str]:
    rows = []
    for key, value in metadata.items():
        if isinstance(value, Mapping):
            value = ", ".join(f"{k}={v}" for k, v in value.items()) or "-"
        rows.append([key, "-" if value is None or value == "" else str(value)])
    return ["## Run", "", *markdown_table(["field", "value"], rows), ""]


def _summary_section(metrics: Mapping[str, Any], judged: bool) -> list[str]:
    lines = [
        "## Headline",
        "",
        f"- **Overall**: {percent(metrics['overall'])} "
        f"(95% image-clustered bootstrap interval "
        f"{interval(metrics['overall_ci_low'], metrics['overall_ci_high'])}), "
        f"{int(metrics['count'])} items.",
        f"- **Closed formats**: {percent(metrics['overall_closed'])} ({closed_count(metrics)} items); "
        f"uniform random guessing would score {percent(metrics['chance'])}.",
        f"- **Parse failures**: {int(metrics['parse_failures'])} closed items "
        f"({percent(metrics['parse_failure_rate'])}%) committed to no usable answer and scored 0.",
        f"- **Multiple choice, partial credit**: Jaccard {percent(metrics['multiple_choice/jaccard'])}, "
        f"precision {percent(metrics['multiple_choice/precision'])}, "
        f"recall {percent(metrics['multiple_choice/recall'])}, F1 {percent(metrics['multiple_choice/f1'])}.",
        f"- **True/false**: balanced accuracy {percent(metrics['true_false/balanced_accuracy'])}; "
        f'answered "True" {percent(metrics["true_false/true_rate"])}% of the time '
        f"against {percent(metrics['true_false/gold_true_rate'])}% in the gold answers.",
        _open_ended_line(metrics, judged),
        "",
        "In the tables below, **all items** scores every question of a cell (open-ended answers "
        "by their proxy or judge score); **closed formats** scores only its single-choice, "
        "multiple-choice and true/false questions. Chance is the expected score of uniform random "
        "guessing on those closed-format questions, so it is shown beside the closed-format "
        "accuracy and should be compared with that, not with the all-items score.",
        "",
    ]
    return lines


def _open_ended_line(metrics: Mapping[str, Any], judged: bool) -> str:
    proxy = f"- **Open-ended**: offline proxy score {percent(metrics['open_ended/proxy_score'])}"
    if not judged:
        return proxy + "; no judge was used (the proxy scores count)."
    failures = int(metrics["open_ended/judge_failures"])
    return (
        f"{proxy}; judge score {percent(metrics['open_ended/judge_score'])} "
        f"({failures} judge failures, {percent(metrics['open_ended/judge_failure_rate'])}%, "
        f"scored by the proxy instead)."
    )


def _breakdown_sections(metrics: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    header = [
        "value",
        "all items %",
        "95% CI (Wilson)",
        "n",
        "closed formats %",
        "95% CI (Wilson)",
        "n closed",
        "chance %",
    ]
    for group, values in (*BREAKDOWNS, DIMENSION_X_LEVEL):
        rows = [_cell_cells(row) for row in breakdown_rows(metrics, group, values)]
        lines += [f"## {GROUP_TITLES[group]}", "", *markdown_table(header, rows), ""]
    return lines


def cross_tab_section(cells: Mapping[tuple[str, str], CrossCell], title: str) -> list[str]:
    """A cross tab as a Markdown table of "score (n)" entries, rows x columns."""
    row_names = list(dict.fromkeys(key[0] for key in cells))
    col_names = list(dict.fromkeys(key[1] for key in cells))
    rows = [
        [row, *(f"{percent(cells[row, col].score)} (n={cells[row, col].count})" for col in col_names)]
        for row in row_names
    ]
    return [f"## {title}", "", *markdown_table(["", *col_names], rows), ""]


def _inputs_section(missing_ids: Sequence[str], errored: Mapping[str, str]) -> list[str]:
    lines = ["## Inputs", ""]
    if missing_ids:
        lines.append(
            f"- {len(missing_ids)} questions had no prediction and count as unparsed: {_id_list(missing_ids)}"
        )
    else:
        lines.append("- Every question had a prediction.")
    if errored:
        lines.append(
            f"- {len(errored)} requests failed in the run (no response; scored as unparsed): "
            f"{_id_list(list(errored))}"
        )
    else:
        lines.append("- No request failed.")
    return [*lines, ""]


def run_markdown(
    title: str,
    metrics: Mapping[str, Any],
    metadata: Mapping[str, Any],
    *,
    cross_tab: Mapping[tuple[str, str], CrossCell],
    missing_ids: Sequence[str] = (),
    errored: Mapping[str, str] | None = None,
    charts: Sequence[str] = (),
) -> str:
    """The whole ``report.md`` of one scored run; ``charts`` are paths relative to it."""
    lines = [f"# {title}", ""]
    lines += _summary_section(metrics, judged=metadata.get("judge") is not None)
    lines += _breakdown_sections(metrics)
    lines += cross_tab_section(cross_tab, "Quality dimension x image source (mean item score, %)")
    lines += _inputs_section(missing_ids, errored or {})
    if charts:
        lines += ["## Charts", ""] + [f"![{chart}]({chart})" for chart in charts] + [""]
    lines += _metadata_section(metadata)
    return "\n".join(lines)
