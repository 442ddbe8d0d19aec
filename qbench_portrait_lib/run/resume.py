"""Resuming a run: what an existing predictions file already holds, and what is left to ask.

:func:`load_previous` reads the answers already written to the out file (after dropping a
line torn by an interrupted run) and refuses a file that belongs to another model, prompt
version, kind of run (plain or circular) or dataset. :func:`plan_requests` orders the
requests still to ask by image, so that each image is encoded once.

>>> rows = [{"row": 0, "image_id": "a", "key": "q1"}, {"row": 1, "image_id": "b", "key": "q2"},
...         {"row": 2, "image_id": "a", "key": "q3"}]
>>> [(row_index, row["key"]) for row_index, row in plan_requests(rows, answered={"q1"})]
[(2, 'q3'), (1, 'q2')]
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from qbench_portrait_lib.contract.prompt import PROMPT_VERSION
from qbench_portrait_lib.run.predictions import PredictionRecord, drop_torn_last_line, read_predictions
from qbench_portrait_lib.run.run_config import RunConfig, RunnerError


def load_previous(out_path: Path, config: RunConfig, dataset_ids: set[str]) -> dict[str, PredictionRecord]:
    """The records already in ``out_path`` by request key ({} when it does not exist yet).

    Raises :class:`RunnerError` when the file holds answers of another model or prompt
    version, of the other kind of run (plain or circular), or ids not in the dataset.
    """
    if not out_path.exists():
        return {}
    drop_torn_last_line(out_path)
    previous = read_predictions(out_path)
    for record in previous.values():
        _check_same_model_and_prompt(record, config, out_path)
    for record in previous.values():
        _check_same_kind_of_run(record, config, out_path)
    _check_ids_in_dataset(previous.values(), dataset_ids, out_path)
    return previous


def _check_same_model_and_prompt(record: PredictionRecord, config: RunConfig, out_path: Path) -> None:
    if record.model is not None and record.model != config.model:
        raise RunnerError(
            f"{out_path} holds answers of model {record.model!r} (id {record.id!r}), not of "
            f"{config.model!r}: write each model's predictions to its own file"
        )
    if record.prompt_version is not None and record.prompt_version != PROMPT_VERSION:
        raise RunnerError(
            f"{out_path} was written with prompt version {record.prompt_version!r} (id {record.id!r}); "
            f"the current prompt is version {PROMPT_VERSION!r}: start a new file"
        )


def _check_same_kind_of_run(record: PredictionRecord, config: RunConfig, out_path: Path) -> None:
    if (record.rotation is not None) != config.circular:
        kind = "a circular run (lines with a rotation)" if record.rotation is not None else "a plain run"
        raise RunnerError(
            f"{out_path} holds {kind} (id {record.id!r}); this run is "
            f"{'circular' if config.circular else 'plain'}: write it to its own file"
        )


def _check_ids_in_dataset(
    records: Collection[PredictionRecord], dataset_ids: set[str], out_path: Path
) -> None:
    unknown = sorted({record.id for record in records} - dataset_ids)
    if unknown:
        raise RunnerError(
            f"{out_path} holds {len(unknown)} id(s) that are not in the dataset (first: {unknown[:3]}): "
            "is it the predictions file of another dataset?"
        )


def plan_requests(
    rows: Sequence[dict[str, Any]], answered: Collection[str]
) -> list[tuple[int, dict[str, Any]]]:
    """The requests not yet ``answered`` (by key), grouped by image, as (dataset row, request) pairs.

    Images come in the order of their first request among ``rows``, and each image's
    requests in their order in ``rows``, so each image is encoded once.
    """
    first_seen: dict[str, int] = {}
    for row in rows:
        first_seen.setdefault(row["image_id"], len(first_seen))
    return [
        (row["row"], row)  # the dataset row the image is read from, and the request
        for _, row in sorted(
            ((index, row) for index, row in enumerate(rows) if row["key"] not in answered),
            key=lambda item: (first_seen[item[1]["image_id"]], item[0]),
        )
    ]
