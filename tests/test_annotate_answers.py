"""The annotator's answer file: one line per question, rewritten atomically, resumable."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from qbench_portrait_lib.annotate.answer_file import AnswerError, AnswerFile
from qbench_portrait_lib.annotate.progress import progress
from qbench_portrait_lib.annotate.queue import QuestionQueue
from qbench_portrait_lib.run.predictions import read_predictions
from qbench_portrait_lib.scoring import extract_answer

ROWS = [
    {"id": "q1", "question": "How sharp?", "question_type": "single_choice",
     "options": ["Sharp", "Soft", "Blurry"], "quality_dimension": "technical"},
    {"id": "q2", "question": "Which are noisy?", "question_type": "multiple_choice",
     "options": ["Eyes", "Hair", "Background", "None of these"], "quality_dimension": "technical"},
    {"id": "q3", "question": "The hands are malformed.", "question_type": "true_false",
     "options": ["True", "False"], "quality_dimension": "aigc"},
    {"id": "q4", "question": "Describe the composition.", "question_type": "open_ended",
     "options": [], "quality_dimension": "aesthetic"},
]  # fmt: skip


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_each_format_is_written_the_way_the_model_is_asked_and_read_back_by_the_extractor(
    tmp_path: Path,
) -> None:
    answers = AnswerFile(tmp_path / "a.jsonl", "ann", QuestionQueue.from_rows(ROWS))
    answers.answer(0, {"choice": ["C"], "latency_s": 2.0})
    answers.answer(1, {"choice": ["C", "A"], "latency_s": 3.0})
    answers.answer(2, {"choice": ["False"], "latency_s": 1.0})
    answers.answer(3, {"text": "The head is cut off.\nToo tight.", "latency_s": 9.5})
    written = lines(tmp_path / "a.jsonl")
    responses = [line["response"] for line in written]
    assert responses == ["C", "A, C", "False", "The head is cut off.\nToo tight."]
    assert {line["model"] for line in written} == {"human:ann"}
    assert [line["latency_s"] for line in written] == [2.0, 3.0, 1.0, 9.5]
    parsed = [extract_answer(line["response"], row["options"], row["question_type"]) for line, row in
              zip(written[:3], ROWS, strict=False)]  # fmt: skip
    assert parsed == [("Blurry",), ("Eyes", "Background"), ("False",)]


def test_changing_an_answer_rewrites_its_line_and_keeps_the_others(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    answers = AnswerFile(path, "ann", QuestionQueue.from_rows(ROWS))
    answers.answer(0, {"choice": ["A"], "latency_s": 2.0})
    answers.answer(1, {"choice": ["B"], "latency_s": 3.0})
    answers.answer(2, {"choice": ["True"], "latency_s": 1.0})
    before = lines(path)
    answers.answer(1, {"choice": ["B", "D"], "latency_s": 0.5})
    after = lines(path)
    assert [line["id"] for line in after] == ["q1", "q2", "q3"]
    assert after[1]["response"] == "B, D" and after[1]["latency_s"] == 3.5  # both visits
    assert after[0] == before[0] and after[2] == before[2]
    assert len(read_predictions(path)) == 3  # no duplicate id for the scorer to refuse
    assert sorted(os.listdir(tmp_path)) == ["a.jsonl"]  # no temporary file left behind


def test_a_crash_while_writing_leaves_the_previous_file_whole(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "a.jsonl"
    answers = AnswerFile(path, "ann", QuestionQueue.from_rows(ROWS))
    answers.answer(0, {"choice": ["A"], "latency_s": 2.0})
    before = path.read_bytes()

    def crash(*args: object) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk gone"):
        answers.answer(1, {"choice": ["B"], "latency_s": 3.0})
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["a.jsonl"]


def test_a_restart_resumes_at_the_first_unanswered_question(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    queue = QuestionQueue.from_rows(ROWS)
    first = AnswerFile(path, "ann", queue)
    first.answer(0, {"choice": ["A"], "latency_s": 2.0})
    first.answer(2, {"choice": ["True"], "latency_s": 1.0})
    again = AnswerFile(path, "ann", queue)
    state = progress(queue, again.records)
    assert state["resume_at"] == 1 and state["answered"] == 2
    assert state["dimensions"] == {
        "technical": {"answered": 1, "total": 2},
        "aigc": {"answered": 1, "total": 1},
        "aesthetic": {"answered": 0, "total": 1},
    }
    assert progress(queue, again.records, after=1)["next"] == 3


def test_a_file_of_another_annotator_or_dataset_is_refused(tmp_path: Path) -> None:
    queue = QuestionQueue.from_rows(ROWS)
    path = tmp_path / "a.jsonl"
    AnswerFile(path, "ann", queue).answer(0, {"choice": ["A"], "latency_s": 2.0})
    with pytest.raises(ValueError, match="answered by 'human:ann', not 'human:bob'"):
        AnswerFile(path, "bob", queue)
    other = tmp_path / "b.jsonl"
    other.write_text('{"id": "elsewhere-1", "response": "A", "model": "human:ann"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="'elsewhere-1' is not a question of this dataset"):
        AnswerFile(other, "ann", queue)


@pytest.mark.parametrize(
    ("index", "payload", "message"),
    [
        (0, {"choice": [], "latency_s": 1}, r"expected choices among \['A', 'B', 'C'\], got \[\]"),
        (0, {"choice": "A", "latency_s": 1}, "expected 'choice' to be a list of strings"),
        (1, {"choice": ["A", "A"], "latency_s": 1}, "expected choices among"),
        (2, {"choice": ["A"], "latency_s": 1}, r"expected choices among \['True', 'False'\]"),
        (3, {"text": "   ", "latency_s": 1}, "expected a non-empty 'text'"),
        (3, {"text": "x" * 4001, "latency_s": 1}, "4001 characters, over 4000"),
        (0, {"choice": ["A"], "latency_s": float("nan")}, "finite number"),
        (0, {"choice": ["A"]}, "got None"),
    ],
)
def test_answers_that_do_not_fit_the_question_are_refused(
    tmp_path: Path, index: int, payload: dict, message: str
) -> None:
    answers = AnswerFile(tmp_path / "a.jsonl", "ann", QuestionQueue.from_rows(ROWS))
    with pytest.raises(AnswerError, match=message):
        answers.answer(index, payload)
    assert not (tmp_path / "a.jsonl").exists()


def test_shuffled_order_is_reproducible_and_a_permutation() -> None:
    first = [q.id for q in QuestionQueue.from_rows(ROWS, order="shuffled", seed=7)]
    assert first == [q.id for q in QuestionQueue.from_rows(ROWS, order="shuffled", seed=7)]
    assert sorted(first) == ["q1", "q2", "q3", "q4"]
    with pytest.raises(ValueError, match="order must be one of"):
        QuestionQueue.from_rows(ROWS, order="random")
