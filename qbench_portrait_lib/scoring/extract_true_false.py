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
>>> read_true_false("Yes and no.") is None
True
>>> read_true_false("Is it true? No.")
False
>>> read_true_false("I wouldn't say it's true.")
False
"""

from __future__ import annotations

import re

from qbench_portrait_lib.scoring.normalize import question_at, question_spans

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
    "agree": True,
    "disagree": False,
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
# An interjection ends at punctuation, or runs into a short clause ("No it isn't", "Yes it is").
_INTERJECTION_END = re.compile(r" ?(?:[,.!;:)\n\"'\u2014\u2013]|$)| -| (?:it|this|that|they|there)(?![a-z])")
_CHINESE_ANSWER_END = re.compile(r" ?(?:[,.!;:)\n\"'的]|$)")
# After a verdict word: a hedge ("true or", "yes/no", "yes and no") or a question ("true?").
_HEDGE_AFTER = re.compile(rf" ?(?:or\b|/|\||\?|(?:and|&|nor) (?:not )?(?:{_ENGLISH})\b)")
# Both verdicts offered together ("yes and no", "True/False"), unless that names the format
# ("a yes/no question") or is a question ("True or false? ...").
_BOTH = re.compile(rf"\b({_ENGLISH}) ?(?:and|or|nor|/|&|\|) ?(?:not )?({_ENGLISH})\b")
# Both verdicts denied ("Not true, not false: ...") is no verdict either.
_NEITHER = re.compile(rf"\bnot ({_ENGLISH}),? (?:and |but |nor |or )?not ({_ENGLISH})\b")
# A bare negative reply at the start: "Definitely not.", "Not at all.", "I don't think so."
_NEGATIVE_REPLY = re.compile(
    r"(?:(?:definitely|certainly|absolutely|of course|probably|clearly) )?not(?: at all| really| quite)?"
    r"(?=[.!,;\u2014\u2013]| [-\u2014\u2013]|$)|i (?:don't|do not) (?:think|believe) so(?![a-z])"
)
# A bare positive reply at the start: "Definitely.", "Absolutely, ...", "Certainly." (alone).
_POSITIVE_REPLY = re.compile(
    r"(?:definitely|absolutely|indeed|exactly|agreed)(?=[.!,;\u2014\u2013]| [-\u2014\u2013]|$)"
    r"|(?:certainly|sure|of course|yes indeed)[.!]?$"
)
# Verdict phrases: "that's right", "you're not right", "the statement holds".
_VERDICT_PHRASE = re.compile(
    r"\b(?:that's|that is|this is|it's|it is|you're|you are)( not)? "
    r"(?:quite |entirely |exactly )?right(?![a-z])"
    r"|\b(?:statement|claim|description)(?: above)?( does not| doesn't)? (?:holds?|stands?)(?![a-z])"
)
# Before a verdict word: an adverb or a look-verb makes it describe the image
# ("anatomically correct", "the colours look accurate"), unless its subject is the claim.
_DESCRIPTIVE_BEFORE = re.compile(
    r"(?:\b(?!(?:entirely|completely|totally|really|fully|exactly|necessarily|absolutely|definitely"
    r"|certainly|probably|clearly|perfectly|partially|partly|mostly|only|largely|technically|likely)\b)"
    r"[a-z]+ly|(?<!that )(?<!this )(?<!it )(?<!which )\b(?:looks?|looked|appears?|appeared))\s$"
)
_NOT_A_HEDGE_AFTER = re.compile(
    r" ?(?:\?|-? ?(?:questions?|answers?|format|response|statement|choice|task|label)\b)"
)
# A leading label naming the format: "True/False: False", "Yes or no - no".
_FORMAT_LABEL = re.compile(r"(?:true ?(?:/|or) ?false|yes ?(?:/|or) ?no) ?[:\-] ?")
# "I don't think / wouldn't say / do not believe (that) it's ..." negates the verdict after it.
# The clause after the verb runs to the verdict: up to 8 words, no punctuation, no conjunction
# ("I don't think there is blur, so it's true" is true).
_RAISED_NEGATION = re.compile(
    r"(?:n't|\bnot) (?:really |necessarily |exactly )?(?:think|say|believe|agree|feel|consider|find)"
    r"(?![a-z])(?: (?!(?:so|but|because|therefore|hence|thus|and|since|as|although|though|yet)(?![a-z]))"
    r"[^ .,;:!?\n]+){0,8} ?$"
)
# "whether it is true", "if that's correct": no verdict.
_CONDITIONAL = re.compile(r"\b(?:whether|if)\b[^.;!?\n,]{0,40}$")
_LOOKBEHIND = 40
_RAISING_LOOKBEHIND = 80


def negation_raised(lowered: str, position: int) -> bool:
    """True when a verdict at ``position`` sits under "I don't think", "I wouldn't say"...

    >>> negation_raised("i would not say that's correct", 23), negation_raised("i think it's true", 13)
    (True, False)
    """
    return _RAISED_NEGATION.search(lowered, max(0, position - _RAISING_LOOKBEHIND), position) is not None


def offers_both(lowered: str) -> bool:
    """True when the response offers both verdicts ("Yes and no.", "True/False", "yes/no").

    >>> offers_both("true and false"), offers_both("this is a yes/no question. no.")
    (True, False)
    >>> offers_both("yes and no blur is visible"), offers_both("not true, not false: ambiguous")
    (False, True)
    """
    neither = _NEITHER.search(lowered) if "not" in lowered else None
    if neither is not None and _WORDS[neither.group(1)] != _WORDS[neither.group(2)]:
        return True
    for match in _BOTH.finditer(lowered):
        if _FORMAT_LABEL.match(lowered, match.start()):
            continue  # "True/False: False" names the format
        first, second = match.groups()
        if _word_polarity(lowered, second, match.end()) is None:
            continue  # "yes and no blur": "no" is not a verdict there
        negated = lowered.startswith("not ", match.start(2) - 4)
        if _WORDS[first] != (_WORDS[second] != negated) and not _NOT_A_HEDGE_AFTER.match(
            lowered, match.end()
        ):
            return True
    return False


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

    Verdict words inside a question ("Is it true?") or a condition ("if it is true") are
    skipped; "I don't think it's true" counts as false.

    >>> true_false_mentions("it is not true. yes, false friends: know, noise.")
    [(6, False), (16, True), (21, False)]
    """
    found = []
    questions = question_spans(lowered) if "?" in lowered else []
    for match in _MENTION.finditer(lowered):
        word, start = match.group(), match.start()
        polarity = _word_polarity(lowered, word, match.end()) if word in _WORDS else _CHINESE[word]
        if polarity is None or (questions and question_at(questions, start)):
            continue
        if word not in _INTERJECTIONS:
            if _CONDITIONAL.search(lowered, max(0, start - _LOOKBEHIND), start):
                continue
            if word in _WORDS and _DESCRIPTIVE_BEFORE.search(lowered, max(0, start - _LOOKBEHIND), start):
                continue
            before = lowered[max(0, start - _LOOKBEHIND) : start]
            negation = _NEGATION_BEFORE.search(before)
            if negation is not None:
                start -= len(before) - negation.start()
                polarity = not polarity
            if negation_raised(lowered, start):
                polarity = not polarity
        found.append((start, polarity))
    if "right" in lowered or "hold" in lowered or "stand" in lowered:
        for match in _VERDICT_PHRASE.finditer(lowered):
            if not (questions and question_at(questions, match.start())):
                found.append((match.start(), not (match.group(1) or match.group(2))))
    return found


