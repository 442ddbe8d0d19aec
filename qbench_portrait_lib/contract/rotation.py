"""Circular evaluation's variants: every question's option orders, one per cyclic rotation.

A single-choice or multiple-choice question with n options is asked n times, once per
cyclic rotation of its options (rotation k starts at option k); a true/false question is
asked under both orders of ("True", "False"), which are its two rotations; an open-ended
question has no options and is asked once. Rotation 0 is the question as the dataset
holds it: the vanilla pass of a circular run.

The runner, the offline baselines and the scorer all take the orders from here, so a
predictions line's ``rotation`` means the same thing everywhere.

>>> rotate(("Sharp", "Soft", "Blurry"), 1)
('Soft', 'Blurry', 'Sharp')
>>> variant_orders("single_choice", ("Sharp", "Soft", "Blurry"))
(('Sharp', 'Soft', 'Blurry'), ('Soft', 'Blurry', 'Sharp'), ('Blurry', 'Sharp', 'Soft'))
>>> variant_orders("true_false", ("True", "False"))
(('True', 'False'), ('False', 'True'))
>>> variant_orders("open_ended", ())
((),)
"""

from __future__ import annotations

from collections.abc import Sequence

#: The question formats whose options rotate in a circular run.
ROTATING_TYPES: tuple[str, ...] = ("single_choice", "multiple_choice", "true_false")


def rotate(options: Sequence[str], rotation: int) -> tuple[str, ...]:
    """``options`` rotated left by ``rotation`` places (``rotation`` in 0..len-1).

    >>> rotate(("A1", "B1"), 2)
    Traceback (most recent call last):
    ...
    ValueError: rotation must be in 0..1 for 2 options, got 2
    """
    options = tuple(options)
    if not options:
        if rotation != 0:
            raise ValueError(f"a question without options has only rotation 0, got {rotation}")
        return options
    if not 0 <= rotation < len(options):
        last = len(options) - 1
        raise ValueError(f"rotation must be in 0..{last} for {len(options)} options, got {rotation}")
    return options[rotation:] + options[:rotation]


def variant_count(question_type: str, option_count: int) -> int:
    """How many variants a circular run asks of a question.

    >>> variant_count("multiple_choice", 4), variant_count("open_ended", 0)
    (4, 1)
    """
    return option_count if question_type in ROTATING_TYPES and option_count > 0 else 1


def variant_orders(question_type: str, options: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """The option order of each variant, rotation 0 first."""
    return tuple(rotate(options, k) for k in range(variant_count(question_type, len(options))))


def rotation_of(options: Sequence[str], order: Sequence[str]) -> int | None:
    """The rotation that turns ``options`` into ``order``, or None when ``order`` is not one.

    >>> rotation_of(("a", "b", "c"), ("c", "a", "b")), rotation_of(("a", "b", "c"), ("b", "a", "c"))
    (2, None)
    """
    options, order = tuple(options), tuple(order)
    for k in range(max(1, len(options))):
        if rotate(options, k) == order:
            return k
    return None
