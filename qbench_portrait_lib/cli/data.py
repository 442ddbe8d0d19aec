"""CLI commands (data): ``export``, ``push``, ``write-release``; see :mod:`qbench_portrait_lib.cli`."""

from __future__ import annotations

from pathlib import Path

import click

from qbench_portrait_lib.data.export import DEFAULT_ROWS_PER_GROUP, export_dataset
from qbench_portrait_lib.data.push import push_export
from qbench_portrait_lib.data.release import DEFAULT_MAX_IMAGE_PIXELS
from qbench_portrait_lib.data.release_records import ReleaseValidationError

#: Problems printed by the CLI before "... and N more".
MAX_PROBLEMS_SHOWN = 50


def _validation_message(error: ReleaseValidationError) -> str:
    shown = error.problems[:MAX_PROBLEMS_SHOWN]
    lines = [f"release {error.source} has {len(error.problems)} problem(s):", *(f"- {p}" for p in shown)]
    if len(error.problems) > len(shown):
        lines.append(f"... and {len(error.problems) - len(shown)} more")
    return "\n".join(lines)


@click.command("export")
@click.option("--sample", is_flag=True, help="Export the embedded, generated sample.")
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    help="Export the raw release in this folder (annotations.json(l) + images/ or images.zip).",
)
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Output folder (Hub layout).")
@click.option("--seed", default=0, show_default=True, help="Seed of the sample generator (with --sample).")
@click.option(
    "--max-image-pixels",
    default=DEFAULT_MAX_IMAGE_PIXELS,
    show_default=True,
    help="Refuse release images with more pixels than this (decompression-bomb guard).",
)
@click.option(
    "--rows-per-group", default=DEFAULT_ROWS_PER_GROUP, show_default=True, help="Parquet row-group size."
)
@click.option("--overwrite", is_flag=True, help="Replace the Parquet shards already in OUT/data.")
def export_command(
    sample: bool,
    data_dir: Path | None,
    out: Path,
    seed: int,
    max_image_pixels: int,
    rows_per_group: int,
    overwrite: bool,
) -> None:
    """Export the sample or a raw release to OUT: data/test-*.parquet and a README.md dataset card."""
    if sample == (data_dir is not None):
        raise click.UsageError("give exactly one of --sample or --data-dir RAW")
    try:
        result = export_dataset(
            out,
            data_dir=data_dir,
            sample=sample,
            sample_seed=seed,
            max_image_pixels=max_image_pixels,
            rows_per_group=rows_per_group,
            overwrite=overwrite,
        )
    except ReleaseValidationError as error:
        raise click.ClickException(_validation_message(error)) from error
    except (FileNotFoundError, FileExistsError, ValueError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(result.summary())


@click.command("push")
@click.argument("export_dir", type=click.Path(path_type=Path))
@click.option("--repo", required=True, help="Dataset repo id on the Hub, e.g. my-org/qbench-portrait.")
@click.option("--private", is_flag=True, help="Create the repo as private.")
def push_command(export_dir: Path, repo: str, private: bool) -> None:
    """Upload an export folder (README.md + data/*.parquet) to a Hub dataset repo."""
    try:
        commit = push_export(export_dir, repo, private=private)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    except Exception as error:  # network/auth errors of huggingface_hub: show them cleanly
        raise click.ClickException(f"push to {repo} failed: {type(error).__name__}: {error}") from error
    click.echo(
        f"pushed {export_dir} to https://huggingface.co/datasets/{repo} ({getattr(commit, 'oid', commit)})"
    )


@click.command("write-release")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--questions", default=2765, show_default=True, help="Number of questions.")
@click.option("--images", default=1000, show_default=True, help="Number of JPEG images.")
@click.option("--seed", default=0, show_default=True, help="Seed of the generator.")
def write_release_command(out: Path, questions: int, images: int, seed: int) -> None:
    """Write a full-size synthetic raw release to OUT (for testing the tooling)."""
    from qbench_portrait_lib.sample.synthetic_release import write_synthetic_release

    try:
        path = write_synthetic_release(out, n_questions=questions, n_images=images, seed=seed)
    except (ValueError, FileExistsError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"wrote a synthetic release with {questions} questions over {images} images to {path}")


COMMANDS: list[click.Command] = [export_command, push_command, write_release_command]
