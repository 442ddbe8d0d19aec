"""Score a predictions file against the benchmark: the job behind ``qbench-portrait score``.

The run it returns (:class:`~qbench_portrait_lib.report.scored_run.ScoredRun`) is defined
beside the report that renders it; the names are re-exported here.

It loads the references (every contract column except the image), lines the predictions
up with them by id, calls the scoring core once and keeps everything a report needs:
the scorer's cells and their flat metric dict, the item scores and their details, the ids
without a prediction, the failed requests, and the run's metadata (dataset fingerprint,
model, prompt version, judge settings, package version, date).

Questions without a prediction and failed requests score as unparsed; a prediction for
an id the dataset does not hold is an error (the file belongs to another dataset).

>>> refs = References(rows=({"id": "q1"}, {"id": "q2"}), source="inline")
>>> records = {"q2": PredictionRecord(id="q2", error="HTTP 500")}
>>> aligned = align_predictions(records, refs, source="p.jsonl")
>>> aligned.responses, aligned.missing_ids, aligned.errored
([None, None], ['q1'], {'q2': 'HTTP 500'})
"""

from __future__ import annotations

import datetime
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from qbench_portrait_lib.contract.prompt import PROMPT_VERSION
from qbench_portrait_lib.contract.rows import checked_rows
from qbench_portrait_lib.jobs.circular_score import AlignedVariants, align_variants, is_circular
from qbench_portrait_lib.report.scored_run import (
    AlignedPredictions,
    References,
    ScoredRun,
    ScoringInputError,
    package_version,
)
from qbench_portrait_lib.run.predictions import PredictionRecord, read_predictions
from qbench_portrait_lib.scoring import score_all
from qbench_portrait_lib.scoring.judging import JudgeFn
from qbench_portrait_lib.scoring.reading import ResponseReader

logger = logging.getLogger(__name__)

#: How many unknown ids an error message quotes.
_QUOTED_IDS = 5


def references_from_dataset(dataset: Any, source: str, split: str = "test") -> References:
    """The rows of a ``datasets.Dataset`` of the contract, without images, labels as names.

    This is where a dataset's rows enter a scoring job: each is checked here, once.
    """
    dataset = dataset.remove_columns([name for name in ("image",) if name in dataset.column_names])
    checked = tuple(checked_rows(dataset, noun="question", file=source))
    rows = tuple(
        {**row._asdict(), "options": list(row.options), "answer": list(row.answer)} for row in checked
    )
    return References(rows=rows, source=source, split=split, checked=checked)


def load_references(source: str | os.PathLike[str] | None, split: str = "test") -> References:
    """Load the dataset (``None`` or "sample" for the embedded sample) without its images."""
    from qbench_portrait_lib.data.loading import load_benchmark

    dataset = load_benchmark(source, split=split)
    return references_from_dataset(dataset, "sample" if source is None else os.fspath(source), split)


def align_predictions(
    records: Mapping[str, PredictionRecord], references: References, *, source: str = "predictions"
) -> AlignedPredictions:
    """Line predictions up with the references by id.

    Raises :class:`ScoringInputError` when a prediction's id is not a question of the
    dataset (quoting a few of them). Failed requests and missing ids become ``None``.
    """
    ids = references.ids
    known = set(ids)
    unknown = [record_id for record_id in records if record_id not in known]
    if unknown:
        quoted = ", ".join(repr(record_id) for record_id in unknown[:_QUOTED_IDS])
        more = f" and {len(unknown) - _QUOTED_IDS} more" if len(unknown) > _QUOTED_IDS else ""
        raise ScoringInputError(
            f"{source}: {len(unknown)} predictions have ids that are not questions of the dataset "
            f"{references.source!r} ({len(ids)} questions): {quoted}{more}; "
            f"were these predictions made on another dataset?"
        )
    responses: list[str | None] = []
    missing: list[str] = []
    errored: dict[str, str] = {}
    for question_id in ids:
        record = records.get(question_id)
        if record is None:
            missing.append(question_id)
            responses.append(None)
        elif not record.ok:
            errored[question_id] = str(record.error)
            responses.append(None)
        else:
            responses.append(record.response)
    if missing:
        logger.warning("%s: %d of %d questions have no prediction", source, len(missing), len(ids))
    return AlignedPredictions(responses=responses, missing_ids=missing, errored=errored)


def describe_judge(judge: JudgeFn | None) -> dict[str, Any] | None:
    """The judge's settings and, after a scoring call, its statistics (for the report)."""
    if judge is None:
        return None
    settings: dict[str, Any] = {"type": type(judge).__name__}
    for name in ("base_url", "model", "rounds"):
        if hasattr(judge, name):
            settings[name] = getattr(judge, name)
    stats = getattr(judge, "stats", None)
    if isinstance(stats, Mapping):
        settings["stats"] = dict(stats)
    return settings


def describe_reader(reader: ResponseReader | None) -> dict[str, Any] | None:
    """The reader's model, prompt version, settings and, after a scoring call, its statistics."""
    if reader is None:
        return None
    described: dict[str, Any] = {
        "type": type(reader).__name__,
        "model": reader.model,
        "prompt_version": reader.prompt_version,
    }
    settings = getattr(reader, "settings", None)
    if isinstance(settings, Mapping):
        described["settings"] = dict(settings)
    stats = getattr(reader, "stats", None)
    if isinstance(stats, Mapping):
        described["stats"] = dict(stats)
    return described


