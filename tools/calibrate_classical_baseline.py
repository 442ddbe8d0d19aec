"""Print the classical baseline's statistics on the sample generator's distortions.

Run ``python -m qbench_portrait_lib.baseline_calibration [SIZE]`` (needs the ``sample``
extra for the scikit-image photographs). For each source portrait and each technical
distortion at each known strength, it prints the measures the thresholds in
:mod:`baseline_assessment` are read from, for the whole image and for the baseline's
fixed region boxes. This is how the thresholds were chosen: between the values of
neighbouring grades, on the generator's parameters, never on question answers.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator

import numpy as np

from qbench_portrait_lib.baselines.assessment import detail_energy, region_boxes
from qbench_portrait_lib.baselines.image_statistics import compute_statistics

#: Distortion settings of the sample generator, as (attribute, level) pairs.
SETTINGS: tuple[tuple[str, str], ...] = (
    ("none", "none"),
    *((attribute, level) for attribute in ("blur", "noise", "jpeg", "resolution")
      for level in ("slight", "moderate", "severe")),
    ("exposure", "over"),
    ("exposure", "under"),
    ("colour_cast", "warm"),
    ("colour_cast", "cool"),
    ("colour_cast", "green"),
)  # fmt: skip


def calibration_rows(
    size: int = 320,
    *,
    scopes: tuple[str, ...] = ("global", "face", "eyes", "background"),
    regions: tuple[str, ...] = ("", "face", "eyes", "background"),
) -> Iterator[dict[str, object]]:
    """One dict of measures per (portrait, distortion, distorted scope, measured box).

    ``regions`` are the baseline's region names to measure ("" = the whole image).
    """
    from qbench_portrait_lib.sample.portraits import load_photo, render_cg_portrait
    from qbench_portrait_lib.sample.technical import apply_distortion

    portraits = [load_photo("astronaut", size), load_photo("camera", size, mirrored=True)]
    portraits.append(render_cg_portrait(size))
    for portrait, (attribute, level), scope in itertools.product(portraits, SETTINGS, scopes):
        pixels = portrait.pixels
        if attribute != "none":
            box = None if scope == "global" else portrait.regions[scope]
            pixels = apply_distortion(pixels, attribute, level, np.random.default_rng(0), box)
        for measured in regions:
            for index, box in enumerate(region_boxes(measured, size, size) or [None]):
                stats = compute_statistics(pixels, box)
                yield {
                    "portrait": portrait.name,
                    "distortion": f"{attribute}:{level}",
                    "scope": scope,
                    "measured": f"{measured or 'image'}#{index}",
                    "detail": detail_energy(stats),
                    "noise": stats.noise_sigma,
                    "block": stats.blockiness,
                    "repeat": stats.repetition_factor,
                    "lum": stats.mean_luminance,
                    "clip": stats.clipped_highlights,
                    "cast": stats.cast_strength,
                    "hue": stats.cast_hue,
                }


def main(argv: list[str] | None = None) -> None:
    """Print the calibration table (tab-separated) to standard output."""
    args = sys.argv[1:] if argv is None else argv
    size = int(args[0]) if args else 320
    header = None
    for row in calibration_rows(size):
        if header is None:
            header = list(row)
            sys.stdout.write("\t".join(header) + "\n")
        cells = [f"{value:.3g}" if isinstance(value, float) else str(value) for value in row.values()]
        sys.stdout.write("\t".join(cells) + "\n")


if __name__ == "__main__":
    main()