# The verdict words as :func:`.extract_markers.ascii_words` gives them.
_VERDICT_WORDS = frozenset(word.encode("ascii") for word in _WORDS)
# A verdict word run into a spelled connector: ``_BOTH`` reads "noand yes" as "no and yes",
# where the words are b"noand" and b"yes".
# as is a connector run into the "not" before the second ("no andnot no": words b"andnot").
_GLUED_VERDICT = re.compile(
    rf"(?:^| )(?:{_ENGLISH})(?:and|n?or)|(?:and|n?or)(?:{_ENGLISH})(?: |$)|(?:and|n?or)not(?: |$)".encode(
        "ascii"
    )
)


def _may_offer_both(words: frozenset[bytes] | None) -> bool:
    """False when an ASCII text of these words cannot offer both verdicts (:func:`offers_both`
    needs two different verdict words, or one and "not", where a verdict word may be run into
    "and", "or" or "nor"); True when it may, or for None.

    >>> _may_offer_both(frozenset({b"no", b"the", b"eyes"})), _may_offer_both(frozenset({b"noand", b"yes"}))
    (False, True)
    """
    if words is None or b"not" in words or len(words & _VERDICT_WORDS) > 1:
        return True
    return _GLUED_VERDICT.search(b" ".join(words)) is not None


def read_true_false(text: str, words: frozenset[bytes] | None = None) -> bool | None:
    """Verdict of a free-text response without an explicit answer statement.

    A verdict at the very start ("No, ...", "Not true.", "正确。", "Not at all.", "I don't
    think so.") decides; otherwise every
    verdict word in the response must agree, and mixed or absent ones give None, as does a
    response offering both ("Yes and no"). ``words``, the :func:`.extract_markers.ascii_words`
    of an ASCII text, skips the test for both verdicts when the text cannot offer them (one
    verdict word at most, and no "not").

    >>> read_true_false("No, the eyes are soft.", frozenset({b"no", b"the", b"eyes", b"are", b"soft"}))
    False
    """
    lowered = text.lower()
    if _may_offer_both(words) and offers_both(lowered):
        return None
    start = 0
    while start < len(lowered) and not lowered[start].isalnum():
        start += 1
    label = _FORMAT_LABEL.match(lowered, start)
    if label is not None:
        start = label.end()
        lowered = lowered[start:]  # the label names the format, it is no verdict
        start = 0
    leading = true_false_at(lowered, start)
    if leading is not None:
        return leading
    if _NEGATIVE_REPLY.match(lowered, start):
        return False
    if _POSITIVE_REPLY.match(lowered, start):
        return True
    verdicts = {polarity for _, polarity in true_false_mentions(lowered)}
    return verdicts.pop() if len(verdicts) == 1 else None
