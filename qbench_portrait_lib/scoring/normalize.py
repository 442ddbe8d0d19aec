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

>>> prepare_response("<think>maybe A</think>  **答案：（Ｂ）**")
'答案:(B)'
>>> prepare_response("<think>still thinking about A") == ""
True
>>> normalize_option("  Very   LOW. ")
'very low'
"""

from __future__ import annotations

import re
import unicodedata

#: Characters kept from the start of a long response.
HEAD_CHARS = 2_000
#: Characters kept from the end of a long response (where the final answer usually is).
TAIL_CHARS = 8_000

_WINDOW_GAP = "\n\n"

# Applied after NFKC, which already folds full-width ASCII forms.
_CHAR_MAP = str.maketrans(
    {
        "、": ",",
        "。": ".",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "「": '"',
        "」": '"',
        "【": "[",
        "】": "]",
        "〔": "(",
        "〕": ")",
        "\r": "\n",
        "*": None,
        "`": None,
        "\u200b": None,
        "\ufeff": None,
    }
)
_NEEDS_MAP = re.compile(r"[、。‘’“”「」【】〔〕\r*`\u200b\ufeff]")
_LATEX_WRAPPER = re.compile(r"\\(?:text|textbf|textrm|mathrm|mathbf|mbox)\s?\{([^{}]{0,200})\}")
_THINK_CLOSE = ("</think>", "</thinking>")
_THINK_OPEN = ("<think>", "<thinking>")
_SPACES = re.compile(r"\s+")
_ASCII_MARKS = re.compile(r"[<*`\\\r]")


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


def fold_characters(text: str) -> str:
    """NFKC-fold, map CJK punctuation and quotes to ASCII, drop markdown marks.

    >>> fold_characters("“**Ａ、Ｃ**”")
    '"A,C"'
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if _NEEDS_MAP.search(text):
        text = text.translate(_CHAR_MAP)
    if "\\" in text:
        text = _LATEX_WRAPPER.sub(r"\1", text)
    return text


def prepare_response(response: str) -> str:
    """Everything answer extraction does to a response before reading it (see module doc)."""
    if len(response) < 64 and response.isascii() and not _ASCII_MARKS.search(response):
        return response.strip()  # fast path: nothing to strip, bound or fold
    return fold_characters(bound_length(strip_reasoning(response))).strip()


def normalize_option(text: str) -> str:
    """Lower-cased, whitespace-collapsed option text, as matched inside responses.

    >>> normalize_option("Over-exposed (too bright).")
    'over-exposed (too bright)'
    """
    folded = _SPACES.sub(" ", fold_characters(str(text))).strip().lower()
    return folded.rstrip(".。").strip()
