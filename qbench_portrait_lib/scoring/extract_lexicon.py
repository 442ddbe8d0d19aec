"""The quality vocabulary read by statement-aware true/false, and Chinese option names.

:data:`QUALITY_TERMS` maps a phrase (lower case, words separated by spaces) to the
(concept, value) pairs it asserts: "blurry" asserts ``("sharpness", "-")``, "overexposed"
``("exposure", "over")``. A concept whose values are only "+" and "-" is *binary*: a
negated term asserts the other value ("not sharp" is blurry). A phrase may belong to
several concepts ("waxy" is unnatural and over-smoothed); a claim reads only its own.

:data:`REGION_GROUPS` names the parts of a portrait, so that a statement about another
part ("the ears are soft" for a claim about the mouth) is not read as an answer.

:data:`CHINESE_NAMES` gives the Chinese names of common English option texts ("Blur" ->
模糊); :func:`chinese_aliases` keeps only the names that single out one option.

>>> QUALITY_TERMS["out of focus"], is_binary("sharpness"), is_binary("exposure")
((('sharpness', '-'),), True, False)
>>> chinese_aliases(("Blur", "Motion blur", "Noise"))
(('模糊', 0), ('运动模糊', 1), ('动态模糊', 1), ('噪声', 2), ('噪点', 2), ('噪音', 2))
"""

from __future__ import annotations

from functools import lru_cache

from qbench_portrait_lib.contract.options import normalize_option

_SHARP_PLUS = "sharp sharply crisp crispy detailed focused defined razor-sharp tack-sharp"
_SHARP_MINUS = (
    "blurry blurred blur blurring soft softness fuzzy smeared smudged hazy defocused unfocused mushy"
)

_RAW: tuple[tuple[str, str, str], ...] = (
    # (concept, value, phrases separated by commas or spaces-within-commas)
    ("sharpness", "+", ",".join(_SHARP_PLUS.split()) + ",in focus,tack sharp,well defined,in sharp focus"),
    ("sharpness", "-", ",".join(_SHARP_MINUS.split()) + ",out of focus,motion blur,not in focus"),
    ("noise", "+", "noisy,noise,grain,grainy,speckled,speckles,chroma noise,noisier"),
    ("noise", "-", "clean,noise-free,noiseless,smooth,grain-free"),
    (
        "natural",
        "+",
        "natural,naturally,realistic,lifelike,life-like,photographic,real,normal,believable,pores",
    ),
    (
        "natural",
        "-",
        "artificial,unnatural,unnaturally,plastic,plasticky,waxy,fake,synthetic,cgi,doll-like,airbrushed,"
        "over-smoothed,oversmoothed,smoothed,unrealistic,fused,uncanny,ai-generated,rubbery",
    ),
    (
        "smoothing",
        "+",
        "over-smoothed,oversmoothed,smoothed,airbrushed,plastic,plasticky,waxy,smooth,rubbery",
    ),
    ("smoothing", "-", "pores,textured,fine lines,natural texture"),
    (
        "malformation",
        "+",
        "malformed,deformed,distorted,extra fingers,extra finger,six fingers,seven fingers,misshapen,"
        "mangled,fused,extra,warped,twisted,mutated,unnaturally,missing fingers,four fingers",
    ),
    (
        "malformation",
        "-",
        "five fingers,anatomically correct,normal,fine,intact,proper,well formed,well-formed",
    ),
    ("symmetry", "+", "symmetric,symmetrical,matching,identical"),
    ("symmetry", "-", "asymmetric,asymmetrical,mismatched,uneven,lopsided,misshapen,different sizes"),
    ("legibility", "+", "legible,readable"),
    ("legibility", "-", "illegible,unreadable,garbled,gibberish,nonsensical,jumble,scrambled"),
    ("eyelids", "+", "open"),
    ("eyelids", "-", "closed,shut"),
    ("clutter", "+", "cluttered,busy,messy,distracting"),
    ("clutter", "-", "plain,uncluttered,minimal,simple,empty"),
    (
        "color_cast",
        "+",
        "color cast,colour cast,tint,tinted,cast,green,greenish,magenta,orange,yellowish,bluish,warm,"
        "colour shift,color shift",
    ),
    ("color_cast", "-", "neutral,accurate colors,accurate colours"),
    (
        "artifacts",
        "+",
        "artifacts,artifact,artefacts,artefact,blocky,blocking,blocks,compression,banding,bands,posterization,halos",
    ),
    ("artifacts", "-", "clean,smooth,artifact-free"),
    ("contrast", "+", "good contrast,high contrast,strong contrast,punchy,contrasty"),
    ("contrast", "-", "poor contrast,low contrast,flat,washed out,washed-out,poor,dull"),
    ("vividness", "+", "vivid,saturated,vibrant,colorful,colourful,rich"),
    ("vividness", "-", "muted,desaturated,dull,washed out,washed-out,faded,pale,bland"),
    ("harshness", "+", "harsh,hard,contrasty"),
    ("harshness", "-", "soft,diffused,diffuse,gentle,flat,even"),
    ("evenness", "+", "even,uniform,balanced,evenly"),
    ("evenness", "-", "uneven,patchy,shadow,shadowed,shadows"),
    ("lit", "+", "well lit,well-lit,bright,brightly lit"),
    ("lit", "-", "poorly lit,dark,dim,underlit,under-lit,in shadow"),
    ("exposure", "over", "overexposed,over-exposed,blown out,blown,clipped,too bright,blown-out"),
    ("exposure", "under", "underexposed,under-exposed,too dark,dark,crushed,murky"),
    (
        "exposure",
        "well",
        "well exposed,well-exposed,properly exposed,correctly exposed,well balanced,balanced",
    ),
    ("composition", "+", "well composed,well-composed,well framed,well-framed,balanced"),
    ("composition", "-", "cut off,cropped,awkward,poorly composed,badly framed,cramped"),
    ("centering", "+", "centered,centred,in the center,in the centre,central,in the middle"),
    ("centering", "-", "off-center,off-centre,off center,left third,right third,off to the side"),
)


