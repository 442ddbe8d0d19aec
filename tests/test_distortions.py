"""Distortions do what they say, at the strengths the sample's answers rely on."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
from PIL import Image

from qbench_portrait_lib.sample import distortions
from qbench_portrait_lib.sample.aigc import square_around
from qbench_portrait_lib.sample.distortions import laplacian_variance
from qbench_portrait_lib.sample.portraits import load_photo, render_cg_portrait
from qbench_portrait_lib.sample.technical import (
    BLUR_SIGMA,
    DOWNSCALE_FACTOR,
    JPEG_QUALITY,
    NOISE_SIGMA,
    apply_distortion,
)


@pytest.fixture(scope="module")
def astronaut():
    return load_photo("astronaut", 320)


@pytest.fixture(scope="module")
def camera():
    return load_photo("camera", 320)


def blockiness(pixels: np.ndarray) -> float:
    """Mean jump across 8-pixel block borders over the mean jump inside blocks (1.0 = no blocking)."""
    grey = pixels.astype(np.float32).mean(axis=-1)
    jumps = np.abs(np.diff(grey, axis=1))
    at_border = jumps[:, 7::8].mean()
    inside = np.delete(jumps, np.s_[7::8], axis=1).mean()
    return float(at_border / inside)


def noise_level(pixels: np.ndarray, box) -> float:
    """Std of the difference between the patch and a 3x3-box-smoothed copy (a crude noise estimate)."""
    x0, y0, x1, y1 = box
    grey = pixels[y0:y1, x0:x1].astype(np.float32).mean(axis=-1)
    smooth = sum(np.roll(np.roll(grey, dy, 0), dx, 1) for dy in (-1, 0, 1) for dx in (-1, 0, 1)) / 9
    return float((grey - smooth)[1:-1, 1:-1].std())


def test_blur_lowers_sharpness_monotonically_with_sigma(astronaut):
    sharpness = [
        laplacian_variance(distortions.gaussian_blur(astronaut.pixels, s)) for s in (0.5, 1, 2, 4, 8)
    ]
    assert laplacian_variance(astronaut.pixels) > sharpness[0]
    assert all(a > b for a, b in itertools.pairwise(sharpness))


@pytest.mark.parametrize("attribute", ["blur", "noise", "jpeg", "resolution"])
def test_severity_buckets_are_statistically_distinct(astronaut, attribute):
    """Each bucket (none < slight < moderate < severe) moves the attribute's statistic clearly."""
    rng = np.random.default_rng(0)
    images = [astronaut.pixels] + [apply_distortion(astronaut.pixels, attribute, s, rng) for s in BLUR_SIGMA]
    flat_background = (250, 10, 320, 60)  # grey studio backdrop right of the head
    if attribute == "blur":  # inverse sharpness
        values = [1 / laplacian_variance(image) for image in images]
    elif attribute == "noise":
        values = [noise_level(image, flat_background) for image in images]
    elif attribute == "jpeg":
        values = [blockiness(image) for image in images]
    else:  # pixelation: inverse of the fraction of horizontal neighbours that differ
        values = [
            1 / float((np.diff(image.astype(int), axis=1) != 0).any(axis=-1).mean()) for image in images
        ]
    assert all(b > 1.15 * a for a, b in itertools.pairwise(values)), values


def test_noise_has_the_requested_standard_deviation():
    grey = np.full((64, 64, 3), 128, np.uint8)
    for sigma in NOISE_SIGMA.values():
        noisy = distortions.add_noise(grey, sigma, np.random.default_rng(1))
        assert abs((noisy.astype(float) - 128).std() - sigma) < 0.1 * sigma


def test_jpeg_quality_table_goes_from_mild_to_harsh():
    assert list(JPEG_QUALITY.values()) == sorted(JPEG_QUALITY.values(), reverse=True)
    assert list(DOWNSCALE_FACTOR.values()) == sorted(DOWNSCALE_FACTOR.values())


def test_downscale_makes_constant_blocks(astronaut):
    out = distortions.downscale(astronaut.pixels, 8)
    block = out[8:16, 16:24].reshape(-1, 3)
    assert (block == block[0]).all()


def test_exposure_and_colour_cast_shift_the_statistics(astronaut):
    base = astronaut.pixels.astype(float)
    over = distortions.change_exposure(astronaut.pixels, 1.4)
    under = distortions.change_exposure(astronaut.pixels, -1.8)
    assert over.mean() > base.mean() + 30 and under.mean() < base.mean() - 40
    assert (over == 255).mean() > 5 * max((astronaut.pixels == 255).mean(), 0.001)
    warm = distortions.colour_cast(astronaut.pixels, "warm").astype(float)
    cool = distortions.colour_cast(astronaut.pixels, "cool").astype(float)
    red_blue = lambda image: image[..., 0].mean() / image[..., 2].mean()  # noqa: E731
    assert red_blue(warm) > 1.3 * red_blue(base) and red_blue(cool) < 0.8 * red_blue(base)


