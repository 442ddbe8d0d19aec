"""The quality vocabulary the open-ended proxy reads claims with.

Each entry maps a phrase (lower-case words, as :func:`tokenize` splits them) to what it
says: one or more ``(attribute, value)`` claims, a region, a severity, a negator, a side
word ("left", "right"...) or a clause context. Synonyms share a claim ("grainy" and
"noisy" both say ``("noise", "+")``) and antonyms share an attribute with another value
("sharp" is ``("blur", "-")``, "too dark" is ``("exposure", "under")`` against
``("exposure", "over")``). ``("any", "-")`` is "nothing wrong here" (clean, fine,
realistic, none): it agrees with every absent flaw and contradicts every present one.

>>> PHRASES[("camera", "shake")]
(('blur_kind', 'motion'),)
>>> PHRASES[("backdrop",)], PHRASES[("tack", "sharp")]
(('region', 'background'), (('blur', '-'),))
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_TOKEN = re.compile(r"[a-z0-9]+|[.,;:!?()]")

Claim = tuple[str, str]  # (attribute, value); value "+" present, "-" absent, or a named value


def words(text: str) -> list[str]:
    """The space-separated words of a vocabulary line.

    >>> words("grain grainy")
    ['grain', 'grainy']
    """
    return text.split()


def tokenize(text: str) -> list[str]:
    """Lower-case word and punctuation tokens; hyphens and apostrophes split words.

    >>> tokenize("Slightly out-of-focus, isn't it?")
    ['slightly', 'out', 'of', 'focus', ',', 'isn', 't', 'it', '?']
    """
    return _TOKEN.findall(text.lower())


# Claims: "attribute=value" -> phrases naming it. Several claims may share a phrase key
# only through _MULTI below.
_CLAIMS: dict[str, list[str]] = {
    "blur=+": "blur blurry blurred blurring blurriness unsharp fuzzy hazy soft softness unfocused | "
    "out of focus | not in focus | lacks focus | lost focus",
    "blur=-": "sharp sharply sharpness crisp crisply focused | in focus | tack sharp | well focused | "
    "razor sharp | clear detail | sharply focused",
    "noise=+": "noise noisy grain grainy graininess speckle speckles speckled mottled | sensor noise | "
    "high iso | salt and pepper",
    "noise=-": "noiseless | noise free",
    "compression=+": "compression compressed jpeg blocky blocking macroblocking banding ringing "
    "artifacts artefacts artifact artefact blocks | block artifacts | compression artifacts",
    "pixelation=+": "pixelated pixelation pixelized jagged aliasing | low resolution | low res | upscaled",
    "exposure=over": "overexposed overexposure blown clipped | over exposed | too bright | blown out | "
    "washed out | burnt out | burned out | far too bright | overly bright",
    "exposure=under": "underexposed underexposure dim murky gloomy | under exposed | too dark | "
    "very dark | crushed shadows | crushed blacks | poorly lit | low light",
    "exposure=good": "| well exposed | correctly exposed | properly exposed | well lit | balanced exposure | "
    "good exposure | exposure is fine",
    "cast=+": "cast tint tinted tinge discoloured discolored | colour cast | color cast | "
    "white balance | colours are off | colors are off",
    "cast=none": "neutral | accurate colours | accurate colors | true to life colours | natural colours | "
    "natural colors",
    "tilt=+": "tilted tilt skewed crooked askew slanted slanting leaning leans lean rotated | "
    "not level | off level",
    "tilt=-": "level straight upright",
    "crop=+": "cramped tight | cut off | cuts off | cuts through | cropped off | cut through | chopped off",
    "crop=-": "| comfortable headroom | enough headroom | room above the head | plenty of headroom",
    "clutter=+": "cluttered clutter busy distracting distract distracts messy | draw the eye away | "
    "draws the eye away | pull attention | pulls attention | steal attention",
    "clutter=-": "unobtrusive uncluttered plain simple minimal | not distracting",
    "merge=+": "fused fuse fuses fusing merged merge merges merging melts melt melting melted | "
    "blends into | blend into | bleeds into | runs into | grown together",
    "merge=-": "separated separation distinct | stands out | well separated",
    "smear=+": "smeared smear smears smudged smudge smudgy mush mushy blob blobby muddy mess | "
    "dissolve into | dissolves into",
    "repetition=+": "repetitive repeats repeating repeated tiled tiling | copy pasted",
    "incoherence=+": "illogical nonsensical incoherent inconsistent | make no sense | makes no sense | "
    "does not make sense | impossible structures",
    "incoherence=-": "coherent logical consistent",
    "malformation=+": "malformed malformation deformed deformation deformity distorted distortion "
    "misshapen mangled warped twisted mutated misplaced broken bent bends bend | anatomical errors | "
    "anatomical error | impossible angle | wrong place | wrong shape | bends backwards",
    "malformation=-": "| anatomically correct | well formed | plausible places | plausible place | "
    "where they should be | correctly formed",
    "finger_count=extra": "| extra finger | extra fingers | six fingers | too many fingers | "
    "additional finger | extra digit | extra digits",
    "finger_count=missing": "| missing finger | missing a finger | four fingers | too few fingers | "
    "missing fingers",
    "asymmetry=+": "asymmetric asymmetrical asymmetry lopsided uneven mismatched unequal | "
    "do not match | don t match | different sizes | different size",
    "asymmetry=-": "symmetrical symmetric matching | match each other | perfectly symmetrical",
    "artificial=+": "unnatural unnaturally artificial fake plastic plasticky waxy airbrushed uncanny "
    "forced synthetic | doll like | too smooth | overly smooth | unnaturally smooth",
    "stiffness=+": "stiff rigid awkward posed | wooden pose",
    "stiffness=-": "relaxed candid",
    "lighting=hard": "harsh hard | hard light | harsh light | strong light | high contrast",
    "lighting=soft": "| soft light | soft lighting | diffuse | diffused | softly lit",
    "lighting=flat": "flat dull lifeless | flat lighting | flat light",
    "evenness=even": "| even lighting | evenly lit | even light",
    "evenness=uneven": "| uneven lighting | unevenly lit | uneven look | patchy light",
    "appeal=good": "pleasing beautiful beautifully harmonious harmony cohesive complement complements "
    "excellent appealing lovely attractive stunning elegant suits | works well",
    "appeal=poor": "poor unpleasant unappealing unflattering ugly garish clash clashes clashing "
    "awkwardly bad low",
    "appeal=average": "average mediocre ordinary decent okay",
    "dof=shallow": "| shallow depth of field | shallow focus | creamy bokeh",
    "dof=deep": "| deep depth of field | everything is sharp | everything in focus",
    "style=oil": "oil impasto brushwork | oil painting | brush strokes | brushstrokes | oil paint",
    "style=watercolour": "watercolour watercolor | watercolour wash | watercolor wash",
    "style=sketch": "sketch pencil charcoal drawing | line drawing",
    "style=photo": "photographic photorealistic | normal photo | real photograph | realistic photograph",
    "style=cartoon": "cartoon anime cartoonish comic",
    "style=painting": "painterly painted painting",
    "any=-": "clean fine flawless pristine perfect unaffected normal correct realistic "
    "natural lifelike believable genuine proper | no problems | no problem | no issues | "
    "no distortion | no visible distortion | nothing wrong | no errors | none | looks good",
}

# Phrases that say two things at once.
_MULTI: dict[str, tuple[Claim, ...]] = {
    # a kind of blur says blur too (see open_ended.relation)
    "motion blur": (("blur_kind", "motion"),),
    "motion blurred": (("blur_kind", "motion"),),
    "camera shake": (("blur_kind", "motion"),),
    "shaky": (("blur_kind", "motion"),),
    "streaked": (("blur_kind", "motion"),),
    "streaks": (("blur_kind", "motion"),),
    "defocus": (("blur_kind", "defocus"),),
    "defocus blur": (("blur_kind", "defocus"),),
    "focus blur": (("blur_kind", "defocus"),),
    "clipped highlights": (("exposure", "over"),),
    "blown highlights": (("exposure", "over"),),
}

COLOURS: dict[str, str] = {
    **dict.fromkeys(words("yellow yellowish warm amber orange orangey golden sepia"), "yellow"),
    **dict.fromkeys(words("blue bluish cool cold cyan"), "blue"),
    **dict.fromkeys(words("green greenish"), "green"),
    **dict.fromkeys(words("magenta pink pinkish purple red reddish"), "magenta"),
}

REGIONS: dict[str, str] = {
    **dict.fromkeys(words("eye eyes iris irises pupil pupils eyelashes eyelid eyelids"), "eyes"),
    **dict.fromkeys(words("hair hairline beard eyebrow eyebrows strands"), "hair"),
    **dict.fromkeys(
        words(
            "face facial cheek cheeks forehead chin jaw head skin complexion subject person model portrait "
            "sitter"
        ),
        "face",
    ),
    **dict.fromkeys(words("mouth lips lip teeth smile grin"), "mouth"),
    **dict.fromkeys(words("nose ear ears"), "face"),
    **dict.fromkeys(words("hand hands finger fingers thumb thumbs fist digits palm"), "hands"),
    **dict.fromkeys(words("background backdrop surroundings bokeh scene elsewhere"), "background"),
    **dict.fromkeys(words("body shoulder shoulders neck torso arm arms pose posture"), "body"),
    **dict.fromkeys(words("clothing clothes fabric cloth shirt dress jacket"), "body"),
    **dict.fromkeys(words("jewellery jewelry earring earrings necklace"), "jewellery"),
    **dict.fromkeys(words("whole entire everywhere throughout overall everything"), "all"),
}
REGION_PHRASES: dict[str, str] = {
    "rest of the image": "background",
    "rest of the photo": "background",
    "rest of the picture": "background",
    "the rest": "background",
    "everything else": "background",
    "all over": "all",
    "across the image": "all",
}

SEVERITY: dict[str, int] = {
    **dict.fromkeys(words("slight slightly mild mildly minor faint faintly subtle subtly softly little"), 1),
    **dict.fromkeys(words("moderate moderately noticeable noticeably somewhat medium some"), 2),
    **dict.fromkeys(
        words(
            "severe severely heavy heavily strong strongly very extremely significant significantly serious "
            "badly far much clearly thick major massive intense"
        ),
        3,
    ),
    "a bit": 1,
    "a little": 1,
    "a touch": 1,
}

NEGATORS = frozenset(
    words("no not without never nor lacks lack lacking free isn aren doesn don didn wasn hardly")
)
NEGATION_SCOPE = 4  # a negator reaches the next four words of its clause
CLAUSE_BREAKS = frozenset(".;:!?()") | frozenset(
    words("but while whereas although though however yet except apart")
)
SOFT_BREAKS = frozenset({",", "and"})  # end negation scope, keep the clause's regions

SIDES: dict[str, str] = {"left": "left", "right": "right"}
SIDE_PHRASES: dict[str, str] = {
    "from the left": "left",
    "from left": "left",
    "from the right": "right",
    "from right": "right",
    "from above": "above",
    "lit from above": "above",
    "top lighting": "above",
    "top light": "above",
    "overhead": "above",
    "from below": "below",
    "from underneath": "below",
}
POSITIONS: dict[str, str] = {
    **dict.fromkeys(["centred", "centered", "central", "centre", "center", "in the middle"], "centre"),
    **dict.fromkeys(["off centre", "off center", "off centred", "off centered"], "off"),
}
LIGHT_WORDS = frozenset(words("light lit lighting illuminated bright brighter brightly sunlit"))
SHADOW_WORDS = frozenset(words("shadow shadows shade shaded dark darker darkness"))
SPACE_WORDS = frozenset(words("empty space room negative area gap"))
YES = frozenset(words("yes yeah yep indeed correct"))
NO = frozenset(words("no nope"))
YES_NO_QUESTION = frozenset(words("is are does do did has have can could was were would should"))

#: Values of one attribute that half agree (vague against specific).
PARTIAL_VALUES = frozenset(
    {("position", "off", "left"), ("position", "off", "right"), ("style", "painting", "oil")}
    | {("style", "painting", "watercolour"), ("appeal", "average", "poor"), ("appeal", "average", "good")}
    | {("cast", "+", colour) for colour in ("yellow", "blue", "green", "magenta")}
)


def _phrases(spec: str) -> Iterable[tuple[str, ...]]:
    words, _, phrases = spec.partition("|")
    yield from ((word,) for word in words.split())
    yield from (tuple(phrase.split()) for phrase in phrases.split("|") if phrase.strip())


def _build() -> dict[tuple[str, ...], object]:
    table: dict[tuple[str, ...], object] = {}
    for key, spec in _CLAIMS.items():
        attribute, _, value = key.partition("=")
        for phrase in _phrases(spec):
            table[phrase] = ((attribute, value),)
    table.update({tuple(p.split()): claims for p, claims in _MULTI.items()})
    table.update({(word,): ("colour", value) for word, value in COLOURS.items()})
    table.update({(word,): ("region", region) for word, region in REGIONS.items()})
    table.update({tuple(p.split()): ("region", region) for p, region in REGION_PHRASES.items()})
    table.update({tuple(p.split()): ("severity", level) for p, level in SEVERITY.items()})
    table.update({(word,): ("side", side) for word, side in SIDES.items()})
    table.update({tuple(p.split()): ("light_side", side) for p, side in SIDE_PHRASES.items()})
    table.update({tuple(p.split()): (("position", value),) for p, value in POSITIONS.items()})
    return table


#: Phrase -> a tuple of claims, or a ("region" | "severity" | "colour" | "side" | "light_side", value) pair.
PHRASES: dict[tuple[str, ...], object] = _build()
LONGEST_PHRASE = max(len(phrase) for phrase in PHRASES)
PHRASE_STARTS = frozenset(phrase[0] for phrase in PHRASES)
#: Every proper beginning of a phrase of two or more words, so a match grows word by word.
PHRASE_PREFIXES = frozenset(phrase[:end] for phrase in PHRASES for end in range(1, len(phrase)))
