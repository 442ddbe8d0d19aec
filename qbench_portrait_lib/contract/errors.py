"""The one base class of the package's errors about the user's input.

Every error a user can cause by what they pass (a release, a predictions file, an
endpoint, a flag) is a :class:`QBenchError`: it says what was expected and what was
received, and carries where — the file, the record and the line — so the CLI turns it
into one clear message and a non-zero exit, while an unexpected bug keeps its traceback.
It subclasses ``ValueError`` so callers that catch ``ValueError`` keep working.

>>> err = QBenchError("expected a 'response' key, got keys ['id', 'respone']",
...                   file="run.jsonl", line=3, record="q7")
>>> print(err)
run.jsonl: line 3: record 'q7': expected a 'response' key, got keys ['id', 'respone']
>>> err.file, err.line, err.record
('run.jsonl', 3, 'q7')
>>> isinstance(err, ValueError)
True
"""

from __future__ import annotations

import os


class QBenchError(ValueError):
    """Bad input, described with its location (any of file, line and record may be absent).

    >>> print(QBenchError("no data_dir given"))
    no data_dir given
    >>> print(QBenchError("bad label", record=4))
    record 4: bad label
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | os.PathLike[str] | None = None,
        line: int | None = None,
        record: str | int | None = None,
    ) -> None:
        self.message = message
        self.file = None if file is None else os.fspath(file)
        self.line = line
        self.record = record
        super().__init__(self._located())

    def _located(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.record is not None:
            record = repr(self.record) if isinstance(self.record, str) else self.record
            parts.append(f"record {record}")
        return ": ".join([*parts, self.message])


class MissingExtraError(QBenchError, ImportError):
    """An optional extra needed for the requested work is not installed; the message names it.

    >>> err = MissingExtraError("charts need matplotlib: pip install 'qbench-portrait[report]'")
    >>> isinstance(err, ImportError), isinstance(err, QBenchError)
    (True, True)
    """
