"""Technical-distortion images: known distortions at known strengths, globally or in one region.

Severity buckets map to fixed parameters (scaled with image size where the effect is spatial),
so every answer follows from the bucket. ``clean_image`` asks the same questions of an
undistorted photo (all answers "None").

>>> import numpy as np
>>> from qbench_portrait_lib.sample.portraits import render_cg_portrait
>>> image = technical_image(render_cg_portrait(64), "blur", "severe", "face", np.random.default_rng(0))
>>> image.image_source, {q.question_type for q in image.questions} >= {"single_choice", "true_false"}
('synthetic_distortion', True)
"""

from __future__ import annotations

import numpy as np

from qbench_portrait_lib.sample import distortions
from qbench_portrait_lib.sample.portraits import Portrait
from qbench_portrait_lib.sample.questions import (
    SEVERITY_OPTIONS,
    GeneratedImage,
    Question,
    multiple_choice,
    open_ended,
    single_choice,
    true_false,
)

SEVERITIES: tuple[str, ...] = ("slight", "moderate", "severe")
GRADED_ATTRIBUTES: tuple[str, ...] = ("blur", "noise", "jpeg", "resolution")
EXPOSURES: tuple[str, ...] = ("over", "under")
CASTS: tuple[str, ...] = ("warm", "cool", "green")
LOCAL_SCOPES: tuple[str, ...] = ("face", "eyes", "background")

BLUR_SIGMA = {"slight": 1.2, "moderate": 2.5, "severe": 5.0}  # at 320 px; scaled with size
NOISE_SIGMA = {"slight": 7.0, "moderate": 16.0, "severe": 35.0}
JPEG_QUALITY = {"slight": 20, "moderate": 10, "severe": 4}
DOWNSCALE_FACTOR = {"slight": 3, "moderate": 6, "severe": 12}  # at 320 px; scaled with size
EXPOSURE_STOPS = {"over": 1.4, "under": -1.8}

NOUNS = {
    "blur": "blur",
    "noise": "noise",
    "jpeg": "JPEG blocking",
    "resolution": "pixelation",
    "exposure": "exposure problems",
    "colour_cast": "a colour cast",
}
PROBLEM_LABELS = {
    "blur": "Blur",
    "noise": "Noise",
    "jpeg": "JPEG blocking artefacts",
    "resolution": "Pixelation (low resolution)",
    "over": "Overexposure",
    "under": "Underexposure",
    "colour_cast": "Colour cast",
}
#: Problems that look alike: never offered as wrong options next to each other.
LOOKALIKES = {"jpeg": {"blur", "resolution"}, "resolution": {"blur", "jpeg"}, "blur": {"resolution"}}
PRESENT_PHRASES = {
    "blur": "visible blur",
    "noise": "visible noise",
    "jpeg": "visible JPEG blocking",
    "resolution": "visible pixelation",
    "exposure": "an exposure problem",
    "colour_cast": "a colour cast",
}
ABSENT_PHRASES = {**PRESENT_PHRASES, "exposure": "exposure problems", "colour_cast": "any colour cast"}
CAST_LABELS = {"warm": "Warm (orange) cast", "cool": "Cool (blue) cast", "green": "Green cast"}
NONE_OF_THESE = "None of these"


def apply_distortion(
    pixels: np.ndarray, attribute: str, level: str, rng: np.random.Generator, box=None
) -> np.ndarray:
    """Apply ``attribute`` at ``level`` (a severity, exposure direction or cast name)."""
    scale = pixels.shape[1] / 320
    if attribute == "blur":
        return distortions.gaussian_blur(pixels, BLUR_SIGMA[level] * scale, box)
    if attribute == "noise":
        return distortions.add_noise(pixels, NOISE_SIGMA[level], rng, box)
    if attribute == "jpeg":
        return distortions.jpeg_blocking(pixels, JPEG_QUALITY[level], box)
    if attribute == "resolution":
        return distortions.downscale(pixels, max(2, round(DOWNSCALE_FACTOR[level] * scale)), box)
    if attribute == "exposure":
        return distortions.change_exposure(pixels, EXPOSURE_STOPS[level], box)
    if attribute == "colour_cast":
        return distortions.colour_cast(pixels, level, box)
    raise ValueError(f"unknown technical attribute {attribute!r}; expected one of {sorted(NOUNS)}")


