"""Human baselines in a comparison: pool the annotators' runs into one "human (n=K)" row.

A run is a human's when its model name starts with ``human:`` (what ``qbench-portrait
annotate`` writes). With two or more, :func:`pool_human_runs` adds a pooled row (per-item
majority for closed formats, mean for open-ended; see
:mod:`qbench_portrait_lib.annotate.pooling`) and their agreement per question type
(:mod:`qbench_portrait_lib.annotate.agreement`). Each annotator keeps their own row.

>>> is_human("human:ann1"), is_human("gpt-4o")
(True, False)
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from qbench_portrait_lib.annotate.agreement import agreement_by_type
from qbench_portrait_lib.annotate.pooling import pool_annotators
from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.report.scored_run import ScoredRun, package_version

logger = logging.getLogger(__name__)

HUMAN_PREFIX = "human:"


@dataclass(frozen=True)
class HumanPool:
    """The pooled row and the annotators' agreement per question type."""

    run: ScoredRun
    agreement: dict[str, dict[str, Any]]


def is_human(name: str) -> bool:
    """True for the model name of an annotator's file."""
    return name.startswith(HUMAN_PREFIX)


def pool_human_runs(
    runs: Sequence[ScoredRun], *, bootstrap_samples: int = 1000, seed: int = 0
) -> HumanPool | None:
    """The pooled row of the human runs among ``runs`` (None when there are fewer than two)."""
    humans = [run for run in runs if is_human(run.name)]
    if len(humans) < 2:
        return None
    names = [run.name for run in humans]
    if len(set(names)) != len(names):
        raise QBenchError(
            f"two human files have the same annotator: {sorted(names)}; each needs its own name"
        )
    references = humans[0].references
    if any(run.references.fingerprint != references.fingerprint for run in humans):
        raise QBenchError("the human files were scored on different references; use one --dataset")
    responses = {run.name: run.responses for run in humans}
    rows = list(references.rows)
    pooled = pool_annotators(responses, rows, bootstrap_samples=bootstrap_samples, seed=seed)
    agreement = agreement_by_type(responses, rows)
    unanswered = [detail["id"] for detail in pooled.details if not detail["votes"]]
    metadata = {
        "model": pooled.name,
        "annotators": list(pooled.annotators),
        "pooling": "closed formats: per-item majority (a tie scores the mean of the tied answers); "
        "open-ended: mean of the annotators' scores",
        "agreement": agreement,
        "dataset": references.source,
        "dataset_fingerprint": references.fingerprint,
        "questions": len(rows),
        "bootstrap_samples": bootstrap_samples,
        "seed": seed,
        "package_version": package_version(),
    }
    run = ScoredRun(
        name=pooled.name,
        scores=pooled.scores,
        metrics=pooled.metrics,
        items=pooled.items,
        details=pooled.details,
        responses=[None] * len(rows),  # no single response per question: see the details' votes
        references=references,
        missing_ids=unanswered,
        metadata=metadata,
    )
    logger.info("pooled %d annotators into %r", len(humans), pooled.name)
    return HumanPool(run=run, agreement=agreement)
