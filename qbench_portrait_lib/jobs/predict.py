"""Ask a model every question of the benchmark: the job behind ``qbench-portrait predict``.

>>> from qbench_portrait_lib.run.runner import RunSummary
>>> summary = RunSummary(questions=3, distinct_questions=3, already_answered=1, attempted=2,
...                      succeeded=1, failed=1, distinct_images=1, image_encodings=1, http_attempts=6,
...                      retries=4, wall_s=2.5)
>>> print(summary_text(summary, "p.jsonl"))
1 answered, 1 failed, 1 already answered (of 3); 1 images encoded; 2.5 s -> p.jsonl
>>> try:
...     check_complete(summary, "p.jsonl")
... except QBenchError as error:
...     print(error)
p.jsonl: 1 of 2 requests failed (see their 'error' field); 2 of 3 answers are saved there: rerun the same \
command to retry the failed ones
"""

from __future__ import annotations

import os
from pathlib import Path

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.data.loading import load_benchmark
from qbench_portrait_lib.run.client import DEFAULT_API_KEY_ENV, ChatEndpoint, api_key_from_env
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
    dataset is loaded, so a missing key, or a key that would go over plain http to another
    machine, fails at once. Rows that hold an image path instead of bytes are read from the
    dataset's own folder only. Rerunning resumes the file.
    """
    source = f"the API key in ${api_key_env or DEFAULT_API_KEY_ENV}"
    endpoint = ChatEndpoint(config.base_url, api_key_from_env(api_key_env), source)
    questions = load_benchmark(dataset)
    image_root = Path(dataset) if dataset is not None and Path(dataset).is_dir() else None
    return run_predictions(
        questions, out_path, config, endpoint=endpoint, limit=limit, progress=progress, image_root=image_root
    )


def _variants(summary: RunSummary) -> str:
    """On a circular run, how many questions its requests ask ("" on a plain run)."""
    if summary.questions == summary.distinct_questions:
        return ""
    return f" requests for {summary.distinct_questions} questions"


def summary_text(summary: RunSummary, out_path: str | os.PathLike[str]) -> str:
    """What ``qbench-portrait predict`` prints after a run."""
    return (
        f"{summary.succeeded} answered, {summary.failed} failed, {summary.already_answered} already answered "
        f"(of {summary.questions}{_variants(summary)}); {summary.image_encodings} images encoded; "
        f"{summary.wall_s:.1f} s -> {os.fspath(out_path)}"
    )


def check_complete(summary: RunSummary, out_path: str | os.PathLike[str]) -> None:
    """Raise :class:`QBenchError` when requests of the run failed for good (they are in the file)."""
    if summary.failed:
        saved = summary.already_answered + summary.succeeded
        raise QBenchError(
            f"{summary.failed} of {summary.attempted} requests failed (see their 'error' field); "
            f"{saved} of {summary.questions} answers are saved there: rerun the same command to retry "
            "the failed ones",
            file=out_path,
        )
