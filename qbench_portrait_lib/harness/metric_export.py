"""Export the evaluate metric as a self-contained folder (a Hub Space needs nothing else).

``export_metric(DIR)`` writes, generated at export time from this package's own files:

- ``DIR/<name>.py``: ``metric/qbench_portrait.py`` with its imports of this package turned
  into sibling imports, plus one relative import line per further module the scorer needs
  (evaluate copies a sibling along only when the main module imports it, one import a line);
- one sibling module per module of this package the metric reaches through imports
  (``scoring_api.py``, ``contract_columns.py``...), each the package's file byte for byte
  except for its import lines (see :mod:`qbench_portrait_lib.harness.module_graph`);
- ``README.md`` (the metric card, whose YAML pins the Gradio ``sdk_version`` that
  ``evaluate.utils.launch_gradio_widget`` is written for), ``app.py`` for the Space, and
  ``requirements.txt`` naming the third-party packages the modules import, with this
  package's own version floors.

``<name>`` is the folder's name: ``evaluate.load(DIR)`` loads ``DIR/<name>.py``, and a
Space ``ORG/<name>`` serves ``<name>.py``.

>>> check_metric_name("qbench_portrait")
'qbench_portrait'
>>> check_metric_name("qbench.portrait")
Traceback (most recent call last):
...
qbench_portrait_lib.harness.module_graph.ExportError: the metric folder's name becomes the module name ...
"""

from __future__ import annotations

import ast
import importlib.metadata
import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from qbench_portrait_lib.harness.module_graph import (
    ExportError,
    collect_modules,
    package_imports,
    rewrite_imports,
    sibling_name,
    third_party_imports,
)
from qbench_portrait_lib.resources import metric_script

logger = logging.getLogger(__name__)

#: The name the metric's docs use in ``evaluate.load("qbench_portrait")``, as evaluate's metrics do.
DEFAULT_NAME = "qbench_portrait"
_LOAD_EXAMPLE = f'evaluate.load("{DEFAULT_NAME}")'
_NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_GENERATED_FILES = ("README.md", "app.py", "requirements.txt")

#: The Gradio the card's ``sdk_version`` pins: evaluate's ``launch_gradio_widget`` uses Gradio 3's
#: ``gr.inputs``, and evaluate's own metric cards pin this release.
SPACE_SDK_VERSION = "3.19.1"
#: What that Gradio needs beside it on a current index: with FastAPI >= 0.100 (Starlette >= 0.28)
#: its page template fails to render and the app stops at launch (checked with gradio==3.19.1).
SPACE_RUNTIME_PINS = ("fastapi<0.100",)
_SDK_VERSION_LINE = re.compile(r"^sdk_version:\s*(\S+)\s*$", re.MULTILINE)

_APP = '''\
"""The Space's widget: evaluate's Gradio 3 interface (see sdk_version in README.md)."""

from pathlib import Path

import evaluate
from evaluate.utils import launch_gradio_widget

module = evaluate.load(str(Path(__file__).with_name("{name}.py")))
launch_gradio_widget(module)
'''


@dataclass
class MetricExport:
    """What ``export_metric`` wrote."""

    out_dir: Path
    module: Path
    siblings: dict[str, Path]  # sibling module name -> the package file it was generated from
    requirements: list[str]  # what the modules import (requirements.txt adds SPACE_RUNTIME_PINS)

    def summary(self) -> str:
        """One human line, e.g. for the CLI."""
        return (
            f"wrote the metric {self.module.name} with {len(self.siblings)} sibling module(s) "
            f"to {self.out_dir}; load it with evaluate.load({str(self.out_dir)!r})"
        )


def check_metric_name(name: str) -> str:
    """``name`` if it can be the module's name (the folder and the Space are named after it)."""
    if _NAME_PATTERN.fullmatch(name) is None:
        raise ExportError(
            f"the metric folder's name becomes the module name {name}.py: expected letters, digits, "
            f"'_' or '-' (e.g. {DEFAULT_NAME}), got {name!r}"
        )
    return name


def requirements_for(imports: set[str]) -> list[str]:
    """The distributions serving ``imports``, each with this package's own version floor."""
    providers = importlib.metadata.packages_distributions()
    declared = {}
    for requirement in importlib.metadata.requires("qbench-portrait") or []:
        if "extra ==" in requirement:
            continue
        name = re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]
        declared[name.lower().replace("_", "-")] = requirement
    lines = []
    for module in sorted(imports):
        distributions = providers.get(module, [])
        found = [declared[d.lower().replace("_", "-")] for d in distributions if d.lower() in declared]
        if not found:
            raise ExportError(
                f"the metric imports {module!r}, which is not a declared dependency of qbench-portrait "
                f"(provided by {distributions or 'no installed distribution'})"
            )
        lines.append(found[0])
    return sorted(set(lines))


