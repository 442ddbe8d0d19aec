"""CLI command ``annotate``: a local page collecting a human baseline; see :mod:`qbench_portrait_lib.cli`.

It maps its options onto :func:`~qbench_portrait_lib.annotate.session.open_session` and
serves the page; errors are handled once, in :mod:`qbench_portrait_lib.cli.errors`.
"""

from __future__ import annotations

from pathlib import Path

import click

from qbench_portrait_lib.annotate.queue import ORDERS
from qbench_portrait_lib.annotate.session import open_session
from qbench_portrait_lib.cli.options import DATASET_HELP


@click.command("annotate")
@click.option("--dataset", metavar="SOURCE", required=True, help=DATASET_HELP)
@click.option(
    "--annotator", required=True, help="Your name (letters, digits, '_', '.', '-'): model = human:NAME."
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Your answer file (predictions JSONL); an existing one is resumed.",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="0: any free port."
)
@click.option(
    "--order", type=click.Choice(ORDERS), default="dataset", show_default=True, help="Order of the questions."
)
@click.option(
    "--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Seed of --order shuffled."
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow a --host that is not a loopback address (exposes the dataset and your answers).",
)
def annotate_command(
    dataset: str, annotator: str, out: Path, port: int, order: str, seed: int, host: str, allow_remote: bool
) -> None:
    """Serve a page on 127.0.0.1 where a person answers the benchmark's questions one at a time.

    Each answer is written to OUT as it is given, in the predictions format: `score OUT`
    and `compare ... OUT` read it. Stop with Ctrl+C; run the same command again to resume.
    """
    session = open_session(
        dataset, annotator, out, host=host, port=port, order=order, seed=seed, allow_remote=allow_remote
    )
    answered, total = len(session.answers.records), len(session.answers.queue)

    def ready(url: str) -> None:
        click.echo(f"annotation page for {session.answers.model}: {url}", nl=True)
        click.echo(f"{answered} of {total} questions answered so far; answers go to {out}. Ctrl+C stops.")

    session.serve(ready)


COMMANDS: list[click.Command] = [annotate_command]
