"""Reading option texts and true/false claims into what image statistics can check.

A :class:`Claim` says which technical attribute a text is about (blur, noise, jpeg,
exposure, colour_cast, resolution), how severe it says the problem is (0 none,
1 slight, 2 moderate, 3 severe; None when the text names the problem without a
degree), and for exposure and colour cast the direction ("over"/"under") or hue
group ("warm", "cool", "green", "magenta"). Keyword lists are fixed; a text they do
not cover reads as ``None`` and the classical baseline falls back to its prior.

>>> read_claim("Slightly blurry")
Claim(attribute='blur', severity=1, direction=None)
>>> read_claim("The background is not noisy.")
Claim(attribute='noise', severity=0, direction=None)
>>> read_claim("Severely overexposed")
Claim(attribute='exposure', severity=3, direction='over')
>>> read_claim("A pretty smile") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ATTRIBUTES: tuple[str, ...] = ("blur", "noise", "jpeg", "exposure", "colour_cast", "resolution")

# Stems matched at word starts, so "blurry" and "blurred" both match "blur".
_ATTRIBUTE_STEMS: dict[str, tuple[str, ...]] = {
    "colour_cast": ("colour cast", "color cast", "cast", "tint", "white balance", "colour", "color", "hue"),
    "jpeg": ("jpeg", "jpg", "compress", "block", "artifact", "artefact", "ringing", "mosquito"),
    "resolution": ("resolution", "low-res", "pixelat", "downscal", "downsampl", "upscal"),
    "noise": ("nois", "grain", "speckle"),
    "exposure": (
        "expos",
        "overexpos",
        "underexpos",
        "bright",
        "dark",
        "dim",
        "washed out",
        "blown",
        "too light",
    ),
    "blur": ("blur", "sharp", "focus", "defocus", "soft", "crisp", "smear", "motion"),
}
# Words that by themselves mean "no problem" for the attribute they describe.
_CLEAN_WORDS: tuple[str, ...] = (
    "sharp",
    "crisp",
    "in focus",
    "well exposed",
    "well-exposed",
    "correctly exposed",
    "properly exposed",
    "normal",
    "natural",
    "neutral",
    "accurate",
    "balanced",
    "clean",
    "high resolution",
    "high-resolution",
    "detailed",
)
_NONE_WORDS = ("none", "no", "not", "free of", "without", "absent", "isn't", "aren't", "is not", "are not")
_SLIGHT_WORDS = ("slight", "slightly", "mild", "mildly", "a little", "minor", "a bit", "faint", "faintly")
_SLIGHT_WORDS += ("light", "lightly", "barely")
_MODERATE_WORDS = ("moderate", "moderately", "some", "noticeable", "noticeably", "clearly", "somewhat")
_SEVERE_WORDS = ("severe", "severely", "very", "heavy", "heavily", "strong", "strongly", "extreme")
_SEVERE_WORDS += ("extremely", "significant", "significantly", "highly", "badly", "major", "intense")
# Exposure direction: stems (any word ending) and whole words.
_OVER_STEMS = ("overexpos", "over-expos", "bright", "blown", "washed", "too light", "glar")
_UNDER_STEMS = ("underexpos", "under-expos", "dark", "dim", "too dull", "gloom", "murk")
_OVER_EXACT = ("over",)
_UNDER_EXACT = ("under",)
_HUE_WORDS: dict[str, tuple[str, ...]] = {
    "warm": ("warm", "red", "orange", "yellow", "reddish", "yellowish", "orange-ish", "amber"),
    "cool": ("cool", "cold", "blue", "bluish", "cyan"),
    "green": ("green", "greenish"),
    "magenta": ("magenta", "purple", "pink", "violet", "purplish"),
}


@dataclass(frozen=True)
class Claim:
    """What a text asserts about one technical attribute (see the module docstring)."""

    attribute: str
    severity: int | None
    direction: str | None


def _has(text: str, words: tuple[str, ...], *, stem: bool = False) -> bool:
    tail = r"\w*" if stem else r"\b"
    return any(re.search(rf"(?<![\w-]){re.escape(word)}{tail}", text) for word in words)


def _first_attribute(text: str) -> str | None:
    """The attribute whose stem appears earliest in ``text`` (ties: the longer stem)."""
    best: tuple[int, int, str] | None = None
    for attribute, stems in _ATTRIBUTE_STEMS.items():
        for stem in stems:
            match = re.search(rf"(?<![\w-]){re.escape(stem)}", text)
            if match and (best is None or (match.start(), -len(stem)) < best[:2]):
                best = (match.start(), -len(stem), attribute)
    return best[2] if best else None


def canonical_attribute(text: str) -> str | None:
    """Map a dataset ``attribute`` value (e.g. "JPEG compression") to one of :data:`ATTRIBUTES`.

    >>> canonical_attribute("Colour cast"), canonical_attribute("hand malformation")
    ('colour_cast', None)
    """
    cleaned = text.lower().replace("_", " ").strip()
    return _first_attribute(cleaned)


def _direction(attribute: str, text: str) -> str | None:
    if attribute == "exposure":
        over = _has(text, _OVER_STEMS, stem=True) or _has(text, _OVER_EXACT)
        under = _has(text, _UNDER_STEMS, stem=True) or _has(text, _UNDER_EXACT)
        return "over" if over and not under else "under" if under and not over else None
    if attribute == "colour_cast":
        hues = [hue for hue, words in _HUE_WORDS.items() if _has(text, words)]
        return hues[0] if len(hues) == 1 else None
    return None


def _severity(text: str) -> int | None:
    """0 no problem, 1 slight, 2 moderate, 3 severe, None a problem of unstated degree."""
    if _has(text, _CLEAN_WORDS):
        severity: int | None = 0
    elif _has(text, _SEVERE_WORDS):
        severity = 3
    elif _has(text, _MODERATE_WORDS):
        severity = 2
    elif _has(text, _SLIGHT_WORDS):
        severity = 1
    else:
        severity = None
    if _has(text, _NONE_WORDS):
        # "not blurry" claims no problem; "not sharp" claims one of unstated degree.
        return None if severity == 0 else 0
    return severity


def _mentions(text: str, attribute: str) -> bool:
    return any(re.search(rf"(?<![\w-]){re.escape(stem)}", text) for stem in _ATTRIBUTE_STEMS[attribute])


def read_claim(text: str, attribute_hint: str | None = None) -> Claim | None:
    """The :class:`Claim` a text makes, or None when it is about none of :data:`ATTRIBUTES`.

    ``attribute_hint`` (a canonical attribute) is used when the text names no
    attribute itself, as in an option "None" or "Severe" under a noise question.

    >>> read_claim("Severe", attribute_hint="noise")
    Claim(attribute='noise', severity=3, direction=None)
    >>> read_claim("Warm (orange) tint")
    Claim(attribute='colour_cast', severity=None, direction='warm')
    """
    lowered = " ".join(text.lower().replace("_", " ").split())
    named = attribute_hint if attribute_hint and _mentions(lowered, attribute_hint) else None
    attribute = named or _first_attribute(lowered)
    if attribute is None:
        if attribute_hint is None:
            return None
        attribute = attribute_hint
    direction = _direction(attribute, lowered)
    severity = _severity(lowered)
    if severity is None and direction is None and not _first_attribute(lowered):
        return None  # a bare word under the hint ("Good", "Unsure") says nothing we can check
    if severity == 0:
        direction = None
    return Claim(attribute=attribute, severity=severity, direction=direction)
