"""Score VLMEvalKit prediction files: the job behind ``qbench-portrait score --vlmevalkit-export``.

VLMEvalKit ran the model on the exported TSVs (see
:mod:`qbench_portrait_lib.harness.vlmevalkit_export`); its prediction files are read by
:mod:`qbench_portrait_lib.harness.vlmevalkit_predictions` into the same records a
predictions JSONL gives, lined up with the references by
:func:`~qbench_portrait_lib.jobs.score.align_predictions` and scored by
:func:`~qbench_portrait_lib.jobs.score.score_aligned`, as a predictions JSONL is: the same
responses score the same either way.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import partial

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.harness.vlmevalkit_format import ExportIndex, read_export_index
from qbench_portrait_lib.harness.vlmevalkit_predictions import (
    is_vlmevalkit_file,
    model_name,
    read_vlmevalkit_predictions,
)
from qbench_portrait_lib.jobs.score import (
    References,
    ScoredRun,
    align_predictions,
    score_aligned,
    score_predictions_file,
)
from qbench_portrait_lib.scoring.judging import JudgeFn
from qbench_portrait_lib.scoring.reading import ResponseReader

#: What the report records as the prompt: VLMEvalKit rendered it, not this project.
VLMEVALKIT_PROMPT = "VLMEvalKit's prompt (from the exported TSV)"


def score_vlmevalkit_files(
    paths: Sequence[str | os.PathLike[str]],
    references: References,
    export: ExportIndex | str | os.PathLike[str],
    *,
    judge: JudgeFn | None = None,
    reader: ResponseReader | None = None,
    bootstrap_samples: int = 1000,
    seed: int = 0,
    name: str | None = None,
) -> ScoredRun:
    """Score one model's VLMEvalKit prediction file(s) (e.g. the MCQ and the open-ended one).

    ``export`` is the folder (or TSV) written by the VLMEvalKit export, or its index already
    read. The model name is ``name`` or the ``{model}`` of the files' ``{model}_{dataset}`` names.
    """
    index = export if isinstance(export, ExportIndex) else read_export_index(export)
    predictions = read_vlmevalkit_predictions(paths, index)
    source = ", ".join(predictions.files)
    aligned = align_predictions(predictions.records, references, source=source)
    return score_aligned(
        name or predictions.model,
        aligned,
        references,
        source=source,
        metadata={
            "harness": "VLMEvalKit",
            "vlmevalkit_export": index.source,
            "prompt_version": VLMEVALKIT_PROMPT,
        },
        judge=judge,
        reader=reader,
        bootstrap_samples=bootstrap_samples,
        seed=seed,
    )


def group_prediction_files(paths: Sequence[str | os.PathLike[str]]) -> list[list[str]]:
    """One group per run: each JSONL alone, VLMEvalKit files by the model in their names.

    Groups keep the order in which their first file was given.

    >>> files = ["a.jsonl", "m_QBenchPortrait.tsv", "b.jsonl", "m_QBenchPortrait_OpenEnded.tsv"]
    >>> group_prediction_files(files)
    [['a.jsonl'], ['m_QBenchPortrait.tsv', 'm_QBenchPortrait_OpenEnded.tsv'], ['b.jsonl']]
    """
    groups: list[list[str]] = []
    by_model: dict[str, list[str]] = {}
    for path in map(os.fspath, paths):
        if not is_vlmevalkit_file(path):
            groups.append([path])
        elif model_name(path) in by_model:
            by_model[model_name(path)].append(path)
        else:
            by_model[model_name(path)] = [path]
            groups.append(by_model[model_name(path)])
    return groups


def score_prediction_files(
    paths: Sequence[str | os.PathLike[str]],
    references: References,
    *,
    vlmevalkit_export: str | os.PathLike[str] | None = None,
    judge: JudgeFn | None = None,
    reader: ResponseReader | None = None,
    bootstrap_samples: int = 1000,
    seed: int = 0,
) -> list[ScoredRun]:
    """Score predictions JSONL files and VLMEvalKit prediction files, one run per group.

    VLMEvalKit files (``.xlsx``, ``.tsv``, ``.json``) need ``vlmevalkit_export``, the
    folder their TSVs were exported to; see :func:`group_prediction_files` for the runs.
    """
    groups = group_prediction_files(paths)
    vlmevalkit = [group for group in groups if is_vlmevalkit_file(group[0])]
    if vlmevalkit and vlmevalkit_export is None:
        raise QBenchError(
            f"{vlmevalkit[0][0]} is a VLMEvalKit prediction file (.xlsx, .tsv or .json); scoring it needs "
            "the folder its TSVs were exported to (--vlmevalkit-export DIR)"
        )
    index = read_export_index(vlmevalkit_export) if vlmevalkit_export is not None else None
    runs = []
    for group in groups:
        if index is not None and is_vlmevalkit_file(group[0]):
            score = partial(score_vlmevalkit_files, group, references, index)
        else:
            score = partial(score_predictions_file, group[0], references)
        runs.append(score(judge=judge, reader=reader, bootstrap_samples=bootstrap_samples, seed=seed))
    return runs
