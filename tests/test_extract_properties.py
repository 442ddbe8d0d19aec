"""Properties of answer extraction, checked with hypothesis, and its cost on huge inputs."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qbench_portrait_lib.scoring.extract import (
    TERSE_LETTERS,
    TERSE_TRUE_FALSE,
    extract_answer,
    extract_indices,
    extract_reading,
    read_prepared,
)
from qbench_portrait_lib.scoring.extract_fast import plain_sentence, plain_verdict
from qbench_portrait_lib.scoring.extract_options import option_table
from qbench_portrait_lib.scoring.normalize import HEAD_CHARS, TAIL_CHARS, normalize_option, prepare_response

CLOSED = ("single_choice", "multiple_choice", "true_false")
# Words for option texts; none of them is an answer word, negation, hedge or letter.
VOCABULARY = (
    "sharp", "blurry", "noisy", "grainy", "dark", "bright", "soft", "clean", "warm", "cool",
    "very", "slightly", "moderately", "face", "eyes", "hair", "background", "skin", "teeth",
)  # fmt: skip
# Pieces that exercise the rules when glued together at random.
PIECES = (
    "A", "B", "C", "I", "a", " ", "\n", ",", ".", "(", ")", "[", "]", "{", "}", '"', ":", "、",
    "answer", "Answer: ", "The answer is ", "option ", "or", "and", "not ", "no", "yes", "true",
    "false", "<think>", "</think>", "\\boxed{", "答案是", "Ｂ", "（", "sharp", "very blurry", "**",
    "I cannot determine", "so ", "it is ", "correct", "nope", "statement is ",
)  # fmt: skip

option_text = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=3).map(
    lambda words: " ".join(words).capitalize()
)
option_lists = st.lists(option_text, min_size=2, max_size=10, unique_by=lambda text: text.lower())
responses = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
)


def _options_for(question_type: str, options: list[str]) -> list[str]:
    return ["True", "False"] if question_type == "true_false" else options


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(response=responses, options=option_lists, question_type=st.sampled_from(CLOSED))
def test_never_raises_and_returns_a_subset_in_option_order(response, options, question_type):
    options = _options_for(question_type, options)
    parsed = extract_answer(response, options, question_type)
    if parsed is None:
        return
    assert parsed, "an empty verdict must be None"
    positions = [options.index(text) for text in parsed]
    assert positions == sorted(set(positions)), "option order, no repeats"
    if question_type != "multiple_choice":
        assert len(parsed) == 1


def _distinct_after_normalising(options: list[str]) -> bool:
    normalized = [normalize_option(text) for text in options]
    return "" not in normalized and len(set(normalized)) == len(normalized)


@settings(max_examples=300, deadline=None)
@given(
    response=responses,
    options=st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=8).filter(
        _distinct_after_normalising
    ),
    multiple=st.booleans(),
)
def test_arbitrary_option_texts_never_raise(response, options, multiple):
    question_type = "multiple_choice" if multiple else "single_choice"
    parsed = extract_answer(response, options, question_type)
    assert parsed is None or (parsed and set(parsed) <= set(options))


def _letters(indices) -> list[str]:
    return [chr(65 + i) for i in indices]


# Templates rendered from a plan: the chosen option indices, and the options in their order.
SINGLE_TEMPLATES = (
    "{L}", "({L})", "{L}.", "**{L}**", "Answer: {L}", "The answer is {L}.", "答案是{L}",
    "\\boxed{{{L}}}", '{{"answer": "{L}"}}', "{T}", "The face looks {T}.", "{L}. {T}",
    "<think>maybe {M}</think>{L}", "I first thought {M}. Final answer: {L}", "{L} or {M}",
    "{L} is correct because it is {T}.", "Option {L}", "I think it is {L}.",
)  # fmt: skip
MULTI_TEMPLATES = (
    "{LIST_COMMA}", "{LIST_AND}", "{COMPACT}", "{PARENS}", "Answer: {LIST_COMMA}", "{JSON}",
    "{LINES}", "{TEXTS}", "The correct options are {LIST_AND}.", "{LIST_COMMA} or {M}",
    "Answer: {COMPACT_ANY}", "The answer is {COMPACT_ANY}.",
)  # fmt: skip


def _render(template: str, chosen: list[int], distractor: int, options: list[str]) -> str:
    letters = _letters(chosen)
    return template.format(
        L=letters[0],
        M=_letters([distractor])[0],
        T=options[chosen[0]].lower(),
        LIST_COMMA=", ".join(letters),
        LIST_AND=" and ".join(letters)
        if len(letters) < 3
        else ", ".join(letters[:-1]) + " and " + letters[-1],
        COMPACT="".join(sorted(letters)),  # a compact run is written in order ("AC", not "CA")
        COMPACT_ANY="".join(letters),  # after an answer marker any order reads ("Answer: CA")
        PARENS="".join(f"({x})" for x in letters),
        JSON="[" + ", ".join(f'"{x}"' for x in letters) + "]",
        LINES="\n".join(letters),
        TEXTS=" and ".join(options[i].lower() for i in chosen),
    )


@settings(max_examples=400, deadline=None)
@given(data=st.data(), options=option_lists, multiple=st.booleans())
def test_permuting_options_keeps_the_verdict(data, options, multiple):
    n = len(options)
    question_type = "multiple_choice" if multiple else "single_choice"
    template = data.draw(st.sampled_from(MULTI_TEMPLATES if multiple else SINGLE_TEMPLATES))
    size = data.draw(st.integers(1, n)) if multiple else 1
    chosen = data.draw(st.lists(st.integers(0, n - 1), min_size=size, max_size=size, unique=True))
    distractor = data.draw(
        st.integers(0, n - 1).filter(lambda i: i not in chosen) if n > size else st.just(0)
    )
    order = data.draw(st.permutations(range(n)))
    permuted = [options[i] for i in order]
    new_position = {old: new for new, old in enumerate(order)}

    before = extract_answer(_render(template, chosen, distractor, options), options, question_type)
    after = extract_answer(
        _render(template, [new_position[i] for i in chosen], new_position[distractor], permuted),
        permuted,
        question_type,
    )
    assert (None if before is None else set(before)) == (None if after is None else set(after))


@settings(max_examples=200, deadline=None)
@given(data=st.data(), options=option_lists)
def test_compact_run_in_any_order_after_an_answer_marker(data, options):
    chosen = data.draw(st.lists(st.integers(0, len(options) - 1), min_size=1, unique=True))
    run = "".join(_letters(chosen))  # e.g. "DB": not in alphabetical order
    template = data.draw(st.sampled_from(["Answer: {}", "The answer is {}.", "Final answer: ({})"]))
    parsed = extract_answer(template.format(run), options, "multiple_choice")
    assert parsed == tuple(options[i] for i in sorted(chosen)), run


@settings(max_examples=200, deadline=None)
@given(options=option_lists, chosen=st.data())
def test_true_false_verdict_does_not_depend_on_option_order(options, chosen):
    response = chosen.draw(st.sampled_from(["True", "No.", "The statement is not correct.", "yes, it is"]))
    assert extract_answer(response, ["True", "False"], "true_false") == extract_answer(
        response, ["False", "True"], "true_false"
    )


@pytest.mark.parametrize(
    ("options", "question_type", "message"),
    [
        (["A", "B"], "open_ended", "question_type must be one of"),
        ([], "single_choice", "options must be 1 to 26 strings"),
        (["Low", "low"], "single_choice", "options must be distinct"),
        (["Yes", "No"], "true_false", "true_false options must be 'True' and 'False'"),
        (["Low", None], "single_choice", "options must be 1 to 26 strings"),
    ],
)
def test_bad_arguments_are_programmer_errors(options, question_type, message):
    with pytest.raises(ValueError, match=message):
        extract_answer("A", options, question_type)


def test_non_string_response_is_a_type_error():
    with pytest.raises(TypeError, match="response must be a string or None, got int"):
        extract_answer(3, ["Low", "High"], "single_choice")


ADVERSARIAL = {
    "letter list": "A, " * 30_000,
    "open brackets": "(" * 100_000,
    "capitals": "A" * 100_000,
    "markers": "answer is " * 10_000,
    "so so": "so " * 30_000,
    "think tags": "<think>" * 10_000,
    "negations": "not " * 25_000,
    "boxes": "\\boxed{" * 10_000,
    "spaces then answer": " " * 100_000 + "B",
    "option words": "option option " * 7_000,
    "chinese": "答案" * 50_000,
    "questions": "sharp? " * 15_000,
    "both verdicts": "yes and no " * 10_000,
    "raised negation": "i don't think it's " * 6_000,
    "letter lines": "A\nB. Very blurry\n" * 6_000,
    "negated options": "sharp is not " * 8_000,
    "colons": "x: A, " * 20_000,
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_megabyte_adversarial_responses_are_handled(name):
    base = ADVERSARIAL[name]
    options = ["Sharp", "Slightly blurry", "Very blurry"]
    small = extract_answer(base, options, "single_choice")
    huge = extract_answer(base * 10, options, "single_choice")  # ~1 MB
    assert small is None or set(small) <= set(options)
    assert huge is None or set(huge) <= set(options)
    # Whatever the size, the rules read a bounded window.
    assert len(prepare_response(base * 10)) <= HEAD_CHARS + TAIL_CHARS + 2


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_rules_are_linear_without_the_window(name):
    """The reader itself (bypassing the length bound) copes with 10x the window.

    A quadratic rule would need ~10^10 steps here and hang the test suite.
    """
    text = (ADVERSARIAL[name] * 2)[:100_000]
    for question_type in CLOSED:
        options = _options_for(question_type, ["Sharp", "Slightly blurry", "Very blurry"])
        assert isinstance(read_prepared(text, options, question_type), tuple)


def test_long_chain_of_thought_still_reads_its_final_statement():
    reasoning = "Looking at the eyes, A could fit; option A shows detail. " * 2_000  # ~110 KB
    response = "Let me think.\n" + reasoning + "\nFinal answer: C"
    assert extract_answer(response, ["Sharp", "Slightly blurry", "Very blurry"], "single_choice") == (
        "Very blurry",
    )


@pytest.mark.parametrize("size", [3, 10, 26])
def test_letter_fast_path_agrees_with_the_rules(size):
    options = [f"Option text {i}" for i in range(size)]
    for response in TERSE_LETTERS:
        full = read_prepared(prepare_response(response), options, "single_choice")
        fast = extract_answer(response, options, "single_choice")
        assert fast == (tuple(options[i] for i in full) or None), response
        assert extract_indices(response, options, "single_choice") == full, response


def test_true_false_fast_path_agrees_with_the_rules():
    for options in (["True", "False"], ["False", "True"]):
        for response in TERSE_TRUE_FALSE:
            full = read_prepared(prepare_response(response), options, "true_false")
            assert extract_answer(response, options, "true_false") == (
                tuple(options[i] for i in full) or None
            )


@settings(max_examples=300, deadline=None)
@given(response=st.text(alphabet="ABCIab()[].:* \n", max_size=6), options=option_lists)
def test_short_response_fast_path_agrees_with_the_rules(response, options):
    prepared = prepare_response(response)
    assert extract_indices(response, options, "multiple_choice") == read_prepared(
        prepared, options, "multiple_choice"
    )


STATEMENT_PIECES = (
    "The ", "the ", "answer", "Answer", "ANSWER", " is", ":", " ", "final ", "correct ", "A", "B", "C",
    "E", "I", "Z", "a", "b", "(", ")", "[", "]", ",", ", ", " and ", "&", ".", "\n", "答案", "是",
    "\\boxed{", "}", "whether ", "if ", "not ", "s",
)  # fmt: skip
# Reasoning put before a statement, so that the long-response fast path is taken.
REASONING_PREFIXES = (
    "Let me look at the eyes and the hair of the portrait carefully before I pick one. " * 2,
    "Option A would need crisp texture; I considered whether the answer is B. " * 2,
    "x" * 100,
    "Looking at it" + " " * 90,
)


@settings(max_examples=500, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(STATEMENT_PIECES), max_size=14),
    size=st.sampled_from([3, 5, 10]),
    question_type=st.sampled_from(["single_choice", "multiple_choice"]),
)
def test_statement_fast_path_agrees_with_the_rules(pieces, size, question_type):
    response = "".join(pieces)
    options = [f"Option text {i}" for i in range(size)]
    assert extract_indices(response, options, question_type) == read_prepared(
        prepare_response(response), options, question_type
    ), response


@settings(max_examples=500, deadline=None)
@given(
    prefix=st.sampled_from(REASONING_PREFIXES),
    pieces=st.lists(st.sampled_from(STATEMENT_PIECES), max_size=14),
    size=st.sampled_from([3, 5, 10]),
    question_type=st.sampled_from(["single_choice", "multiple_choice"]),
)
def test_final_statement_fast_path_agrees_with_the_rules(prefix, pieces, size, question_type):
    response = prefix + "".join(pieces)
    options = [f"Option text {i}" for i in range(size)]
    assert extract_indices(response, options, question_type) == read_prepared(
        prepare_response(response), options, question_type
    ), response


SENTENCE_PIECES = (
    "The face ", "the ", "looks ", "is ", "not ", "no ", "rather than ", "sharp", "Sharp", "slightly blurry",
    "very blurry", "blurred", " overall", " and ", " or ", ", ", ".", "!", "?", " ", "I think ", "answer ",
    "correct ", "best ", "only ", "all ", "option ", "B ", "C", "would ", "isn't ", "(", ")", ":", "-",
    "cannot tell ", "Q", "ok", "yes", "\n", "[", "]", "(7)", "(b)", "(B)", "[C]", " (7)", "noisy", "a.", "a)",
    "it ", "so ", "bright ", "(a) ", '"', "\\",
)  # fmt: skip
# Brackets inside option texts ("Noisy (7)") are read by the plain-sentence path too.
SENTENCE_OPTIONS = (
    ["Sharp", "Slightly blurry", "Very blurry"],
    ["Very blurry", "Sharp", "Blurred", "Noisy"],
    ["Sharp", "Very blurry (7)", "Noisy (b)", "Noisy [C]"],
)


@settings(max_examples=800, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(SENTENCE_PIECES), min_size=1, max_size=12),
    options=st.sampled_from(SENTENCE_OPTIONS),
    question_type=st.sampled_from(["single_choice", "multiple_choice"]),
)
def test_plain_sentence_fast_path_agrees_with_the_rules(pieces, options, question_type):
    response = "".join(pieces)
    assert extract_indices(response, options, question_type) == read_prepared(
        prepare_response(response), options, question_type
    ), response


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("The face in this portrait looks slightly blurry overall.", (1,)),
        ("The face is very blurry, not sharp.", (2,)),
        ("The eyes look sharp and the hair very blurry.", (0, 2)),
        ("The face is not sharp.", None),  # nothing named: left to the reader
        ("The answer is sharp.", None),  # an answer marker: left to the reader
        ("The face looks very blurry (7) overall.", (3,)),  # brackets of an option text
        ("The face looks noisy (b) or sharp.", (0, 4)),
        ("The face looks sharp (A).", None),  # a bracketed letter: left to the reader
        ("The face looks sharp [B].", None),
    ],
)
def test_plain_sentence_fast_path_is_taken_and_agrees(response, expected):
    options = ("Sharp", "Slightly blurry", "Very blurry", "Very blurry (7)", "Noisy (b)")
    assert plain_sentence(response, option_table(options), "multiple_choice") == expected
    full = read_prepared(prepare_response(response), options, "multiple_choice")
    assert expected is None or full == expected


VERDICT_PIECES = (
    "No", "Yes", "no", "yes", "Nope", "True", "false", "Correct", "incorrect", "not ", "Not at all",
    "Definitely", "I don't think so", "I agree", "right", "The statement is ", "the claim is ",
    "The description is ", "not true", "correct", "wrong", ", ", ". ", "! ", "? ", " ", " - ", ":", "\n",
    "the eyes are out of focus", "it is ", "it looks accurate", "I think ", "Answer: ", "B", "A", "(B)",
    "Option A", "A. False", "whether ", "if ", "I can't tell", "not sure", "sorry", "and ", "or ", "/",
    "I wouldn't say ", "holds", "答案", "对",
)  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(VERDICT_PIECES), min_size=1, max_size=10),
    options=st.sampled_from([["True", "False"], ["False", "True"]]),
    question=st.sampled_from([None, "The eyes are sharp."]),
)
def test_plain_verdict_fast_path_agrees_with_the_rules(pieces, options, question):
    response = "".join(pieces)
    full = read_prepared(prepare_response(response), options, "true_false", question)
    assert extract_indices(response, options, "true_false", question) == full, response
    assert extract_reading(response, options, "true_false", question).indices == full, response


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("No, the eyes are out of focus.", (1,)),  # the verdict words
        ("Yes, the statement is correct.", (0,)),  # the claim statement
        ("Yes, but the statement is not correct.", (1,)),
        ("The eyes look soft.", None),  # no verdict word: the claim of the question, in the reader
        ("Answer: yes", None),  # an answer marker: left to the reader
        ("B", None),  # a leading letter: left to the reader
        ("I cannot tell, no.", None),  # a refusal: left to the reader
    ],
)
def test_plain_verdict_fast_path_is_taken_and_agrees(response, expected):
    options = ("True", "False")
    assert plain_verdict(response, option_table(options)) == expected
    full = read_prepared(prepare_response(response), options, "true_false", "The eyes are sharp.")
    assert expected is None or full == expected


@pytest.mark.parametrize(
    "response",
    [
        "Noand Yes",
        "Yesor no.",
        "no andyes",
        "falsenor true",
        "Noandnot yes",
        "Trueand false, I think.",
        "No andnot no.",
        "Yes ornot yes.",
        "True nornot true.",
        "It is incorrect andnot incorrect.",
    ],
)
def test_verdict_words_run_into_a_connector_read_as_the_full_reader_does(response):
    """ "Noand Yes" offers both verdicts to the reader: the fast path must not read it as "yes"."""
    options = ("True", "False")
    full = read_prepared(prepare_response(response), options, "true_false", None)
    assert extract_indices(response, options, "true_false") == full
    assert extract_reading(response, options, "true_false").indices == full
