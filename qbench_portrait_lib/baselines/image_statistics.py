"""Weight-free image statistics for the classical baseline (numpy + Pillow only).

Every measure works on the luminance (or RGB) of an image, or of one box of it, in
grey levels 0..255:

- sharpness: variance of the 4-neighbour Laplacian (blur lowers it);
- noise: Immerkaer's estimate of the standard deviation of additive Gaussian noise
  (J. Immerkaer, "Fast Noise Variance Estimation", CVIU 1996): the mean absolute
  response to a mask that cancels smooth structure, times sqrt(pi/2)/6;
- JPEG blockiness: the mean absolute step between neighbouring pixels on the
  strongest of the 8 possible 8-pixel grid phases, over the median phase (about 1
  for a clean image, well above 1 for blocky JPEG; any grid offset is found);
- pixel repetition: the share of neighbouring pixels that are exactly equal, as an
  enlargement factor 1 / (1 - share) (about 1 for a photo, f for an image enlarged f
  times by pixel repetition);
- exposure: mean luminance and the fractions of clipped highlights and shadows;
- colour cast: how far the mean colour is from grey, and which channel it leans to.

>>> import numpy as np
>>> flat = np.full((32, 32), 128.0)
>>> laplacian_variance(flat), immerkaer_noise_sigma(flat)
(0.0, 0.0)
>>> stats = compute_statistics(np.full((16, 16, 3), (200, 120, 120), dtype=np.uint8))
>>> stats.cast_hue, round(stats.mean_luminance, 2)
('red', 0.56)
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

logger = logging.getLogger(__name__)

#: A box in pixels, as Pillow's crop takes it: (left, top, right, bottom).
Box = tuple[int, int, int, int]

_REC601 = np.array([0.299, 0.587, 0.114])


@dataclass(frozen=True)
class ImageStatistics:
    """The measures of one image (or one box of it); see the module docstring."""

    width: int
    height: int
    sharpness: float
    noise_sigma: float
    blockiness: float
    repetition_factor: float
    mean_luminance: float
    clipped_highlights: float
    clipped_shadows: float
    channel_means: tuple[float, float, float]
    cast_strength: float
    cast_hue: str


def open_image(value: Any) -> Image.Image:
    """Return a Pillow image for a dataset cell: a PIL image, ``{"bytes", "path"}`` or a path.

    >>> open_image(Image.new("RGB", (4, 3))).size
    (4, 3)
    >>> open_image({"bytes": None, "path": None})
    Traceback (most recent call last):
    ...
    ValueError: an image cell needs 'bytes' or 'path', got bytes=None and path=None
    """
    if isinstance(value, Image.Image):
        return value
    if isinstance(value, Mapping):
        data, path = value.get("bytes"), value.get("path")
        if data:
            return Image.open(io.BytesIO(data))
        if path:
            return Image.open(path)
        raise ValueError(f"an image cell needs 'bytes' or 'path', got bytes={data!r} and path={path!r}")
    if isinstance(value, (str, bytes)) or hasattr(value, "__fspath__"):
        return Image.open(value)
    raise TypeError(f"expected a PIL image, a {{'bytes', 'path'}} dict or a path, got {type(value).__name__}")


def to_rgb_array(image: Any) -> np.ndarray:
    """RGB pixels as float64 in 0..255, shape (H, W, 3); grey inputs are repeated.

    >>> to_rgb_array(np.zeros((2, 3))).shape
    (2, 3, 3)
    """
    if isinstance(image, np.ndarray):
        array = image.astype(np.float64)
        if array.ndim == 2:
            array = np.repeat(array[:, :, None], 3, axis=2)
        if array.ndim != 3 or array.shape[2] < 3:
            raise ValueError(f"expected an (H, W) or (H, W, 3) array, got shape {image.shape}")
        return array[:, :, :3]
    return np.asarray(open_image(image).convert("RGB"), dtype=np.float64)


def luminance(rgb: np.ndarray) -> np.ndarray:
    """Rec. 601 luma of an (H, W, 3) array; a 2-D array is returned as float64 unchanged.

    >>> float(luminance(np.full((1, 1, 3), 100.0))[0, 0])
    100.0
    """
    if rgb.ndim == 2:
        return rgb.astype(np.float64)
    return rgb[:, :, :3] @ _REC601


def laplacian_variance(gray: np.ndarray) -> float:
    """Variance of the 4-neighbour Laplacian over the interior pixels (0 for images under 3x3)."""
    if min(gray.shape) < 3:
        return 0.0
    lap = gray[1:-1, :-2] + gray[1:-1, 2:] + gray[:-2, 1:-1] + gray[2:, 1:-1] - 4.0 * gray[1:-1, 1:-1]
    return float(lap.var())


def immerkaer_noise_sigma(gray: np.ndarray) -> float:
    """Immerkaer's noise standard deviation in grey levels (0 for images under 3x3).

    >>> rng = np.random.default_rng(0)
    >>> round(immerkaer_noise_sigma(128 + rng.normal(0, 10, (200, 200))))
    10
    """
    height, width = gray.shape
    if min(height, width) < 3:
        return 0.0
    corners = gray[:-2, :-2] + gray[:-2, 2:] + gray[2:, :-2] + gray[2:, 2:]
    edges = gray[:-2, 1:-1] + gray[2:, 1:-1] + gray[1:-1, :-2] + gray[1:-1, 2:]
    response = corners - 2.0 * edges + 4.0 * gray[1:-1, 1:-1]
    return float(math.sqrt(math.pi / 2.0) * np.abs(response).mean() / 6.0)


def _phase_ratio(steps: np.ndarray) -> float:
    """Strongest 8-phase mean of absolute steps (along axis 1) over the median phase."""
    if steps.shape[1] < 16:
        return 1.0
    phases = np.array([steps[:, p::8].mean() for p in range(8)])
    median = float(np.median(phases))
    return float(phases.max() / median) if median > 1e-9 else 1.0


def jpeg_blockiness(gray: np.ndarray) -> float:
    """Mean of the horizontal and vertical 8-pixel grid ratios (about 1 when not blocky).

    >>> blocks = np.kron(np.arange(16.0).reshape(4, 4), np.ones((8, 8)))
    >>> jpeg_blockiness(blocks + np.random.default_rng(0).normal(0, 1, blocks.shape)) > 2
    True
    """
    horizontal = np.abs(np.diff(gray, axis=1))
    vertical = np.abs(np.diff(gray, axis=0)).T
    return (_phase_ratio(horizontal) + _phase_ratio(vertical)) / 2.0


def repetition_factor(gray: np.ndarray) -> float:
    """1 / (1 - share of exactly equal neighbours), rows and columns pooled (capped at 64).

    >>> round(repetition_factor(np.kron(np.arange(1024.0).reshape(32, 32), np.ones((4, 4)))), 2)
    4.1
    """
    if min(gray.shape) < 2:
        return 1.0
    equal = np.count_nonzero(gray[:, 1:] == gray[:, :-1]) + np.count_nonzero(gray[1:] == gray[:-1])
    pairs = gray[:, 1:].size + gray[1:].size
    return float(min(1.0 / max(1.0 - equal / pairs, 1.0 / 64), 64.0))


def colour_cast(rgb: np.ndarray) -> tuple[float, str]:
    """(strength, hue) of the mean colour's departure from grey.

    Strength is half the spread of the three channel means, over 255. The hue is
    the channel that stands highest (red, green or blue), or "magenta" when green
    is lowest with red and blue both above the mean; "neutral" below 0.01.

    >>> strength, hue = colour_cast(np.full((2, 2, 3), (100.0, 120.0, 60.0)))
    >>> round(strength, 3), hue
    (0.118, 'green')
    """
    means = rgb.reshape(-1, 3).mean(axis=0)
    deviation = means - means.mean()
    strength = float((deviation.max() - deviation.min()) / 2.0 / 255.0)
    if strength < 0.01:
        return strength, "neutral"
    if int(np.argmin(deviation)) == 1 and deviation[0] > 0 and deviation[2] > 0:
        return strength, "magenta"
    return strength, ("red", "green", "blue")[int(np.argmax(deviation))]


def crop_box(array: np.ndarray, box: Box | None) -> np.ndarray:
    """The pixels inside ``box`` (clipped to the image); the whole array when ``box`` is None.

    >>> crop_box(np.zeros((10, 20)), (5, 2, 40, 4)).shape
    (2, 15)
    >>> crop_box(np.zeros((10, 20)), (5, 5, 5, 9))
    Traceback (most recent call last):
    ...
    ValueError: box (5, 5, 5, 9) leaves no pixels of a 20x10 image
    """
    if box is None:
        return array
    height, width = array.shape[:2]
    left, top = max(0, int(box[0])), max(0, int(box[1]))
    right, bottom = min(width, int(box[2])), min(height, int(box[3]))
    if right <= left or bottom <= top:
        raise ValueError(f"box {tuple(box)} leaves no pixels of a {width}x{height} image")
    return array[top:bottom, left:right]


def compute_statistics(image: Any, box: Box | None = None) -> ImageStatistics:
    """All measures of ``image`` (any input :func:`to_rgb_array` takes), or of ``box`` in it."""
    rgb = crop_box(to_rgb_array(image), box)
    gray = luminance(rgb)
    strength, hue = colour_cast(rgb)
    means = rgb.reshape(-1, 3).mean(axis=0) / 255.0
    return ImageStatistics(
        width=int(gray.shape[1]),
        height=int(gray.shape[0]),
        sharpness=laplacian_variance(gray),
        noise_sigma=immerkaer_noise_sigma(gray),
        blockiness=jpeg_blockiness(gray),
        repetition_factor=repetition_factor(gray),
        mean_luminance=float(gray.mean() / 255.0),
        clipped_highlights=float((gray >= 250).mean()),
        clipped_shadows=float((gray <= 5).mean()),
        channel_means=(float(means[0]), float(means[1]), float(means[2])),
        cast_strength=strength,
        cast_hue=hue,
    )
