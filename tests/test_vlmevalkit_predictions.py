"""Reading VLMEvalKit prediction files: the JSONL's rules, and errors naming the file and row."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pandas as pd
import pytest
from vlmevalkit_files import dump_like_vlmevalkit

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.harness.vlmevalkit_format import read_export_index
from qbench_portrait_lib.harness.vlmevalkit_predictions import (
    OpenpyxlMissingError,
    model_name,
    read_vlmevalkit_predictions,
)

QUESTIONS = {10: "q-a", 11: "q-b", 12: "q-c"}


@pytest.fixture
def export(tmp_path: Path):
    path = tmp_path / "QBenchPortrait.tsv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["index", "image", "question", "A", "B", "answer", "question_id"])
        for index, question_id in QUESTIONS.items():
            writer.writerow([index, "aGk=", "Q?", "Yes", "No", "A", question_id])
    return read_export_index(tmp_path)


def frame(rows: list[tuple[object, str]], **columns: list[object]) -> pd.DataFrame:
    data = pd.DataFrame({"index": [r[0] for r in rows], "prediction": [r[1] for r in rows]})
    for name, values in columns.items():
        data[name] = values
    return data


@pytest.mark.parametrize("suffix", ["xlsx", "tsv", "json"])
def test_rows_become_records_keyed_by_question_id(export, tmp_path, suffix) -> None:
    data = frame([(10, "None"), (11, "Failed to obtain answer via API."), (12, "")])
    path = dump_like_vlmevalkit(data, tmp_path / f"Gemma_QBenchPortrait.{suffix}")
    read = read_vlmevalkit_predictions([path], export)
    assert read.model == "Gemma"
    assert read.records["q-a"].response == "None" and read.records["q-a"].ok
    assert read.records["q-b"].error == "VLMEvalKit: Failed to obtain answer via API."
    assert read.records["q-c"].response == ""


def test_a_failed_row_is_superseded_by_a_later_answer(export, tmp_path) -> None:
    data = frame([(11, "Failed to obtain answer via API."), (11, "B")])
    read = read_vlmevalkit_predictions(dump_like_vlmevalkit(data, tmp_path / "m.tsv"), export)
    assert read.records["q-b"].response == "B"


@pytest.mark.parametrize("suffix", ["xlsx", "tsv", "json"])
def test_two_answers_for_one_index_name_both_rows(export, tmp_path, suffix) -> None:
    path = dump_like_vlmevalkit(frame([(10, "A"), (11, "B"), (10, "B")]), tmp_path / f"m.{suffix}")
    where = "entry" if suffix == "json" else "row"
    first, second = (1, 3) if suffix == "json" else (2, 4)
    with pytest.raises(
        QBenchError,
        match=rf"duplicate question 'q-a': answered at .*m\.{suffix} {where} {first} "
        rf"\(index 10\), then a second answer at .*m\.{suffix} {where} {second}",
    ):
        read_vlmevalkit_predictions([path], export)


def test_the_same_index_in_two_files_is_a_duplicate(export, tmp_path) -> None:
    one = dump_like_vlmevalkit(frame([(10, "A")]), tmp_path / "one.json")
    two = dump_like_vlmevalkit(frame([(10, "B")]), tmp_path / "two.json")
    with pytest.raises(
        QBenchError, match=r"one\.json entry 1 .* then a second answer at .*two\.json entry 1"
    ):
        read_vlmevalkit_predictions([one, two], export)


def test_indexes_the_export_does_not_hold_are_an_error(export, tmp_path) -> None:
    path = dump_like_vlmevalkit(frame([(10, "A"), (99, "B"), (7, "A")]), tmp_path / "m.xlsx")
    with pytest.raises(
        QBenchError,
        match=r"m\.xlsx: 2 predictions have indexes that are not rows of the export "
        r".*QBenchPortrait\.tsv \(3 questions\): 99, 7; were these predictions made on another",
    ):
        read_vlmevalkit_predictions([path], export)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (frame([(10, "A"), ("ten", "B")]), "m.tsv", r"m\.tsv: row 3: expected an integer 'index', got 'ten'"),
        (
            frame([(10, "A"), (10.5, "B")]),
            "m.json",
            r"m\.json: entry 2: expected an integer 'index', got 10\.5",
        ),
        (
            frame([(10, "A")], question_id=["q-b"]),
            "m.xlsx",
            r"m\.xlsx: row 2: index 10 is question 'q-a' in the export .* but the file says 'q-b'",
        ),
        (frame([(10, 3)]), "m.json", r"m\.json: entry 1: expected the prediction as text, got 3"),
        (
            pd.DataFrame({"index": [10], "answer": ["A"]}),
            "m.tsv",
            r"m\.tsv: expected VLMEvalKit columns 'index' and 'prediction', got columns \['index', 'answ",
        ),
    ],
)
def test_bad_rows_are_errors_naming_file_and_row(export, tmp_path, data, name, message) -> None:
    path = dump_like_vlmevalkit(data, tmp_path / name)
    with pytest.raises(QBenchError, match=message):
        read_vlmevalkit_predictions([path], export)


def test_other_files_are_refused_by_suffix_and_json_shape(export, tmp_path) -> None:
    (tmp_path / "m.csv").write_text("index,prediction\n10,A\n")
    with pytest.raises(QBenchError, match=r"m\.csv: expected a VLMEvalKit prediction file ending in \.xlsx"):
        read_vlmevalkit_predictions([tmp_path / "m.csv"], export)
    (tmp_path / "m.json").write_text('{"10": "A"}')
    with pytest.raises(QBenchError, match=r"m\.json: expected a JSON list of records .*, got dict"):
        read_vlmevalkit_predictions([tmp_path / "m.json"], export)
    with pytest.raises(FileNotFoundError, match=r"predictions file not found: .*gone\.tsv"):
        read_vlmevalkit_predictions([tmp_path / "gone.tsv"], export)


def test_xlsx_without_openpyxl_names_the_extra(export, tmp_path, monkeypatch) -> None:
    path = dump_like_vlmevalkit(frame([(10, "A")]), tmp_path / "m.xlsx")
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(
        OpenpyxlMissingError, match=r"m\.xlsx needs openpyxl: pip install 'qbench-portrait\[vlmevalkit\]'"
    ):
        read_vlmevalkit_predictions([path], export)


def test_the_export_index_refuses_duplicates_and_missing_columns(tmp_path) -> None:
    (tmp_path / "QBenchPortrait.tsv").write_text("index\tquestion_id\n1\tq1\n2\tq1\n")
    with pytest.raises(
        QBenchError, match=r"QBenchPortrait\.tsv: row 3: index 2 / question 'q1' appears twice"
    ):
        read_export_index(tmp_path)
    (tmp_path / "QBenchPortrait.tsv").write_text("index\tquestion\n1\tQ?\n")
    with pytest.raises(QBenchError, match=r"expected columns 'index' and 'question_id', got columns"):
        read_export_index(tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(
        QBenchError, match=r"empty: expected a VLMEvalKit export with QBenchPortrait\.tsv or "
    ):
        read_export_index(tmp_path / "empty")


def test_model_names_come_from_vlmevalkit_file_names() -> None:
    assert model_name("o/GPT4o_QBenchPortrait_OpenEnded.json") == "GPT4o"
    assert model_name("o/llava_v1.5_7b_QBenchPortrait.xlsx") == "llava_v1.5_7b"
