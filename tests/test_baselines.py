"""Weight-free baselines: the random one sits at chance, the classical one reads image statistics."""

from __future__ import annotations

import io
import itertools
from collections import Counter

import numpy as np
import pytest
from PIL import Image
from scipy import stats

from qbench_portrait_lib.baselines import answer_with_baseline
from qbench_portrait_lib.baselines.classical import PRIOR_ANSWERS, ClassicalBaseline
from qbench_portrait_lib.baselines.option_reading import Claim, canonical_attribute, read_claim
from qbench_portrait_lib.baselines.random_guess import OPEN_ENDED_RESPONSE, answer_randomly
from qbench_portrait_lib.data.loading import load_benchmark
from qbench_portrait_lib.sample.portraits import load_photo
from qbench_portrait_lib.sample.technical import apply_distortion
from qbench_portrait_lib.scoring import extract_answer, score_predictions


@pytest.fixture(scope="module")
def sample():
    return load_benchmark(None)


def _closed_row(i: int, qtype: str, k: int) -> dict:
    options = ["True", "False"] if qtype == "true_false" else [f"option {j}" for j in range(k)]
    answer = options[: 1 + (i % k if qtype == "multiple_choice" else 0)]
    return {
        "id": f"q{i}", "image_id": f"img{i // 3}", "question": "Which?", "question_type": qtype,
        "options": options, "answer": answer, "quality_dimension": ("technical", "aigc", "aesthetic")[i % 3],
        "image_source": "natural", "level": "global", "attribute": "blur", "region": "",
    }  # fmt: skip


# --- random ---------------------------------------------------------------------------------


def test_random_is_seeded_and_independent_of_the_other_rows():
    rows = [_closed_row(i, "single_choice", 4) for i in range(50)]
    first = answer_with_baseline("random", rows, seed=3)
    assert first == answer_with_baseline("random", rows, seed=3)
    assert first != answer_with_baseline("random", rows, seed=4)
    assert answer_with_baseline("random", rows[20:][::-1], seed=3) == first[20:][::-1]


def test_random_multiple_choice_is_uniform_over_non_empty_subsets():
    rows = [_closed_row(i, "multiple_choice", 3) for i in range(7000)]
    counts = Counter(answer_with_baseline("random", rows))
    subsets = {", ".join(c) for n in (1, 2, 3) for c in itertools.combinations("ABC", n)}
    assert set(counts) == subsets
    assert stats.chisquare(list(counts.values())).pvalue > 0.001


def test_random_single_choice_and_true_false_are_uniform():
    singles = Counter(
        answer_with_baseline("random", [_closed_row(i, "single_choice", 4) for i in range(4000)])
    )
    assert set(singles) == set("ABCD") and stats.chisquare(list(singles.values())).pvalue > 0.001
    truths = Counter(answer_with_baseline("random", [_closed_row(i, "true_false", 2) for i in range(4000)]))
    assert set(truths) == {"True", "False"} and stats.chisquare(list(truths.values())).pvalue > 0.001


def test_random_answers_always_parse_and_open_ended_gets_the_fixed_sentence():
    rows = [
        _closed_row(i, qtype, 2 + i % 4) for i, qtype in enumerate(["single_choice", "multiple_choice"] * 60)
    ]
    for row, response in zip(rows, answer_with_baseline("random", rows), strict=True):
        assert extract_answer(response, row["options"], row["question_type"]) is not None, response
    open_row = {"id": "o", "question_type": 3, "options": []}
    assert answer_with_baseline("random", [open_row]) == [OPEN_ENDED_RESPONSE]


def test_random_overall_sits_at_the_reported_chance_level_on_a_large_synthetic_set():
    kinds = [("single_choice", 3), ("single_choice", 4), ("multiple_choice", 3), ("multiple_choice", 4)]
    kinds += [("true_false", 2)]
    rows = [_closed_row(i, *kinds[i % len(kinds)]) for i in range(3000)]
    result = score_predictions(answer_with_baseline("random", rows, seed=0), rows, seed=0)
    assert result["parse_failures"] == 0.0
    assert result["overall_ci_low"] <= result["chance"] <= result["overall_ci_high"]
    assert result["overall"] == pytest.approx(result["chance"], abs=0.03)


def test_random_overall_sits_at_the_reported_chance_level_on_the_sample(sample):
    closed = [row for row in sample.remove_columns("image") if row["question_type"] != 3]
    result = score_predictions(answer_with_baseline("random", closed), closed, seed=0)
    assert result["overall_ci_low"] <= result["chance"] <= result["overall_ci_high"]


