"""The canonical prompt: the exact text an MLLM is given for one question.

The runner, the lmms-eval task and the docs all render questions through
:func:`render_prompt`; snapshot tests pin its output, and :data:`PROMPT_VERSION`
changes whenever the text does.

>>> print(render_prompt({
...     "question": "How is the sharpness of the face?",
...     "question_type": "single_choice",
...     "options": ["Sharp", "Slightly blurry", "Very blurry"],
... }))
How is the sharpness of the face?
A. Sharp
B. Slightly blurry
C. Very blurry
Answer with the letter of the correct option only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from qbench_portrait_lib.contract.columns import label_name, option_letter

PROMPT_VERSION = "1"

#: The columns :func:`render_prompt` reads: what a model is shown besides the image.
PROMPT_COLUMNS: tuple[str, ...] = ("question", "question_type", "options")

INSTRUCTIONS: dict[str, str] = {
    "single_choice": "Answer with the letter of the correct option only.",
    "multiple_choice": (
        "Select all options that apply. "
        "Answer with their letters only, separated by commas (for example: A, C)."
    ),
    "true_false": "Is this statement true or false? Answer with True or False only.",
    "open_ended": "Answer in one or two short sentences.",
}


def render_prompt(example: Mapping[str, Any], order: Sequence[str] | None = None) -> str:
    """Render ``example`` (a row of the dataset) as the text prompt for an MLLM.

    Choice formats list their options as ``A. text`` lines; true/false questions
    state the claim and ask for True or False; open-ended ones ask for a short answer.
    The image is not part of the text: clients send it beside the prompt.

    ``order`` is the option order to present (a circular run's variant, see
    :mod:`qbench_portrait_lib.contract.rotation`): a permutation of the example's options;
    ``None`` keeps the dataset's order, and so does an order equal to it (the text is then
    the unrotated one). A true/false question under the order ("False", "True") names the
    two answers in that order.

    >>> print(render_prompt({"question": "Is the face sharp?", "question_type": "single_choice",
    ...                      "options": ["Yes", "No"]}, order=["No", "Yes"]))
    Is the face sharp?
    A. No
    B. Yes
    Answer with the letter of the correct option only.
    >>> render_prompt({"question": "The eyes are in focus.", "question_type": "true_false",
    ...                "options": ["True", "False"]}, order=["False", "True"]).splitlines()[-1]
    'Is this statement true or false? Answer with False or True only.'

    >>> print(render_prompt({"question": "The eyes are in focus.",
    ...                      "question_type": "true_false", "options": ["True", "False"]}))
    The eyes are in focus.
    Is this statement true or false? Answer with True or False only.
    """
    qtype = label_name("question_type", example["question_type"])
    options = _presented(list(example.get("options") or []), order)
    lines = [str(example["question"]).strip()]
    if qtype in ("single_choice", "multiple_choice"):
        if not options:
            raise ValueError(f"a {qtype} question needs options, got {options!r}")
        lines += [f"{option_letter(i)}. {text}" for i, text in enumerate(options)]
    instruction = INSTRUCTIONS[qtype]
    if qtype == "true_false" and options == ["False", "True"]:
        instruction = instruction.replace("True or False only", "False or True only")
    lines.append(instruction)
    return "\n".join(lines)


def _presented(options: list[str], order: Sequence[str] | None) -> list[str]:
    """The options in the order to present: ``order`` after checking it permutes ``options``.

    >>> _presented(["a", "b"], ["b", "c"])
    Traceback (most recent call last):
    ...
    ValueError: the option order ['b', 'c'] is not a permutation of the options ['a', 'b']
    """
    if order is None:
        return options
    order = [str(text) for text in order]
    if sorted(order) != sorted(options):
        raise ValueError(f"the option order {order!r} is not a permutation of the options {options!r}")
    return order
