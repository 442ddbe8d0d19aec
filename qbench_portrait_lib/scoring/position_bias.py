"""Position bias and answer distributions: where a model's picks land, against where gold sits.

For the single-choice answers (each read in the option order it was asked with), the share
of parsed responses picking each position (A, B, ...) beside the share of questions whose
gold option sits there. Where gold is uniform over positions — within each group of
questions with the same number of options, every position holds gold equally often, as
on every circular run — a chi-square test of uniform picking (one test over the groups:
statistics and degrees of freedom add up); elsewhere the test is undefined (NaN), since
uneven gold makes uneven picks expected of a good model. Beside them, the share of parsed
multi-select answers that pick every option (the true/false "True" rate against gold is
in :class:`~qbench_portrait_lib.scoring.aggregate` 's true/false summary; reports show it here).

>>> answers = [PositionAnswer("single_choice", ("a", "b"), ("a",), ("a",)),
...            PositionAnswer("single_choice", ("b", "a"), ("b",), ("a",)),
...            PositionAnswer("multiple_choice", ("x", "y"), ("y", "x"), ("x",))]
>>> bias = position_bias(answers)
>>> bias.positions, bias.pick_share, bias.gold_share, bias.select_all_rate
(('A', 'B'), (1.0, 0.0), (0.5, 0.5), 1.0)
>>> bias.chi_square.statistic, bias.chi_square.dof, round(bias.chi_square.p_value, 4)
(2.0, 1, 0.1573)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from typing import Any, NamedTuple

from qbench_portrait_lib.contract.columns import option_letter
from qbench_portrait_lib.scoring.chi_square import ChiSquareTest, chi_square_sf, chi_square_statistic

NAN = math.nan
_UNDEFINED = ChiSquareTest(NAN, 0, NAN)


class PositionAnswer(NamedTuple):
    """One asked question (or circular variant): its format, the order shown, what was read, gold."""

    question_type: str
    order: tuple[str, ...]
    parsed: tuple[str, ...] | None
    answer: tuple[str, ...]


_new_answer = partial(tuple.__new__, PositionAnswer)  # from its four fields in order


@dataclass(frozen=True)
class PositionBias:
    """Picks per position against gold per position, the uniformity test, select-all."""

    positions: tuple[str, ...]
    pick_counts: tuple[int, ...]
    gold_counts: tuple[int, ...]
    pick_share: tuple[float, ...]  # of the parsed single-choice responses
    gold_share: tuple[float, ...]  # of the single-choice questions asked
    responses: int  # parsed single-choice responses
    chi_square: ChiSquareTest  # uniform picking; NaN where gold is not uniform
    select_all_rate: float  # parsed multi-select answers that pick every option

    def flat(self) -> dict[str, float]:
        """The metric's flat keys: ``position_bias/...`` and ``multiple_choice/select_all_rate``."""
        flat: dict[str, float] = {}
        for letter, pick, gold in zip(self.positions, self.pick_share, self.gold_share, strict=True):
            flat[f"position_bias/{letter}/pick_share"] = pick
            flat[f"position_bias/{letter}/gold_share"] = gold
        flat["position_bias/responses"] = float(self.responses)
        flat["position_bias/chi_square"] = self.chi_square.statistic
        flat["position_bias/chi_square_dof"] = float(self.chi_square.dof) if self.chi_square.dof else NAN
        flat["position_bias/chi_square_p"] = self.chi_square.p_value
        flat["multiple_choice/select_all_rate"] = self.select_all_rate
        return flat


def _position(order: Sequence[str], texts: Iterable[str]) -> int | None:
    """The position of the single text in ``texts`` within ``order`` (None unless exactly one).

    >>> _position(("a", "b"), ("b",)), _position(["a", "b"], ["a", "b"]), _position(("a",), ("c",))
    (1, None, None)
    """
    if texts.__class__ is not tuple:
        texts = tuple(texts)
    if len(texts) != 1 or texts[0] not in order:
        return None
    return (order if order.__class__ is tuple or order.__class__ is list else list(order)).index(texts[0])