def test_random_rejects_rows_it_cannot_answer():
    with pytest.raises(ValueError, match=r"single_choice question 'x' has no options"):
        answer_randomly({"id": "x", "question_type": "single_choice", "options": []})
    with pytest.raises(ValueError, match=r"question_type must be a format name, got 'essay' for row 'x'"):
        answer_randomly({"id": "x", "question_type": "essay", "options": []})
    with pytest.raises(ValueError, match=r"question_type must be one of .* or an int in 0\.\.3, got 9"):
        answer_with_baseline("random", [{"id": "x", "question_type": 9, "options": []}])
    with pytest.raises(
        ValueError, match=r"unknown baseline 'oracle'; expected one of \['classical', 'random'\]"
    ):
        answer_with_baseline("oracle", [])


# --- reading options ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hint", "claim"),
    [
        ("None", "noise", Claim("noise", 0, None)),
        ("Slight", "blur", Claim("blur", 1, None)),
        ("Moderate", "jpeg", Claim("jpeg", 2, None)),
        ("Severe", "resolution", Claim("resolution", 3, None)),
        ("Correctly exposed", "exposure", Claim("exposure", 0, None)),
        ("Overexposed", "exposure", Claim("exposure", None, "over")),
        ("Underexposed", "exposure", Claim("exposure", None, "under")),
        ("No colour cast", "colour_cast", Claim("colour_cast", 0, None)),
        ("Warm (orange) cast", "colour_cast", Claim("colour_cast", None, "warm")),
        ("Cool (blue) cast", "colour_cast", Claim("colour_cast", None, "cool")),
        ("Green cast", None, Claim("colour_cast", None, "green")),
        ("Pixelation (low resolution)", None, Claim("resolution", None, None)),
        ("JPEG blocking artefacts", None, Claim("jpeg", None, None)),
        ("Blur", None, Claim("blur", None, None)),
        ("This image is free of visible noise.", "noise", Claim("noise", 0, None)),
        ("This image shows visible JPEG blocking.", "jpeg", Claim("jpeg", None, None)),
        ("The background is affected by blur.", "blur", Claim("blur", None, None)),
        ("The eyes are very sharp.", None, Claim("blur", 0, None)),
        ("The face is not sharp.", None, Claim("blur", None, None)),
        ("The dark background is noisy.", "noise", Claim("noise", None, None)),
        ("Good", "blur", None),
        ("A pretty smile", None, None),
        ("Balanced composition", None, None),
    ],
)
def test_read_claim(text, hint, claim):
    assert read_claim(text, attribute_hint=hint) == claim


def test_canonical_attribute():
    assert [canonical_attribute(a) for a in ("JPEG", "colour_cast", "pixelation", "overall", "hands")] == [
        "jpeg", "colour_cast", "resolution", None, None,
    ]  # fmt: skip


# --- classical ------------------------------------------------------------------------------

SEVERITIES = ["None", "Slight", "Moderate", "Severe"]
NOUNS = {"blur": "blur", "noise": "noise", "jpeg": "JPEG blocking", "resolution": "pixelation"}


def _row(image, question, options, *, qtype="single_choice", attribute="", region="", dimension="technical"):
    return {
        "id": "q", "image_id": str(id(image)), "image": image, "question": question, "question_type": qtype,
        "options": options, "answer": [], "quality_dimension": dimension, "image_source": "natural",
        "level": "local" if region else "global", "attribute": attribute, "region": region,
    }  # fmt: skip


@pytest.fixture(scope="module")
def photos():
    # Not the variants the thresholds were calibrated on (astronaut, mirrored camera).
    return [load_photo("astronaut", 320, mirrored=True), load_photo("camera", 320)]


@pytest.mark.parametrize("attribute", ["blur", "noise", "jpeg", "resolution"])
def test_classical_grades_the_generator_distortions(photos, attribute):
    for photo, level in itertools.product(photos, ["none", "slight", "moderate", "severe"]):
        pixels = photo.pixels
        if level != "none":
            pixels = apply_distortion(pixels, attribute, level, np.random.default_rng(1))
        row = _row(Image.fromarray(pixels), f"How severe is the {NOUNS[attribute]}?", SEVERITIES,
                   attribute=attribute)  # fmt: skip
        answer = ClassicalBaseline().answer(row)
        assert SEVERITIES[ord(answer) - 65] == level.capitalize(), (photo.name, level)


