"""Export the benchmark as VLMEvalKit custom datasets: ``QBenchPortrait.tsv`` and ``..._OpenEnded.tsv``.

The closed questions (single-choice, multiple-choice, true/false) go to the multiple-choice
TSV: options as columns ``A``, ``B``, … (empty past a question's last option), ``answer``
as letters (``AC`` for a multi-select), ``hint`` with the format's instruction where
VLMEvalKit's own "select the correct answer" would mislead (multi-select, true/false).
The open-ended questions go to a VQA-shaped TSV without option columns, the question
rendered with the canonical instruction, ``answer`` the reference text(s). Both carry
``index`` (the question's position in the benchmark), ``category`` (quality dimension),
``l2-category`` (image source) and the other columns of :data:`~.vlmevalkit_format.SHARED_COLUMNS`.

``image`` holds the original image bytes in base64 on the first row of each image in a
file; later rows of the same image hold that row's index instead, which VLMEvalKit
resolves (its image cells of up to 64 characters are references to another index).

>>> row = {"id": "q1", "question": "Which parts are blurred?", "question_type": "multiple_choice",
...        "options": ["Eyes", "None", "Hair"], "answer": ["Eyes", "Hair"]}
>>> cells = closed_cells(row, width=4)
>>> cells["hint"] == INSTRUCTIONS["multiple_choice"]
True
>>> {name: cells[name] for name in ("question", "A", "B", "C", "D", "answer")}
{'question': 'Which parts are blurred?', 'A': 'Eyes', 'B': 'None ', 'C': 'Hair', 'D': '', 'answer': 'AC'}
"""

from __future__ import annotations

import base64
import csv
import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qbench_portrait_lib.contract.columns import (
    CLOSED_TYPES,
    LABEL_COLUMNS,
    TRUE_FALSE_OPTIONS,
    label_name,
    option_letter,
)
from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.contract.prompt import INSTRUCTIONS, render_prompt
from qbench_portrait_lib.harness.vlmevalkit_format import (
    MCQ_DATASET,
    OPEN_DATASET,
    SHARED_COLUMNS,
    pandas_safe_text,
)

logger = logging.getLogger(__name__)

#: The ``hint`` VLMEvalKit prints above a question, per closed format ("" = none).
HINTS: dict[str, str] = {
    "single_choice": "",
    "multiple_choice": INSTRUCTIONS["multiple_choice"],
    "true_false": INSTRUCTIONS["true_false"],
}


@dataclass
class VLMEvalKitExport:
    """What an export wrote: one TSV per non-empty kind, with its row count."""

    out_dir: Path
    files: dict[str, Path] = field(default_factory=dict)  # dataset name -> TSV
    rows: dict[str, int] = field(default_factory=dict)  # dataset name -> questions
    images: dict[str, int] = field(default_factory=dict)  # dataset name -> distinct images

    def summary(self) -> str:
        """One human line, e.g. for the CLI.

        >>> VLMEvalKitExport(Path("out"), {"QBenchPortrait": Path("out/QBenchPortrait.tsv")},
        ...                  {"QBenchPortrait": 3}, {"QBenchPortrait": 1}).summary()
        'wrote QBenchPortrait.tsv (3 questions, 1 images) to out'
        """
        parts = [
            f"{path.name} ({self.rows[name]} questions, {self.images[name]} images)"
            for name, path in self.files.items()
        ]
        return f"wrote {', '.join(parts)} to {self.out_dir}"


def closed_cells(row: Mapping[str, Any], width: int) -> dict[str, str]:
    """The question, option columns ``A``… (``width`` of them) and letter answer of a closed row."""
    qtype = label_name("question_type", row["question_type"])
    options = [str(text) for text in row["options"]]
    if qtype == "true_false" and tuple(options) != TRUE_FALSE_OPTIONS:
        raise QBenchError(
            f"a true_false question needs options {list(TRUE_FALSE_OPTIONS)}, got {options!r}",
            record=row["id"],
        )
    if not 2 <= len(options) <= width:
        raise QBenchError(f"expected 2 to {width} options, got {options!r}", record=row["id"])
    unknown = [text for text in row["answer"] if text not in options]
    if unknown or not row["answer"]:
        raise QBenchError(
            f"expected answers among the options {options!r}, got {list(row['answer'])!r}", record=row["id"]
        )
    cells = {"question": pandas_safe_text(str(row["question"])), "hint": HINTS[qtype]}
    for position in range(width):
        text = options[position] if position < len(options) else None
        cells[option_letter(position)] = "" if text is None else pandas_safe_text(text)
    cells["answer"] = "".join(option_letter(i) for i, text in enumerate(options) if text in row["answer"])
    return cells


def open_cells(row: Mapping[str, Any]) -> dict[str, str]:
    """The prompt and reference answer(s) of an open-ended row (several joined by newlines).

    >>> open_cells({"question": "What is wrong?", "question_type": "open_ended", "options": [],
    ...             "answer": ["Blur", "It is blurred."]})
    {'question': 'What is wrong?\\nAnswer in one or two short sentences.', 'answer': 'Blur\\nIt is blurred.'}
    """
    return {
        "question": pandas_safe_text(render_prompt(row)),
        "answer": pandas_safe_text("\n".join(str(text) for text in row["answer"])),
    }


