"""Finding answer markers ("the answer is", "I'd go with", "答案") quickly.

A big alternation of phrases is slow in Python's ``re`` (every position tries every
branch), so each :class:`Marker` is found by ``str.find`` on its keyword and then
confirmed by small anchored patterns around that spot. The text is lower-cased.

>>> text = "to answer this: i'd go with b. final answer: c"
>>> [text[start:end] for start, end in find_markers(text, STRONG)]
['answer', "i'd go with", 'answer']
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

_LOOKBEHIND = 30
#: Matched just before a marker: "whether the answer is B", "if it is B" commit to nothing.
CONDITIONAL = re.compile(r"\b(?:whether|if)\b[^.\n]{0,60}$")


class Marker(NamedTuple):
    """A phrase found by its ``keyword``.

    ``phrase`` must match at the keyword and gives the end of the marker; ``before``, a
    pattern ending in ``$``, must match just before the keyword (its start becomes the
    marker start); ``word`` asks for a word boundary before the keyword.
    """

    keyword: str
    phrase: re.Pattern[str]
    before: re.Pattern[str] | None = None
    word: bool = True


def _marker(keyword: str, phrase: str, before: str | None = None, word: bool = True) -> Marker:
    return Marker(keyword, re.compile(phrase), re.compile(before) if before else None, word)


MarkerSet = tuple[tuple[str, bool, tuple[Marker, ...]], ...]


def marker_set(*markers: Marker) -> MarkerSet:
    """Markers grouped by keyword, each group flagged ASCII or not."""
    groups: dict[str, list[Marker]] = {}
    for marker in markers:
        groups.setdefault(marker.keyword, []).append(marker)
    return tuple((keyword, keyword.isascii(), tuple(group)) for keyword, group in groups.items())


def _spans(
    lowered: str, present: Sequence[tuple[str, bool, tuple[Marker, ...]]]
) -> Iterator[tuple[int, int]]:
    """Spans of the markers of ``present`` (groups whose keyword occurs in ``lowered``)."""
    for keyword, _, group in present:
        position = lowered.find(keyword)
        while position >= 0:
            for marker in group:
                span = _confirm(lowered, position, marker)
                if span is not None:
                    yield span
                    break
            position = lowered.find(keyword, position + 1)


def _present(lowered: str, markers: MarkerSet) -> list[tuple[str, bool, tuple[Marker, ...]]]:
    """The groups whose keyword occurs in ``lowered``: one C-level substring test per keyword
    (most are absent, and a non-ASCII keyword is absent from an ASCII text)."""
    if lowered.isascii():
        return [entry for entry in _ASCII_GROUPS.get(id(markers), markers) if entry[0] in lowered]
    return [entry for entry in markers if entry[0] in lowered]


def find_markers(lowered: str, markers: MarkerSet) -> list[tuple[int, int]]:
    """(start, end) of every marker in ``lowered``, sorted, overlaps merged."""
    present = _present(lowered, markers)
    if not present:
        return []
    found = list(_spans(lowered, present))
    if len(found) < 2:
        return found
    found.sort()
    kept = [found[0]]
    for start, end in found[1:]:
        if start >= kept[-1][1]:
            kept.append((start, end))
        elif end > kept[-1][1]:
            kept[-1] = (kept[-1][0], end)
    return kept


def contains_marker(lowered: str, markers: MarkerSet) -> bool:
    """True when ``lowered`` holds at least one of ``markers``.

    >>> contains_marker("i cannot really tell from this image.", REFUSAL)
    True
    """
    present = _present(lowered, markers)
    return bool(present) and next(_spans(lowered, present), None) is not None


def _confirm(lowered: str, position: int, marker: Marker) -> tuple[int, int] | None:
    if marker.word and position > 0 and lowered[position - 1].isalnum():
        return None
    match = marker.phrase.match(lowered, position)
    if match is None:
        return None
    start = position
    if marker.before is not None:
        before = marker.before.search(lowered, max(0, position - _LOOKBEHIND), position)
        if before is None:
            return None
        start = before.start()
    return start, match.end()


_QUALIFIER = r"(?<![a-z])(?:correct|right|best|final|most appropriate|appropriate|suitable|selected|chosen) $"
_I_WOULD = r"(?<![a-z])i(?: would|'d| will|'ll)? $"
_OPTION_WORD = r"(?:options?|choices?|letters?)(?![a-z])"
_JSON_KEY = r"\"(?:choice|prediction|selected_options?|selection|option)s?\""

#: Explicit answer statements for every closed format.
STRONG: MarkerSet = marker_set(
    _marker("answer", r"answers?(?![a-z])"),
    _marker("\\boxed", r"\\boxed ?\{", word=False),
    _marker("option", _OPTION_WORD, _QUALIFIER),
    _marker("choice", _OPTION_WORD, _QUALIFIER),
    _marker("letter", _OPTION_WORD, _QUALIFIER),
    *(
        _marker(verb, rf"{verb}(?![a-z])", _I_WOULD)
        for verb in ("choose", "select", "pick", "go with", "opt for")
    ),
    *(_marker(noun, rf"{noun}(?![a-z])", r"(?<![a-z])my $") for noun in ("choice", "selection", "pick")),
    _marker('"', _JSON_KEY, word=False),
    *(_marker(word, re.escape(word), word=False) for word in ("答案", "正确选项", "我选", "应选", "选")),
    _marker("答", r"答 ?:", word=False),  # "答：B", "回答：B"
)

#: "The statement is ..." for true/false questions.
TRUE_FALSE_STATEMENT: MarkerSet = marker_set(
    *(
        _marker(noun, rf"{noun}(?: above)? (?:is|was)(?![a-z])")
        for noun in ("statement", "claim", "assertion", "description", "sentence")
    ),
    _marker("说法", "说法", word=False),
)

#: Softer commitments ("I think B", "so C", "it is B"), read only without a strong one.
MEDIUM: MarkerSet = marker_set(
    *(
        _marker(phrase, rf"{phrase}(?![a-z])")
        for phrase in (
            "i think",
            "i believe",
            "i guess",
            "i would say",
            "i'd say",
            "it's",
            "it is",
            "it would be",
        )
    ),
    *(_marker(word, rf"{word}(?![a-z])") for word in ("therefore", "thus", "hence")),
    # conclusions after elimination: "that leaves B", "it must be B", "I'll switch to C"
    *(
        _marker(phrase.split()[0], rf"{phrase}(?![a-z])")
        for phrase in (
            "leaves",
            "leaving",
            "must be",
            "we get",
            "switch to",
            "change it to",
            "conclusion",
            "points to",
            "pointing to",
            "lean towards",
            "lean toward",
            "leaning towards",
            "remains",
            "makes it",
        )
    ),
    *(_marker(arrow, re.escape(arrow), word=False) for arrow in ("\u2192", "->", "=>")),
    # "so is the hair" means "also", not "therefore"
    _marker("so", r"so(?![a-z])(?! (?:is|are|was|were|does|do|did|has|have)(?![a-z]))"),
    *(_marker(word, re.escape(word), word=False) for word in ("我认为", "我觉得", "所以", "因此")),
)

#: "option B", "choices A and C", "选项B" inside free text.
WEAK: MarkerSet = marker_set(
    _marker("option", r"options?(?![a-z])"),
    _marker("choice", r"choices?(?![a-z])"),
    _marker("选项", "选项", word=False),
)

_CANNOT = r"(?:can ?not|can't|unable to|not able to|impossible to|hard to|difficult to)"
_DECIDE = r"(?:determine|tell|say|answer|judge|assess|decide|verify|be sure|see the image)(?![a-z])"

#: Refusals: "I cannot determine...", "not sure", "I'm sorry", "无法".
REFUSAL: MarkerSet = marker_set(
    *(
        _marker(keyword, rf"{_CANNOT} (?:[a-z]+ )?{_DECIDE}")
        for keyword in ("can", "unable", "not able", "impossible", "hard", "difficult")
    ),
    _marker("not sure", r"not sure(?![a-z])"),
    _marker("not certain", r"not certain(?![a-z])"),
    _marker("sorry", r"sorry(?![a-z])", r"(?<![a-z])(?:i'm|i am) $"),
    _marker("no image", r"no image(?![a-z])"),
    *(_marker(word, re.escape(word), word=False) for word in ("无法", "不能确定", "不确定", "看不到")),
)

# The ASCII-keyword groups of each marker set, to skip the others on an ASCII text.
_ASCII_GROUPS: dict[int, MarkerSet] = {
    id(markers): tuple(entry for entry in markers if entry[1])
    for markers in (STRONG, TRUE_FALSE_STATEMENT, MEDIUM, WEAK, REFUSAL)
}
