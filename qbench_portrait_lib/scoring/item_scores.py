"""Score one item: exact match for the closed formats, proxy or judge for open-ended.

>>> from qbench_portrait_lib.scoring.references import normalize_reference
>>> ref = normalize_reference({"id": "q1", "image_id": "i1", "question": "Which are blurred?",
...     "question_type": "multiple_choice", "options": ["Eyes", "Hair", "Mouth"],
...     "answer": ["Eyes", "Hair"], "quality_dimension": "technical", "image_source": "natural",
...     "level": "local", "attribute": "blur", "region": "face"}, index=0)
>>> item = score_closed(ref, ("Eyes",))
>>> item.score, item.precision, item.recall, round(item.f1, 3), item.jaccard
(0.0, 1.0, 0.5, 0.667, 0.5)
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from qbench_portrait_lib.scoring.references import Reference


class ItemScore(NamedTuple):
    """The score of one question and how it was reached (see ``as_detail``; a tuple: cheap to build)."""

    id: str
    question_type: str
    image_id: str
    parsed: tuple[str, ...] | None  # closed formats: the options the response commits to
    correct: tuple[str, ...]  # closed: the correct options; open_ended: the reference answers
    score: float  # in [0, 1]
    parse_failed: bool  # closed formats only: the response committed to nothing usable
    score_source: str  # "exact", "proxy" or "judge"
    chance: float | None  # expected score of a uniform random guess; None for open_ended
    jaccard: float | None = None  # multiple_choice partial credit
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    proxy_score: float | None = None  # open_ended
    judge_score: float | None = None  # open_ended: the judge's score / 2
    judge_failed: bool = False
    source: str | None = None  # closed formats: "rules" or "reader" read it; None: unparsed
    conflict: bool = False  # closed formats: the response contradicts itself ("B. Noise", B = Blur)

    def as_detail(self) -> dict[str, Any]:
        """The per-item ``details`` record (plain Python values)."""
        return self._asdict()

    @classmethod
    def from_detail(cls, detail: Any) -> ItemScore:
        """The item score back from its ``details`` record (lists, as JSON gives them, become tuples).

        >>> item = ItemScore("q1", "true_false", "i1", ("True",), ("True",), 1.0, False, "exact", 0.5)
        >>> ItemScore.from_detail({**item.as_detail(), "parsed": ["True"]}) == item
        True
        """
        if not isinstance(detail, dict) or set(cls._fields) - set(detail) or set(detail) - set(cls._fields):
            raise ValueError(
                f"expected a details record with the fields {list(cls._fields)}, got {detail!r:.200}"
            )
        parsed = detail["parsed"]
        return cls(
            **{
                **detail,
                "parsed": None if parsed is None else tuple(parsed),
                "correct": tuple(detail["correct"]),
            }
        )


def chance_score(question_type: str, option_count: int) -> float | None:
    """Expected exact-match score of guessing uniformly among the valid answers.

    >>> chance_score("single_choice", 4), chance_score("multiple_choice", 3), chance_score("open_ended", 0)
    (0.25, 0.14285714285714285, None)
    """
    if question_type in ("single_choice", "true_false"):
        return 1.0 / option_count
    if question_type == "multiple_choice":
        return 1.0 / (2**option_count - 1)  # any non-empty subset
    return None


def _set_overlap(
    parsed: tuple[str, ...] | None, correct: tuple[str, ...]
) -> tuple[float, float, float, float]:
    """Jaccard, precision, recall and F1 of a selected set against the correct set."""
    chosen = set(parsed or ())
    gold = set(correct)
    hits = len(chosen & gold)
    if hits == 0:
        return 0.0, 0.0, 0.0, 0.0
    precision, recall = hits / len(chosen), hits / len(gold)
    return hits / len(chosen | gold), precision, recall, 2 * precision * recall / (precision + recall)


def score_closed(
    reference: Reference,
    parsed: tuple[str, ...] | None,
    source: str | None = "rules",
    conflict: bool = False,
) -> ItemScore:
    """Score a closed-format item from the options its response committed to (read by
    ``source``; a ``conflict`` marks a response that contradicts itself)."""
    question_type, answer = reference.question_type, reference.answer
    jaccard = precision = recall = f1 = None
    if question_type == "multiple_choice":
        jaccard, precision, recall, f1 = _set_overlap(parsed, answer)
    # positional, in field order (keywords cost a few microseconds an item); _make checks the count;
    # the score is the exact match of the sets (equal tuples need no sets)
    return ItemScore._make(
        (
            reference.id,
            question_type,
            reference.image_id,
            parsed,
            answer,  # correct
            1.0 if parsed is not None and (parsed == answer or set(parsed) == set(answer)) else 0.0,
            parsed is None,  # parse_failed
            "exact",  # score_source
            chance_score(question_type, len(reference.options)),
            jaccard,
            precision,
            recall,
            f1,
            None,  # proxy_score
            None,  # judge_score
            False,  # judge_failed
            None if parsed is None else source,
            conflict,
        )
    )


def score_open(reference: Reference, proxy: float, judge_raw: float | None, judged: bool) -> ItemScore:
    """Score an open-ended item: the judge's score / 2 when it gave one, else the proxy.

    ``judged`` says a judge was asked; ``judge_raw`` is its score in [0, 2] or None (failure).

    >>> from qbench_portrait_lib.scoring.references import Reference
    >>> ref = Reference("q2", "i1", "Describe the blur.", "open_ended", (), ("Blurred hair.",),
    ...                 "technical", "natural", "local", "blur", "hair")
    >>> score_open(ref, proxy=0.4, judge_raw=None, judged=True).score_source
    'proxy'
    """
    judge_score = None if judge_raw is None or math.isnan(judge_raw) else judge_raw / 2
    use_judge = judge_score is not None
    return ItemScore(
        id=reference.id,
        question_type=reference.question_type,
        image_id=reference.image_id,
        parsed=None,
        correct=reference.answer,
        score=judge_score if use_judge else proxy,
        parse_failed=False,
        score_source="judge" if use_judge else "proxy",
        chance=None,
        proxy_score=proxy,
        judge_score=judge_score,
        judge_failed=judged and not use_judge,
    )