def _main_module(source: str, siblings: list[str], name: str) -> str:
    """The metric module: sibling imports rewritten, the other needed siblings imported after them."""
    direct = {sibling_name(site.module) for site in package_imports(source, "metric")}
    rewritten = rewrite_imports(source, "metric/qbench_portrait.py")
    if _LOAD_EXAMPLE not in rewritten:
        raise ExportError(f"expected the metric's examples to call {_LOAD_EXAMPLE}")
    rewritten = rewritten.replace(_LOAD_EXAMPLE, f'evaluate.load("{name}")')
    extra = [
        f"from .{sibling} import __name__ as _{sibling}_module\n"
        for sibling in siblings
        if sibling not in direct
    ]
    if not extra:
        return rewritten
    body = ast.parse(rewritten).body
    last_import = max(n.end_lineno for n in body if isinstance(n, (ast.Import, ast.ImportFrom)))
    lines = rewritten.splitlines(keepends=True)
    # evaluate reads any comment on an import line as a "# From: URL" to download: none there
    note = "# evaluate copies a sibling module along only when this file imports it, one import a line:\n"
    return "".join([*lines[:last_import], note, *extra, *lines[last_import:]])


def _checked_card(card_path: Path) -> str:
    """The metric card, after checking its YAML pins the Gradio the Space app is written for."""
    card = card_path.read_text(encoding="utf-8")
    header = card.split("\n---\n", 1)[0] if card.startswith("---\n") else ""
    match = _SDK_VERSION_LINE.search(header)
    pinned = match.group(1).strip("'\"") if match else None
    if pinned != SPACE_SDK_VERSION:
        raise ExportError(
            f"{card_path}: expected `sdk_version: {SPACE_SDK_VERSION}` in the YAML header "
            f"(the Gradio evaluate's widget runs on), got {pinned!r}"
        )
    return card


def _prepare_out(out: Path, overwrite: bool) -> None:
    if out.exists() and any(out.iterdir()):
        if not overwrite:
            raise FileExistsError(f"{out} is not empty: pass overwrite=True (--overwrite) to replace it")
        if not (out / f"{out.name}.py").is_file():
            raise FileExistsError(f"{out} is not empty and holds no {out.name}.py: refusing to replace it")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def export_metric(out_dir: str | Path, *, overwrite: bool = False) -> MetricExport:
    """Write the self-contained metric folder ``out_dir`` (see the module docstring)."""
    out = Path(out_dir)
    name = check_metric_name(out.name)
    script = metric_script()
    source = script.read_text(encoding="utf-8")
    modules = collect_modules(source, str(script))
    if name in {sibling_name(m) for m in modules}:
        raise ExportError(f"{name!r} is the name of a sibling module: name the folder {DEFAULT_NAME}")
    _prepare_out(out, overwrite)
    imports = third_party_imports(source, str(script))
    siblings = {}
    for module, path in modules.items():
        text = path.read_text(encoding="utf-8")
        imports |= third_party_imports(text, str(path))
        (out / f"{sibling_name(module)}.py").write_text(rewrite_imports(text, str(path)), encoding="utf-8")
        siblings[sibling_name(module)] = path
    module_path = out / f"{name}.py"
    module_path.write_text(_main_module(source, list(siblings), name), encoding="utf-8")
    card = _checked_card(script.with_name("README.md"))
    (out / "README.md").write_text(card.replace(_LOAD_EXAMPLE, f'evaluate.load("{name}")'), encoding="utf-8")
    (out / "app.py").write_text(_APP.format(name=name), encoding="utf-8")
    requirements = requirements_for(imports)
    lines = [*requirements, *SPACE_RUNTIME_PINS]
    (out / "requirements.txt").write_text("".join(f"{r}\n" for r in lines), encoding="utf-8")
    logger.info("exported the metric with %d sibling modules to %s", len(siblings), out)
    return MetricExport(out, module_path, siblings, requirements)


def exported_files(out_dir: str | Path) -> list[Path]:
    """The files a metric export folder holds (what a Space push uploads)."""
    out = Path(out_dir)
    return sorted({*out.glob("*.py"), *(out / f for f in _GENERATED_FILES if (out / f).is_file())})
