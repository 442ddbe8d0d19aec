"""Reading a list of option letters ("A, C", "(A)(C)", "A and C", "1) B 2) C", one per line).

:func:`parse_letter_list` walks the tokens of :func:`.extract_letters.tokenize` from a
given position; the state of one walk lives in a small :class:`_Walk` object whose
methods each handle one step (an item, its continuation line, what follows it).

>>> from qbench_portrait_lib.scoring.extract_letters import tokenize
>>> text = "(A) and (C) are blurred."
>>> parse_letter_list(tokenize(text), 0, text, 4)
LetterList(indices=(0, 2), status='letters', end=11)
>>> text = "A slight blur on the left"
>>> parse_letter_list(tokenize(text), 0, text, 4).status
'none'
>>> text = "B or C"
>>> parse_letter_list(tokenize(text), 0, text, 4).status
'hedge'
>>> text = "1) B 2) D"
>>> parse_letter_list(tokenize(text), 0, text, 4).indices
(1, 3)
"""

from __future__ import annotations

from collections.abc import Callable

from qbench_portrait_lib.scoring.extract_letters import (
    BULLETS,
    CLOSERS,
    CONFLICT,
    ECHO,
    HEDGE,
    HEDGE_WORDS,
    LETTERS,
    LIST_SEPARATORS,
    NEGATED,
    NONE,
    OPENERS,
    OUT_OF_RANGE,
    LetterList,
    Token,
    letter_value,
    skip,
)

#: ``option_at(position)``: (index, end, negated) of the option text starting at ``position``
#: (negated: a negation follows it, "B. High is wrong"), or None.
OptionAt = Callable[[int], "tuple[int, int, bool] | None"]
#: Marks between a letter and the option text restating it: "B (Blur)", "B - Blur", "B: Blur".
_TEXT_LEADS = frozenset({"(", "-", ":", "—", "–"})
_SLASH = frozenset({"/"})


def _skip_openers(tokens: list[Token], i: int) -> int:
    """Skip brackets and quotes, and an enumerator before a letter ("1) B", "2. C")."""
    i = skip(tokens, i, OPENERS)
    n = len(tokens)
    if i + 2 < n and tokens[i][0].isdigit() and tokens[i + 1][0] in (")", ".") and tokens[i + 2][0].isalpha():
        return skip(tokens, i + 2, OPENERS)
    return i


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
    return skip(tokens, i, BULLETS)


def _item_end(
    tokens: list[Token], j: int, value: tuple[int, ...], option_at: OptionAt | None
) -> tuple[int, bool, str, bool]:
    """After the letter at ``j``: the next token index (past its closers and its own option
    text), whether its own text followed ("A. Eyes"), its closers, and whether another
    option's text followed instead ("B. Noise" where B is Blur: a conflict)."""
    n = len(tokens)
    i = skip(tokens, j + 1, CLOSERS)
    closer = "".join(token[0] for token in tokens[j + 1 : i])
    if option_at is None or len(value) != 1 or i >= n:
        return i, False, closer, False
    found = option_at(tokens[i][1])
    if found is None:
        if tokens[i][0] in _TEXT_LEADS and i + 1 < n:  # "B (Noise)", "B - Noise": only a conflict
            found = option_at(tokens[i + 1][1])
            return i, False, closer, found is not None and found[0] != value[0] and not found[2]
        return i, False, closer, False
    if found[0] != value[0]:
        return i, False, closer, not found[2]
    k = i
    while k < n and tokens[k][1] < found[1]:
        k += 1
    return skip(tokens, k, CLOSERS), True, closer, False


