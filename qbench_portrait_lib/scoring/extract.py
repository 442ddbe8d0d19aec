"""Deterministic answer extraction for the closed formats.

:func:`extract_answer` reads which options a free-form MLLM response commits to. The
rules are layered; the first layer that finds something decides:

1. the response is prepared (:mod:`.normalize`): reasoning blocks dropped, length bounded,
   full-width forms folded, markdown marks removed;
2. a terse response ("B", "(B)", "B.", "**B**", "True") is read directly (a table lookup;
   tests check that it agrees with the full rules), and so is one plain sentence that no
   earlier layer can read ("The face looks slightly blurry.": the options it names, step 6);
3. explicit answer statements: "Answer: B", "The answer is B", "Final answer: (C)",
   "I'd go with B", "答案是B", "选C", "应选B", ``\\boxed{B}``, ``{"answer": "B"}``, and for
   true/false "The statement is not correct". The **last** statement that names
   something wins, so a chain of thought that ends in "Final answer: C" reads C. A
   statement introduced by "whether" or "if" is not a commitment;
4. true/false (:mod:`.extract_tf_layers`): a refusal commits to nothing; else a letter at
   the start ("A", "Option B": the prompt lists True, False as A, B); else a verdict word
   at the start ("No, ..."), else verdict words that all agree, used as verdicts ("the
   hands look anatomically correct" is no verdict); else the statement of the response
   held against the claim of the question (:mod:`.extract_claims`);
5. choice formats: a response that just repeats every option with its letter commits to
   nothing; then a checklist ("- [x] Blur", "Noise: no"); then letters or an option
   text at the very start ("B. Slightly blurry", "A, C", "AC", "(A)(C)", "1) B 2) C", one
   letter per line, "Slightly blurry"), unless negated or questioned ("B is wrong",
   "Sharp? No."); a refusal ("I cannot determine...") commits to nothing; "All of the
   above" (every option, "... except D") / "None of them" (nothing) (:mod:`.extract_forms`);
   then the last "I think B" / "so, B" / "that leaves B" / "我认为是B"; then letters
   ending the response after a colon or a sentence break ("By elimination: D.", "Not A.
   Not C. B."); then letter lists starting clauses, rejected ones dropped ("C is fine; A
   and D are blurred");
6. finally the option texts mentioned in the response (word boundaries, longest option
   first, negated or questioned mentions ignored: "the eyes are not blurred", "Sharp? No"),
   "option B"/"(B)" mentions, inflected one-word options ("blurred" for Blur) and Chinese
   names of English options that single out one option (模糊 for Blur).

A letter restated by another option's text ("B. Noise" where B is Blur) contradicts
itself: it commits to nothing, and :func:`extract_reading` marks it as a ``conflict``.

Letter lists: a compact run ("ACD") must be strictly increasing capitals within the
options ("BAD" is a word), except after an explicit answer marker ("Answer: DB"); after a
letter only its own option text is skipped ("The answer is B. High is wrong" reads B); a
negation after an item drops that item ("A, C; B is absent"), with a plural verb the
whole list ("A and C are wrong"). A list may go on over lines in the form of its first
item, with explanations when the first line has one ("A. Blur - soft\\nC. JPEG
blocking - in the sky"); an explanation line after a bare letter ("A\\nB. Hair is fine")
and an echoed option list after an answer ("Answer: A\\nB. Hair\\nC. Background") are
not selections (see :func:`.extract_letter_list.parse_letter_list`).

A hedge ("A or B"), a letter outside the options, or several options for single-choice
or true/false commit to nothing (None). Nothing is random; every rule is linear in the
(bounded) response length.

>>> OPTIONS = ["Sharp", "Slightly blurry", "Very blurry"]
>>> extract_answer("**B**", OPTIONS, "single_choice")
('Slightly blurry',)
>>> extract_answer("I first thought A. Looking again... Final answer: C", OPTIONS, "single_choice")
('Very blurry',)
>>> extract_answer("a pretty girl with a blurry face", OPTIONS, "single_choice") is None
True
>>> extract_answer("A or B", OPTIONS, "single_choice") is None
True
>>> extract_answer('["A", "C"]', OPTIONS, "multiple_choice")
('Sharp', 'Very blurry')
>>> extract_answer("Nope, the eyes are not in focus.", ["True", "False"], "true_false")
('False',)
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from qbench_portrait_lib.contract.columns import CLOSED_TYPES
from qbench_portrait_lib.scoring.extract_fast import (
    TERSE_LETTERS,
    TERSE_TRUE_FALSE,
    plain_sentence,
    plain_verdict,
    simple_letters,
    terse,
)
from qbench_portrait_lib.scoring.extract_options import OptionTable, option_table
from qbench_portrait_lib.scoring.extract_reader import Reader
from qbench_portrait_lib.scoring.normalize import normalize_option, prepare_response

__all__ = [
    "TERSE_LETTERS",
    "TERSE_TRUE_FALSE",
    "Reading",
    "extract_answer",
    "extract_indices",
    "extract_reading",
    "read_prepared",
]

_UNUSABLE: tuple[int, ...] = ()


class Reading(NamedTuple):
    """What a response commits to: option ``indices`` (sorted; () for nothing) and whether it
    contradicts itself (``conflict``: a letter restated by another option's text)."""

    indices: tuple[int, ...]
    conflict: bool = False


_NOTHING = Reading(())


def _check_arguments(options: Sequence[str], question_type: str) -> OptionTable:
    """The option table of ``options``, after checking the arguments."""
    if question_type not in CLOSED_TYPES:
        raise ValueError(f"question_type must be one of {list(CLOSED_TYPES)}, got {question_type!r}")
    kind = type(options)
    if (
        kind is not tuple
        and kind is not list
        and (isinstance(options, str) or not isinstance(options, Sequence))
    ):
        raise TypeError(f"options must be a sequence of strings, got {kind.__name__}")
    texts = options if kind is tuple else tuple(options)
    try:
        return _checked_table(texts, question_type)
    except TypeError:  # unhashable items
        raise ValueError(f"options must be 1 to 26 strings, got {texts!r}") from None


@lru_cache(maxsize=4096)
def _checked_table(texts: tuple[str, ...], question_type: str) -> OptionTable:
    if not 1 <= len(texts) <= 26 or not all(isinstance(t, str) for t in texts):
        raise ValueError(f"options must be 1 to 26 strings, got {texts!r}")
    normalized = [normalize_option(t) for t in texts]
    if len(set(normalized)) != len(normalized) or "" in normalized:
        raise ValueError(f"options must be distinct and non-empty, got {texts!r}")
    if question_type == "true_false" and sorted(normalized) != ["false", "true"]:
        raise ValueError(f"true_false options must be 'True' and 'False', got {texts!r}")
    return option_table(texts)


def _read(text: str, table: OptionTable, question_type: str, question: str | None) -> Reading:
    reader = Reader(text, table, question_type, question)
    indices = reader.read()
    if len(indices) > 1 and question_type != "multiple_choice":
        return _NOTHING
    return Reading(indices, reader.conflict and not indices)


def read_prepared(
    text: str, options: Sequence[str], question_type: str, question: str | None = None
) -> tuple[int, ...]:
    """The full layered reader on an already prepared text, without any fast path.

    Tests use it to check that the fast paths agree with the rules they shortcut.

    >>> read_prepared("(B)", ["Low", "High"], "single_choice")
    (1,)
    """
    table = _check_arguments(options, question_type)
    return _read(text, table, question_type, question).indices if text else _UNUSABLE


def _prepared(response: str) -> str:
    if type(response) is not str and not isinstance(response, str):
        raise TypeError(f"response must be a string or None, got {type(response).__name__}")
    return prepare_response(response)


def _fast(text: str, table: OptionTable, question_type: str) -> tuple[int, ...] | None:
    """The fast paths (:mod:`.extract_fast`) on a prepared text; None: left to the reader."""
    indices = terse(text, table, question_type) if len(text) <= 6 else None
    if question_type == "true_false":
        return plain_verdict(text, table) if indices is None else indices
    if indices is None:
        indices = simple_letters(text, table, question_type)
    if indices is None:
        indices = plain_sentence(text, table, question_type)
    if indices is not None and len(indices) > 1 and question_type != "multiple_choice":
        return _UNUSABLE
    return indices


def _reading(response: str, table: OptionTable, question_type: str, question: str | None) -> Reading:
    text = _prepared(response)
    if not text:
        return _NOTHING
    indices = _fast(text, table, question_type)
    return _read(text, table, question_type, question) if indices is None else Reading(indices)


def extract_reading(
    response: str | None, options: Sequence[str], question_type: str, question: str | None = None
) -> Reading:
    """The :class:`Reading` of ``response``: the options it commits to, and whether it
    contradicts itself (then it commits to nothing).

    >>> extract_reading("B. Noise", ["Blur", "Noise"], "single_choice")
    Reading(indices=(1,), conflict=False)
    >>> extract_reading("B. Blur", ["Blur", "Noise"], "single_choice")
    Reading(indices=(), conflict=True)
    """
    table = _check_arguments(options, question_type)
    if response is None:
        return _NOTHING
    return _reading(response, table, question_type, question)


def extract_indices(
    response: str, options: Sequence[str], question_type: str, question: str | None = None
) -> tuple[int, ...]:
    """Indices (sorted) of the options ``response`` commits to; () when none.

    >>> extract_indices("Answer: A and C", ["Eyes", "Hair", "Background"], "multiple_choice")
    (0, 2)
    """
    return _reading(response, _check_arguments(options, question_type), question_type, question).indices


def extract_answer(
    response: str | None, options: Sequence[str], question_type: str, question: str | None = None
) -> tuple[str, ...] | None:
    """The option texts ``response`` commits to, in option order; None when it commits to nothing.

    ``question_type`` is ``single_choice``, ``multiple_choice`` or ``true_false`` (whose
    options are "True" and "False"). ``question``, when given, is the question text: for
    true/false it is the claim that a statement about the image affirms or denies
    (:mod:`.extract_claims`). Raises ValueError/TypeError only for bad ``options``,
    ``question_type`` or a response that is neither a string nor None.

    >>> extract_answer("答案是Ｂ", ["Low", "High"], "single_choice")
    ('High',)
    >>> extract_answer(None, ["Low", "High"], "single_choice") is None
    True
    >>> claim = "The eyes are sharp."
    >>> extract_answer("The eyes look blurry.", ["True", "False"], "true_false", question=claim)
    ('False',)
    """
    table = _check_arguments(options, question_type)
    if response is None:
        return None
    if type(response) is str:  # fast path: the most common responses, looked up
        if question_type == "true_false":
            polarity = TERSE_TRUE_FALSE.get(response)
            if polarity is not None:
                return (table.texts[table.normalized.index("true" if polarity else "false")],)
        else:
            index = TERSE_LETTERS.get(response)
            if index is not None:
                return (table.texts[index],) if index < len(table.texts) else None
    text = prepare_response(response) if type(response) is str else _prepared(response)
    indices = _fast(text, table, question_type) if text else _UNUSABLE
    if indices is None:
        indices = _read(text, table, question_type, question).indices
    if not indices:
        return None
    texts = table.texts
    return (texts[indices[0]],) if len(indices) == 1 else tuple(texts[i] for i in indices)
