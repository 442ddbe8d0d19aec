"""CLI commands (data): ``export``, ``push``, ``write-release``; see :mod:`qbench_portrait_lib.cli`.

Each maps its options onto one library function
(:func:`~qbench_portrait_lib.data.export.export_dataset` or, with ``--format vlmevalkit``,
:func:`~qbench_portrait_lib.harness.vlmevalkit_export.export_vlmevalkit`,
:func:`~qbench_portrait_lib.data.push.push_export`,
:func:`~qbench_portrait_lib.sample.synthetic_release.write_synthetic_release`); errors are
handled once, in :mod:`qbench_portrait_lib.cli.errors`.
"""

from __future__ import annotations

from pathlib import Path

import click

from qbench_portrait_lib.data.export import export_dataset
from qbench_portrait_lib.data.images import DEFAULT_MAX_IMAGE_BYTES
from qbench_portrait_lib.data.push import push_export
from qbench_portrait_lib.data.release import DEFAULT_MAX_IMAGE_PIXELS
from qbench_portrait_lib.harness.vlmevalkit_export import export_vlmevalkit
from qbench_portrait_lib.sample.synthetic_release import write_synthetic_release

_folder = click.Path(file_okay=False, path_type=Path)


def _export_vlmevalkit(dataset: str, out: Path, overwrite: bool) -> None:
    """``export --format vlmevalkit``: the two TSVs VLMEvalKit reads from $LMUData."""
    context = click.get_current_context()
    hub_only = [
        f"--{name.replace('_', '-')}"
        for name in ("sample_seed", "max_image_pixels", "max_image_bytes")
        if context.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE
    ]
    if hub_only:
        raise click.UsageError(f"only --format hub takes {', '.join(hub_only)}")
    result = export_vlmevalkit(out, dataset, overwrite=overwrite)
    click.echo(result.summary())
    click.echo(f"point VLMEvalKit at it with: export LMUData={out.resolve()}")


@click.command("export")
@click.option(
    "--dataset",
    metavar="sample|RELEASE_DIR",
    required=True,
    help="What to export: 'sample' (the embedded, generated sample) or a raw release folder "
    "(annotations.json(l) + images/ or images.zip); with --format vlmevalkit, any --dataset source.",
)
@click.option(
    "--format",
    "export_format",
    type=click.Choice(["hub", "vlmevalkit"]),
    default="hub",
    show_default=True,
    help="hub: Parquet shards + dataset card; vlmevalkit: QBenchPortrait.tsv and "
    "QBenchPortrait_OpenEnded.tsv for VLMEvalKit's $LMUData.",
)
@click.option("--out", required=True, type=_folder, help="Output folder.")
@click.option(
    "--sample-seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Seed of the sample generator (with --dataset sample).",
)
@click.option(
    "--max-image-pixels",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_IMAGE_PIXELS,
    show_default=True,
    help="Refuse release images whose header declares more pixels than this (decompression-bomb guard).",
)
@click.option(
    "--max-image-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_IMAGE_BYTES,
    show_default=True,
    help="Refuse release image files (zip members: uncompressed) larger than this many bytes.",
)
@click.option(
    "--overwrite", is_flag=True, help="Replace the Parquet shards (or the TSVs) already in the output folder."
)
def export_command(
    dataset: str,
    export_format: str,
    out: Path,
    sample_seed: int,
    max_image_pixels: int,
    max_image_bytes: int,
    overwrite: bool,
) -> None:
    """Export the sample or a raw release: OUT/data/test-*.parquet and a README.md dataset card.

    With --format vlmevalkit: OUT/QBenchPortrait.tsv (closed questions, a custom MCQ dataset)
    and OUT/QBenchPortrait_OpenEnded.tsv (open-ended, a custom VQA dataset) for VLMEvalKit.
    """
    if export_format == "vlmevalkit":
        _export_vlmevalkit(dataset, out, overwrite)
        return
    sample = dataset == "sample"
    result = export_dataset(
        out,
        data_dir=None if sample else Path(dataset),
        sample=sample,
        sample_seed=sample_seed,
        max_image_pixels=max_image_pixels,
        max_image_bytes=max_image_bytes,
        overwrite=overwrite,
    )
    click.echo(result.summary())


@click.command("push")
@click.argument("export_dir", type=_folder)
@click.option("--repo", required=True, help="Dataset repo id on the Hub, e.g. my-org/qbench-portrait.")
@click.option("--private", is_flag=True, help="Create the repo as private.")
@click.option(
    "--overwrite-card",
    is_flag=True,
    help="Replace the card on the Hub instead of keeping its prose outside the generated blocks.",
)
def push_command(export_dir: Path, repo: str, private: bool, overwrite_card: bool) -> None:
    """Upload an export folder (README.md + data/*.parquet) to a Hub dataset repo."""
    commit = push_export(export_dir, repo, private=private, overwrite_card=overwrite_card)
    click.echo(
        f"pushed {export_dir} to https://huggingface.co/datasets/{repo} ({getattr(commit, 'oid', commit)})"
    )


@click.command("write-release")
@click.option("--out", required=True, type=_folder, help="Folder to write the release into (empty or new).")
@click.option("--questions", type=click.IntRange(min=1), default=2765, show_default=True,
              help="Number of questions.")  # fmt: skip
@click.option("--images", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Number of JPEG images.")  # fmt: skip
@click.option(
    "--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Seed of the generator."
)
def write_release_command(out: Path, questions: int, images: int, seed: int) -> None:
    """Write a full-size synthetic raw release (for testing the tooling)."""
    path = write_synthetic_release(out, n_questions=questions, n_images=images, seed=seed)
    click.echo(f"wrote a synthetic release with {questions} questions over {images} images to {path}")


COMMANDS: list[click.Command] = [export_command, push_command, write_release_command]
