"""The judge's rubric prompt for open-ended answers and the strict parse of its verdict.

The judge sees the question, the reference answer(s) and the model's answer (not the
image) and grades on the 0/1/2 scale of the Q-Bench family. Its reply must end with a
line ``Score: 0``, ``Score: 1`` or ``Score: 2``; the last line that starts with
"Score" decides, and anything else on it makes the reply unusable.

>>> parse_judge_score("The answer names the blur but misses the noise.\\nScore: 1")
1
>>> parse_judge_score("Score: 2\\nOn reflection it is wrong.\\nScore: 0")
0
>>> parse_judge_score("I would give it a 2."), parse_judge_score("Score: 3"), parse_judge_score(None)
(None, None, None)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

#: Changes whenever the judge's prompt text changes (it is part of every cache key).
JUDGE_PROMPT_VERSION = "1"

JUDGE_SYSTEM_PROMPT = (
    "You are a strict grader for a benchmark on the visual quality of portrait images. "
    "You cannot see the image: grade the model's answer only against the reference answer."
)

_RUBRIC = """\
Question: {question}
Reference answer{plural}:
{references}
Model's answer: {response}

Grade the model's answer against the reference:
- 2: it agrees with the reference on every quality judgement the question asks for (wording may differ).
- 1: it is partly right: some judgements match, others are wrong, missing or too vague.
- 0: it contradicts the reference, misses the point, or does not answer.
Explain in one or two sentences, then end with a last line of exactly "Score: 0", "Score: 1" or "Score: 2"."""

# A line that offers a score: optional markdown bold around the word "Score" and the value.
_SCORE_LINE = re.compile(r"^\s*(?:\*\*)?score(?:\*\*)?\s*:(?:\*\*)?\s*(?P<value>.*?)\s*$", re.IGNORECASE)
_VALID_VALUE = re.compile(r"^(?:\*\*)?(?P<score>[012])\.?(?:\*\*)?$")


def render_judge_prompt(question: str, references: Sequence[str], response: str) -> str:
    """The user message of a judge request.

    >>> prompt = render_judge_prompt("Which part is blurred?", ["The background."], "The background")
    >>> prompt.splitlines()[:3]
    ['Question: Which part is blurred?', 'Reference answer:', '- The background.']
    """
    if not references:
        raise ValueError(f"the judge needs at least one reference answer for question {question!r}, got none")
    return _RUBRIC.format(
        question=question.strip(),
        plural="s" if len(references) > 1 else "",
        references="\n".join(f"- {reference.strip()}" for reference in references),
        response=response.strip(),
    )


def judge_messages(question: str, references: Sequence[str], response: str) -> list[dict[str, Any]]:
    """The chat messages of a judge request: the system prompt and the rubric."""
    return [
        {"role": "system", "content": JUDGE_SYSTEM_PROMPT},
        {"role": "user", "content": render_judge_prompt(question, references, response)},
    ]


def parse_judge_score(reply: str | None) -> int | None:
    """The score (0, 1 or 2) a reply ends on, or None when the reply is unusable."""
    if not reply:
        return None
    last_value = None
    for line in reply.splitlines():
        match = _SCORE_LINE.match(line)
        if match:
            last_value = match.group("value")
    if last_value is None:
        return None
    valid = _VALID_VALUE.match(last_value)
    return int(valid.group("score")) if valid else None
