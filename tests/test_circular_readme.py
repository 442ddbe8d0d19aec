"""The README's circular section states numbers this test recomputes on the sample: the cost
of a circular run and the worked example with the random and classical baselines."""

from __future__ import annotations

from pathlib import Path

import pytest

from qbench_portrait_lib.baselines.circular import answer_variants
from qbench_portrait_lib.data.loading import load_benchmark
from qbench_portrait_lib.report.markdown import interval, percent
from qbench_portrait_lib.scoring import score_predictions

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture(scope="module")
def sample():
    return load_benchmark("sample")


_SCORED: dict[str, tuple[dict, int]] = {}


def circular_metrics(baseline, sample):
    if baseline not in _SCORED:
        _SCORED[baseline] = _score(baseline, sample)
    return _SCORED[baseline]


def _score(baseline, sample):
    answered = answer_variants(baseline, sample)
    rows = {row["id"]: row for row in sample.remove_columns("image")}
    return score_predictions(
        [response for _, response in answered],
        [rows[variant.id] for variant, _ in answered],
        option_orders=[variant.option_order for variant, _ in answered],
        bootstrap_samples=0,
    ), len(answered)


def readme_row(metrics, name):
    m = {key.removeprefix("circular/overall/"): value for key, value in metrics.items()}
    return (
        f"| {name} | {percent(m['vanilla'])} "
        f"| {percent(m['accuracy'])} {interval(m['ci_low'], m['ci_high'])} "
        f"| {100 * m['chance']:.3g} | {percent(m['drop'])} {interval(m['drop_ci_low'], m['drop_ci_high'])} "
        f"| {percent(m['consistency'])} |"
    )


@pytest.mark.parametrize("baseline", ["random", "classical"])
def test_the_worked_example_matches_the_scorer(baseline, sample):
    metrics, _ = circular_metrics(baseline, sample)
    assert readme_row(metrics, baseline) in README.read_text(encoding="utf-8")


def test_the_random_baselines_circular_accuracy_sits_at_its_chance_level(sample):
    metrics, _ = circular_metrics("random", sample)
    low, high = metrics["circular/overall/ci_low"], metrics["circular/overall/ci_high"]
    assert low <= metrics["circular/overall/chance"] <= high


def test_the_stated_cost_is_the_samples(sample):
    _, requests = circular_metrics("random", sample)
    text = README.read_text(encoding="utf-8")
    assert (
        f"sends **{requests:,} requests for {len(sample)} questions, {requests / len(sample):.2f}×**" in text
    )
