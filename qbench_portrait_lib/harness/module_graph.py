"""Follow a module's imports of this package and rewrite them as sibling imports.

The exported evaluate metric is one folder of flat modules: evaluate copies a module's
relatively imported siblings along (one level deep), so every module of this package the
metric needs becomes a sibling named after its dotted path without the package prefix
(``qbench_portrait_lib.scoring.api`` -> ``scoring_api``; a package's ``__init__`` ->
``scoring``), and ``from qbench_portrait_lib.scoring.api import x`` becomes
``from .scoring_api import x``. Nothing else in a module changes. The modules are found
by following the imports (top-level and inside functions), never from a hand-kept list.

>>> sibling_name("qbench_portrait_lib.scoring.extract_fast")
'scoring_extract_fast'
>>> rewrite_imports("from qbench_portrait_lib.contract.about import CITATION as C\\n", "x.py")
'from .contract_about import CITATION as C\\n'
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from qbench_portrait_lib.contract.errors import QBenchError

ROOT_PACKAGE = "qbench_portrait_lib"
_FROM_PACKAGE = re.compile(rf"from\s+({ROOT_PACKAGE}(?:\.\w+)*)\s+import\b")


class ExportError(QBenchError):
    """The metric cannot be exported as asked (a module that cannot be a flat sibling, a bad name)."""


@dataclass(frozen=True)
class PackageImport:
    """One ``from qbench_portrait_lib... import ...`` statement of a source file."""

    module: str
    line: int
    column: int


def sibling_name(module: str) -> str:
    """The flat file name (without ``.py``) of one of this package's modules."""
    parts = module.split(".")
    if parts[0] != ROOT_PACKAGE or len(parts) < 2:
        raise ExportError(f"expected a module inside {ROOT_PACKAGE}, got {module!r}")
    return "_".join(parts[1:])


def module_file(module: str) -> Path:
    """The source file of ``module`` (a package's ``__init__.py``); ExportError if it has none."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        raise ExportError(f"cannot find the source file of {module!r}")
    return Path(spec.origin)


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def package_imports(source: str, filename: str) -> list[PackageImport]:
    """Every import of this package in ``source``; ExportError for forms a flat folder cannot hold.

    Supported: ``from qbench_portrait_lib.a.b import name [as alias], ...`` (also inside
    functions and parenthesized over several lines), where no imported name is a module.
    """
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        where = f"{filename}, line {getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == ROOT_PACKAGE:
                    raise ExportError(
                        f"{where}: `import {alias.name}` cannot be exported; "
                        f"expected `from {alias.name} import NAME`"
                    )
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                raise ExportError(f"{where}: relative import; expected `from {ROOT_PACKAGE}... import`")
            if node.module is None or node.module.split(".")[0] != ROOT_PACKAGE:
                continue
            submodules = [a.name for a in node.names if _is_module(f"{node.module}.{a.name}")]
            if submodules or node.module == ROOT_PACKAGE:
                raise ExportError(
                    f"{where}: `from {node.module} import {', '.join(a.name for a in node.names)}` "
                    "imports a module or the package root; expected names from a module of a room"
                )
            found.append(PackageImport(node.module, node.lineno, node.col_offset))
    return found


def third_party_imports(source: str, filename: str) -> set[str]:
    """Top-level names of the modules ``source`` imports that are neither stdlib nor this package."""
    names = set()
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in (ROOT_PACKAGE, "__future__")}


def rewrite_imports(source: str, filename: str) -> str:
    """``source`` with each import of this package turned into a relative sibling import."""
    lines = source.splitlines(keepends=True)
    for site in package_imports(source, filename):
        line = lines[site.line - 1]
        head, tail = line[: site.column], line[site.column :]
        match = _FROM_PACKAGE.match(tail)
        if match is None or match.group(1) != site.module:
            raise ExportError(
                f"{filename}, line {site.line}: expected `from {site.module} import` to start there, "
                f"got {tail.strip()[:80]!r}"
            )
        lines[site.line - 1] = f"{head}from .{sibling_name(site.module)} import{tail[match.end() :]}"
    return "".join(lines)


def collect_modules(entry_source: str, entry_name: str) -> dict[str, Path]:
    """The modules of this package ``entry_source`` needs, directly or through each other.

    Returns ``{dotted name: source file}`` in discovery order (breadth first).
    """
    pending = [site.module for site in package_imports(entry_source, entry_name)]
    found: dict[str, Path] = {}
    while pending:
        module = pending.pop(0)
        if module in found:
            continue
        path = module_file(module)
        found[module] = path
        pending.extend(site.module for site in package_imports(path.read_text(encoding="utf-8"), str(path)))
    names: dict[str, str] = {}
    for module in found:
        other = names.setdefault(sibling_name(module), module)
        if other != module:
            raise ExportError(f"{module} and {other} would both be exported as {sibling_name(module)}.py")
    return found
