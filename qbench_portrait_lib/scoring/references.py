"""Validate the references the scorer receives and turn them into typed records.

A reference is a mapping with every contract column except ``image`` (extra keys, the
image among them, are ignored). Label columns may hold ClassLabel names or their ints.
Every error names the record index and id, what was expected and what was received.
Options, answer and region follow :mod:`qbench_portrait_lib.contract.rules`, the rules
the release validator applies, so the scorer accepts exactly the rows a release may hold.

>>> ref = normalize_reference({
...     "id": "q1", "image_id": "img1", "question": "Is the face sharp?",
...     "question_type": 2, "options": ["True", "False"], "answer": ["True"],
...     "quality_dimension": "technical", "image_source": 0, "level": "global",
...     "attribute": "blur", "region": ""}, index=0)
>>> ref.question_type, ref.image_source, ref.answer
('true_false', 'natural', ('True',))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from qbench_portrait_lib.contract.columns import LABEL_COLUMNS, REFERENCE_COLUMNS, label_name
from qbench_portrait_lib.contract.rules import question_problems, region_problems

_STRING_COLUMNS = ("id", "image_id", "question", "attribute", "region")
_LIST_COLUMNS = ("options", "answer")


class Reference(NamedTuple):
    """One question's reference, labels as ClassLabel names (a tuple: cheap to build)."""

    id: str
    image_id: str
    question: str
    question_type: str
    options: tuple[str, ...]
    answer: tuple[str, ...]
    quality_dimension: str
    image_source: str
    level: str
    attribute: str
    region: str


class ValidatedReference(Reference):
    """A :class:`Reference` that :func:`normalize_reference` checked against the contract.

    :func:`normalize_references` takes these as they are; a plain ``Reference`` built by
    hand is checked like a mapping. Only ``normalize_reference`` and stores of its output
    (the evaluate metric's cache, filled by its validating ``add_batch``) build them.
    """

    __slots__ = ()


def _string_list(value: Any, column: str, where: str) -> tuple[str, ...]:
    if (
        value.__class__ is not list
        and value.__class__ is not tuple
        and (isinstance(value, (str, bytes)) or not isinstance(value, Sequence))
    ):
        raise TypeError(
            f"{where}: {column} must be a list of strings, got {type(value).__name__} {value!r:.80}"
        )
    items = tuple(value)
    for item in items:
        if item.__class__ is not str and not isinstance(item, str):
            raise TypeError(f"{where}: {column} must be a list of strings, got an item {item!r:.80}")
    return items


def _check_contract(
    labels: Mapping[str, str], options: tuple[str, ...], answer: tuple[str, ...], region: str, where: str
) -> None:
    """The contract's rules across fields: the very ones the release validator applies."""
    problems = question_problems(labels["question_type"], options, answer)
    problems += region_problems(labels["level"], region)
    if problems:
        raise ValueError(f"{where}: {'; '.join(problems)}")


def normalize_reference(record: Any, index: int) -> ValidatedReference:
    """Validate one reference (``index`` is its position, used in errors)."""
    if isinstance(record, Reference):
        record = record._asdict()
    if record.__class__ is not dict and not isinstance(record, Mapping):
        raise TypeError(
            f"reference {index}: expected a mapping of the contract columns, got {type(record).__name__}"
        )
    where = f"reference {index} (id {record.get('id')!r})"
    missing = [column for column in REFERENCE_COLUMNS if column not in record]
    if missing:
        raise ValueError(f"{where}: missing column(s) {missing}; a reference needs {list(REFERENCE_COLUMNS)}")
    for column in _STRING_COLUMNS:
        if record[column].__class__ is not str and not isinstance(record[column], str):
            raise TypeError(f"{where}: {column} must be a string, got {record[column]!r:.80}")
    labels = {column: label_name(column, record[column], where) for column in LABEL_COLUMNS}
    options = _string_list(record["options"], "options", where)
    answer = _string_list(record["answer"], "answer", where)
    _check_contract(labels, options, answer, record["region"], where)
    if labels["question_type"] != "open_ended":
        answer = tuple(text for text in options if text in answer)  # in option order
    return ValidatedReference(
        id=record["id"],
        image_id=record["image_id"],
        question=record["question"],
        options=options,
        answer=answer,
        attribute=record["attribute"],
        region=record["region"],
        **labels,
    )


def normalize_references(references: Sequence[Any]) -> list[ValidatedReference]:
    """Validate every reference; ids must be unique.

    A :class:`ValidatedReference` (what :func:`normalize_reference` returns) passes through
    as it is: the evaluate metric validates in ``add_batch`` and scores the stored records
    in ``compute``. Anything else, a hand-built :class:`Reference` included, is checked.

    >>> normalize_references([{"id": "q1"}])
    Traceback (most recent call last):
    ...
    ValueError: reference 0 (id 'q1'): missing column(s) ['image_id', 'question', 'question_type', \
'options', 'answer', 'quality_dimension', 'image_source', 'level', 'attribute', 'region']; a reference \
needs ['id', 'image_id', 'question', 'question_type', 'options', 'answer', 'quality_dimension', \
'image_source', 'level', 'attribute', 'region']
    """
    records = [
        record if record.__class__ is ValidatedReference else normalize_reference(record, index)
        for index, record in enumerate(references)
    ]
    seen: dict[str, int] = {}
    for index, record in enumerate(records):
        if record.id in seen:
            raise ValueError(
                f"reference {index}: id {record.id!r} already used by reference {seen[record.id]}"
            )
        seen[record.id] = index
    return records
