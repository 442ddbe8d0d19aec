"""The ``qbench-portrait`` command line: a thin click layer over the library.

Each command lives in a module of this package (``data``, ``predict``, ``results``), maps
its options onto one library function and prints what it returns. Errors follow one
policy (:mod:`qbench_portrait_lib.cli.errors`): bad input is one ``Error: ...`` line and
exit status 1, bad flags are click's usage errors (status 2), a bug keeps its traceback.
This module only assembles the group. May import every other room; nothing imports the CLI.
"""

from __future__ import annotations

import logging

import click

from qbench_portrait_lib.cli import annotate as cli_annotate
from qbench_portrait_lib.cli import data as cli_data
from qbench_portrait_lib.cli import metric as cli_metric
from qbench_portrait_lib.cli import predict as cli_predict
from qbench_portrait_lib.cli import results as cli_results
from qbench_portrait_lib.cli.errors import HandledGroup


@click.group(cls=HandledGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log progress details to stderr.")
@click.version_option(package_name="qbench-portrait")
def cli(verbose: bool) -> None:
    """Q-Bench-Portrait: build, export, run and score the portrait-quality benchmark."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )


for _module in (cli_data, cli_metric, cli_predict, cli_results, cli_annotate):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    cli()
