"""The chi-square test of goodness of fit, without scipy.

The survival function of the chi-square distribution with k degrees of freedom at x is
the regularized upper incomplete gamma function Q(k/2, x/2). It is computed here by its
power series below a + 1 and by its continued fraction (modified Lentz) above, each
summed until the next term no longer changes the result in double precision; the tests
check it against ``scipy.stats.chi2.sf``.

>>> round(chi_square_sf(3.841458820694124, 1), 6)
0.05
>>> chi_square_sf(0.0, 2), math.isclose(chi_square_sf(2.0, 2), math.exp(-1.0))
(1.0, True)
>>> test = chi_square_uniform([30, 10, 10, 10])
>>> round(test.statistic, 9), test.dof, round(test.p_value, 6)
(20.0, 3, 0.00017)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

_EPSILON = 1e-15
_MAX_TERMS = 10_000
_TINY = 1e-300


def _lower_series(a: float, x: float) -> float:
    """P(a, x) by its power series (converges fast for x < a + 1)."""
    term = total = 1.0 / a
    denominator = a
    for _ in range(_MAX_TERMS):
        denominator += 1.0
        term *= x / denominator
        total += term
        if abs(term) < abs(total) * _EPSILON:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _upper_fraction(a: float, x: float) -> float:
    """Q(a, x) by its continued fraction (converges fast for x >= a + 1), modified Lentz."""
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    fraction = d
    for i in range(1, _MAX_TERMS):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = _TINY if abs(d) < _TINY else d
        c = b + an / c
        c = _TINY if abs(c) < _TINY else c
        d = 1.0 / d
        step = d * c
        fraction *= step
        if abs(step - 1.0) < _EPSILON:
            break
    return fraction * math.exp(-x + a * math.log(x) - math.lgamma(a))


def upper_regularized_gamma(a: float, x: float) -> float:
    """Q(a, x) = Γ(a, x) / Γ(a) for a > 0, x >= 0.

    >>> math.isclose(upper_regularized_gamma(1.0, 1.0), math.exp(-1.0))
    True
    """
    if a <= 0 or x < 0 or math.isnan(x):
        raise ValueError(f"expected a > 0 and x >= 0, got a={a!r}, x={x!r}")
    if x == 0:
        return 1.0
    if math.isinf(x):
        return 0.0
    if x < a + 1.0:
        return max(0.0, 1.0 - _lower_series(a, x))
    return min(1.0, _upper_fraction(a, x))


def chi_square_sf(statistic: float, dof: int) -> float:
    """P(X >= statistic) for X chi-square distributed with ``dof`` degrees of freedom."""
    if dof < 1:
        raise ValueError(f"a chi-square distribution needs at least 1 degree of freedom, got {dof}")
    return upper_regularized_gamma(dof / 2.0, max(0.0, statistic) / 2.0)


@dataclass(frozen=True)
class ChiSquareTest:
    """A goodness-of-fit test: the statistic, its degrees of freedom and its p-value."""

    statistic: float
    dof: int
    p_value: float


def chi_square_statistic(observed: Sequence[float], expected: Sequence[float]) -> float:
    """Pearson's statistic: sum over cells of (observed - expected)^2 / expected.

    >>> round(chi_square_statistic([5, 5], [4, 6]), 12)
    0.416666666667
    """
    if len(observed) != len(expected):
        raise ValueError(f"expected as many expected counts as observed: {len(expected)} and {len(observed)}")
    if any(value <= 0 for value in expected):
        raise ValueError(f"expected counts must be positive, got {list(expected)}")
    return float(sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True)))


def chi_square_uniform(counts: Sequence[int]) -> ChiSquareTest:
    """The test that ``counts`` (at least two cells, a positive total) come from a uniform pick."""
    total = sum(counts)
    if len(counts) < 2 or total <= 0:
        raise ValueError(
            f"a uniformity test needs two or more cells and a positive total, got {list(counts)}"
        )
    expected = [total / len(counts)] * len(counts)
    statistic = chi_square_statistic(counts, expected)
    return ChiSquareTest(statistic, len(counts) - 1, chi_square_sf(statistic, len(counts) - 1))