def _uniformity(groups: dict[int, tuple[Counter[int], Counter[int]]]) -> ChiSquareTest:
    """One chi-square test over the option-count groups whose gold is uniform and that have picks."""
    statistic, dof = 0.0, 0
    for size, (picks, golds) in groups.items():
        total = sum(picks.values())
        gold_uniform = len({golds[p] for p in range(size)}) == 1
        if size < 2 or total == 0 or not gold_uniform:
            continue
        observed = [picks[p] for p in range(size)]
        statistic += chi_square_statistic(observed, [total / size] * size)
        dof += size - 1
    return ChiSquareTest(statistic, dof, chi_square_sf(statistic, dof)) if dof else _UNDEFINED


def _tallies(
    sizes: Sequence[int], positions: Sequence[int | None]
) -> tuple[Counter[int], dict[int, Counter[int]]]:
    """Counts per position, overall and per option count (groups in order of first appearance).

    >>> _tallies([2, 3, 2], [1, None, 1])
    (Counter({1: 2}), {2: Counter({1: 2}), 3: Counter()})
    """
    groups: dict[int, Counter[int]] = {size: Counter() for size in dict.fromkeys(sizes)}
    totals: Counter[int] = Counter()
    for (size, position), count in Counter(zip(sizes, positions, strict=True)).items():
        if position is not None:
            groups[size][position] = count
            totals[position] += count
    return totals, groups


def position_bias(answers: Iterable[PositionAnswer]) -> PositionBias:
    """Tally the picks and gold positions of ``answers`` (any run, circular or not), in one pass.

    ``answers`` may be an iterator (:func:`position_answers` gives one): no answer is kept,
    so a million of them cost no more per answer than a thousand.
    """
    sizes: list[int] = []
    gold_positions: list[int | None] = []
    pick_positions: list[int | None] = []
    multi = select_all = 0
    for question_type, order, parsed, answer in answers:
        if question_type == "single_choice":
            sizes.append(len(order))
            gold_positions.append(_position(order, answer))
            pick_positions.append(None if parsed is None else _position(order, parsed))
        elif question_type == "multiple_choice" and parsed is not None:
            multi += 1
            select_all += set(parsed) == set(order)
    golds, gold_groups = _tallies(sizes, gold_positions)
    picks, pick_groups = _tallies(sizes, pick_positions)
    groups = {size: (pick_groups[size], gold_groups[size]) for size in gold_groups}
    width, asked, responses = max(sizes, default=0), len(sizes), sum(picks.values())
    return PositionBias(
        positions=tuple(option_letter(p) for p in range(width)),
        pick_counts=tuple(picks[p] for p in range(width)),
        gold_counts=tuple(golds[p] for p in range(width)),
        pick_share=tuple(picks[p] / responses if responses else NAN for p in range(width)),
        gold_share=tuple(golds[p] / asked if asked else NAN for p in range(width)),
        responses=responses,
        chi_square=_uniformity(groups),
        select_all_rate=select_all / multi if multi else NAN,
    )


def position_answers(references: Sequence[Any], items: Sequence[Any]) -> Iterator[PositionAnswer]:
    """Position answers of scored items, one at a time: each reference's options are the
    order it was asked in. An iterator, so :func:`position_bias` keeps none of them (a list
    of a million answers made the collector's passes the largest cost of aggregating)."""
    if len(references) != len(items):
        raise ValueError(f"expected one item per reference, got {len(items)} items for {len(references)}")
    columns = (
        map(attrgetter("question_type"), references),
        map(tuple, map(attrgetter("options"), references)),
        map(attrgetter("parsed"), items),
        map(tuple, map(attrgetter("answer"), references)),
    )
    return map(_new_answer, zip(*columns, strict=True))
