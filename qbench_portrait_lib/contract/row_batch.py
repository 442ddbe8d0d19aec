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

from collections.abc import Mapping, Sequence
from functools import partial
from itertools import chain, compress, repeat
from operator import itemgetter
from typing import Any

from qbench_portrait_lib.contract.columns import BY_NAME, REFERENCE_COLUMNS
from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.contract.rows import CheckedRow, check_row, describe
from qbench_portrait_lib.contract.rules import question_problems, region_problems

_GETTERS = tuple(map(itemgetter, REFERENCE_COLUMNS))
_POSITION = {name: position for position, name in enumerate(REFERENCE_COLUMNS)}
_SEQUENCES = frozenset((list, tuple))
_LABEL_TYPES = frozenset((str, int))
_LISTS = tuple(position for position, name in enumerate(REFERENCE_COLUMNS) if BY_NAME[name].kind == "strings")
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
    >>> _plain_column("strings", False, {}, [["A", "B"], ("C",)]), _plain_column("strings", False, {}, [[1]])
    ([['A', 'B'], ('C',)], None)
    """
    classes = set(map(type, column))
    if kind == "strings":
        if not classes <= _SEQUENCES or not set(map(type, chain.from_iterable(column))) <= {str}:
            return None
        return column  # the given lists and tuples
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


def _in_option_order(qtypes: Sequence[str], options: Sequence[tuple[str, ...]], answers: list[Any]) -> None:
    """Put the choice answers of several options in option order, in place (as :func:`check_row` does).

    >>> answers = [("C", "A"), ("B",), ("Blurry. Noisy.", "Dark.")]
    >>> qtypes = ["multiple_choice", "single_choice", "open_ended"]
    >>> _in_option_order(qtypes, [("A", "B", "C"), ("A", "B"), ()], answers)
    >>> answers
    [('A', 'C'), ('B',), ('Blurry. Noisy.', 'Dark.')]
    """
    for index in compress(range(len(answers)), map((1).__lt__, map(len, answers))):
        if qtypes[index] != "open_ended":
            answer = answers[index]
            answers[index] = tuple(text for text in options[index] if text in answer)


def check_plain_columns(records: Sequence[Any]) -> list[list[Any]] | None:
    """The checked columns (contract order) of plain dict records, or None when any record
    needs the per-row check. Values are what :func:`check_row` gives, except that the list
    columns hold the lists or tuples given (a choice answer of several options becomes a
    tuple in option order).

    >>> check_plain_columns([{"id": "q1"}]) is None, check_plain_columns([]) == [[]] * 11
    (True, True)
    """
    if not records:
        return [[] for _ in REFERENCE_COLUMNS]
    if set(map(type, records)) != {dict}:
        return None
    try:
        columns = [list(map(getter, records)) for getter in _GETTERS]
    except KeyError:  # a missing column
        return None
    for position, (kind, may_be_empty, lookup) in enumerate(_KINDS):
        columns[position] = _plain_column(kind, may_be_empty, lookup, columns[position])
        if columns[position] is None:
            return None
    qtypes, options, answers = (columns[_POSITION[name]] for name in ("question_type", "options", "answer"))
    questions = set(zip(qtypes, map(tuple, options), map(tuple, answers), strict=True))
    if any(question_problems(*question) for question in questions):
        return None
    levels, regions = columns[_POSITION["level"]], columns[_POSITION["region"]]
    if any(region_problems(*pair) for pair in set(zip(levels, regions, strict=True))):
        return None
    _in_option_order(qtypes, options, answers)
    return columns


def check_plain_rows(records: Sequence[Any]) -> list[CheckedRow] | None:
    """Every record as a :class:`CheckedRow` (:func:`check_plain_columns`), or None.

    Accepts exactly what :func:`check_row` accepts for these forms, with the same result.

    >>> check_plain_rows([{"id": "q1"}]) is None, check_plain_rows([])
    (True, [])
    """
    columns = check_plain_columns(records)
    if columns is None:
        return None
    for position in _LISTS:
        columns[position] = map(tuple, columns[position])
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


def checked_dicts(
    records: Sequence[Any], *, noun: str = "row", file: str | None = None
) -> list[dict[str, Any]]:
    """:func:`checked_batch` as one dict per record (the contract columns only), for stores
    such as the evaluate metric's cache; the list columns may hold the caller's own lists.

    >>> checked_dicts([{"id": "q1", "image_id": "i1", "question": "The face is sharp.", "question_type": 2,
    ...                 "options": ["True", "False"], "answer": ["True"], "quality_dimension": 0,
    ...                 "image_source": 0, "level": 0, "attribute": "blur", "region": "", "image": None}])
    [{'id': 'q1', 'image_id': 'i1', 'question': 'The face is sharp.', 'question_type': 'true_false', \
'options': ['True', 'False'], 'answer': ['True'], 'quality_dimension': 'technical', \
'image_source': 'natural', 'level': 'global', 'attribute': 'blur', 'region': ''}]
    """
    columns = check_plain_columns(records)
    rows = checked_batch(records, noun=noun, file=file) if columns is None else zip(*columns, strict=True)
    return list(map(dict, map(zip, repeat(REFERENCE_COLUMNS), rows)))


def stored_rows(records: Sequence[Mapping[str, Any]]) -> list[CheckedRow]:
    """The rows back from dicts :func:`checked_dicts` made, after a store gave them back (the
    evaluate metric's cache returns them with lists): not checked again, only rebuilt.

    >>> stored_rows(checked_dicts([{"id": "q1", "image_id": "i1", "question": "The face is sharp.",
    ...     "question_type": 2, "options": ["True", "False"], "answer": ["True"], "quality_dimension": 0,
    ...     "image_source": 0, "level": 0, "attribute": "blur", "region": ""}]))[0].options
    ('True', 'False')
    """
    columns: list[Any] = [list(map(getter, records)) for getter in _GETTERS]
    for position in _LISTS:
        columns[position] = map(tuple, columns[position])
    return list(map(_new_row, zip(*columns, strict=True)))
