"""Pool several annotators' answers into one "human (n=K)" row.

Each annotator's responses are scored item by item by the scoring core, exactly as a
model's are. Then, per question:

- closed formats (single choice, multiple choice, true/false): the answer most
  annotators gave (the selected option set) wins and its score counts. A tie between
  answers scores the mean of the tied answers' scores, the expected score of breaking the
  tie by a coin toss, without drawing one (scoring stays deterministic); its ``parsed`` is
  None and ``tie`` is True in the details. Annotators who did not answer do not vote;
  a question nobody answered scores 0 as unparsed, like a model's missing answer.
- open-ended: the mean of the answering annotators' scores (proxy or judge).

The pooled items are aggregated by the scoring core into its cells and their flat dict.

>>> refs = [{"id": "q1", "image_id": "i1", "question": "The face is sharp.",
...          "question_type": "true_false", "options": ["True", "False"], "answer": ["True"],
...          "quality_dimension": "technical", "image_source": "natural", "level": "global",
...          "attribute": "blur", "region": ""}]
>>> pooled = pool_annotators({"a": ["True"], "b": ["True"], "c": ["False"]}, refs, bootstrap_samples=0)
>>> pooled.name, pooled.metrics["overall"], pooled.details[0]["votes"]
('human (n=3)', 1.0, {'True': 2, 'False': 1})
>>> pool_annotators({"a": ["True"], "b": ["False"]}, refs, bootstrap_samples=0).metrics["overall"]
0.5
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qbench_portrait_lib.scoring.aggregate import aggregate
from qbench_portrait_lib.scoring.api import check_options, check_predictions, score_items
from qbench_portrait_lib.scoring.cells import Scores
from qbench_portrait_lib.scoring.flatten import flatten
from qbench_portrait_lib.scoring.item_scores import ItemScore
from qbench_portrait_lib.scoring.judging import JudgeFn
from qbench_portrait_lib.scoring.references import normalize_references

_PARTIAL = ("jaccard", "precision", "recall", "f1")


@dataclass(frozen=True)
class PooledScores:
    """The pooled row: its cells and their flat dict, the pooled item scores, per-item details
    (with votes)."""

    name: str
    annotators: tuple[str, ...]
    scores: Scores
    metrics: dict[str, Any]
    items: tuple[ItemScore, ...]
    details: list[dict[str, Any]]

    @property
    def item_scores(self) -> list[float]:
        """The pooled score of every question, in reference order."""
        return [float(detail["score"]) for detail in self.details]


def pooled_name(count: int) -> str:
    """The pooled row's name.

    >>> pooled_name(3)
    'human (n=3)'
    """
    return f"human (n={count})"


def _answer_key(parsed: tuple[str, ...]) -> str:
    return ", ".join(sorted(parsed))


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _pool_closed(items: Sequence[ItemScore]) -> tuple[ItemScore, dict[str, Any]]:
    answered = [item for item in items if item.parsed is not None]
    if not answered:
        return items[0], {"votes": {}, "tie": False}
    votes = Counter(_answer_key(item.parsed) for item in answered if item.parsed is not None)
    top = max(votes.values())
    winners = sorted(key for key, count in votes.items() if count == top)
    chosen = [
        next(i for i in answered if i.parsed is not None and _answer_key(i.parsed) == w) for w in winners
    ]
    extra = {"votes": dict(votes.most_common()), "tie": len(winners) > 1}
    if len(chosen) == 1:
        return chosen[0], extra
    partial = {}
    if chosen[0].question_type == "multiple_choice":
        partial = {name: _mean([float(getattr(item, name)) for item in chosen]) for name in _PARTIAL}
    tied = chosen[0]._replace(parsed=None, score=_mean([item.score for item in chosen]), **partial)
    return tied, extra


def _pool_open(
    items: Sequence[ItemScore], responses: Sequence[str | None]
) -> tuple[ItemScore, dict[str, Any]]:
    answered = [
        item for item, response in zip(items, responses, strict=True) if response and response.strip()
    ]
    if not answered:
        return items[0], {"votes": {}, "tie": False}
    judged = [item.judge_score for item in answered if item.judge_score is not None]
    pooled = answered[0]._replace(
        score=_mean([item.score for item in answered]),
        proxy_score=_mean([float(item.proxy_score or 0.0) for item in answered]),
        judge_score=_mean(judged) if judged else None,
        judge_failed=any(item.judge_failed for item in answered),
    )
    return pooled, {"votes": {"answered": len(answered)}, "tie": False}


def pool_annotators(
    responses: Mapping[str, Sequence[str | None]],
    references: Sequence[Mapping[str, Any]],
    *,
    judge: JudgeFn | None = None,
    bootstrap_samples: int = 1000,
    seed: int = 0,
) -> PooledScores:
    """Pool ``{annotator: responses aligned with references}`` into one scored row."""
    if not responses:
        raise ValueError("pooling needs at least one annotator's responses, got none")
    check_options(bootstrap_samples, seed)
    records = normalize_references(references)
    names = tuple(responses)
    aligned = [check_predictions(responses[name], records) for name in names]
    scored = [score_items(answers, records, judge) for answers in aligned]
    pooled: list[ItemScore] = []
    details: list[dict[str, Any]] = []
    for position, record in enumerate(records):
        items = [annotator_items[position] for annotator_items in scored]
        if record.question_type == "open_ended":
            item, extra = _pool_open(items, [answers[position] for answers in aligned])
        else:
            item, extra = _pool_closed(items)
        pooled.append(item)
        details.append({**item.as_detail(), **extra})
    scores = aggregate(
        pooled, records, judged=judge is not None, bootstrap_samples=bootstrap_samples, seed=seed
    )
    return PooledScores(
        name=pooled_name(len(names)),
        annotators=names,
        scores=scores,
        metrics=flatten(scores),
        items=tuple(pooled),
        details=details,
    )
