"""From image statistics to a graded verdict per technical attribute, with fixed thresholds.

Each attribute gets a continuous *level*: 0 means clean, and 1, 2, 3 are the
thresholds of a slight, moderate and severe problem (log-linear in the measured
quantity between them, capped at 4). The thresholds in :data:`THRESHOLDS` are fixed
constants, set once from the statistics of the sample generator's own distortions at
their known strengths (``python -m qbench_portrait_lib.baseline_calibration`` prints
that table; for blur, noise, JPEG and resolution each threshold sits between the
photos' values of neighbouring grades, which tests/test_baselines.py checks).
They are never fitted to the answers of individual questions.

Regions: questions name a region (face, eyes, mouth, hair, background) but not its
box, so the baseline uses fixed fractions of a centred head-and-shoulders portrait
(:data:`REGION_FRACTIONS`); the background is judged on both upper corners and the
worse one counts.

>>> Verdict("noise", 1.4).severity
1
>>> level_between(4.0, (2.0, 4.0, 8.0))
2.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qbench_portrait_lib.baselines.image_statistics import ImageStatistics

#: (slight, moderate, severe) thresholds per measured quantity; see the module docstring.
THRESHOLDS: dict[str, tuple[float, float, float]] = {
    # Laplacian variance left after removing the noise's share (20 * sigma^2), grey levels^2.
    # Measured at 320 px: clean photos 580-820, blur sigma 1.2 / 2.5 / 5: 33-45 / 3.7-4.8 / 0.6-0.9.
    "detail": (90.0, 13.0, 1.8),
    # Immerkaer noise sigma, grey levels. Clean photos 2.0-2.9, added sigma 7 / 16 / 35: 4.9-5.5 /
    # 10.7-10.8 / 21-23.
    "noise_sigma": (3.6, 7.7, 15.0),
    # Strongest 8-pixel grid phase over the median phase. Clean 1.03-1.25, JPEG quality 20 / 10 / 4:
    # 1.66-1.75 / 2.13-2.25 / 3.2-3.4.
    "blockiness": (1.4, 1.95, 2.7),
    # Enlargement factor seen in repeated pixels. Clean 1.03-1.33, enlarged 2x / 4x / 8x: 3.1-4.1 /
    # 6.3-7.6 / 12.9-14.8.
    "repetition_factor": (2.0, 5.0, 10.0),
    # Fraction of pixels at 250 or above. Clean up to 0.005, +1.4 stops: 0.07 (partly) to 0.42.
    "clipped_highlights": (0.05, 0.3, 0.6),
    # Mean luminance (0..1). Overexposure also counts from luminance alone when very high
    # (a bright sky is not overexposed: 0.80 clean); underexposure from low luminance
    # (clean 0.43-0.55, -1.8 stops: 0.27-0.38).
    "over_luminance": (0.85, 0.92, 0.97),
    "under_luminance": (0.4, 0.25, 0.15),
    # Colour cast strength (half the spread of the channel means / 255). Portraits lean warm
    # (skin; a clean photo reaches 0.096), so a warm lean needs more than a cool, green or
    # magenta one. Casts of the generator: warm 0.12-0.22, cool 0.05-0.12, green 0.09-0.12.
    "warm_cast": (0.105, 0.16, 0.22),
    "other_cast": (0.04, 0.1, 0.16),
}

#: Region boxes as fractions (left, top, right, bottom) of the image, for a centred
#: head-and-shoulders portrait (set from the sample generator's region boxes of its source
#: photos, which differ per photo: the fixed boxes only partly cover a given face).
REGION_FRACTIONS: dict[str, tuple[tuple[float, float, float, float], ...]] = {
    "face": ((0.38, 0.2, 0.62, 0.48),),
    "eyes": ((0.4, 0.23, 0.6, 0.4),),
    "mouth": ((0.42, 0.36, 0.58, 0.47),),
    "hair": ((0.32, 0.04, 0.68, 0.2),),
    "background": ((0.0, 0.0, 0.22, 0.45), (0.78, 0.0, 1.0, 0.45)),
}

_HUE_GROUPS = {"red": "warm", "blue": "cool", "green": "green", "magenta": "magenta", "neutral": "neutral"}
_MAX_LEVEL = 4.0


def level_between(value: float, thresholds: tuple[float, float, float]) -> float:
    """Level of ``value`` against (slight, moderate, severe) thresholds, in [0, 4].

    Log-linear between thresholds (and beyond them with the nearest segment's
    slope). Works for quantities that grow with the problem and ones that shrink.

    >>> level_between(120.0, (120.0, 30.0, 6.0)), level_between(1e9, (1.0, 2.0, 4.0))
    (1.0, 4.0)
    """
    value = max(float(value), 1e-9)
    logs = [math.log(t) for t in thresholds]
    x = math.log(value)
    increasing = logs[2] > logs[0]
    position = x if increasing else -x
    anchors = logs if increasing else [-v for v in logs]
    segment = 0 if position < anchors[1] else 1
    low, high = anchors[segment], anchors[segment + 1]
    level = 1.0 + segment + (position - low) / (high - low)
    return min(max(level, 0.0), _MAX_LEVEL)


@dataclass(frozen=True)
class Verdict:
    """The graded verdict on one attribute: level, severity (0-3) and a direction or hue."""

    attribute: str
    level: float
    direction: str | None = None

    @property
    def severity(self) -> int:
        return min(int(self.level), 3)


def _level(name: str, value: float) -> float:
    return level_between(value, THRESHOLDS[name])


def detail_energy(stats: ImageStatistics) -> float:
    """Laplacian variance minus the part white noise explains (20 sigma^2 for this Laplacian)."""
    return max(stats.sharpness - 20.0 * stats.noise_sigma**2, 0.0)


def assess(attribute: str, stats: ImageStatistics) -> Verdict:
    """The verdict on ``attribute`` (one of the canonical attributes) from ``stats``.

    >>> import numpy as np
    >>> from qbench_portrait_lib.baselines.image_statistics import compute_statistics
    >>> assess("exposure", compute_statistics(np.full((32, 32, 3), 240, np.uint8))).direction
    'over'
    """
    if attribute == "blur":
        return Verdict("blur", _level("detail", detail_energy(stats)))
    if attribute == "noise":
        return Verdict("noise", _level("noise_sigma", stats.noise_sigma))
    if attribute == "jpeg":
        return Verdict("jpeg", _level("blockiness", stats.blockiness))
    if attribute == "exposure":
        over = max(
            _level("over_luminance", stats.mean_luminance),
            _level("clipped_highlights", stats.clipped_highlights),
        )
        under = _level("under_luminance", stats.mean_luminance)
        if over >= under:
            return Verdict("exposure", over, "over" if over >= 1.0 else None)
        return Verdict("exposure", under, "under" if under >= 1.0 else None)
    if attribute == "colour_cast":
        group = _HUE_GROUPS[stats.cast_hue]
        name = "warm_cast" if group in ("warm", "neutral") else "other_cast"
        level = _level(name, stats.cast_strength)
        return Verdict("colour_cast", level, group if level >= 1.0 else None)
    if attribute == "resolution":
        return Verdict("resolution", _level("repetition_factor", stats.repetition_factor))
    raise ValueError(f"no assessment for attribute {attribute!r}; expected a canonical technical attribute")


def region_boxes(region: str, width: int, height: int) -> list[tuple[int, int, int, int]] | None:
    """Pixel boxes for a region name, or None for the whole image ("" or an unknown region).

    >>> region_boxes("face", 100, 100)
    [(38, 20, 62, 48)]
    >>> region_boxes("", 100, 100) is None
    True
    """
    fractions = REGION_FRACTIONS.get(region.strip().lower())
    if fractions is None:
        return None
    return [
        (round(x0 * width), round(y0 * height), round(x1 * width), round(y1 * height))
        for x0, y0, x1, y1 in fractions
    ]
