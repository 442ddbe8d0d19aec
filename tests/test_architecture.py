"""The layout's rules hold: import contracts (pyproject.toml), one declaration of the columns."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qbench_portrait_lib.contract.columns import COLUMNS

ROOT = Path(__file__).resolve().parent.parent
#: Where code that could repeat the column list lives.
SOURCES = [
    *sorted((ROOT / "qbench_portrait_lib").rglob("*.py")),
    *sorted((ROOT / "metric").glob("*.py")),
    *sorted((ROOT / "lmms_eval_task").glob("*.py")),
    ROOT / "qbench_portrait.py",
]
DECLARATION = ROOT / "qbench_portrait_lib" / "contract" / "columns.py"


def lint_imports(cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """lint-imports on the package importable from ``cwd`` with this repository's contracts
    ([tool.importlinter] in pyproject.toml: layers, forbidden imports, no cycles)."""
    command = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    return subprocess.run(
        [sys.executable, "-c", command, "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_import_contracts_hold() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout and "KEPT" in result.stdout


HARNESS_CONTRACT = "The harness room imports the cores and run.predictions only"
PREDICTIONS_CONTRACT = "run.predictions (the harness's one run module) imports the cores only"


@pytest.mark.parametrize(
    ("importer", "broken"),
    [
        ("harness/vlmevalkit_format.py", HARNESS_CONTRACT),  # directly
        ("run/predictions.py", PREDICTIONS_CONTRACT),  # through run.predictions, which the harness uses
    ],
)
def test_the_harness_may_not_reach_a_new_run_module(tmp_path: Path, importer: str, broken: str) -> None:
    # A copy of the package with a run module no contract names, imported where it must not be.
    package = tmp_path / "qbench_portrait_lib"
    shutil.copytree(ROOT / "qbench_portrait_lib", package, ignore=shutil.ignore_patterns("__pycache__"))
    (package / "run" / "brand_new.py").write_text('"""A run module added after the contracts."""\n')
    with (package / importer).open("a", encoding="utf-8") as module:
        module.write("\nfrom qbench_portrait_lib.run import brand_new  # noqa: E402, F401\n")
    result = lint_imports(tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert result.returncode != 0, result.stdout + result.stderr
    assert "brand_new" in result.stdout and "1 broken" in result.stdout, result.stdout
    assert " ".join(f"{broken} BROKEN".split()) in " ".join(result.stdout.split())


def literal_column_lists(path: Path, at_least: int = 4) -> list[tuple[int, list[str]]]:
    """List, tuple and set literals in ``path`` that name ``at_least`` contract columns as strings."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            names = [e.value for e in node.elts if isinstance(e, ast.Constant) and e.value in COLUMNS]
            if len(names) >= at_least:
                found.append((node.lineno, names))
    return found


def test_the_column_list_is_written_once() -> None:
    repeated = {
        str(path.relative_to(ROOT)): lists
        for path in SOURCES
        if path != DECLARATION and (lists := literal_column_lists(path))
    }
    assert repeated == {}, f"derive these from qbench_portrait_lib.contract.columns: {repeated}"


def test_the_scan_finds_a_repeated_column_list(tmp_path: Path) -> None:
    sample = tmp_path / "module.py"
    sample.write_text('FIELDS = ("id", "question", "answer", "level")\nOTHER = ["id", "text"]\n')
    assert literal_column_lists(sample) == [(1, ["id", "question", "answer", "level"])]


def test_the_package_root_holds_only_a_handful_of_modules() -> None:
    modules = sorted(path.name for path in (ROOT / "qbench_portrait_lib").glob("*.py"))
    assert modules == ["__init__.py", "resources.py"]


def test_every_room_says_what_it_holds_and_may_import() -> None:
    rooms = [path.parent for path in (ROOT / "qbench_portrait_lib").glob("*/__init__.py")]
    for room in rooms:
        doc = ast.get_docstring(ast.parse((room / "__init__.py").read_text(encoding="utf-8"))) or ""
        assert "may import" in doc.lower(), f"{room.name}/__init__.py must say what the room may import"
