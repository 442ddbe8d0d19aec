"""The vocabulary the open-ended proxy reads claims with: claims, regions, severities, sides.

Each entry maps a phrase (lower-case words, as :func:`tokenize` splits them) to what it
says: one or more ``(attribute, value)`` claims (from :mod:`open_ended_vocabulary`), a
region, a severity, a negator, a side word ("left", "right"...) or a clause context.
``("any", "-")`` is "nothing wrong here" (clean, fine, realistic, none): it agrees with
every absent flaw and contradicts every present one.

>>> PHRASES[("camera", "shake")]
(('blur_kind', 'motion'),)
>>> PHRASES[("backdrop",)], PHRASES[("tack", "sharp")]
(('region', 'background'), (('blur', '-'),))
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from qbench_portrait_lib.scoring.open_ended_vocabulary import CLAIMS, MULTI, NOTHING

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


COLOURS: dict[str, str] = {
    **dict.fromkeys(words("yellow yellowish warm amber orange orangey golden sepia"), "yellow"),
    **dict.fromkeys(words("blue bluish cool cold cyan teal"), "blue"),
    **dict.fromkeys(words("green greenish"), "green"),
    **dict.fromkeys(words("magenta pink pinkish purple red reddish"), "magenta"),
}

REGIONS: dict[str, str] = {
    **dict.fromkeys(words("eye eyes iris irises pupil pupils eyelashes eyelid eyelids gaze"), "eyes"),
    **dict.fromkeys(words("hair hairline beard eyebrow eyebrows strands"), "hair"),
    **dict.fromkeys(
        words(
            "face facial cheek cheeks forehead chin jaw head skin complexion subject person model portrait "
            "sitter features expression expressions nostril nostrils lobe earlobe earlobes"
        ),
        "face",
    ),
    **dict.fromkeys(words("mouth lips lip teeth smile grin"), "mouth"),
    **dict.fromkeys(words("nose ear ears"), "face"),
    **dict.fromkeys(
        words("hand hands finger fingers thumb thumbs fist digits palm wrist wrists nails"), "hands"
    ),
    **dict.fromkeys(
        words(
            "background backdrop surroundings bokeh scene elsewhere behind wall walls window windows "
            "building buildings architecture door doorway sky street horizon"
        ),
        "background",
    ),
    **dict.fromkeys(
        words("body shoulder shoulders neck torso arm arms pose posture forearm forearms"), "body"
    ),
    **dict.fromkeys(words("elbow elbows joints limb limbs"), "body"),
    **dict.fromkeys(words("leg legs knee knees ankle ankles thigh thighs feet foot toes"), "legs"),
    **dict.fromkeys(words("clothing clothes fabric cloth shirt dress jacket collar strap straps"), "body"),
    **dict.fromkeys(words("jewellery jewelry earring earrings necklace chain pendant bracelet"), "jewellery"),
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
    **dict.fromkeys(["behind the subject", "behind her", "behind him", "behind them"], "background"),
    **dict.fromkeys(["behind the person", "behind the model"], "background"),
}

SEVERITY: dict[str, int] = {
    **dict.fromkeys(
        words("slight slightly mild mildly minor faint faintly subtle subtly softly little tiny"), 1
    ),
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
    words("no not without never nor lacks lack lacking free isn aren doesn don didn wasn hardly zero")
)
NEGATION_SCOPE = 4  # a negator reaches the next four words of its clause
CLAUSE_BREAKS = frozenset(".;:!?") | frozenset(
    words("but while whereas although though however yet except apart rather instead")
)
#: Breaks after which a clause without regions does not take the regions of the next one.
STRONG_BREAKS = frozenset(".;!?")
SOFT_BREAKS = frozenset({",", "and"})  # end negation scope, keep the clause's regions

SIDES: dict[str, str] = {"left": "left", "right": "right", "above": "above", "below": "below"}
#: A side word names a side after one of these (two words back at most: "on the left")...
SIDE_LEADS = frozenset(words("on to from at toward towards into against top bottom upper lower far"))
#: ... or before one of these ("the left edge"); else it is a verb or adverb ("no detail left").
SIDE_NOUNS = frozenset(words("side sides edge edges corner corners third thirds half part portion of"))
SIDE_PHRASES: dict[str, str] = {
    "from the left": "left",
    "from left": "left",
    "from the right": "right",
    "from right": "right",
    "lit from above": "above",
    "top lighting": "above",
    "top light": "above",
    "overhead": "above",
}
POSITIONS: dict[str, str] = {
    **dict.fromkeys(
        ["centred", "centered", "central", "centre", "center", "in the middle", "bullseye"], "centre"
    ),
    **dict.fromkeys(["rule of thirds", "on a third", "on the third", "left third", "right third"], "third"),
    **dict.fromkeys(["off centre", "off center", "off centred", "off centered"], "off"),
}
LIGHT_WORDS = frozenset(words("light lit lighting illuminated brighter brightly sunlit"))
CAMERA_WORDS = frozenset(words("shot taken photographed angle camera viewpoint perspective"))
SHADOW_WORDS = frozenset(words("shadow shadows shade shaded dark darker darkness"))
SPACE_WORDS = frozenset(words("empty space room negative area gap"))
YES = frozenset(words("yes yeah yep indeed correct"))
NO = frozenset(words("no nope"))
PARTLY = frozenset(words("partly partially somewhat"))
#: Words that commit to nothing: an answer hedged with one earns at most half.
HEDGES = frozenset(words("maybe perhaps possibly might"))
#: A region-only clause opening with one of these (or after ":" or "and") places the claims just
#: said ("..., mostly on the cheeks", "Crushed shadows: the hair and the jacket").
ATTACHING = frozenset(
    words("especially mostly mainly particularly largely chiefly on in at around across over along near")
) | {"throughout", ":", "and"}
#: Regions that lie inside another: a claim on the face meets one on the eyes.
PARENT_REGION = {"eyes": "face", "mouth": "face"}
#: Adjectives that, a few words before "light" or "contrast", describe it and not blur ("soft, warm light").
MODIFIERS = frozenset(words("soft softly hard harsh flat dull"))
MODIFIED = frozenset(words("light lighting contrast"))
#: Question words that ask for a verdict: only then must an answer give one ("poor", "pleasing").
RATING = frozenset(words("rate rating quality appeal appealing aesthetic aesthetics"))
#: Question words that ask for a place: a region alone answers them.
WHERE = frozenset(words("where which"))
#: A clause with one of these and a judging verb declines to answer ("I can't tell").
REFUSALS = frozenset(words("cannot unable impossible"))
JUDGING = frozenset(words("tell determine evaluate judge assess answer say know rate"))
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
    for key, spec in CLAIMS.items():
        attribute, _, value = key.partition("=")
        for phrase in _phrases(spec):
            table[phrase] = ((attribute, value),)
    table.update({tuple(p.split()): (tuple(claim.split("=")),) for p, claim in MULTI.items()})
    table.update({tuple(p.split()): ("nothing", "") for p in NOTHING})
    table.update({(word,): ("colour", value) for word, value in COLOURS.items()})
    table.update({(word,): ("region", region) for word, region in REGIONS.items()})
    table.update({tuple(p.split()): ("region", region) for p, region in REGION_PHRASES.items()})
    table.update({tuple(p.split()): ("severity", level) for p, level in SEVERITY.items()})
    table.update({(word,): ("side", side) for word, side in SIDES.items()})
    table.update({tuple(p.split()): ("light_side", side) for p, side in SIDE_PHRASES.items()})
    table.update({tuple(p.split()): (("position", value),) for p, value in POSITIONS.items()})
    return table


#: Phrase -> a tuple of claims, or a (kind, value) pair; kind is region, severity, colour, side,
#: light_side or nothing.
PHRASES: dict[tuple[str, ...], object] = _build()
LONGEST_PHRASE = max(len(phrase) for phrase in PHRASES)
PHRASE_STARTS = frozenset(phrase[0] for phrase in PHRASES)
#: Every proper beginning of a phrase of two or more words, so a match grows word by word.
PHRASE_PREFIXES = frozenset(phrase[:end] for phrase in PHRASES for end in range(1, len(phrase)))
