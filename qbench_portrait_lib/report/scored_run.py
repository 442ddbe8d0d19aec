"""What a scored run is: the references, the responses, the scorer's cells and numbers, the run's metadata.

The score job (:mod:`qbench_portrait_lib.jobs.score`) builds these; the report, the
leaderboard and the CLI read them.

>>> References(rows=({"id": "q1"}, {"id": "q2"}), source="inline").ids
['q1', 'q2']
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import metadata as package_metadata
from typing import Any

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.contract.rows import CheckedRow
from qbench_portrait_lib.scoring.cells import Scores
from qbench_portrait_lib.scoring.item_scores import ItemScore


class ScoringInputError(QBenchError):
    """Predictions that cannot be scored against these references."""


@dataclass(frozen=True)
class References:
    """The benchmark's questions without images, labels as ClassLabel names.

    ``checked`` holds the same rows as the contract's checker returned them, when they were
    checked on the way in (:func:`references_from_dataset`): the scorer takes those as they are.
    """

    rows: tuple[dict[str, Any], ...]
    source: str
    split: str = "test"
    checked: tuple[CheckedRow, ...] = ()

    @property
    def ids(self) -> list[str]:
        """Question ids in dataset order."""
        return [row["id"] for row in self.rows]

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the references' content: equal fingerprints, equal questions and answers.

        >>> References(rows=({"id": "q1"},), source="a").fingerprint[:12]
        '58551e44c2d8'
        """
        text = json.dumps(self.rows, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AlignedPredictions:
    """Responses in reference order; what was missing or failed."""

    responses: list[str | None]
    missing_ids: list[str]
    errored: dict[str, str]


@dataclass(frozen=True)
class ScoredRun:
    """One model's scored predictions, with everything a report shows.

    ``scores`` holds the scorer's cells (what the report renders); ``metrics`` is their
    flat dict (``flatten(scores)``, what results.json holds); ``items`` the item scores in
    reference order and ``details`` the same as plain records (details.jsonl).
    """

    name: str
    scores: Scores
    metrics: dict[str, Any]
    items: tuple[ItemScore, ...]
    details: list[dict[str, Any]]
    responses: list[str | None]
    references: References
    missing_ids: list[str] = field(default_factory=list)
    errored: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)


def package_version() -> str:
    """Installed version of qbench-portrait ("unknown" when not installed)."""
    try:
        return package_metadata.version("qbench-portrait")
    except package_metadata.PackageNotFoundError:
        return "unknown"
