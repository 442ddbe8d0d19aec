"""compare_predictions: difference B - A, paired clustered bootstrap, exact McNemar."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from test_scoring_aggregate import PREDICTIONS, REFERENCES, reference

from qbench_portrait_lib.scoring import compare_predictions, score_all, score_predictions
from qbench_portrait_lib.scoring.intervals import bootstrap_ratio_interval, cluster_totals

TF = ["True", "False"]


def items(predictions, references):
    """The item scores of ``predictions``: what a caller holds after scoring a run."""
    return score_all(predictions, references, bootstrap_samples=0).items


def compare(predictions_a, predictions_b, references, **options):
    return compare_predictions(items(predictions_a, references), items(predictions_b, references), **options)


def true_false_set(count: int, images: int):
    refs = [
        reference(
            f"q{i}", f"img{i % images}", "true_false", ["True", "False"], ["True" if i % 3 else "False"]
        )
        for i in range(count)
    ]
    gold = [ref["answer"][0] for ref in refs]
    return refs, gold


def test_identical_predictions_do_not_differ():
    result = compare(PREDICTIONS, PREDICTIONS, REFERENCES)
    assert result["difference"] == 0.0 and (result["ci_low"], result["ci_high"]) == (0.0, 0.0)
    assert result["mcnemar_p"] == 1.0 and result["discordant_a"] == result["discordant_b"] == 0.0
    assert result["n_closed"] == 7.0


def test_scores_match_score_predictions_and_difference_is_b_minus_a():
    better = ["C", "False", "A, B", "B", "True", "C", "The background is blurred.", "True"]
    result = compare(PREDICTIONS, better, REFERENCES)
    assert result["score_a"] == score_predictions(PREDICTIONS, REFERENCES)["overall_all_items"] == 0.5
    assert result["score_b"] == score_predictions(better, REFERENCES)["overall_all_items"] == 1.0
    assert result["difference"] == 0.5
    # B fixes q3, q4, q5 and q6; it breaks nothing
    assert (result["discordant_a"], result["discordant_b"]) == (0.0, 4.0)
    assert result["mcnemar_p"] == pytest.approx(stats.binomtest(0, 4).pvalue)


def test_mcnemar_and_paired_interval_on_a_larger_set():
    refs, gold = true_false_set(300, images=100)
    flip = {"True": "False", "False": "True"}
    rng = np.random.default_rng(0)
    predictions_a = [g if rng.random() < 0.6 else flip[g] for g in gold]
    predictions_b = [g if rng.random() < 0.75 else flip[g] for g in gold]
    result = compare(predictions_a, predictions_b, refs, bootstrap_samples=500, seed=3)
    right_a = np.array([p == g for p, g in zip(predictions_a, gold, strict=True)])
    right_b = np.array([p == g for p, g in zip(predictions_b, gold, strict=True)])
    only_a, only_b = int((right_a & ~right_b).sum()), int((right_b & ~right_a).sum())
    assert (result["discordant_a"], result["discordant_b"]) == (only_a, only_b)
    assert result["mcnemar_p"] == pytest.approx(stats.binomtest(only_a, only_a + only_b).pvalue, rel=1e-9)
    # the paired interval is the clustered bootstrap of the per-item differences
    sums, counts = cluster_totals(
        [r["image_id"] for r in refs], right_b.astype(float) - right_a.astype(float)
    )
    assert (result["ci_low"], result["ci_high"]) == bootstrap_ratio_interval(
        sums, counts, samples=500, seed=3
    )
    assert result["ci_low"] <= result["difference"] <= result["ci_high"]


def test_pairing_narrows_the_interval_compared_with_independent_intervals():
    refs, gold = true_false_set(200, images=200)
    flip = {"True": "False", "False": "True"}
    predictions_a = [g if i % 2 else flip[g] for i, g in enumerate(gold)]  # 50 %
    # B fixes one error in five and breaks nothing
    predictions_b = [g if i % 2 or i % 10 == 0 else flip[g] for i, g in enumerate(gold)]
    paired = compare(predictions_a, predictions_b, refs, bootstrap_samples=1000)
    single = score_predictions(predictions_a, refs, bootstrap_samples=1000)
    # unpaired, the difference of two such scores would be about sqrt(2) times as uncertain
    # as one score; pairing cancels the shared errors and makes it narrower than one score
    assert paired["ci_high"] - paired["ci_low"] < single["overall_ci_high"] - single["overall_ci_low"]


def test_details_records_compare_like_item_scores():
    better = ["C", "False", "A, B", "B", "True", "C", "The background is blurred.", "True"]
    details_a = score_predictions(PREDICTIONS, REFERENCES, return_details=True)["details"]
    details_b = score_predictions(better, REFERENCES, return_details=True)["details"]
    assert compare_predictions(details_a, details_b) == compare(PREDICTIONS, better, REFERENCES)


def test_bad_inputs_are_reported():
    scored = items(PREDICTIONS, REFERENCES)
    with pytest.raises(ValueError, match="expected the same questions on both sides: got 8 and 7 items"):
        compare_predictions(scored, scored[:7])
    with pytest.raises(ValueError, match="item 0 is question 'q1' in scores_a but 'q2' in scores_b"):
        compare_predictions(scored[:2], scored[1:3])
    with pytest.raises(ValueError, match=r"item 0 of scores_b must be an ItemScore or a details record"):
        compare_predictions(scored[:1], [{"id": "q1", "score": 1.0}])
    with pytest.raises(ValueError, match=r"item 0 of scores_b \(id 'q1'\) has score 2.0, expected \[0, 1\]"):
        compare_predictions(scored[:1], [{**scored[0].as_detail(), "score": 2.0}])
    with pytest.raises(ValueError, match="bootstrap_samples must be an int >= 0, got -5"):
        compare_predictions(scored, scored, bootstrap_samples=-5)