def _build() -> dict[str, tuple[tuple[str, str], ...]]:
    table: dict[str, list[tuple[str, str]]] = {}
    for concept, value, phrases in _RAW:
        for phrase in phrases.split(","):
            table.setdefault(phrase, []).append((concept, value))
    return {phrase: tuple(pairs) for phrase, pairs in table.items()}


#: phrase -> the (concept, value) pairs it asserts.
QUALITY_TERMS: dict[str, tuple[tuple[str, str], ...]] = _build()
#: first word -> the phrases starting with it, as word tuples, longest first.
PHRASES_BY_FIRST_WORD: dict[str, tuple[tuple[str, ...], ...]] = {}
for _phrase in sorted(QUALITY_TERMS, key=lambda p: -len(p.split())):
    _words = tuple(_phrase.split())
    PHRASES_BY_FIRST_WORD[_words[0]] = (*PHRASES_BY_FIRST_WORD.get(_words[0], ()), _words)

_NON_BINARY = frozenset({"exposure"})


def is_binary(concept: str) -> bool:
    """True when ``concept`` has only the values "+" and "-"."""
    return concept not in _NON_BINARY


_GROUPS = {
    "eyes": "eyes eye lashes eyelashes iris irises pupil pupils eyelids",
    "hair": "hair hairline strands",
    "background": "background wall sky backdrop bokeh",
    "mouth": "mouth lips lip teeth tooth smile",
    "hands": "hands hand fingers finger thumb palm",
    "face": "face",
    "cheeks": "cheeks cheek",
    "ears": "ears ear",
    "skin": "skin pores complexion",
    **{part: part for part in ("forehead", "chin", "jaw", "nose")},
    "text": "text lettering letters sign writing",
}
#: word -> the region group it names ("lashes" -> "eyes").
REGION_GROUPS: dict[str, str] = {word: group for group, words in _GROUPS.items() for word in words.split()}
_FACE_PARTS = ("eyes", "mouth", "cheeks", "ears", "skin", "forehead", "chin", "jaw", "nose")


def with_parents(groups: frozenset[str]) -> frozenset[str]:
    """``groups`` and the regions holding them (a part of the face is also the face).

    >>> sorted(with_parents(frozenset({"chin"})))
    ['chin', 'face']
    """
    return groups | {"face"} if any(group in _FACE_PARTS for group in groups) else groups


#: Chinese names of common English option texts (normalised English -> names).
CHINESE_NAMES: dict[str, tuple[str, ...]] = {
    "blur": ("模糊",),
    "motion blur": ("运动模糊", "动态模糊"),
    "noise": ("噪声", "噪点", "噪音"),
    "overexposure": ("过曝", "曝光过度"),
    "overexposed": ("过曝", "曝光过度"),
    "underexposure": ("欠曝", "曝光不足"),
    "underexposed": ("欠曝", "曝光不足"),
    "well exposed": ("曝光正常", "曝光良好", "曝光适中"),
    "color cast": ("色偏", "偏色"),
    "jpeg blocking": ("块效应", "方块"),
    "jpeg artifacts": ("压缩伪影", "块效应"),
    "eyes": ("眼睛", "双眼"),
    "hair": ("头发",),
    "background": ("背景",),
    "mouth": ("嘴巴", "嘴唇"),
    "centered": ("居中",),
    "rule of thirds": ("三分法",),
    "extra fingers": ("多余的手指", "多指"),
    "waxy skin": ("蜡质皮肤", "蜡状皮肤"),
    "sharp": ("清晰",),
    "slightly blurry": ("轻微模糊", "有点模糊", "稍微模糊"),
    "very blurry": ("非常模糊", "很模糊", "严重模糊"),
}


@lru_cache(maxsize=1024)
def chinese_aliases(options: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """(Chinese name, option index) for the options whose English text has Chinese names,
    keeping only names that single out one option (never one that is part of another
    option's name, unless that longer name also belongs to an option: longest wins)."""
    found: list[tuple[str, int]] = []
    for index, text in enumerate(options):
        found.extend((name, index) for name in CHINESE_NAMES.get(normalize_option(text), ()))
    names = [name for name, _ in found]
    return tuple((name, index) for name, index in found if names.count(name) == 1 and len(name) > 1)
