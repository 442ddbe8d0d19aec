"""CLI commands (predict) and the judge options other commands reuse; see :mod:`qbench_portrait_lib.cli`.

``judge_options`` adds ``--judge-base-url``, ``--judge-model``, ``--judge-rounds``,
``--judge-cache-dir``, ``--judge-api-key-env`` and ``--judge-concurrency`` to a command;
the command passes them on with ``build_judge(**judge_kwargs)``, where ``judge_kwargs``
are its keyword arguments whose names start with ``judge_``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from qbench_portrait_lib.run.client import AuthenticationFailed, RetryPolicy, chat_completions_url
from qbench_portrait_lib.run.judge import HttpJudge
from qbench_portrait_lib.run.predictions import PredictionsFileError

logger = logging.getLogger(__name__)

_F = TypeVar("_F", bound=Callable[..., Any])
DEFAULT_API_KEY_ENV = "OPENAI_API_KEY"


def _api_key(env_name: str, *, explicit: bool) -> str | None:
    key = os.environ.get(env_name) or None
    if key is None and explicit:
        raise click.UsageError(f"--api-key-env names {env_name!r}, but that environment variable is not set")
    if key is None:
        logger.info("no API key in $%s: sending no Authorization header", env_name)
    return key


def _check_base_url(value: str, option: str) -> None:
    try:
        chat_completions_url(value)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint=option) from None


def judge_options(command: _F) -> _F:
    """Decorator adding the ``--judge-*`` options (all optional; no judge without a base URL)."""
    options = [
        click.option(
            "--judge-base-url",
            default=None,
            help="OpenAI-compatible endpoint of the judge model, e.g. http://localhost:8000/v1.",
        ),
        click.option(
            "--judge-model", default=None, help="Judge model name (required with --judge-base-url)."
        ),
        click.option(
            "--judge-rounds",
            type=click.IntRange(min=1),
            default=5,
            show_default=True,
            help="Rounds per answer.",
        ),
        click.option(
            "--judge-cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Where judge replies are cached [default: ~/.cache/qbench-portrait/judge].",
        ),
        click.option(
            "--judge-api-key-env",
            default=DEFAULT_API_KEY_ENV,
            show_default=True,
            help="Environment variable holding the judge's API key.",
        ),
        click.option(
            "--judge-concurrency",
            type=click.IntRange(min=1),
            default=8,
            show_default=True,
            help="Judge requests in flight at once.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def build_judge(
    *,
    judge_base_url: str | None = None,
    judge_model: str | None = None,
    judge_rounds: int = 5,
    judge_cache_dir: str | os.PathLike[str] | None = None,
    judge_api_key_env: str = DEFAULT_API_KEY_ENV,
    judge_concurrency: int = 8,
) -> HttpJudge | None:
    """The judge the ``--judge-*`` options describe, or None when no ``--judge-base-url`` is given.

    >>> build_judge() is None
    True
    >>> build_judge(judge_base_url="http://localhost:8000/v1", judge_model="qwen", judge_rounds=3)
    HttpJudge(base_url='http://localhost:8000/v1', model='qwen', rounds=3)
    """
    if judge_base_url is None:
        if judge_model is not None:
            raise click.UsageError("--judge-model was given without --judge-base-url")
        return None
    _check_base_url(judge_base_url, "--judge-base-url")
    if not judge_model:
        raise click.UsageError("--judge-base-url needs --judge-model (the judge model's name)")
    if judge_api_key_env != DEFAULT_API_KEY_ENV and not os.environ.get(judge_api_key_env):
        raise click.UsageError(
            f"--judge-api-key-env names {judge_api_key_env!r}, but that environment variable is not set"
        )
    return HttpJudge(
        judge_base_url,
        judge_model,
        rounds=judge_rounds,
        cache_dir=judge_cache_dir,
        api_key_env=judge_api_key_env,
        concurrency=judge_concurrency,
    )


@click.command()
@click.option(
    "--dataset",
    "dataset_source",
    required=True,
    help="'sample', an export or raw-release folder, or a Hub repo id ORG/NAME.",
)
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
@click.option(
    "--api-key-env",
    default=None,
    help=f"Environment variable holding the API key [default: {DEFAULT_API_KEY_ENV}, if set].",
)
@click.option(
    "--timeout",
    "timeout_s",
    type=click.FloatRange(min=0.1),
    default=120.0,
    show_default=True,
    help="Seconds to wait for one response.",
)
@click.option(
    "--max-attempts", type=click.IntRange(min=1), default=5, show_default=True, help="Tries per request."
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
    timeout_s: float,
    max_attempts: int,
) -> None:
    """Ask a model behind an OpenAI-compatible endpoint every question; write JSONL.

    Rerunning the same command resumes: answered questions are skipped, failed ones retried.
    """
    from qbench_portrait_lib.data.loading import load_benchmark
    from qbench_portrait_lib.run.runner import RunConfig, RunnerError, run_predictions

    _check_base_url(base_url, "--base-url")
    api_key = _api_key(api_key_env or DEFAULT_API_KEY_ENV, explicit=api_key_env is not None)
    try:
        dataset = load_benchmark(dataset_source)
    except (ValueError, FileNotFoundError) as error:
        raise click.ClickException(f"cannot load the dataset {dataset_source!r}: {error}") from None
    config = RunConfig(
        base_url=base_url,
        model=model,
        max_tokens=max_tokens,
        temperature=temperature,
        concurrency=concurrency,
        image_max_side=image_max_side,
        timeout_s=timeout_s,
        retry=RetryPolicy(max_attempts=max_attempts),
    )
    try:
        summary = run_predictions(dataset, out_path, config, api_key=api_key, limit=limit)
    except (RunnerError, PredictionsFileError, AuthenticationFailed) as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"{summary.succeeded} answered, {summary.failed} failed, {summary.already_answered} already answered "
        f"(of {summary.questions}); {summary.image_encodings} images encoded; "
        f"{summary.wall_s:.1f} s -> {out_path}"
    )
    if summary.failed:
        click.echo(
            f"{summary.failed} requests failed (see their 'error' field); rerun the command to retry them."
        )


COMMANDS: list[click.Command] = [predict]
