"""CLI commands that score and report: ``demo``, ``score`` and ``compare``.

Each command calls one library function (:func:`~qbench_portrait_lib.jobs.demo.run_demo`,
:func:`~qbench_portrait_lib.jobs.score.score_predictions_file`,
:func:`~qbench_portrait_lib.report.leaderboard.build_leaderboard`) and turns library errors
into clean messages; see :mod:`qbench_portrait_lib.cli`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from qbench_portrait_lib.cli.predict import build_judge, judge_options
from qbench_portrait_lib.jobs.demo import DEFAULT_REPORT_DIR, run_demo
from qbench_portrait_lib.jobs.score import ScoredRun
from qbench_portrait_lib.report.markdown import aligned_text, interval, percent, terminal_table

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: How many missing or failed ids a command prints before pointing at results.json.
_PRINTED_IDS = 20

#: Library errors a command reports as a clean message (anything else is a bug and keeps its traceback).
_USER_ERRORS = (ValueError, KeyError, OSError, ImportError)


def _run_cleanly(action: Callable[[], T]) -> T:
    """Run ``action``; turn a library error into a ClickException with its message."""
    try:
        return action()
    except _USER_ERRORS as error:
        logger.debug("command failed", exc_info=True)
        raise click.ClickException(str(error)) from error


def _print_inputs(run: ScoredRun, report_dir: Path | None) -> None:
    """Print which questions had no prediction and which requests failed."""
    where = f"all listed in {report_dir / 'results.json'}" if report_dir else "use --report to list all"
    if run.missing_ids:
        shown = ", ".join(run.missing_ids[:_PRINTED_IDS])
        more = f" ... ({where})" if len(run.missing_ids) > _PRINTED_IDS else ""
        click.echo(
            f"{len(run.missing_ids)} questions without a prediction (scored as unparsed): {shown}{more}"
        )
    if run.errored:
        shown = "; ".join(f"{key}: {value}" for key, value in list(run.errored.items())[:_PRINTED_IDS])
        more = f" ... ({where})" if len(run.errored) > _PRINTED_IDS else ""
        click.echo(f"{len(run.errored)} requests failed in the run (scored as unparsed): {shown}{more}")


_dataset_option = click.option(
    "--dataset",
    required=True,
    help="The questions: an exported dataset folder, a raw release folder, a Hub repo id, or 'sample'.",
)
_report_option = click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write results.json, report.md and charts into this folder.",
)
_charts_option = click.option(
    "--no-charts", is_flag=True, help="Skip the PNG charts (they need the 'report' extra, matplotlib)."
)
_bootstrap_option = click.option(
    "--bootstrap-samples",
    type=click.IntRange(min=100),
    default=1000,
    show_default=True,
    help="Bootstrap resamples for the overall interval.",
)
_seed_option = click.option("--seed", type=int, default=0, show_default=True, help="Seed of the bootstrap.")


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
@_charts_option
def demo_command(out: Path, baseline: str, no_charts: bool) -> None:
    """Answer the embedded sample with a baseline, score it and write a report (offline, no GPU)."""
    result = _run_cleanly(lambda: run_demo(out, baseline=baseline, charts=not no_charts))
    click.echo(terminal_table(result.run.metrics, title=f"Q-Bench-Portrait sample, baseline-{baseline}"))
    click.echo(f"report written to {out / 'report.md'} ({len(result.files)} files)")


@click.command("score")
@click.argument("predictions", type=click.Path(dir_okay=False, path_type=Path))
@_dataset_option
@_report_option
@_charts_option
@_bootstrap_option
@_seed_option
@judge_options
def score_command(
    predictions: Path,
    dataset: str,
    report_dir: Path | None,
    no_charts: bool,
    bootstrap_samples: int,
    seed: int,
    **judge_settings: Any,
) -> None:
    """Score a predictions JSONL (id + response per line) against the benchmark.

    Questions without a prediction and failed requests count as unparsed and are listed;
    ids the dataset does not hold, duplicates and malformed lines are errors.
    """
    from qbench_portrait_lib.jobs.score import load_references, score_predictions_file
    from qbench_portrait_lib.report.writer import write_report

    def score() -> ScoredRun:
        if not predictions.is_file():
            raise FileNotFoundError(f"predictions file not found: {predictions}")
        judge = build_judge(**judge_settings)
        references = load_references(dataset)
        run = score_predictions_file(
            predictions, references, judge=judge, bootstrap_samples=bootstrap_samples, seed=seed
        )
        if report_dir is not None:
            write_report(report_dir, run, charts=not no_charts)
        return run

    run = _run_cleanly(score)
    click.echo(terminal_table(run.metrics, title=f"{run.name} on {run.references.source}"))
    _print_inputs(run, report_dir)
    if report_dir is not None:
        click.echo(f"report written to {report_dir / 'report.md'}")


def _leaderboard_text(leaderboard: Any) -> str:
    comparisons = {item["model"]: item for item in leaderboard.comparisons}
    rows = []
    for rank, run in enumerate(leaderboard.runs, start=1):
        metrics = run.metrics
        item = comparisons.get(run.name)
        paired: Sequence[str] = ["best", "-", "-"]
        if item is not None:
            p_value = item["mcnemar_p"]
            paired = [
                f"{100 * item['difference']:+.1f}",
                interval(item["ci_low"], item["ci_high"]),
                "-" if math.isnan(p_value) else f"{p_value:.3g}",
            ]
        rows.append(
            [
                str(rank),
                run.name,
                percent(metrics["overall"]),
                interval(metrics["overall_ci_low"], metrics["overall_ci_high"]),
                percent(metrics["overall_closed"]),
                *paired,
            ]
        )
    header = ["rank", "model", "overall %", "95% CI", "closed %", "vs best", "95% CI", "McNemar p"]
    return aligned_text(header, rows)


@click.command("compare")
@click.argument("predictions", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@_dataset_option
@_report_option
@_charts_option
@_bootstrap_option
@_seed_option
@click.option(
    "--no-pool",
    is_flag=True,
    help="Do not add the pooled 'human (n=K)' row and agreement when two or more files are human:NAME.",
)
def compare_command(
    predictions: tuple[Path, ...],
    dataset: str,
    report_dir: Path | None,
    no_charts: bool,
    bootstrap_samples: int,
    seed: int,
    no_pool: bool,
) -> None:
    """Rank several models' predictions on the same questions (the paper's main table).

    Each model is compared with the best by a paired bootstrap and McNemar's test.
    Open-ended answers are scored by the offline proxy. Files written by `annotate`
    (model human:NAME) keep their own rows; two or more are also pooled into one
    "human (n=K)" row, with their agreement (Krippendorff's alpha) per question type.
    """
    from qbench_portrait_lib.jobs.human import pool_human_runs
    from qbench_portrait_lib.jobs.score import load_references, score_predictions_file
    from qbench_portrait_lib.report.leaderboard import build_leaderboard
    from qbench_portrait_lib.report.writer import write_comparison_report

    def compare() -> Any:
        for path in predictions:
            if not path.is_file():
                raise FileNotFoundError(f"predictions file not found: {path}")
        references = load_references(dataset)
        runs = [
            score_predictions_file(path, references, bootstrap_samples=bootstrap_samples, seed=seed)
            for path in predictions
        ]
        agreement: dict[str, dict[str, Any]] = {}
        pool = None if no_pool else pool_human_runs(runs, bootstrap_samples=bootstrap_samples, seed=seed)
        if pool is not None:
            runs.append(pool.run)
            agreement = pool.agreement
        leaderboard = build_leaderboard(
            runs, bootstrap_samples=bootstrap_samples, seed=seed, agreement=agreement
        )
        if report_dir is not None:
            write_comparison_report(report_dir, leaderboard, charts=not no_charts)
        return leaderboard

    leaderboard = _run_cleanly(compare)
    click.echo(_leaderboard_text(leaderboard))
    if leaderboard.agreement:
        from qbench_portrait_lib.report.leaderboard import agreement_rows

        click.echo("\nagreement of the human annotators (Krippendorff's alpha):")
        click.echo(aligned_text(*agreement_rows(leaderboard.agreement)))
    for run in leaderboard.runs:
        if run.missing_ids or run.errored:
            click.echo(
                f"{run.name}: {len(run.missing_ids)} without a prediction, {len(run.errored)} failed requests"
            )
    if report_dir is not None:
        click.echo(f"report written to {report_dir / 'report.md'}")


COMMANDS: list[click.Command] = [demo_command, score_command, compare_command]
