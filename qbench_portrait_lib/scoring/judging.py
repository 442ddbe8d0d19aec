"""The judge hook for open-ended questions: what a judge receives and returns.

A judge is any callable taking the open-ended items of a scoring call and returning one
score per item, in order: a float in [0, 2] (0 wrong, 1 partly right, 2 right; a mean of
several rounds is fine) or ``None`` when it failed for that item. The scorer maps a score
to [0, 1] by halving it and falls back to the offline proxy on a failure.

>>> item = OpenEndedItem(id="q1", question="Which region is blurred?",
...                      references=("The background.",), response="The background")
>>> constant_judge: JudgeFn = lambda items: [2.0 for _ in items]
>>> validate_judge_scores(constant_judge([item]), 1)
[2.0]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: Highest score a judge may give to one item.
JUDGE_MAX_SCORE = 2.0


@dataclass(frozen=True)
class OpenEndedItem:
    """One open-ended question as a judge sees it."""

    id: str
    question: str
    references: tuple[str, ...]
    response: str | None


JudgeFn = Callable[[Sequence[OpenEndedItem]], Sequence["float | None"]]


def validate_judge_scores(scores: Sequence[float | None], expected_count: int) -> list[float | None]:
    """Check a judge's answer: one value per item, each ``None`` or a number in [0, 2].

    >>> validate_judge_scores([0, 1.5, None], 3)
    [0.0, 1.5, None]
    >>> validate_judge_scores([3.0], 1)
    Traceback (most recent call last):
    ...
    ValueError: judge score for item 0 must be None or a number in [0, 2], got 3.0
    """
    scores = list(scores)
    if len(scores) != expected_count:
        raise ValueError(
            f"the judge must return one score per item: expected {expected_count}, got {len(scores)}"
        )
    checked: list[float | None] = []
    for index, value in enumerate(scores):
        if value is None:
            checked.append(None)
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(
                f"judge score for item {index} must be None or a number in [0, 2], got {value!r}"
            )
        if not 0.0 <= value <= JUDGE_MAX_SCORE:
            raise ValueError(
                f"judge score for item {index} must be None or a number in [0, 2], got {value!r}"
            )
        checked.append(float(value))
    return checked
