"""The batch row checker gives what the per-row checker gives: the same rows, the same errors."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
from test_scoring_aggregate import REFERENCES

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.contract.row_batch import check_plain_rows, checked_batch
from qbench_portrait_lib.contract.rows import Row, check_row, checked_row, describe


class Text(str):
    """A str subclass: valid, but only the per-row checker looks at it."""


def per_row(records, noun="reference"):
    return [checked_row(record, describe(index, record, noun)) for index, record in enumerate(records)]


def with_change(index, **changes):
    references = [dict(ref) for ref in REFERENCES]
    references[index].update(changes)
    return references


def test_plain_rows_take_the_column_path_and_equal_the_per_row_rows():
    references = with_change(2, question_type=1, image_source=0, level=1, options=("Eyes", "Hair", "Mouth"))
    rows = check_plain_rows(references)
    assert rows is not None
    assert rows == per_row(references)
    assert [type(row) for row in rows] == [type(row) for row in per_row(references)]
    assert all(type(value) is tuple for row in rows for value in (row.options, row.answer))


def test_choice_answers_come_back_in_option_order():
    references = with_change(2, answer=["Mouth", "Eyes"])
    assert checked_batch(references)[2].answer == per_row(references)[2].answer == ("Eyes", "Mouth")


@pytest.mark.parametrize(
    "changes",
    [
        {"level": np.int64(1), "region": "face"},  # a numpy int label
        {"question": Text("Which parts are blurred?")},  # a str subclass
        {"options": [Text("Eyes"), "Hair", "Mouth"]},
        {"image_source": np.int32(0)},
    ],
)
def test_unusual_valid_values_go_row_by_row_with_the_same_result(changes):
    references = with_change(2, **changes)
    assert check_plain_rows(references) is None
    assert checked_batch(references) == per_row(references)


def test_rows_that_are_not_plain_dicts_go_row_by_row():
    ordered = [OrderedDict(ref) for ref in REFERENCES]
    built = [Row(**check_row(ref)[0]._asdict()) for ref in REFERENCES]
    for references in (ordered, built, [*REFERENCES[:3], per_row(REFERENCES[3:4])[0]]):
        assert check_plain_rows(references) is None
        assert checked_batch(references) == per_row(references)


@pytest.mark.parametrize(
    ("index", "changes"),
    [
        (1, {"id": None}),
        (1, {"id": 4}),
        (3, {"question": "  "}),
        (3, {"region": 1}),
        (5, {"question_type": "essay"}),
        (5, {"level": 2}),
        (5, {"level": -1}),
        (5, {"image_source": True}),
        (5, {"quality_dimension": 1.0}),
        (0, {"answer": ["Blurry"]}),
        (0, {"answer": ("Sharp", "Very blurry")}),
        (2, {"answer": ["Eyes", "Eyes"]}),
        (1, {"options": ["Yes", "No"], "answer": ["Yes"]}),
        (6, {"answer": [" "]}),
        (6, {"options": ["Sharp", "Blurry"]}),
        (0, {"options": "Sharp"}),
        (0, {"answer": [3]}),
        (0, {"options": ["Low", "low."], "answer": ["Low"], "region": "eyes"}),
        (1, {"region": ""}),
        (0, {"region": "eyes"}),
    ],
)
def test_a_bad_row_gets_the_per_row_error(index, changes):
    references = with_change(index, **changes)
    with pytest.raises(QBenchError) as expected:
        per_row(references)
    with pytest.raises(QBenchError) as actual:
        checked_batch(references, noun="reference")
    assert str(actual.value) == str(expected.value)
    assert str(actual.value).startswith((f"reference {index} ", f"reference {index}:"))


def test_a_missing_column_and_a_later_bad_row_name_the_first():
    references = with_change(4, level=7)
    del references[1]["attribute"]
    with pytest.raises(QBenchError, match=r"^row 1 \(id 'q2'\): missing column 'attribute'$"):
        checked_batch(references)


def test_a_record_that_is_not_a_mapping():
    with pytest.raises(
        QBenchError, match=r"^row 1: a row must be a mapping of the contract columns, got list$"
    ):
        checked_batch([REFERENCES[0], ["q2"]])
