"""The requests of a run: one per question, or one per option rotation on a circular run.

Each request is the question's row plus ``row`` (the question's index in ``rows``),
``rotation`` (None on a plain run), ``option_order`` (the options as presented, None on a
plain run) and ``key`` (the predictions line's key,
:attr:`~qbench_portrait_lib.run.predictions.PredictionRecord.key`). Variants keep their
question's place, so a run grouped by image still encodes each image once.

>>> rows = [{"id": "q1", "question_type": "true_false", "options": ["True", "False"]},
...         {"id": "q2", "question_type": 3, "options": []}]
>>> [(v["key"], v["option_order"]) for v in question_variants(rows, circular=True)]
[('q1@0', ('True', 'False')), ('q1@1', ('False', 'True')), ('q2@0', ())]
>>> [(v["key"], v["rotation"]) for v in question_variants(rows, circular=False)]
[('q1', None), ('q2', None)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from qbench_portrait_lib.contract.columns import label_name
from qbench_portrait_lib.contract.rotation import variant_orders


def question_variants(rows: Sequence[Mapping[str, Any]], *, circular: bool) -> list[dict[str, Any]]:
    """The requests for ``rows`` (dicts with at least id, question_type and options)."""
    variants: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        if not circular:
            variants.append({**row, "row": index, "rotation": None, "option_order": None, "key": row["id"]})
            continue
        qtype = label_name("question_type", row["question_type"], where=f"row {row['id']!r}")
        for rotation, order in enumerate(variant_orders(qtype, row["options"] or ())):
            key = f"{row['id']}@{rotation}"
            variants.append({**row, "row": index, "rotation": rotation, "option_order": order, "key": key})
    return variants
