"""Text normalisation shared by answer extraction.

A model response goes through :func:`prepare_response` before any rule reads it:

1. reasoning blocks are dropped: only what follows the last ``</think>`` counts, and a
   ``<think>`` that is never closed leaves nothing (the model never got to an answer);
2. the length is bounded (:data:`HEAD_CHARS` + :data:`TAIL_CHARS`): a response longer
   than that keeps its head (terse answers come first) and its tail (chain-of-thought
   ends with the final statement), so the cost of every later rule is bounded;
3. Unicode compatibility forms are folded (NFKC: ``Ｂ`` -> ``B``, ``：`` -> ``:``,
   ``（Ｂ）`` -> ``(B)``), typographic quotes and CJK punctuation are mapped to ASCII,
   markdown emphasis and code marks are removed and LaTeX ``\\text{...}`` wrappers unwrapped.

``fold_characters`` and ``normalize_option`` live in the leaf module
:mod:`qbench_portrait_lib.contract.options` (the release validator uses them too) and are
re-exported here.

>>> prepare_response("<think>maybe A</think>  **答案：（Ｂ）**")
'答案:(B)'
>>> prepare_response("<think>still thinking about A") == ""
True
>>> normalize_option("  Very   LOW. ")
'very low'
"""

from __future__ import annotations

import re
from bisect import bisect_right

from qbench_portrait_lib.contract.options import fold_characters
from qbench_portrait_lib.contract.options import normalize_option as normalize_option  # re-exported

#: Characters kept from the start of a long response.
HEAD_CHARS = 2_000
#: Characters kept from the end of a long response (where the final answer usually is).
TAIL_CHARS = 8_000

_WINDOW_GAP = "\n\n"
# "It is slightly blurry, isn't it?" asserts rather than asks.
_TAG_QUESTION = re.compile(r", ?(?:[a-z]+n't (?:it|they|he|she|this|that)|right|correct|no)\?$")

_THINK_CLOSE = ("</think>", "</thinking>")
_THINK_OPEN = ("<think>", "<thinking>")


def strip_reasoning(text: str) -> str:
    """Keep what follows the last closed reasoning block; an unclosed one leaves nothing.

    >>> strip_reasoning("<think>A? no, C.</think>\\nC")
    '\\nC'
    >>> strip_reasoning("<think>A? no") == ""
    True
    >>> strip_reasoning("plain B")
    'plain B'
    """
    if "<" not in text:
        return text
    lowered = text.lower()
    cut = max(lowered.rfind(tag) + len(tag) if tag in lowered else -1 for tag in _THINK_CLOSE)
    if cut >= 0:
        return text[cut:]
    if any(tag in lowered for tag in _THINK_OPEN):
        return ""
    return text


def bound_length(text: str) -> str:
    """Keep the first :data:`HEAD_CHARS` and the last :data:`TAIL_CHARS` characters.

    >>> len(bound_length("x" * 1_000_000)) == HEAD_CHARS + TAIL_CHARS + 2
    True
    """
    if len(text) <= HEAD_CHARS + TAIL_CHARS:
        return text
    return text[:HEAD_CHARS] + _WINDOW_GAP + text[-TAIL_CHARS:]


def _has_latex_wrapper(text: str) -> bool:
    """True when ``text`` may hold a LaTeX wrapper that folding unwraps (``\\text{B}``)."""
    return "\\text" in text or "\\math" in text or "\\mbox" in text


def prepare_response(response: str) -> str:
    """Everything answer extraction does to a response before reading it (see module doc).

    >>> prepare_response("  B.  "), prepare_response("**B**"), prepare_response("B\\r\\n")
    ('B.', 'B', 'B')
    >>> prepare_response("\\\\boxed{B}"), prepare_response("\\\\boxed{\\\\text{B}}")
    ('\\\\boxed{B}', '\\\\boxed{B}')
    """
    if (
        response.isascii()
        and "<" not in response
        and "*" not in response
        and "`" not in response
        and "\r" not in response
        and ("\\" not in response or not _has_latex_wrapper(response))
    ):  # fast path (C substring tests): no reasoning block to strip and nothing to fold
        return bound_length(response).strip()
    return fold_characters(bound_length(strip_reasoning(response))).strip()


def lower_same_length(text: str) -> str:
    """Lower-case without changing the length (positions must stay valid).

    >>> len(lower_same_length("İB")) == 2
    True
    """
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else "".join(c.lower()[:1] or c for c in text)


def question_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence of lower-cased ``text`` that asks a question, in order.

    A sentence ending in "?" asks one, unless it ends in a tag ("..., isn't it?").
    Linear: each search for a sentence start stops at the previous question mark.

    >>> text = "sharp? no. is it very blurry? yes. it is slightly blurry, isn't it?"
    >>> [text[start:end] for start, end in question_spans(text)]
    ['sharp?', ' is it very blurry?']
    """
    spans = []
    previous = 0
    end = text.find("?")
    while end >= 0:
        start = max(text.rfind(mark, previous, end) for mark in ".!\n") + 1
        if not _TAG_QUESTION.search(text, max(start, previous, end - 24), end + 1):
            spans.append((max(start, previous), end + 1))
        previous = end + 1
        end = text.find("?", previous)
    return spans


def question_at(spans: list[tuple[int, int]], position: int) -> tuple[int, int] | None:
    """The span of :func:`question_spans` holding ``position``, or None.

    >>> question_at([(0, 6), (10, 29)], 3), question_at([(0, 6), (10, 29)], 8)
    ((0, 6), None)
    """
    k = bisect_right(spans, (position, len(spans) and spans[-1][1] + 1)) - 1
    return spans[k] if k >= 0 and position < spans[k][1] else None
