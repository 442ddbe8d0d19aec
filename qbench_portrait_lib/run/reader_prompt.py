"""The LLM reader's prompt, and the strict parse of its reply.

The reader sees the question, its format, the lettered options and the model's response
(not the image), and must reply with only the letters the response commits to ("B",
"A, C") or ``NONE``. A reply with anything else is malformed and is asked again with
:data:`REMINDER` appended to the conversation.

>>> parse_reader_reply("A, C", 3), parse_reader_reply("none", 3), parse_reader_reply("B.", 2)
((0, 2), (), (1,))
>>> parse_reader_reply("I think B", 3) is None, parse_reader_reply("D", 3) is None
(True, True)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # items are only read by attribute
    from qbench_portrait_lib.scoring.reading import UnreadItem

#: Changes whenever the reader's prompt text changes (it is part of every cache key).
READER_PROMPT_VERSION = "1"

READER_SYSTEM_PROMPT = (
    "You grade the format of answers another model gave to questions about the visual quality of "
    "portrait images. You cannot see the image and must not judge whether an answer is right: "
    "report only which of the listed options the answer commits to."
)
_KINDS = {
    "single_choice": "single choice (exactly one option)",
    "multiple_choice": "select all that apply (one or more options)",
    "true_false": "true or false (option A is True, option B is False)",
}
_INSTRUCTION = (
    "Which option(s) does the answer commit to? Reply with only the letter(s), separated by commas "
    '(for example "B" or "A, C"), or NONE when it commits to no option: it refuses, hedges between '
    "options, or contradicts itself."
)
REMINDER = 'Reply with only the letter(s), such as "B" or "A, C", or NONE. Nothing else.'
_REPLY = re.compile(r"[A-Z](?: ?, ?[A-Z])*")


def parse_reader_reply(reply: str | None, n_options: int) -> tuple[int, ...] | None:
    """The option indices of a strict reply (() for NONE), or None when it is malformed."""
    if reply is None:
        return None
    text = reply.strip().strip("`*").strip().rstrip(".")
    if text.upper() == "NONE":
        return ()
    if not _REPLY.fullmatch(text):
        return None
    indices = tuple(sorted({ord(letter) - 65 for letter in text if letter.isalpha()}))
    return indices if indices[-1] < n_options else None


def reader_messages(item: UnreadItem) -> list[dict[str, Any]]:
    """The chat messages asking what ``item``'s response commits to."""
    options = "\n".join(f"{chr(65 + i)}. {text}" for i, text in enumerate(item.options))
    user = (
        f"Question: {item.question.strip()}\nFormat: {_KINDS[item.question_type]}\nOptions:\n{options}\n\n"
        f"The answer to read:\n<<<\n{item.response.strip()}\n>>>\n\n{_INSTRUCTION}"
    )
    return [{"role": "system", "content": READER_SYSTEM_PROMPT}, {"role": "user", "content": user}]
