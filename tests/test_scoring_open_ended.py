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


# Scoring rules for kinds of failure found on the calibration set (tests/calibration/); the
# examples were written for these tests, none is a calibration or held-out answer.


@pytest.mark.parametrize(
    ("question", "response", "expected"),
    [
        ("Where is the noise worst?", "The hair.", 1.0),
        ("Which part is noisiest?", "The hair.", 1.0),
        ("Describe the noise.", "The hair.", 0.25),  # a region alone describes nothing: half its token F1
        ("Describe the noise.", "She has lovely hair and a blue hat.", 0.0),  # off topic
    ],
)
def test_a_region_alone_answers_only_a_where_or_which_question(question, response, expected):
    assert proxy_score(response, ["Heavy noise in the hair."], question) == pytest.approx(expected, abs=0.05)


def test_a_terse_answer_need_not_repeat_what_the_question_or_the_rest_of_the_reference_takes_for_granted():
    reference = ["A bright poster at the bottom right pulls the eye from the face; the rest is calm."]
    question = "What distracts from the subject?"
    assert proxy_score("The poster, bottom right.", reference, question) == 1.0
    assert proxy_score("The poster, bottom left.", reference, question) == 0.0
    crop = ["Poor: the frame cuts through the ankles."]
    assert proxy_score("It cuts through the ankles.", crop, "Comment on the crop.") == 1.0
    assert proxy_score("It cuts through the ankles.", crop, "Rate the crop.") == 0.5  # a verdict was asked


def test_restating_the_question_s_subject_is_no_extra_claim():
    reference, response = (
        ["The bokeh is busy and nervous."],
        "Busy, nervous bokeh; blurred highlights, soft edges.",
    )
    assert proxy_score(response, reference, "How does the background blur look?") == 1.0
    assert proxy_score(response, reference, "Describe the background.") == 0.8  # two extra blur claims


@pytest.mark.parametrize(
    ("response", "capped"),
    [
        ("Perhaps the eyes are slightly soft.", True),
        ("Maybe.", True),
        ("It might be a bit soft around the eyes.", True),
        ("Slightly soft eyes, as if shot through a window, maybe.", False),  # hedges the window only
        ("Slightly soft eyes, probably from a slow shutter.", False),
    ],
)  # fmt: skip
def test_a_hedged_answer_earns_at_most_half(response, capped):
    score = proxy_score(response, ["The eyes are slightly soft."])
    assert (score <= 0.5) if capped else (score == 1.0)


@pytest.mark.parametrize(
    "response",
    ["I cannot judge the sharpness from here.", "Unable to evaluate noise in this image.", "I can't tell."],
)
def test_a_refusal_says_nothing(response):
    assert proxy_score(response, ["Strong noise and soft focus."]) < 0.1


@pytest.mark.parametrize(
    ("question", "reference", "response", "expected"),
    [
        ("Is the skin retouched?", "No, it keeps its natural texture.", "Mostly no.", 1.0),
        ("Is the skin retouched?", "No, it keeps its natural texture.", "Probably yes.", 0.0),
        ("Is the skin retouched?", "No, it keeps its natural texture.", "Definitely not.", 1.0),
        ("Is the skin retouched?", "No, it keeps its natural texture.", "Certainly.", 0.0),
        ("Is the skin retouched?", "No, it keeps its natural texture.", "Partly.", 0.5),
        ("Is the photo tilted, and which way?", "Yes, it leans to the left.", "Yes.", 0.5),
        ("Is the photo tilted, and which way?", "Yes, it leans to the left.", "Yes, to the left.", 1.0),
    ],
)  # fmt: skip
def test_yes_no_polarity_after_fillers_partly_and_two_part_questions(question, reference, response, expected):
    assert proxy_score(response, [reference], question) == expected


def test_listing_a_term_and_its_opposite_earns_nothing():
    reference = ["The pose is rigid."]
    assert proxy_score("Rigid, wooden, relaxed, candid, natural.", reference) == 0.0
    assert proxy_score("Rigid.", reference) == 1.0


BLURRY = ("Is the portrait blurry?", "No, it is sharp.", "Yes, it is blurry.")
CLEAN = ("Is the skin clean?", "Yes, the skin is clean.", "No, the skin is grainy.")


@pytest.mark.parametrize(
    ("response", "question", "right", "wrong"),
    [
        ("Absolutely crisp.", *BLURRY),
        ("Certainly sharp, no blur at all.", *BLURRY),
        ("Almost no grain.", *CLEAN),
        ("Overall no noise, the skin is clean.", *CLEAN),
        ("Probably no visible noise; clean skin.", *CLEAN),
    ],
)
def test_sure_words_and_a_determiner_no_are_not_yes_no_answers(response, question, right, wrong):
    """ "Absolutely crisp." is no "yes"; "Almost no grain." is no "no": their claims answer."""
    assert proxy_score(response, [right], question) > proxy_score(response, [wrong], question)
    assert proxy_score(response, [wrong], question) <= 0.5


@pytest.mark.parametrize(
    ("response", "polarity"),
    [("Definitely.", "yes"), ("Definitely not.", "no"), ("Certainly so.", "yes"), ("No it isn't.", "no")],
)
def test_sure_words_alone_and_a_leading_no_still_answer(response, polarity):
    question, yes, no = "Is the portrait blurry?", "Yes, it is blurry.", "No, it is sharp."
    expected_right = yes if polarity == "yes" else no
    expected_wrong = no if polarity == "yes" else yes
    assert proxy_score(response, [expected_right], question) == 1.0
    assert proxy_score(response, [expected_wrong], question) == 0.0
