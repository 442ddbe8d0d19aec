"""The raw release's record format: aliases and shorthands resolved, then the contract's checker.

:func:`normalise_record` turns a raw record (contract names or the Q-Bench aliases
``img_path``/``candidates``/``correct_ans``) into a contract row without the image
bytes, and returns every problem it finds instead of stopping at the first one.
The release reader gathers these problems over all records and raises one
:class:`ReleaseValidationError`. The row itself is checked by
:func:`qbench_portrait_lib.contract.rows.check_row`, the checker the scorer and the metric use too.

>>> row, problems = normalise_record({
...     "id": "q1", "img_path": "a.jpg", "question": "Is the face sharp?",
...     "question_type": "true_false", "correct_ans": True,
...     "quality_dimension": "technical", "image_source": "natural", "level": "global",
...     "attribute": "blur"})
>>> problems, row["options"], row["answer"], row["image_id"], row["region"]
([], ['True', 'False'], ['True'], 'a.jpg', '')
>>> _, problems = normalise_record({"id": "q2", "question_type": "essay"})
>>> problems[:2]
["missing required field 'image' (or its alias 'img_path')", "missing columns ['image_id', 'question', \
'options', 'answer', 'quality_dimension', 'image_source', 'level', 'attribute']; a row needs ['id', \
'image_id', 'question', 'question_type', 'options', 'answer', 'quality_dimension', 'image_source', 'level', \
'attribute', 'region']"]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qbench_portrait_lib.contract.columns import COLUMNS, TRUE_FALSE_OPTIONS
from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.contract.rows import check_row

#: Q-Bench-family field names accepted in place of the contract names.
ALIASES: dict[str, str] = {"img_path": "image", "candidates": "options", "correct_ans": "answer"}

#: Fields a record may carry: the contract's columns and their aliases (others are reported, not kept).
KNOWN_FIELDS: frozenset[str] = frozenset(COLUMNS) | frozenset(ALIASES)


#: Problems a :class:`ReleaseValidationError` message lists before the count of the rest.
MAX_PROBLEMS_SHOWN = 50


class ReleaseValidationError(QBenchError):
    """A raw release (or the sample) breaks the data contract.

    ``problems`` lists the problems kept (each naming file, record index and id); ``total``
    counts all of them (a validator may keep only some of each kind). The message lists
    at most :data:`MAX_PROBLEMS_SHOWN` and says how many more there are.

    >>> err = ReleaseValidationError("rel", ["a.jsonl: record 0 (id 'x'): bad"])
    >>> err.problems
    ["a.jsonl: record 0 (id 'x'): bad"]
    >>> print(err)
    release rel has 1 problem:
    - a.jsonl: record 0 (id 'x'): bad
    >>> print(ReleaseValidationError("rel", ["p1", "p2"], total=900).message.splitlines()[-1])
    (898 more problems, not listed)
    """

    def __init__(self, source: str, problems: list[str], *, total: int | None = None) -> None:
        self.source = source
        self.problems = list(problems)
        self.total = max(len(self.problems), total or 0)
        noun = "problem" if self.total == 1 else "problems"
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        lines = [f"release {source} has {self.total} {noun}:", *(f"- {problem}" for problem in shown)]
        if self.total > len(shown):
            rest = self.total - len(shown)
            lines.append(f"({rest} more {'problem' if rest == 1 else 'problems'}, not listed)")
        super().__init__("\n".join(lines))


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


def _image_path(record: Mapping[str, Any], problems: list[str]) -> str:
    value = record.get("image")
    if value is None:
        problems.append("missing required field 'image' (or its alias 'img_path')")
        return ""
    if not isinstance(value, str) or not value.strip():
        problems.append(f"field 'image' must be a non-empty relative path, got {value!r:.80}")
        return ""
    return value


def _release_defaults(record: dict[str, Any]) -> dict[str, Any]:
    """The raw format's shorthands, spelled out as contract columns.

    ``options`` may be omitted for true/false (``["True", "False"]``) and open-ended (``[]``)
    questions, a true/false ``answer`` may be a bool, any ``answer`` a single string,
    ``image_id`` defaults to the image path and ``region`` to ``""``.
    """
    qtype = record.get("question_type")
    if record.get("options") is None and qtype in ("true_false", "open_ended"):
        record["options"] = list(TRUE_FALSE_OPTIONS) if qtype == "true_false" else []
    answer = record.get("answer")
    if isinstance(answer, bool) and qtype == "true_false":
        record["answer"] = ["True" if answer else "False"]
    elif isinstance(answer, str):
        record["answer"] = [answer]
    if record.get("image_id") is None:
        record["image_id"] = record.get("image")
    if record.get("region") is None:
        record["region"] = ""
    return record


def normalise_record(record: Any) -> tuple[dict[str, Any], list[str]]:
    """Check ``record`` and return ``(row, problems)``.

    The release format's aliases and shorthands are resolved, then the contract's one
    row checker (:func:`~qbench_portrait_lib.contract.rows.check_row`) checks the row.
    ``row`` holds every contract column except ``image``, plus ``image_path`` (the
    image's relative path as written in the record); when there are problems it holds
    only ``id`` and ``image_path``, for the checks across records. Problems are plain
    sentences without location; the caller prefixes file, record index and id.
    """
    if not isinstance(record, Mapping):
        return {}, [f"a record must be a JSON object, got {type(record).__name__}"]
    problems: list[str] = []
    resolved = _release_defaults(_resolve_aliases(record, problems))
    image_path = _image_path(resolved, problems)
    row, row_problems = check_row(resolved)
    problems += [_with_alias_hint(problem) for problem in row_problems]
    if row is None:  # what the reader still checks across records: the id and the image
        record_id = resolved.get("id")
        return {"id": record_id if isinstance(record_id, str) else "", "image_path": image_path}, problems
    return {
        **row._asdict(),
        "options": list(row.options),
        "answer": list(row.answer),
        "image_path": image_path,
    }, problems


def _with_alias_hint(problem: str) -> str:
    """Name the Q-Bench alias beside a missing contract column the raw format also accepts under it."""
    for alias, name in ALIASES.items():
        if problem == f"missing column {name!r}":
            return f"{problem} (or its alias {alias!r})"
    return problem


def unknown_fields(record: Any) -> list[str]:
    """Fields of ``record`` that are neither contract names nor aliases (they are not kept).

    >>> unknown_fields({"id": "q1", "concern": "blur"})
    ['concern']
    """
    if not isinstance(record, Mapping):
        return []
    return sorted(key for key in record if key not in KNOWN_FIELDS)
