"""The data contract's columns, each declared once: name, kind, vocabulary, meaning.

Everything else is derived from :data:`CONTRACT`: the ``datasets`` features
(:mod:`qbench_portrait_lib.data.features`), the row checker
(:mod:`qbench_portrait_lib.contract.rows`), the metric's input features, the reference
columns the scorer and the runner read, the dataset card's label tables. Plain Python,
importable without ``datasets``: the scoring core uses it too. A label column's
vocabulary is its ClassLabel order, so ``QUESTION_TYPES.index(name)`` is the stored int.

>>> [column.name for column in CONTRACT if column.kind == "label"]
['question_type', 'quality_dimension', 'image_source', 'level']
>>> QUESTION_TYPES[0], LEVELS
('single_choice', ('global', 'local'))
>>> REFERENCE_COLUMNS == tuple(name for name in COLUMNS if name != "image")
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

#: What a column holds: a string, a ClassLabel name, a list of strings, or the image.
ColumnKind = Literal["string", "label", "strings", "image"]


@dataclass(frozen=True)
class Column:
    """One column of the data contract.

    >>> Column("level", "label", "global or local", vocabulary=("global", "local")).vocabulary
    ('global', 'local')
    """

    name: str
    kind: ColumnKind
    meaning: str
    #: The ClassLabel names, in stored-int order (label columns only).
    vocabulary: tuple[str, ...] = ()
    #: A string column that may hold "" (``region`` for global questions).
    may_be_empty: bool = False


#: The columns of a row, in contract order.
CONTRACT: tuple[Column, ...] = (
    Column("id", "string", "unique question id"),
    Column("image_id", "string", "groups the questions asked about one image"),
    Column("image", "image", "the portrait"),
    Column("question", "string", "the question text, without options"),
    Column(
        "question_type",
        "label",
        "format",
        vocabulary=("single_choice", "multiple_choice", "true_false", "open_ended"),
    ),
    Column(
        "options",
        "strings",
        "presentation order (option i is letter chr(65+i)); ['True', 'False'] for true_false, "
        "[] for open_ended",
        may_be_empty=True,
    ),
    Column(
        "answer",
        "strings",
        "choice formats: the correct option texts; open_ended: the reference answer(s)",
    ),
    Column("quality_dimension", "label", "quality dimension", vocabulary=("technical", "aigc", "aesthetic")),
    Column(
        "image_source",
        "label",
        "where the image comes from",
        vocabulary=("natural", "synthetic_distortion", "ai_generated", "artistic", "computer_graphics"),
    ),
    Column("level", "label", "whole image or one region", vocabulary=("global", "local")),
    Column("attribute", "string", "fine-grained concern, e.g. blur, noise, hand malformation"),
    Column("region", "string", "the region a local question asks about; '' for global", may_be_empty=True),
)

#: Columns by name.
BY_NAME: dict[str, Column] = {column.name: column for column in CONTRACT}

#: Every column of a row, in contract order.
COLUMNS: tuple[str, ...] = tuple(column.name for column in CONTRACT)

#: Every column but the image: what the metric takes as a reference, what the scorer reads.
REFERENCE_COLUMNS: tuple[str, ...] = tuple(column.name for column in CONTRACT if column.kind != "image")

#: ClassLabel columns and their names, in contract order.
LABEL_COLUMNS: dict[str, tuple[str, ...]] = {
    column.name: column.vocabulary for column in CONTRACT if column.kind == "label"
}

QUESTION_TYPES: tuple[str, ...] = LABEL_COLUMNS["question_type"]
QUALITY_DIMENSIONS: tuple[str, ...] = LABEL_COLUMNS["quality_dimension"]
IMAGE_SOURCES: tuple[str, ...] = LABEL_COLUMNS["image_source"]
LEVELS: tuple[str, ...] = LABEL_COLUMNS["level"]

#: Formats whose answer is a set of the listed options.
CLOSED_TYPES: tuple[str, ...] = ("single_choice", "multiple_choice", "true_false")

#: The options of every true/false question, in presentation order.
TRUE_FALSE_OPTIONS: tuple[str, str] = ("True", "False")


def option_letter(index: int) -> str:
    """Letter of the option at ``index`` (0 → "A").

    >>> option_letter(2)
    'C'
    """
    if not 0 <= index < 26:
        raise ValueError(f"option index must be in 0..25, got {index}")
    return chr(65 + index)


def label_name(column: str, value: Any, where: str = "") -> str:
    """The ClassLabel name of ``value`` (a name or its int) in a label column.

    The one place where a stored int becomes a name; the row checker calls it.
    ``where`` (e.g. "reference 4 (id 'q9')") starts the error message.

    >>> label_name("level", 1)
    'local'
    >>> label_name("level", "regional", where="reference 4 (id 'q9')")
    Traceback (most recent call last):
    ...
    ValueError: reference 4 (id 'q9'): level must be one of ['global', 'local'] or an int in 0..1, \
got 'regional'
    """
    names = LABEL_COLUMNS[column]
    if value.__class__ is str and value in names:  # the common case, kept cheap
        return value
    # numpy ints and other integral types are accepted; bools are not labels
    if not isinstance(value, (bool, str, float)) and hasattr(value, "__index__"):
        index = value.__index__()
        if 0 <= index < len(names):
            return names[index]
    prefix = f"{where}: " if where else ""
    expected = f"one of {list(names)} or an int in 0..{len(names) - 1}"
    raise ValueError(f"{prefix}{column} must be {expected}, got {value!r}")
