"""The CLI documents itself: each command's --help and README.md's "Command line" table
show every command, argument and option, each option says what it does and its default,
and the README lists no option that does not exist."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from qbench_portrait_lib.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"
COMMANDS = sorted(cli.commands.items())
IDS = [name for name, _ in COMMANDS]


def cli_section() -> str:
    """README.md from '## Command line' up to the next second-level heading."""
    text = README.read_text(encoding="utf-8")
    match = re.search(r"^## Command line\n(.*?)(?=^## )", text, flags=re.DOTALL | re.MULTILINE)
    assert match is not None, "README.md has no '## Command line' section"
    return match.group(1)


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def options(command: click.Command) -> list[click.Option]:
    return [param for param in command.params if isinstance(param, click.Option) and not param.hidden]


def arguments(command: click.Command) -> list[click.Argument]:
    return [param for param in command.params if isinstance(param, click.Argument)]


def readme_row(name: str) -> str:
    rows = [line for line in cli_section().splitlines() if line.startswith(f"| `qbench-portrait {name}` |")]
    assert len(rows) == 1, (
        f"expected one row for `qbench-portrait {name}` in the Command line table, got {rows}"
    )
    return rows[0]


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=IDS)
def test_help_shows_the_command_its_arguments_and_every_option(name: str, command: click.Command) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    shown = squeezed(result.output)  # click wraps lines, also at hyphens
    assert command.help, f"command {name!r} has no help text"
    assert squeezed(command.help.strip().split("\n\n")[0]) in shown
    for argument in arguments(command):
        assert argument.human_readable_name in result.output.splitlines()[0]
    for option in options(command):
        assert (option.help or "").strip(), f"{name} {option.opts} has no help text"
        for flag in option.opts:
            assert re.search(rf"(^|[\s,]){re.escape(flag)}([\s,=]|$)", result.output, flags=re.M), flag
        assert squeezed(option.help) in shown


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=IDS)
def test_every_option_with_a_default_shows_it(name: str, command: click.Command) -> None:
    """A user reads the default in --help: shown by click or spelled out in the help text."""
    hidden_defaults = [
        option.opts[0]
        for option in options(command)
        if not option.is_flag
        and not option.required
        and option.default is not None
        and not option.show_default
        and "[default:" not in (option.help or "")
    ]
    assert not hidden_defaults, f"{name}: options whose default --help does not show: {hidden_defaults}"


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=IDS)
def test_the_readme_row_lists_exactly_the_commands_options(name: str, command: click.Command) -> None:
    row = readme_row(name)
    declared = {flag for option in options(command) for flag in option.opts if flag.startswith("--")}
    documented = set(re.findall(r"`(--[a-z][a-z-]*)", row))
    assert declared - documented == set(), f"options of {name} missing from README.md's row"
    assert documented - declared == set(), f"README.md's row for {name} lists options that do not exist"
    for argument in arguments(command):
        assert f"`{argument.human_readable_name}" in row, f"argument {argument.name} of {name} not in README"


def test_the_readme_table_lists_exactly_the_commands() -> None:
    documented = set(re.findall(r"^\| `qbench-portrait ([a-z-]+)` \|", cli_section(), flags=re.M))
    assert documented == set(cli.commands)


def test_the_readme_names_the_group_options() -> None:
    section = cli_section()
    for option in options(cli):
        assert any(flag in section for flag in option.opts), option.opts


def test_the_group_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    listed = {line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line.strip()}
    assert listed == set(cli.commands)


#: Documents whose command lines must stay runnable: the README, the dataset card's parts, the docs.
DOCUMENTS = [
    README,
    *sorted((README.parent / "dataset_card").glob("*.md")),
    *sorted((README.parent / "docs").glob("*.md")),
    README.parent / "lmms_eval_task" / "README.md",
]


def readme_invocations(path: Path = README) -> list[tuple[str, list[str]]]:
    """``(command, flags)`` of every ``qbench-portrait COMMAND ...`` written in the code of ``path``."""
    text = path.read_text(encoding="utf-8")
    code = re.findall(r"```bash\n(.*?)```", text, flags=re.DOTALL) + re.findall(r"`([^`\n]+)`", text)
    invocations = []
    for block in code:
        for line in block.replace("\\\n", " ").splitlines():
            for call in re.findall(r"qbench-portrait ([a-z][a-z-]*)([^#&|]*)", line):
                invocations.append((call[0], re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", call[1])))
    return invocations


def test_every_command_line_in_the_docs_uses_existing_options() -> None:
    assert len(readme_invocations()) >= 15
    invocations = [call for path in DOCUMENTS for call in readme_invocations(path)]
    stale = []
    for name, flags in invocations:
        command = cli.commands.get(name)
        if command is None:
            stale.append(f"qbench-portrait {name}: no such command")
            continue
        known = {flag for option in options(command) for flag in option.opts}
        stale += [f"qbench-portrait {name} {flag}" for flag in flags if flag not in known | {"--help"}]
    assert not stale, f"the docs show commands or options that do not exist: {stale}"
