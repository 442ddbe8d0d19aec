"""The CLI's one error policy.

A :class:`~qbench_portrait_lib.contract.errors.QBenchError` (bad input: a release, a
predictions file, an endpoint, a setting) and the few operating-system errors a user causes
with a path (:data:`EXPECTED_OS_ERRORS`) become one line ``Error: <message>`` on stderr
and exit status 1. Anything else is a bug and keeps its traceback. Bad flags are click's
usage errors (exit status 2).

>>> error_message(FileNotFoundError(2, "No such file or directory", "runs/a.jsonl"))
'No such file or directory: runs/a.jsonl'
>>> error_message(QBenchError("expected a JSON object, got list", file="p.jsonl", line=3))
'p.jsonl: line 3: expected a JSON object, got list'
"""

from __future__ import annotations

import logging
import os
from typing import Any

import click

from qbench_portrait_lib.contract.errors import QBenchError

logger = logging.getLogger(__name__)

#: Operating-system errors a user causes by the paths they pass; shown as messages, not tracebacks.
EXPECTED_OS_ERRORS: tuple[type[OSError], ...] = (
    FileNotFoundError,
    FileExistsError,
    IsADirectoryError,
    NotADirectoryError,
    PermissionError,
)

#: Everything the handler turns into a message.
EXPECTED_ERRORS: tuple[type[Exception], ...] = (QBenchError, *EXPECTED_OS_ERRORS)


def error_message(error: Exception) -> str:
    """The message shown for an expected error: its text, paths unquoted, no errno."""
    if isinstance(error, OSError) and error.strerror and error.filename is not None:
        names = [os.fsdecode(error.filename)]
        if error.filename2 is not None:
            names.append(os.fsdecode(error.filename2))
        return f"{error.strerror}: {' -> '.join(names)}"
    return str(error)


class HandledGroup(click.Group):
    """A click group whose commands' expected errors become ``Error: <message>`` and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; re-raise an expected error as a :class:`click.ClickException`."""
        try:
            return super().invoke(ctx)
        except EXPECTED_ERRORS as error:
            logger.debug("command failed on its input", exc_info=True)
            raise click.ClickException(error_message(error)) from error
