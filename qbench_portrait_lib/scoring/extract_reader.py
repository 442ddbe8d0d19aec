"""The layered reader behind :func:`.extract.extract_answer` (see that module's docstring).

>>> from qbench_portrait_lib.scoring.extract_options import option_table
>>> Reader("I'd go with C.", option_table(("Sharp", "Soft", "Blurry")), "single_choice").read()
(2,)
"""

from __future__ import annotations

import re

from qbench_portrait_lib.scoring.extract_forms import ChoiceForms
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
    skip,
    tokenize,
)
from qbench_portrait_lib.scoring.extract_markers import (
    CONDITIONAL,
    MEDIUM,
    REFUSAL,
    STRONG,
    WEAK,
    MarkerSet,
    ascii_words,
    contains_marker,
    find_markers,
)
from qbench_portrait_lib.scoring.extract_options import (
    OptionTable,
    is_negated,
    is_negated_after,
    negation_scope,
)
from qbench_portrait_lib.scoring.extract_tf_layers import TrueFalseLayers
from qbench_portrait_lib.scoring.extract_true_false import (
    negation_raised,
    true_false_at,
)
from qbench_portrait_lib.scoring.normalize import (
    lower_same_length,
)

#: Characters read after an answer marker.
FRAGMENT_CHARS = 200
# A final "...: B." is read when the colon is at most this far from the end.
_COLON_TAIL_CHARS = 40

# An empty tuple means "commits to nothing"; None means "this layer found nothing".
_UNUSABLE: tuple[int, ...] = ()

#: "(B)", "[C]": a letter in brackets names that option wherever it is (:meth:`_Mentions.mentions`).
BRACKETED_LETTER = re.compile(r"[(\[]([A-Z])[)\]]")
_LEADING_JUNK = re.compile(r"[\s\"'(\[{<#>:\-_]*")
# "Q: <the question> A: <the answer>": the A is a label, not option A.
_QA_LABELS = re.compile(r"\s*q(?:uestion)?:")
_QA_ANSWER = re.compile(r"[?\n]\s*a:")
# After a line break, an option text continues a list only when nothing else is on its line.
_ALONE_ON_LINE = re.compile(r"[ \t.)\]\"']{0,4}(?:\n|$|[,;&]| and(?![a-z]))")

_FILLER_WORDS = frozenset(
    {
        "is", "are", "was", "were", "be", "would", "should", "will", "must", "probably", "likely",
        "most", "definitely", "clearly", "therefore", "thus", "so", "then", "here", "option",
        "options", "choice", "choices", "letter", "letters", "answer", "answers", "the", "final",
        "my", "to", "this", "question", "with", "go", "choose", "select", "pick", "includes",
        "include", "it", "really", "actually", "indeed", "obviously",
        "是", "为", "應", "应", "该", "選", "选", "项", "择", "為", "\n",
    }
)  # fmt: skip
_FILLER_MARKS = frozenset({":", ",", "-", "=", ">", "#", "{", "}", "\\", '"', "'"})
_LEADING_MARKS = frozenset({'"', "'", ":", "-", "#", ">"})
_ARTICLES = frozenset({"a", "an", "the"})
_JUNK = " \t\n\"'([{<#>*-"
TRAILING = " \t\n.!)]*"
EVERY_STARTS = (
    "all",
    "none",
    "every",
    "answer",
    "the answer",
    "the final",
    "final answer",
    "i'd ",
    "i would",
    "honestly",
)
_ENUMERATED = re.compile(r"[0-9][.)] ?[A-Z](?![a-z])")


class _Response:
    """One prepared response and one option table: the state every layer reads."""

    def __init__(
        self,
        text: str,
        table: OptionTable,
        question_type: str,
        question: str | None = None,
        lowered: tuple[str, frozenset[bytes] | None] | None = None,
    ):
        """``lowered``: (:func:`.lower_same_length`, :func:`.ascii_words` of it) of ``text``
        when the caller has them already."""
        self.question = question
        self.text = text
        if lowered is None:
            self.lowered = lower_same_length(text)
            self.words = ascii_words(self.lowered)
        else:
            self.lowered, self.words = lowered
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