def _be(region: str) -> str:
    return "are" if region == "eyes" else "is"


def _phrase(attribute: str, level: str, *, plural: bool = False) -> str:
    """Verb phrase describing the distortion, for references ("is heavily blurred")."""
    phrase = _singular_phrase(attribute, level)
    if not plural:
        return phrase
    verb, rest = phrase.split(" ", 1)
    return {"is": "are", "shows": "show", "has": "have"}[verb] + " " + rest


def _singular_phrase(attribute: str, level: str) -> str:
    adverb = {"slight": "slightly", "moderate": "moderately", "severe": "heavily"}.get(level, "")
    adjective = {"slight": "faint", "moderate": "clearly visible", "severe": "strong"}.get(level, "")
    return {
        "blur": f"is {adverb} blurred, losing fine detail",
        "noise": f"shows {adjective} grain-like noise",
        "jpeg": f"shows {adjective} JPEG blocking artefacts",
        "resolution": f"is {adverb} pixelated, as if enlarged from a low resolution",
        "exposure": "is overexposed, with washed-out highlights"
        if level == "over"
        else "is underexposed and too dark",
        "colour_cast": f"has a {level} colour cast" if level != "green" else "has a green colour cast",
    }[attribute]


def _problem(attribute: str, level: str) -> str:
    return PROBLEM_LABELS[level] if attribute == "exposure" else PROBLEM_LABELS[attribute]


def _problems_question(present: list[tuple[str, str]], rng: np.random.Generator) -> Question:
    correct = [_problem(a, lv) for a, lv in present]
    excluded = {k for a, _ in present for k in LOOKALIKES.get(a, set())} | {a for a, _ in present}
    if any(a == "exposure" for a, _ in present):
        excluded |= {"over", "under"}
    pool = [label for key, label in PROBLEM_LABELS.items() if key not in excluded and label not in correct]
    distractors = [pool[i] for i in rng.choice(len(pool), size=4 - min(len(correct), 3), replace=False)]
    options = [*correct, *distractors, NONE_OF_THESE]
    return multiple_choice(
        "Which of these technical problems are visible in the image? Select all that apply.",
        options,
        correct or [NONE_OF_THESE],
        dimension="technical",
        attribute=present[0][0] if present else "overall",
        rng=rng,
    )


def _level_question(attribute: str, level: str, rng: np.random.Generator, region: str = "") -> Question:
    where = f"on the {region}" if region else "in this image"
    if attribute == "exposure":
        labels = {"none": "Correctly exposed", "over": "Overexposed", "under": "Underexposed"}
        subject = f"{_be(region)} the {region}" if region else "is this image"
        return single_choice(
            f"How {subject} exposed?",
            list(labels.values()),
            labels[level],
            dimension="technical",
            attribute=attribute,
            rng=rng,
            region=region,
        )
    if attribute == "colour_cast":
        labels = {"none": "No colour cast", **CAST_LABELS}
        return single_choice(
            f"What colour cast does {'the ' + region if region else 'this image'} have?",
            list(labels.values()),
            labels[level],
            dimension="technical",
            attribute=attribute,
            rng=rng,
            region=region,
        )
    answer = "None" if level == "none" else level.capitalize()
    return single_choice(
        f"How severe is the {NOUNS[attribute]} {where}?",
        SEVERITY_OPTIONS,
        answer,
        dimension="technical",
        attribute=attribute,
        rng=rng,
        region=region,
    )


def technical_image(
    portrait: Portrait,
    attribute: str,
    level: str,
    scope: str,
    rng: np.random.Generator,
    *,
    secondary: tuple[str, str] | None = None,
) -> GeneratedImage:
    """Distort ``portrait`` with ``attribute`` at ``level`` over ``scope`` ("global" or a region).

    ``secondary`` = (attribute, level) adds a second, global distortion (global scope only).
    """
    if scope != "global" and secondary is not None:
        raise ValueError(f"a secondary distortion needs scope 'global', got scope {scope!r}")
    box = None if scope == "global" else portrait.regions[scope]
    pixels = apply_distortion(portrait.pixels, attribute, level, rng, box)
    present = [(attribute, level)]
    if secondary is not None:
        pixels = apply_distortion(pixels, *secondary, rng)
        present.append(secondary)
    image = GeneratedImage(pixels, "synthetic_distortion")
    if scope == "global":
        image.questions.extend(_global_questions(attribute, level, present, secondary, rng))
    else:
        image.questions.extend(_regional_questions(attribute, level, scope, rng))
    return image


