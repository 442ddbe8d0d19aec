"""Every aggregate key checked against values computed by hand on a small fixture."""

from __future__ import annotations

import math

import pytest
from scipy.stats import binomtest

from qbench_portrait_lib.scoring import score_predictions


def reference(id_: str, image_id: str, question_type: str, options: list[str], answer: list[str], **labels):
    """A contract reference; labels default to technical / natural / global."""
    record = {
        "id": id_,
        "image_id": image_id,
        "question": f"question {id_}",
        "question_type": question_type,
        "options": options,
        "answer": answer,
        "quality_dimension": "technical",
        "image_source": "natural",
        "level": "global",
        "attribute": "blur",
        "region": "",
    }
    record.update(labels)
    return record


TF = ["True", "False"]
AIGC = {"quality_dimension": "aigc", "image_source": "ai_generated"}
ART = {"quality_dimension": "aesthetic", "image_source": "artistic"}

#: (reference, response): every response is one any extractor reads the same way.
FIXTURE = [
    (
        reference(
            "q1", "img1", "single_choice", ["Sharp", "Slightly blurry", "Very blurry"], ["Very blurry"]
        ),
        "C",
    ),
    (reference("q2", "img1", "true_false", TF, ["False"], level="local", region="eyes"), "False"),
    (
        reference(
            "q3",
            "img2",
            "multiple_choice",
            ["Eyes", "Hair", "Mouth", "Background"],
            ["Eyes", "Hair"],
            level="local",
            region="face",
            **AIGC,
        ),
        "A",
    ),
    (
        reference(
            "q4",
            "img2",
            "multiple_choice",
            ["Eyes", "Hair", "Mouth"],
            ["Hair"],
            level="local",
            region="face",
            **AIGC,
        ),
        "B, C",
    ),
    (reference("q5", "img2", "true_false", TF, ["True"], **AIGC), ""),
    (reference("q6", "img3", "single_choice", ["Poor", "Fair", "Good", "Excellent"], ["Good"], **ART), None),
    (
        reference("q7", "img3", "open_ended", [], ["The background is blurred."], **ART),
        "The background is blurred.",
    ),
    (reference("q8", "img3", "true_false", TF, ["True"], **ART), "True"),
]
REFERENCES = [ref for ref, _ in FIXTURE]
PREDICTIONS = [response for _, response in FIXTURE]

# chance of each closed item: 1/k single choice, 1/(2^k - 1) multi-select, 1/2 true/false
C1, C2, C3, C4, C5, C6, C8 = 1 / 3, 1 / 2, 1 / 15, 1 / 7, 1 / 2, 1 / 4, 1 / 2
NAN = math.nan

