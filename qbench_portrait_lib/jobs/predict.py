"""Ask a model every question of the benchmark: the job behind ``qbench-portrait predict``.

>>> from qbench_portrait_lib.run.runner import RunSummary
>>> summary = RunSummary(questions=3, already_answered=1, attempted=2, succeeded=1, failed=1,
...                      distinct_images=1, image_encodings=1, http_attempts=6, retries=4, wall_s=2.5)
>>> print(summary_text(summary, "p.jsonl"))
1 answered, 1 failed, 1 already answered (of 3); 1 images encoded; 2.5 s -> p.jsonl
>>> try:
...     check_complete(summary, "p.jsonl")
... except QBenchError as error:
...     print(error)
p.jsonl: 1 of 2 requests failed (see their 'error' field); rerun the command to retry them
"""

from __future__ import annotations

import os

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.data.loading import load_benchmark
from qbench_portrait_lib.run.client import api_key_from_env
from qbench_portrait_lib.run.runner import RunConfig, RunSummary, run_predictions


def predict_benchmark(
    dataset: str | os.PathLike[str] | None,
    out_path: str | os.PathLike[str],
    config: RunConfig,
    *,
    api_key_env: str | None = None,
    limit: int | None = None,
    progress: bool = True,
) -> RunSummary:
    """Load ``dataset`` (see ``load_benchmark``) and answer its questions into ``out_path``.

    The API key is read from ``api_key_env`` (see ``api_key_from_env``) before the
    dataset is loaded, so a missing key fails at once. Rerunning resumes the file.
    """
    api_key = api_key_from_env(api_key_env)
    questions = load_benchmark(dataset)
    return run_predictions(questions, out_path, config, api_key=api_key, limit=limit, progress=progress)


def summary_text(summary: RunSummary, out_path: str | os.PathLike[str]) -> str:
    """What ``qbench-portrait predict`` prints after a run."""
    return (
        f"{summary.succeeded} answered, {summary.failed} failed, {summary.already_answered} already answered "
        f"(of {summary.questions}); {summary.image_encodings} images encoded; "
        f"{summary.wall_s:.1f} s -> {os.fspath(out_path)}"
    )


def check_complete(summary: RunSummary, out_path: str | os.PathLike[str]) -> None:
    """Raise :class:`QBenchError` when requests of the run failed for good (they are in the file)."""
    if summary.failed:
        raise QBenchError(
            f"{summary.failed} of {summary.attempted} requests failed (see their 'error' field); "
            "rerun the command to retry them",
            file=out_path,
        )
