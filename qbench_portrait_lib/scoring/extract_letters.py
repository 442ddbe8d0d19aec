"""Reading option letters ("B", "(A)(C)", "A, C", "AC", "A and C", one per line).

Text is cut into tokens (a word, a number, a newline or one punctuation mark) by one
linear regex; :func:`parse_letter_list` then walks the tokens from a given position.
A single capital letter counts as an option letter, except that "A" and "I" (English
words) count only when they stand alone: followed by punctuation, a separator, the end,
or (for "A") a verb such as "is"/"because" ("A is correct" yes, "A slight blur" no).
A lower-case letter counts only when bracketed or standing alone ("answer: b").

>>> text = "(A) and (C) are blurred."
>>> parse_letter_list(tokenize(text), 0, text, 4)
LetterList(indices=(0, 2), status='letters', end=11)
>>> text = "A slight blur on the left"
>>> parse_letter_list(tokenize(text), 0, text, 4).status
'none'
>>> text = "B or C"
>>> parse_letter_list(tokenize(text), 0, text, 4).status
'hedge'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise
from typing import NamedTuple

#: Tokens are (text, start, end) triples over the source string.
Token = tuple[str, int, int]

#: Tokens read from one fragment (a long multi-select list of long option texts fits).
MAX_TOKENS = 64

_TOKEN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|[0-9]+|\n|[^\sA-Za-z0-9]")

OPENERS = frozenset({"(", "[", "{", '"', "'", "<"})
CLOSERS = frozenset({")", "]", "}", '"', "'", ".", ":", ">", "!"})
LIST_SEPARATORS = frozenset({",", ";", "&", "+", "and", "\n", "和", "及", "与"})
BULLETS = frozenset({"-", "•", "·", ">"})
HEDGE_WORDS = frozenset({"or", "/", "|", "或", "或者", "还是"})
# Words after a capital "A" that make it the option letter, not the article.
LETTER_FOLLOWERS = frozenset(
    {"is", "because", "as", "since", "seems", "appears", "fits", "matches", "best", "correctly"}
)

LETTERS = "letters"
HEDGE = "hedge"
OUT_OF_RANGE = "out_of_range"
ECHO = "echo"
NONE = "none"


class LetterList(NamedTuple):
    """What :func:`parse_letter_list` found: option indices, a status (``letters``,
    ``hedge``, ``out_of_range``, ``echo`` or ``none``) and where the list ends in the text."""

    indices: tuple[int, ...]
    status: str
    end: int = 0


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Cut ``text[start:end]`` into (token, start, end) triples, whitespace dropped.

    At most :data:`MAX_TOKENS` tokens: every reader looks at the start of a fragment.

    >>> [t[0] for t in tokenize("Answer: (B), isn't it?")]
    ['Answer', ':', '(', 'B', ')', ',', "isn't", 'it', '?']
    """
    stop = len(text) if end is None else min(end, len(text))
    tokens = []
    position = start
    # findall is much faster than building match objects; as only whitespace other than
    # newlines (which are tokens) separates tokens, find() recovers each position.
    for word in _TOKEN.findall(text, start, stop)[:MAX_TOKENS]:
        position = text.find(word, position)
        tokens.append((word, position, position + len(word)))
        position += len(word)
    return tokens


def _increasing(word: str) -> bool:
    """True when the letters of ``word`` strictly increase ("ACD" yes, "BAD" no)."""
    return all(a < b for a, b in pairwise(word))


def _glued(source: str, start: int, end: int) -> bool:
    """True when the token is glued to a digit or hyphenated into a word ("X-ray", "B2")."""
    after = source[end : end + 2]
    if after[:1].isdigit() or (after[:1] == "-" and after[1:2].isalpha()):
        return True
    before = source[start - 2 : start] if start >= 2 else source[:start]
    return before[-1:].isdigit() or (before[-1:] == "-" and before[:1].isalpha())


def letter_value(tokens: list[Token], i: int, source: str, strict: bool = False) -> tuple[int, ...] | None:
    """Option indices the token at ``i`` names, or None when it is not an option letter.

    ``strict`` (used after a line break) asks that the letter stand alone.

    >>> text = "A, I think"
    >>> letter_value(tokenize(text), 0, text), letter_value(tokenize(text), 2, text)
    ((0,), None)
    """
    word, start, end = tokens[i]
    if not word.isalpha() or not word.isascii() or _glued(source, start, end):
        return None
    nxt = tokens[i + 1][0] if i + 1 < len(tokens) else None
    prev = tokens[i - 1][0] if i > 0 else None
    alone = nxt is None or nxt in CLOSERS or nxt in LIST_SEPARATORS or nxt in HEDGE_WORDS or nxt == "-"
    if len(word) == 1:
        if word.islower():
            bracketed = prev in OPENERS and nxt in CLOSERS
            if not (bracketed or (alone and nxt not in ("and", "or"))):
                return None
            return (ord(word) - 97,)
        if strict and not alone:
            return None
        if word == "I" and not alone:
            return None
        if word == "I" and nxt == ",":  # "I, for one" is the pronoun; "I, J" is a list
            after = tokens[i + 2][0] if i + 2 < len(tokens) else ""
            if not (len(after) == 1 and after.isupper()):
                return None
        if word == "A" and not (alone or nxt in LETTER_FOLLOWERS):
            return None
        return (ord(word) - 65,)
    # A compact run such as "AC": capitals in strictly increasing order (so "BAD" and
    # "ADD" are words), standing alone.
    compact = word.isupper() and _increasing(word) and alone and nxt != "-"
    if compact and (prev is None or prev in OPENERS or prev in LIST_SEPARATORS or prev == ":"):
        return tuple(ord(c) - 65 for c in word)
    return None


