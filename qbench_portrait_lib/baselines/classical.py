"""The classical baseline: answers technical-quality questions from image statistics alone.

No weights, no learning: for a technical question whose ``attribute`` (or, failing
that, question text) names blur, noise, JPEG, exposure, colour cast or resolution, it
measures the image (or the asked region, see :mod:`baseline_assessment`), grades the
attribute with fixed thresholds, reads each option (or the true/false claim) with
:mod:`baseline_option_reading`, and answers:

- single_choice: the option most consistent with the measured grade (ties: the option
  claiming the stronger measured problem, then the earlier option);
- multiple_choice: every option consistent with the measurements (at least the closest one);
  "None of these" is consistent when no listed problem is;
- region options ("Only the face", "The whole image", "No part of the image", or bare
  region names): the regions where the asked attribute measures as a problem;
- true_false: "True" when the claim is consistent with the measurements, else "False";
- open_ended: one sentence stating the measured grade, e.g. "The face shows severe blur."

Everything else (aigc and aesthetic questions, attributes it cannot measure, options
it cannot read) gets the fixed prior :data:`PRIOR_ANSWERS` (the first option, "False",
or a neutral sentence). Deterministic: no randomness anywhere.

>>> import numpy as np
>>> from PIL import Image
>>> noisy = np.clip(128 + np.random.default_rng(0).normal(0, 40, (96, 96, 3)), 0, 255)
>>> row = {"id": "q", "image_id": "i", "image": Image.fromarray(noisy.astype(np.uint8)),
...        "question": "How noisy is the image?", "question_type": "single_choice",
...        "options": ["None", "Slight", "Moderate", "Severe"], "quality_dimension": "technical",
...        "level": "global", "attribute": "noise", "region": ""}
>>> ClassicalBaseline().answer(row)
'D'
>>> ClassicalBaseline().answer({**row, "question_type": "open_ended", "options": []})
'The image shows severe noise.'
>>> ClassicalBaseline().answer({**row, "quality_dimension": "aesthetic"})
'A'
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping
from typing import Any

from qbench_portrait_lib.baselines.assessment import Verdict, assess, region_boxes
from qbench_portrait_lib.baselines.image_statistics import ImageStatistics, compute_statistics, to_rgb_array
from qbench_portrait_lib.baselines.option_reading import Claim, canonical_attribute, read_claim
from qbench_portrait_lib.baselines.random_guess import OPEN_ENDED_RESPONSE
from qbench_portrait_lib.contract.columns import option_letter

_NONE_OF_THESE = re.compile(
    r"^\s*(none of (these|the above)|no (visible )?(problems?|issues?|distortions?))\b", re.I
)
_REGION_OPTION = re.compile(r"^\s*(?:only (?:the )?)?(face|eyes|mouth|hair|background)\s*$", re.I)
_WHOLE_IMAGE = re.compile(r"^\s*(?:the )?(?:whole|entire) (?:image|portrait|picture)\s*$", re.I)
_NO_PART = re.compile(r"^\s*no (?:part|region) of the (?:image|portrait|picture)\s*$", re.I)

logger = logging.getLogger(__name__)

#: The fixed answers where image statistics have nothing to say.
PRIOR_ANSWERS: dict[str, str] = {
    "single_choice": "A",
    "multiple_choice": "A",
    "true_false": "False",
    "open_ended": OPEN_ENDED_RESPONSE,
}

_NOUNS = {
    "blur": "blur",
    "noise": "noise",
    "jpeg": "JPEG compression artefacts",
    "colour_cast": "colour cast",
    "resolution": "loss of resolution",
}
_EXCLUDED_BOUND = 1e-9
_TOP_SEVERITY = 3
_DEGREES = {0: "no noticeable", 1: "slight", 2: "moderate", 3: "severe"}


def claim_distance(claim: Claim, verdict: Verdict) -> float:
    """How far the measured ``verdict`` is from what ``claim`` asserts (0 = consistent).

    A stated severity s asks for a level in [s, s + 1) (severe: [3, inf)); an unstated
    one asks for a level of at least 1. A direction or hue that contradicts the
    measured one adds 2.

    >>> claim_distance(Claim("blur", 2, None), Verdict("blur", 1.5))
    0.5
    >>> claim_distance(Claim("exposure", None, "under"), Verdict("exposure", 1.2, "over"))
    2.0
    """
    level = verdict.level
    if claim.severity is None:
        distance = max(0.0, 1.0 - level)
    else:
        low = float(claim.severity)
        high = math.inf if claim.severity >= _TOP_SEVERITY else low + 1.0
        if level < low:
            distance = low - level
        elif level >= high:
            distance = level - high + _EXCLUDED_BOUND  # the upper bound is outside the interval
        else:
            distance = 0.0
    if claim.direction and verdict.direction and claim.direction != verdict.direction:
        distance += 2.0
    return distance


def _region_options(options: list[str]) -> bool:
    """True when every option names a region, the whole image or no part of it."""
    patterns = (_REGION_OPTION, _WHOLE_IMAGE, _NO_PART)
    return bool(options) and all(any(p.match(str(option)) for p in patterns) for option in options)


class ClassicalBaseline:
    """Answers rows one by one, caching statistics per image and region."""

    def __init__(self) -> None:
        self._stats: dict[tuple[str, str], list[ImageStatistics]] = {}
        self._pixels: tuple[str, Any] | None = None  # the last decoded image only

    def _statistics(self, row: Mapping[str, Any]) -> list[ImageStatistics]:
        image_id, region = str(row.get("image_id") or row["id"]), str(row.get("region") or "")
        key = (image_id, region)
        if key not in self._stats:
            if self._pixels is None or self._pixels[0] != image_id:
                if row.get("image") is None:
                    raise ValueError(
                        f"row {row.get('id')!r}: the classical baseline needs the image, got None"
                    )
                self._pixels = (image_id, to_rgb_array(row["image"]))
            rgb = self._pixels[1]
            boxes = region_boxes(region, rgb.shape[1], rgb.shape[0])
            self._stats[key] = [compute_statistics(rgb, box) for box in boxes or [None]]
        return self._stats[key]

    def verdict(self, row: Mapping[str, Any], attribute: str) -> Verdict:
        """The worst verdict on ``attribute`` over the boxes of the row's region."""
        verdicts = [assess(attribute, stats) for stats in self._statistics(row)]
        return max(verdicts, key=lambda verdict: verdict.level)

    def answer(self, row: Mapping[str, Any]) -> str:
        """The response to one row (labels as names; see :func:`baselines.answer_with_baseline`)."""
        qtype = row["question_type"]
        response = None
        if row.get("quality_dimension") == "technical":
            attribute = canonical_attribute(str(row.get("attribute") or "")) or canonical_attribute(
                str(row.get("question") or "")
            )
            multiple = qtype == "multiple_choice"
            if qtype == "true_false":
                response = self._true_false(row, attribute)
            elif qtype == "open_ended":
                response = self._sentence(row, attribute) if attribute else None
            elif attribute and _region_options(row.get("options") or []):
                response = self._regions(row, attribute, multiple=multiple)
            else:
                response = self._choice(row, attribute, multiple=multiple)
        if response is None:
            logger.debug("classical baseline uses its prior for %s", row.get("id"))
            return PRIOR_ANSWERS[qtype]
        return response

    def _choice(self, row: Mapping[str, Any], attribute: str | None, *, multiple: bool) -> str | None:
        options = [str(option) for option in row.get("options") or []]
        claims = {
            index: read_claim(option, attribute_hint=attribute)
            for index, option in enumerate(options)
            if not _NONE_OF_THESE.match(option)
        }
        ranked = []
        for index, claim in claims.items():
            if claim is not None:
                verdict = self.verdict(row, claim.attribute)
                strength = -verdict.level if claim.severity is None else 0.0
                ranked.append((claim_distance(claim, verdict), strength, index))
        if not ranked:
            return None
        any_problem = any(distance == 0.0 and claims[index].severity != 0 for distance, _, index in ranked)
        for index, option in enumerate(options):
            if _NONE_OF_THESE.match(option):
                ranked.append((1.0 if any_problem else 0.0, 0.0, index))
        ranked.sort()
        if multiple:
            chosen = sorted(index for distance, _, index in ranked if distance == 0.0) or [ranked[0][2]]
            return ", ".join(option_letter(index) for index in chosen)
        return option_letter(ranked[0][2])

    def _regions(self, row: Mapping[str, Any], attribute: str, *, multiple: bool) -> str:
        """Answer an option list of regions from the attribute's level in each named region."""
        options = [str(option) for option in row.get("options") or []]
        named = {index: match.group(1).lower() for index, option in enumerate(options)
                 if (match := _REGION_OPTION.match(option))}  # fmt: skip
        levels = {
            region: self.verdict({**row, "region": region}, attribute).level for region in named.values()
        }
        if multiple:
            chosen = sorted(index for index, region in named.items() if levels[region] >= 1.0)
            if not chosen and named:
                chosen = [max(named, key=lambda index: (levels[named[index]], -index))]
            return ", ".join(option_letter(index) for index in chosen)
        excess = {region: max(0.0, level - 1.0 + _EXCLUDED_BOUND) for region, level in levels.items()}
        shortfall = {region: max(0.0, 1.0 - level) for region, level in levels.items()}
        ranked = []
        for index, option in enumerate(options):
            if index in named:
                region = named[index]
                others = [excess[other] for other in levels if other != region]
                ranked.append((shortfall[region] + max(others, default=0.0), index))
            elif _WHOLE_IMAGE.match(option):
                ranked.append((sum(shortfall.values()), index))
            elif _NO_PART.match(option):
                ranked.append((max(excess.values(), default=0.0), index))
        return option_letter(min(ranked)[1])

    def _true_false(self, row: Mapping[str, Any], attribute: str | None) -> str | None:
        claim = read_claim(str(row.get("question") or ""), attribute_hint=attribute)
        if claim is None:
            return None
        return "True" if claim_distance(claim, self.verdict(row, claim.attribute)) == 0.0 else "False"

    def _sentence(self, row: Mapping[str, Any], attribute: str) -> str:
        verdict = self.verdict(row, attribute)
        where = f"The {row.get('region')}" if row.get("region") else "The image"
        degree = _DEGREES[verdict.severity]
        if attribute == "exposure":
            if verdict.severity == 0:
                return f"{where} is well exposed, with {degree} over- or underexposure."
            return f"{where} is {degree}ly {verdict.direction}exposed."
        if attribute == "colour_cast" and verdict.severity > 0:
            return f"{where} shows a {degree} {verdict.direction} colour cast."
        return f"{where} shows {degree} {_NOUNS[attribute]}."
