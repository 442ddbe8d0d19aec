"""Aesthetic cases (framing, tilt, side light), artistic stylisations and CG renders.

>>> import numpy as np
>>> image = cg_image(64, np.random.default_rng(0), light="left", eye_count=3)
>>> image.image_source, sorted({q.quality_dimension for q in image.questions})
('computer_graphics', ['aesthetic', 'aigc', 'technical'])
"""

from __future__ import annotations

import numpy as np

from qbench_portrait_lib.sample import distortions
from qbench_portrait_lib.sample.portraits import Framing, Portrait, framed_photo, render_cg_portrait
from qbench_portrait_lib.sample.questions import (
    SEVERITY_OPTIONS,
    GeneratedImage,
    Question,
    multiple_choice,
    open_ended,
    single_choice,
    true_false,
)
from qbench_portrait_lib.sample.technical import NOISE_SIGMA

FRAMING_LABELS = {
    "centred": "Centred",
    "left": "Off-centre, towards the left",
    "right": "Off-centre, towards the right",
    "head_cut": "Centred, but the top of the head is cut off",
}
FRAMING_REFERENCES = {
    "centred": "The subject is centred with some room above the head: a balanced, conventional framing.",
    "left": "The subject is pushed towards the left edge, leaving a large empty area on the right.",
    "right": "The subject is pushed towards the right edge, leaving a large empty area on the left.",
    "head_cut": "The subject is centred but the frame cuts through the top of the head, which feels cramped.",
}
PROBLEMS = {
    "tilt": "Tilted frame",
    "head_cut": "Head cut off at the top",
    "off_centre": "Subject pushed to one side",
    "side_light": "Harsh side lighting",
}
NONE_OF_THESE = "None of these"
TILT_DEGREES = {"slight": 6.0, "strong": 18.0}
STYLES = {
    "posterize": "Posterised flat colours",
    "ink": "Black ink line drawing",
    "painterly": "Painterly brush daubs",
}
PHOTOGRAPH = "Unstylised photograph"


def _problems(present: list[str], rng: np.random.Generator, *, with_lighting: bool = False) -> object:
    keys = [key for key in PROBLEMS if with_lighting or key != "side_light"]
    return multiple_choice(
        "Which composition or lighting problems does this portrait have? Select all that apply.",
        [PROBLEMS[key] for key in keys] + [NONE_OF_THESE],
        [PROBLEMS[key] for key in present] or [NONE_OF_THESE],
        dimension="aesthetic",
        attribute="composition",
        rng=rng,
    )


def composition_image(
    photo: str, size: int, framing: Framing, rng: np.random.Generator, *, mirrored: bool = False
) -> GeneratedImage:
    """A natural crop of ``photo`` with the head centred, to one side, or cut at the top."""
    pixels, head_fraction = framed_photo(photo, size, framing)
    if mirrored:
        pixels = np.ascontiguousarray(pixels[:, ::-1])
        head_fraction = 1.0 - head_fraction
    if framing != "head_cut":  # label what the crop achieved, not what it aimed at
        achieved = "left" if head_fraction < 0.38 else "right" if head_fraction > 0.62 else "centred"
        if achieved == "centred" and abs(head_fraction - 0.5) > 0.05:
            raise ValueError(
                f"framing {framing!r} of {photo!r} puts the head at {head_fraction:.2f} of the width: "
                "neither centred (0.45-0.55) nor clearly off-centre (<0.38 or >0.62)"
            )
        framing = achieved
    image = GeneratedImage(pixels, "natural")
    add = image.questions.append
    common = {"dimension": "aesthetic", "attribute": "composition"}
    add(
        single_choice(
            "How is the subject placed in the frame?",
            list(FRAMING_LABELS.values()),
            FRAMING_LABELS[framing],
            rng=rng,
            **common,
        )
    )
    if rng.random() < 0.5:
        add(true_false("The frame cuts off the top of the subject's head.", framing == "head_cut", **common))
    else:
        add(
            true_false(
                "The subject's head is horizontally centred in the frame.",
                framing in ("centred", "head_cut"),
                **common,
            )
        )
    present = {"left": ["off_centre"], "right": ["off_centre"], "head_cut": ["head_cut"]}.get(framing, [])
    add(_problems(present, rng))
    side = {"left": "Left", "right": "Right"}.get(framing, "Centre")
    add(
        single_choice(
            "On which side of the frame is the face?",
            ["Left", "Centre", "Right"],
            side,
            rng=rng,
            region="face",
            **common,
        )
    )
    add(open_ended("Comment on the composition of this portrait.", FRAMING_REFERENCES[framing], **common))
    return image


