"""Wilson, the clustered bootstrap and McNemar against scipy and hand-worked cases."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from qbench_portrait_lib.scoring import intervals
from qbench_portrait_lib.scoring.intervals import (
    bootstrap_ratio_interval,
    cluster_totals,
    mcnemar_exact_p,
    wilson_interval,
)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 5000), data=st.data())
def test_wilson_matches_scipy(n, data):
    k = data.draw(st.integers(0, n))
    expected = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    low, high = wilson_interval(k, n)
    assert low == pytest.approx(expected.low, abs=1e-12)
    assert high == pytest.approx(expected.high, abs=1e-12)


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 5000), data=st.data())
def test_wilson_contains_the_observed_proportion_exactly(n, data):
    # charts draw error bars as score - low and high - score: neither may be negative,
    # not even by rounding (13 / 13 used to give a high bound of 1 - 1e-16)
    k = data.draw(st.integers(0, n))
    low, high = wilson_interval(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0


def test_wilson_of_an_empty_cell_is_nan():
    assert all(math.isnan(v) for v in wilson_interval(0, 0))


@pytest.mark.parametrize(("b", "c"), [(0, 1), (0, 6), (3, 3), (7, 2), (40, 61), (400, 530), (1200, 1000)])
def test_mcnemar_matches_scipy_exact_binomial(b, c):
    expected = stats.binomtest(b, b + c, 0.5).pvalue
    assert mcnemar_exact_p(b, c) == pytest.approx(expected, rel=1e-9)


def test_mcnemar_without_discordant_pairs_is_one():
    assert mcnemar_exact_p(0, 0) == 1.0


def test_mcnemar_rejects_negative_counts():
    with pytest.raises(ValueError, match="discordant counts must be >= 0, got -1 and 2"):
        mcnemar_exact_p(-1, 2)


def exact_bootstrap_quantiles(sums, counts, probabilities):
    """Quantiles of the exact bootstrap distribution: every ordered draw of the clusters."""
    clusters = len(sums)
    ratios = [
        sum(sums[i] for i in draw) / sum(counts[i] for i in draw)
        for draw in itertools.product(range(clusters), repeat=clusters)
    ]
    return np.quantile(ratios, probabilities, method="inverted_cdf")


def test_bootstrap_agrees_with_the_enumerated_bootstrap_distribution():
    # three images: 2/2 right, 0/3 right, 2/3 right (the aggregate fixture's images)
    sums, counts = np.array([2.0, 0.0, 2.0]), np.array([2.0, 3.0, 3.0])
    low, high = bootstrap_ratio_interval(sums, counts, samples=20000, seed=0)
    assert (low, high) == tuple(exact_bootstrap_quantiles(sums, counts, [0.025, 0.975]))


def test_two_single_item_images_give_the_full_range():
    # the replicates are 0, 1/2 or 1 with probabilities 1/4, 1/2, 1/4
    assert bootstrap_ratio_interval(np.array([0.0, 1.0]), np.ones(2), samples=1000, seed=3) == (0.0, 1.0)


def test_one_item_per_image_agrees_with_scipy_percentile_bootstrap():
    scores = np.random.default_rng(7).integers(0, 2, size=300).astype(float)
    low, high = bootstrap_ratio_interval(scores, np.ones_like(scores), samples=4000, seed=1)
    reference = stats.bootstrap(
        (scores,), np.mean, n_resamples=4000, method="percentile", random_state=np.random.default_rng(2)
    ).confidence_interval
    assert low == pytest.approx(reference.low, abs=0.012)
    assert high == pytest.approx(reference.high, abs=0.012)


def test_repeating_items_inside_their_image_does_not_narrow_the_interval():
    scores = np.random.default_rng(0).random(50)
    once = bootstrap_ratio_interval(scores, np.ones(50), samples=500, seed=4)
    twice = bootstrap_ratio_interval(2 * scores, 2 * np.ones(50), samples=500, seed=4)
    assert once == twice


def test_clustering_widens_the_interval_over_an_item_level_bootstrap():
    # 20 images of 10 identical answers each: only 20 independent observations
    image_scores = np.random.default_rng(5).integers(0, 2, size=20).astype(float)
    item_scores = np.repeat(image_scores, 10)
    clustered = bootstrap_ratio_interval(10 * image_scores, np.full(20, 10.0), samples=2000, seed=0)
    naive = bootstrap_ratio_interval(item_scores, np.ones(200), samples=2000, seed=0)
    assert clustered[1] - clustered[0] > 2 * (naive[1] - naive[0])


def test_bootstrap_is_seeded_and_chunking_does_not_change_it(monkeypatch):
    sums = np.random.default_rng(0).random(1001)
    counts = np.ones(1001)
    first = bootstrap_ratio_interval(sums, counts, samples=301, seed=11)
    assert bootstrap_ratio_interval(sums, counts, samples=301, seed=11) == first
    assert bootstrap_ratio_interval(sums, counts, samples=301, seed=12) != first
    monkeypatch.setattr(intervals, "_DRAWS_PER_CHUNK", 5005)  # 5 replicates (an odd 5005 draws) a chunk
    assert bootstrap_ratio_interval(sums, counts, samples=301, seed=11) == first


def test_bootstrap_without_clusters_or_samples_is_nan():
    assert all(
        math.isnan(v) for v in bootstrap_ratio_interval(np.array([]), np.array([]), samples=10, seed=0)
    )
    assert all(math.isnan(v) for v in bootstrap_ratio_interval(np.ones(3), np.ones(3), samples=0, seed=0))


def test_cluster_totals_sum_per_image_in_sorted_order():
    sums, counts = cluster_totals(["img2", "img1", "img2", "img3"], np.array([1.0, 0.5, 0.0, 1.0]))
    assert sums.tolist() == [0.5, 1.0, 1.0] and counts.tolist() == [1.0, 2.0, 1.0]


def test_t_quantile_matches_scipy():
    from scipy import stats

    from qbench_portrait_lib.scoring.intervals import t_quantile

    for df in (1, 2):
        assert t_quantile(0.975, df) == pytest.approx(stats.t.ppf(0.975, df), rel=1e-9)
    for df in range(3, 400):
        assert abs(t_quantile(0.975, df) - stats.t.ppf(0.975, df)) < 0.004
        assert abs(t_quantile(0.95, df) - stats.t.ppf(0.95, df)) < 0.0011


def test_mean_t_interval_matches_scipy_on_fractional_scores():
    from scipy import stats

    from qbench_portrait_lib.scoring.intervals import mean_t_interval

    rng = np.random.default_rng(3)
    scores = rng.uniform(0.2, 0.9, size=40)
    low, high = mean_t_interval(float(scores.sum()), float((scores**2).sum()), len(scores))
    ref_low, ref_high = stats.t.interval(0.95, len(scores) - 1, loc=scores.mean(), scale=stats.sem(scores))
    assert (low, high) == pytest.approx((ref_low, ref_high), abs=1e-4)
    assert mean_t_interval(0.7, 0.49, 1) == (0.0, 1.0)
    assert mean_t_interval(3.0, 3.0, 3) == (1.0, 1.0)
