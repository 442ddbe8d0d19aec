"""Reading a true/false verdict: true/false, yes/no, correct/incorrect, 正确/错误.

Words are matched whole ("know", "noise", "note", "Notably" are not "no"); a negation
just before flips them ("not true", "isn't entirely correct"); "yes"/"no" count only as
interjections, followed by punctuation or the end ("No, the eyes...", not "no blur").
Functions return ``True``/``False`` for the verdict and ``None`` when there is none.

>>> read_true_false("No, the eyes are clearly out of focus.")
False
>>> read_true_false("I don't know; the noise is notable.") is None
True
>>> read_true_false("Looking at the hands, the statement is not correct.")
False
>>> read_true_false("True or False?") is None
True
"""

from __future__ import annotations

import re

_WORDS: dict[str, bool] = {
    "true": True,
    "yes": True,
    "correct": True,
    "accurate": True,
    "yep": True,
    "yeah": True,
    "false": False,
    "no": False,
    "incorrect": False,
    "inaccurate": False,
    "wrong": False,
    "untrue": False,
    "nope": False,
    "nah": False,
}
_CHINESE: dict[str, bool] = {
    "不正确": False,
    "不准确": False,
    "不对": False,
    "不是": False,
    "错误": False,
    "正确": True,
    "准确": True,
    "是的": True,
    "对": True,
    "错": False,
    "是": True,
    "否": False,
}
# Chinese words that are also common inside sentences count only as a whole answer.
_CHINESE_ANSWER_ONLY = frozenset({"不对", "不是", "是的", "对", "错", "是", "否"})
_INTERJECTIONS = frozenset({"yes", "no", "yep", "yeah", "nope", "nah"})

_ENGLISH = "|".join(sorted(_WORDS, key=len, reverse=True))
_CHINESE_ALTERNATION = "|".join(sorted(_CHINESE, key=len, reverse=True))
_MENTION = re.compile(rf"\b(?:{_ENGLISH})\b|不正确|不准确|错误|正确|准确")
_NEGATION_BEFORE = re.compile(
    r"(?:\bnot|n't|\bnever|\bhardly|\bneither|\bnor) "
    r"(?:(?:entirely|completely|totally|quite|really|fully|exactly|necessarily|at all) )?$"
)
_ANCHORED = re.compile(
    r"(not |n't )?(?:(?:entirely|completely|totally|quite|really|fully|exactly|necessarily) )?"
    rf"(?:({_ENGLISH})\b|({_CHINESE_ALTERNATION}))"
)
_INTERJECTION_END = re.compile(r" ?(?:[,.!;:)\n\"']|$)")
_CHINESE_ANSWER_END = re.compile(r" ?(?:[,.!;:)\n\"'的]|$)")
_HEDGE_AFTER = re.compile(r" ?(?:or\b|/|\|)")
_LOOKBEHIND = 40


def _word_polarity(lowered: str, word: str, end: int) -> bool | None:
    """Polarity of ``word`` ending at ``end``, or None when it is not used as a verdict."""
    if word in _INTERJECTIONS and not _INTERJECTION_END.match(lowered, end):
        return None
    return _WORDS[word]


def true_false_at(lowered: str, position: int) -> bool | None:
    """Verdict of a statement starting exactly at ``position`` ("not true", "正确", "No.").

    >>> true_false_at("answer: not entirely true", 8), true_false_at("x: noise", 3)
    (False, None)
    """
    match = _ANCHORED.match(lowered, position)
    if match is None:
        return None
    negated, english, chinese = match.groups()
    if english is not None:
        polarity = _word_polarity(lowered, english, match.end())
    else:
        if chinese in _CHINESE_ANSWER_ONLY and not _CHINESE_ANSWER_END.match(lowered, match.end()):
            return None
        polarity = _CHINESE[chinese]
    if polarity is None or _HEDGE_AFTER.match(lowered, match.end()):
        return None
    return not polarity if negated else polarity


def true_false_mentions(lowered: str) -> list[tuple[int, bool]]:
    """(start, verdict) of every verdict word in ``lowered``; start includes a negation.

    >>> true_false_mentions("it is not true. yes, false friends: know, noise.")
    [(6, False), (16, True), (21, False)]
    """
    found = []
    for match in _MENTION.finditer(lowered):
        word, start = match.group(), match.start()
        polarity = _word_polarity(lowered, word, match.end()) if word in _WORDS else _CHINESE[word]
        if polarity is None:
            continue
        before = lowered[max(0, start - _LOOKBEHIND) : start]
        negation = _NEGATION_BEFORE.search(before) if word not in _INTERJECTIONS else None
        if negation is not None:
            start -= len(before) - negation.start()
            polarity = not polarity
        found.append((start, polarity))
    return found


def read_true_false(text: str) -> bool | None:
    """Verdict of a free-text response without an explicit answer statement.

    A verdict at the very start ("No, ...", "Not true.", "正确。") decides; otherwise every
    verdict word in the response must agree, and mixed or absent ones give None.
    """
    lowered = text.lower()
    start = 0
    while start < len(lowered) and not lowered[start].isalnum():
        start += 1
    leading = true_false_at(lowered, start)
    if leading is not None:
        return leading
    verdicts = {polarity for _, polarity in true_false_mentions(lowered)}
    return verdicts.pop() if len(verdicts) == 1 else None
