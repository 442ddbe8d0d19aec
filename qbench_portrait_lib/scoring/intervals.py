"""Confidence intervals and tests: Wilson, Student t, image-clustered bootstrap, exact McNemar.

Wilson is the interval of a proportion: cells of 0/1 item scores. Cells holding
fractional scores (open-ended proxy similarities, judge averages) are bounded means, not
proportions; they get the Student t interval of the mean (:func:`mean_t_interval`).

All deterministic: the bootstrap draws from ``numpy.random.default_rng(seed)``.

>>> low, high = wilson_interval(8, 10)
>>> round(low, 4), round(high, 4)
(0.4902, 0.9433)
>>> mcnemar_exact_p(0, 6)
0.03125
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from statistics import NormalDist

import numpy as np

CONFIDENCE = 0.95
#: Bootstrap resamples for the overall interval unless told otherwise.
DEFAULT_BOOTSTRAP_SAMPLES = 1000
#: The fewest resamples accepted (library and CLI alike); 0 skips the bootstrap (NaN interval).
MIN_BOOTSTRAP_SAMPLES = 0
_EXACT_INTEGER_LIMIT = 1000  # up to this many discordant pairs, sum exact integers
_DRAWS_PER_CHUNK = 65_536  # bootstrap indices drawn at once (~0.5 MB): a chunk and its gathers stay in cache


@lru_cache(maxsize=16)
def _z(confidence: float) -> float:
    """The normal quantile of a two-sided ``confidence`` interval (computed once per confidence)."""
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(successes: float, n: float, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval for a proportion ``successes / n`` (NaNs when ``n`` is 0).

    ``successes`` may be fractional: for cells of non-binary item scores the interval is
    the Wilson interval of their mean treated as a proportion of ``n`` (an approximation).

    >>> wilson_interval(0, 0)
    (nan, nan)
    >>> wilson_interval(0, 5)[0], wilson_interval(13, 13)[1]
    (0.0, 1.0)
    """
    if n <= 0:
        return math.nan, math.nan
    z = _z(confidence)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half_width = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # the interval always contains p (rounding could leave 1 - 1e-16 above 13 / 13)
    return min(p, max(0.0, centre - half_width)), max(p, min(1.0, centre + half_width))


