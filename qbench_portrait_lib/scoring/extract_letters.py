"""Option letters as tokens ("B", "(A)", "AC"): the tokenizer and the letter test.

Text is cut into tokens (a word, a number, a newline or one punctuation mark) by one
linear regex; :mod:`.extract_letter_list` then walks the tokens from a given position.
A single capital letter counts as an option letter, except that "A" and "I" (English
words) count only when they stand alone: followed by punctuation, a separator, the end,
or (for "A") a verb such as "is"/"because" ("A is correct" yes, "A slight blur" no).
A lower-case letter counts only when bracketed or standing alone ("answer: b").

>>> text = "A slight blur"
>>> letter_value(tokenize(text), 0, text) is None
True
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import NamedTuple

#: Tokens are (text, start, end) triples over the source string.
Token = tuple[str, int, int]

#: Tokens read from one fragment (a long multi-select list of long option texts fits).
MAX_TOKENS = 64

_TOKEN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|[0-9]+|\n|[^\sA-Za-z0-9]")

OPENERS = frozenset({"(", "[", "{", '"', "'", "<", "_"})
CLOSERS = frozenset({")", "]", "}", '"', "'", ".", ":", ">", "!", "_"})
LIST_SEPARATORS = frozenset({",", ";", "&", "+", "and", "\n", "和", "及", "与"})
BULLETS = frozenset({"-", "•", "·", ">"})
HEDGE_WORDS = frozenset({"or", "/", "|", "或", "或者", "还是"})
# Words after a capital "A" that make it the option letter, not the article.
LETTER_FOLLOWERS = frozenset(
    {"is", "because", "as", "since", "seems", "appears", "fits", "matches", "best", "correctly", "but"}
)

LETTERS = "letters"
HEDGE = "hedge"
OUT_OF_RANGE = "out_of_range"
ECHO = "echo"
NONE = "none"
NEGATED = "negated"
CONFLICT = "conflict"


class LetterList(NamedTuple):
    """What :func:`.extract_letter_list.parse_letter_list` found: option indices, a status
    (``letters``, ``hedge``, ``out_of_range``, ``echo``, ``negated``, ``conflict`` or
    ``none``) and where the list ends."""

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


def letter_value(
    tokens: list[Token], i: int, source: str, strict: bool = False, any_order: bool = False
) -> tuple[int, ...] | None:
    """Option indices the token at ``i`` names, or None when it is not an option letter.

    ``strict`` (used after a line break) asks that the letter stand alone; ``any_order``
    (after an explicit answer marker) accepts a compact run of distinct capitals in any order.

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
    after = tokens[i + 2][0] if i + 2 < len(tokens) else ""
    if nxt is not None and nxt.isdigit() and after in (")", "."):
        alone = True  # "1) A 2) D": the next enumerator
    if nxt is not None and len(nxt) == 1 and nxt.isupper() and (not after or len(after) == 1):
        alone = True  # "A C D": letters separated by spaces
    if nxt == "(" and after[:1].isupper():
        alone = True  # "A (Very blurry)": a restated option text, not "a (slight) blur"
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
    ordered = _increasing(word) or (any_order and len(set(word)) == len(word))
    compact = word.isupper() and ordered and alone and nxt != "-"
    if compact and (any_order or prev is None or prev in OPENERS or prev in LIST_SEPARATORS or prev == ":"):
        return tuple(ord(c) - 65 for c in word)
    return None


def is_letter_run(word: str, n_options: int) -> bool:
    """True when ``word`` is a run of distinct capitals naming options ("BE", "DA").

    >>> is_letter_run("BE", 5), is_letter_run("BE", 4), is_letter_run("ADD", 4)
    (True, False, False)
    """
    return (
        len(word) > 1
        and word.isupper()
        and len(set(word)) == len(word)
        and all(ord(c) - 65 < n_options for c in word)
    )


def skip(tokens: list[Token], i: int, kinds: frozenset[str]) -> int:
    """Index of the first token at or after ``i`` whose text is not in ``kinds``."""
    while i < len(tokens) and tokens[i][0] in kinds:
        i += 1
    return i
