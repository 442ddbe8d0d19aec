"""Score VLMEvalKit prediction files: the job behind ``qbench-portrait score --vlmevalkit-export``.

VLMEvalKit ran the model on the exported TSVs (see
:mod:`qbench_portrait_lib.harness.vlmevalkit_export`); its prediction files are read by
:mod:`qbench_portrait_lib.harness.vlmevalkit_predictions` into the same records a
predictions JSONL gives, lined up with the references by
:func:`~qbench_portrait_lib.jobs.score.align_predictions` and scored by
:func:`~qbench_portrait_lib.jobs.score.score_responses`: the same responses score the same
either way.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from qbench_portrait_lib.harness.vlmevalkit_format import ExportIndex, read_export_index
from qbench_portrait_lib.harness.vlmevalkit_predictions import read_vlmevalkit_predictions
from qbench_portrait_lib.jobs.score import References, ScoredRun, align_predictions, score_responses
from qbench_portrait_lib.scoring.judging import JudgeFn

#: What the report records as the prompt: VLMEvalKit rendered it, not this project.
VLMEVALKIT_PROMPT = "VLMEvalKit's prompt (from the exported TSV)"


def score_vlmevalkit_files(
    paths: Sequence[str | os.PathLike[str]],
    references: References,
    export: ExportIndex | str | os.PathLike[str],
    *,
    judge: JudgeFn | None = None,
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
    return score_responses(
        name or predictions.model,
        aligned.responses,
        references,
        judge=judge,
        bootstrap_samples=bootstrap_samples,
        seed=seed,
        missing_ids=aligned.missing_ids,
        errored=aligned.errored,
        metadata={
            "predictions_file": source,
            "harness": "VLMEvalKit",
            "vlmevalkit_export": index.source,
            "prompt_version": VLMEVALKIT_PROMPT,
            "errored_requests": len(aligned.errored),
            "missing_predictions": len(aligned.missing_ids),
        },
    )