def _skip(tokens: list[Token], i: int, kinds: frozenset[str]) -> int:
    while i < len(tokens) and tokens[i][0] in kinds:
        i += 1
    return i


def _item_end(tokens: list[Token], j: int, skip_option_text: Callable[[int], int] | None) -> tuple[int, bool]:
    """Token index after the letter at ``j`` (its closers and any option text), and whether
    an option text followed the letter ("A. Eyes")."""
    n = len(tokens)
    i = _skip(tokens, j + 1, CLOSERS)
    if skip_option_text is None or i >= n:
        return i, False
    text_end = skip_option_text(tokens[i][1])
    if text_end <= tokens[i][1]:
        return i, False
    while i < n and tokens[i][1] < text_end:
        i += 1
    return _skip(tokens, i, CLOSERS), True


def parse_letter_list(
    tokens: list[Token],
    i: int,
    source: str,
    n_options: int,
    skip_option_text: Callable[[int], int] | None = None,
) -> LetterList:
    """Read a list of option letters starting at token ``i``.

    ``skip_option_text(position)`` may return where an option text starting at
    ``position`` in ``source`` ends (or ``position`` when none does), so that
    "A. Sharp, C. Very blurry" reads as A and C. A compact run ("AC") with a letter
    outside the options is read as a word, a single such letter as out of range.

    After a line break a letter continues the list only when its line holds nothing
    else and has the form of the first item: a bare letter after a bare letter ("A\\nC"),
    "X. <option text>" after "X. <option text>". So "A\\nB. Hair is fine" (an
    explanation line) and "Answer: A\\nB. Hair\\nC. Background" (an answer, then the
    options echoed) read as A alone. Lines of "X. <option text>" naming every option are
    an echoed option list (status ``echo``).

    >>> text = "A\\nC\\nThe rest"
    >>> parse_letter_list(tokenize(text), 0, text, 4)
    LetterList(indices=(0, 2), status='letters', end=3)
    >>> text = "A and C.\\nB. The hair is sharp."
    >>> parse_letter_list(tokenize(text), 0, text, 4).indices
    (0, 2)
    >>> text = "Answer E"
    >>> parse_letter_list(tokenize(text), 1, text, 4).status
    'out_of_range'
    """
    indices: list[int] = []
    strict = False
    first_with_text: bool | None = None
    all_with_text = True
    continued_lines = 0
    end = 0
    n = len(tokens)
    while True:
        j = _skip(tokens, i, OPENERS)
        if j >= n:
            break
        value = letter_value(tokens, j, source, strict)
        if value is None:
            break
        after, with_text = _item_end(tokens, j, skip_option_text)
        if strict:  # a new line: only "C" or "C. <option text>" alone on it continues the list
            line_ends = after >= n or tokens[after][0].lower() in LIST_SEPARATORS
            if not line_ends or with_text != first_with_text:
                break
            continued_lines += 1
        elif first_with_text is None:
            first_with_text = with_text
        if any(v >= n_options for v in value):
            if len(value) > 1:
                break
            return LetterList((), OUT_OF_RANGE)
        all_with_text = all_with_text and with_text
        indices.extend(value)
        closed = after > j + 1
        end = tokens[after - 1][2]
        i = after
        if i >= n:
            break
        raw = tokens[i][0]
        word = raw.lower()
        if word in HEDGE_WORDS:
            return LetterList((), HEDGE)
        if word in LIST_SEPARATORS:
            strict = False
            while i < n and tokens[i][0].lower() in LIST_SEPARATORS:
                strict = strict or tokens[i][0] == "\n"
                i += 1
            if i < n and tokens[i][0].lower() in HEDGE_WORDS:
                return LetterList((), HEDGE)
            if strict:  # a bulleted line: "- C"
                i = _skip(tokens, i, BULLETS)
            continue
        strict = False
        if word in OPENERS or (len(raw) == 1 and raw.isupper() and not closed):
            continue
        break
    if not indices:
        return LetterList((), NONE)
    found = tuple(sorted(set(indices)))
    if continued_lines and all_with_text and n_options > 1 and len(found) == n_options:
        return LetterList((), ECHO)
    return LetterList(found, LETTERS, end)
