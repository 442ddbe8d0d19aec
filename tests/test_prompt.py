"""Snapshot tests of the canonical prompt: any change to the text must be deliberate.

If one of these fails because the prompt was changed on purpose, update the snapshot
and bump ``PROMPT_VERSION``.
"""

from __future__ import annotations

import hashlib

import pytest

from qbench_portrait_lib.contract.prompt import PROMPT_VERSION, render_prompt

SNAPSHOTS = {
    "single_choice": (
        {
            "question": "How would you rate the sharpness of the face?",
            "question_type": "single_choice",
            "options": ["Very low", "Low", "Medium", "High"],
        },
        "How would you rate the sharpness of the face?\n"
        "A. Very low\n"
        "B. Low\n"
        "C. Medium\n"
        "D. High\n"
        "Answer with the letter of the correct option only.",
    ),
    "multiple_choice": (
        {
            "question": "Which distortions are visible in this portrait?",
            "question_type": "multiple_choice",
            "options": ["Blur", "Noise", "JPEG blocking", "Colour cast"],
        },
        "Which distortions are visible in this portrait?\n"
        "A. Blur\n"
        "B. Noise\n"
        "C. JPEG blocking\n"
        "D. Colour cast\n"
        "Select all options that apply. "
        "Answer with their letters only, separated by commas (for example: A, C).",
    ),
    "true_false": (
        {
            "question": "The background is more blurred than the face.",
            "question_type": "true_false",
            "options": ["True", "False"],
        },
        "The background is more blurred than the face.\n"
        "Is this statement true or false? Answer with True or False only.",
    ),
    "open_ended": (
        {"question": "Describe the exposure of the portrait.", "question_type": "open_ended", "options": []},
        "Describe the exposure of the portrait.\nAnswer in one or two short sentences.",
    ),
}


#: The digest of every snapshot's rendered text under each prompt version ever released. A text
#: change needs a new PROMPT_VERSION (and its digest here); a version bump needs a text change.
RELEASED_PROMPTS = {"1": "875f680e074825ea"}


def _rendered_digest() -> str:
    text = "\n\x00\n".join(render_prompt(SNAPSHOTS[name][0]) for name in sorted(SNAPSHOTS))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def test_the_prompt_version_moves_with_the_text() -> None:
    digest = _rendered_digest()
    assert RELEASED_PROMPTS.get(PROMPT_VERSION) == digest, (
        f"the rendered prompt (digest {digest}) is not the one released as version {PROMPT_VERSION!r}: "
        "bump PROMPT_VERSION and record the new digest in RELEASED_PROMPTS"
    )
    assert list(RELEASED_PROMPTS.values()).count(digest) == 1, "two versions with the same text"


@pytest.mark.parametrize("name", sorted(SNAPSHOTS))
def test_prompt_snapshot(name: str) -> None:
    example, expected = SNAPSHOTS[name]
    assert render_prompt(example) == expected


@pytest.mark.parametrize("name", sorted(SNAPSHOTS))
def test_classlabel_int_renders_like_the_name(name: str) -> None:
    example, expected = SNAPSHOTS[name]
    as_int = dict(
        example, question_type=["single_choice", "multiple_choice", "true_false", "open_ended"].index(name)
    )
    assert render_prompt(as_int) == expected


def test_question_whitespace_is_trimmed() -> None:
    example = dict(SNAPSHOTS["open_ended"][0], question="  Describe the exposure of the portrait.\n")
    assert render_prompt(example) == SNAPSHOTS["open_ended"][1]


def test_unknown_question_type_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"question_type must be one of .* got 'yes_no'"):
        render_prompt({"question": "q", "question_type": "yes_no", "options": []})


def test_out_of_range_int_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"question_type must be one of .* or an int in 0\.\.3, got 7"):
        render_prompt({"question": "q", "question_type": 7, "options": []})


def test_choice_question_without_options_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"a single_choice question needs options, got \[\]"):
        render_prompt({"question": "q", "question_type": "single_choice", "options": []})
