"""Fast paths of answer extraction: the most common responses, read without the layers.

Each gives exactly what the full reader (:func:`.extract.read_prepared`) gives on the
same prepared text, or None to leave the text to it; tests/test_extract_properties.py
checks that agreement on generated responses.

>>> from qbench_portrait_lib.scoring.extract_options import option_table
>>> table = option_table(("Sharp", "Slightly blurry", "Very blurry"))
>>> terse("(B)", table, "single_choice"), simple_letters("The answer is C.", table, "single_choice")
((1,), (2,))
"""

from __future__ import annotations

import re
import string

from qbench_portrait_lib.scoring.extract_forms import affirmed_hint
from qbench_portrait_lib.scoring.extract_markers import (
    CONDITIONAL,
    MEDIUM,
    REFUSAL,
    STRONG,
    TRUE_FALSE_STATEMENT,
    WEAK,
    MarkerGate,
    ascii_words,
    contains_marker,
)
from qbench_portrait_lib.scoring.extract_options import OptionTable
from qbench_portrait_lib.scoring.extract_reader import BRACKETED_LETTER, EVERY_STARTS, TRAILING, Reader
from qbench_portrait_lib.scoring.extract_tf_layers import starts_with_a_word
from qbench_portrait_lib.scoring.extract_true_false import read_true_false
from qbench_portrait_lib.scoring.normalize import lower_same_length

_TERSE = re.compile(r"[(\[]?([A-Za-z])[)\]]?[.:]?")
_LETTER_LIST = r"[(\[]?([A-Z])[)\]]?(?:(?:, ?| and )[(\[]?[A-Z][)\]]?){0,25}"
_SIMPLE_LETTERS = re.compile(
    r"(?:(?i:(?:the )?(?:final |correct )?answer(?: is)?):? |答案[是为]?:? ?|\\boxed ?\{)?"
    rf"{_LETTER_LIST}\}}?\.?"
)
# A long response ending in "Final answer: C" / "The answer is A, C."
_FINAL_LETTERS = re.compile(rf"(?i:answers?)(?: is)?(?:: ?| ){_LETTER_LIST}\.?$")
_FINAL_WINDOW = 120


#: Exact one-letter responses ("B", "(b)", "**B**") and their option index.
TERSE_LETTERS: dict[str, int] = {
    form.format(letter): ord(letter.upper()) - 65
    for letter in string.ascii_letters
    for form in ("{}", "{}.", "{})", "({})", "[{}]", "**{}**", "{}:", "({}).")
}
#: Exact one-word true/false responses and their verdict.
TERSE_TRUE_FALSE: dict[str, bool] = {
    form.format(word): word.lower() == "true"
    for word in ("True", "False", "true", "false", "TRUE", "FALSE")
    for form in ("{}", "{}.", "**{}**")
}


def terse(text: str, table: OptionTable, question_type: str) -> tuple[int, ...] | None:
    """Fast path for one-token answers ("B", "(B)", "b.", "True"); None for anything else.

    It gives what the full reader gives (tests/test_extract_properties.py checks this).
    """
    if question_type == "true_false":
        word = text.lower().rstrip(".!")
        return (table.normalized.index(word),) if word in ("true", "false") else None
    match = _TERSE.fullmatch(text)
    if match is None:
        return None
    index = ord(match.group(1).upper()) - 65
    return (index,) if index < len(table.texts) else ()


def _final_statement(text: str) -> re.Match[str] | None:
    """:data:`_FINAL_LETTERS` searched in the last :data:`_FINAL_WINDOW` characters. In an
    ASCII text it is tried at the last "answer" only: a match holds no other "answer" after
    its start (a letter list has no lower-case word), so no match starts anywhere else.

    >>> _final_statement("Not A. The answer is B, C.").group(), _final_statement("The answer is B, I think")
    ('answer is B, C.', None)
    """
    start = max(0, len(text) - _FINAL_WINDOW)
    if not text.isascii():
        return _FINAL_LETTERS.search(text, start)
    position = text[start:].lower().rfind("answer")
    return None if position < 0 else _FINAL_LETTERS.match(text, start + position)


def _conditional_before(text: str, start: int) -> bool:
    """True when "whether"/"if" opens the clause ending at ``start`` (:data:`CONDITIONAL` on
    the lower-cased text), lower-casing only the 60 characters before it in an ASCII text.

    >>> _conditional_before("I wonder whether the answer is B", 21), _conditional_before("So, answer: B", 4)
    (True, False)
    """
    if not text.isascii():
        return CONDITIONAL.search(lower_same_length(text), max(0, start - 60), start) is not None
    first = max(0, start - 61)  # one more character: the word boundary at the window's start
    window = text[first:start].lower()
    if "if" not in window and "whether" not in window:
        return False
    return CONDITIONAL.search(window, max(0, start - 60) - first) is not None


# The statements _SIMPLE_LETTERS reads that start with a lower-case word ("The answer is B").
_ANSWER_OPENINGS = tuple(f"{a}{b}answer" for a in ("", "the ") for b in ("", "final ", "correct "))


def _ordinary_start(text: str) -> bool:
    """True when the ASCII ``text`` starts with a lower-case word that opens no answer
    statement ("The face ...", "Blurry"): :data:`_SIMPLE_LETTERS` cannot match it then
    (a letter list starts with a capital or a bracket followed by no lower-case letter).

    >>> _ordinary_start("The face is sharp"), _ordinary_start("The answer is B"), _ordinary_start("B.")
    (True, False, False)
    """
    return (
        "a" <= text[1:2] <= "z"
        and text[:1].isalpha()
        and text.isascii()
        and not text.lower().startswith(_ANSWER_OPENINGS)
    )


