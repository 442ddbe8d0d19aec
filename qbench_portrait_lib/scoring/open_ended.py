"""The offline proxy score for open-ended answers (deterministic, in [0, 1]).

It is a *proxy*, not the paper's judged score: it rewards a response that names the
same quality attributes as the reference — severity words, distortion names and image
regions, each with its polarity ("no noise" is not "noise") — and that shares its words.

``proxy = 0.5 * term_f1 + 0.5 * token_f1`` when the reference names quality terms, else
``token_f1``; the best over the reference answers counts. Both F1s are set/bag overlaps
of normalised lower-case tokens; articles and a few function words are ignored. Text is
scanned once, left to right, so the cost is linear in its length.

>>> round(proxy_score("The background is severely blurred.", ["The background is heavily blurred."]), 3)
0.833
>>> proxy_score("There is no noise in the face.", ["The face shows strong noise."])
0.45
>>> proxy_score(None, ["Sharp eyes."])
0.0
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

_TOKEN = re.compile(r"[a-z0-9]+|[.,;:!?]")
_CLAUSE_BREAKS = frozenset(".,;:!?") | {"but", "while", "although", "though", "whereas", "however"}
_NEGATORS = frozenset(
    {"no", "not", "without", "never", "none", "lacks", "lack", "free", "nor", "isn", "doesn"}
)
_NEGATION_SCOPE = 3  # a negator reaches the next three words of its clause
_IGNORED = frozenset(
    {"a", "an", "the", "is", "are", "was", "were", "be", "of", "in", "on", "at", "it", "its"}
)


def _lexicon(groups: dict[str, Iterable[str]]) -> dict[tuple[str, ...], str]:
    return {tuple(phrase.split()): concept for concept, phrases in groups.items() for phrase in phrases}


# Surface phrases (already tokenised by _TOKEN) mapped to the concept they name.
_TERMS: dict[tuple[str, ...], str] = _lexicon(
    {
        # severity, coarse ordinal buckets
        # "no", "none" and "without" are negators: the absence of a flaw reads as "not:<flaw>"
        "severity:none": ["clean", "flawless", "pristine", "perfect"],
        "severity:slight": ["slight", "slightly", "mild", "mildly", "minor", "little", "faint", "subtle"],
        "severity:moderate": ["moderate", "moderately", "noticeable", "noticeably", "somewhat", "medium"],
        "severity:severe": [
            "severe",
            "severely",
            "heavy",
            "heavily",
            "strong",
            "strongly",
            "very",
            "extremely",
            "significant",
            "significantly",
            "serious",
            "seriously",
            "obvious",
        ],
        # technical distortions
        "blur": ["blur", "blurry", "blurred", "blurriness", "out of focus", "soft", "unsharp", "defocus"],
        "motion_blur": ["motion blur", "motion blurred", "camera shake"],
        "sharp": ["sharp", "sharpness", "crisp", "in focus", "clear", "clarity", "detailed"],
        "noise": ["noise", "noisy", "grain", "grainy", "speckle", "speckles"],
        "compression": ["compression", "jpeg", "artifact", "artifacts", "artefacts", "blocky", "blocking"],
        "overexposure": [
            "overexposed",
            "overexposure",
            "over exposed",
            "blown out",
            "too bright",
            "washed out",
        ],
        "underexposure": ["underexposed", "underexposure", "under exposed", "too dark", "dark", "dim"],
        "exposure": ["exposure", "exposed", "brightness", "lighting", "bright"],
        "contrast": ["contrast"],
        "color": ["color", "colour", "colors", "colours", "color cast", "saturation", "saturated", "tint"],
        "pixelation": ["pixelated", "pixelation", "pixel", "pixels", "low resolution"],
        # AIGC-specific distortions
        "malformation": [
            "malformed",
            "malformation",
            "deformed",
            "deformation",
            "distorted",
            "distortion",
            "extra fingers",
            "extra finger",
            "missing fingers",
            "fused",
            "mutated",
        ],
        "asymmetry": ["asymmetric", "asymmetry", "asymmetrical", "uneven", "mismatched"],
        "unnatural": [
            "unnatural",
            "artificial",
            "plastic",
            "waxy",
            "fake",
            "uncanny",
            "smooth",
            "airbrushed",
        ],
        "natural": ["natural", "realistic", "lifelike", "real"],
        "texture": ["texture", "textures", "pores", "detail"],
        # aesthetics
        "composition": [
            "composition",
            "composed",
            "framing",
            "framed",
            "centered",
            "cropped",
            "rule of thirds",
        ],
        "aesthetic_good": ["pleasing", "beautiful", "harmonious", "good", "excellent"],
        "aesthetic_bad": ["poor", "bad", "unpleasant", "cluttered", "distracting", "awkward"],
        # regions
        "region:eyes": ["eye", "eyes", "eyelashes", "iris", "pupils"],
        "region:hair": ["hair", "hairline", "beard", "eyebrows", "eyebrow"],
        "region:face": ["face", "facial", "cheek", "cheeks", "forehead", "chin", "jaw"],
        "region:skin": ["skin", "complexion"],
        "region:mouth": ["mouth", "lips", "lip", "teeth", "smile"],
        "region:nose": ["nose"],
        "region:ears": ["ear", "ears"],
        "region:hands": ["hand", "hands", "finger", "fingers", "fist"],
        "region:background": ["background", "backdrop", "surroundings", "bokeh"],
        "region:body": [
            "body",
            "shoulders",
            "shoulder",
            "neck",
            "clothing",
            "clothes",
            "torso",
            "arm",
            "arms",
        ],
    }
)
_LONGEST_TERM = max(len(phrase) for phrase in _TERMS)
_TERM_STARTS = frozenset(phrase[0] for phrase in _TERMS)  # most tokens start no term: skip them fast


def tokenize(text: str) -> list[str]:
    """Lower-case word and punctuation tokens.

    >>> tokenize("Slightly blurry, isn't it?")
    ['slightly', 'blurry', ',', 'isn', 't', 'it', '?']
    """
    return _TOKEN.findall(text.lower())


def quality_terms(tokens: Sequence[str]) -> frozenset[str]:
    """The quality concepts a text names, ``"not:"``-prefixed when negated.

    The longest phrase wins at each position ("motion blur" over "blur").

    >>> sorted(quality_terms(tokenize("No noise, but the eyes are slightly blurry.")))
    ['blur', 'not:noise', 'region:eyes', 'severity:slight']
    """
    found: set[str] = set()
    negated_until = -1
    position = 0
    while position < len(tokens):
        token = tokens[position]
        if token in _CLAUSE_BREAKS:
            negated_until = -1
            position += 1
            continue
        if token in _NEGATORS:
            negated_until = position + _NEGATION_SCOPE
        if token not in _TERM_STARTS:
            position += 1
            continue
        for length in range(min(_LONGEST_TERM, len(tokens) - position), 0, -1):
            concept = _TERMS.get(tuple(tokens[position : position + length]))
            if concept is not None:
                negated = position <= negated_until and not concept.startswith("region:")
                found.add(f"not:{concept}" if negated else concept)
                position += length
                break
        else:
            position += 1
    return frozenset(found)


def _f1(overlap: float, predicted: int, reference: int) -> float:
    if overlap == 0:
        return 0.0
    precision, recall = overlap / predicted, overlap / reference
    return 2 * precision * recall / (precision + recall)


def token_f1(response_tokens: Sequence[str], reference_tokens: Sequence[str]) -> float:
    """Bag-of-words F1 over content tokens (punctuation and function words dropped).

    >>> token_f1(tokenize("the eyes are sharp"), tokenize("Sharp eyes."))
    1.0
    """
    response = Counter(t for t in response_tokens if t.isalnum() and t not in _IGNORED)
    reference = Counter(t for t in reference_tokens if t.isalnum() and t not in _IGNORED)
    overlap = sum((response & reference).values())
    return _f1(overlap, sum(response.values()), sum(reference.values()))


def _proxy_against(response_tokens: list[str], response_terms: frozenset[str], reference: str) -> float:
    reference_tokens = tokenize(reference)
    words = token_f1(response_tokens, reference_tokens)
    reference_terms = quality_terms(reference_tokens)
    if not reference_terms:
        return words
    terms = _f1(len(response_terms & reference_terms), len(response_terms), len(reference_terms))
    return 0.5 * terms + 0.5 * words


def proxy_score(response: str | None, references: Sequence[str]) -> float:
    """The proxy score of ``response`` against its best-matching reference answer."""
    if not response or not response.strip() or not references:
        return 0.0
    response_tokens = tokenize(response)
    response_terms = quality_terms(response_tokens)
    return max(_proxy_against(response_tokens, response_terms, reference) for reference in references)
