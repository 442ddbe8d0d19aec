"""Read a text's quality claims: attribute, value, regions and severity, one left-to-right pass.

A claim is what one phrase of :mod:`open_ended_lexicon` asserts, turned by a negator in
front of it ("not blurry" is ``blur -``), given the regions named in its clause (a
clause without regions takes the regions of the next region-only clause, else of the
last clause that named some: "Strong JPEG blocks, mostly on the cheeks") and the
severity said next to it ("slightly", "heavily"). Side words become the side of the light,
of the empty space or of the subject, by what else the clause talks about; colour words
become the value of a colour cast when the clause talks about colour.

>>> [c[:3] for c in read_claims("The face is very blurry, whereas the background stays sharp.")]
[('blur', '+', frozenset({'face'})), ('blur', '-', frozenset({'background'}))]
>>> [c[:2] for c in read_claims("No visible noise, but a cold bluish tint.")]
[('noise', '-'), ('cast', 'blue')]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from qbench_portrait_lib.scoring.open_ended_lexicon import (
    CLAUSE_BREAKS,
    LIGHT_WORDS,
    NEGATION_SCOPE,
    NEGATORS,
    PHRASE_PREFIXES,
    PHRASE_STARTS,
    PHRASES,
    REGIONS,
    SHADOW_WORDS,
    SOFT_BREAKS,
    SPACE_WORDS,
    tokenize,
    words,
)

_COLOUR_NOUNS = frozenset(words("colour color colours colors tone tones hue hues palette cast tint tinted"))
_DETERMINERS = frozenset(words("the its it his her their there this a"))
_OPPOSITE_SIDE = {"left": "right", "right": "left", "above": "below", "below": "above"}
REGION_ONLY = "region_only"  # a claim kind: the clause names regions and nothing else


class QualityClaim(NamedTuple):
    """One claim: ``attribute`` has ``value`` in ``regions`` (empty: unspecified), at ``severity``."""

    attribute: str
    value: str
    regions: frozenset[str]
    severity: int | None  # 1 slight, 2 moderate, 3 severe; None when not said


def _negate(value: str) -> str:
    if value == "+":
        return "-"
    if value == "-":
        return "+"
    return value[1:] if value.startswith("!") else f"!{value}"


class _Clause:
    """What one clause has said so far."""

    def __init__(self) -> None:
        self.claims: list[list] = []  # [attribute, value, severity]
        self.regions: set[str] = set()
        self.words: set[str] = set()
        self.sides: list[tuple[str, bool]] = []  # (side, negated)
        self.colours: list[str] = []
        self.severity: int | None = None  # said before any claim it could qualify

    def add(self, attribute: str, value: str, negated: bool) -> None:
        self.claims.append([attribute, _negate(value) if negated else value, self.severity])
        self.severity = None

    def qualify(self, level: int) -> None:
        if self.claims and self.claims[-1][2] is None:
            self.claims[-1][2] = level  # "noisy, moderately" / "blurred heavily"
        else:
            self.severity = level

    def resolve(self) -> list[list]:
        """Turn the side and colour words into claims, by the clause's context."""
        for side, negated in self.sides:
            if self.words & SPACE_WORDS:
                self.add("empty_side", side, negated)
            elif self.words & SHADOW_WORDS and side in _OPPOSITE_SIDE:
                self.add("light_side", _OPPOSITE_SIDE[side], negated)
            elif self.words & LIGHT_WORDS:
                self.add("light_side", side, negated)
            else:
                self.add("position", side, negated)
        if self.colours and self.words & _COLOUR_NOUNS:
            severities = [claim[2] for claim in self.claims if claim[:2] == ["cast", "+"] and claim[2]]
            self.claims = [claim for claim in self.claims if claim[:2] != ["cast", "+"]]
            for colour in self.colours:
                self.add("cast", colour, False)
                self.claims[-1][2] = self.claims[-1][2] or (severities[0] if severities else None)
        return self.claims


