"""CLI commands (results); see :mod:`qbench_portrait_lib.cli`."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
