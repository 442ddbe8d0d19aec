"""Checks of one annotation record against the data contract.

:func:`normalise_record` turns a raw record (contract names or the Q-Bench aliases
``img_path``/``candidates``/``correct_ans``) into a contract row without the image
bytes, and returns every problem it finds instead of stopping at the first one.
The release reader gathers these problems over all records and raises one
:class:`ReleaseValidationError`. The rules across fields (options, answer, region) are
:mod:`qbench_portrait_lib.contract.rules`, which the scorer applies too.

>>> row, problems = normalise_record({
...     "id": "q1", "img_path": "a.jpg", "question": "Is the face sharp?",
...     "question_type": "true_false", "correct_ans": True,
...     "quality_dimension": "technical", "image_source": "natural", "level": "global",
...     "attribute": "blur"})
>>> problems, row["options"], row["answer"], row["image_id"], row["region"]
([], ['True', 'False'], ['True'], 'a.jpg', '')
>>> _, problems = normalise_record({"id": "q2", "question_type": "essay"})
>>> problems[:2]
["missing required field 'image' (or its alias 'img_path')", "missing required field 'question'"]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qbench_portrait_lib.contract.columns import LABEL_COLUMNS, TRUE_FALSE_OPTIONS
from qbench_portrait_lib.contract.rules import question_problems, region_problems

#: Q-Bench-family field names accepted in place of the contract names.
ALIASES: dict[str, str] = {"img_path": "image", "candidates": "options", "correct_ans": "answer"}

#: Fields a record must carry (after aliases); ``options``, ``image_id`` and ``region`` may be omitted.
REQUIRED_FIELDS: tuple[str, ...] = (
    "id",
    "image",
    "question",
    "question_type",
    "answer",
    "quality_dimension",
    "image_source",
    "level",
    "attribute",
)
OPTIONAL_FIELDS: tuple[str, ...] = ("options", "image_id", "region")
KNOWN_FIELDS: frozenset[str] = frozenset(REQUIRED_FIELDS + OPTIONAL_FIELDS) | frozenset(ALIASES)


class ReleaseValidationError(ValueError):
    """A raw release (or the sample) breaks the data contract.

    ``problems`` lists every problem found, each naming file, record index and id.

    >>> err = ReleaseValidationError("rel", ["a.jsonl: record 0 (id 'x'): bad"])
    >>> err.problems
    ["a.jsonl: record 0 (id 'x'): bad"]
    >>> print(err)
    release rel has 1 problem:
    - a.jsonl: record 0 (id 'x'): bad
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = list(problems)
        noun = "problem" if len(self.problems) == 1 else "problems"
        listing = "\n".join(f"- {problem}" for problem in self.problems)
        super().__init__(f"release {source} has {len(self.problems)} {noun}:\n{listing}")


def _resolve_aliases(record: Mapping[str, Any], problems: list[str]) -> dict[str, Any]:
    resolved = {key: value for key, value in record.items() if key not in ALIASES}
    for alias, name in ALIASES.items():
        if alias not in record:
            continue
        if name in record:
            problems.append(f"has both {name!r} and its alias {alias!r}; keep one")
        else:
            resolved[name] = record[alias]
    return resolved


def _string_field(record: Mapping[str, Any], name: str, problems: list[str], *, empty_ok: bool) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(f"field {name!r} must be a string, got {type(value).__name__} {value!r}")
        return ""
    if not empty_ok and not value.strip():
        problems.append(f"field {name!r} must not be empty")
    return value


def _string_list(value: Any, name: str, problems: list[str]) -> list[str] | None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.append(f"field {name!r} must be a list of strings, got {value!r}")
        return None
    return value


def _label(record: Mapping[str, Any], name: str, problems: list[str]) -> str | None:
    value = record.get(name)
    if value is None:
        return None
    names = LABEL_COLUMNS[name]
    if value not in names:
        problems.append(f"unknown {name} {value!r}; expected one of {list(names)}")
        return None
    return value


def _answer_list(record: Mapping[str, Any], qtype: str | None, problems: list[str]) -> list[str] | None:
    value = record.get("answer")
    if value is None:
        return None
    if isinstance(value, bool) and qtype == "true_false":
        return ["True" if value else "False"]
    if isinstance(value, str):
        return [value]
    return _string_list(value, "answer", problems)


def _options_list(record: Mapping[str, Any], qtype: str | None, problems: list[str]) -> list[str] | None:
    if record.get("options") is None:
        if qtype == "true_false":
            return list(TRUE_FALSE_OPTIONS)
        if qtype in ("single_choice", "multiple_choice"):
            problems.append(f"a {qtype} question needs 'options' (or its alias 'candidates')")
            return None
        return []
    return _string_list(record["options"], "options", problems)


def normalise_record(record: Any) -> tuple[dict[str, Any], list[str]]:
    """Check ``record`` and return ``(row, problems)``.

    ``row`` holds every contract column except ``image``, plus ``image_path`` (the
    image's relative path as written in the record); it is only meaningful when
    ``problems`` is empty. Problems are plain sentences without location; the caller
    prefixes file, record index and id.
    """
    problems: list[str] = []
    if not isinstance(record, Mapping):
        return {}, [f"a record must be a JSON object, got {type(record).__name__}"]
    record = _resolve_aliases(record, problems)
    for name in REQUIRED_FIELDS:
        if record.get(name) is None:
            alias = next((a for a, n in ALIASES.items() if n == name), None)
            hint = f" (or its alias {alias!r})" if alias else ""
            problems.append(f"missing required field {name!r}{hint}")
    row: dict[str, Any] = {
        "id": _string_field(record, "id", problems, empty_ok=False),
        "image_path": _string_field(record, "image", problems, empty_ok=False),
        "question": _string_field(record, "question", problems, empty_ok=False),
        "attribute": _string_field(record, "attribute", problems, empty_ok=False),
        "region": _string_field(record, "region", problems, empty_ok=True),
    }
    row["image_id"] = _string_field(record, "image_id", problems, empty_ok=False) or row["image_path"]
    labels = {name: _label(record, name, problems) for name in LABEL_COLUMNS}
    row.update(labels)
    qtype = labels["question_type"]
    options = _options_list(record, qtype, problems)
    answer = _answer_list(record, qtype, problems)
    row["options"], row["answer"] = options, answer
    if qtype is not None and options is not None and answer is not None:
        problems.extend(question_problems(qtype, options, answer))
    if labels["level"] is not None:
        problems.extend(region_problems(labels["level"], row["region"]))
    return row, problems


def unknown_fields(record: Any) -> list[str]:
    """Fields of ``record`` that are neither contract names nor aliases (they are not kept).

    >>> unknown_fields({"id": "q1", "concern": "blur"})
    ['concern']
    """
    if not isinstance(record, Mapping):
        return []
    return sorted(key for key in record if key not in KNOWN_FIELDS)
