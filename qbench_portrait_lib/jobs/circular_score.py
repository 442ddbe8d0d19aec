"""Score a circular run's predictions file: every variant lined up with its question.

A circular run (``predict --circular``) writes one line per variant, keyed ``id@rotation``
and carrying the option order it was asked with. Here each question of the dataset is
expanded into its variants (:mod:`qbench_portrait_lib.contract.rotation`); each variant's
line must carry exactly that variant's order, so the scorer reads its letters through the
order the model saw. Missing variants and failed requests score as unparsed, as in a
plain run. The scored run keeps the details and responses of rotation 0 (the vanilla
pass, which the report's tables show); the metrics add the circular cells.

>>> refs = References(rows=({"id": "q1", "question_type": "true_false", "options": ["True", "False"]},),
...                   source="inline")
>>> records = {"q1@1": PredictionRecord(id="q1", response="True", rotation=1, option_order=("False", "True"))}
>>> aligned = align_variants(records, refs, source="p.jsonl")
>>> aligned.responses, aligned.orders, aligned.missing_ids
([None, 'True'], [('True', 'False'), ('False', 'True')], ['q1@0'])
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from qbench_portrait_lib.contract.columns import label_name
from qbench_portrait_lib.contract.rotation import variant_orders
from qbench_portrait_lib.report.scored_run import References, ScoringInputError
from qbench_portrait_lib.run.predictions import PredictionRecord

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AlignedVariants:
    """Every variant of every question, in dataset order then rotation order."""

    row_index: list[int] = field(default_factory=list)  # the variant's question, as an index into rows
    rotations: list[int] = field(default_factory=list)
    orders: list[tuple[str, ...]] = field(default_factory=list)
    responses: list[str | None] = field(default_factory=list)
    missing_ids: list[str] = field(default_factory=list)
    errored: dict[str, str] = field(default_factory=dict)


def is_circular(records: Mapping[str, PredictionRecord], source: str) -> bool:
    """Whether a predictions file is a circular run's; a file mixing both kinds is an error."""
    kinds = {record.rotation is not None for record in records.values()}
    if len(kinds) > 1:
        raise ScoringInputError(
            f"{source}: some lines carry a rotation (a circular run) and some do not: "
            "write a circular run and a plain one to separate files"
        )
    return kinds == {True}


def _variant_record(
    records: Mapping[str, PredictionRecord], key: str, order: tuple[str, ...], source: str
) -> PredictionRecord | None:
    record = records.get(key)
    if record is not None and record.option_order != order:
        raise ScoringInputError(
            f"{source}: {key!r} was asked with the options {list(record.option_order or ())}, but its "
            f"rotation of the dataset's question is {list(order)}: was the file made on another dataset?"
        )
    return record


def align_variants(
    records: Mapping[str, PredictionRecord], references: References, *, source: str = "predictions"
) -> AlignedVariants:
    """Line up a circular run's records with the variants of the references' questions."""
    aligned = AlignedVariants()
    expected: set[str] = set()
    for index, row in enumerate(references.rows):
        qtype = label_name("question_type", row["question_type"], where=f"question {row['id']!r}")
        for rotation, order in enumerate(variant_orders(qtype, row["options"])):
            key = f"{row['id']}@{rotation}"
            expected.add(key)
            record = _variant_record(records, key, order, source)
            aligned.row_index.append(index)
            aligned.rotations.append(rotation)
            aligned.orders.append(order)
            if record is None:
                aligned.missing_ids.append(key)
            elif not record.ok:
                aligned.errored[key] = str(record.error)
            aligned.responses.append(record.response if record is not None and record.ok else None)
    unknown = [key for key in records if key not in expected]
    if unknown:
        raise ScoringInputError(
            f"{source}: {len(unknown)} lines are not variants of the dataset {references.source!r} "
            f"(first: {unknown[:5]}); were these predictions made on another dataset?"
        )
    if aligned.missing_ids:
        logger.warning(
            "%s: %d of %d variants have no prediction",
            source,
            len(aligned.missing_ids),
            len(aligned.rotations),
        )
    return aligned