# item scores: q1 1, q2 1, q3 0, q4 0, q5 0 (unparsed), q6 0 (unparsed), q7 1 (proxy), q8 1
# closed_score / closed_count leave out q7, the only open-ended item: they differ from
# score / count exactly in the cells holding q7 (open_ended, aesthetic, artistic, global,
# aesthetic.global), e.g. aesthetic: score (0 + 1 + 1) / 3, closed_score (0 + 1) / 2.
EXPECTED_CELLS = {
    # (group, value): (score, count, chance, closed_score, closed_count)
    ("question_type", "single_choice"): (1 / 2, 2, (C1 + C6) / 2, 1 / 2, 2),
    ("question_type", "multiple_choice"): (0.0, 2, (C3 + C4) / 2, 0.0, 2),
    ("question_type", "true_false"): (2 / 3, 3, 1 / 2, 2 / 3, 3),
    ("question_type", "open_ended"): (1.0, 1, NAN, NAN, 0),
    ("quality_dimension", "technical"): (1.0, 2, (C1 + C2) / 2, 1.0, 2),
    ("quality_dimension", "aigc"): (0.0, 3, (C3 + C4 + C5) / 3, 0.0, 3),
    ("quality_dimension", "aesthetic"): (2 / 3, 3, (C6 + C8) / 2, 1 / 2, 2),
    ("image_source", "natural"): (1.0, 2, (C1 + C2) / 2, 1.0, 2),
    ("image_source", "synthetic_distortion"): (NAN, 0, NAN, NAN, 0),
    ("image_source", "ai_generated"): (0.0, 3, (C3 + C4 + C5) / 3, 0.0, 3),
    ("image_source", "artistic"): (2 / 3, 3, (C6 + C8) / 2, 1 / 2, 2),
    ("image_source", "computer_graphics"): (NAN, 0, NAN, NAN, 0),
    ("level", "global"): (3 / 5, 5, (C1 + C5 + C6 + C8) / 4, 2 / 4, 4),
    ("level", "local"): (1 / 3, 3, (C2 + C3 + C4) / 3, 1 / 3, 3),
    ("quality_dimension_x_level", "technical.global"): (1.0, 1, C1, 1.0, 1),
    ("quality_dimension_x_level", "technical.local"): (1.0, 1, C2, 1.0, 1),
    ("quality_dimension_x_level", "aigc.global"): (0.0, 1, C5, 0.0, 1),
    ("quality_dimension_x_level", "aigc.local"): (0.0, 2, (C3 + C4) / 2, 0.0, 2),
    ("quality_dimension_x_level", "aesthetic.global"): (2 / 3, 3, (C6 + C8) / 2, 1 / 2, 2),
    ("quality_dimension_x_level", "aesthetic.local"): (NAN, 0, NAN, NAN, 0),
    # quality_dimension x image_source: each dimension sits on one source in the fixture
    ("quality_dimension_x_image_source", "technical.natural"): (1.0, 2, (C1 + C2) / 2, 1.0, 2),
    ("quality_dimension_x_image_source", "aigc.ai_generated"): (0.0, 3, (C3 + C4 + C5) / 3, 0.0, 3),
    ("quality_dimension_x_image_source", "aesthetic.artistic"): (2 / 3, 3, (C6 + C8) / 2, 1 / 2, 2),
}
EMPTY = (NAN, 0, NAN, NAN, 0)
for _dimension in ("technical", "aigc", "aesthetic"):
    for _source in ("natural", "synthetic_distortion", "ai_generated", "artistic", "computer_graphics"):
        EXPECTED_CELLS.setdefault(("quality_dimension_x_image_source", f"{_dimension}.{_source}"), EMPTY)

EXPECTED_SCALARS = {
    "overall": 3 / 7,  # no judge: the headline is the closed formats' score
    "overall_all_items": 4 / 8,  # q7's proxy score counts here only
    "overall_includes_open_ended": 0.0,
    "overall_closed": 3 / 7,
    "count": 8.0,
    "parse_failures": 2.0,
    "parse_failure_rate": 2 / 7,
    "extraction/read_by_rules": 5.0,
    "extraction/read_by_reader": 0.0,
    "extraction/unparsed": 2.0,
    "extraction/conflicts": 0.0,
    "chance": (C1 + C2 + C3 + C4 + C5 + C6 + C8) / 7,
    # q3 picks {Eyes} of {Eyes, Hair}; q4 picks {Hair, Mouth} of {Hair}
    "multiple_choice/jaccard": (1 / 2 + 1 / 2) / 2,
    "multiple_choice/precision": (1 + 1 / 2) / 2,
    "multiple_choice/recall": (1 / 2 + 1) / 2,
    "multiple_choice/f1": (2 / 3 + 2 / 3) / 2,
    # gold True: q5 wrong, q8 right (recall 1/2); gold False: q2 right (recall 1)
    "true_false/balanced_accuracy": (1 / 2 + 1) / 2,
    "true_false/true_rate": 1 / 2,  # parsed answers: q2 False, q8 True
    "true_false/gold_true_rate": 2 / 3,
    "open_ended/proxy_score": 1.0,
    "open_ended/proxy_agreement_spearman": 0.879,
    "open_ended/judge_score": NAN,
    "open_ended/judge_failures": 0.0,
    "open_ended/judge_failure_rate": NAN,
}


