"""Reading a release's annotations file: every record with its line, every failure a problem.

``annotations.jsonl`` is split on ``\\n`` only (U+2028 or U+0085 inside a string is text,
as ``json.dumps(..., ensure_ascii=False)`` writes it), and each line is decoded as UTF-8
on its own, so a bad byte names its line. Deep nesting, integer literals too long to
convert and lone surrogates are problems naming the file and line, not crashes. A file
over ``max_bytes`` is refused before it is read.

>>> import tempfile
>>> from qbench_portrait_lib.data.problems import ProblemLog
>>> path = Path(tempfile.mkdtemp()) / "annotations.jsonl"
>>> _ = path.write_bytes(b'{"id": "q1\\xe2\\x80\\xa8"}\\n[[[\\n{"id": "\\\\udc00"}\\n')
>>> log = ProblemLog()
>>> read_annotation_records(path, log)
[({'id': 'q1\\u2028'}, 1)]
>>> log.kept
['annotations.jsonl: line 2: malformed JSON: Expecting value at column 4', \
"annotations.jsonl: line 3: field 'id' holds a lone surrogate (text that cannot be written as UTF-8)"]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qbench_portrait_lib.contract.jsonl import iter_jsonl, json_problem, may_hold_surrogate, surrogate_path
from qbench_portrait_lib.data.problems import ProblemLog

#: Largest annotations file read (the full benchmark's is about 2 MB).
DEFAULT_MAX_ANNOTATIONS_BYTES = 256 * 1024 * 1024


def _surrogate_problem(record: Any, text: str | None) -> str | None:
    where = surrogate_path(record, text)
    if where is None:
        return None
    return f"field {where!r} holds a lone surrogate (text that cannot be written as UTF-8)"


def _read_json_list(path: Path, data: bytes, problems: ProblemLog) -> list[tuple[Any, int | None]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.add(f"{path.name}: line {line}: not UTF-8 text (byte 0x{data[error.start]:02x})")
        return []
    records, problem = json_problem(text)
    if problem is not None:
        problems.add(f"{path.name}: malformed JSON: {problem}")
        return []
    if not isinstance(records, list):
        problems.add(f"{path.name}: expected a JSON list of records, got {type(records).__name__}")
        return []
    kept: list[tuple[Any, int | None]] = []
    walk = may_hold_surrogate(text)  # one scan of the file instead of a walk per record
    for index, record in enumerate(records):
        surrogate = _surrogate_problem(record, None) if walk else None
        if surrogate is not None:
            problems.add(f"{path.name}: record {index}: {surrogate}")
        else:
            kept.append((record, None))
    return kept


def read_annotation_records(
    path: Path, problems: ProblemLog, max_bytes: int = DEFAULT_MAX_ANNOTATIONS_BYTES
) -> list[tuple[Any, int | None]]:
    """``(record, line number or None)`` for every readable record; the rest go to ``problems``.

    A record whose JSON is unreadable, or that holds a lone surrogate, is reported and left
    out (with its line); the caller validates the records' fields.
    """
    try:
        size = path.stat().st_size
        if size > max_bytes:
            problems.add(
                f"{path.name}: {size} bytes, over the limit of {max_bytes} bytes for an annotations file"
            )
            return []
        data = path.read_bytes()
    except OSError as error:
        problems.add(f"{path.name}: cannot be read: {error}")
        return []
    if path.suffix == ".json":
        return _read_json_list(path, data, problems)
    records: list[tuple[Any, int | None]] = []
    for line_number, text, problem in iter_jsonl(data):
        if text is None:
            problems.add(f"{path.name}: line {line_number}: {problem}")
            continue
        record, problem = json_problem(text)
        if problem is None:
            problem = _surrogate_problem(record, text)
        if problem is not None:
            prefix = "" if "surrogate" in problem else "malformed JSON: "
            problems.add(f"{path.name}: line {line_number}: {prefix}{problem}")
            continue
        records.append((record, line_number))
    return records
