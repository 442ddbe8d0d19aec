"""From the judge's round scores to one value per item, and the statistics of a judging run.

>>> values, valid = item_values(3, {0: [2, 1, None], 2: [None, None, None]})
>>> values, valid
([1.5, 0.0, None], [[2, 1], []])
>>> stats = judge_stats(values, valid, rounds=3, counts={"calls": 6})
>>> stats["empty_responses"], stats["round_failures"], stats["failures"]
(1.0, 4.0, 1.0)
>>> mean_pairwise_agreement([[2, 2, 2], [2, 1], [0]])
0.5
>>> all_rounds_agree([[2, 2, 2], [2, 1], [0]])
0.5
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from itertools import combinations


def all_rounds_agree(valid_rounds: Sequence[Sequence[int]]) -> float:
    """Fraction of items with two or more valid rounds whose rounds all give one score (NaN if none)."""
    rated = [rounds for rounds in valid_rounds if len(rounds) >= 2]
    if not rated:
        return math.nan
    return sum(len(set(rounds)) == 1 for rounds in rated) / len(rated)


def mean_pairwise_agreement(valid_rounds: Sequence[Sequence[int]]) -> float:
    """Mean over items (two or more valid rounds) of the fraction of round pairs that agree."""
    rated = [rounds for rounds in valid_rounds if len(rounds) >= 2]
    if not rated:
        return math.nan
    fractions = []
    for rounds in rated:
        pairs = list(combinations(rounds, 2))
        fractions.append(sum(a == b for a, b in pairs) / len(pairs))
    return sum(fractions) / len(fractions)


def item_values(
    n_items: int, rounds_by_index: Mapping[int, Sequence[int | None]]
) -> tuple[list[float | None], list[list[int]]]:
    """Each item's value, and the valid round scores of each judged item.

    An item missing from ``rounds_by_index`` had an empty answer and scores 0.0; a judged
    item gets the mean of its valid rounds, or None when no round was valid.
    """
    values: list[float | None] = []
    valid_rounds: list[list[int]] = []
    for index in range(n_items):
        if index not in rounds_by_index:
            values.append(0.0)  # an empty answer is wrong; no judge needed
            continue
        valid = [score for score in rounds_by_index[index] if score is not None]
        valid_rounds.append(valid)
        values.append(sum(valid) / len(valid) if valid else None)
    return values, valid_rounds


def judge_stats(
    values: Sequence[float | None],
    valid_rounds: Sequence[Sequence[int]],
    *,
    rounds: int,
    counts: Mapping[str, int],
) -> dict[str, float]:
    """The judge's ``stats`` for one call (see :class:`~qbench_portrait_lib.run.judge.HttpJudge`).

    ``valid_rounds`` holds one entry per judged (non-empty) answer; ``counts`` the
    request counters (calls, cache hits, HTTP failures, unusable replies).
    """
    judged = len(valid_rounds)
    round_failures = sum(rounds - len(valid) for valid in valid_rounds)
    failures = sum(value is None for value in values)
    return {
        "items": float(len(values)),
        "empty_responses": float(len(values) - judged),
        "rounds": float(rounds),
        **{name: float(count) for name, count in counts.items()},
        "round_failures": float(round_failures),
        "round_failure_rate": round_failures / (judged * rounds) if judged else math.nan,
        "failures": float(failures),
        "failure_rate": failures / len(values) if values else math.nan,
        "inter_round_agreement": all_rounds_agree(valid_rounds),
        "mean_pairwise_agreement": mean_pairwise_agreement(valid_rounds),
    }