def simple_letters(text: str, table: OptionTable, question_type: str) -> tuple[int, ...] | None:
    """Fast path for "The answer is B.", "Answer: A, C", "A and C", "答案是B", "\\boxed{B}" and
    long responses ending in "Final answer: C"; None for anything else.

    It gives what the full reader gives (tests/test_extract_properties.py checks this).
    """
    if question_type == "true_false":
        return None
    if len(text) <= 80:
        if _ordinary_start(text):
            return None
        match = _SIMPLE_LETTERS.fullmatch(text)
    else:  # a chain of thought ending in its final answer: its last answer statement
        match = _final_statement(text)
        if match is not None:
            start = match.start()
            if (start and text[start - 1].isalnum()) or _conditional_before(text, start):
                return None
    if match is None:
        return None
    rest = text[match.end(1) :]
    if rest == rest.lower():  # one letter: the rest holds no capital ("B.", "B}")
        index = ord(match.group(1)) - 65
        return (index,) if index < len(table.texts) else ()
    indices = sorted({ord(c) - 65 for c in text[match.start(1) :] if "A" <= c <= "Z"})
    return tuple(indices) if indices[-1] < len(table.texts) else ()


# The markers a plain sentence must not hold.
_PLAIN_MARKERS = MarkerGate(STRONG, MEDIUM, REFUSAL, WEAK)
_OPENINGS = (*EVERY_STARTS, "only ")


def plain_sentence(text: str, table: OptionTable, question_type: str) -> tuple[int, ...] | None:
    """Fast path for one plain ASCII sentence naming options ("The face looks slightly
    blurry overall."): the options it mentions; None for anything else.

    Every precondition of the layers before the mentions is tested here (no answer, weak
    or refusal marker, no echo, no colon, dash or clause break, no letter in brackets, an
    ordinary first word, no affirmed-letter word, no capital at the end), so the reader
    would reach its mentions with nothing read before them and add no bracketed letter to
    them; brackets inside option texts ("Noisy (7)") are fine. A sentence naming no option
    is left to the reader (inflections). tests/test_extract_properties.py checks the agreement.

    >>> from qbench_portrait_lib.scoring.extract_options import option_table
    >>> table = option_table(("Sharp", "Slightly blurry", "Very blurry (7)"))
    >>> plain_sentence("The face looks slightly blurry overall.", table, "single_choice")
    (1,)
    >>> plain_sentence("The face looks very blurry (7), not sharp.", table, "multiple_choice")
    (2,)
    >>> plain_sentence("The face is not sharp.", table, "single_choice") is None
    True
    >>> plain_sentence("The face looks sharp (A).", table, "single_choice") is None
    True
    """
    if question_type == "true_false" or not text.isascii() or not text[:1].isalpha():
        return None
    if not "a" <= text[1:2] <= "z" or ":" in text or "-" in text or "\n" in text:
        return None
    if ". " in text or "; " in text or "! " in text:
        return None  # a clause break: clause letters and final letters may read something
    if ("(" in text or "[" in text) and BRACKETED_LETTER.search(text):
        return None
    lowered = text.lower()  # ASCII: the same as lower_same_length
    if lowered.startswith(_OPENINGS) or table.option_at(lowered, 0):
        return None
    if text.rstrip(TRAILING)[-1:].isupper() or affirmed_hint(lowered):
        return None
    if ("a." in lowered or "a)" in lowered) and table.is_echo(lowered):
        return None  # an echo needs "a." / "(a)" / "a)" before the first option (no colon here)
    if _PLAIN_MARKERS.holds(lowered):
        return None
    return table.mentioned(lowered) or None


# Answer statements leave a true/false response to the reader; claim statements ("The
# statement is correct") are read by the reader's layer for them alone.
_ANSWERS = MarkerGate(STRONG)
_CLAIM_STATEMENTS = MarkerGate(TRUE_FALSE_STATEMENT)


def plain_verdict(text: str, table: OptionTable) -> tuple[int, ...] | None:
    """Fast path for a true/false response in plain ASCII without an answer statement: what
    a claim statement says ("Yes, the statement is correct."), else, when it starts with a
    word and holds no refusal, the verdict of :func:`.extract_true_false.read_true_false`
    ("No, the eyes are out of focus."); None when neither reads a verdict (the claim of the
    question is left to the reader) or for anything else.

    Without an answer marker the reader's first layer reads nothing, so its second (the
    claim statements) decides when it reads a verdict; without those and a refusal, a
    text starting with a word holds no leading letter, so the verdict words decide.
    tests/test_extract_properties.py checks the agreement.

    >>> from qbench_portrait_lib.scoring.extract_options import option_table
    >>> table = option_table(("True", "False"))
    >>> plain_verdict("No, the eyes are out of focus.", table), plain_verdict("Yes!", table)
    ((1,), (0,))
    >>> plain_verdict("Yes, but the statement is not correct.", table)
    (1,)
    >>> plain_verdict("The answer is no.", table) is None, plain_verdict("(B) no", table) is None
    (True, True)
    """
    if not text.isascii():
        return None
    lowered = text.lower()  # ASCII: the same as lower_same_length
    words = ascii_words(lowered)
    if _ANSWERS.may_hold(lowered, words):
        return None
    if _CLAIM_STATEMENTS.may_hold(lowered, words):
        reader = Reader(text, table, "true_false", lowered=(lowered, words))
        return reader.last_statement(TRUE_FALSE_STATEMENT) or None  # (): a conflict, for the reader
    if not starts_with_a_word(lowered) or contains_marker(lowered, REFUSAL, words):
        return None  # a leading letter ("B", "Option A") or a refusal
    polarity = read_true_false(text, words)
    if polarity is None:
        return None
    return (table.normalized.index("true" if polarity else "false"),)
