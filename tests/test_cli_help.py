"""Every command of the CLI explains itself and is documented in the README."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from qbench_portrait_lib.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"
COMMANDS = sorted(cli.commands.items())


def test_the_group_has_commands() -> None:
    assert {"demo", "score", "compare"} <= set(cli.commands)


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_command_has_help_text_for_itself_and_every_option(name: str, command: click.Command) -> None:
    assert command.help and command.help.strip(), f"command {name!r} has no help text"
    undocumented = [
        param.name
        for param in command.params
        if isinstance(param, click.Option) and not (param.help or "").strip()
    ]
    assert not undocumented, f"options of {name!r} without help text: {undocumented}"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    first_sentence = " ".join(command.help.strip().split("\n\n")[0].split())
    assert first_sentence in " ".join(result.output.split())


def test_the_group_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    listed = {line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line.strip()}
    assert listed == set(cli.commands)


@pytest.mark.parametrize("name", [name for name, _ in COMMANDS])
def test_command_appears_in_the_readme(name: str) -> None:
    assert README.is_file(), f"expected a README at {README}"
    text = README.read_text(encoding="utf-8")
    assert f"qbench-portrait {name}" in text, f"README.md never shows `qbench-portrait {name}`"
