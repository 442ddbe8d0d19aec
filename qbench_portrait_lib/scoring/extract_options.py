"""Finding option texts inside a response ("slightly blurry", longest option first).

An :class:`OptionTable` is built once per option list (cached) and matches option
texts case-insensitively on word boundaries; where options overlap the longest wins
("Very low" hides the "Low" inside it). Mentions right after a negation ("not sharp",
"rather than sharp"), right before one ("Sharp is wrong", "the eyes are not blurred",
"eyes and hair aren't"), or inside a question not answered yes ("Sharp? No.") do not count.

>>> table = option_table(("Low", "Medium", "Very low"))
>>> table.mentioned("the exposure is very low, not medium.")
(2,)
>>> table.option_at("low. the rest", 0)
(0, 3)
"""

from __future__ import annotations

import re
from functools import lru_cache

from qbench_portrait_lib.scoring.normalize import normalize_option, question_at, question_spans

# Words that negate the mention right after them (possibly across one intensifier).
_NEGATORS = frozenset({"not", "no", "nor", "neither", "never", "without", "except", "cannot"})
_NEGATING_PAIRS = frozenset({("rather", "than"), ("instead", "of")})
_INTENSIFIERS = frozenset(
    {"very", "too", "so", "quite", "really", "particularly", "exactly", "the", "a", "an"}
)
# Matched right after a mention: "is not", "are not", "were also not", "isn't", "is wrong",
# "ruled out", and a question answered no ("Sharp? No. Very blurry.").
# An optional "(B)" label may sit between the mention and the negation ("Noise (B) is not
# present"); a bare "no" ending the line negates a checklist item ("- B: no").
_NEGATED_AFTER = re.compile(
    r"(?: ?\([a-z]\))?[\s:)\]\-]{0,4}"
    r"(?=[iawsldrecmn?])"  # the first characters of the alternatives: a quick reject
    r"(?:"
    r"(?:is|are|was|were|seems?|appears?|looks?|would be|does|do|did)"
    r"(?: (?:also|really|clearly|definitely|certainly|actually|probably))?"
    r" (?:not\b|incorrect|wrong|unlikely|absent|fine|ok|okay|unaffected|out\b"
    r"|too (?:strong|weak|much|little|mild|severe))"
    r"|(?:isn't|aren't|wasn't|weren't|doesn't|don't|didn't)(?![a-z])"
    r"|incorrect|wrong|absent|ruled out|eliminated|excluded|\? ?(?:no|nope|not)(?![a-z])"
    r"|(?:would|could|might) (?!be(?![a-z]))"  # a hypothesis: "C would show blocks"
    r"|(?:no|nope)[.!;]?(?:\n|$))"
)
_ANSWERED_YES = re.compile(r" ?(?:yes|yep|yeah|correct|right)(?![a-z])")
# What joins two mentions of one list ("eyes and the hair are not blurred").
_LIST_GAP = re.compile(r"\s{0,3}(?:,|,? ?and|&|/|,? ?or|nor)\s{0,3}(?:the |its |her |his )?")
_LOOKBEHIND = 30


def is_negated(lowered: str, start: int, end: int) -> bool:
    """True when the mention ``lowered[start:end]`` is negated by its neighbours.

    >>> is_negated("the face is not sharp", 16, 21), is_negated("sharp is wrong", 0, 5)
    (True, True)
    """
    words = lowered[max(0, start - _LOOKBEHIND) : start].rsplit(None, 3)[-3:]  # the last three words
    if words and words[-1][:1] in "([\"'":
        words[-1] = words[-1].lstrip("([\"'")  # "(not motion blur"
    if words and words[-1] in _INTENSIFIERS:
        words.pop()
    if words:
        last = words[-1]
        if last in _NEGATORS or last.endswith("n't"):
            return True
        if len(words) > 1 and (words[-2], last) in _NEGATING_PAIRS:
            return True
    return _NEGATED_AFTER.match(lowered, end) is not None


def is_negated_after(lowered: str, end: int) -> bool:
    """True when what ends at ``end`` is negated or questioned by what follows it.

    >>> is_negated_after("noise (b) was not observed", 5), is_negated_after("b: no", 1)
    (True, True)
    >>> is_negated_after("b is wrong.", 1), is_negated_after("eyes aren't blurred", 4)
    (True, True)
    >>> is_negated_after("sharp? no. very blurry.", 5), is_negated_after("b is correct", 1)
    (True, False)
    """
    return _NEGATED_AFTER.match(lowered, end) is not None


# A negation with a plural verb after a letter list negates the whole list ("A and C are wrong").
_PLURAL_NEGATION = re.compile(r"[\s:)\]\-]{0,4}(?:are|were|do(?![a-z])|aren't|weren't|don't)")


