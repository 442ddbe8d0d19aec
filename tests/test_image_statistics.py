"""Image statistics: each measure against a reference or a known, constructed answer."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageFilter
from scipy import ndimage

from qbench_portrait_lib.baselines.image_statistics import (
    colour_cast,
    compute_statistics,
    crop_box,
    immerkaer_noise_sigma,
    jpeg_blockiness,
    laplacian_variance,
    luminance,
    open_image,
    repetition_factor,
    to_rgb_array,
)


def _texture(size: int = 192, seed: int = 0) -> np.ndarray:
    """A smooth-ish random texture in 0..255 (low-pass filtered noise), grey."""
    rng = np.random.default_rng(seed)
    field = ndimage.gaussian_filter(rng.normal(0, 1, (size, size)), 2.0)
    return np.clip(128 + 60 * field / field.std(), 0, 255)


def _jpeg(gray: np.ndarray, quality: int) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(gray.astype(np.uint8)).save(buffer, format="JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())), dtype=np.float64)


def test_laplacian_variance_matches_scipy():
    image = np.random.default_rng(1).uniform(0, 255, (50, 70))
    reference = ndimage.laplace(image)[1:-1, 1:-1].var()
    assert laplacian_variance(image) == pytest.approx(reference, rel=1e-9)
    assert laplacian_variance(np.zeros((2, 9))) == 0.0


def test_sharpness_falls_as_blur_grows():
    image = Image.fromarray(_texture().astype(np.uint8))
    values = [
        laplacian_variance(np.asarray(image.filter(ImageFilter.GaussianBlur(s)), float)) for s in (0, 1, 2, 4)
    ]
    assert values == sorted(values, reverse=True) and values[-1] < values[0] / 50


@pytest.mark.parametrize("sigma", [3.0, 8.0, 20.0])
def test_immerkaer_recovers_the_noise_sigma(sigma):
    rng = np.random.default_rng(2)
    ramp = np.add.outer(np.linspace(40, 200, 256), np.linspace(0, 20, 256))  # smooth content
    estimate = immerkaer_noise_sigma(ramp + rng.normal(0, sigma, ramp.shape))
    assert estimate == pytest.approx(sigma, rel=0.05)
    assert immerkaer_noise_sigma(ramp) < 0.01


def test_blockiness_rises_as_jpeg_quality_falls_and_finds_any_grid_offset():
    texture = _texture(256)
    clean, q30, q5 = (jpeg_blockiness(x) for x in (texture, _jpeg(texture, 30), _jpeg(texture, 5)))
    assert clean < 1.15 < q30 < q5
    shifted = _jpeg(texture, 5)[3:, 5:]  # the 8x8 grid no longer starts at pixel 0
    assert jpeg_blockiness(shifted) == pytest.approx(q5, rel=0.2)
    assert jpeg_blockiness(np.zeros((10, 10))) == 1.0  # too small to tell


@pytest.mark.parametrize("factor", [2, 4, 8])
def test_repetition_factor_reads_the_enlargement(factor):
    small = np.random.default_rng(3).uniform(0, 255, (256 // factor, 256 // factor))
    enlarged = np.kron(small, np.ones((factor, factor)))
    assert repetition_factor(enlarged) == pytest.approx(factor, rel=0.05)
    assert repetition_factor(np.random.default_rng(4).uniform(0, 255, (64, 64))) == pytest.approx(
        1.0, abs=0.01
    )


def test_exposure_measures():
    rgb = np.zeros((10, 10, 3))
    rgb[:5] = 255
    stats = compute_statistics(rgb)
    assert stats.mean_luminance == pytest.approx(0.5)
    assert stats.clipped_highlights == pytest.approx(0.5) and stats.clipped_shadows == pytest.approx(0.5)
    assert luminance(np.full((1, 1, 3), (255.0, 0.0, 0.0)))[0, 0] == pytest.approx(0.299 * 255)


@pytest.mark.parametrize(
    ("gains", "hue"),
    [
        ((1.3, 1.0, 0.8), "red"),
        ((0.8, 1.0, 1.3), "blue"),
        ((0.8, 1.25, 0.8), "green"),
        ((1.2, 0.8, 1.2), "magenta"),
    ],
)
def test_colour_cast_names_the_leaning_channel(gains, hue):
    grey = np.full((8, 8, 3), 120.0)
    strength, name = colour_cast(grey * np.array(gains))
    assert name == hue and strength > 0.05
    assert colour_cast(grey) == (0.0, "neutral")


def test_statistics_of_a_box_are_those_of_the_crop():
    rgb = np.random.default_rng(5).uniform(0, 255, (40, 60, 3)).round()
    assert compute_statistics(rgb, (10, 5, 50, 30)) == compute_statistics(rgb[5:30, 10:50])
    assert crop_box(rgb, (-5, -5, 10, 10)).shape == (10, 10, 3)  # clipped to the image
    with pytest.raises(ValueError, match=r"box \(70, 0, 80, 10\) leaves no pixels of a 60x40 image"):
        crop_box(rgb, (70, 0, 80, 10))


def test_open_image_accepts_every_cell_form(tmp_path):
    image = Image.fromarray(np.arange(48, dtype=np.uint8).reshape(4, 4, 3))
    path = tmp_path / "x.png"
    image.save(path)
    forms = [
        image,
        {"bytes": path.read_bytes(), "path": None},
        {"bytes": None, "path": str(path)},
        str(path),
        path,
    ]
    for form in forms:
        assert np.array_equal(to_rgb_array(form), np.asarray(image, float))
    with pytest.raises(
        TypeError, match=r"expected a PIL image, a \{'bytes', 'path'\} dict or a path, got int"
    ):
        open_image(3)
    with pytest.raises(ValueError, match=r"expected an \(H, W\) or \(H, W, 3\) array, got shape \(2, 2, 2\)"):
        to_rgb_array(np.zeros((2, 2, 2)))
    assert to_rgb_array(np.zeros((2, 2, 4))).shape == (2, 2, 3)  # alpha dropped
