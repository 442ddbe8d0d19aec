"""compare_predictions: difference B - A, paired clustered bootstrap, exact McNemar."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from test_scoring_aggregate import PREDICTIONS, REFERENCES, reference

from qbench_portrait_lib.scoring import compare_predictions, score_predictions
from qbench_portrait_lib.scoring.intervals import bootstrap_ratio_interval, cluster_totals

TF = ["True", "False"]


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
    result = compare_predictions(PREDICTIONS, PREDICTIONS, REFERENCES)
    assert result["difference"] == 0.0 and (result["ci_low"], result["ci_high"]) == (0.0, 0.0)
    assert result["mcnemar_p"] == 1.0 and result["discordant_a"] == result["discordant_b"] == 0.0
    assert result["n_closed"] == 7.0


def test_scores_match_score_predictions_and_difference_is_b_minus_a():
    better = ["C", "False", "A, B", "B", "True", "C", "The background is blurred.", "True"]
    result = compare_predictions(PREDICTIONS, better, REFERENCES)
    assert result["score_a"] == score_predictions(PREDICTIONS, REFERENCES)["overall"] == 0.5
    assert result["score_b"] == score_predictions(better, REFERENCES)["overall"] == 1.0
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
    result = compare_predictions(predictions_a, predictions_b, refs, bootstrap_samples=500, seed=3)
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
    paired = compare_predictions(predictions_a, predictions_b, refs, bootstrap_samples=1000)
    single = score_predictions(predictions_a, refs, bootstrap_samples=1000)
    # unpaired, the difference of two such scores would be about sqrt(2) times as uncertain
    # as one score; pairing cancels the shared errors and makes it narrower than one score
    assert paired["ci_high"] - paired["ci_low"] < single["overall_ci_high"] - single["overall_ci_low"]


def test_bad_inputs_are_reported():
    with pytest.raises(ValueError, match="expected one prediction per reference: got 7 predictions for 8"):
        compare_predictions(PREDICTIONS, PREDICTIONS[:7], REFERENCES)
    with pytest.raises(ValueError, match="bootstrap_samples must be an int >= 0, got -5"):
        compare_predictions(PREDICTIONS, PREDICTIONS, REFERENCES, bootstrap_samples=-5)
