"""The offline demo: answer the embedded sample with a baseline, score it, write the report.

It runs the same path as a real evaluation: the baseline's answers are written as a
predictions file (``predictions.jsonl`` in the report folder), which is then scored
exactly as ``qbench-portrait score`` scores any runner's output.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qbench_portrait_lib.contract.prompt import PROMPT_VERSION
from qbench_portrait_lib.jobs.score import ScoredRun, references_from_dataset, score_predictions_file
from qbench_portrait_lib.report.writer import write_report
from qbench_portrait_lib.run.predictions import PredictionRecord, append_prediction

logger = logging.getLogger(__name__)

#: Where the demo writes its report when no folder is given (relative to the working directory).
DEFAULT_REPORT_DIR = "qbench-portrait-report"

PREDICTIONS_FILE = "predictions.jsonl"


@dataclass(frozen=True)
class DemoResult:
    """What the demo produced: the scored run and the files written."""

    run: ScoredRun
    predictions_path: Path
    files: list[Path]


def write_baseline_predictions(path: Path, ids: list[str], responses: list[str], model: str) -> Path:
    """Write a baseline's responses as a predictions file (one line per question)."""
    if len(ids) != len(responses):
        raise ValueError(
            f"the baseline must answer every question: {len(ids)} questions, got {len(responses)}"
        )
    with path.open("w", encoding="utf-8") as handle:
        for question_id, response in zip(ids, responses, strict=True):
            record = PredictionRecord(
                id=question_id, response=response, model=model, prompt_version=PROMPT_VERSION
            )
            append_prediction(handle, record)
    return path


def write_variant_predictions(path: Path, answered: list[tuple[Any, str]], model: str) -> Path:
    """Write a baseline's circular answers (see ``baselines.circular``): one line per variant."""
    with path.open("w", encoding="utf-8") as handle:
        for variant, response in answered:
            record = PredictionRecord(
                id=variant.id,
                response=response,
                model=model,
                prompt_version=PROMPT_VERSION,
                rotation=variant.rotation,
                option_order=variant.option_order,
            )
            append_prediction(handle, record)
    return path


def run_demo(
    out_dir: str | Path = DEFAULT_REPORT_DIR,
    *,
    baseline: str = "classical",
    seed: int = 0,
    charts: bool = True,
    circular: bool = False,
) -> DemoResult:
    """Answer the embedded sample with ``baseline``, score it and write the report to ``out_dir``.

    ``circular`` answers every rotation of each question's options (a circular run).
    """
    from qbench_portrait_lib.baselines import answer_with_baseline
    from qbench_portrait_lib.data.loading import load_benchmark

    if charts:
        from qbench_portrait_lib.report.charts import require_matplotlib

        require_matplotlib()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    dataset = load_benchmark(None)
    logger.info("answering %d sample questions with the %s baseline", len(dataset), baseline)
    model = f"baseline-{baseline}"
    if circular:
        from qbench_portrait_lib.baselines.circular import answer_variants

        answered = answer_variants(baseline, dataset, seed=seed, progress=True)
        predictions_path = write_variant_predictions(out / PREDICTIONS_FILE, answered, model)
    else:
        responses = answer_with_baseline(baseline, dataset, seed=seed, progress=True)
        predictions_path = write_baseline_predictions(
            out / PREDICTIONS_FILE, list(dataset["id"]), list(responses), model
        )
    references = references_from_dataset(dataset, "sample")
    run = score_predictions_file(predictions_path, references)
    files = [predictions_path, *write_report(out, run, charts=charts)]
    return DemoResult(run=run, predictions_path=predictions_path, files=files)
