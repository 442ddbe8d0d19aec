"""The predictions file: one JSON line per question, written by the runner.

Each line holds ``id``, ``response`` (the model's text, or null), ``model``,
``latency_s``, ``usage`` (the server's token counts, or null), ``error`` (why the
request failed, or null) and ``prompt_version``. Only ``id`` and ``response`` (or, for a
failed request, ``error``) are required, so any JSONL of ``id`` + ``response`` can be
scored; a line with neither is an error naming its keys (a typo such as ``respone`` must not score 0 %).

A run that is resumed appends new lines: a failed line for an id is superseded by a
later line for the same id; a second successful line for an id is an error.

>>> import io
>>> buffer = io.StringIO()
>>> append_prediction(buffer, PredictionRecord(id="q1", response="B", model="m"))
>>> print(buffer.getvalue(), end="")  # doctest: +NORMALIZE_WHITESPACE
{"id": "q1", "response": "B", "model": "m", "latency_s": null, "usage": null, "error": null,
 "prompt_version": null}
>>> parse_prediction_line(buffer.getvalue(), source="p.jsonl", line_number=1).response
'B'
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, TextIO

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.contract.jsonl import iter_jsonl, json_problem, surrogate_path

logger = logging.getLogger(__name__)

_OPTIONAL_STRINGS = ("response", "model", "error", "prompt_version")


#: A valid line is never longer than this: replies are capped (see ``run.client``) well below it.
MAX_LINE_BYTES = 64 * 1024 * 1024


class PredictionsFileError(QBenchError):
    """A predictions file that cannot be read as the runner's JSONL format."""


@dataclass(frozen=True)
class PredictionRecord:
    """One question's outcome: the response, or the error that prevented one."""

    id: str
    response: str | None = None
    model: str | None = None
    latency_s: float | None = None
    usage: dict[str, Any] | None = None
    error: str | None = None
    prompt_version: str | None = None
    rotation: int | None = None  # circular runs: the variant's rotation (0 = the dataset's order)
    option_order: tuple[str, ...] | None = None  # circular runs: the options in the order asked

    @property
    def key(self) -> str:
        """The line's key in a predictions file: the id, plus ``@rotation`` for a circular variant.

        >>> PredictionRecord(id="q1").key, PredictionRecord(id="q1", rotation=2, option_order=("b", "a")).key
        ('q1', 'q1@2')
        """
        return self.id if self.rotation is None else f"{self.id}@{self.rotation}"

    @property
    def ok(self) -> bool:
        """True when the request succeeded (its response may still be empty).

        >>> PredictionRecord(id="q1", error="HTTP 500").ok
        False
        """
        return self.error is None

    def to_json(self) -> str:
        """The record as one JSON line (without the newline), fields in declaration order.

        The circular fields are written only on a circular variant's line.
        """
        data = {name: getattr(self, name) for name in _FIELD_NAMES}
        if self.rotation is None:
            del data["rotation"], data["option_order"]
        return json.dumps(data, ensure_ascii=False)


_FIELD_NAMES = tuple(field.name for field in fields(PredictionRecord))


def _check_record_fields(data: Mapping[str, Any], source: str, line: int, text: str) -> None:
    def fail(message: str) -> PredictionsFileError:
        return PredictionsFileError(message, file=source, line=line)

    record_id = data.get("id")
    if not isinstance(record_id, str) or not record_id:
        raise fail(f"expected a non-empty string 'id', got {record_id!r}")
    for name in _OPTIONAL_STRINGS:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise fail(
                f"expected '{name}' to be a string or null for id {record_id!r}, got {type(value).__name__}"
            )
    latency = data.get("latency_s")
    if latency is not None and (isinstance(latency, bool) or not isinstance(latency, (int, float))):
        raise fail(f"expected 'latency_s' to be a number or null for id {record_id!r}, got {latency!r}")
    usage = data.get("usage")
    if usage is not None and not isinstance(usage, dict):
        raise fail(f"expected 'usage' to be an object or null for id {record_id!r}, got {usage!r}")
    if data.get("error") is not None and data.get("response") is not None:
        raise fail(f"id {record_id!r} has both a response and an error; a failed request has no response")
    if "response" not in data and data.get("error") is None:
        raise fail(
            f"id {record_id!r} has no 'response' key (nor an 'error'); found the keys {sorted(data)[:20]}"
        )
    bad = surrogate_path(data, text)
    if bad:
        raise fail(f"'{bad}' holds a lone surrogate (text that cannot be written as UTF-8)")


def circular_problem(data: Mapping[str, Any]) -> str | None:
    """What is wrong with a line's circular fields, or None: ``rotation`` (an int >= 0) and
    ``option_order`` (a list of strings) come together or not at all.

    >>> circular_problem({"id": "q1", "rotation": 1})
    "expected 'option_order' to be a list of strings beside 'rotation' for id 'q1', got None"
    >>> circular_problem({"id": "q1"}) is None
    True
    """
    rotation, order = data.get("rotation"), data.get("option_order")
    if rotation is None and order is None:
        return None
    if isinstance(rotation, bool) or not isinstance(rotation, int) or rotation < 0:
        return f"expected 'rotation' to be an int >= 0 for id {data['id']!r}, got {rotation!r}"
    if not isinstance(order, list) or not all(isinstance(text, str) for text in order):
        return (
            f"expected 'option_order' to be a list of strings beside 'rotation' for id {data['id']!r}, "
            f"got {order!r:.80}"
        )
    return None


