"""The reader hook of the scorer and the held-out measurement script (on a tiny fixture)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qbench_portrait_lib.scoring import score_predictions
from qbench_portrait_lib.scoring.reading import UnreadItem, validate_reader_answers

ROOT = Path(__file__).resolve().parent.parent
SHARED = {"image_id": "img0", "quality_dimension": "technical", "image_source": "natural", "level": "global"}
SHARED |= {"attribute": "blur", "region": ""}
SC = {**SHARED, "question": "What is the main distortion?", "question_type": "single_choice"}
SC |= {"options": ["Blur", "Noise", "Color cast"], "answer": ["Noise"]}
TF = {**SHARED, "question": "The skin looks natural.", "question_type": "true_false"}
TF |= {"options": ["True", "False"], "answer": ["False"]}


class RecordingReader:
    model = "fake-reader"
    prompt_version = "test"

    def __init__(self, answer):
        self.answer = answer
        self.asked: list[UnreadItem] = []

    def __call__(self, items):
        self.asked.extend(items)
        return [self.answer(item) for item in items]


def references(*templates):
    return [{**template, "id": f"q{i}"} for i, template in enumerate(templates)]


def test_the_reader_sees_only_what_the_rules_leave_unparsed():
    reader = RecordingReader(lambda item: ("Noise",))
    predictions = ["C", "hmm, tough one", "", None, "A. Noise", "The skin looks waxy."]
    refs = references(SC, SC, SC, SC, SC, TF)
    result = score_predictions(predictions, refs, reader=reader, return_details=True, bootstrap_samples=0)
    assert [item.response for item in reader.asked] == ["hmm, tough one"]
    assert reader.asked[0].options == ("Blur", "Noise", "Color cast") and reader.asked[0].id == "q1"
    details = result["details"]
    assert [d["parsed"] for d in details] == [("Color cast",), ("Noise",), None, None, None, ("False",)]
    assert [d["source"] for d in details] == ["rules", "reader", None, None, None, "rules"]
    assert details[4]["conflict"] is True and details[4]["parse_failed"] is True
    assert (result["extraction/read_by_rules"], result["extraction/read_by_reader"]) == (2.0, 1.0)
    assert result["extraction/unparsed"] == result["parse_failures"] == 3.0


def test_without_a_reader_nothing_is_read_by_it():
    result = score_predictions(["hmm"], references(SC), return_details=True, bootstrap_samples=0)
    assert result["details"][0]["source"] is None and result["extraction/read_by_reader"] == 0.0


def test_a_reader_answer_of_several_options_on_single_choice_commits_to_nothing():
    reader = RecordingReader(lambda item: ["Blur", "Noise"])
    result = score_predictions(
        ["hmm"], references(SC), reader=reader, return_details=True, bootstrap_samples=0
    )
    assert result["details"][0]["parsed"] is None and result["parse_failures"] == 1.0


def test_a_reader_answer_outside_the_options_is_an_error():
    reader = RecordingReader(lambda item: ["Sharpness"])
    with pytest.raises(
        ValueError, match=r"reader answer for item 0 \(id 'q0'\) must be None or option texts"
    ):
        score_predictions(["hmm"], references(SC), reader=reader, bootstrap_samples=0)


def test_a_reader_must_answer_every_item():
    item = UnreadItem("q0", "?", "single_choice", ("A1", "B1"), "x")
    with pytest.raises(ValueError, match="one answer per item: expected 1, got 0"):
        validate_reader_answers([], [item])


def test_the_true_false_claim_is_read_from_the_question():
    refs = references(TF, {**TF, "question": "The skin looks plastic."})
    result = score_predictions(["The skin looks waxy."] * 2, refs, return_details=True, bootstrap_samples=0)
    assert [d["parsed"] for d in result["details"]] == [("False",), ("True",)]


def test_the_heldout_script_prints_both_agreements(tmp_path):
    shared = {"question": "Q?", "question_type": "single_choice", "options": ["X1", "Y1"], "answer": ["X1"]}
    cases = [
        {**shared, "id": "t1", "kind": "terse", "response": "A", "human": ["X1"]},
        {**shared, "id": "t2", "kind": "hedge", "response": "A or B", "human": ["Y1"]},
    ]
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(case) + "\n" for case in cases), encoding="utf-8")
    script = ROOT / "tools" / "heldout_extraction.py"
    output = subprocess.run(
        [sys.executable, str(script), str(path), "--by-kind"], capture_output=True, text=True, check=True
    ).stdout
    # t2: the rules leave it unparsed, the human reads Y1 (incorrect): three-way differs, two-way agrees
    assert "three-way agreement (correct/incorrect/unparsed): 0.500" in output
    assert "two-way agreement (correct/not):                  1.000" in output
    assert "hedge" in output and "terse" in output


def test_the_heldout_script_names_a_bad_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x"}\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "heldout_extraction.py"), str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and f"{path}:1: expected the fields" in result.stderr
