"""Circular scoring: chance levels against enumeration, letters read through each variant's
order, consistency, the drop, the errors; the chi-square survival function against scipy;
position bias on plain and circular runs."""

from __future__ import annotations

import itertools
import math

import pytest
from scipy import stats

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.contract.rotation import variant_orders
from qbench_portrait_lib.scoring import score_predictions
from qbench_portrait_lib.scoring.chi_square import chi_square_sf, chi_square_uniform
from qbench_portrait_lib.scoring.position_bias import PositionAnswer, position_bias

BASE = {"image_id": "i1", "quality_dimension": "technical", "image_source": "natural", "level": "global"}


def question(qid, question_type, options, answer, **labels):
    return {
        **BASE,
        **labels,
        "id": qid,
        "question": f"Question {qid}?",
        "question_type": question_type,
        "options": list(options),
        "answer": list(answer),
        "attribute": "blur",
        "region": "eyes" if labels.get("level") == "local" else "",
    }


def guesses(question_type, options):
    """Every answer a uniform guesser can give to one variant, as responses."""
    letters = [chr(65 + i) for i in range(len(options))]
    if question_type == "multiple_choice":
        return [", ".join(c) for r in range(1, len(letters) + 1) for c in itertools.combinations(letters, r)]
    if question_type == "true_false":
        return ["True", "False"]
    return letters


def enumerate_circular(question_type, options, answer):
    """Every combination of guesses over the variants, one question per combination, scored."""
    orders = variant_orders(question_type, options)
    per_variant = [guesses(question_type, options) for _ in orders]
    predictions, references, option_orders = [], [], []
    for number, combination in enumerate(itertools.product(*per_variant)):
        row = question(f"q{number}", question_type, options, answer)
        for response, order in zip(combination, orders, strict=True):
            predictions.append(response)
            references.append(row)
            option_orders.append(order)
    return score_predictions(predictions, references, option_orders=option_orders, bootstrap_samples=0)


@pytest.mark.parametrize(
    ("question_type", "options", "answer"),
    [
        ("single_choice", ("a", "b"), ("b",)),
        ("single_choice", ("a", "b", "c"), ("a",)),
        ("single_choice", ("a", "b", "c", "d"), ("c",)),
        ("multiple_choice", ("a", "b"), ("a", "b")),
        ("multiple_choice", ("a", "b", "c"), ("a", "c")),
        ("true_false", ("True", "False"), ("False",)),
    ],
)
def test_circular_chance_is_the_share_of_guess_combinations_that_solve_the_question(
    question_type, options, answer
):
    result = enumerate_circular(question_type, options, answer)
    # every combination of guesses is one question: the mean circular accuracy is the exact
    # probability that independent uniform guesses get every variant right
    assert result["circular/overall/accuracy"] == pytest.approx(result["circular/overall/chance"], rel=1e-12)
    n = len(options)
    per_variant = 1 / (2**n - 1) if question_type == "multiple_choice" else 1 / n
    assert result["circular/overall/chance"] == pytest.approx(per_variant**n)


def test_letters_are_read_through_each_variants_order():
    row = question("q1", "single_choice", ("sharp", "soft", "blurry"), ("blurry",))
    orders = variant_orders("single_choice", row["options"])  # blurry at C, then B, then A
    result = score_predictions(["C", "B", "A"], [row] * 3, option_orders=orders, bootstrap_samples=0)
    assert result["circular/overall/accuracy"] == 1.0
    assert result["circular/overall/consistency"] == 1.0
    assert result["circular/overall/drop"] == 0.0
    always_c = score_predictions(["C", "C", "C"], [row] * 3, option_orders=orders, bootstrap_samples=0)
    assert always_c["overall"] == 1.0 and always_c["circular/overall/accuracy"] == 0.0
    assert always_c["circular/overall/drop"] == 1.0
    assert always_c["circular/overall/consistency"] == pytest.approx(1 / 3)


def test_multi_select_needs_every_variants_set_exactly_right():
    row = question("q1", "multiple_choice", ("eyes", "hair", "mouth"), ("eyes", "hair"))
    orders = variant_orders("multiple_choice", row["options"])
    right = ["A, B", "C, A", "B, C"]  # eyes+hair in each order
    result = score_predictions(right, [row] * 3, option_orders=orders, bootstrap_samples=0)
    assert result["circular/overall/accuracy"] == 1.0
    one_short = score_predictions(["A, B", "C, A", "B"], [row] * 3, option_orders=orders, bootstrap_samples=0)
    assert one_short["circular/overall/accuracy"] == 0.0 and one_short["overall"] == 1.0


