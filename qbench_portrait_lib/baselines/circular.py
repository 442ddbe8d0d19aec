"""The offline baselines on a circular run: each variant answered with its options rotated.

Every question is expanded into its variants (:mod:`qbench_portrait_lib.contract.rotation`)
and the baseline answers each variant as if the dataset held the rotated order, so its
letters refer to the order it was shown. ``random`` draws each variant independently: the
vanilla variant (rotation 0) keeps the question's own seed, so it answers exactly as on a
plain run, and rotation k draws from the generator of ``"{id}@{k}"``; its circular accuracy
then sits at the product of the variants' chance levels.

>>> rows = [{"id": "q1", "image_id": "i1", "question": "The face is sharp.", "question_type": 2,
...          "options": ["True", "False"], "answer": ["True"], "quality_dimension": 0,
...          "image_source": 0, "level": 0, "attribute": "blur", "region": "", "image": None}]
>>> [(v.key, v.option_order, r) for v, r in answer_variants("random", rows)]
[('q1@0', ('True', 'False'), 'True'), ('q1@1', ('False', 'True'), 'False')]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from qbench_portrait_lib.baselines import BASELINE_NAMES, _undecoded, answer_with_baseline, row_label
from qbench_portrait_lib.contract.rotation import variant_orders


@dataclass(frozen=True)
class Variant:
    """One circular variant: its question, rotation and the option order shown."""

    id: str
    rotation: int
    option_order: tuple[str, ...]

    @property
    def key(self) -> str:
        """``id@rotation``, the key of its predictions line."""
        return f"{self.id}@{self.rotation}"


def answer_variants(
    name: str, rows: Iterable[Mapping[str, Any]], *, seed: int = 0, progress: bool = False
) -> list[tuple[Variant, str]]:
    """Every variant of every row with baseline ``name``'s response to it, in row then rotation order."""
    if name not in BASELINE_NAMES:
        raise ValueError(f"unknown baseline {name!r}; expected one of {sorted(BASELINE_NAMES)}")
    variants: list[Variant] = []
    shown: list[dict[str, Any]] = []
    for row in _undecoded(rows):  # images stay bytes: the classical baseline decodes each once
        orders = variant_orders(row_label(row, "question_type"), row["options"] or ())
        for rotation, order in enumerate(orders):
            variants.append(Variant(row["id"], rotation, order))
            # the random baseline seeds by id: each rotation its own draw, rotation 0 the plain one
            seed_id = row["id"] if rotation == 0 else f"{row['id']}@{rotation}"
            shown.append({**row, "id": seed_id, "options": list(order)})
    responses = answer_with_baseline(name, shown, seed=seed, progress=progress)
    return list(zip(variants, responses, strict=True))
