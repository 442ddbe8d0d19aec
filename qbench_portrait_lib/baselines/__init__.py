"""Weight-free baselines: answer benchmark rows the way a model would, as free-form strings.

``random`` guesses uniformly (seeded) and scores at the chance level the metric
reports; ``classical`` reads image statistics (see :mod:`baseline_classical`). The
``demo`` and ``score`` commands call :func:`answer_with_baseline`.

An edge room. May import: the contract, the sample's distortion vocabulary, the scoring core;
never the CLI.

>>> rows = [{"id": "q1", "image_id": "i1", "question": "The face is sharp.",
...          "question_type": 2, "options": ["True", "False"], "answer": ["True"],
...          "quality_dimension": 2, "image_source": 0, "level": 1, "attribute": "composition",
...          "region": "face", "image": None}]
>>> answer_with_baseline("classical", rows)
['False']
>>> answer_with_baseline("oracle", rows)
Traceback (most recent call last):
...
ValueError: unknown baseline 'oracle'; expected one of ['classical', 'random']
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from tqdm.auto import tqdm

from qbench_portrait_lib.baselines.classical import ClassicalBaseline
from qbench_portrait_lib.baselines.random_guess import answer_randomly
from qbench_portrait_lib.contract.columns import LABEL_COLUMNS, label_name

logger = logging.getLogger(__name__)

#: The names :func:`answer_with_baseline` accepts.
BASELINE_NAMES: tuple[str, ...] = ("classical", "random")


def row_label(row: Mapping[str, Any], column: str) -> str:
    """The name of a ClassLabel cell of ``row`` given as a name or an int.

    >>> row_label({"level": 1}, "level"), row_label({"level": "global"}, "level")
    ('local', 'global')
    >>> row_label({"id": "q9", "level": "middle"}, "level")
    Traceback (most recent call last):
    ...
    ValueError: row 'q9': level must be one of ['global', 'local'] or an int in 0..1, got 'middle'
    """
    return label_name(column, row[column], where=f"row {row.get('id')!r}")


def with_label_names(row: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``row`` whose ClassLabel columns present in it are names."""
    named = dict(row)
    for column in LABEL_COLUMNS:
        if column in row:
            named[column] = row_label(row, column)
    return named


def _undecoded(rows: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    """A ``datasets.Dataset`` with its images left as bytes: the baselines decode each image
    once (rows of one image are answered from a cache), not once per question."""
    features = getattr(rows, "features", None)
    image_feature = features.get("image") if features is not None else None
    if image_feature is None or not getattr(image_feature, "decode", False):
        return rows
    import datasets  # only reached with a Dataset, so datasets is installed

    return rows.cast_column("image", datasets.Image(decode=False))


def answer_with_baseline(
    name: str, rows: Iterable[Mapping[str, Any]], *, seed: int = 0, progress: bool = False
) -> list[str]:
    """One response string per row from baseline ``name`` ("random" or "classical").

    Rows follow the data contract (labels as names or ClassLabel ints; ``image`` as a
    PIL image or ``{"bytes", "path"}``; only ``classical`` opens images). ``seed``
    only affects ``random``. ``progress`` shows a tqdm bar.
    """
    if name not in BASELINE_NAMES:
        raise ValueError(f"unknown baseline {name!r}; expected one of {sorted(BASELINE_NAMES)}")
    rows = _undecoded(rows)
    rows = tqdm(rows, desc=f"{name} baseline", unit="question", disable=not progress)
    if name == "random":
        return [
            answer_randomly(row, seed=seed, question_type=row_label(row, "question_type")) for row in rows
        ]
    baseline = ClassicalBaseline()
    return [baseline.answer(with_label_names(row)) for row in rows]
