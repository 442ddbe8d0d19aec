"""Bad input gives clear errors: expected vs received, record index and id."""

from __future__ import annotations

import numpy as np
import pytest
from test_scoring_aggregate import PREDICTIONS, REFERENCES

from qbench_portrait_lib.scoring import score_predictions
from qbench_portrait_lib.scoring.references import normalize_references


def with_change(index: int, **changes):
    references = [dict(ref) for ref in REFERENCES]
    references[index].update(changes)
    return references


def test_length_mismatch():
    with pytest.raises(
        ValueError, match="expected one prediction per reference: got 7 predictions for 8 references"
    ):
        score_predictions(PREDICTIONS[:7], REFERENCES)


def test_non_string_prediction_names_index_and_id():
    predictions = list(PREDICTIONS)
    predictions[3] = 2
    with pytest.raises(TypeError, match=r"prediction 3 \(id 'q4'\) must be a string or None, got int 2"):
        score_predictions(predictions, REFERENCES)


def test_a_single_string_is_not_a_list_of_predictions():
    with pytest.raises(TypeError, match="predictions must be a list of strings or None, got str"):
        score_predictions("A", REFERENCES[:1])


def test_missing_column_names_index_id_and_columns():
    references = [dict(ref) for ref in REFERENCES]
    del references[2]["level"], references[2]["region"]
    with pytest.raises(
        ValueError,
        match=r"reference 2 \(id 'q3'\): missing columns \['level', 'region'\]; a row needs ",
    ):
        score_predictions(PREDICTIONS, references)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (
            "question_type",
            "essay",
            r"question_type must be one of \['single_choice', .*\] or an int in 0..3, got 'essay'",
        ),
        ("level", 2, r"level must be one of \['global', 'local'\] or an int in 0..1, got 2"),
        ("image_source", True, r"image_source must be one of .* got True"),
        ("quality_dimension", None, r"missing column 'quality_dimension'"),
    ],
)
def test_label_outside_the_contract(column, value, message):
    with pytest.raises(ValueError, match=rf"reference 5 \(id 'q6'\): {message}"):
        score_predictions(PREDICTIONS, with_change(5, **{column: value}))


def test_numpy_ints_are_accepted_as_labels():
    references = with_change(0, level=np.int64(1), region="face")
    assert score_predictions(PREDICTIONS, references)["level/local/count"] == 4.0


@pytest.mark.parametrize(
    ("index", "changes", "message"),
    [
        (0, {"answer": ["Blurry"]}, r"answer \['Blurry'\] is not among the options \['Sharp', .*\]"),
        (0, {"answer": ["Sharp", "Very blurry"]}, "a single_choice question needs exactly 1 answer, got 2"),
        (2, {"answer": []}, "a multiple_choice question needs at least 1 answer, got none"),
        (2, {"answer": ["Eyes", "Eyes"]}, r"answer lists an option twice: \['Eyes', 'Eyes'\]"),
        (
            1,
            {"options": ["Yes", "No"], "answer": ["Yes"]},
            r"a true_false question must have options \['True', 'False'\], got \['Yes', 'No'\]",
        ),
        (1, {"options": ["true", "false"], "answer": ["true"]}, r"must have options \['True', 'False'\]"),
        (
            6,
            {"answer": []},
            r"an open_ended question needs at least one non-empty reference answer, got \[\]",
        ),
        (6, {"answer": [" "]}, "an open_ended question needs at least one non-empty reference answer"),
        (6, {"options": ["Sharp", "Blurry"]}, r"an open_ended question must have no options, got \['Sharp'"),
        (0, {"options": "Sharp"}, "options must be a list of strings, got str 'Sharp'"),
        (0, {"answer": [3]}, "answer must be a list of strings, got an item 3"),
        (0, {"options": ["A", "A"], "answer": ["A"]}, "options 'A' and 'A' are the same option"),
        (
            0,
            {"options": ["Low", "low."], "answer": ["Low"]},
            r"options 'Low' and 'low.' are the same option to answer extraction \(it ignores case, spacing",
        ),
        (0, {"options": ["Sharp"], "answer": ["Sharp"]}, r"needs 2 to 26 options, got 1: \['Sharp'\]"),
        (
            0,
            {"options": [f"option {i}" for i in range(27)], "answer": ["option 0"]},
            "a single_choice question needs 2 to 26 options, got 27",
        ),
        (0, {"options": ["Sharp", " . "], "answer": ["Sharp"]}, "every option needs visible text, got ' . '"),
        (1, {"region": ""}, r"a local question needs a non-empty 'region', got ''"),
        (0, {"region": "eyes"}, r"a global question must have region '', got 'eyes'"),
        (0, {"image_id": 7}, "image_id must be a string, got int 7"),
    ],
)
def test_inconsistent_reference(index, changes, message):
    references = with_change(index, **changes)
    with pytest.raises((ValueError, TypeError), match=message) as info:
        normalize_references(references)
    assert str(info.value).startswith(f"reference {index} (id {references[index]['id']!r}): ")


