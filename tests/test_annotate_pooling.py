"""Pooling annotators into one "human (n=K)" row, and their agreement per question type."""

from __future__ import annotations

import math

import pytest

from qbench_portrait_lib.annotate.agreement import agreement_by_type
from qbench_portrait_lib.annotate.pooling import pool_annotators
from qbench_portrait_lib.scoring import score_predictions


def ref(qid: str, qtype: str, options: list[str], answer: list[str], image: str = "i1") -> dict:
    return {
        "id": qid, "image_id": image, "question": "?", "question_type": qtype, "options": options,
        "answer": answer, "quality_dimension": "technical", "image_source": "natural",
        "level": "global", "attribute": "blur", "region": "",
    }  # fmt: skip


REFS = [
    ref("sc", "single_choice", ["Sharp", "Soft", "Blurry"], ["Blurry"]),
    ref("mc", "multiple_choice", ["Eyes", "Hair", "Background"], ["Eyes", "Background"], image="i2"),
    ref("tf", "true_false", ["True", "False"], ["True"], image="i3"),
    ref("oe", "open_ended", [], ["The hair is blurred and the background is noisy."], image="i4"),
]


def test_majority_per_closed_item_and_mean_per_open_item() -> None:
    answers = {
        "a": ["C", "A, C", "True", "The hair is blurred."],
        "b": ["C", "A", "False", "Background noise."],
        "c": ["A", "A, C", "False", None],
    }
    pooled = pool_annotators(answers, REFS, bootstrap_samples=0)
    assert pooled.name == "human (n=3)" and pooled.annotators == ("a", "b", "c")
    sc, mc, tf, oe = pooled.details
    assert sc["votes"] == {"Blurry": 2, "Sharp": 1} and sc["score"] == 1.0 and not sc["tie"]
    assert mc["votes"] == {"Background, Eyes": 2, "Eyes": 1} and mc["score"] == 1.0
    assert tf["votes"] == {"False": 2, "True": 1} and tf["score"] == 0.0
    singles = {name: score_predictions(answers[name], REFS, return_details=True, bootstrap_samples=0)
               for name in ("a", "b")}  # fmt: skip
    proxy = [singles[name]["details"][3]["score"] for name in ("a", "b")]
    assert oe["score"] == pytest.approx(sum(proxy) / 2)  # c gave no answer: not counted
    assert oe["votes"] == {"answered": 2}
    assert pooled.metrics["overall_all_items"] == pytest.approx((1 + 1 + 0 + oe["score"]) / 4)
    assert pooled.item_scores == [1.0, 1.0, 0.0, oe["score"]]
    single_keys = set(score_predictions(answers["a"], REFS, bootstrap_samples=0))
    assert set(pooled.metrics) == single_keys  # the same flat dict as a model's


def test_a_tie_scores_the_mean_of_the_tied_answers_without_drawing() -> None:
    answers = {"a": ["C", "A, C", "True", "x"], "b": ["B", "A", "False", "y"]}
    pooled = pool_annotators(answers, REFS, bootstrap_samples=0)
    sc, mc, tf, _ = pooled.details
    assert sc["tie"] and sc["score"] == 0.5 and sc["parsed"] is None and not sc["parse_failed"]
    assert tf["tie"] and tf["score"] == 0.5
    # mc: {Eyes, Background} scores 1 (jaccard 1), {Eyes} scores 0 (jaccard 1/2)
    assert mc["tie"] and mc["score"] == 0.5 and mc["jaccard"] == pytest.approx(0.75)
    assert pool_annotators(answers, REFS, bootstrap_samples=0).details == pooled.details  # deterministic