LOCAL_DISTORTIONS = {
    "blur": lambda p, box: distortions.gaussian_blur(p, 3.0, box),
    "noise": lambda p, box: distortions.add_noise(p, 20.0, np.random.default_rng(0), box),
    "jpeg": lambda p, box: distortions.jpeg_blocking(p, 5, box),
    "resolution": lambda p, box: distortions.downscale(p, 6, box),
    "exposure": lambda p, box: distortions.change_exposure(p, -1.5, box),
    "colour_cast": lambda p, box: distortions.colour_cast(p, "green", box),
    "warping": lambda p, box: distortions.swirl_warp(p, box, 5.0),
    "smear": lambda p, box: distortions.smear_texture(p, box, 3),
    "posterize": lambda p, box: distortions.posterize(p, box),
    "ink": lambda p, box: distortions.ink_drawing(p, box),
    "painterly": lambda p, box: distortions.painterly(p, box),
}


@pytest.mark.parametrize("name", sorted(LOCAL_DISTORTIONS))
@pytest.mark.parametrize("region", ["face", "eyes", "background"])
def test_local_distortion_changes_only_its_region(astronaut, camera, name, region):
    for portrait in (astronaut, camera):
        box = portrait.regions[region]
        if name == "warping":  # swirls act on the square the sample uses
            box = square_around(box, portrait.size)
        out = LOCAL_DISTORTIONS[name](portrait.pixels, box)
        x0, y0, x1, y1 = box
        outside = np.ones(out.shape[:2], bool)
        outside[y0:y1, x0:x1] = False
        assert (out[outside] == portrait.pixels[outside]).all()
        changed = np.abs(out[y0:y1, x0:x1].astype(int) - portrait.pixels[y0:y1, x0:x1]).mean()
        assert changed > 1.0, f"{name} barely changed the {region} of {portrait.name}"


def test_smear_keeps_the_eyes_and_flattens_the_skin(astronaut):
    face, eyes = astronaut.regions["face"], astronaut.regions["eyes"]
    out = distortions.smear_texture(astronaut.pixels, face, 3, keep=eyes)
    x0, y0, x1, y1 = eyes
    assert (out[y0:y1, x0:x1] == astronaut.pixels[y0:y1, x0:x1]).all()
    cheek = (face[0], eyes[3] + 2, face[2], face[3])
    assert laplacian_variance(out, cheek) < 0.5 * laplacian_variance(astronaut.pixels, cheek)


def test_copy_patch_duplicates_the_source():
    pixels = np.arange(20 * 20 * 3, dtype=np.uint8).reshape(20, 20, 3)
    out = distortions.copy_patch(pixels, (2, 3, 6, 5), (10, 12))
    assert (out[12:14, 10:14] == pixels[3:5, 2:6]).all()


def test_swirl_of_zero_strength_is_identity(astronaut):
    assert (distortions.swirl_warp(astronaut.pixels, (100, 50, 200, 150), 0.0) == astronaut.pixels).all()


@pytest.mark.parametrize("direction", ["left", "right"])
def test_side_light_darkens_the_far_side_of_the_face(astronaut, direction):
    x0, y0, x1, y1 = astronaut.regions["face"]
    out = distortions.side_light(astronaut.pixels, direction, (x0, x1))
    middle = (x0 + x1) // 2
    left, right = out[y0:y1, x0:middle].mean(), out[y0:y1, middle:x1].mean()
    bright, dark = (left, right) if direction == "left" else (right, left)
    assert bright > 1.5 * dark


def test_tilt_keeps_the_size_and_changes_the_picture(astronaut):
    out = distortions.tilt(astronaut.pixels, 18.0)
    assert out.shape == astronaut.pixels.shape
    assert np.abs(out.astype(int) - astronaut.pixels).mean() > 10


def test_cg_light_direction_antialiasing_and_eyes():
    lit_left = render_cg_portrait(128, light="left")
    x0, y0, x1, y1 = lit_left.regions["face"]
    middle = (x0 + x1) // 2
    face = lit_left.pixels[(y0 + y1) // 2 : y1]  # below the hair
    assert face[:, x0:middle].mean() > face[:, middle:x1].mean() + 20
    smooth = render_cg_portrait(128, antialias=True).pixels.reshape(-1, 3)
    jagged = render_cg_portrait(128, antialias=False).pixels.reshape(-1, 3)
    assert len(np.unique(smooth, axis=0)) > len(np.unique(jagged, axis=0))
    with pytest.raises(ValueError, match="eye_count must be 1, 2 or 3, got 4"):
        render_cg_portrait(64, eye_count=4)


def test_large_cg_renders_are_enlarged_with_their_boxes():
    big = render_cg_portrait(1024)
    assert big.pixels.shape == (1024, 1024, 3)
    assert big.regions["face"][2] > 512


def test_bad_parameters_are_reported(astronaut):
    with pytest.raises(ValueError, match=r"cast must be one of .* got 'purple'"):
        distortions.colour_cast(astronaut.pixels, "purple")
    with pytest.raises(ValueError, match="direction must be 'left' or 'right', got 'up'"):
        distortions.side_light(astronaut.pixels, "up", (0, 10))
    with pytest.raises(ValueError, match="unknown source photo 'lena'"):
        load_photo("lena", 64)
    with pytest.raises(ValueError, match="unknown technical attribute 'haze'"):
        apply_distortion(astronaut.pixels, "haze", "slight", np.random.default_rng(0))


def test_jpeg_round_trip_is_real_jpeg(astronaut):
    out = distortions.jpeg_blocking(astronaut.pixels, 10)
    buffer = io.BytesIO()
    Image.fromarray(out).save(buffer, format="PNG")
    assert blockiness(out) > blockiness(astronaut.pixels) * 1.5