class _Walk:
    """The state of one walk over a letter list (see :func:`parse_letter_list`)."""

    def __init__(self, tokens: list[Token], source: str, n_options: int, option_at: OptionAt | None):
        self.tokens, self.source, self.n_options, self.option_at = tokens, source, n_options, option_at
        self.negation: Callable[[int], str | None] | None = None
        self.explicit = False
        self.hedges = HEDGE_WORDS
        self.separators = LIST_SEPARATORS
        self.line_mode = False
        self.indices: list[int] = []
        self.first_form: tuple[str, str, str] | None = None
        self.first_with_text = self.first_explained = False
        self.first_line_count = self.first_line_end = -1  # set on a second line
        self.strict = False  # at the start of a continuation line
        self.line_has_item = self.explained = self.dropped = False
        self.continued_lines = self.text_lines = self.echo_lines = 0
        self.all_with_text = True
        self.end = 0

    def explain_line(self, i: int) -> int:
        """The rest of the line explains the item: go to the next line."""
        self.first_explained = self.first_explained or self.first_line_count < 0
        self.explained = self.strict = True
        self.line_has_item = False
        return _next_line(self.tokens, i)

    def continues(
        self, i: int, j: int, after: int, value: tuple[int, ...], with_text: bool, closer: str
    ) -> bool:
        """Whether the item at ``j`` (a line start) continues the list in the first item's form."""
        tokens = self.tokens
        form = (
            tokens[i - 1][0] if i > 0 and tokens[i - 1][0] in BULLETS else "",
            self.source[tokens[i][1] : tokens[j][1]].strip(),
            closer,
        )
        if not self.strict:
            if self.first_form is None:
                self.first_form, self.first_with_text = form, with_text
            return True
        line_ends = after >= len(tokens) or tokens[after][0].lower() in self.separators
        if self.first_with_text:  # explanations only when the first line has one too
            ok = with_text and form == self.first_form and (self.first_explained or line_ends)
        elif self.first_explained:
            ok = form == self.first_form
        else:
            ok = line_ends and form[0] == self.first_form[0]
            if with_text:  # lines going on with the alphabet echo the options: "A\nB. Hair"
                self.echo_lines += len(value) == 1 and bool(self.indices) and value[0] == self.indices[-1] + 1
            self.text_lines += with_text
        if ok:
            if self.first_line_count < 0:
                self.first_line_count, self.first_line_end = len(self.indices), self.end
            self.continued_lines += 1
            self.strict = False
        return ok

    def take(self, value: tuple[int, ...], after: int, with_text: bool) -> str | None:
        """Record the item; returns its negation verdict ("item", "list" or None)."""
        self.all_with_text = self.all_with_text and with_text
        self.line_has_item = True
        item_end = self.tokens[after - 1][2]
        verdict = self.negation(item_end) if self.negation is not None else None
        if verdict == "item":
            self.dropped = True
        elif verdict is None:
            self.indices.extend(value)
            self.end = item_end
        return verdict

    def step(self, i: int, closed: bool, verdict: str | None) -> int | str:
        """Where the walk goes after an item ending before token ``i`` (``closed``: it had
        closers or its own text): a token index, or a status (HEDGE, or NONE to stop)."""
        tokens, n = self.tokens, len(self.tokens)
        raw = tokens[i][0]
        word = raw.lower()
        if word in self.hedges:
            return HEDGE
        if verdict is None and word in self.separators:
            while i < n and tokens[i][0].lower() in self.separators:
                if tokens[i][0] == "\n":
                    self.strict, self.line_has_item = True, False
                i += 1
            if i < n and tokens[i][0].lower() in self.hedges:
                return HEDGE
            return skip(tokens, i, BULLETS) if self.strict else i  # a bulleted line: "- C"
        if verdict is None and (word in OPENERS or (len(raw) == 1 and raw.isupper() and not closed)):
            return i
        if verdict is None and raw.isdigit() and _skip_openers(tokens, i) != i:
            return i  # "1) B 2) C"
        if not self.line_mode:
            return NONE
        i = self.explain_line(i)
        return i if i < n else NONE

    def result(self) -> LetterList:
        """The list read, once the walk stops."""
        if not self.indices:
            return LetterList((), NEGATED if self.dropped else NONE)
        indices, end = self.indices, self.end
        if self.echo_lines and self.echo_lines == self.text_lines == self.continued_lines:
            indices, end = indices[: self.first_line_count], self.first_line_end  # "Answer: A\nB. Hair"
        found = tuple(sorted(set(indices)))
        if (
            self.continued_lines
            and self.all_with_text
            and not self.explained
            and not self.explicit
            and self.n_options > 1
            and len(found) == self.n_options
        ):
            return LetterList((), ECHO)
        return LetterList(found, LETTERS, end)

    def run(self, i: int) -> LetterList:
        """Walk from token ``i``."""
        tokens, n = self.tokens, len(self.tokens)
        while True:
            j = _skip_openers(tokens, i)
            value = letter_value(tokens, j, self.source, self.strict, self.explicit) if j < n else None
            if value is None:
                if self.strict or not (self.line_mode and self.line_has_item):
                    return self.result()
                i = self.explain_line(j)  # "A. Blur (face is soft)\n": the rest explains
                if i >= n:
                    return self.result()
                continue
            after, with_text, closer, conflict = _item_end(tokens, j, value, self.option_at)
            if not self.continues(i, j, after, value, with_text, closer):
                return self.result()
            if any(v >= self.n_options for v in value):
                return self.result() if len(value) > 1 else LetterList((), OUT_OF_RANGE)
            verdict = None if conflict else self.take(value, after, with_text)
            if verdict == "list":
                return LetterList((), NEGATED)
            if conflict:
                return LetterList((), CONFLICT)
            if after >= n:
                return self.result()
            following = self.step(after, after > j + 1, verdict)
            if following == HEDGE:
                return LetterList((), HEDGE)
            if following == NONE:
                return self.result()
            i = following


