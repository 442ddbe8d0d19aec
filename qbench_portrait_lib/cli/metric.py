"""CLI commands (metric): ``export-metric``, ``push-metric``; see :mod:`qbench_portrait_lib.cli`."""

from __future__ import annotations

from pathlib import Path

import click

from qbench_portrait_lib.harness.metric_export import export_metric
from qbench_portrait_lib.harness.space_push import push_metric_space


@click.command("export-metric")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Output folder; its name is the module's (qbench_portrait -> qbench_portrait.py).",
)
@click.option("--overwrite", is_flag=True, help="Replace an earlier metric export in OUT.")
def export_metric_command(out: Path, overwrite: bool) -> None:
    """Write a self-contained evaluate metric folder (module, scoring siblings, card, Space app) to OUT."""
    click.echo(export_metric(out, overwrite=overwrite).summary())


@click.command("push-metric")
@click.argument("metric_dir", type=click.Path(path_type=Path))
@click.option("--repo", required=True, help="Space id on the Hub, e.g. my-org/qbench_portrait.")
@click.option("--private", is_flag=True, help="Create the Space as private.")
def push_metric_command(metric_dir: Path, repo: str, private: bool) -> None:
    """Upload a metric export folder to a Gradio Space; evaluate.load("ORG/NAME") then loads it."""
    commit = push_metric_space(metric_dir, repo, private=private)
    click.echo(
        f"pushed {metric_dir} to https://huggingface.co/spaces/{repo} ({getattr(commit, 'oid', commit)})"
    )


COMMANDS: list[click.Command] = [export_metric_command, push_metric_command]
