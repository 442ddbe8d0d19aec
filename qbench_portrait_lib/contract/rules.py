"""The data contract's rules across fields: options, answer and region of one question.

Shared by the release validator (data core, which lists every problem of a release) and
the scorer (scoring core, which raises on a bad reference), so a row the release accepts
is a row the scorer and answer extraction accept. Each function returns plain sentences
without location; callers prefix the file/record or reference index and id.

Choice options are 2 to :data:`MAX_OPTIONS` texts (one letter each), and distinct and
non-empty after :func:`~qbench_portrait_lib.contract.options.normalize_option` (extraction matches
them case-insensitively, ignoring spacing and a final "."); an option that is a single
letter must be its own letter (options "B", "A" would make "A" ambiguous):

>>> question_problems("single_choice", ["Low", "low."], ["Low"])
["options 'Low' and 'low.' are the same option to answer extraction (it ignores case, spacing and \
a final '.'), got ['Low', 'low.']"]
>>> question_problems("open_ended", ["A", "B"], ["A"])
["an open_ended question must have no options, got ['A', 'B']"]
>>> region_problems("local", " ")
["a local question needs a non-empty 'region', got ' '"]
>>> question_problems("true_false", ["True", "False"], ["True"]) + region_problems("global", "")
[]
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from qbench_portrait_lib.contract.columns import TRUE_FALSE_OPTIONS
from qbench_portrait_lib.contract.options import normalize_option

#: Fewest options of a choice question.
MIN_OPTIONS = 2
#: Most options of a choice question: one letter A-Z each.
MAX_OPTIONS = 26


@lru_cache(maxsize=4096)
def _option_problems(question_type: str, options: tuple[str, ...]) -> tuple[str, ...]:
    """Problems of a choice question's option list alone (cached: option lists repeat a lot)."""
    if question_type == "true_false":
        if options != TRUE_FALSE_OPTIONS:
            return (
                f"a true_false question must have options {list(TRUE_FALSE_OPTIONS)}, got {list(options)!r}",
            )
        return ()
    problems = []
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        problems.append(
            f"a {question_type} question needs {MIN_OPTIONS} to {MAX_OPTIONS} options, "
            f"got {len(options)}: {list(options)!r}"
        )
    first_with_key: dict[str, str] = {}
    for position, text in enumerate(options):
        key = normalize_option(text)
        letter = chr(65 + position) if position < MAX_OPTIONS else ""
        if len(key) == 1 and key.isalpha() and key.upper() != letter:
            problems.append(
                f"option {text!r} is a single letter other than its own letter {letter or '(none)'}, "
                f"so an answer naming it could not be read, got {list(options)!r}"
            )
        if not key:
            problems.append(f"every option needs visible text, got {text!r} in {list(options)!r}")
        elif key in first_with_key:
            problems.append(
                f"options {first_with_key[key]!r} and {text!r} are the same option to answer extraction "
                f"(it ignores case, spacing and a final '.'), got {list(options)!r}"
            )
        else:
            first_with_key[key] = text
    return tuple(problems)


def question_problems(question_type: str, options: Sequence[str], answer: Sequence[str]) -> list[str]:
    """Problems of a question's ``options`` and ``answer`` given its format (``[]`` when valid).

    >>> question_problems("multiple_choice", ["Eyes", "Hair"], ["Nose"])
    ["answer ['Nose'] is not among the options ['Eyes', 'Hair']"]
    >>> question_problems("single_choice", ["A", "B"], ["A", "B"])
    ["a single_choice question needs exactly 1 answer, got 2: ['A', 'B']"]
    """
    if question_type == "open_ended":
        problems = []
        if options:
            problems.append(f"an open_ended question must have no options, got {list(options)!r}")
        if not answer or not all(text.strip() for text in answer):
            problems.append(
                f"an open_ended question needs at least one non-empty reference answer, got {list(answer)!r}"
            )
        return problems
    return list(_choice_problems(question_type, tuple(options), tuple(answer)))


@lru_cache(maxsize=16384)
def _choice_problems(
    question_type: str, options: tuple[str, ...], answer: tuple[str, ...]
) -> tuple[str, ...]:
    """Problems of a choice question (cached: option lists and answers repeat a lot)."""
    problems = list(_option_problems(question_type, tuple(options)))
    if question_type == "true_false" and problems:
        return tuple(problems)  # the answer cannot be judged against wrong options
    missing = [text for text in answer if text not in options]
    if missing:
        problems.append(f"answer {missing!r} is not among the options {list(options)!r}")
    if len(set(answer)) != len(answer):
        problems.append(f"answer lists an option twice: {list(answer)!r}")
    if question_type in ("single_choice", "true_false") and len(answer) != 1:
        problems.append(
            f"a {question_type} question needs exactly 1 answer, got {len(answer)}: {list(answer)!r}"
        )
    if question_type == "multiple_choice" and not answer:
        problems.append("a multiple_choice question needs at least 1 answer, got none")
    return tuple(problems)


def region_problems(level: str, region: str) -> list[str]:
    """Problems of ``region`` given the level: ``""`` for global, a non-blank name for local.

    >>> region_problems("global", "eyes")
    ["a global question must have region '', got 'eyes'"]
    """
    if level == "global" and region:
        return [f"a global question must have region '', got {region!r}"]
    if level == "local" and not region.strip():
        return [f"a local question needs a non-empty 'region', got {region!r}"]
    return []