class _Reader:
    """The running state of :func:`read_claims`: clauses closed so far and the open one."""

    def __init__(self, region_only: bool) -> None:
        self.region_only = region_only
        self.found: list[list] = []  # [attribute, value, regions, severity]
        self.last_regions: frozenset[str] = frozenset()
        self.waiting: list[list] = []  # claims of a clause without regions
        self.clause = _Clause()

    def emit(self, claims: list[list], regions: frozenset[str]) -> None:
        if claims:
            self.found.extend([attr, value, regions, severity] for attr, value, severity in claims)

    def close(self) -> None:
        clause, self.clause = self.clause, _Clause()
        claims = clause.resolve()
        regions = frozenset(clause.regions)
        if claims and not regions:
            self.emit(self.waiting, self.last_regions)
            self.waiting = claims
            return
        if regions and not claims and self.waiting:
            self.emit(self.waiting, regions)
        else:
            self.emit(self.waiting, self.last_regions)
            if regions and not claims and self.region_only:
                self.found.append([REGION_ONLY, "+", regions, clause.severity])
            self.emit(claims, regions)
        if not claims and not regions and clause.severity is not None and self.found:
            self.found[-1][3] = self.found[-1][3] or clause.severity  # "noisy, moderately"
        self.waiting = []
        if regions:
            self.last_regions = regions

    def finish(self) -> list[QualityClaim]:
        """The claims without repeats; a repeat keeps the first severity said."""
        self.close()
        self.emit(self.waiting, self.last_regions)
        claims: dict[tuple[str, str, frozenset[str]], int | None] = {}
        for attribute, value, regions, severity in self.found:
            key = (attribute, value, regions)
            claims[key] = claims.get(key) or severity
        return [QualityClaim(*key, severity) for key, severity in claims.items()]


def _take(reader: _Reader, entry: object, negated: bool, tokens: Sequence[str], end: int) -> None:
    clause = reader.clause
    if isinstance(entry[0], tuple):  # a tuple of (attribute, value) claims
        for attribute, value in entry:
            clause.add(attribute, value, negated)
        return
    kind, value = entry
    if kind == "region":
        clause.regions.add(value)
    elif kind == "severity":
        clause.qualify(value)
    elif kind == "colour":
        clause.colours.append(value)
    elif kind == "light_side":
        clause.add("light_side", value, negated)
    elif kind == "side" and not (end < len(tokens) and tokens[end] in REGIONS):
        clause.sides.append((value, negated))  # "left eye" names a region, not a side


def read_claims(text: str, *, region_only: bool = False) -> list[QualityClaim]:
    """The claims of ``text`` in order of first mention, without repeats; linear in its length.

    ``region_only`` also keeps clauses that name regions and nothing else ("The background.")
    as ``region_only`` claims.

    >>> read_claims("Not noisy at all.")
    [QualityClaim(attribute='noise', value='-', regions=frozenset(), severity=None)]
    >>> read_claims("Strong blocky artefacts, especially on the cheeks.")[0].regions
    frozenset({'face'})
    """
    tokens = tokenize(text)
    reader = _Reader(region_only)
    negated_until = -1
    position = 0
    while position < len(tokens):
        token = tokens[position]
        if (
            token in CLAUSE_BREAKS
            or token == ","
            or (token == "and" and position + 1 < len(tokens) and tokens[position + 1] in _DETERMINERS)
        ):
            reader.close()
            negated_until = -1
            position += 1
            continue
        if token in SOFT_BREAKS:
            negated_until = -1
        reader.clause.words.add(token)
        length = _match_length(tokens, position) if token in PHRASE_STARTS else 0
        if length:
            entry = PHRASES[tuple(tokens[position : position + length])]
            _take(reader, entry, position <= negated_until, tokens, position + length)
            position += length
            continue
        if token in NEGATORS:
            negated_until = position + NEGATION_SCOPE
        position += 1
    return reader.finish()


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
