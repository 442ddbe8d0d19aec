"""Properties of score_predictions on arbitrary inputs, and the core's import boundary."""

from __future__ import annotations

import math
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st
from test_scoring_aggregate import REFERENCES

from qbench_portrait_lib.scoring import score_predictions

RESPONSES = st.one_of(
    st.none(),
    st.text(max_size=60),
    st.sampled_from(["A", "B", "C", "D", "A, C", "True", "False", "Answer: B", "The background is blurred."]),
)


@settings(max_examples=60, deadline=None)
@given(
    picks=st.lists(st.integers(0, len(REFERENCES) - 1), min_size=1, max_size=12),
    responses=st.lists(RESPONSES, min_size=12, max_size=12),
)
def test_aggregates_are_consistent_with_the_details(picks, responses):
    references = [{**REFERENCES[pick], "id": f"r{i}"} for i, pick in enumerate(picks)]
    predictions = responses[: len(references)]
    result = score_predictions(predictions, references, return_details=True, bootstrap_samples=50)
    scores = [detail["score"] for detail in result.pop("details")]
    assert all(0.0 <= score <= 1.0 for score in scores)
    assert math.isclose(result["overall_all_items"], sum(scores) / len(scores))
    closed = [s for s, r in zip(scores, references, strict=True) if r["question_type"] != "open_ended"]
    headline = sum(closed) / len(closed) if closed else math.nan  # no judge: the closed formats
    assert math.isclose(result["overall"], headline) or (math.isnan(result["overall"]) and not closed)
    assert result["count"] == len(references)
    for group in ("question_type", "quality_dimension", "image_source", "level", "quality_dimension_x_level"):
        counts = [
            value for key, value in result.items() if key.startswith(f"{group}/") and key.endswith("/count")
        ]
        assert sum(counts) == len(references), group
    assert all(type(value) is float for value in result.values())
    if not math.isnan(result["overall"]):  # NaN: only open-ended items, no judge
        assert result["overall_ci_low"] <= result["overall"] + 1e-12
        assert result["overall"] <= result["overall_ci_high"] + 1e-12
    # without a judge only the headline's bootstrap is drawn
    assert math.isnan(result["overall_all_items_ci_low"]) and math.isnan(result["overall_all_items_ci_high"])


def test_the_scoring_core_imports_neither_datasets_nor_evaluate():
    code = (
        "import sys, qbench_portrait_lib.scoring as s; "
        "s.score_predictions([], []); "
        "print(sorted(m for m in ('datasets', 'evaluate') if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"
