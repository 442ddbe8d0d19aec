"""Score a circular run: vanilla scores on rotation 0, circular cells, position bias on all variants.

A circular run's inputs are one response per variant, the question's reference (options in
the dataset's order) and the option order the variant was asked with. Each variant is
scored like a plain item whose options are that order, so its letters map to the texts it
was shown. Rotation 0 of every question makes the vanilla pass, scored as any run; when a
question has more than one variant, the ``circular/...`` keys are added.

>>> ref = {"id": "q1", "image_id": "i1", "question": "Is it sharp?", "question_type": "true_false",
...        "options": ["True", "False"], "answer": ["True"], "quality_dimension": "technical",
...        "image_source": "natural", "level": "global", "attribute": "blur", "region": ""}
>>> from qbench_portrait_lib.scoring.api import score_predictions
>>> orders = [["True", "False"], ["False", "True"]]
>>> result = score_predictions(["True", "A"], [ref, ref], option_orders=orders, bootstrap_samples=0)
>>> result["overall"], result["circular/overall/accuracy"], result["circular/overall/chance"]
(1.0, 0.0, 0.25)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.contract.rotation import ROTATING_TYPES, rotation_of
from qbench_portrait_lib.scoring.circular import (
    CircularCell,
    CircularQuestion,
    VariantOutcome,
    circular_cells,
    circular_question,
)
from qbench_portrait_lib.scoring.position_bias import position_answers, position_bias
from qbench_portrait_lib.scoring.predictions import check_predictions
from qbench_portrait_lib.scoring.references import Reference, normalize_reference


def _variant_references(
    references: Sequence[Mapping[str, Any]], orders: Sequence[Sequence[str] | None]
) -> tuple[list[Reference], list[int]]:
    """Each input's reference with its options in the variant's order, and its rotation.

    Variants of one question must carry the same reference; an order must be a rotation
    of the question's options (``None`` means the dataset's order).
    """
    if len(orders) != len(references):
        raise ValueError(f"expected one option order per reference: got {len(orders)} for {len(references)}")
    seen: dict[str, Reference] = {}
    variants, rotations = [], []
    for index, (record, order) in enumerate(zip(references, orders, strict=True)):
        reference = normalize_reference(record, index)
        first = seen.setdefault(reference.id, reference)
        if first != reference:
            raise QBenchError(
                f"reference {index} (id {reference.id!r}) differs from an earlier variant of it"
            )
        order = reference.options if order is None else tuple(order)
        rotation = rotation_of(reference.options, order)
        if rotation is None:
            raise QBenchError(
                f"reference {index} (id {reference.id!r}): the option order {list(order)} is not a "
                f"cyclic rotation of the options {list(reference.options)}"
            )
        variants.append(reference._replace(options=order))
        rotations.append(rotation)
    return variants, rotations


def _check_variant_sets(variants: Sequence[Reference], rotations: Sequence[int]) -> dict[str, list[int]]:
    """Positions of each question's variants; a question's rotations must be 0..n-1 once each."""
    positions: dict[str, list[int]] = defaultdict(list)
    for position, reference in enumerate(variants):
        positions[reference.id].append(position)
    for question_id, where in positions.items():
        got = sorted(rotations[p] for p in where)
        if got[0] != 0 or len(set(got)) != len(got):
            raise QBenchError(
                f"question {question_id!r}: expected rotation 0 and each rotation at most once, got {got}"
            )
    return positions


def _circular_questions(
    variants: Sequence[Reference],
    rotations: Sequence[int],
    items: Sequence[Any],
    positions: dict[str, list[int]],
) -> list[CircularQuestion]:
    """The circular verdict of every rotating question; each must have all its rotations."""
    questions = []
    for question_id, where in positions.items():
        reference = variants[where[0]]
        if reference.question_type not in ROTATING_TYPES:
            continue
        if len(where) != len(reference.options):
            got = sorted(rotations[p] for p in where)
            raise QBenchError(
                f"question {question_id!r}: a circular run asks all {len(reference.options)} rotations "
                f"of its options, got {len(where)} variant(s) (rotations {got})"
            )
        outcomes = [
            VariantOutcome(question_id, rotations[p], items[p].parsed, items[p].score, items[p].chance)
            for p in where
        ]
        questions.append(circular_question(outcomes))
    return questions


@dataclass(frozen=True)
class ScoredVariants:
    """Every variant's item score, rotation and the reference it was read with (options in its order)."""

    items: tuple[Any, ...]
    rotations: tuple[int, ...]
    references: tuple[Reference, ...]

    def details(self) -> list[dict[str, Any]]:
        """One detail per variant, in input order, with its ``rotation`` and ``order``."""
        return [
            {**item.as_detail(), "rotation": rotation, "order": reference.options}
            for item, rotation, reference in zip(self.items, self.rotations, self.references, strict=True)
        ]


def score_circular(
    predictions: Sequence[str | None],
    references: Sequence[Mapping[str, Any]],
    option_orders: Sequence[Sequence[str] | None],
    *,
    score_all: Callable[..., Any],
    score_items: Callable[..., list[Any]],
    judge: Any = None,
    reader: Any = None,
    bootstrap_samples: int = 1000,
    seed: int = 0,
) -> tuple[Any, ScoredVariants]:
    """Score one response per variant: the vanilla pass's ``Scored`` whose scores also hold the
    position bias of every variant and the circular cells, and every variant's item score.

    ``score_all`` scores the vanilla pass and ``score_items`` every variant: the plain
    scorer's functions, passed in by :mod:`qbench_portrait_lib.scoring.api`, which calls this.
    """
    variants, rotations = _variant_references(references, option_orders)
    responses = check_predictions(predictions, variants)
    positions = _check_variant_sets(variants, rotations)
    vanilla = [p for p in range(len(variants)) if rotations[p] == 0]
    scored = score_all(
        [responses[p] for p in vanilla],
        [variants[p] for p in vanilla],
        judge=judge,
        reader=reader,
        bootstrap_samples=bootstrap_samples,
        seed=seed,
    )
    items = score_items(responses, variants, reader=reader)
    cells: tuple[CircularCell, ...] = ()
    if any(len(where) > 1 for where in positions.values()):
        labels = {r.id: r._asdict() for r in variants}
        cells = tuple(circular_cells(_circular_questions(variants, rotations, items, positions), labels))
    scores = replace(
        scored.scores, position_bias=position_bias(position_answers(variants, items)), circular=cells
    )
    return replace(scored, scores=scores), ScoredVariants(tuple(items), tuple(rotations), tuple(variants))
