"""Image manipulations at known strengths, globally or inside one region box.

Every function takes and returns an RGB ``uint8`` array and is deterministic (noise takes a
seeded ``numpy.random.Generator``). With ``box`` given, pixels outside the box are unchanged.

>>> import numpy as np
>>> flat = np.full((16, 16, 3), 128, np.uint8)
>>> bool((gaussian_blur(flat, 2.0) == flat).all())
True
>>> out = add_noise(flat, 10.0, np.random.default_rng(0), box=(0, 0, 8, 8))
>>> bool((out[8:] == flat[8:]).all()), bool((out[:8, :8] != flat[:8, :8]).any())
(True, True)
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from qbench_portrait_lib.sample.portraits import Box

#: Slow neighbourhood filters (smearing, painting) run on images at most this wide.
WORKING_SIDE = 320


def _paste(original: np.ndarray, processed: np.ndarray, box: Box | None) -> np.ndarray:
    """``processed`` inside ``box`` (everywhere when None), ``original`` elsewhere."""
    if box is None:
        return processed
    x0, y0, x1, y1 = box
    out = original.copy()
    out[y0:y1, x0:x1] = processed[y0:y1, x0:x1]
    return out


def _to_uint8(values: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


def gaussian_blur(pixels: np.ndarray, sigma: float, box: Box | None = None) -> np.ndarray:
    """Gaussian blur of standard deviation ``sigma`` pixels."""
    blurred = np.asarray(Image.fromarray(pixels).filter(ImageFilter.GaussianBlur(radius=sigma)))
    return _paste(pixels, blurred, box)


def add_noise(
    pixels: np.ndarray, sigma: float, rng: np.random.Generator, box: Box | None = None
) -> np.ndarray:
    """Additive Gaussian noise of standard deviation ``sigma`` grey levels, per channel."""
    noisy = _to_uint8(pixels.astype(np.float32) + rng.normal(0.0, sigma, pixels.shape).astype(np.float32))
    return _paste(pixels, noisy, box)


def jpeg_blocking(pixels: np.ndarray, quality: int, box: Box | None = None) -> np.ndarray:
    """Round-trip through JPEG at ``quality`` (4:2:0 chroma) to produce blocking artefacts."""
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=quality, subsampling=2)
    decoded = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
    return _paste(pixels, decoded, box)


def downscale(pixels: np.ndarray, factor: int, box: Box | None = None) -> np.ndarray:
    """Lose resolution: average ``factor`` x ``factor`` blocks, then upscale by pixel repetition."""
    height, width = pixels.shape[:2]
    image = Image.fromarray(pixels)
    small = image.resize((max(1, width // factor), max(1, height // factor)), Image.Resampling.BOX)
    restored = np.asarray(small.resize((width, height), Image.Resampling.NEAREST))
    return _paste(pixels, restored, box)


def change_exposure(pixels: np.ndarray, stops: float, box: Box | None = None) -> np.ndarray:
    """Multiply linear light by 2**stops (sRGB approximated by gamma 2.2), clipping highlights."""
    linear = (pixels.astype(np.float32) / 255.0) ** 2.2 * (2.0**stops)
    return _paste(pixels, _to_uint8(np.clip(linear, 0, 1) ** (1 / 2.2) * 255), box)


COLOUR_CAST_GAINS: dict[str, tuple[float, float, float]] = {
    "warm": (1.2, 1.0, 0.7),
    "cool": (0.75, 0.95, 1.3),
    "green": (0.8, 1.2, 0.8),
}


def colour_cast(pixels: np.ndarray, cast: str, box: Box | None = None) -> np.ndarray:
    """Scale the RGB channels by the gains of ``cast`` (see COLOUR_CAST_GAINS)."""
    if cast not in COLOUR_CAST_GAINS:
        raise ValueError(f"cast must be one of {sorted(COLOUR_CAST_GAINS)}, got {cast!r}")
    gains = np.array(COLOUR_CAST_GAINS[cast], np.float32)
    return _paste(pixels, _to_uint8(pixels.astype(np.float32) * gains), box)


def swirl_warp(pixels: np.ndarray, box: Box, strength: float) -> np.ndarray:
    """Swirl the content of ``box`` about its centre by up to ``strength`` radians (bilinear)."""
    x0, y0, x1, y1 = box
    patch = pixels[y0:y1, x0:x1].astype(np.float32)
    height, width = patch.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    cy, cx = (height - 1) / 2, (width - 1) / 2
    radius = max(min(height, width) / 2, 1.0)
    dy, dx = ys - cy, xs - cx
    distance = np.hypot(dx, dy)
    angle = strength * np.clip(1 - distance / radius, 0, 1) ** 2
    src_x = np.clip(cx + dx * np.cos(angle) - dy * np.sin(angle), 0, width - 1)
    src_y = np.clip(cy + dx * np.sin(angle) + dy * np.cos(angle), 0, height - 1)
    left, top = np.floor(src_x).astype(int), np.floor(src_y).astype(int)
    right, bottom = np.minimum(left + 1, width - 1), np.minimum(top + 1, height - 1)
    wx, wy = (src_x - left)[..., None], (src_y - top)[..., None]
    warped = (
        patch[top, left] * (1 - wx) * (1 - wy)
        + patch[top, right] * wx * (1 - wy)
        + patch[bottom, left] * (1 - wx) * wy
        + patch[bottom, right] * wx * wy
    )
    out = pixels.copy()
    out[y0:y1, x0:x1] = _to_uint8(warped)
    return out


def copy_patch(pixels: np.ndarray, source: Box, target_xy: tuple[int, int]) -> np.ndarray:
    """Copy the ``source`` patch so its top-left corner lands on ``target_xy`` (a duplicated feature)."""
    x0, y0, x1, y1 = source
    tx, ty = target_xy
    out = pixels.copy()
    out[ty : ty + (y1 - y0), tx : tx + (x1 - x0)] = pixels[y0:y1, x0:x1]
    return out


def _at_working_size(pixels: np.ndarray, filter_fn, max_side: int = WORKING_SIDE) -> np.ndarray:
    """Run a slow neighbourhood filter at most ``max_side`` pixels wide, then enlarge back.

    Keeps the effect's size relative to the image the same at every resolution (and fast).
    """
    height, width = pixels.shape[:2]
    factor = max(1.0, max(height, width) / max_side)
    if factor == 1.0:
        return filter_fn(pixels)
    small = Image.fromarray(pixels).resize(
        (round(width / factor), round(height / factor)), Image.Resampling.BOX
    )
    filtered = Image.fromarray(filter_fn(np.asarray(small)))
    return np.asarray(filtered.resize((width, height), Image.Resampling.BICUBIC))


def smear_texture(pixels: np.ndarray, box: Box, radius: int, keep: Box | None = None) -> np.ndarray:
    """Waxy, over-smoothed skin: median + blur inside ``box``, leaving ``keep`` (e.g. the eyes) intact.

    ``radius`` is in pixels of an image :data:`WORKING_SIDE` wide (larger images are smoothed
    proportionally).
    """
    x0, y0, x1, y1 = box
    height, width = pixels.shape[:2]
    margin = max(height, width) // 20
    left, top = max(0, x0 - margin), max(0, y0 - margin)
    right, bottom = min(width, x1 + margin), min(height, y1 + margin)

    def smooth(patch: np.ndarray) -> np.ndarray:
        image = Image.fromarray(patch).filter(ImageFilter.MedianFilter(2 * radius + 1))
        return np.asarray(image.filter(ImageFilter.GaussianBlur(radius=radius / 3)))

    scale = min(1.0, WORKING_SIDE / max(height, width))
    crop = pixels[top:bottom, left:right]
    smoothed = _at_working_size(crop, smooth, max_side=max(8, round(max(crop.shape[:2]) * scale)))
    processed = pixels.copy()
    processed[top:bottom, left:right] = smoothed
    out = _paste(pixels, processed, box)
    return _paste(out, pixels, keep) if keep is not None else out


def posterize(pixels: np.ndarray, box: Box | None = None) -> np.ndarray:
    """Flat colour areas: 2 bits per channel after a light smoothing."""
    image = Image.fromarray(pixels).filter(ImageFilter.GaussianBlur(1.0))
    return _paste(pixels, np.asarray(ImageOps.posterize(image, 2)), box)


def ink_drawing(pixels: np.ndarray, box: Box | None = None) -> np.ndarray:
    """Black ink lines on white paper from the image edges."""
    grey = Image.fromarray(pixels).convert("L").filter(ImageFilter.GaussianBlur(1.2))
    edges = np.asarray(grey.filter(ImageFilter.FIND_EDGES), np.float32)
    ink = np.where(edges > 10, 20, 250).astype(np.uint8)
    return _paste(pixels, np.stack([ink] * 3, axis=-1), box)


def painterly(pixels: np.ndarray, box: Box | None = None) -> np.ndarray:
    """Brush-stroke look: a large mode filter (flat daubs) and boosted saturation."""

    def paint(image_pixels: np.ndarray) -> np.ndarray:
        image = (
            Image.fromarray(image_pixels)
            .filter(ImageFilter.ModeFilter(9))
            .filter(ImageFilter.MedianFilter(5))
        )
        hsv = np.asarray(image.convert("HSV"), np.float32)
        hsv[..., 1] = np.clip(hsv[..., 1] * 1.5, 0, 255)
        return np.asarray(Image.fromarray(hsv.astype(np.uint8), "HSV").convert("RGB"))

    return _paste(pixels, _at_working_size(pixels, paint), box)


def tilt(pixels: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate by ``degrees`` (counter-clockwise) and crop the centre so no empty corner shows."""
    height, width = pixels.shape[:2]
    rotated = Image.fromarray(pixels).rotate(degrees, resample=Image.Resampling.BICUBIC)
    theta = np.radians(abs(degrees))
    keep = 1 / (np.cos(theta) + np.sin(theta))  # largest axis-aligned square inside the rotation
    cw, ch = int(width * keep), int(height * keep)
    left, top = (width - cw) // 2, (height - ch) // 2
    cropped = rotated.crop((left, top, left + cw, top + ch))
    return np.asarray(cropped.resize((width, height), Image.Resampling.LANCZOS))


