"""The offline proxy score for open-ended answers: it reads claims, not words (in [0, 1]).

It is a *proxy*, not the paper's judged score. Reference and response are turned into
quality claims (:mod:`open_ended_claims`: attribute, value, regions, severity). Each claim
of the reference is *matched* by a response claim that says the same of an overlapping
region (credit 1, less when the stated severities differ: 0.75 one step apart, 0.5 two),
*contradicted* by one that says the opposite or another value there (-0.5), or missing
(0); a claim both matched and contradicted earns nothing, unless only a bare "fine"
contradicts it ("a bit soft, otherwise fine" still says soft). Claims of absence ("the
rest is clean") beside a flaw weigh half, and only when the response speaks of them: a
terse answer naming the flaw alone is complete. The score is the credit over the
weight, times ``1 / (1 + 0.25 * (extras - 1))`` when the response makes more than one
claim the reference neither supports nor contradicts, so listing every term does not
pay. An answer that hedges ("maybe", "perhaps", "possibly", "might") commits to nothing
and earns at most 0.5. Calibrated to the judge's 0/1/2 rubric / 2: a full match scores
1.0, a partial one about 0.5, a contradiction 0.

A region alone ("The face.") answers only a question asking where or which (or an
unknown question); elsewhere it says nothing. Yes/no questions are answered by polarity
(after fillers such as "mostly" or "I think"): a "No." against a reference that starts
with "No" scores 1.0, the wrong polarity 0, "partly" 0.5, a right polarity with claims
0.5 + half the claim score, and a bare one 0.5 when the question also asks where, why
or which. A reference without claims falls back to token F1; a response without claims
against one with claims gets half its token F1. The best reference answer counts.

>>> proxy_score("The face is very blurry, the background sharp.", ["Heavily blurred face, sharp background."])
1.0
>>> proxy_score("The background is blurred, the face sharp.", ["Heavily blurred face, sharp background."])
0.0
>>> proxy_score("No.", ["No, the image is clean."], question="Is there visible noise?")
1.0
>>> proxy_score(None, ["Sharp eyes."])
0.0
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import NamedTuple

from qbench_portrait_lib.scoring.open_ended_claims import (
    REGION_ONLY,
    QualityClaim,
    phrase_claims,
    read_tokens,
)
from qbench_portrait_lib.scoring.open_ended_lexicon import (
    NO,
    PARENT_REGION,
    PARTIAL_VALUES,
    PARTLY,
    RATING,
    WHERE,
    YES,
    YES_NO_QUESTION,
    tokenize,
    words,
)

__all__ = ["claim_score", "proxy_score", "token_f1", "tokenize"]

_IGNORED = frozenset(
    {"a", "an", "the", "is", "are", "was", "were", "be", "of", "in", "on", "at", "it", "its"}
)
_BAD_VALUES = frozenset(
    {"+", "over", "under", "extra", "missing", "yellow", "blue", "green", "magenta", "motion", "defocus"}
)
_GOOD_VALUES = frozenset({"-", "good", "none"})
#: Attributes whose values say whether something is wrong ("any" is their wildcard).
_FLAWS = frozenset(
    words(
        "blur blur_kind noise compression pixelation exposure cast tilt crop clutter merge smear repetition "
        "incoherence malformation finger_count asymmetry artificial stiffness"
    )
)
CONTRADICTION_PENALTY = 0.5
EXTRA_PENALTY = 0.25
HEDGED_CAP = 0.5
_FILLERS = frozenset(
    words("mostly probably maybe perhaps well honestly almost overall generally i think d say")
)
_SURE = frozenset(words("certainly definitely absolutely"))
#: Words after which a leading "no" still answers ("No it isn't", "No the face is sharp");
#: before any other word it is a determiner ("no blur", "no visible noise").
_AFTER_A_NO = frozenset(
    words("it its the this that there i not and but because they he she we you nope no sir way")
)
_SECOND_ASKS = frozenset(words("where why which how what"))
MATCH, PARTIAL, CONTRADICT, UNRELATED = "match", "partial", "contradict", "unrelated"


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


def _verdict(value: str) -> str | None:
    """ "bad" for a flaw that is there, "good" for one that is not, else None."""
    return "bad" if value in _BAD_VALUES else "good" if value in _GOOD_VALUES else None


def _regions_meet(first: frozenset[str], second: frozenset[str]) -> bool:
    """Whether two claims' regions overlap: unsaid, "all", shared, or one inside the other.

    >>> face, eyes, mouth = frozenset({"face"}), frozenset({"eyes"}), frozenset({"mouth"})
    >>> _regions_meet(face, eyes), _regions_meet(eyes, mouth)
    (True, False)
    """
    if not first or not second or "all" in first or "all" in second or first & second:
        return True
    for inner, outer in ((first, second), (second, first)):
        for region in inner:
            if PARENT_REGION.get(region) in outer:
                return True
    return False


@cache
def _related(attribute: str) -> frozenset[str] | None:
    """The response attributes that can bear on a reference claim's attribute (None: all).

    >>> sorted(_related("blur"))
    ['any', 'blur', 'blur_kind', 'region_only']
    """
    if attribute == "any":
        return None
    family = {"blur", "blur_kind"} if attribute in ("blur", "blur_kind") else {attribute}
    return frozenset(family | {"any", REGION_ONLY})


def relation(reference: QualityClaim, response: QualityClaim) -> str:
    """How a response claim bears on a reference claim: match, partial, contradict or unrelated.

    >>> blur = QualityClaim("blur", "+", frozenset({"face"}), None)
    >>> relation(blur, QualityClaim("blur", "-", frozenset({"face"}), None))
    'contradict'
    >>> relation(blur, QualityClaim("any", "-", frozenset({"background"}), None))
    'unrelated'
    >>> relation(blur._replace(attribute="cast", value="yellow"), blur._replace(attribute="cast"))
    'partial'
    """
    if response.attribute == REGION_ONLY:
        if not (reference.regions & response.regions) or reference.attribute not in _FLAWS | {"any"}:
            return UNRELATED
        return MATCH if _verdict(reference.value) == "bad" else CONTRADICT
    if not _regions_meet(reference.regions, response.regions):
        return UNRELATED
    if {reference.attribute, response.attribute} == {"blur", "blur_kind"}:
        return _blur_and_its_kind(reference, response)
    if reference.attribute == response.attribute:
        if reference.value == response.value:
            return MATCH
        either_way = {(reference.attribute, response.value, reference.value)}
        either_way.add((reference.attribute, reference.value, response.value))
        if either_way & PARTIAL_VALUES:
            return PARTIAL
        return CONTRADICT
    if "any" not in (reference.attribute, response.attribute):
        return UNRELATED
    other = response if reference.attribute == "any" else reference
    if other.attribute not in _FLAWS | {"any"}:
        return UNRELATED
    ours, theirs = _verdict(reference.value), _verdict(response.value)
    if ours is None or theirs is None:
        return UNRELATED
    if ours == theirs:
        return MATCH if "bad" not in (ours, theirs) or reference.attribute != "any" else PARTIAL
    return CONTRADICT


def _blur_and_its_kind(reference: QualityClaim, response: QualityClaim) -> str:
    """A kind of blur is blur; plain blur only half answers which kind."""
    if reference.attribute == "blur":
        return MATCH if reference.value == "+" else CONTRADICT
    return PARTIAL if response.value == "+" else CONTRADICT


def _severity_credit(reference: QualityClaim, response: QualityClaim) -> float:
    if reference.severity is None or response.severity is None:
        return 1.0
    return 1.0 - 0.25 * abs(reference.severity - response.severity)


class Topic(NamedTuple):
    """What a question says and asks (see :func:`topic_of`)."""

    claims: frozenset[tuple[str, str]]  # (attribute, value) it presupposes
    free: frozenset[str]  # attributes a response may name without it counting as an extra
    words: frozenset[str]  # its words: the context of side and colour words
    rating: bool  # it asks for a verdict
    where: bool  # it asks where or which (a region alone answers it)
    yes_no: bool  # polarity answers it
    two_part: bool  # it also asks where, why, which... ("Is it tilted, and which way?")


NO_TOPIC = Topic(frozenset(), frozenset({REGION_ONLY}), frozenset(), True, True, False, False)


@lru_cache(maxsize=4096)
def topic_of(question: str) -> Topic:
    """The topic of a question; an empty one presupposes nothing and may ask anything.

    >>> topic = topic_of("Which region is most affected by blur?")
    >>> topic.claims, topic.where, topic.yes_no
    (frozenset({('blur', '+')}), True, False)
    """
    asked = tokenize(question)
    if not asked:
        return NO_TOPIC
    said, words_asked = phrase_claims(asked), frozenset(asked)
    free = frozenset(
        [REGION_ONLY, *(attribute for attribute, _ in said)]
    )  # restating the subject is no extra
    rating, where = not words_asked.isdisjoint(RATING), not words_asked.isdisjoint(WHERE)
    two_part = not _SECOND_ASKS.isdisjoint(asked[1:])
    return Topic(said, free, words_asked, rating, where, asked[0] in YES_NO_QUESTION, two_part)


def _weights(claims: Sequence[QualityClaim], topic: Topic) -> list[tuple[float, bool]]:
    """Each claim's weight, and whether it counts only when the response speaks of it: an
    absence beside a flaw, what the question presupposes, a verdict the question does not ask for."""
    flaws = any(_verdict(c.value) == "bad" for c in claims)
    weights = []
    for claim in claims:
        absence = flaws and _verdict(claim.value) == "good"
        optional = claim[:2] in topic.claims or (claim.attribute == "appeal" and not topic.rating)
        weights.append((0.5 if absence else 1.0, absence or optional))
    return weights


def _credit(claim: QualityClaim, response: Sequence[QualityClaim], used: set[int]) -> tuple[float, bool]:
    """The credit one reference claim earns (per unit weight), and whether the response spoke of it."""
    best, hedges = 0.0, []  # hedges: per contradiction, whether a bare "fine" made it
    related = _related(claim.attribute)
    for index, said in enumerate(response):
        if related is not None and said.attribute not in related:
            continue  # unrelated: no need to ask
        kind = relation(claim, said)
        if kind != UNRELATED:
            used.add(index)
        if kind == CONTRADICT:
            hedges.append(said.attribute == "any")
        elif kind in (MATCH, PARTIAL):
            share = 1.0 if kind == MATCH else 0.5
            best = max(best, share * _severity_credit(claim, said))
    if not hedges or (best and all(hedges)):  # "a bit soft, otherwise fine" still says soft
        return best, bool(best)
    return (0.0 if best else -CONTRADICTION_PENALTY), True  # said both ways: no credit, no penalty


def claim_score(
    reference: Sequence[QualityClaim],
    response: Sequence[QualityClaim],
    topic: Topic = NO_TOPIC,
    weights: Sequence[tuple[float, bool]] | None = None,
) -> float:
    """The credit of ``response`` on the reference's claims, in [0, 1] (see the module doc).

    ``weights`` are the reference's :func:`_weights` under ``topic``, when already known.

    >>> from qbench_portrait_lib.scoring.open_ended_claims import read_claims
    >>> ref = read_claims("Strong noise in the background; the face is clean.")
    >>> claim_score(ref, read_claims("Strong grain in the backdrop."))  # the clean face goes unsaid
    1.0
    >>> claim_score(ref, read_claims("Some grain in the backdrop."))  # severity one step off
    0.75
    >>> claim_score(ref, read_claims("Strong grain in the backdrop; the face is noisy too."))
    0.5
    """
    used: set[int] = set()
    credit = weight_sum = 0.0
    weights = _weights(reference, topic) if weights is None else weights
    for claim, (weight, optional) in zip(reference, weights, strict=True):
        earned, spoken = _credit(claim, response, used)
        if spoken or not optional:
            credit += earned * weight
            weight_sum += weight
    if not weight_sum:
        return 0.0
    free = topic.free
    extras = sum(1 for i, c in enumerate(response) if i not in used and c.attribute not in free)
    score = max(0.0, credit) / weight_sum
    return score / (1 + EXTRA_PENALTY * max(0, extras - 1))


def _polarity(tokens: Sequence[str]) -> str | None:
    """ "yes", "no" or "partly" when the text opens with one, after fillers ("Not really" is a no).

    "Definitely" and its kin say yes only alone or before "yes"/"so" ("Definitely sharp" is
    read for its claims); "no" before a quality word is a determiner, not an answer
    ("Almost no blur." says nothing about yes or no).

    >>> _polarity(tokenize("Mostly yes.")), _polarity(tokenize("Definitely not.")), _polarity(["partly"])
    ('yes', 'no', 'partly')
    >>> [_polarity(tokenize(text)) for text in ("Almost no blur.", "Absolutely sharp.", "No, it is.")]
    [None, None, 'no']
    """
    start = 0
    while start < len(tokens):
        token, after = tokens[start], tokens[start + 1] if start + 1 < len(tokens) else ""
        if token in _SURE:
            if after == "not":
                return "no"
            if not after.isalnum() or after in ("yes", "so"):
                return "yes"
        elif token not in _FILLERS:
            break
        start += 1
    first, second = [*tokens[start : start + 2], "", ""][:2]
    if first in NO and (not second.isalnum() or second in _AFTER_A_NO):
        return "no"
    if first == "not" and second in ("really", "at", "quite"):
        return "no"
    if first in YES:
        return "yes"
    return "partly" if first in PARTLY else None


@lru_cache(maxsize=8192)
def _reference(
    reference: str, question: str
) -> tuple[Sequence[QualityClaim], list[tuple[float, bool]], str | None]:
    """The claims, their weights and the polarity of a reference answer to a question (read once:
    references repeat across items)."""
    tokens, topic = tokenize(reference), topic_of(question)
    claims = read_tokens(tokens, context=topic.words)[0]
    return claims, _weights(claims, topic), _polarity(tokens)


def _against(
    response: list[str], claims: list[QualityClaim], reference: str, question: str, topic: Topic
) -> float:
    """The score of a response (its tokens and claims) against one reference answer."""
    reference_claims, weights, expected = _reference(reference, question)
    if topic.yes_no and expected is not None:
        said = _polarity(response)
        if said == "partly":
            return 0.5
        if said is not None:
            if expected != said:
                return 0.0
            if claims:
                return 0.5 + 0.5 * claim_score(reference_claims, claims, topic, weights)
            return 0.5 if topic.two_part else 1.0
    if not reference_claims:
        return token_f1(response, tokenize(reference))
    if not claims:
        return 0.5 * token_f1(response, tokenize(reference))
    return claim_score(reference_claims, claims, topic, weights)


def proxy_score(response: str | None, references: Sequence[str], question: str = "") -> float:
    """The proxy score of ``response`` against its best-matching reference answer.

    ``question`` decides whether polarity answers it (it starts with "Is", "Does"...), whether
    a region alone does (it asks where or which) and what side and colour words are about.

    >>> proxy_score("A slight yellow tint.", ["A strong yellow colour cast."])
    0.5
    >>> proxy_score("The image has a blue cast.", ["A strong yellow colour cast."])
    0.0
    >>> proxy_score("Maybe a yellow cast.", ["A yellow colour cast."])
    0.5
    """
    if not response or not response.strip() or not references:
        return 0.0
    topic = topic_of(question)
    tokens = tokenize(response)
    claims, hedged = read_tokens(tokens, region_only=topic.where, context=topic.words)
    score = max(_against(tokens, claims, reference, question, topic) for reference in references)
    return min(score, HEDGED_CAP) if hedged else score