def test_cells_per_breakdown_and_open_ended_questions_asked_once():
    rows = [
        question("q1", "true_false", ("True", "False"), ("True",), level="local"),
        question("q2", "open_ended", (), ("The hair is blurred.",)),
    ]
    result = score_predictions(
        ["True", "True", "Blurred hair."],
        [rows[0], rows[0], rows[1]],
        option_orders=[("True", "False"), ("False", "True"), ()],
        bootstrap_samples=0,
    )
    assert result["count"] == 2.0  # the vanilla pass: every question once
    assert result["circular/overall/count"] == 1.0  # open-ended questions do not rotate
    assert result["circular/level/local/accuracy"] == 1.0
    assert result["circular/level/global/count"] == 0.0
    assert math.isnan(result["circular/level/global/accuracy"])
    assert "circular/question_type/open_ended/accuracy" not in result


def test_a_plain_run_has_no_circular_keys():
    row = question("q1", "true_false", ("True", "False"), ("True",))
    assert not any(key.startswith("circular/") for key in score_predictions(["True"], [row]))
    only_vanilla = score_predictions(["True"], [row], option_orders=[None], bootstrap_samples=0)
    assert not any(key.startswith("circular/") for key in only_vanilla)


@pytest.mark.parametrize(
    ("orders", "message"),
    [
        ([("b", "a", "c"), ("a", "b", "c"), ("c", "a", "b")], r"not a cyclic rotation"),
        ([("b", "c", "a"), ("c", "a", "b")], r"expected rotation 0"),
        ([("a", "b", "c"), ("b", "c", "a")], r"asks all 3 rotations of its options, got 2"),
        ([("a", "b", "c"), ("a", "b", "c")], r"each rotation at most once"),
    ],
)
def test_incomplete_or_foreign_variants_are_errors(orders, message):
    row = question("q1", "single_choice", ("a", "b", "c"), ("a",))
    with pytest.raises(QBenchError, match=message):
        score_predictions(["A"] * len(orders), [row] * len(orders), option_orders=orders)


def test_variants_of_one_question_must_share_their_reference():
    row = question("q1", "true_false", ("True", "False"), ("True",))
    other = {**row, "answer": ["False"]}
    with pytest.raises(QBenchError, match="differs from an earlier variant"):
        orders = [("True", "False"), ("False", "True")]
        score_predictions(["True", "True"], [row, other], option_orders=orders)


@pytest.mark.parametrize(
    ("predictions", "error", "message"),
    [
        ([7, "True"], TypeError, "prediction 0 (id 'q1') must be a string or None, got int 7"),
        (
            ["True"] * 3,
            ValueError,
            "expected one prediction per reference: got 3 predictions for 2 references",
        ),
        ("TF", TypeError, "predictions must be a list of strings or None, got str"),  # not one per variant
    ],
)
def test_bad_predictions_give_the_same_error_on_the_plain_and_the_circular_path(predictions, error, message):
    row = question("q1", "true_false", ("True", "False"), ("True",))
    plain_references = [row, question("q2", "true_false", ("True", "False"), ("False",))]
    with pytest.raises(error) as plain:
        score_predictions(predictions, plain_references, bootstrap_samples=0)
    orders = [("True", "False"), ("False", "True")]
    with pytest.raises(error) as circular:
        score_predictions(predictions, [row, row], option_orders=orders, bootstrap_samples=0)
    assert str(plain.value) == str(circular.value) == message


@pytest.mark.parametrize("dof", [1, 2, 3, 5, 10, 25, 60])
def test_chi_square_sf_matches_scipy(dof):
    for statistic in (0.001, 0.1, 0.5, 1.0, dof - 0.5, dof, dof + 1.0, 2.0 * dof, 5.0 * dof + 3, 200.0):
        expected = stats.chi2.sf(statistic, dof)
        assert chi_square_sf(statistic, dof) == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_chi_square_uniform_matches_scipy():
    counts = [31, 12, 9, 8]
    ours = chi_square_uniform(counts)
    theirs = stats.chisquare(counts)
    assert ours.statistic == pytest.approx(theirs.statistic) and ours.p_value == pytest.approx(theirs.pvalue)


def test_position_bias_tests_uniform_picking_only_where_gold_is_uniform():
    shown = ("a", "b", "c")
    uneven = [PositionAnswer("single_choice", shown, ("a",), ("a",))] * 4
    bias = position_bias(uneven)
    assert bias.gold_share == (1.0, 0.0, 0.0) and math.isnan(bias.chi_square.p_value)
    orders = variant_orders("single_choice", shown)
    rotated = [PositionAnswer("single_choice", order, ("a",), ("a",)) for order in orders]
    bias = position_bias(rotated * 5)
    assert bias.gold_share == pytest.approx((1 / 3,) * 3) and bias.pick_share == pytest.approx((1 / 3,) * 3)
    assert bias.chi_square.statistic == 0.0 and bias.chi_square.p_value == 1.0


def test_select_all_rate_counts_parsed_multi_select_answers_that_pick_everything():
    shown = ("a", "b", "c")
    answers = [
        PositionAnswer("multiple_choice", shown, ("a", "b", "c"), ("a",)),
        PositionAnswer("multiple_choice", shown, ("a",), ("a",)),
        PositionAnswer("multiple_choice", shown, None, ("a",)),
    ]
    assert position_bias(answers).select_all_rate == 0.5
