"""Circular runs in the report and the leaderboard: sections, columns only when every run
is circular, and the position-bias chart in the report folder."""

from __future__ import annotations

import pytest
from test_report import RESPONSES, small_references

from qbench_portrait_lib.contract.columns import label_name
from qbench_portrait_lib.contract.rotation import variant_orders
from qbench_portrait_lib.jobs.circular_score import AlignedVariants
from qbench_portrait_lib.jobs.score import score_responses
from qbench_portrait_lib.report.answer_distribution import circular_section, position_bias_section
from qbench_portrait_lib.report.leaderboard import build_leaderboard, closed_rows


def circular_run(name: str, answer_first: bool):
    """Every variant of the small references answered with the plain responses (or always "A")."""
    refs = small_references()
    variants = AlignedVariants()
    for index, (row, response) in enumerate(zip(refs.rows, RESPONSES, strict=True)):
        qtype = label_name("question_type", row["question_type"])
        for rotation, order in enumerate(variant_orders(qtype, row["options"])):
            variants.row_index.append(index)
            variants.rotations.append(rotation)
            variants.orders.append(order)
            first = order[0] if qtype == "true_false" else "A"
            variants.responses.append(first if answer_first and qtype != "open_ended" else response)
    return score_responses(name, [], refs, bootstrap_samples=0, variants=variants)


def test_a_circular_run_keeps_the_vanilla_details_and_adds_circular_keys():
    run = circular_run("first", answer_first=True)
    assert len(run.details) == len(run.responses) == len(small_references().rows)
    assert run.metrics["circular/overall/accuracy"] == 0.0
    assert run.metrics["position_bias/A/pick_share"] == 1.0
    section = "\n".join(circular_section(run.scores))
    assert "## Circular evaluation" in section and "| all rotating questions |" in section
    assert "| A | 100.0 |" in "\n".join(position_bias_section(run.scores))


def test_plain_runs_have_no_circular_section_but_a_position_bias_section():
    run = score_responses("plain", RESPONSES, small_references(), bootstrap_samples=0)
    assert circular_section(run.scores) == []
    assert "## Position bias and answer distributions" in position_bias_section(run.scores)


@pytest.mark.parametrize("all_circular", [True, False])
def test_leaderboard_shows_circular_columns_only_when_every_run_is_circular(all_circular):
    first = circular_run("first", answer_first=True)
    other = (
        circular_run("plain-responses", answer_first=False)
        if all_circular
        else score_responses("plain", RESPONSES, small_references(), bootstrap_samples=0)
    )
    header, rows = closed_rows(build_leaderboard([first, other], bootstrap_samples=0))
    assert ("circular" in header and "drop" in header) is all_circular
    if all_circular:
        by_name = {row[1]: row for row in rows}
        column = header.index("circular")
        assert by_name["first"][column] == "0.0"
        assert by_name["chance"][column] == f"{100 * first.metrics['circular/overall/chance']:.3g}"
