"""Layers of the reader for true/false questions (mixed into :class:`.extract_reader.Reader`).

In order: an explicit answer statement ("Answer: False", "Final answer: B", "选B") and
"The statement is ...", a refusal (commits to nothing), a letter at the start ("A",
"(B)", "Option A", "B) False": the prompt lists the options as letters, A = the first
option), a verdict (:func:`.extract_true_false.read_true_false`), and finally the claim
of the question against the statement of the response (:func:`.extract_claims.read_claim`).
A letter restated by the other verdict ("A. False") contradicts itself: a conflict.

>>> from qbench_portrait_lib.scoring.extract_reader import Reader
>>> from qbench_portrait_lib.scoring.extract_options import option_table
>>> table = option_table(("True", "False"))
>>> Reader("Option B", table, "true_false").read(), Reader("A. False", table, "true_false").read()
((1,), ())
>>> Reader("The eyes look soft.", table, "true_false", "The eyes are sharp.").read()
(1,)
"""

from __future__ import annotations

import re
from collections.abc import Callable

from qbench_portrait_lib.scoring.extract_claims import read_claim
from qbench_portrait_lib.scoring.extract_letters import CLOSERS, Token, letter_value, skip, tokenize
from qbench_portrait_lib.scoring.extract_markers import (
    REFUSAL,
    STRONG,
    TRUE_FALSE_STATEMENT,
    MarkerSet,
    contains_marker,
)
from qbench_portrait_lib.scoring.extract_options import OptionTable
from qbench_portrait_lib.scoring.extract_true_false import read_true_false, true_false_at

_UNUSABLE: tuple[int, ...] = ()
_RESTATEMENT_LEADS = frozenset({"-", ":", "(", "\u2014", "\u2013", ","})
# The start of a response that may hold a leading letter ("A", "(B)", "Option A", "Answer - B").
_LEADING_LETTER = re.compile(
    r"[\s(\[*#>:\-]*(?:(?:option|choice|letter|answer|the|my)(?![a-z])[\s:(\[*#\-]*)*[(\[]?[a-z](?![a-z])"
)
_JUNK = " \t\n([*#>:-"
_FILLER_STARTS = ("option", "choice", "letter", "answer", "the", "my")
_LETTER_FILLERS = frozenset(
    {"option", "choice", "letter", "answer", "the", "my", ":", "(", "[", "-", "*", "#", ">"}
)


def starts_with_a_word(lowered: str) -> bool:
    """True when ``lowered`` starts (after brackets and marks) with a word that can hold no
    letter answer ("no, ...", "the eyes ..."; not "option a", "(b)"): the cheap exit of
    :meth:`TrueFalseLayers.leading_letter`.

    >>> starts_with_a_word("no, the eyes are soft."), starts_with_a_word("(b) false")
    (True, False)
    >>> starts_with_a_word("the b"), starts_with_a_word("b")
    (False, False)
    """
    start = lowered.lstrip(_JUNK)
    return start[1:2].isalpha() and not start.startswith(_FILLER_STARTS)


class TrueFalseLayers:
    """Mixin: needs ``text``, ``lowered``, ``table``, ``n_options``, ``question``, ``conflict``."""

    text: str
    lowered: str
    table: OptionTable
    n_options: int
    question: str | None
    words: frozenset[bytes] | None
    conflict: bool
    last_statement: Callable[[MarkerSet], tuple[int, ...] | None]

    def true_false(self, polarity: bool | None) -> tuple[int, ...] | None:
        if polarity is None:
            return None
        return (self.table.normalized.index("true" if polarity else "false"),)

    def true_false_letter(self, tokens: list[Token], j: int) -> tuple[int, ...] | None:
        """The option the letter at token ``j`` names ("B" -> False), None when no letter."""
        value = letter_value(tokens, j, self.text)
        if value is None or len(value) != 1:
            return None
        index = value[0]
        if index >= self.n_options:
            return _UNUSABLE
        k = skip(tokens, j + 1, CLOSERS | _RESTATEMENT_LEADS)
        if k < len(tokens):
            restated = true_false_at(self.lowered, tokens[k][1])
            if restated is not None and restated != (self.table.normalized[index] == "true"):
                self.conflict = True  # "A. False"
                return _UNUSABLE
        return (index,)

    def leading_letter(self) -> tuple[int, ...] | None:
        """A letter at the start, after "Option"/"Answer"-like fillers ("Option A", "(B)")."""
        if starts_with_a_word(self.lowered) or not _LEADING_LETTER.match(self.lowered):
            return None  # cheap exit for ordinary sentences
        tokens = tokenize(self.text, 0, 80)
        j = 0
        while j < len(tokens) and tokens[j][0].lower() in _LETTER_FILLERS:
            j += 1
        return self.true_false_letter(tokens, j) if j < len(tokens) else None

    def read_true_false_layers(self) -> tuple[int, ...]:
        """The true/false layers in order (see the module docstring)."""
        verdict = self.last_statement(STRONG)
        if verdict is None:
            verdict = self.last_statement(TRUE_FALSE_STATEMENT)
        if verdict is not None:
            return verdict
        if contains_marker(self.lowered, REFUSAL, self.words):
            return _UNUSABLE
        verdict = self.leading_letter()
        if verdict is not None:
            return verdict
        polarity = read_true_false(self.text)
        if polarity is None and self.question:
            polarity = read_claim(self.question, self.text)
        return self.true_false(polarity) or _UNUSABLE
