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

from qbench_portrait_lib.report.tables import (
    CHART_BREAKDOWNS,
    GROUP_TITLES,
    HEATMAP_BREAKDOWN,
    TABLE_BREAKDOWNS,
    cross_tab_grid,
)
from qbench_portrait_lib.scoring.cells import Cell, Interval, Scores
from qbench_portrait_lib.scoring.headline import (
    PROXY_AGREEMENT,
    counts_open_ended,
    headline_count,
    headline_interval,
    headline_name,
    headline_score,
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


def cell_interval(value: Interval) -> str:
    """A cell's interval as "[low, high]" in percent (see :func:`interval`)."""
    return interval(value.low, value.high)


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """The lines of a Markdown table.

    >>> markdown_table(["cell", "n"], [["overall", "3"]])
    ['| cell | n |', '|---|---|', '| overall | 3 |']
    """
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _cell_cells(cell: Cell, *, closed_interval: bool = True) -> list[str]:
    """A cell's columns: all items (score, interval, n), then closed formats beside chance."""
    closed = [percent(cell.closed_score)]
    if closed_interval:
        closed.append(cell_interval(cell.closed_interval))
    return [
        cell.value,
        percent(cell.score),
        cell_interval(cell.interval),
        str(cell.count),
        *closed,
        str(cell.closed_count),
        percent(cell.chance),
    ]


#: Columns of the terminal table of a judged run (see :func:`headline_rows`).
HEADLINE_HEADER: tuple[str, ...] = ("cell", "all %", "95% CI", "n", "closed %", "n closed", "chance %")
#: Columns of the terminal table without a judge: the proxy sits apart, with its agreement.
PROXY_COLUMN = f"open-ended proxy % (Spearman {PROXY_AGREEMENT.spearman:.2f} vs human)"
UNJUDGED_HEADER: tuple[str, ...] = (
    "cell",
    "closed %",
    "95% CI",
    "n closed",
    "chance %",
    PROXY_COLUMN,
    "n open",
)


def headline_header(scores: Scores) -> tuple[str, ...]:
    """The terminal table's columns: :data:`HEADLINE_HEADER` with a judge, else :data:`UNJUDGED_HEADER`."""
    return HEADLINE_HEADER if counts_open_ended(scores) else UNJUDGED_HEADER


def _unjudged_cells(cell: Cell) -> list[str]:
    """Closed accuracy, interval, count and chance, then the open-ended proxy and its count."""
    return [
        percent(cell.closed_score),
        cell_interval(cell.closed_interval),
        str(cell.closed_count),
        percent(cell.chance),
        percent(cell.open_score),
        str(cell.open_count),
    ]


def headline_rows(scores: Scores) -> list[list[str]]:
    """The terminal table's rows: the overall line, then every cell of every one-column breakdown.

    With a judge (:data:`HEADLINE_HEADER`, scores in percent): the score over all items with
    its 95% interval and item count, then the accuracy on the closed-format items, their
    count and their chance level; chance only ever sits beside the closed accuracy. Without
    one (:data:`UNJUDGED_HEADER`): the closed-format accuracy leads, with its interval, count
    and chance, and the open-ended proxy score follows in its own column.
    """
    cells = [scores.overall, *(cell for breakdown in CHART_BREAKDOWNS for cell in scores.cells(breakdown))]
    if counts_open_ended(scores):
        return [[cell.label, *_cell_cells(cell, closed_interval=False)[1:]] for cell in cells]
    return [[cell.label, *_unjudged_cells(cell)] for cell in cells]


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


#: How each interval method is named in a report.
METHOD_NAMES: dict[str, str] = {
    "wilson": "Wilson",
    "image-clustered bootstrap": "image-clustered bootstrap",
    "student t": "Student t",
}
#: Said under a table whose cells mix interval methods.
MIXED_METHODS_NOTE = (
    "95% CI: Wilson for a cell whose item scores are all 0 or 1; Student t (the t interval of the "
    "mean) for a cell holding fractional scores (open-ended proxy or judge averages)."
)


def method_name(value: Interval) -> str:
    """The display name of an interval's method.

    >>> method_name(Interval(0.1, 0.2, "wilson"))
    'Wilson'
    """
    return METHOD_NAMES.get(value.method, value.method)


def methods_name(intervals: Sequence[Interval]) -> str:
    """The display names of the methods of ``intervals``, in order of first use, joined by "/".

    >>> methods_name([Interval(0, 1, "wilson"), Interval(0, 1, "student t"), Interval(0, 1, "wilson")])
    'Wilson/Student t'
    """
    return "/".join(dict.fromkeys(method_name(value) for value in intervals)) or "-"


def terminal_table(scores: Scores, title: str = "") -> str:
    """The headline table as plain aligned text for a terminal (see :func:`headline_rows`)."""
    table = aligned_text(headline_header(scores), headline_rows(scores))
    cell_method = methods_name([cell.interval for cell in scores.cells(CHART_BREAKDOWNS[0]) if cell.count])
    first = (
        "all: every item (open-ended answers by their judge score, the proxy where the judge failed)"
        if counts_open_ended(scores)
        else f"open-ended proxy: an offline estimate ({PROXY_AGREEMENT.label()}), not counted in "
        "overall or in any ranking; pass a judge to score open-ended answers"
    )
    footer = [
        first,
        "closed: single choice, multiple choice and true/false only, the items chance is computed on",
        f"parse failures: {scores.parse_failures} "
        f"({percent(scores.parse_failure_rate)}% of closed items); "
        f"intervals: {method_name(headline_interval(scores.overall, scores))} for overall, "
        f"{cell_method} for cells",
    ]
    open_ended = scores.open_ended
    if _was_judged(scores):
        footer.append(
            f"judge: {open_ended.judge_failures} open-ended items "
            f"({percent(open_ended.judge_failure_rate)}%) got no valid judge score "
            f"and kept their proxy score"
        )
    return "\n".join([*([title] if title else []), table, *footer])


def _was_judged(scores: Scores) -> bool:
    """True when a judge scored open-ended items in this run."""
    return scores.open_ended.judged and not math.isnan(scores.open_ended.judge_failure_rate)


def _id_list(ids: Sequence[str]) -> str:
    shown = ", ".join(f"`{item}`" for item in ids[:MAX_LISTED_IDS])
    more = len(ids) - MAX_LISTED_IDS
    return shown + (f", and {more} more (all listed in results.json)" if more > 0 else "")


def plain_value(value: Any) -> str:
    """A metadata value as plain text: nested settings as ``key: value`` pairs, never a Python dict.

    >>> plain_value({"model": "qwen", "rounds": 5, "stats": {"failure_rate": 0.0125, "calls": 40.0}})
    'model: qwen; rounds: 5; stats: (failure rate: 0.0125; calls: 40)'
    >>> plain_value(None), plain_value(["a", "b"])
    ('-', 'a, b')
    """
    if value is None or value == "":
        return "-"
    if isinstance(value, Mapping):
        parts = []
        for key, item in value.items():
            text = plain_value(item)
            parts.append(
                f"{str(key).replace('_', ' ')}: {f'({text})' if isinstance(item, Mapping) else text}"
            )
        return "; ".join(parts) or "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(plain_value(item) for item in value) or "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _metadata_section(metadata: Mapping[str, Any]) -> list[str]:
    rows = [[key, plain_value(value)] for key, value in metadata.items()]
    return ["## Run", "", *markdown_table(["field", "value"], rows), ""]


def _summary_section(scores: Scores) -> list[str]:
    overall, mc, tf = scores.overall, scores.multiple_choice, scores.true_false
    headline = headline_interval(overall, scores)
    lines = [
        "## Headline",
        "",
        f"- **Overall**, {headline_name(scores)}: {percent(headline_score(overall, scores))} "
        f"(95% {method_name(headline)} interval {cell_interval(headline)}), "
        f"{headline_count(overall, scores)} items.",
        f"- **Closed formats**: {percent(overall.closed_score)} ({overall.closed_count} items); "
        f"uniform random guessing would score {percent(overall.chance)}.",
        f"- **Parse failures**: {scores.parse_failures} closed items "
        f"({percent(scores.parse_failure_rate)}%) committed to no usable answer and scored 0.",
        f"- **Multiple choice, partial credit**: Jaccard {percent(mc.jaccard)}, "
        f"precision {percent(mc.precision)}, recall {percent(mc.recall)}, F1 {percent(mc.f1)}.",
        f"- **True/false**: balanced accuracy {percent(tf.balanced_accuracy)}; "
        f'answered "True" {percent(tf.true_rate)}% of the time '
        f"against {percent(tf.gold_true_rate)}% in the gold answers.",
        _open_ended_line(scores),
        "",
        "In the tables below, **all items** scores every question of a cell (open-ended answers "
        f"by their {'judge' if counts_open_ended(scores) else 'proxy'} score); "
        "**closed formats** scores only its single-choice, "
        "multiple-choice and true/false questions. Chance is the expected score of uniform random "
        "guessing on those closed-format questions, so it is shown beside the closed-format "
        "accuracy and should be compared with that, not with the all-items score.",
        "",
    ]
    return lines


def _open_ended_line(scores: Scores) -> str:
    open_ended = scores.open_ended
    proxy = (
        f"- **Open-ended**: offline proxy score {percent(open_ended.proxy_score)} "
        f"over {scores.overall.open_count} items ({PROXY_AGREEMENT.label()})"
    )
    if not open_ended.judged:
        return proxy + "; no judge was used, so it is **not** counted in the overall score above."
    return (
        f"{proxy}; judge score {percent(open_ended.judge_score)} "
        f"({open_ended.judge_failures} judge failures, {percent(open_ended.judge_failure_rate)}%, "
        f"scored by the proxy instead)."
    )


def breakdown_table(cells: Sequence[Cell], *, judged: bool = True) -> list[str]:
    """One breakdown as Markdown table lines: a row per cell, all items then closed formats.

    The interval columns name the cells' interval method; without a judge (``judged``
    False) the all-items column says that its open-ended answers count by the proxy.
    """
    method = methods_name([cell.interval for cell in cells if cell.count])
    closed_method = method_name(cells[0].closed_interval) if cells else "-"
    header = [
        "value",
        "all items %" if judged else "all items, open-ended by proxy %",
        f"95% CI ({method})",
        "n",
        "closed formats %",
        f"95% CI ({closed_method})",
        "n closed",
        "chance %",
    ]
    table = markdown_table(header, [_cell_cells(cell) for cell in cells])
    return [*table, "", MIXED_METHODS_NOTE] if "/" in method else table


def _breakdown_sections(scores: Scores) -> list[str]:
    lines: list[str] = []
    for breakdown in TABLE_BREAKDOWNS:
        lines += [
            f"## {GROUP_TITLES[breakdown]}",
            "",
            *breakdown_table(scores.cells(breakdown), judged=counts_open_ended(scores)),
            "",
        ]
    return lines


def cross_tab_section(cells: Sequence[Cell], title: str) -> list[str]:
    """A cross tab as a Markdown grid of "score (n=count)" entries, rows x columns."""
    grid = cross_tab_grid(cells)
    rows = [
        [row, *(f"{percent(cell.score)} (n={cell.count})" for cell in row_cells)]
        for row, row_cells in zip(grid.rows, grid.cells, strict=True)
    ]
    return [f"## {title}", "", *markdown_table(["", *grid.columns], rows), ""]


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
    scores: Scores,
    metadata: Mapping[str, Any],
    *,
    missing_ids: Sequence[str] = (),
    errored: Mapping[str, str] | None = None,
    charts: Sequence[str] = (),
    sections: Sequence[str] = (),
) -> str:
    """The whole ``report.md`` of one scored run; ``charts`` are paths relative to it.

    ``sections`` are further Markdown lines placed after the breakdown tables (the circular
    and position-bias sections of :mod:`qbench_portrait_lib.report.answer_distribution`).
    """
    scope = "judge" if counts_open_ended(scores) else "offline proxy"
    grid_title = f"{GROUP_TITLES[HEATMAP_BREAKDOWN]}: grid (mean item score %, open-ended by {scope}; n)"
    lines = [f"# {title}", ""]
    lines += _summary_section(scores)
    lines += _breakdown_sections(scores)
    lines += list(sections)
    lines += cross_tab_section(scores.cells(HEATMAP_BREAKDOWN), grid_title)
    lines += _inputs_section(missing_ids, errored or {})
    if charts:
        lines += ["## Charts", ""] + [f"![{chart}]({chart})" for chart in charts] + [""]
    lines += _metadata_section(metadata)
    return "\n".join(lines)
