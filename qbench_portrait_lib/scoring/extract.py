"""Deterministic answer extraction for the closed formats.

:func:`extract_answer` reads which options a free-form MLLM response commits to. The
rules are layered; the first layer that finds something decides:

1. the response is prepared (:mod:`.normalize`): reasoning blocks dropped, length bounded,
   full-width forms folded, markdown marks removed;
2. a terse response ("B", "(B)", "B.", "**B**", "True") is read directly (a table lookup;
   tests check that it agrees with the full rules);
3. explicit answer statements: "Answer: B", "The answer is B", "Final answer: (C)",
   "I'd go with B", "答案是B", ``\\boxed{B}``, ``{"answer": "B"}``, and for true/false
   "The statement is not correct". The **last** statement that names something wins,
   so a chain of thought that ends in "Final answer: C" reads C. A statement introduced
   by "whether" or "if" is not a commitment;
4. true/false: a refusal commits to nothing; else a verdict word at the start ("No, ..."),
   else verdict words that all agree (mixed ones commit to nothing);
5. choice formats: a response that just repeats every option with its letter commits to
   nothing; then letters or an option text at the very start ("B. Slightly blurry",
   "A, C", "AC", "(A)(C)", one letter per line, "Slightly blurry"), unless negated or
   questioned ("B is wrong", "Sharp? No."); then "I think B" / "so, B" / "it is B" /
   "我认为是B"; a refusal ("I cannot determine...") commits to nothing; then letters
   ending the response after a colon ("Based on the analysis: B.");
6. finally the option texts mentioned in the response (word boundaries, longest option
   first, negated or questioned mentions ignored: "the eyes are not blurred", "Sharp? No")
   and "option B"/"(B)" mentions.

Letter lists: a compact run ("ACD") must be strictly increasing capitals within the
options ("BAD" is a word), except after an explicit answer marker ("Answer: DB"); after a
letter only its own option text is skipped ("The answer is B. High is wrong" reads B); a
negation after an item drops that item ("A, C; B is absent"), with a plural verb the
whole list ("A and C are wrong"). A list may go on over lines in the form of its first
item, with explanations when the first line has one ("A. Blur - soft\\nC. JPEG
blocking - in the sky"); an explanation line after a bare letter ("A\\nB. Hair is fine")
and an echoed option list after an answer ("Answer: A\\nB. Hair\\nC. Background") are
not selections (see :func:`.extract_letters.parse_letter_list`).

A hedge ("A or B"), a letter outside the options, or several options for single-choice
or true/false commit to nothing (None). Nothing is random; every rule is linear in the
(bounded) response length.

>>> OPTIONS = ["Sharp", "Slightly blurry", "Very blurry"]
>>> extract_answer("**B**", OPTIONS, "single_choice")
('Slightly blurry',)
>>> extract_answer("I first thought A. Looking again... Final answer: C", OPTIONS, "single_choice")
('Very blurry',)
>>> extract_answer("a pretty girl with a blurry face", OPTIONS, "single_choice") is None
True
>>> extract_answer("A or B", OPTIONS, "single_choice") is None
True
>>> extract_answer('["A", "C"]', OPTIONS, "multiple_choice")
('Sharp', 'Very blurry')
>>> extract_answer("Nope, the eyes are not in focus.", ["True", "False"], "true_false")
('False',)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from qbench_portrait_lib.contract.columns import CLOSED_TYPES
from qbench_portrait_lib.scoring.extract_fast import (
    TERSE_LETTERS,
    TERSE_TRUE_FALSE,
    simple_letters,
    terse,
)
from qbench_portrait_lib.scoring.extract_letter_list import after_but, parse_letter_list
from qbench_portrait_lib.scoring.extract_letters import (
    CONFLICT,
    HEDGE,
    HEDGE_WORDS,
    LETTERS,
    LIST_SEPARATORS,
    NEGATED,
    NONE,
    OPENERS,
    Token,
    is_letter_run,
    tokenize,
)
from qbench_portrait_lib.scoring.extract_markers import (
    CONDITIONAL,
    MEDIUM,
    REFUSAL,
    STRONG,
    TRUE_FALSE_STATEMENT,
    WEAK,
    MarkerSet,
    contains_marker,
    find_markers,
)
from qbench_portrait_lib.scoring.extract_options import (
    OptionTable,
    is_negated,
    is_negated_after,
    negation_scope,
    option_table,
)
from qbench_portrait_lib.scoring.extract_true_false import (
    negation_raised,
    read_true_false,
    true_false_at,
)
from qbench_portrait_lib.scoring.normalize import (
    lower_same_length,
    normalize_option,
    prepare_response,
)

__all__ = ["TERSE_LETTERS", "TERSE_TRUE_FALSE", "extract_answer", "extract_indices", "read_prepared"]

#: Characters read after an answer marker.
FRAGMENT_CHARS = 200
# A final "...: B." is read when the colon is at most this far from the end.
_COLON_TAIL_CHARS = 40

# An empty tuple means "commits to nothing"; None means "this layer found nothing".
_UNUSABLE: tuple[int, ...] = ()

_BRACKETED_LETTER = re.compile(r"[(\[]([A-Z])[)\]]")
_LEADING_JUNK = re.compile(r"[\s\"'(\[{<#>:\-]*")
# After a line break, an option text continues a list only when nothing else is on its line.
_ALONE_ON_LINE = re.compile(r"[ \t.)\]\"']{0,4}(?:\n|$|[,;&]| and(?![a-z]))")

_FILLER_WORDS = frozenset(
    {
        "is", "are", "was", "were", "be", "would", "should", "will", "must", "probably", "likely",
        "most", "definitely", "clearly", "therefore", "thus", "so", "then", "here", "option",
        "options", "choice", "choices", "letter", "letters", "answer", "answers", "the", "final",
        "my", "to", "this", "question", "with", "go", "choose", "select", "pick",
        "是", "为", "應", "应", "该", "選", "选", "项", "择", "為", "\n",
    }
)  # fmt: skip
_FILLER_MARKS = frozenset({":", ",", "-", "=", ">", "#", "{", "}", "\\", '"', "'"})
_LEADING_MARKS = frozenset({'"', "'", ":", "-", "#", ">"})
_ARTICLES = frozenset({"a", "an", "the"})


def _check_arguments(options: Sequence[str], question_type: str) -> OptionTable:
    """The option table of ``options``, after checking the arguments."""
    if question_type not in CLOSED_TYPES:
        raise ValueError(f"question_type must be one of {list(CLOSED_TYPES)}, got {question_type!r}")
    kind = type(options)
    if (
        kind is not tuple
        and kind is not list
        and (isinstance(options, str) or not isinstance(options, Sequence))
    ):
        raise TypeError(f"options must be a sequence of strings, got {kind.__name__}")
    texts = options if kind is tuple else tuple(options)
    try:
        return _checked_table(texts, question_type)
    except TypeError:  # unhashable items
        raise ValueError(f"options must be 1 to 26 strings, got {texts!r}") from None


@lru_cache(maxsize=4096)
def _checked_table(texts: tuple[str, ...], question_type: str) -> OptionTable:
    if not 1 <= len(texts) <= 26 or not all(isinstance(t, str) for t in texts):
        raise ValueError(f"options must be 1 to 26 strings, got {texts!r}")
    normalized = [normalize_option(t) for t in texts]
    if len(set(normalized)) != len(normalized) or "" in normalized:
        raise ValueError(f"options must be distinct and non-empty, got {texts!r}")
    if question_type == "true_false" and sorted(normalized) != ["false", "true"]:
        raise ValueError(f"true_false options must be 'True' and 'False', got {texts!r}")
    return option_table(texts)


class _Reader:
    """One response and one option list: the layers of the module docstring."""

    def __init__(self, text: str, table: OptionTable, question_type: str):
        self.text = text
        self.lowered = lower_same_length(text)
        self.table = table
        self.question_type = question_type
        self.n_options = len(table.texts)
        self.multi = question_type == "multiple_choice"
        self.conflict = False

    def option_here(self, position: int) -> tuple[int, int, bool] | None:
        """(index, end, negated) of the option text starting at ``position``, or None."""
        found = self.table.option_at(self.lowered, position)
        return None if found is None else (*found, is_negated_after(self.lowered, found[1]))

    def letter_negation(self, end: int) -> str | None:
        return negation_scope(self.text, self.lowered, end)

    def true_false(self, polarity: bool | None) -> tuple[int, ...] | None:
        if polarity is None:
            return None
        return (self.table.normalized.index("true" if polarity else "false"),)

    def statement(
        self, position: int, fillers: bool = True, end: int | None = None, explicit: bool = False
    ) -> tuple[int, ...] | None:
        """What the text right after ``position`` (up to ``end``) commits to (None: nothing readable)."""
        stop = position + FRAGMENT_CHARS if end is None else min(end, position + FRAGMENT_CHARS)
        tokens = tokenize(self.text, position, stop)
        i, n = 0, len(tokens)
        if fillers:
            while i < n and (tokens[i][0].lower() in _FILLER_WORDS or tokens[i][0] in _FILLER_MARKS):
                if explicit and is_letter_run(tokens[i][0], self.n_options):
                    break  # "The answer is BE": letters, not the verb
                i += 1
        else:
            while i < n and tokens[i][0] in _LEADING_MARKS:
                i += 1
        if i >= n:
            return None
        if self.question_type == "true_false":
            j = i
            while j < len(tokens) and tokens[j][0] in OPENERS:
                j += 1
            return self.true_false(true_false_at(self.lowered, tokens[j][1])) if j < len(tokens) else None
        if tokens[i][0].lower() == "not":  # "The answer is not A but B"
            i = after_but(tokens, i + 1, self.text, self.n_options)
            if i is None:
                return None
        letters = parse_letter_list(
            tokens, i, self.text, self.n_options, self.option_here, self.letter_negation, explicit, self.multi
        )
        if letters.status == LETTERS:
            return letters.indices
        if letters.status == CONFLICT:
            self.conflict = True
            return _UNUSABLE
        if letters.status == NEGATED:  # "B is wrong" names B but does not choose it
            return None
        if letters.status != NONE:
            return _UNUSABLE
        return self._option_texts(tokens, i, OPENERS | _ARTICLES if fillers else OPENERS)

    def leading(self) -> tuple[int, ...] | None:
        """Letters or option texts at the very start ("B. ...", "A, C", "Slightly blurry")."""
        start = _LEADING_JUNK.match(self.text).end()
        if start >= len(self.text):
            return None
        if self.lowered.startswith("only ", start):  # "Only A.", "Only B and D"
            letters = parse_letter_list(tokenize(self.text, start + 5), 0, self.text, self.n_options)
            if letters.status == LETTERS and not self.text[letters.end :].strip(" .!\n"):
                return letters.indices
        first, second = self.text[start], self.text[start + 1 : start + 2]
        letter_like = first.isascii() and first.isalpha() and not (second.isalpha() and second.islower())
        if not letter_like and self.table.option_at(self.lowered, start) is None:
            return None  # cheap exit for ordinary sentences
        return self.statement(0, fillers=False)

    def _option_texts(self, tokens: list[Token], i: int, openers: frozenset[str]) -> tuple[int, ...] | None:
        """Option texts listed from token ``i`` on ("Slightly blurry", "eyes and hair")."""
        found: list[int] = []
        new_line = False
        while True:
            while i < len(tokens) and tokens[i][0].lower() in openers:
                i += 1
            match = self.table.option_at(self.lowered, tokens[i][1]) if i < len(tokens) else None
            if match is None or (new_line and not _ALONE_ON_LINE.match(self.lowered, match[1])):
                break  # after a line break only a line holding just an option text continues
            if is_negated_after(self.lowered, match[1]) or self.text.startswith("?", match[1]):
                return None  # "Eyes are not blurred", "Sharp? No.": left to the later layers
            found.append(match[0])
            while i < len(tokens) and tokens[i][1] < match[1]:
                i += 1
            if _BRACKETED_LETTER.match(self.text, tokens[i][1] if i < len(tokens) else len(self.text)):
                i += 3  # "Eyes (A), Background (C)": the label repeats the text
            while i < len(tokens) and tokens[i][0] in (")", "]", '"', "'", "."):
                i += 1
            word = tokens[i][0].lower() if i < len(tokens) else ""
            if word in HEDGE_WORDS:
                return _UNUSABLE
            if word not in LIST_SEPARATORS:
                break
            new_line = False
            while i < len(tokens) and tokens[i][0].lower() in LIST_SEPARATORS:
                new_line = new_line or tokens[i][0] == "\n"
                i += 1
        return tuple(sorted(set(found))) if found else None

    def last_statement(self, markers: MarkerSet) -> tuple[int, ...] | None:
        """The last statement introduced by one of ``markers`` that names something.

        A statement is read up to the next one, so the total work stays linear. After an
        explicit answer marker ("Answer:", not "I think") letters may come in any order
        ("Answer: DB") and a list naming every option is the answer, not an echo.
        """
        end = len(self.text)
        explicit = markers is STRONG
        for start, marker_end in reversed(find_markers(self.lowered, markers)):
            if not CONDITIONAL.search(self.lowered, max(0, start - 60), start):
                verdict = self.statement(marker_end, end=end, explicit=explicit)
                if verdict and self.question_type == "true_false" and negation_raised(self.lowered, start):
                    verdict = (1 - verdict[0],)  # "I don't think the statement is true"
                if verdict is not None:
                    return verdict
            end = start
        return None

    def after_last_colon(self) -> tuple[int, ...] | None:
        """Letters ending the response after a colon ("Based on the analysis: B.")."""
        colon = self.text.rfind(":")
        if colon < 0 or len(self.text) - colon > _COLON_TAIL_CHARS:
            return None
        letters = parse_letter_list(tokenize(self.text, colon + 1), 0, self.text, self.n_options)
        if letters.status != LETTERS or self.text[letters.end :].strip(" .!)\n"):
            return None
        return letters.indices

    def mentions(self) -> tuple[int, ...]:
        """Options named anywhere: option texts, "option B", "(B)"; hedges give ()."""
        found = set(self.table.mentioned(self.lowered))
        for start, end in find_markers(self.lowered, WEAK):
            tokens = tokenize(self.text, end, end + 40)
            letters = parse_letter_list(tokens, 0, self.text, self.n_options)
            if letters.status == HEDGE:
                return _UNUSABLE
            if letters.status == LETTERS and not is_negated(self.lowered, start, end + 2):
                found.update(letters.indices)
        brackets = _BRACKETED_LETTER.finditer(self.text) if "(" in self.text or "[" in self.text else ()
        for match in brackets:
            index = ord(match.group(1)) - 65
            if index < self.n_options and not is_negated(self.lowered, match.start(), match.end()):
                found.add(index)
        return tuple(sorted(found))

    def read(self) -> tuple[int, ...]:
        verdict = self.last_statement(STRONG)
        if verdict is None and self.question_type == "true_false":
            verdict = self.last_statement(TRUE_FALSE_STATEMENT)
            if verdict is None and not contains_marker(self.lowered, REFUSAL):
                verdict = self.true_false(read_true_false(self.text))
        if verdict is not None or self.question_type == "true_false":
            return verdict or _UNUSABLE
        if self.table.is_echo(self.lowered):
            return _UNUSABLE
        verdict = self.leading()
        if verdict is not None:
            return verdict
        if contains_marker(self.lowered, REFUSAL):
            return _UNUSABLE
        verdict = self.last_statement(MEDIUM)
        if verdict is None:
            verdict = self.after_last_colon()
        return verdict if verdict is not None else self.mentions()


def read_prepared(text: str, options: Sequence[str], question_type: str) -> tuple[int, ...]:
    """The full layered reader on an already prepared text, without any fast path.

    Tests use it to check that the fast paths agree with the rules they shortcut.

    >>> read_prepared("(B)", ["Low", "High"], "single_choice")
    (1,)
    """
    table = _check_arguments(options, question_type)
    indices = _Reader(text, table, question_type).read() if text else _UNUSABLE
    return _UNUSABLE if len(indices) > 1 and question_type != "multiple_choice" else indices


def _indices(response: str, table: OptionTable, question_type: str) -> tuple[int, ...]:
    if type(response) is not str and not isinstance(response, str):
        raise TypeError(f"response must be a string or None, got {type(response).__name__}")
    text = prepare_response(response)
    if not text:
        return _UNUSABLE
    indices = terse(text, table, question_type) if len(text) <= 6 else None
    if indices is None:
        indices = simple_letters(text, table, question_type)
    if indices is None:
        indices = _Reader(text, table, question_type).read()
    if len(indices) > 1 and question_type != "multiple_choice":
        return _UNUSABLE
    return indices


def extract_indices(response: str, options: Sequence[str], question_type: str) -> tuple[int, ...]:
    """Indices (sorted) of the options ``response`` commits to; () when none.

    >>> extract_indices("Answer: A and C", ["Eyes", "Hair", "Background"], "multiple_choice")
    (0, 2)
    """
    return _indices(response, _check_arguments(options, question_type), question_type)


def extract_answer(
    response: str | None, options: Sequence[str], question_type: str
) -> tuple[str, ...] | None:
    """The option texts ``response`` commits to, in option order; None when it commits to nothing.

    ``question_type`` is ``single_choice``, ``multiple_choice`` or ``true_false`` (whose
    options are "True" and "False"). Raises ValueError/TypeError only for bad ``options``,
    ``question_type`` or a response that is neither a string nor None.

    >>> extract_answer("答案是Ｂ", ["Low", "High"], "single_choice")
    ('High',)
    >>> extract_answer(None, ["Low", "High"], "single_choice") is None
    True
    """
    table = _check_arguments(options, question_type)
    if response is None:
        return None
    if type(response) is str:  # fast path: the most common responses, looked up
        if question_type == "true_false":
            polarity = TERSE_TRUE_FALSE.get(response)
            if polarity is not None:
                return (table.texts[table.normalized.index("true" if polarity else "false")],)
        else:
            index = TERSE_LETTERS.get(response)
            if index is not None:
                return (table.texts[index],) if index < len(table.texts) else None
    indices = _indices(response, table, question_type)
    if not indices:
        return None
    texts = table.texts
    return (texts[indices[0]],) if len(indices) == 1 else tuple(texts[i] for i in indices)