def _skip_fillers(tokens: list[Token], fillers: bool, explicit: bool, n_options: int) -> int:
    """Index of the first token after the fillers ("is", "option", ":") or leading marks."""
    i, n = 0, len(tokens)
    if fillers:
        while i < n and (tokens[i][0].lower() in _FILLER_WORDS or tokens[i][0] in _FILLER_MARKS):
            if explicit and is_letter_run(tokens[i][0], n_options):
                break  # "The answer is BE": letters, not the verb
            i += 1
    else:
        while i < n and tokens[i][0] in _LEADING_MARKS:
            i += 1
    return i


class _OptionTextList(_Response):
    """Reads a letter list or option texts listed in a row ("A, C", "Slightly blurry")."""

    def option_texts(self, tokens: list[Token], i: int, openers: frozenset[str]) -> tuple[int, ...] | None:
        """Option texts listed from token ``i`` on; None when there is none (or one is negated)."""
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
            if BRACKETED_LETTER.match(self.text, tokens[i][1] if i < len(tokens) else len(self.text)):
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

    def letters_or_texts(
        self, tokens: list[Token], i: int, explicit: bool, openers: frozenset[str]
    ) -> tuple[int, ...] | None:
        """A letter list at token ``i``, else the option texts listed there."""
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
        return self.option_texts(tokens, i, openers)


class _Statements(TrueFalseLayers, _OptionTextList):
    """Reads what a statement commits to: after a marker ("Answer: B") or at the start."""

    def statement(
        self, position: int, fillers: bool = True, end: int | None = None, explicit: bool = False
    ) -> tuple[int, ...] | None:
        """What the text right after ``position`` (up to ``end``) commits to (None: nothing readable)."""
        stop = position + FRAGMENT_CHARS if end is None else min(end, position + FRAGMENT_CHARS)
        tokens = tokenize(self.text, position, stop)
        i = _skip_fillers(tokens, fillers, explicit, self.n_options)
        if i >= len(tokens):
            return None
        if self.question_type == "true_false":
            return self.true_false_statement(tokens, i)
        if tokens[i][0].lower() == "not":  # "The answer is not A but B"
            i = after_but(tokens, i + 1, self.text, self.n_options)
            if i is None:
                return None
        return self.letters_or_texts(tokens, i, explicit, OPENERS | _ARTICLES if fillers else OPENERS)

    def true_false_statement(self, tokens: list[Token], i: int) -> tuple[int, ...] | None:
        """A letter ("B") or a verdict ("not true") at token ``i`` (after openers)."""
        j = skip(tokens, i, OPENERS)
        if j >= len(tokens):
            return None
        letter = self.true_false_letter(tokens, j) if len(tokens[j][0]) == 1 else None
        if letter is not None:
            return letter
        return self.true_false(true_false_at(self.lowered, tokens[j][1]))

    def last_statement(self, markers: MarkerSet) -> tuple[int, ...] | None:
        """The last statement introduced by one of ``markers`` that names something.

        A statement is read up to the next one, so the total work stays linear. After an
        explicit answer marker ("Answer:", not "I think") letters may come in any order
        ("Answer: DB") and a list naming every option is the answer, not an echo.
        """
        end = len(self.text)
        explicit = markers is STRONG
        for start, marker_end in reversed(find_markers(self.lowered, markers, self.words)):
            if not CONDITIONAL.search(self.lowered, max(0, start - 60), start):
                verdict = self.statement(marker_end, end=end, explicit=explicit)
                if verdict and self.question_type == "true_false" and negation_raised(self.lowered, start):
                    verdict = (1 - verdict[0],)  # "I don't think the statement is true"
                if verdict is not None:
                    return verdict
            end = start
        return None


