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
    {"is", "because", "as", "since", "seems", "appears", "fits", "matches", "best", "correctly", "but"}
)

LETTERS = "letters"
HEDGE = "hedge"
OUT_OF_RANGE = "out_of_range"
ECHO = "echo"
NONE = "none"
NEGATED = "negated"


class LetterList(NamedTuple):
    """What :func:`parse_letter_list` found: option indices, a status (``letters``,
    ``hedge``, ``out_of_range``, ``echo``, ``negated`` or ``none``) and where the list ends."""

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


def after_but(tokens: list[Token], i: int, source: str, n_options: int) -> int | None:
    """Token index after "but" in "not A but B" (``i`` at "A"), None without a "but".

    >>> text = "not A, but B"
    >>> tokens = tokenize(text)
    >>> tokens[after_but(tokens, 1, text, 4)][0]
    'B'
    """
    letters = parse_letter_list(tokens, i, source, n_options)
    if letters.status != LETTERS:
        return None
    k = i
    while k < len(tokens) and tokens[k][1] < letters.end:
        k += 1
    if k < len(tokens) and tokens[k][0] in (",", ";"):
        k += 1
    return k + 1 if k + 1 < len(tokens) and tokens[k][0].lower() == "but" else None


def _skip(tokens: list[Token], i: int, kinds: frozenset[str]) -> int:
    while i < len(tokens) and tokens[i][0] in kinds:
        i += 1
    return i


def _item_end(
    tokens: list[Token], j: int, value: tuple[int, ...], own_text_end: Callable[[int, int], int] | None
) -> tuple[int, bool, str]:
    """Token index after the letter at ``j`` (its closers and its own option text), whether
    its own option text followed ("A. Eyes"), and its closers ("." in "A. Eyes")."""
    n = len(tokens)
    i = _skip(tokens, j + 1, CLOSERS)
    closer = "".join(token[0] for token in tokens[j + 1 : i])
    if own_text_end is None or len(value) != 1 or i >= n:
        return i, False, closer
    text_end = own_text_end(tokens[i][1], value[0])
    if text_end <= tokens[i][1]:
        return i, False, closer
    while i < n and tokens[i][1] < text_end:
        i += 1
    return _skip(tokens, i, CLOSERS), True, closer


def _at_line_start(source: str, position: int) -> bool:
    """True when only bullets, brackets and spaces precede ``position`` on its line."""
    before = source[max(0, position - 8) : position]
    line_break = before.rfind("\n")
    if line_break < 0 and position > 8:
        return False
    return not before[line_break + 1 :].strip(" \t-•·>*#([")


def _next_line(tokens: list[Token], i: int) -> int:
    """Index of the first token of the line after the one holding token ``i`` (len when none)."""
    n = len(tokens)
    while i < n and tokens[i][0] != "\n":
        i += 1
    if i >= n:
        return n
    while i < n and tokens[i][0] == "\n":
        i += 1
    return _skip(tokens, i, BULLETS)