def _global_questions(
    attribute: str,
    level: str,
    present: list[tuple[str, str]],
    secondary: tuple[str, str] | None,
    rng: np.random.Generator,
) -> list[Question]:
    """Questions about a distortion over the whole image (drawing from ``rng`` in a fixed order)."""
    questions = [_level_question(attribute, level, rng)]
    if rng.random() < 0.5:
        statement, truth = f"This image shows {PRESENT_PHRASES[attribute]}.", True
    else:
        statement, truth = f"This image is free of {ABSENT_PHRASES[attribute]}.", False
    questions.append(true_false(statement, truth, dimension="technical", attribute=attribute))
    questions.append(_problems_question(present, rng))
    extra = f" It also {_phrase(*secondary)}." if secondary else ""
    questions.append(
        open_ended(
            "Describe the main technical quality problems of this image.",
            f"The whole image {_phrase(attribute, level)}.{extra}",
            dimension="technical",
            attribute=attribute,
        )
    )
    return questions


def _regional_questions(attribute: str, level: str, scope: str, rng: np.random.Generator) -> list[Question]:
    """Questions about a distortion confined to the region ``scope`` (``rng`` drawn in a fixed order)."""
    noun = NOUNS[attribute]
    other = "background" if scope in ("face", "eyes") else "face"
    questions = [_level_question(attribute, level, rng, region=scope)]
    questions.append(_level_question(attribute, "none", rng, region=other))
    where = {f"Only the {scope}", f"Only the {other}", "The whole image", "No part of the image"}
    questions.append(
        single_choice(
            f"Which part of the portrait is affected by {noun}?",
            sorted(where),
            f"Only the {scope}",
            dimension="technical",
            attribute=attribute,
            rng=rng,
            region=scope,
        )
    )
    named = scope if rng.random() < 0.5 else other
    questions.append(
        true_false(
            f"The {named} {_be(named)} affected by {noun}.",
            named == scope,
            dimension="technical",
            attribute=attribute,
            region=named,
        )
    )
    if scope != "eyes":
        regions = ["Face", "Eyes"] if scope == "face" else ["Background"]
        questions.append(
            multiple_choice(
                f"Which regions show {noun}? Select all that apply.",
                ["Face", "Eyes", "Background"],
                regions,
                dimension="technical",
                attribute=attribute,
                rng=rng,
                region=scope,
            )
        )
    questions.append(
        open_ended(
            f"Compare the technical quality of the {scope} with the rest of the image.",
            f"The {scope} {_phrase(attribute, level, plural=scope == 'eyes')}, while the rest of the image "
            "is unaffected.",
            dimension="technical",
            attribute=attribute,
            region=scope,
        )
    )
    return questions


def clean_image(portrait: Portrait, rng: np.random.Generator) -> GeneratedImage:
    """An undistorted photo (image_source natural) with technical questions whose answer is "none"."""
    image = GeneratedImage(portrait.pixels.copy(), "natural")
    attribute = GRADED_ATTRIBUTES[int(rng.integers(len(GRADED_ATTRIBUTES)))]
    image.questions.append(_level_question(attribute, "none", rng))
    image.questions.append(_level_question("blur", "none", rng, region="face"))
    other = GRADED_ATTRIBUTES[int(rng.integers(len(GRADED_ATTRIBUTES)))]
    image.questions.append(
        true_false(
            f"This image is free of {ABSENT_PHRASES[other]}.", True, dimension="technical", attribute=other
        )
    )
    image.questions.append(_problems_question([], rng))
    image.questions.append(
        open_ended(
            "Describe the main technical quality problems of this image.",
            "There are none: the image is sharp, clean and well exposed, with no visible distortion.",
            dimension="technical",
            attribute="overall",
        )
    )
    return image
