"""AIGC-style artefacts simulated on real photos: warping, a duplicated eye, waxy skin.

>>> import numpy as np
>>> from qbench_portrait_lib.sample.portraits import render_cg_portrait
>>> image = aigc_image(render_cg_portrait(64), [("warping", "mouth", "strong")], np.random.default_rng(0))
>>> image.image_source, image.questions[0].quality_dimension
('ai_generated', 'aigc')
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qbench_portrait_lib.sample import distortions
from qbench_portrait_lib.sample.portraits import Box, Portrait
from qbench_portrait_lib.sample.questions import (
    GeneratedImage,
    Question,
    multiple_choice,
    open_ended,
    single_choice,
    true_false,
)

ARTEFACT_KINDS: tuple[str, ...] = ("warping", "duplication", "skin_texture")
WARP_REGIONS: tuple[str, ...] = ("eyes", "mouth", "background")
SWIRL_STRENGTH = {"slight": 1.5, "strong": 5.0}  # radians at the centre of the warped square

LABELS = {
    "warping": "Warped, twisted geometry",
    "duplication": "A duplicated facial feature",
    "skin_texture": "Waxy, over-smoothed skin",
}
NO_ARTEFACT = "No visible artefact"
NONE_OF_THESE = "None of these"

#: (kind, region, strength): region/strength only matter for warping.
Artefact = tuple[str, str, str]


def square_around(box: Box, size: int) -> Box:
    """The square a swirl is applied in: centred on ``box``, side = its shorter edge (>= size/8).

    >>> square_around((100, 0, 140, 200), 320)
    (100, 80, 140, 120)
    """
    x0, y0, x1, y1 = box
    side = max(min(x1 - x0, y1 - y0), size // 8)
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    left, top = min(max(cx - side // 2, 0), size - side), min(max(cy - side // 2, 0), size - side)
    return (left, top, left + side, top + side)


def _duplicate_eye(portrait: Portrait, pixels: np.ndarray) -> np.ndarray:
    """Copy one eye onto the forehead, centred above the eyes (CG heads: the left half of the eyes box)."""
    x0, y0, x1, y1 = portrait.regions["eyes"]
    source = portrait.regions.get("eye", (x0, y0, (x0 + x1) // 2, y1))
    width = source[2] - source[0]
    target = ((x0 + x1) // 2 - width // 2, max(0, y0 - round(1.2 * (y1 - y0))))
    return distortions.copy_patch(pixels, source, target)


def _describe(artefact: Artefact) -> str:
    kind, region, strength = artefact
    if kind == "warping":
        amount = "strongly" if strength == "strong" else "slightly"
        return f"the {region} {'are' if region == 'eyes' else 'is'} {amount} twisted, as if swirled"
    if kind == "duplication":
        return "an extra eye is pasted on the forehead"
    return "the facial skin is smeared into a waxy, plastic texture while the eyes stay sharp"


def aigc_image(portrait: Portrait, artefacts: Sequence[Artefact], rng: np.random.Generator) -> GeneratedImage:
    """Apply ``artefacts`` (at most one per kind) to ``portrait`` and ask about them."""
    kinds = [kind for kind, _, _ in artefacts]
    if not artefacts or len(set(kinds)) != len(kinds) or not set(kinds) <= set(ARTEFACT_KINDS):
        raise ValueError(f"artefacts must be 1-3 distinct kinds among {ARTEFACT_KINDS}, got {kinds}")
    pixels = portrait.pixels
    for artefact in artefacts:
        pixels = _apply_artefact(portrait, pixels, artefact)
    warps = [(region, strength) for kind, region, strength in artefacts if kind == "warping"]
    image = GeneratedImage(pixels, "ai_generated")
    image.questions.extend(_which_artefact_questions(kinds, rng))
    if warps:
        image.questions.extend(_warping_questions(*warps[0], rng))
    image.questions.extend(_presence_questions(kinds))
    reference = "; ".join(_describe(artefact) for artefact in artefacts)
    image.questions.append(
        open_ended(
            "Describe any AI-generation artefacts in this portrait.",
            reference[0].upper() + reference[1:] + ".",
            attribute=kinds[0],
            dimension="aigc",
        )
    )
    return image


def _apply_artefact(portrait: Portrait, pixels: np.ndarray, artefact: Artefact) -> np.ndarray:
    kind, region, strength = artefact
    if kind == "warping":
        box = square_around(portrait.regions[region], portrait.size)
        return distortions.swirl_warp(pixels, box, SWIRL_STRENGTH[strength])
    if kind == "duplication":
        return _duplicate_eye(portrait, pixels)
    radius = max(2, round(3 * portrait.size / 320))
    return distortions.smear_texture(pixels, portrait.regions["face"], radius, portrait.regions["eyes"])


def _which_artefact_questions(kinds: list[str], rng: np.random.Generator) -> list[Question]:
    """Which artefact (single choice, when there is one) and which artefacts (multiple choice)."""
    questions = []
    if len(kinds) == 1:
        questions.append(
            single_choice(
                "Which AI-generation artefact is most visible in this portrait?",
                [*LABELS.values(), NO_ARTEFACT],
                LABELS[kinds[0]],
                attribute=kinds[0],
                rng=rng,
                dimension="aigc",
            )
        )
    questions.append(
        multiple_choice(
            "Which of these AI-generation artefacts are present? Select all that apply.",
            [*LABELS.values(), NONE_OF_THESE],
            [LABELS[k] for k in kinds],
            attribute=kinds[0],
            rng=rng,
            dimension="aigc",
        )
    )
    return questions


_WARP_PLACES = {"eyes": "The eyes", "mouth": "The mouth", "background": "The background", "hair": "The hair"}


def _warping_questions(region: str, strength: str, rng: np.random.Generator) -> list[Question]:
    """Where the geometry is warped and how strongly."""
    return [
        single_choice(
            "Where is the geometry of the portrait warped?",
            list(_WARP_PLACES.values()),
            _WARP_PLACES[region],
            attribute="warping",
            rng=rng,
            region=region,
            dimension="aigc",
        ),
        single_choice(
            f"How strong is the warping of the {region}?",
            ["None", "Slight", "Strong"],
            strength.capitalize(),
            attribute="warping",
            rng=rng,
            region=region,
            dimension="aigc",
        ),
    ]


def _presence_questions(kinds: list[str]) -> list[Question]:
    """True/false statements about a duplicated eye and the skin's texture."""
    return [
        true_false(
            "An extra eye appears on the forehead.",
            "duplication" in kinds,
            attribute="duplication",
            region="forehead",
            dimension="aigc",
        ),
        true_false(
            "The skin of the face has a natural texture.",
            "skin_texture" not in kinds,
            attribute="skin_texture",
            region="face",
            dimension="aigc",
        ),
    ]
