"""Statement-aware true/false: does the response affirm or deny the claim of the question?

A true/false question states a claim ("The skin texture looks natural."); many responses
answer with a statement about the image instead of a verdict word ("The skin looks waxy
and over-smoothed."). :func:`read_claim` finds the quality terms of the claim
(:data:`.extract_lexicon.QUALITY_TERMS`), the terms of the same concepts in the response,
and compares them:

- a term of the same value affirms the claim, another value denies it ("waxy" denies
  "natural"); a negation within the three words before a term, in its clause, flips a
  binary concept ("not sharp" is blurry, "nothing plastic" is natural) and, for a concept
  with more values, only denies the value it negates ("not overexposed");
- a clause about another part of the portrait does not count ("the mouth is in focus,
  while the ears are soft" answers a claim about the mouth); nor do questions and
  conditions ("if it were sharp");
- the reading is returned only when every counted term agrees; mixed or absent terms
  give None.

Everything is linear in the (bounded) response length.

>>> read_claim("The skin texture looks natural.", "The skin looks waxy and over-smoothed.")
False
>>> read_claim("The background is noisy.", "The background is not noisy at all.")
False
>>> read_claim("The image is blurry.", "It isn't sharp.")
True
>>> read_claim("The image is sharp.", "The eyes are sharp but the hair is blurry.") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from qbench_portrait_lib.scoring.extract_lexicon import (
    PHRASES_BY_FIRST_WORD,
    QUALITY_TERMS,
    REGION_GROUPS,
    is_binary,
    with_parents,
)

_SENTENCE = re.compile(r"[^.!?\n]*[.!?\n]?")
_CLAUSE_SPLIT = re.compile(
    r"[,;:()\"\u2014\u2013]| - | (?:but|while|whereas|although|though|however|yet|except)(?![a-z])"
)
_WORD = re.compile(r"[a-z]+(?:['\-][a-z]+)*")
_NEGATORS = frozenset(
    {
        "not",
        "no",
        "never",
        "without",
        "nothing",
        "none",
        "neither",
        "nor",
        "hardly",
        "barely",
        "free",
        "lacks",
    }
)
_NEGATING_PAIRS = frozenset({("rather", "than"), ("instead", "of")})
_CONDITIONS = frozenset({"if", "whether", "unless"})
_SCOPE = 3


class Term(NamedTuple):
    """A quality term found in a clause: its concept, value and whether it is negated."""

    concept: str
    value: str
    negated: bool


def _negated(words: list[str], k: int) -> bool:
    """True when a negation sits within :data:`_SCOPE` words before word ``k``."""
    for j in range(max(0, k - _SCOPE), k):
        word = words[j]
        if word in _NEGATORS or word.endswith("n't"):
            return True
        if j > 0 and (words[j - 1], word) in _NEGATING_PAIRS:
            return True
    return False


def _clause_terms(words: list[str]) -> Iterator[Term]:
    """The quality terms of one clause (longest phrase first at each word)."""
    k = 0
    while k < len(words):
        for phrase in PHRASES_BY_FIRST_WORD.get(words[k], ()):
            if tuple(words[k : k + len(phrase)]) == phrase:
                negated = _negated(words, k)
                for concept, value in QUALITY_TERMS[" ".join(phrase)]:
                    yield Term(concept, value, negated)
                k += len(phrase) - 1
                break
        k += 1


def _clauses(lowered: str) -> Iterator[tuple[list[str], frozenset[str]]]:
    """(words, region groups named) of every clause outside questions and conditions."""
    for sentence in _SENTENCE.findall(lowered):
        if sentence.endswith("?"):
            continue
        for clause in _CLAUSE_SPLIT.split(sentence):
            words = _WORD.findall(clause)
            if not words or words[0] in _CONDITIONS:
                continue
            yield words, frozenset(REGION_GROUPS[w] for w in words if w in REGION_GROUPS)


@lru_cache(maxsize=4096)
def claim_terms(question: str) -> tuple[dict[str, str], frozenset[str]]:
    """The claim's {concept: value} (concepts asserted with two values dropped) and regions.

    >>> claim_terms("The hand has extra fingers.")
    ({'malformation': '+'}, frozenset({'hands'}))
    """
    values: dict[str, set[str]] = {}
    regions: set[str] = set()
    for words, groups in _clauses(question.lower()):
        regions.update(groups)
        for concept, value, negated in _clause_terms(words):
            if negated:
                if not is_binary(concept):
                    values.setdefault(concept, set()).add("?")
                    continue
                value = "-" if value == "+" else "+"
            values.setdefault(concept, set()).add(value)
    terms = {concept: next(iter(vs)) for concept, vs in values.items() if len(vs) == 1 and "?" not in vs}
    return terms, frozenset(regions)


def _vote(term: Term, claimed: str) -> bool | None:
    """True (affirms), False (denies) or None (says nothing) for one response term."""
    value = term.value
    if term.negated:
        if not is_binary(term.concept):
            return False if value == claimed else None
        value = "-" if value == "+" else "+"
    return value == claimed


def read_claim(question: str, text: str) -> bool | None:
    """True when ``text`` affirms the claim ``question``, False when it denies it, None when
    the reading is not unambiguous (see the module docstring)."""
    terms, regions = claim_terms(question)
    if not terms:
        return None
    votes: set[bool] = set()
    for words, groups in _clauses(text.lower()):
        if regions and groups and not with_parents(groups) & regions:
            continue  # a statement about another part of the portrait
        for term in _clause_terms(words):
            claimed = terms.get(term.concept)
            if claimed is not None:
                vote = _vote(term, claimed)
                if vote is not None:
                    votes.add(vote)
        if len(votes) > 1:
            return None
    return votes.pop() if votes else None
