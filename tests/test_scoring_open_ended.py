"""The open-ended proxy and the judge hook."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_scoring_aggregate import reference

from qbench_portrait_lib.scoring import OpenEndedItem, score_predictions
from qbench_portrait_lib.scoring.open_ended import proxy_score

REFERENCE = "The eyes are severely blurred."


def test_agreeing_answer_beats_a_negated_one_beats_an_unrelated_one():
    agreeing = proxy_score("Heavily blurred eyes.", [REFERENCE])
    negated = proxy_score("The eyes are not blurred.", [REFERENCE])
    unrelated = proxy_score("A pleasing composition.", [REFERENCE])
    assert agreeing == 1.0 and negated == unrelated == 0.0
    assert proxy_score(REFERENCE, [REFERENCE]) == 1.0


def test_best_reference_counts():
    assert proxy_score("Noisy hair.", ["Sharp eyes.", "The hair is noisy."]) == proxy_score(
        "Noisy hair.", ["The hair is noisy."]
    )


def test_reference_without_claims_uses_token_f1_alone():
    assert proxy_score("red hat", ["a red scarf"]) == pytest.approx(0.5)


def test_the_scorer_passes_the_question_so_a_bare_yes_no_answer_counts():
    refs = [reference("y1", "i1", "open_ended", [], ["No, the image is clean."])]
    refs[0]["question"] = "Is there visible noise?"
    result = score_predictions(["No."], refs, return_details=True)
    assert result["details"][0]["proxy_score"] == 1.0


@settings(max_examples=200, deadline=None)
@given(
    response=st.one_of(st.none(), st.text(max_size=200)),
    references=st.lists(st.text(max_size=80), max_size=3),
)
def test_proxy_is_in_the_unit_interval_and_deterministic(response, references):
    score = proxy_score(response, references)
    assert 0.0 <= score <= 1.0 and score == proxy_score(response, references)


def test_a_megabyte_response_is_scored_in_linear_time():
    small = "no noise but blurry eyes, " * 4_000  # 100 kB
    start = time.process_time()
    proxy_score(small, [REFERENCE])
    small_time = time.process_time() - start
    start = time.process_time()
    proxy_score(small * 10, [REFERENCE])  # 1 MB
    assert time.process_time() - start < 30 * small_time + 0.5


OPEN_REFS = [
    reference("o1", "i1", "open_ended", [], ["The eyes are severely blurred."]),
    reference("o2", "i2", "open_ended", [], ["Noise in the background.", "A grainy background."]),
    reference("c1", "i2", "true_false", ["True", "False"], ["True"]),
]
OPEN_PREDICTIONS = ["Blurry eyes.", None, "True"]


def test_judge_gets_open_ended_items_once_and_its_scores_are_halved():
    calls = []

    def judge(items):
        calls.append(list(items))
        return [2, 1]

    result = score_predictions(OPEN_PREDICTIONS, OPEN_REFS, judge=judge, return_details=True)
    assert calls == [
        [
            OpenEndedItem("o1", "question o1", ("The eyes are severely blurred.",), "Blurry eyes."),
            OpenEndedItem("o2", "question o2", ("Noise in the background.", "A grainy background."), None),
        ]
    ]
    details = result["details"]
    assert [d["score"] for d in details] == [1.0, 0.5, 1.0]
    assert [d["score_source"] for d in details] == ["judge", "judge", "exact"]
    assert result["open_ended/judge_score"] == 0.75 and result["open_ended/judge_failure_rate"] == 0.0
    assert result["overall"] == pytest.approx(2.5 / 3)


def test_judge_failure_falls_back_to_the_proxy_and_is_counted(caplog):
    result = score_predictions(
        OPEN_PREDICTIONS, OPEN_REFS, judge=lambda items: [None, 0.0], return_details=True
    )
    first = result["details"][0]
    assert first["judge_failed"] and first["score_source"] == "proxy"
    assert first["score"] == first["proxy_score"] == proxy_score("Blurry eyes.", OPEN_REFS[0]["answer"])
    assert result["open_ended/judge_failures"] == 1.0 and result["open_ended/judge_failure_rate"] == 0.5
    assert result["open_ended/judge_score"] == 0.0
    assert "judge failed on 1 of 2 open-ended items" in caplog.text


def test_without_judge_the_judge_keys_are_nan_and_zero():
    result = score_predictions(OPEN_PREDICTIONS, OPEN_REFS)
    assert math.isnan(result["open_ended/judge_score"]) and result["open_ended/judge_failures"] == 0.0
    assert result["open_ended/proxy_score"] == pytest.approx(
        (proxy_score("Blurry eyes.", OPEN_REFS[0]["answer"]) + 0.0) / 2
    )


@pytest.mark.parametrize(
    ("returned", "message"),
    [
        ([2.0], "the judge must return one score per item: expected 2, got 1"),
        ([2.0, 2.5], r"judge score for item 1 must be None or a number in \[0, 2\], got 2.5"),
        ([2.0, "2"], r"judge score for item 1 must be None or a number in \[0, 2\], got '2'"),
        ([float("nan"), 1], r"judge score for item 0 must be None or a number in \[0, 2\], got nan"),
    ],
)
def test_a_misbehaving_judge_is_an_error(returned, message):
    with pytest.raises(ValueError, match=message):
        score_predictions(OPEN_PREDICTIONS, OPEN_REFS, judge=lambda items: returned)
