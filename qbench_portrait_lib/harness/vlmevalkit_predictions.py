"""Read VLMEvalKit prediction files (``{model}_{dataset}.xlsx`` / ``.tsv`` / ``.json``) as records.

VLMEvalKit's inference writes the dataset's TSV columns (without ``image``) plus a
``prediction`` column, one row per ``index``, in the format its ``PRED_FORMAT`` setting
names (xlsx by default). This module reads the ``index`` and ``prediction`` of every row,
maps the index to its question id through the exported TSVs
(:func:`~.vlmevalkit_format.read_export_index`) and returns the same
``{id: PredictionRecord}`` the runner's JSONL gives, under the same rules: a prediction
VLMEvalKit marks as failed ("Failed to obtain answer…") is a failed request; a later row
for an index replaces an earlier failed one; two answers for one index, an index the
export does not hold, or a ``question_id`` cell that disagrees with the export are errors
naming the file and the row (spreadsheet numbering: the header is row 1).

Cells are read as written — never through ``pandas``, whose readers turn answers such as
"None" or "NA" into missing values. An empty cell is an empty response.

>>> model_name("outputs/Qwen2-VL/T1/Qwen2-VL_QBenchPortrait_OpenEnded.xlsx")
'Qwen2-VL'
"""

from __future__ import annotations

import csv
import json
import logging
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qbench_portrait_lib.contract.errors import MissingExtraError, QBenchError
from qbench_portrait_lib.harness.vlmevalkit_format import DATASETS, ExportIndex, allow_large_fields
from qbench_portrait_lib.run.predictions import PredictionRecord

logger = logging.getLogger(__name__)

#: VLMEvalKit writes a prediction containing this text when inference failed (its INFER_FAIL_MSG).
FAILURE_MARKER = "Failed to obtain answer"
#: The file suffixes VLMEvalKit's PRED_FORMAT allows.
FORMATS: tuple[str, ...] = ("xlsx", "tsv", "json")
#: How many unknown indexes an error message quotes.
_QUOTED = 5


#: An .xlsx prediction file was given, but the ``vlmevalkit`` extra (openpyxl) is not installed.
OpenpyxlMissingError = MissingExtraError


@dataclass(frozen=True)
class VLMEvalKitRow:
    """One row of a prediction file: where it is, its index, its prediction, its question id cell."""

    where: str  # "row 5" or "entry 3"
    index: Any
    prediction: Any
    question_id: Any = None


@dataclass(frozen=True)
class VLMEvalKitPredictions:
    """The records of one or more prediction files of one model."""

    records: dict[str, PredictionRecord]
    model: str
    files: tuple[str, ...]


def model_name(path: str | os.PathLike[str]) -> str:
    """The model of ``{model}_{dataset}.{ext}`` (the stem when no exported dataset name ends it).

    >>> model_name("GPT4o_QBenchPortrait.tsv"), model_name("answers.json")
    ('GPT4o', 'answers')
    """
    stem = Path(path).stem
    for name in sorted(DATASETS, key=len, reverse=True):
        if stem.endswith(f"_{name}") and len(stem) > len(name) + 1:
            return stem[: -len(name) - 1]
    return stem


def _rows_from_header(
    header: Sequence[Any], rows: Iterator[Sequence[Any]], path: str
) -> Iterator[VLMEvalKitRow]:
    names = [str(name) if name is not None else "" for name in header]
    missing = [name for name in ("index", "prediction") if name not in names]
    if missing:
        raise QBenchError(
            f"expected VLMEvalKit columns 'index' and 'prediction', got columns {names!r}", file=path
        )
    index_at, prediction_at = names.index("index"), names.index("prediction")
    id_at = names.index("question_id") if "question_id" in names else None
    for row_number, row in enumerate(rows, start=2):
        cells = list(row) + [None] * (len(names) - len(row))
        if all(cell in (None, "") for cell in cells):
            continue  # a blank spreadsheet row
        yield VLMEvalKitRow(
            where=f"row {row_number}",
            index=cells[index_at],
            prediction=cells[prediction_at],
            question_id=None if id_at is None else cells[id_at],
        )


def _xlsx_rows(path: str) -> Iterator[VLMEvalKitRow]:
    try:
        import openpyxl
    except ImportError as error:
        raise OpenpyxlMissingError(
            f"reading {path} needs openpyxl: pip install 'qbench-portrait[vlmevalkit]' "
            "(or have VLMEvalKit write .tsv or .json with PRED_FORMAT=tsv)"
        ) from error
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        yield from _rows_from_header(next(rows, ()), rows, path)
    finally:
        workbook.close()


def _tsv_rows(path: str) -> Iterator[VLMEvalKitRow]:
    allow_large_fields()
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t")
        yield from _rows_from_header(next(rows, []), rows, path)


def _json_rows(path: str) -> Iterator[VLMEvalKitRow]:
    with open(path, encoding="utf-8") as handle:
        try:
            data = json.load(handle)
        except json.JSONDecodeError as error:
            raise QBenchError(f"not valid JSON ({error.msg} at line {error.lineno})", file=path) from None
    if not isinstance(data, list):
        raise QBenchError(
            f"expected a JSON list of records (VLMEvalKit's dump), got {type(data).__name__}", file=path
        )
    for number, entry in enumerate(data, start=1):
        if not isinstance(entry, dict) or "index" not in entry or "prediction" not in entry:
            shown = sorted(entry) if isinstance(entry, dict) else type(entry).__name__
            raise QBenchError(
                f"entry {number}: expected an object with 'index' and 'prediction', got {shown}", file=path
            )
        yield VLMEvalKitRow(f"entry {number}", entry["index"], entry["prediction"], entry.get("question_id"))