def test_every_contract_problem_of_a_reference_is_named_at_once():
    references = with_change(0, options=["Low", "low"], answer=["Medium"], region="eyes")
    with pytest.raises(ValueError, match=r"the same option.*; answer \['Medium'\] is not among.*; a global"):
        normalize_references(references)


def test_twenty_six_options_are_accepted():
    options = [f"option {chr(65 + i)}" for i in range(26)]
    references = with_change(0, options=options, answer=["option Z"])
    assert normalize_references(references)[0].answer == ("option Z",)
    assert score_predictions(["Z", *PREDICTIONS[1:]], references)["overall_all_items"] == 0.5


def test_duplicate_ids_are_an_error():
    with pytest.raises(ValueError, match="reference 1: id 'q1' already used by reference 0"):
        normalize_references(with_change(1, id="q1"))


def test_a_reference_that_is_not_a_mapping():
    with pytest.raises(
        ValueError, match="reference 0: a row must be a mapping of the contract columns, got list"
    ):
        normalize_references([["q1"]])


def test_extra_keys_such_as_the_image_are_ignored():
    references = [{**ref, "image": object()} for ref in REFERENCES]
    assert score_predictions(PREDICTIONS, references)["overall_all_items"] == 0.5


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_bootstrap_samples_must_be_a_non_negative_int(bad):
    with pytest.raises(ValueError, match="bootstrap_samples must be an int >= 0"):
        score_predictions(PREDICTIONS, REFERENCES, bootstrap_samples=bad)


def test_none_empty_and_blank_responses_are_unparsed():
    result = score_predictions(
        [None, "", "   \n"], [REFERENCES[0], REFERENCES[1], REFERENCES[7]], return_details=True
    )
    assert result["parse_failures"] == 3.0 and result["overall"] == 0.0
    assert [d["parsed"] for d in result["details"]] == [None, None, None]


def test_a_dataset_and_its_column_are_accepted():
    import datasets

    from qbench_portrait_lib.data.features import FEATURES

    features = datasets.Features({name: feature for name, feature in FEATURES.items() if name != "image"})
    table = datasets.Dataset.from_list(REFERENCES, features=features)  # labels stored as ClassLabel ints
    table = table.add_column("response", PREDICTIONS)
    assert score_predictions(table["response"], table)["overall_all_items"] == 0.5


def test_seed_must_be_a_non_negative_int():
    with pytest.raises(ValueError, match="seed must be an int >= 0, got -1"):
        score_predictions(PREDICTIONS, REFERENCES, seed=-1)


def test_validated_records_pass_through_and_ids_are_still_checked() -> None:
    records = normalize_references(REFERENCES)
    again = normalize_references(records)
    assert again == records and all(a is b for a, b in zip(again, records, strict=True))
    assert score_predictions(PREDICTIONS, records) == score_predictions(PREDICTIONS, REFERENCES)
    with pytest.raises(ValueError, match=r"reference 1: id 'q1' already used by reference 0"):
        normalize_references([records[0], records[0]])


def test_a_hand_built_reference_is_checked_like_a_mapping() -> None:
    from qbench_portrait_lib.scoring.references import Reference

    forged = Reference(
        "q1", "i1", "How is it?", "single_choice", ("Low", "High"), ("Zzz",), "technical", "natural",
        "local", "blur", "",
    )  # fmt: skip
    with pytest.raises(
        ValueError, match=r"reference 0 \(id 'q1'\): answer \['Zzz'\] is not among the options"
    ):
        score_predictions(["B"], [forged])
