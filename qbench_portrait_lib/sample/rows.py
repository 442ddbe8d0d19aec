"""The embedded sample: a deterministic, offline set of portrait questions with known answers.

Every image is made by a *recipe* (a family name plus its parameters) from the public-domain
photos scikit-image ships or from the procedural CG renderer; every answer follows from the
recipe. :data:`SAMPLE_PLAN` fixes the recipes, so the label coverage is the same for every
seed; the seed drives noise, option order and which true/false statements are asked.

>>> rows = iter_sample_rows(seed=0)
>>> row = next(rows)
>>> row["id"], row["image"]["path"], row["image"]["bytes"][:4]
('sample-000-q0', 'sample-000.png', b'\\x89PNG')
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

import numpy as np
from PIL import Image

from qbench_portrait_lib.sample.aesthetic import (
    artistic_image,
    cg_image,
    composition_image,
    side_light_image,
    tilt_image,
)
from qbench_portrait_lib.sample.aigc import aigc_image
from qbench_portrait_lib.sample.portraits import SAMPLE_SOURCES, Portrait, load_photo
from qbench_portrait_lib.sample.questions import GeneratedImage, Question
from qbench_portrait_lib.sample.technical import clean_image, technical_image

logger = logging.getLogger(__name__)

__all__ = ["SAMPLE_IMAGE_SIZE", "SAMPLE_PLAN", "SAMPLE_SOURCES", "generate_image", "iter_sample_rows"]

#: Side of every sample image in pixels.
SAMPLE_IMAGE_SIZE = 320

#: (family, parameters). Photo bases are "astronaut", "camera", or those names + "_mirrored".
Recipe = tuple[str, Mapping[str, Any]]

_BASES = ("astronaut", "camera", "astronaut_mirrored", "camera_mirrored")


def _base(i: int) -> str:
    return _BASES[i % len(_BASES)]


def _plan() -> list[Recipe]:
    """Every recipe of the sample, in image order."""
    return [
        *_photo_recipes(),
        *_technical_recipes(),
        *_aigc_recipes(),
        *_artistic_recipes(),
        *_cg_recipes(),
    ]


def _photo_recipes() -> list[Recipe]:
    """Clean photos, framings, tilts and side light."""
    plan: list[Recipe] = [("clean", {"base": base}) for base in _BASES]
    for photo, framing, mirrored in [
        ("astronaut", "centred", False),
        ("astronaut", "left", False),
        ("astronaut", "left", True),  # the photo's edge stops a right framing short
        ("astronaut", "head_cut", False),
        ("camera", "centred", False),
        ("camera", "left", False),
        ("camera", "right", False),
        ("camera", "head_cut", True),
    ]:
        plan.append(("composition", {"photo": photo, "framing": framing, "mirrored": mirrored}))
    for i, (photo, amount) in enumerate(
        [("astronaut", "slight"), ("camera", "strong"), ("astronaut", "strong"), ("camera", "slight")]
    ):
        plan.append(("tilt", {"photo": photo, "amount": amount}))
        plan.append(("side_light", {"base": _base(i), "direction": ("left", "right")[i % 2]}))
    return plan


def _technical_recipes() -> list[Recipe]:
    """Graded, exposure, colour-cast, double and regional distortions (bases taken in turn)."""
    plan: list[Recipe] = []
    i = 0
    for attribute in ("blur", "noise", "jpeg", "resolution"):
        for severity in ("slight", "moderate", "severe"):
            plan.append(("technical", {"base": _base(i), "attribute": attribute, "level": severity}))
            i += 1
    for level in ("over", "under"):
        for base in ("astronaut", "camera"):
            plan.append(("technical", {"base": base, "attribute": "exposure", "level": level}))
    for cast in ("warm", "cool", "green"):
        plan.append(("technical", {"base": _base(i), "attribute": "colour_cast", "level": cast}))
        i += 1
    for attribute, level, secondary in [
        ("blur", "severe", ("noise", "moderate")),
        ("resolution", "moderate", ("colour_cast", "warm")),
        ("jpeg", "moderate", ("colour_cast", "cool")),
        ("exposure", "under", ("noise", "moderate")),
    ]:
        plan.append(
            ("technical", {"base": _base(i), "attribute": attribute, "level": level, "secondary": secondary})
        )
        i += 1
    for attribute in ("blur", "noise", "jpeg", "resolution", "exposure"):
        for scope in ("face", "eyes", "background"):
            level = ("over", "under")[i % 2] if attribute == "exposure" else ("moderate", "severe")[i % 2]
            plan.append(
                ("technical", {"base": _base(i), "attribute": attribute, "level": level, "scope": scope})
            )
            i += 1
    return plan


def _aigc_recipes() -> list[Recipe]:
    aigc_sets = [
        [("warping", "eyes", "slight")],
        [("warping", "eyes", "strong")],
        [("warping", "mouth", "strong")],
        [("warping", "background", "strong")],
        [("duplication", "", "")],
        [("skin_texture", "", "")],
        [("skin_texture", "", ""), ("warping", "mouth", "slight")],
        [("duplication", "", ""), ("skin_texture", "", "")],
        [("warping", "mouth", "slight")],
        [("duplication", "", "")],
        [("skin_texture", "", "")],
        [("warping", "background", "slight"), ("duplication", "", "")],
    ]
    return [("aigc", {"base": _base(j), "artefacts": artefacts}) for j, artefacts in enumerate(aigc_sets)]


def _artistic_recipes() -> list[Recipe]:
    pairs = [
        (style, scope) for style in ("posterize", "ink", "painterly") for scope in ("global", "background")
    ]
    return [
        ("artistic", {"base": _base(j), "style": style, "scope": scope})
        for j, (style, scope) in enumerate(pairs)
    ]


def _cg_recipes() -> list[Recipe]:
    plan: list[Recipe] = []
    for light, head_x, eye_count, ratio, antialias, noise in [
        ("front", 0.5, 2, 1.0, True, "none"),
        ("left", 0.5, 3, 1.0, True, "none"),
        ("right", 0.3, 2, 1.6, False, "none"),
        ("left", 0.7, 1, 1.0, True, "moderate"),
        ("right", 0.5, 2, 1.0, False, "severe"),
        ("front", 0.3, 2, 1.6, True, "slight"),
        ("left", 0.5, 2, 1.0, False, "none"),
        ("front", 0.7, 3, 1.0, True, "moderate"),
    ]:
        plan.append(
            (
                "cg",
                {
                    "light": light,
                    "head_x": head_x,
                    "eye_count": eye_count,
                    "eye_size_ratio": ratio,
                    "antialias": antialias,
                    "noise": noise,
                },
            )
        )
    return plan


#: The recipes of the sample, in image order.
SAMPLE_PLAN: list[Recipe] = _plan()


@lru_cache(maxsize=16)
def _photo(base: str, size: int) -> Portrait:
    name, _, mirrored = base.partition("_")
    return load_photo(name, size, mirrored=bool(mirrored))


def generate_image(recipe: Recipe, size: int, rng: np.random.Generator) -> GeneratedImage:
    """Make the image of ``recipe`` at ``size`` pixels and its questions.

    >>> image = generate_image(("cg", {"light": "left"}), 48, np.random.default_rng(0))
    >>> image.pixels.shape, image.image_source
    ((48, 48, 3), 'computer_graphics')
    """
    family, params = recipe
    if family == "clean":
        return clean_image(_photo(params["base"], size), rng)
    if family == "technical":
        return technical_image(
            _photo(params["base"], size),
            params["attribute"],
            params["level"],
            params.get("scope", "global"),
            rng,
            secondary=params.get("secondary"),
        )
    if family == "aigc":
        return aigc_image(_photo(params["base"], size), params["artefacts"], rng)
    if family == "composition":
        return composition_image(
            params["photo"], size, params["framing"], rng, mirrored=params.get("mirrored", False)
        )
    if family == "tilt":
        return tilt_image(params["photo"], size, params["amount"], rng)
    if family == "side_light":
        return side_light_image(_photo(params["base"], size), params["direction"], rng)
    if family == "artistic":
        return artistic_image(_photo(params["base"], size), params["style"], params["scope"], rng)
    if family == "cg":
        return cg_image(size, rng, **params)
    raise ValueError(
        f"unknown recipe family {family!r}; expected one of "
        "clean, technical, aigc, composition, tilt, side_light, artistic, cg"
    )


def encode_png(pixels: np.ndarray) -> bytes:
    """PNG bytes with fixed settings and no metadata (byte-identical for identical pixels)."""
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()


def question_row(question: Question, question_id: str, image_id: str, image: Any, image_source: str) -> dict:
    """A contract row (labels as names) for ``question``; ``image`` is stored as given."""
    return {
        "id": question_id,
        "image_id": image_id,
        "image": image,
        "question": question.question,
        "question_type": question.question_type,
        "options": list(question.options),
        "answer": list(question.answer),
        "quality_dimension": question.quality_dimension,
        "image_source": image_source,
        "level": question.level,
        "attribute": question.attribute,
        "region": question.region,
    }


def iter_sample_rows(seed: int = 0) -> Iterator[dict[str, Any]]:
    """Yield the sample's rows (data contract, labels as names, PNG bytes); same seed, same bytes."""
    logger.info("generating the embedded sample (%d images, seed %d)", len(SAMPLE_PLAN), seed)
    for index, recipe in enumerate(SAMPLE_PLAN):
        rng = np.random.default_rng([seed, index])
        image = generate_image(recipe, SAMPLE_IMAGE_SIZE, rng)
        image_id = f"sample-{index:03d}"
        stored = {"bytes": encode_png(image.pixels), "path": f"{image_id}.png"}
        for number, question in enumerate(image.questions):
            yield question_row(question, f"{image_id}-q{number}", image_id, stored, image.image_source)
