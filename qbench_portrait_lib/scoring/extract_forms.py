"""Layers of the reader for the choice formats' harder forms (mixed into :class:`.extract_reader.Reader`).

- :meth:`ChoiceForms.final_letters`: a conclusion after elimination ends the response in a
  bare letter list after a sentence break, a colon or an arrow ("Not A. Not C. B.",
  "By elimination: D.", "... → B");
- :meth:`ChoiceForms.clause_letters`: letter lists starting clauses, the rejected ones
  dropped ("C is fine; A and D are blurred");
- :meth:`ChoiceForms.every_option`: "All of the above" / "all of them" / "everything" is
  every option ("... except D" drops D), "None of them" commits to nothing; both only
  when no option is literally such a text;
- :meth:`ChoiceForms.chinese_mentions`: option texts named in Chinese where the options
  are English ("模糊" for Blur), only through names that single out one option
  (:func:`.extract_lexicon.chinese_aliases`); a name after 不是/没有/非 is rejected, two
  names joined by 或/还是 are a hedge.

>>> from qbench_portrait_lib.scoring.extract_reader import Reader
>>> from qbench_portrait_lib.scoring.extract_options import option_table
>>> table = option_table(("Blur", "Noise", "JPEG blocking"))
>>> Reader("All of the above except B.", table, "multiple_choice").read()
(0, 2)
>>> Reader("不是模糊，是噪声。", table, "single_choice").read()
(1,)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from qbench_portrait_lib.scoring.extract_letter_list import OptionAt, parse_letter_list
from qbench_portrait_lib.scoring.extract_letters import CONFLICT, HEDGE, LETTERS, tokenize
from qbench_portrait_lib.scoring.extract_lexicon import chinese_aliases
from qbench_portrait_lib.scoring.extract_options import OptionTable, is_negated

_UNUSABLE: tuple[int, ...] = ()
# Where a bare conclusion may start: a sentence break, a colon, an arrow, a dash.
_BREAKS = (". ", ".\n", "\n", ":", "\u2192", "->", "=>", "! ", " - ", "\u2014")
_TAIL_CHARS = 24
_PREFIX = (
    r"(?:(?:the )?(?:final )?answers?(?: is| are)?:? "
    r"|i(?:'d| would) (?:say|select|choose|pick) |honestly,? )?"
)
_EVERY = re.compile(
    _PREFIX
    + r"(?:all of (?:the above|them|these|those|the options)|all (?:the )?options|all (?:three|four|five)"
    r"|everything|all apply|all are"
    r"|all(?= *,? *(?:except|apart from|but not|other than|excluding|save for)))(?![a-z])"
)
_NONE = re.compile(
    _PREFIX + r"(?:none of (?:the above|them|these|those|the options|the [a-z]+)|none apply)(?![a-z])"
)
_EVERY_FIRST = frozenset("aehint")  # first letters of the phrases and their prefixes
_EXCEPT = re.compile(r"[ ,]*(?:except(?: for)?|apart from|but not|other than|excluding|save for) (?:the )?")
_LEADING = re.compile(r"[\s\"'(\[{<#>*\-]*")
_AFFIRMED = re.compile(
    r"(?<![A-Za-z'])\(?([A-Z])\)?(?![A-Za-z']) (?:fits(?: (?:best|better))?|wins"
    r"|is (?:the )?(?:correct|right|best|most likely|most plausible|most appropriate|the answer)(?![a-z]))"
)
_CLAUSE_BREAKS = (". ", "; ", "! ", "\n")
_ITEM_START = re.compile(r"[\s\-*>]*(?:[(\[]?[A-Z](?![a-z])|[0-9][.)] ?[A-Z](?![a-z]))")


def affirmed_hint(lowered: str) -> bool:
    """True when ``lowered`` holds one of the words that gate :meth:`affirmed_letter` (C substring tests).

    >>> affirmed_hint("b is the most likely"), affirmed_hint("the face looks sharp")
    (True, False)
    """
    return (
        "fits" in lowered
        or "correct" in lowered
        or "right" in lowered
        or "best" in lowered
        or "likely" in lowered
        or "plausible" in lowered
        or "wins" in lowered
        or "appropriate" in lowered
    )


def _clause_starts(text: str) -> list[int]:
    """Starts of the clauses (the text start, after ". ", "; ", "! " or a line break) that
    begin with something shaped like a letter item ("C is", "(A)", "1) B"), in order.

    >>> _clause_starts("Not A. C is fine; the rest. B")
    [7, 28]
    """
    starts = [0]
    for mark in _CLAUSE_BREAKS:
        position = text.find(mark)
        while position >= 0:
            starts.append(position + len(mark))
            position = text.find(mark, position + len(mark))
    return [start for start in sorted(set(starts)) if _ITEM_START.match(text, start)]


def _ends_in_letter(text: str) -> bool:
    """True when ``text`` ends in a run of capitals standing alone ("... C.", "... AC").

    >>> _ends_in_letter("Not A. Not C. B."), _ends_in_letter("It looks blurry overall.")
    (True, False)
    """
    end = len(text.rstrip(" \n\t.!)]*"))
    start = end
    while start and end - start < 26 and "A" <= text[start - 1] <= "Z":
        start -= 1
    return start < end and not text[start - 1 : start].isalpha()


_LETTER_AHEAD = re.compile(r"\s*[(\[]?[A-Za-z](?![A-Za-z])|\s*[A-Z]+(?![A-Za-z])")
_CLAUSE_CHARS = 120
_CHINESE_NEGATION_2 = ("不是", "没有", "并非", "而非", "不存在")
_CHINESE_NEGATION_1 = ("无", "非", "不", "没")
_CHINESE_HEDGE = re.compile(r"\s*(?:或者|或|还是|/)\s*")


_BOX = re.compile(r"^[ \t]*(?:[-*\u2022][ \t]*)?\[([ xX])\][ \t]*(\S[^\n]*?)[ \t]*$", re.MULTILINE)
_VERDICT_ITEM = re.compile(
    r"(?:^|(?<=[\n.;,]))[ \t]*(?:[-*\u2022][ \t]*)?([^\n.;,:]{1,40}?)[ \t]*[:\-\u2013\u2014][ \t]*"
    r"(yes|no|present|absent|visible|not present|not visible|\u2713|\u2717|\u2714|\u274c|\u2705)(?![a-z])",
    re.MULTILINE,
)
_POSITIVE = frozenset({"yes", "present", "visible", "x", "\u2713", "\u2714", "\u2705"})
_ITEM_LETTER = re.compile(r"\(?([A-Z])(?:[.):]|\b)")
_WORD = re.compile(r"[a-z]+")


@lru_cache(maxsize=1024)
def inflected_forms(normalized: tuple[str, ...]) -> dict[str, int]:
    """Inflections of one-word option texts ("blur" -> "blurred", "blurry"; "noise" ->
    "noisy"), each kept only when it names one option and is no option text itself.

    >>> forms = inflected_forms(("blur", "noise"))
    >>> forms["blurred"], forms["blurry"], forms["noisy"], "noise" in forms
    (0, 0, 1, False)
    """
    forms: dict[str, set[int]] = {}
    for index, text in enumerate(normalized):
        if not text.isalpha() or not text.isascii():
            continue
        stem = text[:-1] if text.endswith("e") else text
        last = text[-1]
        for form in (text + "s", text + "ed", text + "y", text + "ing", stem + "y", stem + "ed", stem + "ing",
                     text + last + "ed", text + last + "y", text + last + "ing"):  # fmt: skip
            if form != text:
                forms.setdefault(form, set()).add(index)
    return {form: next(iter(ix)) for form, ix in forms.items() if len(ix) == 1 and form not in normalized}


class ChoiceForms:
    """Mixin: needs ``text``, ``lowered``, ``table``, ``n_options``, ``multi``, ``conflict``,
    ``option_here`` and ``letter_negation``."""

    text: str
    lowered: str
    table: OptionTable
    n_options: int
    multi: bool
    conflict: bool
    option_here: OptionAt
    letter_negation: Callable[[int], str | None]

    def _item_option(self, item: str) -> int | None:
        """The option a checklist item names: its letter ("A", "A. Blur") or its whole text."""
        letter = _ITEM_LETTER.match(item)
        if letter is not None and (letter.end() == len(item) or item[letter.end() - 1] in ".):"):
            index = ord(letter.group(1)) - 65
            return index if index < self.n_options else None
        normalized = item.strip().lower()
        return self.table.normalized.index(normalized) if normalized in self.table.normalized else None

    def checklist(self) -> tuple[int, ...] | None:
        """A checklist over the options: "- [x] Blur / - [ ] Noise" or "Blur: yes. Noise: no."
        (two items or more); the checked items, () when none is."""
        if "[" in self.text:
            items = [(box.lower() == "x", text) for box, text in _BOX.findall(self.text)]
        else:
            items = []
        if len(items) < 2 and ":" not in self.text and "-" not in self.text:
            return None
        if len(items) < 2:
            found = _VERDICT_ITEM.findall(self.text)
            items = [(verdict.lower() in _POSITIVE, text) for text, verdict in found]
        named = [(checked, self._item_option(text)) for checked, text in items]
        named = [(checked, index) for checked, index in named if index is not None]
        if len(named) < 2:
            return None
        return tuple(sorted({index for checked, index in named if checked}))

    def inflected_mentions(self) -> tuple[int, ...]:
        """One-word options named by an inflection ("blurred" for Blur), not negated."""
        forms = inflected_forms(self.table.normalized)
        found = set()
        for match in _WORD.finditer(self.lowered) if forms else ():
            index = forms.get(match.group())
            if index is not None and not is_negated(self.lowered, match.start(), match.end()):
                found.add(index)
        return tuple(sorted(found))

    def affirmed_letter(self) -> tuple[int, ...] | None:
        """The last letter affirmed by what follows it ("D fits better", "B is correct")."""
        if not affirmed_hint(self.lowered):
            return None
        found = None
        for match in _AFFIRMED.finditer(self.text):
            index = ord(match.group(1)) - 65
            found = (index,) if index < self.n_options else _UNUSABLE
        return found

    def clause_letters(self) -> tuple[int, ...] | None:
        """Letter lists starting clauses, without the rejected ones ("C is fine; A and D are
        blurred" reads A, D); None when no clause starts with a letter."""
        text = self.text
        if (
            text[1:2].islower()
            and "\n" not in text
            and ". " not in text
            and "; " not in text
            and "! " not in text
        ):
            return None  # cheap exit: one clause, starting with an ordinary word
        found: set[int] = set()
        for position in _clause_starts(text):
            tokens = tokenize(self.text, position, position + _CLAUSE_CHARS)
            letters = parse_letter_list(
                tokens,
                0,
                self.text,
                self.n_options,
                self.option_here,
                self.letter_negation,
                False,
                self.multi,
            )
            if letters.status == HEDGE:
                return _UNUSABLE
            if letters.status == CONFLICT:
                self.conflict = True
                return _UNUSABLE
            if letters.status == LETTERS:
                found.update(letters.indices)
        return tuple(sorted(found)) if found else None

    def final_letters(self) -> tuple[int, ...] | None:
        """A bare letter list ending the response after its last break ("Not A. Not C. B.")."""
        tail_start = max(0, len(self.text) - _TAIL_CHARS)
        if not _ends_in_letter(self.text):
            return None  # cheap exit
        start = max(
            self.text.rfind(mark, tail_start) + len(mark) if mark in self.text else -1 for mark in _BREAKS
        )
        if start < 0 or not _LETTER_AHEAD.match(self.text, start):
            return None
        tokens = tokenize(self.text, start)
        letters = parse_letter_list(tokens, 0, self.text, self.n_options, slash_joins=self.multi)
        if letters.status != LETTERS or self.text[letters.end :].strip(" .!)\n"):
            return None
        return letters.indices

    def _literal(self, word: str) -> bool:
        return any(text.startswith(word) for text in self.table.normalized)

    def every_option(self) -> tuple[int, ...] | None:
        """Every option ("All of the above", "... except D"), or () for "None of them"."""
        start = _LEADING.match(self.lowered).end()
        if self.lowered[start : start + 1] not in _EVERY_FIRST:
            return None  # cheap exit: no phrase of the kind starts here
        if self.lowered.startswith("none", start) or self.lowered.startswith("answer", start):
            match = _NONE.match(self.lowered, start)
            if match is not None and not self._literal("none"):
                return _UNUSABLE
        match = _EVERY.match(self.lowered, start)
        if match is None or self._literal("all") or self._literal("every"):
            return None
        chosen = set(range(self.n_options))
        rest = _EXCEPT.match(self.lowered, match.end())
        if rest is not None:
            dropped = self._named_at(rest.end())
            if dropped is None:
                return None  # "all except the ones that look fine": nothing readable
            chosen -= set(dropped)
        return tuple(sorted(chosen))

    def _named_at(self, position: int) -> tuple[int, ...] | None:
        """Options named at ``position``: letters ("B and D") or one option text."""
        letters = parse_letter_list(
            tokenize(self.text, position, position + 60), 0, self.text, self.n_options
        )
        if letters.status == LETTERS:
            return letters.indices
        found = self.table.option_at(self.lowered, position)
        return (found[0],) if found is not None else None

    def chinese_mentions(self) -> tuple[int, ...] | None:
        """Options named in Chinese (None when the text names none); a hedge gives ()."""
        if self.lowered.isascii():
            return None
        aliases = chinese_aliases(self.table.texts)
        if not aliases:
            return None
        spans = []
        for name, index in sorted(aliases, key=lambda pair: -len(pair[0])):
            position = self.lowered.find(name)
            while position >= 0:
                end = position + len(name)
                if not any(s < end and position < e for s, e, _ in spans):
                    spans.append((position, end, index))
                position = self.lowered.find(name, end)
        if not spans:
            return None
        spans.sort()
        chosen = set()
        for k, (start, end, index) in enumerate(spans):
            following = spans[k + 1][0] if k + 1 < len(spans) else -1
            hedge = _CHINESE_HEDGE.match(self.lowered, end)
            if following >= 0 and hedge is not None and hedge.end() == following:
                return _UNUSABLE  # "模糊或噪声"
            before = self.lowered[max(0, start - 3) : start].rstrip(" ,")
            if before.endswith(_CHINESE_NEGATION_2) or before.endswith(_CHINESE_NEGATION_1):
                continue
            chosen.add(index)
        return tuple(sorted(chosen))