def t_quantile(probability: float, df: float) -> float:
    """Quantile of Student's t distribution with ``df`` degrees of freedom (no scipy needed).

    Exact for 1 and 2 degrees of freedom; above, the Cornish-Fisher expansion around the
    normal quantile: for the 0.975 quantile (95 % intervals) within 0.004 of the exact value
    at 3 degrees of freedom and closer above (checked against scipy in the tests).

    >>> round(t_quantile(0.975, 1), 3), round(t_quantile(0.975, 2), 3), round(t_quantile(0.975, 10), 3)
    (12.706, 4.303, 2.228)
    """
    if not 0 < probability < 1 or df < 1:
        raise ValueError(f"expected 0 < probability < 1 and df >= 1, got {probability} and {df}")
    if df == 1:
        return math.tan(math.pi * (probability - 0.5))
    if df == 2:
        return (2 * probability - 1) / math.sqrt(2 * probability * (1 - probability))
    z = NormalDist().inv_cdf(probability)
    terms = (
        (z**3 + z) / 4,
        (5 * z**5 + 16 * z**3 + 3 * z) / 96,
        (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384,
        (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160,
    )
    return z + sum(term / df ** (power + 1) for power, term in enumerate(terms))


def mean_t_interval(
    total: float, total_squares: float, n: float, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """Student t interval of the mean of ``n`` scores in [0, 1], from their sum and sum of squares.

    Clipped to [0, 1]; NaNs when ``n`` is 0; the whole [0, 1] for a single score (its
    spread is unknown). When every score is equal the interval has no width.

    >>> low, high = mean_t_interval(total=2.5, total_squares=1.75, n=4)  # scores 1, .5, .5, .5
    >>> round(low, 4), round(high, 4)
    (0.2277, 1.0)
    """
    if n <= 0:
        return math.nan, math.nan
    mean = total / n
    if n < 2:
        return 0.0, 1.0
    variance = max(0.0, (total_squares - n * mean * mean) / (n - 1))
    half_width = t_quantile(0.5 + confidence / 2, n - 1) * math.sqrt(variance / n)
    return max(0.0, min(mean, mean - half_width)), min(1.0, max(mean, mean + half_width))


def bootstrap_ratio_interval(
    numerators: np.ndarray,
    denominators: np.ndarray,
    *,
    samples: int,
    seed: int,
    confidence: float = CONFIDENCE,
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``sum(numerators) / sum(denominators)`` over clusters.

    Each replicate draws as many clusters as there are, with replacement, and takes the
    ratio of the drawn sums; with clusters = images, numerators = summed item scores and
    denominators = item counts this is the image-clustered bootstrap of the mean item score.
    NaNs when there are no clusters or ``samples`` is 0.

    >>> # two single-item images scoring 0 and 1: replicates are 0, 0.5 or 1
    >>> bootstrap_ratio_interval(np.array([0.0, 1.0]), np.array([1.0, 1.0]), samples=1000, seed=0)
    (0.0, 1.0)
    """
    return bootstrap_ratio_intervals(
        [(numerators, denominators)], samples=samples, seed=seed, confidence=confidence
    )[0]


def bootstrap_ratio_intervals(
    ratios: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    samples: int,
    seed: int,
    confidence: float = CONFIDENCE,
) -> list[tuple[float, float]]:
    """:func:`bootstrap_ratio_interval` of several ratios over the same clusters, from one set
    of draws (so the first ratio's interval is the one it would get alone). A replicate whose
    drawn denominators sum to 0 (say, only images without closed items) is left out of its
    ratio's percentiles.

    >>> both = bootstrap_ratio_intervals([(np.array([0.0, 1.0]), np.array([1.0, 1.0])),
    ...                                   (np.array([1.0, 0.0]), np.array([1.0, 0.0]))], samples=1000, seed=0)
    >>> both
    [(0.0, 1.0), (1.0, 1.0)]
    """
    pairs = [
        (np.asarray(numerators, dtype=np.float64), np.asarray(denominators, dtype=np.float64))
        for numerators, denominators in ratios
    ]
    clusters = len(pairs[0][0]) if pairs else 0
    if clusters == 0 or samples <= 0:
        return [(math.nan, math.nan)] * len(pairs)
    rng = np.random.default_rng(seed)
    rows_per_chunk = max(1, _DRAWS_PER_CHUNK // clusters)
    replicates = np.empty((len(pairs), samples), dtype=np.float64)
    for start in range(0, samples, rows_per_chunk):
        rows = min(rows_per_chunk, samples - start)
        drawn = rng.integers(0, clusters, size=(rows, clusters), dtype=np.intp)
        for index, (numerators, denominators) in enumerate(pairs):
            with np.errstate(invalid="ignore", divide="ignore"):
                ratio = numerators[drawn].sum(axis=1) / denominators[drawn].sum(axis=1)
            replicates[index, start : start + rows] = ratio
    tail = (1 - confidence) / 2
    intervals = []
    for row in replicates:
        kept = row[~np.isnan(row)]
        if len(kept) == 0:
            intervals.append((math.nan, math.nan))
            continue
        low, high = np.quantile(kept, [tail, 1 - tail])
        intervals.append((float(low), float(high)))
    return intervals


def mcnemar_exact_p(only_a_correct: int, only_b_correct: int) -> float:
    """Two-sided exact McNemar p-value from the discordant pair counts.

    Under the null each discordant pair favours either system with probability 1/2, so
    the p-value is ``min(1, 2 * P(X <= min(b, c)))`` with ``X ~ Binomial(b + c, 1/2)``;
    1.0 when there are no discordant pairs. Exact integer sums up to 1,000 pairs, log space above.

    >>> mcnemar_exact_p(3, 3), mcnemar_exact_p(0, 0)
    (1.0, 1.0)
    """
    if only_a_correct < 0 or only_b_correct < 0:
        raise ValueError(f"discordant counts must be >= 0, got {only_a_correct} and {only_b_correct}")
    n = only_a_correct + only_b_correct
    smaller = min(only_a_correct, only_b_correct)
    if n == 0 or 2 * smaller == n:
        return 1.0
    if n <= _EXACT_INTEGER_LIMIT:
        tail = sum(math.comb(n, j) for j in range(smaller + 1)) / 2**n
        return float(min(1.0, 2 * tail))
    k = np.arange(smaller, dtype=np.float64)
    # log C(n, j) for j = 0..smaller, by the ratio C(n, j+1) / C(n, j) = (n - j) / (j + 1)
    log_binomials = np.concatenate([[0.0], np.cumsum(np.log(n - k) - np.log(k + 1))])
    log_tail = np.logaddexp.reduce(log_binomials) - n * math.log(2)
    return float(min(1.0, 2 * math.exp(log_tail)))


def cluster_totals(
    cluster_ids: Sequence[str], values: np.ndarray, *, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per-cluster sums of ``values`` and item counts, clusters in sorted id order.

    Sorting makes the bootstrap independent of the order the items arrive in. ``weights``
    (0/1 per item) counts only some items, keeping every cluster (possibly with count 0).

    >>> sums, counts = cluster_totals(["b", "a", "b"], np.array([1.0, 0.0, 0.5]))
    >>> sums.tolist(), counts.tolist()
    ([0.0, 1.5], [1.0, 2.0])
    >>> cluster_totals(["b", "a", "b"], np.array([1.0, 0.0, 0.0]), weights=np.array([1, 0, 0]))[1].tolist()
    [0.0, 1.0]
    """
    position = {cluster: index for index, cluster in enumerate(sorted(set(cluster_ids)))}
    codes = np.fromiter(map(position.__getitem__, cluster_ids), dtype=np.int64, count=len(cluster_ids))
    sums = np.bincount(codes, weights=values, minlength=len(position))
    counted = None if weights is None else np.asarray(weights, dtype=np.float64)
    counts = np.bincount(codes, weights=counted, minlength=len(position)).astype(np.float64)
    return sums, counts
