"""Circular accuracy: a question counts only if every rotation of its options is answered right.

Each question of a rotating format (single-choice, multiple-choice: every cyclic rotation;
true/false: both orders) was asked once per variant, and each variant was scored by
reading its letters through that variant's option order. Per question:

- ``vanilla``: the score of rotation 0, the dataset's own order;
- ``circular``: 1 when every variant scored 1 (multi-select: every variant's set exactly
  right), else 0 — so circular <= vanilla, and their difference, the *drop*, is the share
  of questions right in the dataset's order but not in some other;
- ``consistency``: the share of variants giving the most common answer (as option texts,
  after mapping letters back; a variant with no usable answer agrees with none);
- ``chance``: the probability that uniform guessing gets every variant right, the product
  of the variants' chance levels (:func:`circular_chance`).

Cells average these over all questions and over each value of the single breakdowns, with
Wilson intervals for the circular accuracy and for the drop (both are shares of questions).

>>> outcomes = [VariantOutcome("q1", 0, ("a",), 1.0, 0.5), VariantOutcome("q1", 1, ("b",), 0.0, 0.5)]
>>> question = circular_question(outcomes)
>>> question.vanilla, question.circular, question.consistency, question.chance
(1.0, 0.0, 0.5, 0.25)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from qbench_portrait_lib.contract.columns import LABEL_COLUMNS
from qbench_portrait_lib.scoring.intervals import wilson_interval

NAN = math.nan

#: The breakdowns circular cells are computed for (one label column each).
CIRCULAR_BREAKDOWNS: tuple[str, ...] = tuple(LABEL_COLUMNS)


class VariantOutcome(NamedTuple):
    """One variant's verdict: its question, rotation, the option texts read, score and chance."""

    id: str
    rotation: int
    parsed: tuple[str, ...] | None
    score: float
    chance: float


class CircularQuestion(NamedTuple):
    """One question's circular verdict (see the module doc)."""

    id: str
    variants: int
    vanilla: float
    circular: float
    consistency: float
    chance: float


def circular_chance(chances: Sequence[float]) -> float:
    """The chance of getting every variant right by guessing: the product of their chances.

    Guesses on different variants are independent, so the probability that all are right is
    the product (checked against enumeration in the tests).

    >>> circular_chance([0.25] * 4), circular_chance([0.5, 0.5])
    (0.00390625, 0.25)
    """
    return math.prod(chances)


def circular_question(outcomes: Sequence[VariantOutcome]) -> CircularQuestion:
    """Fold the variants of one question (rotations 0..n-1, each once) into its verdict."""
    rotations = sorted(outcome.rotation for outcome in outcomes)
    if rotations != list(range(len(outcomes))):
        raise ValueError(
            f"question {outcomes[0].id!r}: expected rotations 0..{len(outcomes) - 1} once each, "
            f"got {rotations}"
        )
    by_rotation = {outcome.rotation: outcome for outcome in outcomes}
    answers = Counter(frozenset(o.parsed) for o in outcomes if o.parsed is not None)
    agreeing = max(answers.values(), default=0)
    return CircularQuestion(
        id=outcomes[0].id,
        variants=len(outcomes),
        vanilla=by_rotation[0].score,
        circular=1.0 if all(o.score == 1.0 for o in outcomes) else 0.0,
        consistency=agreeing / len(outcomes),
        chance=circular_chance([o.chance for o in outcomes]),
    )


@dataclass(frozen=True)
class CircularCell:
    """Circular scores of one group of questions (count 0 and NaNs when empty)."""

    breakdown: str
    value: str
    count: int
    vanilla: float
    circular: float
    circular_interval: tuple[float, float]
    drop: float
    drop_interval: tuple[float, float]
    chance: float
    consistency: float

    @property
    def label(self) -> str:
        """``circular/overall`` or ``circular/{breakdown}/{value}``: the prefix of its flat keys."""
        return (
            "circular/overall" if self.breakdown == "overall" else f"circular/{self.breakdown}/{self.value}"
        )

    def flat(self) -> dict[str, float]:
        """The cell's flat metric keys."""
        prefix = self.label
        return {
            f"{prefix}/accuracy": self.circular,
            f"{prefix}/ci_low": self.circular_interval[0],
            f"{prefix}/ci_high": self.circular_interval[1],
            f"{prefix}/vanilla": self.vanilla,
            f"{prefix}/drop": self.drop,
            f"{prefix}/drop_ci_low": self.drop_interval[0],
            f"{prefix}/drop_ci_high": self.drop_interval[1],
            f"{prefix}/chance": self.chance,
            f"{prefix}/consistency": self.consistency,
            f"{prefix}/count": float(self.count),
        }


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values) if values else NAN


def circular_cell(breakdown: str, value: str, questions: Sequence[CircularQuestion]) -> CircularCell:
    """Average ``questions`` into one cell.

    >>> q = [CircularQuestion("q1", 2, 1.0, 0.0, 0.5, 0.25), CircularQuestion("q2", 2, 1.0, 1.0, 1.0, 0.25)]
    >>> cell = circular_cell("overall", "", q)
    >>> cell.vanilla, cell.circular, cell.drop, cell.chance, cell.consistency
    (1.0, 0.5, 0.5, 0.25, 0.75)
    """
    circular_hits = math.fsum(q.circular for q in questions)
    dropped = math.fsum(q.vanilla - q.circular for q in questions)
    return CircularCell(
        breakdown=breakdown,
        value=value,
        count=len(questions),
        vanilla=_mean([q.vanilla for q in questions]),
        circular=_mean([q.circular for q in questions]),
        circular_interval=wilson_interval(circular_hits, len(questions)),
        drop=_mean([q.vanilla - q.circular for q in questions]),
        drop_interval=wilson_interval(dropped, len(questions)),
        chance=_mean([q.chance for q in questions]),
        consistency=_mean([q.consistency for q in questions]),
    )


def circular_cells(
    questions: Sequence[CircularQuestion], labels: Mapping[str, Mapping[str, str]]
) -> list[CircularCell]:
    """The overall cell, then one cell per value of each breakdown (vocabulary order).

    ``labels[id][column]`` is the question's label in each of :data:`CIRCULAR_BREAKDOWNS`.
    """
    cells = [circular_cell("overall", "", questions)]
    for column in CIRCULAR_BREAKDOWNS:
        for value in LABEL_COLUMNS[column]:
            if column == "question_type" and value == "open_ended":
                continue  # never rotated: no circular cell
            members = [q for q in questions if labels[q.id][column] == value]
            cells.append(circular_cell(column, value, members))
    return cells
