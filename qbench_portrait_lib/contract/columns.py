"""Label vocabularies of the data contract (see the dataset card).

Plain tuples, importable without ``datasets``: the scoring core uses them too.
The order is the ClassLabel order, so ``QUESTION_TYPES.index(name)`` is the stored int.

>>> QUESTION_TYPES[0], LEVELS
('single_choice', ('global', 'local'))
"""

from __future__ import annotations

from typing import Any

QUESTION_TYPES: tuple[str, ...] = ("single_choice", "multiple_choice", "true_false", "open_ended")
QUALITY_DIMENSIONS: tuple[str, ...] = ("technical", "aigc", "aesthetic")
IMAGE_SOURCES: tuple[str, ...] = (
    "natural",
    "synthetic_distortion",
    "ai_generated",
    "artistic",
    "computer_graphics",
)
LEVELS: tuple[str, ...] = ("global", "local")

#: ClassLabel columns and their names, in contract order.
LABEL_COLUMNS: dict[str, tuple[str, ...]] = {
    "question_type": QUESTION_TYPES,
    "quality_dimension": QUALITY_DIMENSIONS,
    "image_source": IMAGE_SOURCES,
    "level": LEVELS,
}

#: Formats whose answer is a set of the listed options.
CLOSED_TYPES: tuple[str, ...] = ("single_choice", "multiple_choice", "true_false")

#: The options of every true/false question, in presentation order.
TRUE_FALSE_OPTIONS: tuple[str, str] = ("True", "False")

#: Every column of a row, in contract order.
COLUMNS: tuple[str, ...] = (
    "id",
    "image_id",
    "image",
    "question",
    "question_type",
    "options",
    "answer",
    "quality_dimension",
    "image_source",
    "level",
    "attribute",
    "region",
)

#: Every column but the image: what the metric takes as a reference.
REFERENCE_COLUMNS: tuple[str, ...] = tuple(name for name in COLUMNS if name != "image")


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