def _shared_cells(row: Mapping[str, Any]) -> dict[str, str]:
    cells = {}
    for column, tsv_name in SHARED_COLUMNS.items():
        if column in LABEL_COLUMNS:
            cells[tsv_name] = label_name(column, row[column], where=f"question {row['id']!r}")
        else:
            cells[tsv_name] = pandas_safe_text(str(row[column])) if row[column] else ""
    return cells


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def numeric_option_columns(option_lists: list[list[str]], width: int) -> list[str]:
    """Option columns whose every text is a number: pandas reads them as floats, so VLMEvalKit
    would show "3" as "3.0" (the column holds empty cells past shorter questions).

    >>> numeric_option_columns([["Low", "High", "3"], ["Yes", "No"]], width=3)
    ['C']
    """
    numeric = []
    for position in range(2, width):
        texts = [options[position] for options in option_lists if len(options) > position]
        if texts and all(_is_number(text) for text in texts):
            numeric.append(option_letter(position))
    return numeric


def _image_bytes(image: Mapping[str, Any], question_id: str) -> bytes:
    if image.get("bytes"):
        return image["bytes"]
    if image.get("path") and Path(image["path"]).is_file():
        return Path(image["path"]).read_bytes()
    raise QBenchError(
        f"expected image bytes or a readable image path, got path {image.get('path')!r}", record=question_id
    )


class _TsvWriter:
    """One TSV being written: header, rows, and the first index of every image in it."""

    def __init__(self, path: Path, columns: list[str]) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        self.columns = columns
        self.handle = open(self.partial, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed by close()
        self.writer = csv.writer(self.handle, delimiter="\t", lineterminator="\n")
        self.writer.writerow(columns)
        self.first_index: dict[str, int] = {}
        self.rows = 0

    def write(self, index: int, row: Mapping[str, Any], cells: dict[str, str]) -> None:
        image_id = row["image_id"]
        if image_id in self.first_index:
            image = str(self.first_index[image_id])
        else:
            self.first_index[image_id] = index
            image = base64.b64encode(_image_bytes(row["image"], row["id"])).decode("ascii")
        values = {"index": str(index), "image": image, **cells, **_shared_cells(row)}
        self.writer.writerow([values.get(column, "") for column in self.columns])
        self.rows += 1

    def close(self, *, complete: bool) -> None:
        """Close; move the file into place when ``complete``, else delete it (no half-written TSV)."""
        self.handle.close()
        if complete:
            self.partial.replace(self.path)
        else:
            self.partial.unlink(missing_ok=True)


def _columns(width: int, *, closed: bool) -> list[str]:
    options = [option_letter(i) for i in range(width)] if closed else []
    hint = ["hint"] if closed else []
    return ["index", "image", "question", *hint, *options, "answer", *SHARED_COLUMNS.values()]


def _rows(dataset: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    import datasets

    undecoded = dataset.cast_column("image", datasets.Image(decode=False))
    yield from enumerate(undecoded)


def write_vlmevalkit_tsvs(
    dataset: Any, out_dir: str | os.PathLike[str], *, overwrite: bool = False
) -> VLMEvalKitExport:
    """Write the two TSVs of ``dataset`` (a ``datasets.Dataset`` of the contract) into ``out_dir``."""
    out = Path(out_dir)
    targets = {name: out / f"{name}.tsv" for name in (MCQ_DATASET, OPEN_DATASET)}
    existing = [str(path) for path in targets.values() if path.exists()]
    if existing and not overwrite:
        raise FileExistsError(
            f"{', '.join(existing)} already exist(s); pass overwrite=True (--overwrite) to replace"
        )
    qtype_names = [label_name("question_type", value) for value in dataset["question_type"]]
    closed_options = [
        opts for opts, q in zip(dataset["options"], qtype_names, strict=True) if q in CLOSED_TYPES
    ]
    width = max([2, *map(len, closed_options)])
    for letter in numeric_option_columns(closed_options, width):
        logger.warning(
            "option column %s holds numbers only: VLMEvalKit's pandas shows '3' as '3.0' there", letter
        )
    out.mkdir(parents=True, exist_ok=True)
    writers: dict[str, _TsvWriter] = {}
    complete = False
    try:
        for index, row in _rows(dataset):
            closed = qtype_names[index] in CLOSED_TYPES
            name = MCQ_DATASET if closed else OPEN_DATASET
            if name not in writers:
                writers[name] = _TsvWriter(targets[name], _columns(width, closed=closed))
            cells = closed_cells(row, width) if closed else open_cells(row)
            writers[name].write(index, row, cells)
        complete = True
    finally:
        for writer in writers.values():
            writer.close(complete=complete)
    for name, path in targets.items():
        if name not in writers and path.exists():
            path.unlink()  # a stale file from an earlier export must not be scored against this one
    result = VLMEvalKitExport(out)
    for name, writer in writers.items():
        result.files[name], result.rows[name], result.images[name] = (
            writer.path,
            writer.rows,
            len(writer.first_index),
        )
    logger.info("%s", result.summary())
    return result


def export_vlmevalkit(
    out_dir: str | os.PathLike[str],
    source: str | os.PathLike[str] | None = "sample",
    *,
    overwrite: bool = False,
) -> VLMEvalKitExport:
    """Load the benchmark from ``source`` (see :func:`~qbench_portrait_lib.data.loading.load_benchmark`)
    and write its VLMEvalKit TSVs into ``out_dir``."""
    from qbench_portrait_lib.data.loading import load_benchmark

    return write_vlmevalkit_tsvs(load_benchmark(source), out_dir, overwrite=overwrite)
