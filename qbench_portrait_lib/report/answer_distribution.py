"""Report sections for circular evaluation and position bias, rendered from the scorer's cells.

The numbers are the scorer's (:attr:`Scores.circular`, :attr:`Scores.position_bias`,
:attr:`Scores.true_false`); this module only lays them out.

>>> from qbench_portrait_lib.scoring import score_all
>>> ref = {"id": "q1", "image_id": "i1", "question": "Sharp?", "question_type": "single_choice",
...        "options": ["Yes", "No"], "answer": ["No"], "quality_dimension": "technical",
...        "image_source": "natural", "level": "global", "attribute": "blur", "region": ""}
>>> scores = score_all(["A", "A"], [ref, ref], option_orders=[["Yes", "No"], ["No", "Yes"]],
...                    bootstrap_samples=0).scores
>>> position_rows(scores), is_circular_run(scores)
([('A', 1.0, 0.5), ('B', 0.0, 0.5)], True)
>>> print(circular_summary(scores))
circular 0.0 [0.0, 79.3] (chance 25), vanilla 0.0, drop 0.0 [0.0, 79.3]; 1 rotating questions
"""

from __future__ import annotations

import math

from qbench_portrait_lib.report.markdown import interval, markdown_table, percent
from qbench_portrait_lib.scoring.cells import Scores
from qbench_portrait_lib.scoring.circular import CircularCell


def position_rows(scores: Scores) -> list[tuple[str, float, float]]:
    """(letter, pick share, gold share) for every option position, A first."""
    bias = scores.position_bias
    if bias is None:
        return []
    return list(zip(bias.positions, bias.pick_share, bias.gold_share, strict=True))


def is_circular_run(scores: Scores) -> bool:
    """Whether the scores hold circular cells (a run with more than one variant per question)."""
    return bool(scores.circular)


def _chance(value: float) -> str:
    return "-" if math.isnan(value) else f"{100 * value:.3g}"


def _uniformity_line(scores: Scores) -> str:
    test = scores.position_bias.chi_square if scores.position_bias is not None else None
    if test is None or math.isnan(test.p_value):
        return (
            "- **Uniform picking**: not tested; the gold answers do not sit equally often at every "
            "position (a circular run makes them do so)."
        )
    return (
        f"- **Uniform picking**: chi-square {test.statistic:.2f} with {test.dof} degrees of freedom, "
        f"p = {test.p_value:.3g} (gold sits equally often at every position, so an unbiased model "
        "picks them equally often)."
    )


def position_bias_section(scores: Scores) -> list[str]:
    """Picks per position against gold per position, the test, true/false and select-all rates."""
    rows = [[letter, percent(pick), percent(gold)] for letter, pick, gold in position_rows(scores)]
    bias = scores.position_bias
    responses = bias.responses if bias is not None else 0
    select_all = bias.select_all_rate if bias is not None else math.nan
    return [
        "## Position bias and answer distributions",
        "",
        f"Single-choice answers ({responses} parsed responses), by the position of the option picked "
        "in the order the question was asked:",
        "",
        *markdown_table(["position", "picked %", "gold %"], rows),
        "",
        _uniformity_line(scores),
        f'- **True/false**: answered "True" {percent(scores.true_false.true_rate)}% of the time '
        f"against {percent(scores.true_false.gold_true_rate)}% in the gold answers.",
        f"- **Multiple choice**: {percent(select_all)}% of the parsed answers select every option.",
        "",
    ]


def _circular_row(cell: CircularCell) -> list[str]:
    name = "all rotating questions" if cell.breakdown == "overall" else f"{cell.breakdown}: {cell.value}"
    return [
        name,
        str(cell.count),
        percent(cell.vanilla),
        percent(cell.circular),
        interval(*cell.circular_interval),
        _chance(cell.chance),
        percent(cell.drop),
        interval(*cell.drop_interval),
        percent(cell.consistency),
    ]


def circular_section(scores: Scores) -> list[str]:
    """The circular table: vanilla, circular accuracy, its chance, the drop, consistency ([] if none)."""
    if not is_circular_run(scores):
        return []
    rows = [_circular_row(cell) for cell in scores.circular if cell.count > 0]
    header = ["cell", "n", "vanilla %", "circular %", "95% CI", "chance %", "drop %", "95% CI"]
    header.append("consistency %")
    return [
        "## Circular evaluation",
        "",
        "Each choice question was asked once per cyclic rotation of its options (true/false: both "
        "orders). **Circular** counts a question only if every rotation was answered right; "
        "**vanilla** is the dataset's own order; the **drop** is the share of questions right in "
        "that order but not in some other. Chance is the circular accuracy of uniform guessing "
        "(the product of the rotations' chance levels). Consistency is the share of rotations "
        "giving the most common answer (as option texts).",
        "",
        *markdown_table(header, rows),
        "",
    ]


def circular_summary(scores: Scores) -> str:
    """One line for the terminal: circular accuracy beside its chance, vanilla and the drop."""
    if not is_circular_run(scores):
        return "not a circular run: no circular accuracy"
    cell = scores.circular[0]
    return (
        f"circular {percent(cell.circular)} {interval(*cell.circular_interval)} "
        f"(chance {_chance(cell.chance)}), vanilla {percent(cell.vanilla)}, "
        f"drop {percent(cell.drop)} {interval(*cell.drop_interval)}; {cell.count} rotating questions"
    )