class _Openings(_Statements):
    """Reads the start and the very end of a response ("B. ...", "... Based on this: B.")."""

    def leading(self) -> tuple[int, ...] | None:
        """Letters or option texts at the very start ("B. ...", "A, C", "Slightly blurry")."""
        start = _LEADING_JUNK.match(self.text).end()
        if start >= len(self.text):
            return None
        label = _QA_ANSWER.search(self.lowered) if _QA_LABELS.match(self.lowered) else None
        if label is not None:  # "Q: Which regions? A: Hair, background."
            return self.statement(label.end(), explicit=True)
        if self.lowered.startswith("only ", start):  # "Only A.", "Only B and D"
            letters = parse_letter_list(tokenize(self.text, start + 5), 0, self.text, self.n_options)
            if letters.status == LETTERS and not self.text[letters.end :].strip(" .!\n"):
                return letters.indices
        first, second = self.text[start], self.text[start + 1 : start + 2]
        letter_like = first.isascii() and first.isalpha() and not (second.isalpha() and second.islower())
        letter_like = letter_like or bool(_ENUMERATED.match(self.text, start))  # "1) B 2) C"
        if not letter_like and self.table.option_at(self.lowered, start) is None:
            return None  # cheap exit for ordinary sentences
        return self.statement(0, fillers=False)

    def after_last_colon(self) -> tuple[int, ...] | None:
        """Letters ending the response after a colon ("Based on the analysis: B.")."""
        colon = self.text.rfind(":")
        if colon < 0 or len(self.text) - colon > _COLON_TAIL_CHARS:
            return None
        letters = parse_letter_list(tokenize(self.text, colon + 1), 0, self.text, self.n_options)
        if letters.status != LETTERS or self.text[letters.end :].strip(" .!)\n"):
            return None
        return letters.indices


class _Mentions(_Response):
    """Reads the options named anywhere in the response (the last layer)."""

    def mentions(self) -> tuple[int, ...]:
        """Options named anywhere: option texts, "option B", "(B)"; hedges give ()."""
        found = set(self.table.mentioned(self.lowered))
        for start, end in find_markers(self.lowered, WEAK, self.words):
            tokens = tokenize(self.text, end, end + 40)
            letters = parse_letter_list(tokens, 0, self.text, self.n_options)
            if letters.status == HEDGE:
                return _UNUSABLE
            if letters.status == LETTERS and not is_negated(self.lowered, start, end + 2):
                found.update(letters.indices)
        brackets = BRACKETED_LETTER.finditer(self.text) if "(" in self.text or "[" in self.text else ()
        for match in brackets:
            index = ord(match.group(1)) - 65
            if index < self.n_options and not is_negated(self.lowered, match.start(), match.end()):
                found.add(index)
        return tuple(sorted(found))


class Reader(_Openings, ChoiceForms, _Mentions):
    """One response and one option list: the layers of the module docstring, in order."""

    def read(self) -> tuple[int, ...]:
        """The options the response commits to (() for nothing)."""
        if self.question_type == "true_false":
            return self.read_true_false_layers()
        verdict = self.last_statement(STRONG)
        if verdict is not None:
            return verdict
        if self.table.is_echo(self.lowered):  # the options repeated: only a conclusion after them counts
            verdict = self.last_statement(MEDIUM)
            return verdict if verdict is not None else self.final_letters() or _UNUSABLE
        # The cheap tests (C-level string methods) skip the layers that cannot apply.
        verdict = self.checklist() if "[" in self.text or ":" in self.text or "-" in self.text else None
        if verdict is None:
            verdict = self.leading()
        if verdict is not None:
            return verdict
        if contains_marker(self.lowered, REFUSAL, self.words):
            return _UNUSABLE
        verdict = self.conclusion()
        return verdict if verdict is not None else self.named_anywhere()

    def conclusion(self) -> tuple[int, ...] | None:
        """ "All of the above", "I think B", "...: B.", "Not A. Not C. B.", "B is correct",
        "C is fine; A and D are blurred": the first of these layers that reads something."""
        verdict = self.every_option() if self.lowered.lstrip(_JUNK).startswith(EVERY_STARTS) else None
        if verdict is None:
            verdict = self.last_statement(MEDIUM)
        if verdict is None:
            verdict = self.after_last_colon()
        if verdict is None and self.text.rstrip(TRAILING)[-1:].isupper():
            verdict = self.final_letters()
        if verdict is None:
            verdict = self.affirmed_letter()
        if verdict is None:
            verdict = self.clause_letters()
        return verdict

    def named_anywhere(self) -> tuple[int, ...]:
        """Options named anywhere: texts and letters, else inflections; with Chinese names."""
        found = self.mentions() or self.inflected_mentions()
        chinese = None if self.lowered.isascii() else self.chinese_mentions()
        if chinese is None:
            return found
        return chinese if not chinese or not found else tuple(sorted(set(found) | set(chinese)))
