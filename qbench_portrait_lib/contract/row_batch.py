"""Check a whole batch of rows at once: column by column when every row is a plain dict.

:func:`~qbench_portrait_lib.contract.rows.check_row` spends a few microseconds of Python
calls on every row. A batch of plain ``dict`` rows whose values take the common forms
(strings, lists or tuples of strings, labels as names or plain ints) is checked here with
a few passes per column instead, and the cross-field rules run once per distinct
(format, options, answer) and (level, region) of the batch. Anything else — a missing
column, another type, a value the rules reject — sends the batch down the per-row path,
which raises the very error it always raised (the first bad row, by position and id), so
the outcome is the same either way; only the time differs.

>>> row = {"id": "q1", "image_id": "img1", "question": "Which are blurred?",
...        "question_type": 1, "options": ["Eyes", "Hair", "Mouth"], "answer": ["Mouth", "Eyes"],
...        "quality_dimension": "technical", "image_source": 0, "level": "local",
...        "attribute": "blur", "region": "face"}
>>> [(r.question_type, r.image_source, r.answer) for r in checked_batch([row])]
[('multiple_choice', 'natural', ('Eyes', 'Mouth'))]
>>> checked_batch([row, {**row, "id": "q2", "level": 2}], noun="reference")
Traceback (most recent call last):
...
qbench_portrait_lib.contract.errors.QBenchError: reference 1 (id 'q2'): level must be one of \
['global', 'local'] or an int in 0..1, got 2
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from itertools import chain
from operator import itemgetter
from typing import Any

from qbench_portrait_lib.contract.columns import BY_NAME, REFERENCE_COLUMNS
from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.contract.rows import CheckedRow, check_row, describe
from qbench_portrait_lib.contract.rules import question_problems, region_problems

_ALL_COLUMNS = itemgetter(*REFERENCE_COLUMNS)
_POSITION = {name: position for position, name in enumerate(REFERENCE_COLUMNS)}
_SEQUENCES = frozenset((list, tuple))
_LABEL_TYPES = frozenset((str, int))
_new_row = partial(tuple.__new__, CheckedRow)  # the fields come in contract order, all of them


def _label_lookup(names: tuple[str, ...]) -> dict[Any, str]:
    """Name -> name and int -> name of a label column.

    >>> _label_lookup(("global", "local"))
    {'global': 'global', 'local': 'local', 0: 'global', 1: 'local'}
    """
    return {**{name: name for name in names}, **dict(enumerate(names))}


# (kind, may be empty, label lookup) per reference column, in contract order.
_KINDS = tuple(
    (BY_NAME[name].kind, BY_NAME[name].may_be_empty, _label_lookup(BY_NAME[name].vocabulary))
    for name in REFERENCE_COLUMNS
)


def _plain_column(kind: str, may_be_empty: bool, lookup: dict[Any, str], column: tuple[Any, ...]) -> Any:
    """The column as rows hold it, or None when only the per-row check can tell.

    >>> _plain_column("label", False, _label_lookup(("global", "local")), ("local", 0))
    ['local', 'global']
    >>> _plain_column("string", False, {}, ("q1", " ")) is None  # blank where text is needed
    True
    >>> _plain_column("strings", False, {}, (["A", "B"], ("C",)))
    [('A', 'B'), ('C',)]
    """
    classes = set(map(type, column))
    if kind == "strings":
        if not classes <= _SEQUENCES or not set(map(type, chain.from_iterable(column))) <= {str}:
            return None
        return list(map(tuple, column))
    if kind == "label":  # bools, floats and numpy ints are left to the per-row check
        if not classes <= _LABEL_TYPES:
            return None
        try:
            return list(map(lookup.__getitem__, column))
        except KeyError:  # an unknown name or an int out of range
            return None
    if not classes <= {str} or (not may_be_empty and not all(map(str.strip, column))):
        return None
    return column


def _in_option_order(question_type: str, options: tuple[str, ...], answer: tuple[str, ...]) -> Any:
    """A choice answer in option order (as :func:`check_row` gives it).

    >>> _in_option_order("multiple_choice", ("A", "B", "C"), ("C", "A"))
    ('A', 'C')
    """
    if len(answer) < 2 or question_type == "open_ended":
        return answer
    return tuple(text for text in options if text in answer)


def check_plain_rows(records: Sequence[Any]) -> list[CheckedRow] | None:
    """Every record as a :class:`CheckedRow`, or None when any record needs the per-row check.

    Accepts exactly what :func:`check_row` accepts for these forms, with the same result.

    >>> check_plain_rows([{"id": "q1"}]) is None, check_plain_rows([])
    (True, [])
    """
    if not records:
        return []
    if set(map(type, records)) != {dict}:
        return None
    try:
        columns = list(zip(*map(_ALL_COLUMNS, records), strict=True))
    except KeyError:  # a missing column
        return None
    for position, (kind, may_be_empty, lookup) in enumerate(_KINDS):
        columns[position] = _plain_column(kind, may_be_empty, lookup, columns[position])
        if columns[position] is None:
            return None
    qtypes, options, answers = (columns[_POSITION[name]] for name in ("question_type", "options", "answer"))
    levels, regions = columns[_POSITION["level"]], columns[_POSITION["region"]]
    questions = set(zip(qtypes, options, answers, strict=True))
    if any(question_problems(*question) for question in questions):
        return None
    if any(region_problems(*pair) for pair in set(zip(levels, regions, strict=True))):
        return None
    columns[_POSITION["answer"]] = list(map(_in_option_order, qtypes, options, answers))
    return list(map(_new_row, zip(*columns, strict=True)))


def checked_batch(records: Sequence[Any], *, noun: str = "row", file: str | None = None) -> list[CheckedRow]:
    """Every record checked (:func:`check_plain_rows`, else row by row); raises one
    :class:`QBenchError` for the first bad record, naming ``noun``, position and id, listing
    every problem of that record (as :func:`~qbench_portrait_lib.contract.rows.checked_row`).

    Ids are not checked for uniqueness (a metric's batches may hold a question's variants).

    >>> checked_batch([{"id": "q7", "level": "global"}])[0]
    Traceback (most recent call last):
    ...
    qbench_portrait_lib.contract.errors.QBenchError: row 0 (id 'q7'): missing columns ['image_id', \
'question', 'question_type', 'options', 'answer', 'quality_dimension', 'image_source', 'attribute', \
'region']; a row needs ['id', 'image_id', 'question', 'question_type', 'options', 'answer', \
'quality_dimension', 'image_source', 'level', 'attribute', 'region']
    """
    rows = check_plain_rows(records)
    if rows is not None:
        return rows
    rows = []
    for index, record in enumerate(records):
        row, problems = check_row(record)
        if row is None:
            raise QBenchError(f"{describe(index, record, noun)}: {'; '.join(problems)}", file=file)
        rows.append(row)
    return rows
