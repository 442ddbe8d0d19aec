"""Options shared by several commands, declared once so their names, defaults and help agree.

The CLI's shape: a positional argument names what a command processes (predictions files,
an export folder); ``--dataset`` names the benchmark it reads (``sample``, an export or
raw-release folder, a Hub repo id); ``--out`` names every place it writes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from qbench_portrait_lib.run.client import DEFAULT_API_KEY_ENV
from qbench_portrait_lib.scoring.intervals import DEFAULT_BOOTSTRAP_SAMPLES, MIN_BOOTSTRAP_SAMPLES

_F = TypeVar("_F", bound=Callable[..., Any])

DATASET_HELP = "The questions: 'sample', an export folder, a raw release folder, or a Hub repo id ORG/NAME."

dataset_option = click.option("--dataset", metavar="SOURCE", required=True, help=DATASET_HELP)

report_out_option = click.option(
    "--out",
    "report_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write results.json, report.md and the charts into this folder.",
)

vlmevalkit_export_option = click.option(
    "--vlmevalkit-export",
    type=click.Path(path_type=Path),
    default=None,
    help="The folder `export --format vlmevalkit` wrote: maps the index column of VLMEvalKit's "
    "prediction files (.xlsx, .tsv, .json) back to question ids.",
)

charts_option = click.option(
    "--no-charts", is_flag=True, help="Skip the PNG charts (they need the 'report' extra, matplotlib)."
)

bootstrap_option = click.option(
    "--bootstrap-samples",
    type=click.IntRange(min=MIN_BOOTSTRAP_SAMPLES),
    default=DEFAULT_BOOTSTRAP_SAMPLES,
    show_default=True,
    help="Bootstrap resamples for the overall interval (0 skips it).",
)

seed_option = click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
                           help="Seed of the bootstrap.")  # fmt: skip

API_KEY_ENV_HELP = f"Environment variable holding the API key [default: {DEFAULT_API_KEY_ENV}, if set]."


def timeout_option(name: str, help_text: str) -> Callable[[_F], _F]:
    """``--timeout``-style option: seconds to wait for one response (at least 0.1)."""
    return click.option(
        name, type=click.FloatRange(min=0.1), default=120.0, show_default=True, help=help_text
    )


def max_attempts_option(name: str, help_text: str) -> Callable[[_F], _F]:
    """``--max-attempts``-style option: tries per request, the first one included."""
    return click.option(name, type=click.IntRange(min=1), default=5, show_default=True, help=help_text)


def judge_options(command: _F) -> _F:
    """Add the ``--judge-*`` options (all optional; no judge without ``--judge-base-url``).

    The command passes them on as ``build_judge(judge_base_url, judge_model, rounds=judge_rounds, ...)``.
    """
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
        click.option("--judge-api-key-env", default=None, help=API_KEY_ENV_HELP),
        click.option(
            "--judge-concurrency",
            type=click.IntRange(min=1),
            default=8,
            show_default=True,
            help="Judge requests in flight at once.",
        ),
        timeout_option("--judge-timeout", "Seconds to wait for one judge response."),
        max_attempts_option("--judge-max-attempts", "Tries per judge request."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def reader_options(command: _F) -> _F:
    """Add the ``--reader-*`` options (all optional; no reader without ``--reader-base-url``).

    The command passes them on as ``build_reader(reader_base_url, reader_model, ...)``.
    """
    options = [
        click.option(
            "--reader-base-url",
            default=None,
            help="OpenAI-compatible endpoint of a model that reads the closed-format responses the "
            "extraction rules leave unparsed, e.g. http://localhost:8000/v1.",
        ),
        click.option(
            "--reader-model", default=None, help="Reader model name (required with --reader-base-url)."
        ),
        click.option(
            "--reader-cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Where reader replies are cached [default: ~/.cache/qbench-portrait/reader].",
        ),
        click.option("--reader-api-key-env", default=None, help=API_KEY_ENV_HELP),
    ]
    for option in reversed(options):
        command = option(command)
    return command