def tilt_image(photo: str, size: int, amount: str, rng: np.random.Generator) -> GeneratedImage:
    """A centred crop rotated by a known angle (``amount`` "slight" or "strong")."""
    pixels = distortions.tilt(framed_photo(photo, size, "centred")[0], TILT_DEGREES[amount])
    image = GeneratedImage(pixels, "natural")
    add = image.questions.append
    common = {"dimension": "aesthetic", "attribute": "tilt"}
    labels = {"none": "Level", "slight": "Slightly tilted", "strong": "Strongly tilted"}
    add(
        single_choice(
            "Is the frame level or tilted?", list(labels.values()), labels[amount], rng=rng, **common
        )
    )
    add(true_false("The frame is level, with vertical lines upright.", False, **common))
    add(_problems(["tilt"], rng))
    degrees = round(TILT_DEGREES[amount])
    add(
        single_choice(
            "How is the head oriented?",
            ["Upright", "Leaning to one side"],
            "Leaning to one side",
            rng=rng,
            region="face",
            **common,
        )
    )
    add(
        open_ended(
            "Comment on the composition of this portrait.",
            f"The frame is {labels[amount].lower()} by about {degrees} degrees, so the subject and the "
            "background lean to one side.",
            **common,
        )
    )
    return image


def side_light_image(portrait: Portrait, direction: str, rng: np.random.Generator) -> GeneratedImage:
    """Harsh side light from ``direction`` ("left" or "right") applied to a clean photo."""
    x0, _, x1, _ = portrait.regions["face"]
    image = GeneratedImage(
        distortions.side_light(portrait.pixels, direction, (x0, x1)), "synthetic_distortion"
    )
    add = image.questions.append
    common = {"dimension": "aesthetic", "attribute": "lighting"}
    labels = {
        "even": "Evenly",
        "left": "Harshly, from the left of the image",
        "right": "Harshly, from the right of the image",
    }
    add(
        single_choice(
            "How is the face lit?", list(labels.values()), labels[direction], rng=rng, region="face", **common
        )
    )
    dark = "right" if direction == "left" else "left"
    add(true_false(f"The {dark} side of the image is much darker than the {direction} side.", True, **common))
    add(_problems(["side_light"], rng, with_lighting=True))
    add(
        open_ended(
            "Describe the lighting of this portrait.",
            f"Harsh light comes from the {direction}: the {direction} side is bright while the {dark} "
            "side falls into deep shadow, an unflattering, uneven look.",
            **common,
        )
    )
    return image


def artistic_image(portrait: Portrait, style: str, scope: str, rng: np.random.Generator) -> GeneratedImage:
    """Stylise the whole portrait or only its background (``scope`` "global"/"background")."""
    if style not in STYLES:
        raise ValueError(f"style must be one of {sorted(STYLES)}, got {style!r}")
    if scope not in ("global", "background"):
        raise ValueError(f"scope must be 'global' or 'background', got {scope!r}")
    stylise = {
        "posterize": distortions.posterize,
        "ink": distortions.ink_drawing,
        "painterly": distortions.painterly,
    }
    pixels = stylise[style](portrait.pixels).copy()
    if scope == "background":  # everything but the face is stylised
        x0, y0, x1, y1 = portrait.regions["face"]
        pixels[y0:y1, x0:x1] = portrait.pixels[y0:y1, x0:x1]
    image = GeneratedImage(pixels, "artistic")
    add = image.questions.append
    common = {"dimension": "aesthetic", "attribute": "style"}
    add(
        single_choice(
            "Which artistic style appears in this image?",
            [*STYLES.values(), PHOTOGRAPH],
            STYLES[style],
            rng=rng,
            **common,
        )
    )
    photographic_face = scope == "background"
    add(true_false("The face keeps its photographic detail.", photographic_face, region="face", **common))
    face_label = "A face with photographic detail"
    add(
        multiple_choice(
            "Which of these describe the image? Select all that apply.",
            [*STYLES.values(), face_label],
            [STYLES[style]] + ([face_label] if photographic_face else []),
            rng=rng,
            **common,
        )
    )
    where = "everything but the face is" if photographic_face else "the whole portrait is"
    add(
        open_ended(
            "Describe the artistic style of this image.",
            f"{where.capitalize()} rendered as {STYLES[style].lower()}"
            + ("; the face stays photographic." if photographic_face else "."),
            **common,
        )
    )
    return image


