"""The annotate room calls the cores and nothing else: contract, data, scoring, run.predictions."""

from __future__ import annotations

import ast
from pathlib import Path

import qbench_portrait_lib.annotate

ROOM = Path(qbench_portrait_lib.annotate.__file__).parent
ALLOWED = ("contract", "data", "scoring", "run.predictions", "annotate")


def imported_modules(path: Path) -> list[str]:
    modules = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.append(node.module)
        elif isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
    return modules


def test_the_room_imports_only_the_cores_and_the_predictions_file() -> None:
    files = sorted(ROOM.glob("*.py"))
    assert len(files) >= 8
    for path in files:
        for module in imported_modules(path):
            if not module.startswith("qbench_portrait_lib"):
                continue
            inner = module.removeprefix("qbench_portrait_lib.")
            assert inner.startswith(ALLOWED), f"{path.name} imports {module}"
