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
    marker start); ``word`` asks for a word boundary before the keyword. ``words``: the
    words (runs of a-z) the marker can start in an ASCII text (None: not known).
    """

    keyword: str
    phrase: re.Pattern[str]
    before: re.Pattern[str] | None = None
    word: bool = True
    words: frozenset[str] | None = None


_RUN = re.compile(r"[a-z]+")


def _start_words(keyword: str, phrase: str, word: bool) -> frozenset[str] | None:
    """The words a marker starts: its keyword's first word when the phrase (or the keyword)
    ends that word, with an "s" when the phrase allows one ("answers?"); None otherwise."""
    first = _RUN.match(keyword)
    if not word or first is None or not keyword.isascii():
        return None
    run = first.group()
    if len(run) < len(keyword):  # "i'd", "go with": the keyword itself ends the word
        return frozenset({run})
    rest = phrase[len(keyword) :] if phrase.startswith(keyword) else ""
    if rest.startswith(("(?![a-z])", " ", "(?: ")):
        return frozenset({run})
    if rest.startswith("s?(?![a-z])"):
        return frozenset({run, run + "s"})
    return None


def _marker(
    keyword: str,
    phrase: str,
    before: str | None = None,
    word: bool = True,
    words: tuple[str, ...] | None = None,
) -> Marker:
    start_words = frozenset(words) if words is not None else _start_words(keyword, phrase, word)
    return Marker(keyword, re.compile(phrase), re.compile(before) if before else None, word, start_words)


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


def _present(
    lowered: str, markers: MarkerSet, words: frozenset[bytes] | None = None
) -> list[tuple[str, bool, tuple[Marker, ...]]]:
    """The groups whose keyword occurs in ``lowered``: one C-level substring test per keyword
    (most are absent, and a non-ASCII keyword is absent from an ASCII text).

    ``words`` (:func:`ascii_words` of an ASCII ``lowered``) skips them all when the text
    holds none of the words the set's markers start and none of its other keywords.
    """
    if lowered.isascii():
        if words is not None:
            starts, others = _GATES[id(markers)]
            if starts.isdisjoint(words) and not any(map(lowered.__contains__, others)):
                return []
        return [entry for entry in _ASCII_GROUPS.get(id(markers), markers) if entry[0] in lowered]
    return [entry for entry in markers if entry[0] in lowered]


def find_markers(
    lowered: str, markers: MarkerSet, words: frozenset[bytes] | None = None
) -> list[tuple[int, int]]:
    """(start, end) of every marker in ``lowered``, sorted, overlaps merged (``words``: see
    :func:`_present`)."""
    present = _present(lowered, markers, words)
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


def contains_marker(lowered: str, markers: MarkerSet, words: frozenset[bytes] | None = None) -> bool:
    """True when ``lowered`` holds at least one of ``markers`` (``words``: see :func:`_present`).

    >>> text = "i cannot really tell from this image."
    >>> contains_marker(text, REFUSAL), contains_marker(text, REFUSAL, ascii_words(text))
    (True, True)
    """
    present = _present(lowered, markers, words)
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
    *(
        _marker(noun, _OPTION_WORD, _QUALIFIER, words=(noun, noun + "s"))
        for noun in ("option", "choice", "letter")
    ),
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
# The words each keyword of _CANNOT starts ("can not", "cannot", "can't", "not able to").
_CANNOT_WORDS = {
    "can": ("can", "cannot"),
    "unable": ("unable",),
    "not able": ("not",),
    "impossible": ("impossible",),
    "hard": ("hard",),
    "difficult": ("difficult",),
}
_DECIDE = r"(?:determine|tell|say|answer|judge|assess|decide|verify|be sure|see the image)(?![a-z])"

#: Refusals: "I cannot determine...", "not sure", "I'm sorry", "无法".
REFUSAL: MarkerSet = marker_set(
    *(
        _marker(keyword, rf"{_CANNOT} (?:[a-z]+ )?{_DECIDE}", words=words)
        for keyword, words in _CANNOT_WORDS.items()
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


# Every byte but a-z becomes a space (bytes.translate is much faster than str.translate).
_NOT_LETTERS = bytes(c if 97 <= c <= 122 else 32 for c in range(256))


def ascii_words(lowered: str) -> frozenset[bytes] | None:
    """The words (runs of a-z, as bytes) of an ASCII lower-cased text; None for any other text.

    A marker that must start a word (``Marker.word``) can only start where such a run
    does (the character before it is no letter or digit), so its start words
    (``Marker.words``) are among these when the marker is in the text.

    >>> sorted(ascii_words("i'd answer: b2")), ascii_words("答案") is None
    ([b'answer', b'b', b'd', b'i'], True)
    """
    if not lowered.isascii():
        return None
    return frozenset(lowered.encode("ascii").translate(_NOT_LETTERS).split())


def _gate(markers: MarkerSet) -> tuple[frozenset[bytes], tuple[str, ...]]:
    """(the words the groups start, the ASCII keywords of groups whose words are not known)."""
    starts: set[bytes] = set()
    others = []
    for keyword, ascii_keyword, group in markers:
        if any(marker.words is None for marker in group):
            if ascii_keyword:
                others.append(keyword)
        else:
            for marker in group:
                starts.update(word.encode("ascii") for word in marker.words or ())
    return frozenset(starts), tuple(others)


_GATES = {id(markers): _gate(markers) for markers in (STRONG, TRUE_FALSE_STATEMENT, MEDIUM, WEAK, REFUSAL)}


class MarkerGate:
    """Several marker sets tested together on an ASCII lower-cased text: one word gate for all
    (the words their markers may start, their other ASCII keywords), then the exact tests.

    >>> gate = MarkerGate(WEAK, REFUSAL)
    >>> gate.holds("the face looks sharp."), gate.holds("option b."), gate.holds("i'm not sure.")
    (False, True, True)
    >>> gate.holds("no blur here"), gate.may_hold("no blur here", ascii_words("no blur here"))
    (False, True)
    """

    __slots__ = ("keywords", "sets", "words")

    def __init__(self, *sets: MarkerSet):
        self.sets = sets
        self.words = frozenset().union(*(_GATES[id(markers)][0] for markers in sets))
        self.keywords = tuple(dict.fromkeys(k for markers in sets for k in _GATES[id(markers)][1]))

    def may_hold(self, lowered: str, words: frozenset[bytes]) -> bool:
        """False when the ASCII ``lowered`` (of :func:`ascii_words` ``words``) holds no marker
        of the sets; True when it may (one of their words or keywords is there)."""
        return not words.isdisjoint(self.words) or any(map(lowered.__contains__, self.keywords))

    def holds(self, lowered: str) -> bool:
        """True when the ASCII ``lowered`` holds a marker of one of the sets."""
        words = ascii_words(lowered)
        if not self.may_hold(lowered, words):
            return False  # the common case: no marker can be there
        return any(contains_marker(lowered, markers, words) for markers in self.sets)