def negation_scope(text: str, lowered: str, end: int) -> str | None:
    """What a negation right after a letter item ending at ``end`` negates: ``"list"`` for
    a plural verb ("A and C are wrong"), ``"item"`` otherwise ("B is absent", "- B: no"),
    None when nothing negates it, nor across a new sentence ("B. High is wrong").

    >>> [negation_scope(t, t.lower(), 1) for t in ("B is absent", "B. High is wrong")]
    ['item', None]
    >>> negation_scope("A and C are wrong", "a and c are wrong", 7)
    'list'
    """
    if text[end - 1 : end] == "." and text[end : end + 1] in (" ", "\n"):
        return None
    if _NEGATED_AFTER.match(lowered, end) is None:
        return None
    return "list" if _PLURAL_NEGATION.match(lowered, end) else "item"


class OptionTable:
    """Normalised option texts and the matchers built from them (cheap to build)."""

    __slots__ = ("first_characters", "longest_first", "normalized", "searches", "texts")

    def __init__(self, texts: tuple[str, ...]):
        self.texts = texts
        self.normalized = tuple(normalize_option(text) for text in texts)
        self.longest_first = tuple(sorted(range(len(texts)), key=lambda i: (-len(self.normalized[i]), i)))
        self.first_characters = frozenset(text[:1] for text in self.normalized)
        # (text, length, index) of the non-empty texts, longest first: what the searches loop over
        self.searches = tuple(
            (self.normalized[i], len(self.normalized[i]), i) for i in self.longest_first if self.normalized[i]
        )

    def __repr__(self) -> str:
        return f"OptionTable({self.texts!r})"

    def option_at(self, lowered: str, position: int) -> tuple[int, int] | None:
        """(option index, end) of the longest option text starting at ``position``."""
        if lowered[position : position + 1] not in self.first_characters:
            return None
        for text, size, i in self.searches:
            end = position + size
            if lowered.startswith(text, position) and not lowered[end : end + 1].isalnum():
                return i, end
        return None

    def mentions(self, lowered: str) -> list[tuple[int, int, int]]:
        """(start, end, index) of the option texts in ``lowered``: leftmost first, and where
        mentions overlap the longest wins (like a regex alternation sorted longest first)."""
        candidates = []
        for text, size, i in self.searches:
            position = lowered.find(text)
            while position >= 0:
                end = position + size
                if (
                    not (position and lowered[position - 1].isalnum())
                    and not lowered[end : end + 1].isalnum()
                ):
                    candidates.append((position, -size, end, i))
                position = lowered.find(text, position + 1)
        if len(candidates) < 2:  # the common case: nothing to sort or drop
            return [(start, end, i) for start, _, end, i in candidates]
        candidates.sort()
        kept, last_end = [], 0
        for start, _, end, i in candidates:
            if start >= last_end:
                kept.append((start, end, i))
                last_end = end
        return kept

    def mentioned(self, lowered: str) -> tuple[int, ...]:
        """Indices of the options mentioned (and not negated) in ``lowered``, sorted.

        A negation after a list negates the whole list ("eyes and hair are not blurred").

        >>> table = option_table(("Eyes", "Hair", "Mouth"))
        >>> table.mentioned("the eyes and hair are not blurred; the mouth is.")
        (2,)
        """
        mentions = self.mentions(lowered)
        if len(mentions) == 1 and "?" not in lowered:  # the common case, without the list logic
            start, end, index = mentions[0]
            return () if is_negated(lowered, start, end) else (index,)
        negated = [is_negated(lowered, start, end) for start, end, _ in mentions]
        if "?" in lowered:  # "Sharp? No. Very blurry.": a question is no choice unless answered yes
            questions = question_spans(lowered)
            for k, (start, _, _) in enumerate(mentions):
                question = question_at(questions, start)
                if question is not None and not _ANSWERED_YES.match(lowered, question[1]):
                    negated[k] = True
        for k in range(len(mentions) - 2, -1, -1):
            if negated[k + 1] and not negated[k]:
                gap_start, gap_end = mentions[k][1], mentions[k + 1][0]
                negated[k] = gap_end - gap_start <= 16 and bool(
                    _LIST_GAP.fullmatch(lowered, gap_start, gap_end)
                )
        return tuple(sorted({i for (_, _, i), no in zip(mentions, negated, strict=True) if not no}))

    def is_echo(self, lowered: str) -> bool:
        """True when the response lists every option with its letter ("A. Sharp B. ...")."""
        if len(self.texts) < 2 or not all(text in lowered for text in self.normalized):
            return False
        return all(pattern.search(lowered) for pattern in _echo_patterns(self.normalized))


@lru_cache(maxsize=256)
def _echo_patterns(normalized: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """ "A. text" / "(a) text" for every option (compiled only when an echo is possible)."""
    return tuple(
        re.compile(
            rf"(?:\({chr(97 + i)}\)|(?<![a-z0-9]){chr(97 + i)}[.):])[ \t]{{0,3}}{re.escape(text)}(?![a-z0-9])"
        )
        for i, text in enumerate(normalized)
    )


@lru_cache(maxsize=4096)
def option_table(options: tuple[str, ...]) -> OptionTable:
    """The cached :class:`OptionTable` of an option list."""
    return OptionTable(options)