@pytest.mark.parametrize(("attribute", "level", "option"), [
    ("exposure", "over", "Overexposed"), ("exposure", "under", "Underexposed"),
    ("colour_cast", "warm", "Warm (orange) cast"), ("colour_cast", "cool", "Cool (blue) cast"),
    ("colour_cast", "green", "Green cast"),
])  # fmt: skip
def test_classical_names_exposure_and_colour_casts(photos, attribute, level, option):
    options = {
        "exposure": ["Correctly exposed", "Overexposed", "Underexposed"],
        "colour_cast": ["No colour cast", "Warm (orange) cast", "Cool (blue) cast", "Green cast"],
    }[attribute]
    for photo in photos:
        for pixels, expected in ((apply_distortion(photo.pixels, attribute, level, None), option),
                                 (photo.pixels, options[0])):  # fmt: skip
            answer = ClassicalBaseline().answer(
                _row(Image.fromarray(pixels), "How?", options, attribute=attribute)
            )
            assert options[ord(answer) - 65] == expected, (photo.name, expected)


def test_classical_locates_a_regional_distortion(photos):
    photo = photos[0]
    noisy_face = Image.fromarray(apply_distortion(photo.pixels, "noise", "severe", np.random.default_rng(0),
                                                  photo.regions["face"]))  # fmt: skip
    where = ["Only the face", "Only the background", "The whole image", "No part of the image"]
    baseline = ClassicalBaseline()
    assert baseline.answer(_row(noisy_face, "Which part?", where, attribute="noise", region="face")) == "A"
    regions = _row(noisy_face, "Which regions?", ["Background", "Eyes", "Face"], qtype="multiple_choice",
                   attribute="noise", region="face")  # fmt: skip
    assert baseline.answer(regions) == "B, C"
    claim = _row(noisy_face, "The background is affected by noise.", ["True", "False"], qtype="true_false",
                 attribute="noise", region="background")  # fmt: skip
    assert baseline.answer(claim) == "False"
    assert (
        baseline.answer({**claim, "question": "The face is affected by noise.", "region": "face"}) == "True"
    )


def test_classical_lists_the_visible_problems(photos):
    pixels = apply_distortion(photos[1].pixels, "blur", "severe", None)
    pixels = apply_distortion(pixels, "noise", "moderate", np.random.default_rng(0))
    options = ["Noise", "Blur", "None of these", "Overexposure", "Underexposure"]
    row = _row(Image.fromarray(pixels), "Which problems?", options, qtype="multiple_choice", attribute="blur")
    assert ClassicalBaseline().answer(row) == "A, B"
    clean = _row(Image.fromarray(photos[1].pixels), "Which problems?", options, qtype="multiple_choice")
    assert ClassicalBaseline().answer(clean) == "C"


def test_classical_falls_back_to_its_prior_where_statistics_say_nothing(photos):
    image = Image.fromarray(photos[0].pixels)
    cases = [
        _row(image, "Is the composition balanced?", ["Yes, well balanced", "No"], dimension="aesthetic"),
        _row(image, "The hands look natural.", ["True", "False"], qtype="true_false", dimension="aigc"),
        _row(image, "Describe it.", [], qtype="open_ended", dimension="aesthetic"),
        _row(image, "Are the edges aliased?", ["Yes", "No"], attribute="aliasing"),
    ]
    assert [ClassicalBaseline().answer(row) for row in cases] == [
        PRIOR_ANSWERS["single_choice"], PRIOR_ANSWERS["true_false"], PRIOR_ANSWERS["open_ended"], "A",
    ]  # fmt: skip


def test_classical_accepts_labels_as_ints_and_images_as_bytes(sample):
    rows = list(sample.select(range(15)))
    as_names = []
    for row in rows:
        named = {**row, "image": {"bytes": _png(row["image"]), "path": None}}
        for column in ("question_type", "quality_dimension", "image_source", "level"):
            named[column] = sample.features[column].int2str(row[column])
        as_names.append(named)
    assert answer_with_baseline("classical", rows) == answer_with_baseline("classical", as_names)
    with pytest.raises(
        ValueError, match=r"row 'sample-000-q0': the classical baseline needs the image, got None"
    ):
        answer_with_baseline("classical", [{**as_names[0], "image": None}])


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_classical_on_the_sample_beats_chance_on_technical_questions(sample):
    # Closed questions only: open-ended ones have no chance level to compare with.
    closed = sample.filter(lambda qtype: qtype != 3, input_columns="question_type")
    responses = answer_with_baseline("classical", closed)
    assert responses == answer_with_baseline("classical", closed)  # deterministic
    result = score_predictions(responses, closed.remove_columns("image"), seed=0)
    for cell in ("quality_dimension/technical", "quality_dimension_x_level/technical.local"):
        assert result[f"{cell}/ci_low"] > result[f"{cell}/chance"], cell
