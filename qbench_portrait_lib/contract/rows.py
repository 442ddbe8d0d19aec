"""The one row checker: a mapping of contract columns in, a :class:`CheckedRow` or problems out.

Every row is checked once, where it enters: the raw-release reader (after resolving the
release format's aliases), the builder's sample, the scorer's references, the metric's
``add_batch`` and the score job's dataset. Label columns take ClassLabel names or their
ints (``label_name`` is the one adapter); the image and any extra key are ignored (the
image is checked by whoever reads it). A :class:`CheckedRow` passes through the scorer
as it is: only :func:`check_row` (and stores of its output) build one.

>>> row, problems = check_row({
...     "id": "q1", "image_id": "img1", "question": "Is the face sharp?", "question_type": 2,
...     "options": ["True", "False"], "answer": ["True"], "quality_dimension": "technical",
...     "image_source": 0, "level": "global", "attribute": "blur", "region": ""})
>>> problems, row.question_type, row.image_source, row.answer
([], 'true_false', 'natural', ('True',))
>>> row, problems = check_row({"id": "q2", "question_type": "essay"})
>>> row is None, problems[0][:50]
(True, "missing columns ['image_id', 'question', 'options'")
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter
from typing import Any, NamedTuple

from qbench_portrait_lib.contract.columns import BY_NAME, REFERENCE_COLUMNS, label_name
from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.contract.rules import question_problems, region_problems

_PYTHON_TYPES = {"string": str, "label": str, "strings": tuple[str, ...]}

# The fields come from the contract (functional form), so the column list is written once.
Row = NamedTuple("Row", [(name, _PYTHON_TYPES[BY_NAME[name].kind]) for name in REFERENCE_COLUMNS])
Row.__doc__ = "A row's columns but the image as a tuple; built by hand it is checked like a mapping."


class CheckedRow(Row):
    """A :class:`Row` that :func:`check_row` accepted: labels as names, lists as tuples.

    Only :func:`check_row` (and its batch form, :mod:`~qbench_portrait_lib.contract.row_batch`)
    and stores of its output (the evaluate metric's cache, filled by its checking ``add_batch``)
    build these; everything else passes them through.
    """

    __slots__ = ()


_ID = attrgetter("id")
_CHECKS = tuple((name, BY_NAME[name].kind, BY_NAME[name].may_be_empty) for name in REFERENCE_COLUMNS)


def _string_list(value: Any, name: str, problems: list[str]) -> tuple[str, ...] | None:
    if (
        value.__class__ is not list
        and value.__class__ is not tuple
        and (isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence))
    ):
        problems.append(f"{name} must be a list of strings, got {type(value).__name__} {value!r:.80}")
        return None
    items = tuple(value)
    for item in items:
        if item.__class__ is not str and not isinstance(item, str):
            problems.append(f"{name} must be a list of strings, got an item {item!r:.80}")
            return None
    return items


def _check_value(name: str, kind: str, may_be_empty: bool, value: Any, problems: list[str]) -> Any:
    if kind == "label":
        try:
            return label_name(name, value)
        except ValueError as error:
            problems.append(str(error))
            return None
    if kind == "strings":
        return _string_list(value, name, problems)
    if value.__class__ is not str and not isinstance(value, str):
        problems.append(f"{name} must be a string, got {type(value).__name__} {value!r:.80}")
        return None
    if not may_be_empty and not value.strip():
        problems.append(f"{name} must not be empty")
        return None
    return value


def _missing(names: list[str]) -> str:
    if len(names) == 1:
        return f"missing column {names[0]!r}"
    return f"missing columns {names}; a row needs {list(REFERENCE_COLUMNS)}"


# (name, kind, label names, label name set, may be empty) per reference column, for the fast path.
_FAST = tuple(
    (name, column.kind, column.vocabulary, frozenset(column.vocabulary), column.may_be_empty)
    for name, column in ((name, BY_NAME[name]) for name in REFERENCE_COLUMNS)
)


def _fast_value(
    kind: str, names: tuple[str, ...], name_set: frozenset[str], may_be_empty: bool, value: Any
) -> Any:
    """``value`` as the row holds it, or ``_REJECT`` when only the full check can say what is wrong."""
    cls = value.__class__
    if kind == "strings":
        if (cls is list or cls is tuple) and all(item.__class__ is str for item in value):
            return tuple(value)
        return _REJECT
    if kind == "label":
        if cls is str:
            return value if value in name_set else _REJECT
        return names[value] if cls is int and 0 <= value < len(names) else _REJECT
    return value if cls is str and (may_be_empty or value.strip()) else _REJECT


_REJECT = object()


def _fast_row(record: Mapping[str, Any]) -> CheckedRow | None:
    """The common case (plain strings, lists of strings, labels as names or ints) with few calls.

    ``None`` sends the record down the full path, which names every problem.
    """
    values = []
    for name, kind, names, name_set, may_be_empty in _FAST:
        value = _fast_value(kind, names, name_set, may_be_empty, record.get(name))
        if value is _REJECT:
            return None
        values.append(value)
    row = CheckedRow._make(values)
    problems = question_problems(row.question_type, row.options, row.answer)
    if problems or region_problems(row.level, row.region):
        return None
    if row.question_type != "open_ended" and len(row.answer) > 1:
        row = row._replace(answer=tuple(text for text in row.options if text in row.answer))
    return row


def check_row(record: Any) -> tuple[CheckedRow | None, list[str]]:
    """Check ``record`` against the contract: ``(row, [])`` or ``(None, problems)``.

    Problems are plain sentences without location; callers prefix file, record and id.
    Every problem is listed, not only the first. Choice answers come back in option order.

    >>> check_row({"id": "q1", "image_id": "i", "question": "Q?", "question_type": "open_ended",
    ...            "options": [], "answer": ["Sharp."], "quality_dimension": "technical",
    ...            "image_source": "natural", "level": "local", "attribute": 1})[1]
    ["missing column 'region'", 'attribute must be a string, got int 1']
    >>> check_row(["q1"])
    (None, ['a row must be a mapping of the contract columns, got list'])
    """
    if record.__class__ is CheckedRow:
        return record, []
    if isinstance(record, Row):
        record = record._asdict()
    if record.__class__ is not dict and not isinstance(record, Mapping):
        return None, [f"a row must be a mapping of the contract columns, got {type(record).__name__}"]
    fast = _fast_row(record)
    if fast is not None:
        return fast, []
    missing = [name for name in REFERENCE_COLUMNS if record.get(name) is None]
    problems = [_missing(missing)] if missing else []
    values: dict[str, Any] = {}
    for name, kind, may_be_empty in _CHECKS:
        value = record.get(name)
        if value is not None:
            values[name] = _check_value(name, kind, may_be_empty, value, problems)
    qtype, options, answer = values.get("question_type"), values.get("options"), values.get("answer")
    if qtype is not None and options is not None and answer is not None:
        problems += question_problems(qtype, options, answer)
    if values.get("level") is not None and values.get("region") is not None:
        problems += region_problems(values["level"], values["region"])
    if problems:
        return None, problems
    if qtype != "open_ended":
        values["answer"] = tuple(text for text in options if text in answer)  # in option order
    return CheckedRow(**values), []


def describe(index: int, record: Any, noun: str = "row") -> str:
    """How errors name a row: its position and, when it has one, its id.

    >>> describe(4, {"id": "q9"}), describe(0, None, noun="reference")
    ("row 4 (id 'q9')", 'reference 0')
    """
    row_id = record.get("id") if isinstance(record, Mapping) else getattr(record, "id", None)
    return f"{noun} {index}" if row_id is None else f"{noun} {index} (id {row_id!r})"


def checked_row(record: Any, where: str, *, file: str | None = None) -> CheckedRow:
    """:func:`check_row`, raising one :class:`QBenchError` listing every problem.

    >>> checked_row({"id": "q1", "level": "regional"}, "reference 4 (id 'q1')")
    Traceback (most recent call last):
    ...
    qbench_portrait_lib.contract.errors.QBenchError: reference 4 (id 'q1'): missing columns ['image_id', \
'question', 'question_type', 'options', 'answer', 'quality_dimension', 'image_source', 'attribute', \
'region']; a row needs ['id', 'image_id', 'question', 'question_type', 'options', 'answer', \
'quality_dimension', 'image_source', 'level', 'attribute', 'region']; level must be one of ['global', \
'local'] or an int in 0..1, got 'regional'
    """
    row, problems = check_row(record)
    if row is None:
        raise QBenchError(f"{where}: {'; '.join(problems)}", file=file)
    return row


def checked_rows(records: Iterable[Any], *, noun: str = "row", file: str | None = None) -> list[CheckedRow]:
    """Check every record (errors name ``noun`` and position) and that ids are unique.

    >>> rows = checked_rows([{"id": "q1"}, {"id": "q1"}][:1], noun="reference")
    Traceback (most recent call last):
    ...
    qbench_portrait_lib.contract.errors.QBenchError: reference 0 (id 'q1'): missing columns ['image_id', \
'question', 'question_type', 'options', 'answer', 'quality_dimension', 'image_source', 'level', \
'attribute', 'region']; a row needs ['id', 'image_id', 'question', 'question_type', 'options', 'answer', \
'quality_dimension', 'image_source', 'level', 'attribute', 'region']
    """
    rows = list(records)
    if set(map(type, rows)) != {CheckedRow}:  # checked rows (the scorer's own) pass as they are
        rows = [
            record
            if record.__class__ is CheckedRow
            else checked_row(record, describe(index, record, noun), file=file)
            for index, record in enumerate(rows)
        ]
    if len(set(map(_ID, rows))) == len(rows):
        return rows
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        if row.id in seen:
            raise QBenchError(
                f"{noun} {index}: id {row.id!r} already used by {noun} {seen[row.id]}", file=file
            )
        seen[row.id] = index
    return rows
