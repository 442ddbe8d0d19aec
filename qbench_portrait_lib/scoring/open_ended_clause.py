"""One clause of an answer as the open-ended proxy reads it: its claims, regions and words.

The reader of :mod:`open_ended_claims` fills a :class:`Clause` word by word; when the clause
ends, :meth:`Clause.resolve` turns its side, colour and dull words into claims by what the
clause (else the question) talks about, and :meth:`Clause.refused` says whether it declines
to answer.

>>> clause = Clause()
>>> clause.words.update({"space", "empty"})
>>> clause.sides += (("left", False, 3),)
>>> clause.resolve(frozenset())
[['empty_side', 'left', None]]
"""

from __future__ import annotations

from qbench_portrait_lib.scoring.open_ended_lexicon import (
    CAMERA_WORDS,
    JUDGING,
    LIGHT_WORDS,
    REFUSALS,
    SHADOW_WORDS,
    SPACE_WORDS,
    words,
)
from qbench_portrait_lib.scoring.open_ended_vocabulary import OPPOSITES

COLOUR_NOUNS = frozenset(
    words("colour color colours colors tone tones hue hues palette cast tint tinted grade grading graded")
)
#: Words that say what a clause's side and colour words are about.
CONTEXT_WORDS = COLOUR_NOUNS | SPACE_WORDS | SHADOW_WORDS | LIGHT_WORDS | CAMERA_WORDS
CAN = frozenset({"can", "couldn"})  # "can't tell" declines
_OPPOSITE_SIDE = {"left": "right", "right": "left", "above": "below", "below": "above"}
_SPACE_REACH = 4  # with several sides in a clause, a space word this close before one makes it empty


def negate(attribute: str, value: str) -> str:
    """The value "not ``value``" says: the other side of a two-sided attribute, else ``!value``.

    >>> negate("blur", "+"), negate("appeal", "good"), negate("cast", "blue")
    ('-', 'poor', '!blue')
    """
    if value in ("+", "-"):
        return "-" if value == "+" else "+"
    if value in OPPOSITES.get(attribute, ()):
        first, second = OPPOSITES[attribute]
        return second if value == first else first
    return value[1:] if value.startswith("!") else f"!{value}"


class Clause:
    """What one clause of a text has said so far (filled by the reader of :mod:`open_ended_claims`)."""

    __slots__ = (
        "claims",
        "colours",
        "dull",
        "first",
        "regions",
        "severity",
        "sides",
        "spaces",
        "words",
    )

    def __init__(self) -> None:
        self.claims: list[list] = []  # [attribute, value, severity]
        # The rarely filled ones are tuples, grown by +=: most clauses never allocate them.
        # dull: the claims said with a dull word ("muddy"), low saturation in colour talk.
        self.dull: tuple[int, ...] = ()
        self.regions: set[str] = set()
        self.words: set[str] = set()
        self.sides: tuple[tuple[str, bool, int], ...] = ()  # (side, negated, position)
        self.spaces: tuple[int, ...] = ()  # positions of space words
        self.colours: tuple[str, ...] = ()
        self.severity: int | None = None  # said before any claim it could qualify
        self.first = ""  # the clause's first word

    def add(self, attribute: str, value: str, negated: bool) -> None:
        self.claims.append([attribute, negate(attribute, value) if negated else value, self.severity])
        self.severity = None

    def refused(self) -> bool:
        """Whether the clause declines to judge ("I can't tell", "unable to evaluate")."""
        words = self.words
        if words.isdisjoint(JUDGING):
            return False
        return not words.isdisjoint(REFUSALS) or ("t" in words and not words.isdisjoint(CAN))

    def qualify(self, level: int) -> None:
        if self.claims and self.claims[-1][2] is None:
            self.claims[-1][2] = level  # "noisy, moderately" / "blurred heavily"
        else:
            self.severity = level

    def resolve(self, question: frozenset[str]) -> list[list]:
        """Turn side, colour and dull words into claims, by the clause's (else the question's) context."""
        context = self.words if not self.words.isdisjoint(CONTEXT_WORDS) else self.words | question
        for side, negated, position in self.sides:
            near = len(self.sides) == 1 or any(0 < position - at <= _SPACE_REACH for at in self.spaces)
            self.add(*side_claim(side, context, near), negated)
        if context.isdisjoint(COLOUR_NOUNS):
            return self.claims
        for index in self.dull:
            self.claims[index][:2] = ["saturation", "high" if self.claims[index][1] == "-" else "low"]
        if self.colours:
            severities = [claim[2] for claim in self.claims if claim[:2] == ["cast", "+"] and claim[2]]
            self.claims = [claim for claim in self.claims if claim[:2] != ["cast", "+"]]
            for colour in self.colours:
                self.add("cast", colour, False)
                self.claims[-1][2] = self.claims[-1][2] or (severities[0] if severities else None)
        return self.claims


def side_claim(side: str, context: set[str], near_space: bool) -> tuple[str, str]:
    """What a side word says in a clause about the camera, empty space, shadow, light or else."""
    if side in ("above", "below") and context & CAMERA_WORDS:
        return ("angle", "high" if side == "above" else "low")
    if context & SPACE_WORDS and near_space:
        return ("empty_side", side)
    if context & SHADOW_WORDS:
        return ("light_side", _OPPOSITE_SIDE[side])
    if context & LIGHT_WORDS:
        return ("light_side", side)
    return ("position", side)
