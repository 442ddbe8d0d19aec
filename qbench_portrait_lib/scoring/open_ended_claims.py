"""Read a text's quality claims: attribute, value, regions and severity, one left-to-right pass.

A claim is what one phrase of :mod:`open_ended_lexicon` asserts, turned by a negator in
front of it ("not blurry" is ``blur -``), given the regions named in its clause (a
clause without regions takes the regions of a next region-only clause that places it,
"Strong JPEG blocks, mostly on the cheeks", else of the last clause that named some) and
the severity said next to it ("slightly", "heavily"); :mod:`open_ended_clause` holds
what one clause has said. A clause ends at punctuation, at "but",
"whereas"..., and at an "and" that follows a claim about a named region ("the eyes are
sharp and blurs the rest"); a clause that only names regions runs on ("the background
and the hair look fine"). The regions of an earlier clause reach one clause without
regions, and none across a full stop or a semicolon. Side words ("on the left", "the
right edge"; not "no detail left") become the side of the light, of the empty space, of
the camera or of the subject, by what else the clause (else the question) talks about;
colour words become the value of a colour cast, and dull words ("muddy", "washed out")
low saturation, when it talks about colour. A clause that declines to answer ("I can't
tell...") says nothing.

>>> [c[:3] for c in read_claims("The face is very blurry, whereas the background stays sharp.")]
[('blur', '+', frozenset({'face'})), ('blur', '-', frozenset({'background'}))]
>>> [c[:2] for c in read_claims("No visible noise, but a cold bluish tint.")]
[('noise', '-'), ('cast', 'blue')]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from qbench_portrait_lib.scoring.open_ended_clause import CAN, CONTEXT_WORDS, Clause
from qbench_portrait_lib.scoring.open_ended_lexicon import (
    ATTACHING,
    CLAUSE_BREAKS,
    HEDGES,
    JUDGING,
    MODIFIED,
    MODIFIERS,
    NEGATION_SCOPE,
    NEGATORS,
    PHRASE_PREFIXES,
    PHRASE_STARTS,
    PHRASES,
    REFUSALS,
    REGIONS,
    SIDE_LEADS,
    SIDE_NOUNS,
    SOFT_BREAKS,
    SPACE_WORDS,
    STRONG_BREAKS,
    tokenize,
    words,
)
from qbench_portrait_lib.scoring.open_ended_vocabulary import DULL_COLOUR_WORDS

_DETERMINERS = frozenset(words("the its it his her their there this a"))
_PREDICATES = frozenset(words("is are was were looks look seems seem but"))
_BREAK, _AND, _SOFT, _SPACE, _START, _NEGATOR, _BE, _KEEP = 1, 2, 4, 8, 16, 32, 64, 128
#: What each word that matters to the reader does, as bits: one look-up per word.
_ROLES: dict[str, int] = {}
for _words, _role in (
    (CLAUSE_BREAKS | {","}, _BREAK),
    ({"and"}, _AND),
    (SOFT_BREAKS, _SOFT),
    (SPACE_WORDS, _SPACE),
    (PHRASE_STARTS, _START),
    (NEGATORS, _NEGATOR),
    ({"be"}, _BE),  # "too orange to be natural"
    # the words a clause's checks look at (context, refusals, hedges, "too"); others are not kept
    (CONTEXT_WORDS | JUDGING | REFUSALS | CAN | HEDGES | {"t", "too"}, _KEEP),
):
    for _word in _words:
        _ROLES[_word] = _ROLES.get(_word, 0) | _role
#: The words that can follow each first word of a longer phrase.
_SECOND_WORDS: dict[str, set[str]] = {}
for _phrase in PHRASES:
    if len(_phrase) > 1:
        _SECOND_WORDS.setdefault(_phrase[0], set()).add(_phrase[1])
#: Words that are a phrase and begin no longer one (no need to look further), with what they say.
_SINGLE_WORD_PHRASES = {
    p[0]: entry for p, entry in PHRASES.items() if len(p) == 1 and p not in PHRASE_PREFIXES
}
REGION_ONLY = "region_only"  # a claim kind: the clause names regions and nothing else


_new_tuple = tuple.__new__  # builds a QualityClaim without its Python-level __new__


class QualityClaim(NamedTuple):
    """One claim: ``attribute`` has ``value`` in ``regions`` (empty: unspecified), at ``severity``."""

    attribute: str
    value: str
    regions: frozenset[str]
    severity: int | None  # 1 slight, 2 moderate, 3 severe; None when not said


class _Reader:
    """The running state of :func:`read_claims`: clauses closed so far and the open one."""

    __slots__ = (
        "clause",
        "clauses",
        "context",
        "found",
        "hedged",
        "last_regions",
        "previous",
        "region_only",
        "waiting",
    )

    def __init__(self, region_only: bool, context: frozenset[str]) -> None:
        self.region_only = region_only
        self.context = context
        self.found: list[list] = []  # [attribute, value, regions, severity]
        self.last_regions: frozenset[str] = frozenset()  # reach one clause without regions
        self.waiting: list[list] = []  # claims of a clause without regions
        self.previous: list[list] = []  # the claims of the last clause that named regions
        self.clause = Clause()
        self.clauses = 0
        self.hedged = False  # a hedge ("maybe") in the first clause or in one that claims something

    def emit(self, claims: list[list], regions: frozenset[str]) -> None:
        found = self.found
        for attribute, value, severity in claims:
            found.append([attribute, value, regions, severity])

    def inherit(self) -> None:
        """The waiting claims take the regions of the clause before them, which then expire."""
        if self.waiting:
            self.emit(self.waiting, self.last_regions)
            self.last_regions = frozenset()
        self.waiting = []

    def close(self, strong: bool = False) -> None:
        clause = self.clause
        self.clauses += 1
        if not (clause.claims or clause.regions or clause.sides or clause.colours):  # said nothing
            self.hedged = self.hedged or (self.clauses == 1 and not clause.words.isdisjoint(HEDGES))
            if self.waiting:
                self.inherit()
            if clause.severity is not None and self.found:
                self.found[-1][3] = self.found[-1][3] or clause.severity  # "noisy, moderately"
            clause.words = set()
            clause.spaces = ()
            clause.severity, clause.first = None, ""
            return
        self.clause = Clause()
        claims = (
            clause.resolve(self.context) if clause.sides or clause.colours or clause.dull else clause.claims
        )
        if not clause.words.isdisjoint(JUDGING) and clause.refused():
            claims, clause.regions = [], set()
        regions = frozenset(clause.regions)
        if not clause.words.isdisjoint(HEDGES) and (claims or regions or self.clauses == 1):
            self.hedged = True
        if claims and not regions:
            self.inherit()
            self.waiting = claims
            if strong:  # "Cluttered; a pole grows from her head": the head is not cluttered
                self.inherit()
            return
        attaching = regions and not claims and clause.first in ATTACHING
        if attaching and self.waiting:  # "Strong blocks, mostly on the cheeks"
            self.emit(self.waiting, regions)
            self.waiting = []
        elif attaching and self.previous:  # "It crops the body, at the wrists and the knees"
            for entry in self.previous:
                entry[2] = entry[2] | regions
        else:
            self.inherit()
            if regions and not claims and self.region_only:
                self.found.append([REGION_ONLY, "+", regions, clause.severity])
            start = len(self.found)
            self.emit(claims, regions)
            self.previous = self.found[start:] if claims else self.previous
        if not claims and not regions and clause.severity is not None and self.found:
            self.found[-1][3] = self.found[-1][3] or clause.severity  # "noisy, moderately"
        if regions:
            self.last_regions = regions

    def finish(self) -> list[QualityClaim]:
        """The claims without repeats; a repeat keeps the first severity said."""
        self.close()
        self.inherit()
        claims: dict[tuple[str, str, frozenset[str]], int | None] = {}
        for attribute, value, regions, severity in self.found:
            key = (attribute, value, regions)
            claims[key] = claims.get(key) or severity
        return [_new_tuple(QualityClaim, (*key, severity)) for key, severity in claims.items()]


def _names_side(tokens: Sequence[str], start: int, end: int, phrase: bool = False) -> bool:
    """Whether a side word names a side: "on the left", "the right edge"; not "left eye", "the right one".

    A side ``phrase`` ("from the left") names one unless a region or "one" follows it.
    """
    after = tokens[end] if end < len(tokens) else ""
    if after in REGIONS or after in ("one", "ones"):
        return False
    return (
        phrase
        or after in SIDE_NOUNS
        or any(token in SIDE_LEADS for token in tokens[max(0, start - 2) : start])
    )


def _take(reader: _Reader, entry: object, negated: bool, tokens: Sequence[str], start: int, end: int) -> None:
    clause = reader.clause
    if isinstance(entry[0], tuple):  # a tuple of (attribute, value) claims
        if end == start + 1 and tokens[start] in MODIFIERS and _describes_light(tokens, end):
            return  # "soft, warm light": the light is soft, nothing is blurred
        for attribute, value in entry:
            if tokens[start] in DULL_COLOUR_WORDS:
                clause.dull += (len(clause.claims),)
            clause.add(attribute, value, negated)
        return
    kind, value = entry
    if kind == "region":
        if not (start > 0 and tokens[start - 1] == "from") and not (
            start > 1 and tokens[start - 2] == "from"
        ):
            clause.regions.add(value)  # "distracts from the face": the face is not where
    elif kind == "severity":
        clause.qualify(value)
    elif kind == "colour":
        clause.colours += (value,)
    elif kind == "light_side" and _names_side(tokens, start, end, phrase=True):
        clause.add("light_side", value, negated)
    elif kind == "side" and _names_side(tokens, start, end):
        clause.sides += ((value, negated, start),)


def _describes_light(tokens: Sequence[str], end: int) -> bool:
    """Whether "light" or "contrast" follows within four words, before any verb or break."""
    for token in tokens[end : end + 4]:
        if token in MODIFIED:
            return True
        if token in _PREDICATES or token in CLAUSE_BREAKS:
            return False
    return False


def _and_breaks(clause: Clause, tokens: Sequence[str], position: int) -> bool:
    """Whether the clause ends at the "and" at ``position`` (see the module doc)."""
    if position + 1 == len(tokens):
        return False
    following = tokens[position + 1]
    said = bool(clause.claims or clause.sides or clause.colours)
    if following in _DETERMINERS:
        return said or not clause.regions  # "the background and the hair look fine" runs on
    return said and bool(clause.regions) and following not in REGIONS


def read_claims(
    text: str, *, region_only: bool = False, context: frozenset[str] = frozenset()
) -> list[QualityClaim]:
    """The claims of ``text`` in order of first mention, without repeats; linear in its length.

    See :func:`read_answer` (which also says whether the text hedges) for the arguments.

    >>> read_claims("Not noisy at all.")
    [QualityClaim(attribute='noise', value='-', regions=frozenset(), severity=None)]
    """
    return read_answer(text, region_only=region_only, context=context)[0]


def read_answer(
    text: str, *, region_only: bool = False, context: frozenset[str] = frozenset()
) -> tuple[list[QualityClaim], bool]:
    """The claims of ``text`` (in order of first mention, without repeats), and whether it hedges.

    ``region_only`` also keeps clauses that name regions and nothing else ("The background.")
    as ``region_only`` claims. ``context`` (the question's words) says what side and colour
    words are about when their clause does not.

    It hedges when "maybe", "perhaps", "possibly" or "might" opens it or sits in a clause
    that claims something or names a region ("a close-up, maybe from a phone" does not).

    >>> read_answer("Maybe the face is a little soft.")[1], read_answer("Sharp, maybe a phone shot.")[1]
    (True, False)
    >>> read_claims("Strong blocky artefacts, especially on the cheeks.")[0].regions
    frozenset({'face'})
    >>> [c[:2] for c in read_claims("Amber.", context=frozenset({"colour"}))]
    [('cast', 'yellow')]
    """
    return read_tokens(tokenize(text), region_only=region_only, context=context)


def read_tokens(
    tokens: Sequence[str], *, region_only: bool = False, context: frozenset[str] = frozenset()
) -> tuple[list[QualityClaim], bool]:
    """:func:`read_answer` of an already tokenized text.

    >>> read_tokens(["maybe", "noisy"])
    ([QualityClaim(attribute='noise', value='+', regions=frozenset(), severity=None)], True)
    """
    reader = _Reader(region_only, context)
    clause = reader.clause
    single, seconds, roles = _SINGLE_WORD_PHRASES, _SECOND_WORDS, _ROLES
    negated_until, position, count = -1, 0, len(tokens)
    clause.first = tokens[0] if tokens else ""
    while position < count:
        token = tokens[position]
        role = roles.get(token, 0)
        if not role:  # most words: nothing to do
            position += 1
            continue
        if role & _BREAK or (role & _AND and _and_breaks(clause, tokens, position)):
            reader.close(strong=token in STRONG_BREAKS)
            clause = reader.clause
            following = tokens[position + 1] if position + 1 < count else ""
            clause.first = token if token in (":", "and") else following  # see ATTACHING
            negated_until = -1
            position += 1
            continue
        if role & _SOFT:
            negated_until = -1
        clause.words.add(token)
        if role & _SPACE:
            clause.spaces += (position,)
        if role & _START:
            if token in single:
                length, entry = 1, single[token]
            elif position + 1 < count and tokens[position + 1] in seconds.get(token, ()):
                length = _match_length(tokens, position)
                entry = PHRASES[tuple(tokens[position : position + length])] if length else None
            else:  # no longer phrase goes on from here
                entry = PHRASES.get((token,))
                length = 1 if entry is not None else 0
            if length:
                _take(reader, entry, position <= negated_until, tokens, position, position + length)
                position += length
                continue
        if role & _NEGATOR or (role & _BE and tokens[position - 1] == "to" and "too" in clause.words):
            negated_until = position + NEGATION_SCOPE  # "too orange to be natural" is not natural
        position += 1
    return reader.finish(), reader.hedged


def phrase_claims(tokens: Sequence[str]) -> frozenset[tuple[str, str]]:
    """The (attribute, value) pairs the phrases of ``tokens`` name, read without clauses,
    negation or regions: a cheap reading for questions.

    >>> sorted(phrase_claims(tokenize("Which region is most affected by motion blur or noise?")))
    [('blur_kind', 'motion'), ('noise', '+')]
    """
    found: set[tuple[str, str]] = set()
    position, count = 0, len(tokens)
    while position < count:
        token = tokens[position]
        if token not in PHRASE_STARTS:
            position += 1
            continue
        if token in _SINGLE_WORD_PHRASES:
            length, entry = 1, _SINGLE_WORD_PHRASES[token]
        elif position + 1 < count and tokens[position + 1] in _SECOND_WORDS.get(token, ()):
            length = _match_length(tokens, position)
            entry = PHRASES[tuple(tokens[position : position + length])] if length else ("", "")
        else:
            length, entry = 1, PHRASES.get((token,), ("", ""))
        if isinstance(entry[0], tuple):
            found.update(entry)
        position += length or 1
    return frozenset(found)


def _match_length(tokens: Sequence[str], position: int) -> int:
    """The length of the longest lexicon phrase starting at ``position`` (0: none)."""
    longest = 0
    end = position + 1
    while end <= len(tokens):
        words = tuple(tokens[position:end])
        if words in PHRASES:
            longest = end - position
        if words not in PHRASE_PREFIXES:
            return longest
        end += 1
    return longest
