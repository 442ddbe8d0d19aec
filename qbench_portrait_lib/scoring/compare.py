"""Compare two systems' item scores on the same questions.

The inputs are item scores the caller already has: the ``items`` of
:func:`~qbench_portrait_lib.scoring.api.score_all`, or the ``details`` of
``score_predictions(..., return_details=True)``, or rows that are not one system's
responses (e.g. a pooled human row whose closed items were decided by majority); nothing
is extracted or scored again. McNemar counts an item as right when it scores 1.

``difference`` is ``score_b - score_a`` (positive: system B is better). Its interval is a
paired image-clustered bootstrap: each replicate draws images with replacement and takes
both systems' scores on the same draw. ``mcnemar_p`` is the exact two-sided McNemar test
on the closed items (exact-match right/wrong); ``discordant_a`` counts items only A got
right, ``discordant_b`` items only B got right.

>>> from qbench_portrait_lib.scoring.api import score_all
>>> refs = [{"id": f"q{i}", "image_id": f"i{i}", "question": "Is the face sharp?",
...          "question_type": "true_false", "options": ["True", "False"], "answer": ["True"],
...          "quality_dimension": "technical", "image_source": "natural", "level": "global",
...          "attribute": "blur", "region": ""} for i in range(6)]
>>> a = score_all(["False"] * 6, refs, bootstrap_samples=0).items
>>> b = score_all(["True"] * 6, refs, bootstrap_samples=0).items
>>> result = compare_predictions(a, b)
>>> result["difference"], result["discordant_b"], result["mcnemar_p"]
(1.0, 6.0, 0.03125)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from qbench_portrait_lib.scoring.api import check_options
from qbench_portrait_lib.scoring.intervals import bootstrap_ratio_interval, cluster_totals, mcnemar_exact_p
from qbench_portrait_lib.scoring.item_scores import ItemScore

#: What a compared item must carry (ItemScore fields, or keys of a details record).
_NEEDED = ("id", "image_id", "question_type", "score")


def _fields(item: ItemScore | Mapping[str, Any], side: str, position: int) -> tuple[str, str, str, float]:
    """An item's id, image id, question type and score, from an ItemScore or a details dict."""
    record = item._asdict() if isinstance(item, ItemScore) else item
    if not isinstance(record, Mapping) or any(key not in record for key in _NEEDED):
        raise ValueError(
            f"item {position} of {side} must be an ItemScore or a details record with {list(_NEEDED)}, "
            f"got {record!r:.120}"
        )
    score = record["score"]
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not 0.0 <= score <= 1.0:
        raise ValueError(
            f"item {position} of {side} (id {record['id']!r}) has score {score!r}, expected [0, 1]"
        )
    return record["id"], record["image_id"], record["question_type"], float(score)


def _paired(
    scores_a: Sequence[ItemScore | Mapping[str, Any]], scores_b: Sequence[ItemScore | Mapping[str, Any]]
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Image ids, both systems' scores and the closed-format mask, checking the items pair up."""
    if len(scores_a) != len(scores_b):
        raise ValueError(
            f"expected the same questions on both sides: got {len(scores_a)} and {len(scores_b)} items"
        )
    images, a, b, closed = [], [], [], []
    for position, (item_a, item_b) in enumerate(zip(scores_a, scores_b, strict=True)):
        id_a, image_a, type_a, score_a = _fields(item_a, "scores_a", position)
        id_b, _, _, score_b = _fields(item_b, "scores_b", position)
        if id_a != id_b:
            raise ValueError(
                f"item {position} is question {id_a!r} in scores_a but {id_b!r} in scores_b; "
                f"score both systems on the same references in the same order"
            )
        images.append(image_a)
        a.append(score_a)
        b.append(score_b)
        closed.append(type_a != "open_ended")
    return images, np.array(a, dtype=np.float64), np.array(b, dtype=np.float64), np.array(closed, dtype=bool)


def compare_predictions(
    scores_a: Sequence[ItemScore | Mapping[str, Any]],
    scores_b: Sequence[ItemScore | Mapping[str, Any]],
    *,
    bootstrap_samples: int = 1000,
    seed: int = 0,
) -> dict[str, float]:
    """Difference of overall scores (B - A), its paired bootstrap interval and McNemar's test.

    ``scores_a`` and ``scores_b`` are both systems' item scores on the same questions, in
    the same order (``ItemScore``s or details records).
    """
    check_options(bootstrap_samples, seed)
    images, a, b, closed = _paired(scores_a, scores_b)
    sums, counts = cluster_totals(images, b - a)
    low, high = bootstrap_ratio_interval(sums, counts, samples=bootstrap_samples, seed=seed)
    right_a, right_b = a[closed] == 1.0, b[closed] == 1.0
    only_a, only_b = int((right_a & ~right_b).sum()), int((right_b & ~right_a).sum())
    score_a = float(a.mean()) if len(a) else math.nan
    score_b = float(b.mean()) if len(b) else math.nan
    return {
        "score_a": score_a,
        "score_b": score_b,
        "difference": score_b - score_a,
        "ci_low": low,
        "ci_high": high,
        "mcnemar_p": mcnemar_exact_p(only_a, only_b),
        "n_closed": float(closed.sum()),
        "discordant_a": float(only_a),
        "discordant_b": float(only_b),
    }
