"""The offline proxy score for open-ended answers: it reads claims, not words (in [0, 1]).

It is a *proxy*, not the paper's judged score. Reference and response are turned into
quality claims (:mod:`open_ended_claims`: attribute, value, regions, severity). Each claim
of the reference is *matched* by a response claim that says the same of an overlapping
region (credit 1, less when the stated severities differ: 0.75 one step apart, 0.5 two),
*contradicted* by one that says the opposite or another value there (-0.5), or missing
(0); a claim both matched and contradicted earns nothing, unless only a bare "fine"
contradicts it ("a bit soft, otherwise fine" still says soft). Claims of absence ("the
rest is clean") weigh half when the reference also names a
flaw. The score is the credit over the weight, times ``1 / (1 + 0.25 * (extras - 1))``
when the response makes more than one claim the reference neither supports nor
contradicts, so listing every term does not pay. Calibrated to the judge's 0/1/2 rubric
/ 2: a full match scores 1.0, a partial one about 0.5, a contradiction 0.

Yes/no questions are answered by polarity: a "No." against a reference that starts with
"No" scores 1.0, the wrong polarity 0, and a right polarity with claims 0.5 + half the
claim score. A reference without claims falls back to token F1; a response without
claims against one with claims gets half its token F1. The best reference answer counts.

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
from functools import lru_cache

from qbench_portrait_lib.scoring.open_ended_claims import REGION_ONLY, QualityClaim, read_claims
from qbench_portrait_lib.scoring.open_ended_lexicon import (
    NO,
    PARTIAL_VALUES,
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
    return not first or not second or "all" in first or "all" in second or bool(first & second)


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


def _weights(claims: Sequence[QualityClaim]) -> list[float]:
    flaws = any(_verdict(c.value) == "bad" for c in claims)
    return [0.5 if flaws and _verdict(c.value) == "good" else 1.0 for c in claims]


def claim_score(reference: Sequence[QualityClaim], response: Sequence[QualityClaim]) -> float:
    """The credit of ``response`` on the reference's claims, in [0, 1] (see the module doc).

    >>> ref = read_claims("Strong noise in the background; the face is clean.")
    >>> round(claim_score(ref, read_claims("Some grain in the backdrop.")), 3)
    0.5
    """
    if not reference:
        return 0.0
    used: set[int] = set()
    credit = 0.0
    weights = _weights(reference)
    for claim, weight in zip(reference, weights, strict=True):
        best, hedges = 0.0, []  # hedges: per contradiction, whether a bare "fine" made it
        for index, said in enumerate(response):
            kind = relation(claim, said)
            if kind != UNRELATED:
                used.add(index)
            if kind == CONTRADICT:
                hedges.append(said.attribute == "any")
            elif kind in (MATCH, PARTIAL):
                share = 1.0 if kind == MATCH else 0.5
                best = max(best, share * _severity_credit(claim, said))
        if not hedges or (best and all(hedges)):  # "a bit soft, otherwise fine" still says soft
            credit += best * weight
        elif not best:
            credit -= CONTRADICTION_PENALTY * weight  # said both ways: no credit, no penalty
    extras = sum(1 for i, c in enumerate(response) if i not in used and c.attribute != REGION_ONLY)
    score = max(0.0, credit) / sum(weights)
    return score / (1 + EXTRA_PENALTY * max(0, extras - 1))


def _polarity(tokens: Sequence[str]) -> str | None:
    """ "yes" or "no" when the text opens with one ("Not really" is a no)."""
    if not tokens:
        return None
    if tokens[0] in YES:
        return "yes"
    if tokens[0] in NO or tokens[:2] in (["not", "really"], ["not", "at"]):
        return "no"
    return None


@lru_cache(maxsize=8192)
def _reference_claims(reference: str) -> tuple[QualityClaim, ...]:
    """The claims of a reference answer (read once: reference answers repeat across items)."""
    return tuple(read_claims(reference))


def _against(response: str, claims: list[QualityClaim], reference: str, yes_no: bool) -> float:
    reference_claims = _reference_claims(reference)
    if yes_no:
        expected, said = _polarity(tokenize(reference)), _polarity(tokenize(response))
        if expected is not None and said is not None:
            if expected != said:
                return 0.0
            return 1.0 if not claims else 0.5 + 0.5 * claim_score(reference_claims, claims)
    if not reference_claims:
        return token_f1(tokenize(response), tokenize(reference))
    if not claims:
        return 0.5 * token_f1(tokenize(response), tokenize(reference))
    return claim_score(reference_claims, claims)


def proxy_score(response: str | None, references: Sequence[str], question: str = "") -> float:
    """The proxy score of ``response`` against its best-matching reference answer.

    ``question`` decides whether polarity answers it (it starts with "Is", "Does"...).

    >>> proxy_score("A slight yellow tint.", ["A strong yellow colour cast."])
    0.5
    >>> proxy_score("The image has a blue cast.", ["A strong yellow colour cast."])
    0.0
    """
    if not response or not response.strip() or not references:
        return 0.0
    claims = read_claims(response, region_only=True)
    question_tokens = tokenize(question)
    yes_no = bool(question_tokens) and question_tokens[0] in YES_NO_QUESTION
    return max(_against(response, claims, reference, yes_no) for reference in references)
