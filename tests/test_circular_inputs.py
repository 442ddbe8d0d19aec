"""The pieces a circular run is made of: rotations, the prompt under an order, the variants
of a run, and the predictions lines that carry them."""

from __future__ import annotations

import json

import pytest

from qbench_portrait_lib.contract.prompt import render_prompt
from qbench_portrait_lib.contract.rotation import rotation_of, variant_orders
from qbench_portrait_lib.run.predictions import PredictionRecord, PredictionsFileError, read_predictions
from qbench_portrait_lib.run.variants import question_variants

SINGLE = {"question": "How sharp is the face?", "question_type": "single_choice", "options": ["a", "b", "c"]}
TRUE_FALSE = {"question": "The eyes are sharp.", "question_type": "true_false", "options": ["True", "False"]}


@pytest.mark.parametrize("options", [("a", "b"), ("a", "b", "c"), tuple("abcdef")])
def test_every_cyclic_rotation_once_each_option_once_at_every_position(options):
    orders = variant_orders("single_choice", options)
    assert len(set(orders)) == len(options) and orders[0] == options
    for position in range(len(options)):
        assert sorted(order[position] for order in orders) == sorted(options)
    assert [rotation_of(options, order) for order in orders] == list(range(len(options)))


def test_the_unrotated_prompt_is_the_plain_prompt():
    for example in (SINGLE, TRUE_FALSE):
        assert render_prompt(example, example["options"]) == render_prompt(example)


def test_a_rotated_prompt_lists_the_options_in_that_order():
    rotated = render_prompt(SINGLE, ["b", "c", "a"])
    assert rotated.splitlines()[1:4] == ["A. b", "B. c", "C. a"]
    assert render_prompt(TRUE_FALSE, ["False", "True"]).endswith("Answer with False or True only.")
    with pytest.raises(ValueError, match="not a permutation"):
        render_prompt(SINGLE, ["a", "b"])


def test_a_plain_run_has_one_request_per_question_a_circular_one_per_rotation():
    rows = [
        {"id": "q1", **SINGLE},
        {"id": "q2", **TRUE_FALSE},
        {"id": "q3", "question_type": 3, "options": []},
    ]
    assert [v["key"] for v in question_variants(rows, circular=False)] == ["q1", "q2", "q3"]
    circular = question_variants(rows, circular=True)
    assert [v["key"] for v in circular] == ["q1@0", "q1@1", "q1@2", "q2@0", "q2@1", "q3@0"]
    assert [v["row"] for v in circular] == [0, 0, 0, 1, 1, 2]


def test_predictions_lines_carry_the_rotation_and_order(tmp_path):
    plain = PredictionRecord(id="q1", response="A")
    assert "rotation" not in json.loads(plain.to_json())  # plain files are unchanged
    variant = PredictionRecord(id="q1", response="A", rotation=1, option_order=("b", "c", "a"))
    path = tmp_path / "p.jsonl"
    path.write_text(
        variant.to_json()
        + "\n"
        + PredictionRecord(id="q1", response="B", rotation=0, option_order=("a", "b", "c")).to_json()
        + "\n"
    )
    records = read_predictions(path)
    assert list(records) == ["q1@1", "q1@0"] and records["q1@1"].option_order == ("b", "c", "a")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "q1", "response": "A", "rotation": 1}', "expected 'option_order' to be a list of strings"),
        ('{"id": "q1", "response": "A", "rotation": -1, "option_order": []}', "an int >= 0"),
        ('{"id": "q1", "response": "A", "option_order": ["a"]}', "an int >= 0"),
    ],
)
def test_malformed_circular_fields_are_errors_naming_the_line(tmp_path, line, message):
    path = tmp_path / "p.jsonl"
    path.write_text(line + "\n")
    with pytest.raises(PredictionsFileError, match=f"line 1: .*{message}"):
        read_predictions(path)


def test_two_answers_to_one_variant_are_an_error(tmp_path):
    path = tmp_path / "p.jsonl"
    line = PredictionRecord(id="q1", response="A", rotation=1, option_order=("b", "a")).to_json()
    path.write_text(line + "\n" + line + "\n")
    with pytest.raises(PredictionsFileError, match="duplicate id 'q1@1'"):
        read_predictions(path)