def parse_letter_list(
    tokens: list[Token],
    i: int,
    source: str,
    n_options: int,
    option_at: OptionAt | None = None,
    negation: Callable[[int], str | None] | None = None,
    explicit: bool = False,
    slash_joins: bool = False,
) -> LetterList:
    """Read a list of option letters starting at token ``i``.

    ``option_at(position)`` may give (index, end) of the option text starting at
    ``position`` in ``source``, so that "A. Sharp, C. Very blurry" reads as A and C: only a
    letter's own option text is skipped, and a letter restated by another option's text
    ("B. Noise" where B is Blur, "B (Noise)", "B - Noise") is a ``conflict``.
    ``negation(end)`` says whether what follows an item ending at ``end`` negates it:
    ``"item"`` drops that item ("A, C; B is absent"), ``"list"`` the whole list ("A and C
    are wrong"). After an ``explicit`` answer marker a compact run may be in any order
    ("Answer: DB"), and every option listed is no echo. With ``slash_joins`` (select all
    that apply) "B/D" lists both instead of hedging. A compact run ("AC") with a letter
    outside the options is read as a word, a single such letter as out of range.

    A list that starts a line (with ``option_at`` given) may go on over the next lines,
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

    >>> from qbench_portrait_lib.scoring.extract_letters import tokenize
    >>> text = "A\\nC\\nThe rest"
    >>> parse_letter_list(tokenize(text), 0, text, 4)
    LetterList(indices=(0, 2), status='letters', end=3)
    >>> text = "Answer E"
    >>> parse_letter_list(tokenize(text), 1, text, 4).status
    'out_of_range'
    >>> text = "B/D"
    >>> parse_letter_list(tokenize(text), 0, text, 4, slash_joins=True).indices
    (1, 3)
    """
    first = _skip_openers(tokens, i)
    if first >= len(tokens):
        return LetterList((), NONE)
    walk = _Walk(tokens, source, n_options, option_at)
    walk.negation, walk.explicit = negation, explicit
    if slash_joins:
        walk.hedges, walk.separators = HEDGE_WORDS - _SLASH, LIST_SEPARATORS | _SLASH
    walk.line_mode = option_at is not None and _at_line_start(source, tokens[first][1])
    return walk.run(i)


def after_but(tokens: list[Token], i: int, source: str, n_options: int) -> int | None:
    """Token index after "but" in "not A but B" (``i`` at "A"), None without a "but".

    >>> from qbench_portrait_lib.scoring.extract_letters import tokenize
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
