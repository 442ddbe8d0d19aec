"""The files this project shares with VLMEvalKit: dataset names, columns, the export's index.

VLMEvalKit reads an unknown benchmark ``NAME`` from ``$LMUData/NAME.tsv``: a TSV with
option columns ``A`` and ``B`` and an image becomes a custom multiple-choice dataset, one
without them a custom VQA dataset (and a name containing "openended" is typed VQA).
The export writes :data:`MCQ_DATASET` (closed questions) and :data:`OPEN_DATASET`
(open-ended questions); their ``index`` values are the questions' positions in the
benchmark, unique across both files, and :func:`read_export_index` maps them back to ids.

VLMEvalKit loads TSVs with ``pandas.read_csv``, which reads texts such as "None" or "NA"
as missing values and would drop such an option from the prompt; :func:`pandas_safe_text`
appends one space to exactly those texts (invisible in the prompt, undone by scoring).

>>> pandas_safe_text("None"), pandas_safe_text("Noise")
('None ', 'Noise')
"""

from __future__ import annotations

import csv
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from qbench_portrait_lib.contract.columns import REFERENCE_COLUMNS
from qbench_portrait_lib.contract.errors import QBenchError

#: Dataset names (file stems under $LMUData) of the two exported TSVs.
MCQ_DATASET = "QBenchPortrait"
OPEN_DATASET = "QBenchPortrait_OpenEnded"
DATASETS: tuple[str, ...] = (MCQ_DATASET, OPEN_DATASET)

#: VLMEvalKit's names for contract columns it knows by another name (the rest keep theirs).
TSV_NAMES: dict[str, str] = {
    "id": "question_id",
    "quality_dimension": "category",
    "image_source": "l2-category",
}
#: Contract columns each TSV shapes its own way (the option columns, the letter answer, the prompt).
_SHAPED = frozenset({"question", "options", "answer"})
#: Contract column -> TSV column, for every column both TSVs carry as is (labels as names).
SHARED_COLUMNS: dict[str, str] = {
    column: TSV_NAMES.get(column, column) for column in REFERENCE_COLUMNS if column not in _SHAPED
}

# pandas.read_csv's default missing-value strings (pandas._libs.parsers.STR_NA_VALUES).
_PANDAS_NA_TEXTS = frozenset(
    {"#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN"}
    | {"<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"}
)


def pandas_safe_text(text: str) -> str:
    """``text``, with a space appended when ``pandas.read_csv`` would read it as missing.

    >>> pandas_safe_text("NA"), pandas_safe_text("NAME")
    ('NA ', 'NAME')
    """
    return f"{text} " if text in _PANDAS_NA_TEXTS else text


def allow_large_fields() -> None:
    """Let the ``csv`` module read the export's base64 image cells (far over its 128 KiB default)."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True)
class ExportIndex:
    """``index`` -> question id over the exported TSVs, and which TSVs were read."""

    ids: dict[int, str]
    files: tuple[str, ...]

    @property
    def source(self) -> str:
        """The TSVs as one string, for messages.

        >>> ExportIndex(ids={}, files=("a.tsv", "b.tsv")).source
        'a.tsv, b.tsv'
        """
        return ", ".join(self.files)


def export_tsv_paths(location: str | os.PathLike[str]) -> list[Path]:
    """The exported TSVs at ``location``: the file itself, or those of :data:`DATASETS` in a folder."""
    path = Path(location)
    if path.is_file():
        return [path]
    if path.is_dir():
        found = [path / f"{name}.tsv" for name in DATASETS if (path / f"{name}.tsv").is_file()]
        if found:
            return found
        raise QBenchError(
            f"expected a VLMEvalKit export with {' or '.join(f'{n}.tsv' for n in DATASETS)}, "
            f"found neither in the folder",
            file=path,
        )
    raise FileNotFoundError(f"VLMEvalKit export not found: {path}")


def _read_one_index(path: Path, ids: dict[int, str], seen: dict[str, str]) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        header = next(reader, None) or []
        missing = [name for name in ("index", "question_id") if name not in header]
        if missing:
            raise QBenchError(
                f"expected columns 'index' and 'question_id', got columns {header!r}", file=path
            )
        index_at, id_at = header.index("index"), header.index("question_id")
        for row_number, row in enumerate(reader, start=2):
            where = f"{path} row {row_number}"
            if len(row) != len(header):
                raise QBenchError(
                    f"row {row_number}: expected {len(header)} cells, got {len(row)}", file=path
                )
            if not row[index_at].isdigit():
                raise QBenchError(
                    f"row {row_number}: expected an integer index, got {row[index_at]!r}", file=path
                )
            index, question_id = int(row[index_at]), row[id_at]
            if index in ids or question_id in seen:
                raise QBenchError(
                    f"row {row_number}: index {index} / question {question_id!r} appears twice in the export "
                    f"(first in {seen.get(question_id) or 'an earlier row'})",
                    file=path,
                )
            ids[index] = question_id
            seen[question_id] = where


def read_export_index(location: str | os.PathLike[str]) -> ExportIndex:
    """Read ``index`` -> ``question_id`` from the exported TSV(s) (a folder or one TSV).

    Indexes and question ids must each be unique over all the files read.
    """
    allow_large_fields()
    paths = export_tsv_paths(location)
    ids: dict[int, str] = {}
    seen: dict[str, str] = {}
    for path in paths:
        _read_one_index(path, ids, seen)
    return ExportIndex(ids=ids, files=tuple(os.fspath(path) for path in paths))
