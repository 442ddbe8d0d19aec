"""CLI command ``predict``: ask a model every question; see :mod:`qbench_portrait_lib.cli`.

It maps its options onto a :class:`~qbench_portrait_lib.run.runner.RunConfig` and calls
:func:`~qbench_portrait_lib.jobs.predict.predict_benchmark`; errors are handled once, in
:mod:`qbench_portrait_lib.cli.errors`.
"""

from __future__ import annotations

from pathlib import Path

import click

from qbench_portrait_lib.cli.options import (
    API_KEY_ENV_HELP,
    DATASET_HELP,
    max_attempts_option,
    timeout_option,
)
from qbench_portrait_lib.jobs.predict import check_complete, predict_benchmark, summary_text
from qbench_portrait_lib.run.client import RetryPolicy
from qbench_portrait_lib.run.runner import RunConfig


@click.command("predict")
@click.option("--dataset", "dataset_source", metavar="SOURCE", required=True, help=DATASET_HELP)
@click.option("--base-url", required=True, help="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1.")
@click.option("--model", required=True, help="Model name the server expects.")
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Predictions JSONL; an existing file is resumed.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=8,
    show_default=True,
    help="Requests in flight at once.",
)
@click.option(
    "--max-tokens",
    type=click.IntRange(min=1),
    default=256,
    show_default=True,
    help="Longest answer to generate.",
)
@click.option(
    "--temperature",
    type=click.FloatRange(min=0.0),
    default=0.0,
    show_default=True,
    help="Sampling temperature.",
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Ask only the first N questions.")
@click.option(
    "--image-max-side",
    type=click.IntRange(min=1),
    default=None,
    help="Downscale images larger than PX on their long side (default: send them untouched).",
)
@click.option("--api-key-env", default=None, help=API_KEY_ENV_HELP)
@timeout_option("--timeout", "Seconds to wait for one response.")
@max_attempts_option("--max-attempts", "Tries per request.")
@click.option(
    "--circular",
    is_flag=True,
    help="Ask every choice question once per cyclic rotation of its options (true/false: both orders).",
)
def predict(
    dataset_source: str,
    base_url: str,
    model: str,
    out_path: Path,
    concurrency: int,
    max_tokens: int,
    temperature: float,
    limit: int | None,
    image_max_side: int | None,
    api_key_env: str | None,
    timeout: float,
    max_attempts: int,
    circular: bool,
) -> None:
    """Ask a model behind an OpenAI-compatible endpoint every question; write JSONL.

    Rerunning the same command resumes: answered questions are skipped, failed ones retried.
    A run in which requests failed exits with status 1 after writing what it got.
    """
    config = RunConfig(
        base_url=base_url,
        model=model,
        max_tokens=max_tokens,
        temperature=temperature,
        concurrency=concurrency,
        image_max_side=image_max_side,
        timeout_s=timeout,
        retry=RetryPolicy(max_attempts=max_attempts),
        circular=circular,
    )
    summary = predict_benchmark(dataset_source, out_path, config, api_key_env=api_key_env, limit=limit)
    click.echo(summary_text(summary, out_path))
    check_complete(summary, out_path)


COMMANDS: list[click.Command] = [predict]