def _single_value(values: Sequence[str | None], fallback: str | None) -> str | None:
    distinct = sorted({value for value in values if value})
    return ", ".join(distinct) if distinct else fallback


def score_responses(
    name: str,
    responses: Sequence[str | None],
    references: References,
    *,
    judge: JudgeFn | None = None,
    reader: ResponseReader | None = None,
    bootstrap_samples: int = 1000,
    seed: int = 0,
    missing_ids: Sequence[str] = (),
    errored: Mapping[str, str] | None = None,
    metadata: Mapping[str, Any] | None = None,
    variants: AlignedVariants | None = None,
) -> ScoredRun:
    """Score responses aligned with ``references.rows`` and gather the run's metadata.

    A circular run passes ``variants`` (its responses, one per variant, replace
    ``responses``); the run keeps rotation 0's responses and item scores, the vanilla pass,
    and its scores hold the circular cells.
    """
    rows = list(references.checked or references.rows)
    scored = score_all(
        list(responses) if variants is None else variants.responses,
        rows if variants is None else [rows[index] for index in variants.row_index],
        judge=judge,
        reader=reader,
        bootstrap_samples=bootstrap_samples,
        seed=seed,
        option_orders=None if variants is None else variants.orders,
    )
    if variants is not None:
        responses = [r for r, k in zip(variants.responses, variants.rotations, strict=True) if k == 0]
    run_metadata: dict[str, Any] = {
        "model": name,
        "dataset": references.source,
        "dataset_split": references.split,
        "dataset_fingerprint": references.fingerprint,
        "questions": len(references.rows),
        "prompt_version": PROMPT_VERSION,
        "judge": describe_judge(judge),
        "reader": describe_reader(reader),
        "bootstrap_samples": bootstrap_samples,
        "seed": seed,
        "circular": variants is not None,
        "requests": len(responses) if variants is None else len(variants.responses),
        "package_version": package_version(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    run_metadata.update(metadata or {})
    return ScoredRun(
        name=name,
        scores=scored.scores,
        metrics=scored.flat(),
        items=scored.items,
        details=[item.as_detail() for item in scored.items],
        responses=list(responses),
        references=references,
        missing_ids=list(missing_ids),
        errored=dict(errored or {}),
        metadata=run_metadata,
    )


def score_aligned(
    name: str,
    aligned: AlignedPredictions,
    references: References,
    *,
    source: str,
    metadata: Mapping[str, Any],
    judge: JudgeFn | None = None,
    reader: ResponseReader | None = None,
    bootstrap_samples: int = 1000,
    seed: int = 0,
    variants: AlignedVariants | None = None,
) -> ScoredRun:
    """Score predictions read from ``source`` and lined up with ``references`` (a JSONL, VLMEvalKit files).

    What every predictions file's run records besides ``metadata``: the file(s) read, and
    how many requests failed and how many questions had no prediction (both score as unparsed).
    """
    return score_responses(
        name,
        aligned.responses,
        references,
        judge=judge,
        reader=reader,
        bootstrap_samples=bootstrap_samples,
        seed=seed,
        missing_ids=aligned.missing_ids,
        errored=aligned.errored,
        variants=variants,
        metadata={
            "predictions_file": source,
            **metadata,
            "errored_requests": len(aligned.errored),
            "missing_predictions": len(aligned.missing_ids),
        },
    )


def score_predictions_file(
    path: str | os.PathLike[str],
    references: References,
    *,
    judge: JudgeFn | None = None,
    reader: ResponseReader | None = None,
    bootstrap_samples: int = 1000,
    seed: int = 0,
    name: str | None = None,
) -> ScoredRun:
    """Read a predictions JSONL (see :mod:`qbench_portrait_lib.run.predictions`) and score it.

    The model name is the file's ``model`` field (or ``name``, or the file's stem); the
    prompt version recorded is the file's, with a warning when it is not the current one.
    """
    source = os.fspath(path)
    if not Path(source).is_file():
        raise FileNotFoundError(f"predictions file not found: {source}")
    records = read_predictions(source)
    variants = align_variants(records, references, source=source) if is_circular(records, source) else None
    aligned = (
        align_predictions(records, references, source=source)
        if variants is None
        else AlignedPredictions(responses=[], missing_ids=variants.missing_ids, errored=variants.errored)
    )
    model = name or _single_value([record.model for record in records.values()], Path(source).stem)
    prompt_versions = _single_value([record.prompt_version for record in records.values()], None)
    if prompt_versions is not None and prompt_versions != PROMPT_VERSION:
        logger.warning(
            "%s was made with prompt version %s; the current prompt is version %s",
            source,
            prompt_versions,
            PROMPT_VERSION,
        )
    return score_aligned(
        str(model),
        aligned,
        references,
        source=source,
        metadata={
            "prompt_version": prompt_versions or "not recorded",
            "current_prompt_version": PROMPT_VERSION,
        },
        judge=judge,
        reader=reader,
        bootstrap_samples=bootstrap_samples,
        seed=seed,
        variants=variants,
    )


__all__ = [
    "AlignedPredictions",
    "References",
    "ScoredRun",
    "ScoringInputError",
    "align_predictions",
    "load_references",
    "package_version",
    "references_from_dataset",
    "score_aligned",
    "score_predictions_file",
    "score_responses",
]
