"""The random baseline: a seeded uniform guess over each question's possible answers.

- single_choice: one of the k options, each with probability 1/k;
- multiple_choice: one of the 2^k - 1 non-empty subsets, each with probability
  1/(2^k - 1), so its expected exact-match score is the metric's chance level;
- true_false: "True" or "False", each with probability 1/2;
- open_ended: always :data:`OPEN_ENDED_RESPONSE`.

Each row draws from its own generator, seeded with ``(seed, crc32(id))``: a row's
answer depends on the seed and its id only, not on which other rows are answered.

>>> answer_randomly({"id": "q1", "question_type": "single_choice", "options": ["a", "b", "c"]})
'B'
>>> answer_randomly({"id": "q1", "question_type": "open_ended", "options": []})
'The portrait shows no clear quality problem.'
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from qbench_portrait_lib.contract.columns import option_letter

#: The fixed neutral answer given to every open-ended question.
OPEN_ENDED_RESPONSE = "The portrait shows no clear quality problem."


def row_generator(row_id: str, seed: int) -> np.random.Generator:
    """The generator of one row: ``default_rng([seed, crc32(row_id)])``."""
    return np.random.default_rng([int(seed), zlib.crc32(str(row_id).encode("utf-8"))])


def random_subset_letters(options: Sequence[str], rng: np.random.Generator) -> str:
    """Letters of a uniformly drawn non-empty subset of ``options``, e.g. ``"A, C"``.

    >>> random_subset_letters(["x", "y"], np.random.default_rng(0)) in {"A", "B", "A, B"}
    True
    """
    k = len(options)
    if k == 0:
        raise ValueError("a multiple_choice question needs at least one option, got none")
    mask = int(rng.integers(1, 2**k))  # uniform over the 2^k - 1 non-zero bit masks
    return ", ".join(option_letter(i) for i in range(k) if mask >> i & 1)


def answer_randomly(row: Mapping[str, Any], *, seed: int = 0, question_type: str | None = None) -> str:
    """One random response for ``row`` (``question_type`` given as a name overrides the row's)."""
    qtype = question_type or row["question_type"]
    rng = row_generator(row["id"], seed)
    options = list(row.get("options") or [])
    if qtype == "single_choice":
        if not options:
            raise ValueError(f"single_choice question {row['id']!r} has no options")
        return option_letter(int(rng.integers(len(options))))
    if qtype == "multiple_choice":
        return random_subset_letters(options, rng)
    if qtype == "true_false":
        return "True" if rng.random() < 0.5 else "False"
    if qtype == "open_ended":
        return OPEN_ENDED_RESPONSE
    raise ValueError(f"question_type must be a format name, got {qtype!r} for row {row['id']!r}")
