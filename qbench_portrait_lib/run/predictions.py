"""The predictions file: one JSON line per question, written by the runner.

Each line holds ``id``, ``response`` (the model's text, or null), ``model``,
``latency_s``, ``usage`` (the server's token counts, or null), ``error`` (why the
request failed, or null) and ``prompt_version``. Only ``id`` is required, so any JSONL
of ``id`` + ``response`` can be scored.

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

logger = logging.getLogger(__name__)

_OPTIONAL_STRINGS = ("response", "model", "error", "prompt_version")


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

    @property
    def ok(self) -> bool:
        """True when the request succeeded (its response may still be empty).

        >>> PredictionRecord(id="q1", error="HTTP 500").ok
        False
        """
        return self.error is None

    def to_json(self) -> str:
        """The record as one JSON line (without the newline), fields in declaration order."""
        return json.dumps({name: getattr(self, name) for name in _FIELD_NAMES}, ensure_ascii=False)


_FIELD_NAMES = tuple(field.name for field in fields(PredictionRecord))


def _check_record_fields(data: Mapping[str, Any], where: str) -> None:
    record_id = data.get("id")
    if not isinstance(record_id, str) or not record_id:
        raise PredictionsFileError(f"{where}: expected a non-empty string 'id', got {record_id!r}")
    for name in _OPTIONAL_STRINGS:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise PredictionsFileError(
                f"{where}: expected '{name}' to be a string or null for id {record_id!r}, "
                f"got {type(value).__name__}"
            )
    latency = data.get("latency_s")
    if latency is not None and (isinstance(latency, bool) or not isinstance(latency, (int, float))):
        raise PredictionsFileError(
            f"{where}: expected 'latency_s' to be a number or null for id {record_id!r}, got {latency!r}"
        )
    usage = data.get("usage")
    if usage is not None and not isinstance(usage, dict):
        raise PredictionsFileError(
            f"{where}: expected 'usage' to be an object or null for id {record_id!r}, got {usage!r}"
        )
    if data.get("error") is not None and data.get("response") is not None:
        raise PredictionsFileError(
            f"{where}: id {record_id!r} has both a response and an error; a failed request has no response"
        )


def parse_prediction_line(line: str, *, source: str | os.PathLike[str], line_number: int) -> PredictionRecord:
    """Parse and validate one line; errors name ``source`` and ``line_number``.

    >>> parse_prediction_line('{"response": "A"}', source="p.jsonl", line_number=3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qbench_portrait_lib.run.predictions.PredictionsFileError: p.jsonl line 3: expected a non-empty ...
    """
    where = f"{os.fspath(source)} line {line_number}"
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise PredictionsFileError(f"{where}: not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(data, dict):
        raise PredictionsFileError(f"{where}: expected a JSON object, got {type(data).__name__}")
    _check_record_fields(data, where)
    latency = data.get("latency_s")
    return PredictionRecord(
        id=data["id"],
        response=data.get("response"),
        model=data.get("model"),
        latency_s=None if latency is None else float(latency),
        usage=data.get("usage"),
        error=data.get("error"),
        prompt_version=data.get("prompt_version"),
    )


def read_predictions(path: str | os.PathLike[str]) -> dict[str, PredictionRecord]:
    """Read a predictions file into ``{id: record}``, in first-seen order.

    A later line for an id replaces an earlier *failed* line (a resumed run retried it);
    two successful lines for one id, or a failure after a success, are an error naming
    both lines. Blank lines are ignored.
    """
    records: dict[str, PredictionRecord] = {}
    line_of: dict[str, int] = {}
    with open(path, encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            record = parse_prediction_line(line, source=path, line_number=line_number)
            previous = records.get(record.id)
            if previous is not None and previous.ok:
                outcome = "a second answer" if record.ok else "a failure"
                raise PredictionsFileError(
                    f"{os.fspath(path)} line {line_number}: duplicate id {record.id!r}: answered at line "
                    f"{line_of[record.id]}, then {outcome} at line {line_number}"
                )
            records[record.id] = record
            line_of[record.id] = line_number
    return records


def append_prediction(handle: TextIO, record: PredictionRecord) -> None:
    """Write ``record`` as one line with a single write, then flush it.

    Flushing hands the line to the operating system, so killing the process loses
    nothing already written (an fsync per line would guard against power loss too, at a
    large cost in speed; it is not done).
    """
    handle.write(record.to_json() + "\n")
    handle.flush()


def drop_torn_last_line(path: str | os.PathLike[str]) -> bool:
    """Remove a final line cut short by a killed writer; return whether one was removed.

    Only a last line with no newline that is not valid JSON is removed (and logged):
    its request is simply sent again by the resumed run.
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
        # Find the start of the last line (reading back in blocks is enough for JSONL lines).
        start = max(0, size - 1_000_000)
        handle.seek(start)
        tail = handle.read()
        cut = tail.rfind(b"\n") + 1
        fragment = tail[cut:]
        try:
            json.loads(fragment)
        except ValueError:
            handle.truncate(start + cut)
            logger.warning(
                "%s: removed a torn last line (%d bytes, no newline); its question will be asked again",
                os.fspath(path),
                len(fragment),
            )
            return True
        handle.write(b"\n")
        return False
