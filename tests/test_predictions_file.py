"""The predictions JSONL: writing, validating, resuming semantics and torn last lines."""

from __future__ import annotations

import json

import pytest

from qbench_portrait_lib.run.predictions import (
    PredictionRecord,
    PredictionsFileError,
    append_prediction,
    drop_torn_last_line,
    read_predictions,
)


def write_lines(path, *lines: str) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def test_round_trip_keeps_every_field(tmp_path):
    path = tmp_path / "p.jsonl"
    records = [
        PredictionRecord(
            id="q1",
            response="B — ça va",
            model="m",
            latency_s=0.5,
            usage={"total_tokens": 9},
            prompt_version="1",
        ),
        PredictionRecord(id="q2", model="m", error="HTTP 500 (gave up after 5 attempts)", prompt_version="1"),
    ]
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            append_prediction(handle, record)
    assert read_predictions(path) == {"q1": records[0], "q2": records[1]}
    assert [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()] == ["q1", "q2"]


def test_minimal_lines_with_only_id_and_response_are_accepted(tmp_path):
    path = tmp_path / "p.jsonl"
    write_lines(path, '{"id": "q1", "response": "A"}', "", '{"id": "q2", "response": null, "extra": 1}')
    records = read_predictions(path)
    assert records["q1"].response == "A" and records["q1"].ok
    assert records["q2"].response is None and records["q2"].ok


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "q1", "response": "A"', r"p\.jsonl: line 2: not valid JSON"),
        ('["q1", "A"]', r"line 2: expected a JSON object, got list"),
        ('{"response": "A"}', r"line 2: expected a non-empty string 'id', got None"),
        ('{"id": "", "response": "A"}', r"line 2: expected a non-empty string 'id', got ''"),
        ('{"id": 7, "response": "A"}', r"line 2: expected a non-empty string 'id', got 7"),
        (
            '{"id": "q2", "response": 3}',
            r"line 2: expected 'response' to be a string or null for id 'q2', got int",
        ),
        ('{"id": "q2", "latency_s": "fast"}', r"line 2: expected 'latency_s' to be a number or null"),
        ('{"id": "q2", "usage": [1, 2]}', r"line 2: expected 'usage' to be an object or null"),
        (
            '{"id": "q2", "response": "A", "error": "boom"}',
            r"line 2: id 'q2' has both a response and an error",
        ),
    ],
)
def test_bad_lines_name_the_file_and_line(tmp_path, line, message):
    path = tmp_path / "p.jsonl"
    write_lines(path, '{"id": "q1", "response": "A"}', line)
    with pytest.raises(PredictionsFileError, match=message):
        read_predictions(path)


def test_a_later_success_supersedes_earlier_failures(tmp_path):
    path = tmp_path / "p.jsonl"
    write_lines(
        path,
        '{"id": "q1", "error": "timed out"}',
        '{"id": "q2", "response": "A"}',
        '{"id": "q1", "error": "HTTP 500"}',
        '{"id": "q1", "response": "B"}',
    )
    records = read_predictions(path)
    assert records["q1"] == PredictionRecord(id="q1", response="B")
    assert list(records) == ["q1", "q2"]


def test_the_latest_failure_is_kept_when_all_lines_failed(tmp_path):
    path = tmp_path / "p.jsonl"
    write_lines(path, '{"id": "q1", "error": "timed out"}', '{"id": "q1", "error": "HTTP 500"}')
    assert read_predictions(path)["q1"].error == "HTTP 500"


def test_two_answers_for_one_id_are_a_duplicate_error(tmp_path):
    path = tmp_path / "p.jsonl"
    write_lines(
        path,
        '{"id": "q1", "response": "A"}',
        '{"id": "q9", "response": "A"}',
        '{"id": "q1", "response": "B"}',
    )
    with pytest.raises(
        PredictionsFileError, match=r"line 3: duplicate id 'q1': answered at line 1, then a second"
    ):
        read_predictions(path)


def test_a_failure_after_an_answer_is_an_error_too(tmp_path):
    path = tmp_path / "p.jsonl"
    write_lines(path, '{"id": "q1", "response": "A"}', '{"id": "q1", "error": "HTTP 500"}')
    with pytest.raises(
        PredictionsFileError, match=r"duplicate id 'q1': answered at line 1, then a failure at line 2"
    ):
        read_predictions(path)


def test_drop_torn_last_line_removes_only_a_cut_line(tmp_path, caplog):
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": "q1", "response": "A"}\n{"id": "q2", "resp', encoding="utf-8")
    assert drop_torn_last_line(path) is True
    assert path.read_text(encoding="utf-8") == '{"id": "q1", "response": "A"}\n'
    assert "removed a torn last line" in caplog.text
    assert drop_torn_last_line(path) is False
    assert path.read_text(encoding="utf-8") == '{"id": "q1", "response": "A"}\n'


def test_drop_torn_last_line_completes_a_whole_line_without_newline(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": "q1", "response": "A"}', encoding="utf-8")
    assert drop_torn_last_line(path) is False
    assert path.read_text(encoding="utf-8") == '{"id": "q1", "response": "A"}\n'
    assert drop_torn_last_line(tmp_path / "missing.jsonl") is False