def test_questions_nobody_answered_score_zero_as_unparsed() -> None:
    pooled = pool_annotators({"a": [None] * 4, "b": [None, None, None, "  "]}, REFS, bootstrap_samples=0)
    assert [detail["score"] for detail in pooled.details] == [0.0, 0.0, 0.0, 0.0]
    assert pooled.metrics["parse_failures"] == 3.0


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one annotator"):
        pool_annotators({}, REFS)
    with pytest.raises(ValueError, match="expected one prediction per reference: got 1 predictions for 4"):
        pool_annotators({"a": ["C"]}, REFS)
    with pytest.raises(ValueError, match="at least two annotators, got 1"):
        agreement_by_type({"a": ["C", "A", "True", "x"]}, REFS)


def test_agreement_is_one_when_annotators_agree_and_falls_with_disagreement() -> None:
    refs = [ref(f"q{i}", "single_choice", ["Sharp", "Soft", "Blurry"], ["Blurry"], image=f"i{i}")
            for i in range(6)]  # fmt: skip
    same = ["A", "B", "C", "A", "B", "C"]
    perfect = agreement_by_type({"a": same, "b": same, "c": same}, refs)["single_choice"]
    assert perfect["alpha"] == 1.0 and perfect["percent_agreement"] == 1.0 and perfect["questions"] == 6
    noisy = agreement_by_type({"a": same, "b": same, "c": ["B", "C", "A", "B", "C", "A"]}, refs)
    assert noisy["single_choice"]["alpha"] < 0.5
    assert noisy["single_choice"]["percent_agreement"] == pytest.approx(1 / 3)
    # Missing answers are allowed: the question answered by one annotator only is not pairable.
    partial = agreement_by_type({"a": same, "b": [*same[:5], None]}, refs)["single_choice"]
    assert partial["alpha"] == 1.0 and partial["questions"] == 5


def test_agreement_hand_computed_nominal_alpha() -> None:
    # 2 annotators, 4 single-choice questions: (A,A) (B,B) (A,B) (C,C).
    # Values: A x3, B x3, C x2 (n = 8). Observed disagreement D_o = 2/8; expected
    # D_e = (8*7 - (3*2 + 3*2 + 2*1)) / (8*7) = 42/56, alpha = 1 - (2/8) / (42/56) = 2/3.
    refs = [ref(f"q{i}", "single_choice", ["Sharp", "Soft", "Blurry"], ["Blurry"], image=f"i{i}")
            for i in range(4)]  # fmt: skip
    result = agreement_by_type({"a": ["A", "B", "A", "C"], "b": ["A", "B", "B", "C"]}, refs)
    assert result["single_choice"]["alpha"] == pytest.approx(2 / 3)
    assert set(result) == {"single_choice"}  # only the types present


def test_open_ended_agreement_is_interval_alpha_of_the_scores_and_undefined_cases_say_why() -> None:
    refs = [ref(f"q{i}", "open_ended", [], ["The hair is blurred."], image=f"i{i}") for i in range(3)]
    answers = {
        "a": ["The hair is blurred.", "Nothing wrong.", "The hair is blurred."],
        "b": ["The hair is blurred.", "Nothing wrong.", "Noise on the cheeks."],
    }
    row = agreement_by_type(answers, refs)["open_ended"]
    assert row["level"] == "interval" and -1.0 <= row["alpha"] < 1.0
    assert math.isnan(row["percent_agreement"])
    same = agreement_by_type({"a": answers["a"][:2], "b": answers["a"][:2]}, refs[:2])["open_ended"]
    assert same["alpha"] == 1.0
    tf = [ref(f"t{i}", "true_false", ["True", "False"], ["True"], image=f"i{i}") for i in range(3)]
    unanimous = agreement_by_type({"a": ["True"] * 3, "b": ["True"] * 3}, tf)["true_false"]
    assert math.isnan(unanimous["alpha"]) and "every answer is the same" in unanimous["note"]
    lonely = agreement_by_type({"a": ["True", None, None], "b": [None, "True", "False"]}, tf)["true_false"]
    assert math.isnan(lonely["alpha"]) and "no question was answered by two" in lonely["note"]