def parse_letter_list(
    tokens: list[Token],
    i: int,
    source: str,
    n_options: int,
    own_text_end: Callable[[int, int], int] | None = None,
    negation: Callable[[int], str | None] | None = None,
    explicit: bool = False,
) -> LetterList:
    """Read a list of option letters starting at token ``i``.

    ``own_text_end(position, index)`` may return where the text of option ``index``
    starting at ``position`` in ``source`` ends (or ``position`` when it does not start
    there), so that "A. Sharp, C. Very blurry" reads as A and C: only a letter's own
    option text is skipped. ``negation(end)`` says whether what follows an item ending
    at ``end`` negates it: ``"item"`` drops that item ("A, C; B is absent"), ``"list"``
    the whole list ("A and C are wrong"). After an ``explicit`` answer marker a compact
    run may be in any order ("Answer: DB"), and every option listed is no echo.
    A compact run ("AC") with a letter outside the options is read as a word, a single
    such letter as out of range.

    A list that starts a line (with ``own_text_end`` given) may go on over the next lines,
    one item per line, each line starting with the letter in the form of the first item
    (same bullet and brackets):

    - first item "X. <its option text>": each line "Y. <Y's option text>", followed by
      anything when the first line has an explanation too ("A. Blur - soft edges\\nC. JPEG
      blocking - in the sky"), else by nothing ("B. Low\\nC. Medium would overstate it": B);
    - first item followed by an explanation ("A - blur on the face"): each line in the
      same form, whatever follows;
    - first item alone on its line ("A", "A, C"): each line holds just "C" or
      "C. <C's option text>" ("A\\nC"), so an explanation line ("A\\nB. Hair is fine")
      ends the list. Lines "X. <option text>" going on with the alphabet after it echo
      the options ("Answer: A\\nB. Hair\\nC. Background" reads A; "A\\nC. Mouth" reads A, C).

    Lines of "X. <option text>" naming every option without anything else are an echoed
    option list (status ``echo``), unless ``explicit``.

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
    n = len(tokens)
    first = _skip(tokens, i, OPENERS)
    if first >= n:
        return LetterList((), NONE)
    line_mode = own_text_end is not None and _at_line_start(source, tokens[first][1])
    indices: list[int] = []
    first_form: tuple[str, str, str] | None = None
    first_with_text = first_explained = False
    first_line_count = first_line_end = -1  # the first line's items and end (set on a second line)
    strict = False  # at the start of a continuation line
    line_has_item = False
    continued_lines = text_lines = echo_lines = 0
    all_with_text = True
    explained = dropped = False
    end = 0
    while True:
        j = _skip(tokens, i, OPENERS)
        value = letter_value(tokens, j, source, strict, explicit) if j < n else None
        if value is None:
            if strict or not (line_mode and line_has_item):
                break
            i = _next_line(tokens, j)  # "A. Blur (face is soft)\n": the rest explains
            first_explained = first_explained or first_line_count < 0
            explained = strict = True
            line_has_item = False
            if i >= n:
                break
            continue
        after, with_text, closer = _item_end(tokens, j, value, own_text_end)
        form = (
            tokens[i - 1][0] if i > 0 and tokens[i - 1][0] in BULLETS else "",
            source[tokens[i][1] : tokens[j][1]].strip(),
            closer,
        )
        if strict:
            line_ends = after >= n or tokens[after][0].lower() in LIST_SEPARATORS
            if first_with_text:  # explanations only when the first line has one too
                continues = with_text and form == first_form and (first_explained or line_ends)
            elif first_explained:
                continues = form == first_form
            else:
                continues = line_ends and form[0] == first_form[0]
                if with_text:  # lines going on with the alphabet echo the options: "A\nB. Hair"
                    echo_lines += len(value) == 1 and bool(indices) and value[0] == indices[-1] + 1
                text_lines += with_text
            if not continues:
                break
            if first_line_count < 0:
                first_line_count, first_line_end = len(indices), end
            continued_lines += 1
            strict = False
        elif first_form is None:
            first_form, first_with_text = form, with_text
        if any(v >= n_options for v in value):
            if len(value) > 1:
                break
            return LetterList((), OUT_OF_RANGE)
        all_with_text = all_with_text and with_text
        line_has_item = True
        verdict = negation(tokens[after - 1][2]) if negation is not None else None
        if verdict == "list":
            return LetterList((), NEGATED)
        if verdict == "item":
            dropped = True
        else:
            indices.extend(value)
            end = tokens[after - 1][2]
        closed = after > j + 1
        i = after
        if i >= n:
            break
        raw = tokens[i][0]
        word = raw.lower()
        if word in HEDGE_WORDS:
            return LetterList((), HEDGE)
        if verdict is None and word in LIST_SEPARATORS:
            while i < n and tokens[i][0].lower() in LIST_SEPARATORS:
                if tokens[i][0] == "\n":
                    strict, line_has_item = True, False
                i += 1
            if i < n and tokens[i][0].lower() in HEDGE_WORDS:
                return LetterList((), HEDGE)
            if strict:  # a bulleted line: "- C"
                i = _skip(tokens, i, BULLETS)
            continue
        if verdict is None and (word in OPENERS or (len(raw) == 1 and raw.isupper() and not closed)):
            continue
        if not line_mode:
            break
        i = _next_line(tokens, i)  # the rest of the line explains the item
        first_explained = first_explained or first_line_count < 0
        explained = strict = True
        line_has_item = False
        if i >= n:
            break
    if not indices:
        return LetterList((), NEGATED if dropped else NONE)
    if echo_lines and echo_lines == text_lines == continued_lines:
        indices, end = indices[:first_line_count], first_line_end  # "Answer: A\nB. Hair\nC. Eyes"
    found = tuple(sorted(set(indices)))
    if (
        continued_lines
        and all_with_text
        and not explained
        and not explicit
        and n_options > 1
        and len(found) == n_options
    ):
        return LetterList((), ECHO)
    return LetterList(found, LETTERS, end)
