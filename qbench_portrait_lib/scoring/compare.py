"""Compare two prediction sets on the same references.

``difference`` is ``score_b - score_a`` (positive: system B is better). Its interval is a
paired image-clustered bootstrap: each replicate draws images with replacement and takes
both systems' scores on the same draw. ``mcnemar_p`` is the exact two-sided McNemar test
on the closed items (exact-match right/wrong); ``discordant_a`` counts items only A got
right, ``discordant_b`` items only B got right.

>>> refs = [{"id": f"q{i}", "image_id": f"i{i}", "question": "Is the face sharp?",
...          "question_type": "true_false", "options": ["True", "False"], "answer": ["True"],
...          "quality_dimension": "technical", "image_source": "natural", "level": "global",
...          "attribute": "blur", "region": ""} for i in range(6)]
>>> result = compare_predictions(["False"] * 6, ["True"] * 6, refs)
>>> result["difference"], result["discordant_b"], result["mcnemar_p"]
(1.0, 6.0, 0.03125)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from qbench_portrait_lib.scoring.api import check_options, check_predictions, score_items
from qbench_portrait_lib.scoring.intervals import bootstrap_ratio_interval, cluster_totals, mcnemar_exact_p
from qbench_portrait_lib.scoring.references import normalize_references


def compare_predictions(
    predictions_a: Sequence[str | None],
    predictions_b: Sequence[str | None],
    references: Sequence[Mapping[str, Any]],
    *,
    bootstrap_samples: int = 1000,
    seed: int = 0,
) -> dict[str, float]:
    """Difference of overall scores (B - A), its paired bootstrap interval and McNemar's test."""
    check_options(bootstrap_samples, seed)
    records = normalize_references(references)
    items_a = score_items(check_predictions(predictions_a, records), records)
    items_b = score_items(check_predictions(predictions_b, records), records)
    return compare_item_scores(
        [item.score for item in items_a],
        [item.score for item in items_b],
        records,
        bootstrap_samples=bootstrap_samples,
        seed=seed,
    )


def compare_item_scores(
    scores_a: Sequence[float],
    scores_b: Sequence[float],
    references: Sequence[Mapping[str, Any]],
    *,
    bootstrap_samples: int = 1000,
    seed: int = 0,
) -> dict[str, float]:
    """:func:`compare_predictions` on item scores already computed (one per reference, in [0, 1]).

    For rows that are not one system's responses, e.g. a pooled human row whose closed
    items were decided by majority. McNemar counts an item as right when it scores 1.

    >>> refs = [{"id": "q1", "image_id": "i1", "question": "Sharp?", "question_type": "true_false",
    ...          "options": ["True", "False"], "answer": ["True"], "quality_dimension": "technical",
    ...          "image_source": "natural", "level": "global", "attribute": "blur", "region": ""}]
    >>> compare_item_scores([0.0], [0.5], refs, bootstrap_samples=0)["difference"]
    0.5
    """
    check_options(bootstrap_samples, seed)
    records = normalize_references(references)
    if len(scores_a) != len(records) or len(scores_b) != len(records):
        raise ValueError(
            f"expected one score per reference: got {len(scores_a)} and {len(scores_b)} scores "
            f"for {len(records)} references"
        )
    scores_a = np.asarray(scores_a, dtype=np.float64)
    scores_b = np.asarray(scores_b, dtype=np.float64)
    sums, counts = cluster_totals([record.image_id for record in records], scores_b - scores_a)
    low, high = bootstrap_ratio_interval(sums, counts, samples=bootstrap_samples, seed=seed)
    closed = np.array([record.question_type != "open_ended" for record in records], dtype=bool)
    right_a, right_b = scores_a[closed] == 1.0, scores_b[closed] == 1.0
    only_a, only_b = int((right_a & ~right_b).sum()), int((right_b & ~right_a).sum())
    score_a = float(scores_a.mean()) if len(records) else float("nan")
    score_b = float(scores_b.mean()) if len(records) else float("nan")
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