def cg_image(
    size: int,
    rng: np.random.Generator,
    *,
    light: str = "front",
    head_x: float = 0.5,
    eye_count: int = 2,
    eye_size_ratio: float = 1.0,
    antialias: bool = True,
    noise: str = "none",
    hair_rgb: tuple[int, int, int] = (70, 45, 30),
    skin_rgb: tuple[int, int, int] = (225, 180, 150),
) -> GeneratedImage:
    """A procedural CG head with known lighting, framing, anatomy errors, aliasing and render noise."""
    portrait = render_cg_portrait(
        size,
        light=light,  # type: ignore[arg-type]
        head_x=head_x,
        eye_count=eye_count,
        eye_size_ratio=eye_size_ratio,
        antialias=antialias,
        hair_rgb=hair_rgb,
        skin_rgb=skin_rgb,
    )
    pixels = (
        portrait.pixels
        if noise == "none"
        else distortions.add_noise(portrait.pixels, NOISE_SIGMA[noise], rng)
    )
    image = GeneratedImage(pixels, "computer_graphics")
    image.questions.extend(_cg_framing_questions(light, head_x, antialias, noise, rng))
    image.questions.extend(_cg_anatomy_questions(eye_count, eye_size_ratio, rng))
    image.questions.append(_cg_lighting_description(light, head_x))
    return image


_LIGHTS = {"left": "From the left", "right": "From the right", "front": "From the front"}
_EYE_COUNTS = {1: "One", 2: "Two", 3: "Three"}
_EYE_ERRORS = {"extra": "An extra eye", "mismatch": "Eyes of different sizes", "single": "Only a single eye"}
_EYE_ERROR_TEXTS = {
    "extra": "a third eye sits on the forehead",
    "single": "the face has only a single, central eye",
    "mismatch": "the right eye is clearly larger than the left",
}


def _head_place(head_x: float) -> str:
    if abs(head_x - 0.5) < 0.05:
        return "Centred"
    return "Towards the left" if head_x < 0.5 else "Towards the right"


def _cg_framing_questions(
    light: str, head_x: float, antialias: bool, noise: str, rng: np.random.Generator
) -> list[Question]:
    """Lighting, framing, aliasing and render-noise questions of a CG head (``rng`` drawn in order)."""
    return [
        single_choice(
            "From which side does the light fall on the face?",
            list(_LIGHTS.values()),
            _LIGHTS[light],
            dimension="aesthetic",
            attribute="lighting",
            rng=rng,
            region="face",
        ),
        single_choice(
            "Where is the head placed in the frame?",
            ["Centred", "Towards the left", "Towards the right"],
            _head_place(head_x),
            dimension="aesthetic",
            attribute="composition",
            rng=rng,
        ),
        true_false(
            "The outlines of the shapes are smooth, without jagged staircase edges.",
            antialias,
            dimension="technical",
            attribute="aliasing",
        ),
        single_choice(
            "How severe is the noise in this render?",
            SEVERITY_OPTIONS,
            "None" if noise == "none" else noise.capitalize(),
            dimension="technical",
            attribute="noise",
            rng=rng,
        ),
    ]


def _cg_anatomy_questions(eye_count: int, eye_size_ratio: float, rng: np.random.Generator) -> list[Question]:
    """Anatomy questions of a CG head with known eye errors (``rng`` drawn in order)."""
    questions = [
        single_choice(
            "How many eyes does the face have?",
            list(_EYE_COUNTS.values()),
            _EYE_COUNTS[eye_count],
            dimension="aigc",
            attribute="anatomy",
            rng=rng,
            region="eyes",
        )
    ]
    flags = (("extra", eye_count == 3), ("single", eye_count == 1), ("mismatch", eye_size_ratio != 1.0))
    present = [key for key, flag in flags if flag]
    if eye_count == 2:
        questions.append(
            true_false(
                "Both eyes are the same size.",
                eye_size_ratio == 1.0,
                dimension="aigc",
                attribute="anatomy",
                region="eyes",
            )
        )
    questions.append(
        multiple_choice(
            "Which anatomical errors does this rendered face show? Select all that apply.",
            [*_EYE_ERRORS.values(), NONE_OF_THESE],
            [_EYE_ERRORS[key] for key in present] or [NONE_OF_THESE],
            dimension="aigc",
            attribute="anatomy",
            rng=rng,
        )
    )
    described = "; ".join(_EYE_ERROR_TEXTS[key] for key in present)
    questions.append(
        open_ended(
            "Describe any anatomical errors in this rendered face.",
            (described[0].upper() + described[1:] + ".")
            if described
            else "There are none: the face has two matching eyes and a mouth in plausible places.",
            dimension="aigc",
            attribute="anatomy",
        )
    )
    return questions


def _cg_lighting_description(light: str, head_x: float) -> Question:
    lit = (
        "evenly from the front" if light == "front" else f"from the {light}, leaving the other side in shadow"
    )
    return open_ended(
        "Describe the lighting and framing of this render.",
        f"The head is {_head_place(head_x).lower()} in the frame and lit {lit}.",
        dimension="aesthetic",
        attribute="lighting",
    )