CELL_KEYS = (
    "score",
    "count",
    "ci_low",
    "ci_high",
    "chance",
    "closed_score",
    "closed_count",
    "closed_ci_low",
    "closed_ci_high",
)


def same(actual: float, expected: float) -> bool:
    return (math.isnan(actual) and math.isnan(expected)) or actual == pytest.approx(expected, abs=1e-12)


@pytest.fixture(scope="module")
def result():
    return score_predictions(PREDICTIONS, REFERENCES, return_details=True)


def test_scalar_keys_match_hand_computed_values(result):
    for key, expected in EXPECTED_SCALARS.items():
        assert same(result[key], expected), (key, result[key], expected)


def wilson_matches_scipy(result, prefix: str, score: float, count: int) -> None:
    """The ``{prefix}ci_low``/``ci_high`` keys: NaN when empty, else scipy's Wilson (0/1 scores)."""
    low, high = result[f"{prefix}ci_low"], result[f"{prefix}ci_high"]
    if count == 0:
        assert math.isnan(low) and math.isnan(high)
        return
    interval = binomtest(round(score * count), count).proportion_ci(method="wilson")
    assert low == pytest.approx(interval.low, abs=1e-12)
    assert high == pytest.approx(interval.high, abs=1e-12)


@pytest.mark.parametrize(("cell", "expected"), EXPECTED_CELLS.items(), ids=lambda v: str(v))
def test_cells_match_hand_computed_values(result, cell, expected):
    group, value = cell
    score, count, chance, closed_score, closed_count = expected
    prefix = f"{group}/{value}"
    assert same(result[f"{prefix}/score"], score)
    assert result[f"{prefix}/count"] == float(count)
    assert same(result[f"{prefix}/chance"], chance)
    assert same(result[f"{prefix}/closed_score"], closed_score)
    assert result[f"{prefix}/closed_count"] == float(closed_count)
    # every cell here holds 0/1 scores only (q7's proxy score is 1.0), so Wilson is exact
    wilson_matches_scipy(result, f"{prefix}/", score, count)
    wilson_matches_scipy(result, f"{prefix}/closed_", closed_score, closed_count)


def test_closed_score_and_chance_cover_the_same_items():
    # one open-ended item scoring 1 next to one wrong single-choice item: score is 1/2,
    # but the chance level (1/2 of two options) belongs to the closed score, 0
    refs = [
        reference("a", "img1", "single_choice", ["Yes", "No"], ["Yes"]),
        reference("b", "img1", "open_ended", [], ["The face is sharp."]),
    ]
    result = score_predictions(["B", "The face is sharp."], refs, bootstrap_samples=0)
    cell = "quality_dimension/technical"
    assert result[f"{cell}/score"] == 0.5 and result[f"{cell}/count"] == 2.0
    assert result[f"{cell}/closed_score"] == 0.0 and result[f"{cell}/closed_count"] == 1.0
    assert result[f"{cell}/chance"] == 0.5
    assert result["question_type/open_ended/closed_count"] == 0.0
    assert math.isnan(result["question_type/open_ended/closed_ci_low"])


