"""The scorer's references: rows the contract's one checker accepted.

A reference is a mapping with every contract column except ``image`` (extra keys, the
image among them, are ignored); label columns take ClassLabel names or their ints. The
checking itself is :func:`qbench_portrait_lib.contract.rows.check_row`, the one the
release reader and the metric use, so the scorer accepts exactly the rows a release may
hold. A ``CheckedRow`` (what the checker returns) passes through as it is; a
:class:`Reference` built by hand is checked like a mapping.

>>> ref = normalize_reference({
...     "id": "q1", "image_id": "img1", "question": "Is the face sharp?",
...     "question_type": 2, "options": ["True", "False"], "answer": ["True"],
...     "quality_dimension": "technical", "image_source": 0, "level": "global",
...     "attribute": "blur", "region": ""}, index=0)
>>> ref.question_type, ref.image_source, ref.answer
('true_false', 'natural', ('True',))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qbench_portrait_lib.contract.columns import REFERENCE_COLUMNS
from qbench_portrait_lib.contract.rows import CheckedRow, Row, checked_row, checked_rows, describe

#: A reference's columns as a tuple (every column but the image); ``CheckedRow`` is its checked form.
Reference = Row

__all__ = ["REFERENCE_COLUMNS", "CheckedRow", "Reference", "normalize_reference", "normalize_references"]


def normalize_reference(record: Any, index: int) -> CheckedRow:
    """Check one reference (``index`` is its position, used in errors)."""
    return checked_row(record, describe(index, record, noun="reference"))


def normalize_references(references: Sequence[Any]) -> list[CheckedRow]:
    """Check every reference (checked rows pass as they are); ids must be unique.

    >>> normalize_references([{"id": "q1", "level": 3}])
    Traceback (most recent call last):
    ...
    qbench_portrait_lib.contract.errors.QBenchError: reference 0 (id 'q1'): missing columns ['image_id', \
'question', 'question_type', 'options', 'answer', 'quality_dimension', 'image_source', 'attribute', \
'region']; a row needs ['id', 'image_id', 'question', 'question_type', 'options', 'answer', \
'quality_dimension', 'image_source', 'level', 'attribute', 'region']; level must be one of ['global', \
'local'] or an int in 0..1, got 3
    """
    return checked_rows(references, noun="reference")
