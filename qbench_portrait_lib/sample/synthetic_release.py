"""A full-size synthetic raw release (the paper's size) for testing the tooling at scale.

Images come from the sample's recipe families with randomly drawn parameters, drawn at
portrait resolution and saved as JPEG (quality 90 by default); every answer still follows
from the parameters. The layout is the raw-release format the builder reads::

    OUT/annotations.jsonl   one record per line (contract fields, ``image`` relative to images/)
    OUT/images/<image_id>.jpg

>>> import tempfile
>>> out = write_synthetic_release(tempfile.mkdtemp(), 6, 3, image_size=64, progress=False)
>>> sorted(p.name for p in out.iterdir()), len((out / "annotations.jsonl").read_text().splitlines())
(['annotations.jsonl', 'images'], 6)
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from tqdm.auto import tqdm

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.sample.aesthetic import STYLES, TILT_DEGREES
from qbench_portrait_lib.sample.aigc import ARTEFACT_KINDS, SWIRL_STRENGTH, WARP_REGIONS
from qbench_portrait_lib.sample.rows import Recipe, encode_png, generate_image, question_row
from qbench_portrait_lib.sample.technical import (
    CASTS,
    EXPOSURES,
    GRADED_ATTRIBUTES,
    LOCAL_SCOPES,
    SEVERITIES,
)

logger = logging.getLogger(__name__)

PAPER_QUESTIONS = 2765
PAPER_IMAGES = 1000
IMAGE_FORMATS = {"jpeg": ("JPEG", ".jpg"), "png": ("PNG", ".png")}

#: Families in the order images cycle through them (technical weighs most, as in the paper).
FAMILY_CYCLE: tuple[str, ...] = (
    "technical",
    "aigc",
    "composition",
    "technical",
    "artistic",
    "cg",
    "technical",
    "aigc",
    "tilt",
    "clean",
    "technical",
    "side_light",
)
_BASES = ("astronaut", "camera", "astronaut_mirrored", "camera_mirrored")


def _pick(rng: np.random.Generator, values: Any) -> Any:
    values = list(values)
    return values[int(rng.integers(len(values)))]


def random_recipe(family: str, rng: np.random.Generator) -> Recipe:
    """Draw the parameters of one image of ``family``.

    >>> random_recipe("tilt", np.random.default_rng(0))[0]
    'tilt'
    """
    base = _pick(rng, _BASES)
    if family == "clean":
        return family, {"base": base}
    if family == "technical":
        attribute = _pick(rng, [*GRADED_ATTRIBUTES, "exposure", "colour_cast"])
        level = {"exposure": EXPOSURES, "colour_cast": CASTS}.get(attribute, SEVERITIES)
        params: dict[str, Any] = {"base": base, "attribute": attribute, "level": _pick(rng, level)}
        if attribute != "colour_cast" and rng.random() < 0.5:
            params["scope"] = _pick(rng, LOCAL_SCOPES)
        elif rng.random() < 0.25:
            secondaries = [("colour_cast", _pick(rng, CASTS))] if attribute != "colour_cast" else []
            if attribute in ("blur", "resolution", "exposure"):
                secondaries.append(("noise", "moderate"))
            if secondaries:
                params["secondary"] = _pick(rng, secondaries)
        return family, params
    if family == "aigc":
        kinds = [str(k) for k in rng.permutation(ARTEFACT_KINDS)[: 1 + int(rng.random() < 0.3)]]
        artefacts = [
            (kind, _pick(rng, WARP_REGIONS), _pick(rng, SWIRL_STRENGTH))
            if kind == "warping"
            else (kind, "", "")
            for kind in kinds
        ]
        return family, {"base": base, "artefacts": artefacts}
    if family == "composition":
        framing = _pick(rng, ["centred", "left", "right", "head_cut"])
        return family, {
            "photo": _pick(rng, ["astronaut", "camera"]),
            "framing": framing,
            "mirrored": rng.random() < 0.5,
        }
    if family == "tilt":
        return family, {"photo": _pick(rng, ["astronaut", "camera"]), "amount": _pick(rng, TILT_DEGREES)}
    if family == "side_light":
        return family, {"base": base, "direction": _pick(rng, ["left", "right"])}
    if family == "artistic":
        return family, {
            "base": base,
            "style": _pick(rng, STYLES),
            "scope": _pick(rng, ["global", "background"]),
        }
    if family == "cg":
        return family, {
            "light": _pick(rng, ["left", "right", "front"]),
            "head_x": _pick(rng, [0.3, 0.5, 0.7]),
            "eye_count": _pick(rng, [1, 2, 2, 2, 3]),
            "eye_size_ratio": _pick(rng, [1.0, 1.0, 1.6]),
            "antialias": bool(rng.random() < 0.6),
            "noise": _pick(rng, ["none", *SEVERITIES]),
            "hair_rgb": tuple(int(v) for v in rng.integers(20, 120, size=3)),
            "skin_rgb": tuple(int(v) for v in rng.integers(150, 240, size=3)),
        }
    raise ValueError(f"unknown family {family!r}; expected one of {sorted(set(FAMILY_CYCLE))}")


def _encode(pixels: np.ndarray, image_format: str, quality: int) -> bytes:
    if IMAGE_FORMATS[image_format][0] == "PNG":
        return encode_png(pixels)  # the sample's fixed PNG settings
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=quality, subsampling=0)
    return buffer.getvalue()


#: Most questions one generated image carries (the largest family pool).
MAX_QUESTIONS_PER_IMAGE = 9


def _round_robin(counts: list[int], total: int) -> list[int]:
    """How many questions each image keeps: one round at a time until ``total`` are taken.

    >>> _round_robin([3, 1, 2], 5)
    [2, 1, 2]
    """
    taken = [0] * len(counts)
    remaining = total
    while remaining:
        for index, count in enumerate(counts):
            if remaining and taken[index] < count:
                taken[index] += 1
                remaining -= 1
    return taken


def write_synthetic_release(
    out_dir: str | os.PathLike[str],
    n_questions: int = PAPER_QUESTIONS,
    n_images: int = PAPER_IMAGES,
    seed: int = 0,
    *,
    image_format: str = "jpeg",
    image_size: int = 1024,
    jpeg_quality: int = 90,
    progress: bool = True,
) -> Path:
    """Write a raw release of ``n_questions`` over ``n_images`` generated images to ``out_dir``.

    Deterministic for a given seed. Each image keeps between one and all of its questions
    (4-9, depending on the family), spread as evenly as the pools allow.

    ``out_dir`` must be new or empty. Everything is written into a hidden folder next to it
    and renamed into place at the end, so a run that fails (too many questions for the
    images, a full disk) leaves no images without annotations behind.
    """
    if image_format not in IMAGE_FORMATS:
        raise QBenchError(f"image_format must be one of {sorted(IMAGE_FORMATS)}, got {image_format!r}")
    if n_images < 1 or n_questions < n_images:
        raise QBenchError(
            f"need at least one image and at least one question per image, got n_questions={n_questions}, "
            f"n_images={n_images}"
        )
    if n_questions > MAX_QUESTIONS_PER_IMAGE * n_images:
        raise QBenchError(
            f"{n_images} images can carry at most {MAX_QUESTIONS_PER_IMAGE * n_images} questions, got "
            f"n_questions={n_questions}; raise n_images (each carries at most {MAX_QUESTIONS_PER_IMAGE})"
        )
    out = Path(out_dir)
    _check_target(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        _write_release(staging, n_questions, n_images, seed, image_format, image_size, jpeg_quality, progress)
        if out.exists():
            out.rmdir()  # checked empty above
        os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    logger.info("wrote %d questions over %d images to %s", n_questions, n_images, out)
    return out


def _check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} is a file; expected a new or empty folder for the release")
    if out.is_dir() and (out / "annotations.jsonl").exists():
        raise FileExistsError(f"{out} already holds a release (annotations.jsonl); choose an empty folder")
    if out.is_dir() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; choose a new or empty folder for the release")


def _write_release(
    out: Path,
    n_questions: int,
    n_images: int,
    seed: int,
    image_format: str,
    image_size: int,
    jpeg_quality: int,
    progress: bool,
) -> None:
    images_dir = out / "images"
    images_dir.mkdir()
    _, suffix = IMAGE_FORMATS[image_format]
    pools: list[list[dict[str, Any]]] = []
    for index in tqdm(range(n_images), desc="synthetic release", unit="image", disable=not progress):
        rng = np.random.default_rng([seed, index])
        image = generate_image(random_recipe(FAMILY_CYCLE[index % len(FAMILY_CYCLE)], rng), image_size, rng)
        image_id = f"img{index:05d}"
        file_name = f"{image_id}{suffix}"
        (images_dir / file_name).write_bytes(_encode(image.pixels, image_format, jpeg_quality))
        order = rng.permutation(len(image.questions))
        pools.append(
            [question_row(image.questions[i], "", image_id, file_name, image.image_source) for i in order]
        )
    capacity = sum(len(pool) for pool in pools)
    if n_questions > capacity:
        raise QBenchError(
            f"{n_images} images can carry at most {capacity} questions, got n_questions={n_questions}; "
            "raise n_images"
        )
    keep = _round_robin([len(pool) for pool in pools], n_questions)
    with open(out / "annotations.jsonl", "w", encoding="utf-8") as handle:
        number = 0
        for pool, count in zip(pools, keep, strict=True):
            for row in pool[:count]:
                row["id"] = f"q{number:05d}"
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                number += 1