def side_light(pixels: np.ndarray, direction: str, across: tuple[int, int], stops: float = 3.5) -> np.ndarray:
    """Harsh side light from ``direction``: a ramp of ``stops`` across the columns ``across``.

    The lit side gains ``stops / 2`` and the far side loses ``stops``, so one half of the
    face (``across`` = its x0, x1) falls into shadow; beyond the span the gain stays constant.
    """
    if direction not in ("left", "right"):
        raise ValueError(f"direction must be 'left' or 'right', got {direction!r}")
    x0, x1 = across
    columns = np.arange(pixels.shape[1], dtype=np.float32)
    position = np.clip((columns - x0) / max(x1 - x0, 1), 0.0, 1.0)  # 0 at x0, 1 at x1
    lit = 1.0 - position if direction == "left" else position
    gain = 2.0 ** (stops * (1.5 * lit - 1.0))
    linear = (pixels.astype(np.float32) / 255.0) ** 2.2 * gain[None, :, None]
    return _to_uint8(np.clip(linear, 0, 1) ** (1 / 2.2) * 255)


def laplacian_variance(pixels: np.ndarray, box: Box | None = None) -> float:
    """Sharpness measure: variance of the 4-neighbour Laplacian of the grey image (inside ``box``).

    >>> laplacian_variance(np.full((8, 8, 3), 9, np.uint8))
    0.0
    """
    grey = pixels.astype(np.float32).mean(axis=-1) if pixels.ndim == 3 else pixels.astype(np.float32)
    if box is not None:
        x0, y0, x1, y1 = box
        grey = grey[y0:y1, x0:x1]
    if min(grey.shape) < 3:
        return 0.0
    centre = grey[1:-1, 1:-1]
    return float((grey[1:-1, :-2] + grey[1:-1, 2:] + grey[:-2, 1:-1] + grey[2:, 1:-1] - 4.0 * centre).var())
