"""Bounded problem reports: a hostile release cannot flood the terminal or exhaust memory.

A release with a million empty records has nine million problems, and one with a 5 MB id
repeats that id in every sentence about it. :class:`ProblemLog` keeps the first
``per_kind`` problems of each kind (by default the sentence with its numbers and long
quoted values blanked out; the caller may pass the sentence without its location), cuts
each kept sentence to ``max_chars``, and only counts the rest, so what a report holds is
bounded whatever the release holds; the total stays exact.

>>> log = ProblemLog(per_kind=2, max_chars=80)
>>> for index in range(5):
...     log.add(f"annotations.jsonl: record {index}: missing required field 'question'")
>>> log.add("annotations.jsonl: record 9: id " + repr("x" * 1000))
>>> log.total, len(log.kept), log.omitted
(6, 3, 3)
>>> log.kept[-1]
"annotations.jsonl: record 9: id 'xxxxxxxxxxxxxxxxx… [984 characters cut]"
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

#: Problems kept per kind (later ones are counted, not kept).
DEFAULT_PER_KIND = 20
#: Longest problem sentence kept; longer ones are cut in the middle of a value.
DEFAULT_MAX_CHARS = 1000
#: Problems kept in all.
DEFAULT_MAX_KEPT = 1000

_VARIABLE = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\d+")
_SHORT_QUOTE = 40


def _blank(match: re.Match[str]) -> str:
    text = match.group()
    return text if text[0] in "'\"" and len(text) <= _SHORT_QUOTE else "#"


@functools.lru_cache(maxsize=4096)  # the sentences of one release repeat: each is blanked once
def problem_kind(problem: str) -> str:
    """The problem with numbers and long quoted values blanked: problems of one kind share it.

    >>> problem_kind("missing required field 'answer' in record 3")
    "missing required field 'answer' in record #"
    >>> problem_kind("options " + repr("x" * 100) + " and 'y' are the same")
    "options # and 'y' are the same"
    """
    return _VARIABLE.sub(_blank, problem[:2000])


def shorten(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """``text`` cut to about ``max_chars`` characters, saying how much was cut.

    >>> shorten("abc", 10), shorten("x" * 100, 40)
    ('abc', 'xxxxxxxxxx… [90 characters cut]')
    """
    if len(text) <= max_chars:
        return text
    note_length = 30
    keep = max(0, max_chars - note_length)
    return f"{text[:keep]}… [{len(text) - keep} characters cut]"


class ProblemLog:
    """Problems of one validation, kept within bounds (see the module docs)."""

    def __init__(
        self,
        *,
        per_kind: int = DEFAULT_PER_KIND,
        max_chars: int = DEFAULT_MAX_CHARS,
        max_kept: int = DEFAULT_MAX_KEPT,
    ) -> None:
        self.per_kind = per_kind
        self.max_chars = max_chars
        self.max_kept = max_kept
        self.kept: list[str] = []
        self.total = 0
        self._per_kind: dict[str, int] = {}

    def add(self, problem: str, kind: str | None = None) -> None:
        """Count ``problem``; keep it (shortened) unless its kind, or the log, is full.

        ``kind`` defaults to :func:`problem_kind` of ``problem``; pass the kind of the
        sentence without its location (file, record, id) when it has one.
        """
        self.total += 1
        if len(self.kept) >= self.max_kept:
            return
        kind = problem_kind(problem) if kind is None else kind
        seen = self._per_kind.get(kind, 0)
        if seen < self.per_kind:
            self.kept.append(shorten(problem, self.max_chars))
        self._per_kind[kind] = seen + 1

    def extend(self, problems: Iterable[str]) -> None:
        """:meth:`add` every problem of ``problems``."""
        for problem in problems:
            self.add(problem)

    @property
    def omitted(self) -> int:
        """Problems counted but not kept."""
        return self.total - len(self.kept)

    def __bool__(self) -> bool:
        return self.total > 0
