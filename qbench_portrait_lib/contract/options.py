"""Option-text normalisation: one notion of "the same option" for the whole package.

A leaf module (standard library only) so that both cores use it without depending on
each other: the release validator (data core) refuses option lists whose texts collide
after :func:`normalize_option`, because answer extraction (scoring core) matches option
texts inside responses through this very function and could not tell them apart.
``qbench_portrait_lib.scoring.normalize`` re-exports both functions.

>>> normalize_option("  Very   LOW. ")
'very low'
>>> normalize_option("Ｌｏｗ") == normalize_option("low")
True
"""

from __future__ import annotations

import re
import unicodedata

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
_SPACES = re.compile(r"\s+")


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


def normalize_option(text: str) -> str:
    """Lower-cased, whitespace-collapsed option text, as matched inside responses.

    >>> normalize_option("Over-exposed (too bright).")
    'over-exposed (too bright)'
    """
    folded = _SPACES.sub(" ", fold_characters(str(text))).strip().lower()
    return folded.rstrip(".。").strip()