def parse_prediction_line(line: str, *, source: str | os.PathLike[str], line_number: int) -> PredictionRecord:
    """Parse and validate one line; errors name ``source`` and ``line_number``.

    >>> parse_prediction_line('{"response": "A"}', source="p.jsonl", line_number=3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qbench_portrait_lib.run.predictions.PredictionsFileError: p.jsonl: line 3: expected a non-empty ...
    >>> parse_prediction_line('{"id": "q1", "respone": "A"}', source="p.jsonl", line_number=1)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qbench_portrait_lib.run.predictions.PredictionsFileError: p.jsonl: line 1: id 'q1' has no 'response' \
key (nor an 'error'); found the keys ['id', 'respone']
    """
    source = os.fspath(source)
    data, problem = json_problem(line)
    if problem is not None:
        raise PredictionsFileError(f"not valid JSON: {problem}", file=source, line=line_number)
    if not isinstance(data, dict):
        raise PredictionsFileError(
            f"expected a JSON object, got {type(data).__name__}", file=source, line=line_number
        )
    _check_record_fields(data, source, line_number, line)
    problem = circular_problem(data)
    if problem is not None:
        raise PredictionsFileError(problem, file=source, line=line_number)
    latency = data.get("latency_s")
    return PredictionRecord(
        id=data["id"],
        response=data.get("response"),
        model=data.get("model"),
        latency_s=None if latency is None else float(latency),
        usage=data.get("usage"),
        error=data.get("error"),
        prompt_version=data.get("prompt_version"),
        rotation=data.get("rotation"),
        option_order=None if data.get("option_order") is None else tuple(data["option_order"]),
    )


def _byte_lines(handle: Any) -> Any:
    """Lines of a binary file, each read with a bound: a line over :data:`MAX_LINE_BYTES` is an error."""
    number = 0
    while raw := handle.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            raise PredictionsFileError(
                f"a line longer than {MAX_LINE_BYTES} bytes; no predictions line is that long",
                file=os.fspath(handle.name),
                line=number,
            )
        yield raw


def _lines_with_response(path: str | os.PathLike[str]) -> int:
    """How many lines of ``path`` parse as an object with a ``response`` key."""
    with open(path, "rb") as handle:
        parsed = (json_problem(text)[0] for _, text, _ in iter_jsonl(_byte_lines(handle)) if text)
        return sum(isinstance(data, dict) and "response" in data for data in parsed)


def read_predictions(path: str | os.PathLike[str]) -> dict[str, PredictionRecord]:
    """Read a predictions file into ``{key: record}``, in first-seen order.

    The key is :attr:`PredictionRecord.key`: the id, or ``id@rotation`` on a circular run's lines.

    A later line for an id replaces an earlier *failed* line (a resumed run retried it);
    two successful lines for one id, or a failure after a success, are an error naming
    both lines. Blank lines are ignored; lines end at ``\\n`` only (U+2028 inside a string
    is text), and each must be UTF-8.
    """
    records: dict[str, PredictionRecord] = {}
    line_of: dict[str, int] = {}
    source = os.fspath(path)
    with open(path, "rb") as handle:
        for line_number, line, problem in iter_jsonl(_byte_lines(handle)):
            if line is None:
                raise PredictionsFileError(f"{problem}", file=source, line=line_number)
            try:
                record = parse_prediction_line(line, source=path, line_number=line_number)
            except PredictionsFileError as error:
                if "has no 'response' key" in error.message and _lines_with_response(path) == 0:
                    raise PredictionsFileError(
                        f"{error.message}. No line of this file has a 'response' key: a predictions file "
                        "holds one JSON object per line with 'id' and 'response' (the model's answer)",
                        file=source,
                        line=line_number,
                    ) from None
                raise
            previous = records.get(record.key)
            if previous is not None and previous.ok:
                outcome = "a second answer" if record.ok else "a failure"
                raise PredictionsFileError(
                    f"duplicate id {record.key!r}: answered at line {line_of[record.key]}, then {outcome} at "
                    f"line {line_number}",
                    file=source,
                    line=line_number,
                )
            records[record.key] = record
            line_of[record.key] = line_number
    return records


def append_prediction(handle: TextIO, record: PredictionRecord) -> None:
    """Write ``record`` as one line with a single write, then flush it.

    Flushing hands the line to the operating system, so killing the process loses
    nothing already written (an fsync per line would guard against power loss too, at a
    large cost in speed; it is not done).
    """
    handle.write(record.to_json() + "\n")
    handle.flush()


def _last_line_start(handle: Any, size: int, block: int = 1 << 20) -> int:
    """Offset just after the last ``\\n`` before ``size`` (0 if none), reading back in blocks."""
    end = size
    while end > 0:
        start = max(0, end - block)
        handle.seek(start)
        found = handle.read(end - start).rfind(b"\n")
        if found >= 0:
            return start + found + 1
        end = start
    return 0


def drop_torn_last_line(path: str | os.PathLike[str]) -> bool:
    """Remove a final line cut short by a killed writer; return whether one was removed.

    Only a last line with no newline that is not valid JSON is removed (and logged):
    its request is simply sent again by the resumed run. The line's start is found by
    reading back in blocks, so a torn line of any length is handled without reading it
    whole when it is longer than any valid line (:data:`MAX_LINE_BYTES`).
    """
    if not os.path.exists(path):
        return False
    with open(path, "rb+") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        if size == 0:
            return False
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return False
        cut = _last_line_start(handle, size)
        torn = size - cut > MAX_LINE_BYTES
        if not torn:
            handle.seek(cut)
            torn = json_problem(handle.read().decode("utf-8", "replace"))[1] is not None
        if torn:
            handle.truncate(cut)
            logger.warning(
                "%s: removed a torn last line (%d bytes, no newline); its question will be asked again",
                os.fspath(path),
                size - cut,
            )
            return True
        handle.seek(size)
        handle.write(b"\n")
        return False
