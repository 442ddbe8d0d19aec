"""CLI commands that score and report: ``demo``, ``score`` and ``compare``.

Each maps its options onto one library function (:func:`~qbench_portrait_lib.jobs.demo.run_demo`,
:func:`~qbench_portrait_lib.jobs.files.score_file`,
:func:`~qbench_portrait_lib.jobs.files.compare_files`) and prints the text the report
room renders; errors are handled once, in :mod:`qbench_portrait_lib.cli.errors`.
"""

from __future__ import annotations

from pathlib import Path

import click

from qbench_portrait_lib.cli.options import (
    bootstrap_option,
    charts_option,
    dataset_option,
    judge_options,
    reader_options,
    report_out_option,
    seed_option,
    vlmevalkit_export_option,
)
from qbench_portrait_lib.jobs.demo import DEFAULT_REPORT_DIR, run_demo
from qbench_portrait_lib.jobs.files import compare_files, score_file
from qbench_portrait_lib.report.answer_distribution import circular_summary
from qbench_portrait_lib.report.console import comparison_text, scored_run_text
from qbench_portrait_lib.report.markdown import terminal_table
from qbench_portrait_lib.run.judge import build_judge
from qbench_portrait_lib.run.reader import build_reader

_predictions_file = click.Path(dir_okay=False, path_type=Path)


@click.command("demo")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_REPORT_DIR,
    show_default=True,
    help="Folder for the report (created if needed).",
)
@click.option(
    "--baseline",
    type=click.Choice(["classical", "random"]),
    default="classical",
    show_default=True,
    help="Which weight-free baseline answers the questions.",
)
@click.option(
    "--circular",
    is_flag=True,
    help="Answer every rotation of each question's options and report circular accuracy.",
)
@charts_option
def demo_command(out: Path, baseline: str, circular: bool, no_charts: bool) -> None:
    """Answer the embedded sample with a baseline, score it and write a report (offline, no GPU)."""
    result = run_demo(out, baseline=baseline, charts=not no_charts, circular=circular)
    click.echo(terminal_table(result.run.scores, title=f"Q-Bench-Portrait sample, baseline-{baseline}"))
    if circular:
        click.echo(circular_summary(result.run.scores))
    click.echo(f"report written to {out / 'report.md'} ({len(result.files)} files)")


@click.command("score")
@click.argument("predictions", nargs=-1, required=True, type=_predictions_file)
@dataset_option
@vlmevalkit_export_option
@report_out_option
@charts_option
@bootstrap_option
@seed_option
@judge_options
@reader_options
def score_command(
    predictions: tuple[Path, ...],
    dataset: str,
    vlmevalkit_export: Path | None,
    report_dir: Path | None,
    no_charts: bool,
    bootstrap_samples: int,
    seed: int,
    judge_base_url: str | None,
    judge_model: str | None,
    judge_rounds: int,
    judge_cache_dir: Path | None,
    judge_api_key_env: str | None,
    judge_concurrency: int,
    judge_timeout: float,
    judge_max_attempts: int,
    reader_base_url: str | None,
    reader_model: str | None,
    reader_cache_dir: Path | None,
    reader_api_key_env: str | None,
) -> None:
    """Score a predictions JSONL (id + response per line), or one model's VLMEvalKit files.

    VLMEvalKit writes one file per dataset ({model}_QBenchPortrait.xlsx and
    {model}_QBenchPortrait_OpenEnded.xlsx): give both, with --vlmevalkit-export.
    Questions without a prediction and failed requests count as unparsed and are listed;
    ids the dataset does not hold, duplicates and malformed lines are errors.
    """
    judge = build_judge(
        judge_base_url,
        judge_model,
        rounds=judge_rounds,
        cache_dir=judge_cache_dir,
        api_key_env=judge_api_key_env,
        concurrency=judge_concurrency,
        timeout_s=judge_timeout,
        max_attempts=judge_max_attempts,
    )
    reader = build_reader(
        reader_base_url, reader_model, cache_dir=reader_cache_dir, api_key_env=reader_api_key_env
    )
    result = score_file(
        predictions,
        dataset,
        vlmevalkit_export=vlmevalkit_export,
        report_dir=report_dir,
        charts=not no_charts,
        judge=judge,
        reader=reader,
        bootstrap_samples=bootstrap_samples,
        seed=seed,
    )
    click.echo(scored_run_text(result.run, report_dir))


@click.command("compare")
@click.argument("predictions", nargs=-1, required=True, type=_predictions_file)
@dataset_option
@vlmevalkit_export_option
@report_out_option
@charts_option
@bootstrap_option
@seed_option
@click.option(
    "--no-pool",
    is_flag=True,
    help="Do not add the pooled 'human (n=K)' row and agreement when two or more files are human:NAME.",
)
def compare_command(
    predictions: tuple[Path, ...],
    dataset: str,
    vlmevalkit_export: Path | None,
    report_dir: Path | None,
    no_charts: bool,
    bootstrap_samples: int,
    seed: int,
    no_pool: bool,
) -> None:
    """Rank several models' predictions on the same questions (the paper's main table).

    Each model is compared with the best by a paired bootstrap and McNemar's test.
    Without a judge, models are ranked by the closed formats; the open-ended offline proxy
    is shown apart, in no ranking. Files written by `annotate`
    (model human:NAME) keep their own rows; two or more are also pooled into one
    "human (n=K)" row, with their agreement (Krippendorff's alpha) per question type.
    VLMEvalKit files (with --vlmevalkit-export) make one row per model in their names.
    """
    result = compare_files(
        predictions,
        dataset,
        vlmevalkit_export=vlmevalkit_export,
        report_dir=report_dir,
        charts=not no_charts,
        bootstrap_samples=bootstrap_samples,
        seed=seed,
        pool_humans=not no_pool,
    )
    click.echo(comparison_text(result.leaderboard, report_dir))


COMMANDS: list[click.Command] = [demo_command, score_command, compare_command]