def read_rows(path: str | os.PathLike[str]) -> Iterator[VLMEvalKitRow]:
    """The rows of a VLMEvalKit prediction file, by its suffix (``.xlsx``, ``.tsv`` or ``.json``)."""
    source = os.fspath(path)
    if not Path(source).is_file():
        raise FileNotFoundError(f"predictions file not found: {source}")
    suffix = Path(source).suffix.lower().lstrip(".")
    readers = {"xlsx": _xlsx_rows, "tsv": _tsv_rows, "json": _json_rows}
    if suffix not in readers:
        raise QBenchError(
            f"expected a VLMEvalKit prediction file ending in .xlsx, .tsv or .json, got .{suffix}",
            file=source,
        )
    return readers[suffix](source)


def _index_value(value: Any) -> int | None:
    """The integer an index cell holds (int, integral float, or digits), else None.

    >>> _index_value(7), _index_value(7.0), _index_value(" 7"), _index_value("7a"), _index_value(True)
    (7, 7, 7, None, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _same_id(cell: Any, question_id: str) -> bool:
    """Whether a ``question_id`` cell names ``question_id`` (pandas reads "007" as the number 7).

    >>> _same_id("q7", "q7"), _same_id(7, "007"), _same_id(7.0, "7"), _same_id(8, "007")
    (True, True, True, False)
    """
    if str(cell) == question_id:
        return True
    number = _index_value(cell)
    return number is not None and question_id.isdigit() and number == int(question_id)


def to_record(row: VLMEvalKitRow, export: ExportIndex, path: str) -> PredictionRecord | int:
    """The record of ``row``; the row's index instead when the export does not hold it."""
    index = _index_value(row.index)
    if index is None:
        raise QBenchError(f"{row.where}: expected an integer 'index', got {row.index!r}", file=path)
    question_id = export.ids.get(index)
    if question_id is None:
        return index
    if row.question_id not in (None, "") and not _same_id(row.question_id, question_id):
        raise QBenchError(
            f"{row.where}: index {index} is question {question_id!r} in the export {export.source}, "
            f"but the file says {row.question_id!r}; was it made from another export?",
            file=path,
        )
    prediction = row.prediction
    if prediction is None:
        prediction = ""
    if not isinstance(prediction, str):
        raise QBenchError(f"{row.where}: expected the prediction as text, got {prediction!r}", file=path)
    if FAILURE_MARKER in prediction:
        return PredictionRecord(id=question_id, error=f"VLMEvalKit: {prediction}", model=model_name(path))
    return PredictionRecord(id=question_id, response=prediction, model=model_name(path))


def _add(
    records: dict[str, PredictionRecord], where: dict[str, str], record: PredictionRecord, here: str
) -> None:
    """Keep ``record``; a later row replaces a failed one, a second answer is an error (as in the JSONL)."""
    previous = records.get(record.id)
    if previous is not None and previous.ok:
        outcome = "a second answer" if record.ok else "a failure"
        raise QBenchError(
            f"duplicate question {record.id!r}: answered at {where[record.id]}, then {outcome} at {here}"
        )
    records[record.id] = record
    where[record.id] = here


def read_vlmevalkit_predictions(
    paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str], export: ExportIndex
) -> VLMEvalKitPredictions:
    """Read one model's VLMEvalKit prediction file(s) (e.g. the MCQ and the open-ended one) as records.

    Raises :class:`QBenchError` naming the file and row for malformed rows, duplicates, or
    indexes the export does not hold (quoting a few of them).
    """
    path_list = [os.fspath(paths)] if isinstance(paths, (str, os.PathLike)) else [os.fspath(p) for p in paths]
    records: dict[str, PredictionRecord] = {}
    where: dict[str, str] = {}
    for path in path_list:
        unknown: list[int] = []
        for row in read_rows(path):
            record = to_record(row, export, path)
            if isinstance(record, int):
                unknown.append(record)
            else:
                _add(records, where, record, f"{path} {row.where} (index {row.index})")
        if unknown:
            quoted = ", ".join(str(index) for index in unknown[:_QUOTED])
            more = f" and {len(unknown) - _QUOTED} more" if len(unknown) > _QUOTED else ""
            raise QBenchError(
                f"{len(unknown)} predictions have indexes that are not rows of the export {export.source} "
                f"({len(export.ids)} questions): {quoted}{more}; "
                "were these predictions made on another export?",
                file=path,
            )
    models = sorted({model_name(path) for path in path_list})
    return VLMEvalKitPredictions(records=records, model=", ".join(models), files=tuple(path_list))


def is_vlmevalkit_file(path: str | os.PathLike[str]) -> bool:
    """True for a file VLMEvalKit's PRED_FORMAT could have written (by suffix).

    >>> is_vlmevalkit_file("m_QBenchPortrait.xlsx"), is_vlmevalkit_file("run.jsonl")
    (True, False)
    """
    return Path(path).suffix.lower().lstrip(".") in FORMATS