def test_every_cell_of_every_vocabulary_is_present_and_nothing_else(result):
    cell_keys = {key for key in result if key.count("/") == 2 and not key.startswith("position_bias/")}
    expected = {f"{g}/{v}/{k}" for g, v in EXPECTED_CELLS for k in CELL_KEYS}
    assert cell_keys == expected
    widest = max(len(r["options"]) for r in REFERENCES if r["question_type"] == "single_choice")
    letters = [chr(65 + p) for p in range(widest)]
    position_keys = {f"position_bias/{x}/{k}" for x in letters for k in ("pick_share", "gold_share")}
    assert {key for key in result if key.startswith("position_bias/")} == position_keys | {
        f"position_bias/{k}" for k in ("responses", "chi_square", "chi_square_dof", "chi_square_p")
    }
    intervals = {f"overall{scope}_ci_{end}" for scope in ("", "_all_items") for end in ("low", "high")}
    assert set(result) - cell_keys - position_keys == set(EXPECTED_SCALARS) | intervals | {
        "details",
        "multiple_choice/select_all_rate",
        *(f"position_bias/{k}" for k in ("responses", "chi_square", "chi_square_dof", "chi_square_p")),
    }


def test_results_are_python_floats(result):
    for key, value in result.items():
        if key != "details":
            assert type(value) is float, (key, type(value))


def test_details_follow_input_order_with_the_parse(result):
    details = result["details"]
    assert [d["id"] for d in details] == [ref["id"] for ref in REFERENCES]
    assert [d["score"] for d in details] == [1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0]
    assert [d["parse_failed"] for d in details] == [False, False, False, False, True, True, False, False]
    assert details[3]["parsed"] == ("Hair", "Mouth") and details[3]["correct"] == ("Hair",)
    assert details[2]["jaccard"] == 0.5 and details[2]["precision"] == 1.0
    assert details[6]["parsed"] is None and details[6]["score_source"] == "proxy"
    assert {d["score_source"] for i, d in enumerate(details) if i != 6} == {"exact"}


def test_overall_interval_contains_the_overall_score(result):
    assert 0.0 <= result["overall_ci_low"] <= result["overall"] <= result["overall_ci_high"] <= 1.0


def test_scores_do_not_depend_on_input_order():
    order = [5, 2, 7, 0, 3, 6, 1, 4]
    shuffled = score_predictions([PREDICTIONS[i] for i in order], [REFERENCES[i] for i in order])
    original = score_predictions(PREDICTIONS, REFERENCES)
    for key, value in original.items():
        assert same(shuffled[key], value), key


def test_empty_input_gives_every_key_with_zero_counts():
    result = score_predictions([], [])
    assert result["count"] == 0.0 and math.isnan(result["overall"]) and math.isnan(result["overall_ci_low"])
    assert result["question_type/single_choice/count"] == 0.0


def test_class_label_ints_score_like_names():
    from qbench_portrait_lib.contract.columns import LABEL_COLUMNS

    as_ints = [{**ref, **{c: LABEL_COLUMNS[c].index(ref[c]) for c in LABEL_COLUMNS}} for ref in REFERENCES]
    assert score_predictions(PREDICTIONS, as_ints)["overall_all_items"] == 0.5


def test_a_cell_of_fractional_scores_gets_the_t_interval_and_a_binary_cell_wilson():
    import numpy as np
    from scipy import stats

    from qbench_portrait_lib.scoring.aggregate import breakdown_cells
    from qbench_portrait_lib.scoring.intervals import wilson_interval

    fractional = np.array([0.2, 0.9, 0.55, 0.7, 0.4, 1.0])
    binary = np.array([1.0, 0.0, 1.0, 1.0])
    codes = np.array([0] * len(fractional) + [1] * len(binary))
    scores = np.concatenate([fractional, binary])
    cells = breakdown_cells(
        "level",
        [("global",), ("local",)],
        codes,
        scores,
        np.full(len(scores), np.nan),
        np.zeros(len(scores), bool),
    )
    expected = stats.t.interval(0.95, len(fractional) - 1, loc=fractional.mean(), scale=stats.sem(fractional))
    assert cells[0].interval.method == "student t" and cells[1].interval.method == "wilson"
    assert (cells[0].interval.low, cells[0].interval.high) == pytest.approx(
        (expected[0], min(1.0, expected[1])), abs=2e-3
    )
    assert (cells[1].interval.low, cells[1].interval.high) == wilson_interval(3, 4)
