"""The reader hook: an optional model that reads what the extraction rules leave unparsed.

The rules (:mod:`.extract`) always go first. The closed-format items they leave unparsed
(a non-empty response that commits to nothing they can read, and no self-contradiction:
a ``conflict`` is a reading of the rules and stays unparsed) are passed, in one call, to
a *reader*: any callable taking those :class:`UnreadItem` s and returning one answer per
item, in order: the option texts the response commits to, or None when it commits to
nothing (or the reader failed). The reader never overrides a rule's reading. A reader
also has a ``model`` and a ``prompt_version`` (recorded with the results); the HTTP
implementation lives in :mod:`qbench_portrait_lib.run.reader`.

As with the rules, several options for a single-choice or true/false question commit to
nothing. An answer naming a text that is not one of the item's options is a programming
error of the reader (ValueError).

>>> item = UnreadItem("q1", "How sharp is the face?", "single_choice", ("Sharp", "Blurry"), "Blurry-ish")
>>> validate_reader_answers([["Blurry"]], [item])
[('Blurry',)]
>>> validate_reader_answers([["Sharp", "Blurry"]], [item])
[None]
>>> extraction_counts(["rules", "reader", None, None], [False, False, True, False])
{'extraction/read_by_rules': 1.0, 'extraction/read_by_reader': 1.0, 'extraction/unparsed': 2.0, \
'extraction/conflicts': 1.0}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

#: Where an item's reading came from (``source`` in the details); None: unparsed.
RULES = "rules"
READER = "reader"


@dataclass(frozen=True)
class UnreadItem:
    """A closed-format item whose response the rules could not read, as a reader sees it."""

    id: str
    question: str
    question_type: str
    options: tuple[str, ...]
    response: str


class ResponseReader(Protocol):
    """A reader of responses: ``reader(items)`` gives one answer per item (see the module doc)."""

    model: str
    prompt_version: str

    def __call__(self, items: Sequence[UnreadItem]) -> Sequence[Sequence[str] | None]: ...


def validate_reader_answers(
    answers: Sequence[Sequence[str] | None], items: Sequence[UnreadItem]
) -> list[tuple[str, ...] | None]:
    """Check a reader's answers: one per item, each None or option texts of that item.

    >>> validate_reader_answers([["Soft"]], [UnreadItem("q9", "?", "single_choice", ("Sharp",), "x")])
    Traceback (most recent call last):
    ...
    ValueError: reader answer for item 0 (id 'q9') must be None or option texts among ('Sharp',), got ['Soft']
    """
    answers = list(answers)
    if len(answers) != len(items):
        raise ValueError(
            f"the reader must return one answer per item: expected {len(items)}, got {len(answers)}"
        )
    checked: list[tuple[str, ...] | None] = []
    for index, (answer, item) in enumerate(zip(answers, items, strict=True)):
        if answer is None:
            checked.append(None)
            continue
        if isinstance(answer, str) or not all(text in item.options for text in answer):
            raise ValueError(
                f"reader answer for item {index} (id {item.id!r}) must be None or option texts "
                f"among {item.options!r}, got {answer!r}"
            )
        chosen = tuple(text for text in item.options if text in answer)  # option order, no repeats
        if not chosen or (len(chosen) > 1 and item.question_type != "multiple_choice"):
            checked.append(None)
        else:
            checked.append(chosen)
    return checked


def extraction_counts(sources: Sequence[str | None], conflicts: Sequence[bool]) -> dict[str, float]:
    """The flat extraction keys over the closed items: read by the rules, by the reader,
    left unparsed (the parse failures), and of those the self-contradictions."""
    return {
        "extraction/read_by_rules": float(sum(source == RULES for source in sources)),
        "extraction/read_by_reader": float(sum(source == READER for source in sources)),
        "extraction/unparsed": float(sum(source is None for source in sources)),
        "extraction/conflicts": float(sum(conflicts)),
    }
