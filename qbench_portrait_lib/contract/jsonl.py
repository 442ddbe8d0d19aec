"""Reading the contract's JSON files safely: every failure is a sentence, never a crash.

The annotations of a release and a predictions file are JSON written by other tools. What
Python's ``json`` module does with hostile input is not a message a user can act on: deep
nesting raises ``RecursionError``, a 5,000-digit integer prints the interpreter's digit
limit, a lone surrogate (``"\\ud800"``) is accepted and breaks later writers, and
``str.splitlines`` cuts a JSONL line at U+2028 or U+0085 that ``json.dumps(...,
ensure_ascii=False)`` writes raw inside strings. Here:

- :func:`json_problem` parses one text and returns the value or a sentence saying why not;
- :func:`iter_jsonl` splits bytes on ``b"\\n"`` only and decodes each line as UTF-8 on its own,
  so a bad byte names its line;
- :func:`surrogate_path` finds a string holding a lone surrogate (not encodable as UTF-8);
  given the JSON text the value came from, it skips the walk when that text cannot produce
  one (no ``\\uD800``-``\\uDFFF`` escape, no surrogate character).

>>> json_problem('{"id": "q1"}')
({'id': 'q1'}, None)
>>> json_problem("[" * 100_000)[1]
'nested too deeply (arrays or objects inside each other hundreds of levels deep)'
>>> json_problem("1" * 5000)[1]
'an integer literal with 5000 digits (at most 4300 are accepted)'
>>> [line for line in iter_jsonl(b'{"a": "x\\xe2\\x80\\xa8y"}\\n\\n\\xff\\n')]
[(1, '{"a": "x\\u2028y"}', None), (3, None, 'not UTF-8 text (byte 0xff at column 1)')]
>>> surrogate_path({"id": "q1", "options": ["ok", "bad \\ud800"]})
'options[1]'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

#: Longest integer literal accepted (Python's default conversion limit).
MAX_INT_DIGITS = 4300
_LONG_INT = re.compile(rf"(?<![\w.\"])-?\d{{{MAX_INT_DIGITS + 1},}}")
#: What a JSON text needs to yield a lone surrogate: a ``\\uD800``-``\\uDFFF`` escape or the character.
_SURROGATE_SOURCE = re.compile(r"\\u[dD][89abcdefABCDEF]|[\ud800-\udfff]")


def json_problem(text: str) -> tuple[Any, str | None]:
    """``(value, None)`` for valid JSON, else ``(None, why)``; never raises on bad input."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}" if "\n" in text else f"column {error.colno}"
        return None, f"{error.msg} at {where}"
    except RecursionError:
        return None, "nested too deeply (arrays or objects inside each other hundreds of levels deep)"
    except ValueError:  # Python's integer digit limit
        match = _LONG_INT.search(text)
        digits = len(match.group().lstrip("-")) if match else "too many"
        return None, f"an integer literal with {digits} digits (at most {MAX_INT_DIGITS} are accepted)"


def iter_jsonl(data: bytes | Iterable[bytes]) -> Iterator[tuple[int, str | None, str | None]]:
    """``(line number, text, None)`` per non-blank line, or ``(line number, None, why)`` if not UTF-8.

    ``data`` is the file's bytes or an iterable of byte lines (an open binary file): lines
    end at ``b"\\n"`` only, whatever Unicode line separators their strings hold.
    """
    lines = data.split(b"\n") if isinstance(data, bytes) else data
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            byte = raw[error.start]
            yield number, None, f"not UTF-8 text (byte 0x{byte:02x} at column {error.start + 1})"
            continue
        yield number, text.rstrip("\r\n"), None


def surrogate_path(value: Any, text: str | None = None) -> str | None:
    """Where in ``value`` a string (or key) holds a lone surrogate, e.g. ``"options[1]"``; None if nowhere.

    Walks the value with an explicit stack, so any nesting the parser accepted is fine.
    ``text``, the JSON ``value`` was parsed from, makes the common case cheap: without a
    surrogate escape or character in it, no string of ``value`` can hold one.

    >>> surrogate_path({"id": "\\ud800"}, text='{"id": "\\\\ud800"}')
    'id'
    >>> surrogate_path({"id": "ok"}, text='{"id": "ok"}') is None
    True
    """
    if text is not None and not may_hold_surrogate(text):
        return None
    pending: list[tuple[Any, str]] = [(value, "")]
    while pending:
        item, path = pending.pop()
        if isinstance(item, str):
            if not _encodable(item):
                return path or "value"
        elif isinstance(item, dict):
            for key, child in reversed(list(item.items())):
                if not _encodable(str(key)):
                    return f"{path}.<key>" if path else "<key>"
                pending.append((child, f"{path}.{key}" if path else str(key)))
        elif isinstance(item, list):
            pending.extend((child, f"{path}[{index}]") for index, child in reversed(list(enumerate(item))))
    return None


def may_hold_surrogate(text: str) -> bool:
    """Whether JSON ``text`` can parse to a string holding a lone surrogate (one regex scan).

    >>> may_hold_surrogate('{"id": "q1"}'), may_hold_surrogate('{"id": "\\\\uDC00"}')
    (False, True)
    """
    return _SURROGATE_SOURCE.search(text) is not None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
