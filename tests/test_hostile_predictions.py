"""Hostile predictions files: each fails loudly, naming the file and the line, or is read right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_cli_results import IDS, small_dataset  # noqa: F401  (the autouse fixture: dataset "small")

from qbench_portrait_lib.cli import cli
from qbench_portrait_lib.run import predictions as predictions_module
from qbench_portrait_lib.run.predictions import PredictionsFileError, drop_torn_last_line, read_predictions


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def score(path: Path):
    return CliRunner().invoke(cli, ["score", str(path), "--dataset", "small"], catch_exceptions=False)


def test_a_line_with_a_typo_for_response_is_an_error_naming_its_keys(tmp_path):
    lines = [json.dumps({"id": IDS[0], "response": "A"}), json.dumps({"id": IDS[1], "respone": "B"})]
    path = write(tmp_path / "p.jsonl", ("\n".join(lines) + "\n").encode())
    expected = r"p\.jsonl: line 2: id '.*' has no 'response' key"
    with pytest.raises(PredictionsFileError, match=expected) as info:
        read_predictions(path)
    assert "['id', 'respone']" in str(info.value)
    assert "No line of this file" not in str(info.value)  # line 1 has one
    result = score(path)
    assert result.exit_code == 1
    assert "p.jsonl: line 2" in result.output and "'respone'" in result.output


def test_a_file_written_with_another_key_says_so_at_once(tmp_path):
    lines = [json.dumps({"id": qid, "prediction": "A"}) for qid in IDS]
    path = write(tmp_path / "p.jsonl", ("\n".join(lines) + "\n").encode())
    result = score(path)
    assert result.exit_code == 1
    assert "p.jsonl: line 1" in result.output
    assert "No line of this file has a 'response' key" in result.output
    assert "'prediction'" in result.output


def test_a_failed_line_needs_no_response(tmp_path):
    path = write(tmp_path / "p.jsonl", b'{"id": "q1", "error": "HTTP 500"}\n')
    assert not read_predictions(path)["q1"].ok


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b'{"id": "q1", "response": ' + b"[" * 100_000 + b"}", r"line 2: not valid JSON: nested too deeply"),
        (
            b'{"id": "q1", "response": "A", "latency_s": ' + b"7" * 5000 + b"}",
            r"line 2: not valid JSON: an integer literal with 5000 digits",
        ),
        (b'{"id": "q1", "response": "caf\xe9"}', r"line 2: not UTF-8 text \(byte 0xe9 at column 30\)"),
        (b'{"id": "q1", "response": "\\ud800"}', r"line 2: 'response' holds a lone surrogate"),
    ],
    ids=["deep", "huge-int", "latin-1", "surrogate"],
)
def test_hostile_lines_are_errors_with_file_and_line(tmp_path, line, expected):
    path = write(tmp_path / "p.jsonl", b'{"id": "q0", "response": "A"}\n' + line + b"\n")
    with pytest.raises(PredictionsFileError, match=r"p\.jsonl: " + expected):
        read_predictions(path)
    result = score(path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "p.jsonl: line 2" in result.output


def test_unicode_line_separators_inside_strings_are_text(tmp_path):
    text = "first\u2028second\u0085third\u2029\rfourth"
    line = json.dumps({"id": "q1", "response": text}, ensure_ascii=False).encode()
    path = write(tmp_path / "p.jsonl", line + b"\n" + b'{"id": "q2", "response": "B"}\n')
    records = read_predictions(path)
    assert records["q1"].response == text and records["q2"].response == "B"


def test_a_torn_last_line_over_a_megabyte_is_dropped(tmp_path):
    good = b'{"id": "q1", "response": "A"}\n'
    path = write(tmp_path / "p.jsonl", good + b'{"id": "q2", "response": "' + b"x" * 3_000_000)
    assert drop_torn_last_line(path) is True
    assert path.read_bytes() == good
    assert list(read_predictions(path)) == ["q1"]


def test_a_torn_line_longer_than_any_valid_line_is_dropped_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(predictions_module, "MAX_LINE_BYTES", 1000)
    good = b'{"id": "q1", "response": "A"}\n'
    path = write(tmp_path / "p.jsonl", good + b'{"id": "q2", "response": "' + b"y" * 5000 + b'"}')
    assert drop_torn_last_line(path) is True  # would parse, but no valid line is that long
    assert path.read_bytes() == good


def test_a_line_longer_than_any_valid_line_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(predictions_module, "MAX_LINE_BYTES", 1000)
    path = write(tmp_path / "p.jsonl", b'{"id": "q1", "response": "' + b"y" * 5000 + b'"}\n')
    with pytest.raises(PredictionsFileError, match=r"p\.jsonl: line 1: a line longer than 1000 bytes"):
        read_predictions(path)
