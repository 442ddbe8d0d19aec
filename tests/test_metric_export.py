"""The self-contained metric folder: generated from the package's own files, loadable anywhere.

The slow tests build a fresh virtual environment with only the metric's requirements from
the package index (evaluate, datasets, numpy; never this project), once per session, and
load and doctest the exported folder there.
"""

from __future__ import annotations

import ast
import json
import math
import os
import subprocess
import venv
from pathlib import Path

import evaluate
import evaluate_common_doctest
import pytest
from evaluate.loading import get_imports

from qbench_portrait import METRIC_PATH
from qbench_portrait_lib.baselines import answer_with_baseline
from qbench_portrait_lib.data.loading import load_benchmark
from qbench_portrait_lib.harness.metric_export import (
    SPACE_RUNTIME_PINS,
    SPACE_SDK_VERSION,
    export_metric,
)
from qbench_portrait_lib.harness.module_graph import ExportError, collect_modules

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory):
    return export_metric(tmp_path_factory.mktemp("export") / "qbench_portrait")


@pytest.fixture(scope="module")
def sample_inputs() -> tuple[list[str], list[dict]]:
    """The embedded sample with a mix of right, random and unusable responses."""
    rows = list(load_benchmark(None).remove_columns("image"))
    responses = answer_with_baseline("random", rows, seed=3)
    for index, row in enumerate(rows):
        if index % 4 == 0 and row["question_type"] != 3:
            responses[index] = ", ".join(chr(65 + row["options"].index(a)) for a in row["answer"])
        elif index % 9 == 0:
            responses[index] = "Hard to say."
    return responses, rows


def _undo_rewrite(text: str, exported_siblings: set[str]) -> str:
    for sibling in sorted(exported_siblings, key=len, reverse=True):
        room, _, rest = sibling.partition("_")
        dotted = f"qbench_portrait_lib.{room}" + (f".{rest}" if rest else "")
        text = text.replace(f"from .{sibling} import", f"from {dotted} import")
    return text


def test_siblings_are_the_package_files_with_only_their_imports_rewritten(exported) -> None:
    assert exported.siblings, "no sibling modules exported"
    for sibling, source in exported.siblings.items():
        written = (exported.out_dir / f"{sibling}.py").read_text(encoding="utf-8")
        original = source.read_text(encoding="utf-8")
        assert _undo_rewrite(written, set(exported.siblings)) == original, sibling
        assert not _absolute_package_imports(written), sibling


def _absolute_package_imports(source: str) -> list[int]:
    """Lines importing qbench_portrait_lib (docstring examples may still name it)."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("qbench_portrait_lib"))
        or (
            isinstance(node, ast.Import) and any(a.name.startswith("qbench_portrait_lib") for a in node.names)
        )
    ]


def test_the_modules_are_found_by_following_imports(exported) -> None:
    names = set(exported.siblings)
    assert {"scoring_api", "scoring_extract", "scoring_extract_letters", "contract_columns"} <= names
    # never more than the scorer needs: no data, run, report or baseline module
    assert all(name.split("_")[0] in ("scoring", "contract") for name in names), names
    assert sorted(exported.siblings.values()) == sorted(
        collect_modules(Path(METRIC_PATH).read_text(encoding="utf-8"), "m").values()
    )
    # closed under imports: every relative import of every exported file names an exported sibling
    for path in exported.out_dir.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        relative = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level}
        assert relative <= names, (path.name, relative - names)
    only_extract = collect_modules("from qbench_portrait_lib.scoring.extract import extract_answer\n", "x")
    assert "qbench_portrait_lib.scoring.extract_letters" in only_extract
    assert "qbench_portrait_lib.scoring.api" not in only_extract


def test_evaluate_copies_every_sibling_and_needs_only_the_requirements(exported) -> None:
    imports = get_imports(str(exported.module))
    internal = {name for kind, name, _, _ in imports if kind == "internal"}
    assert internal == set(exported.siblings)
    assert all(kind in ("internal", "library") for kind, *_ in imports), imports
    library = {name for kind, name, _, _ in imports if kind == "library"}
    assert library == {"datasets", "evaluate"}
    requirements = (exported.out_dir / "requirements.txt").read_text(encoding="utf-8").split()
    assert requirements == [*exported.requirements, *SPACE_RUNTIME_PINS]
    assert [r.split(">=")[0] for r in exported.requirements] == ["datasets", "evaluate", "numpy"]
    assert not any("qbench" in line for line in requirements)


def test_card_and_app_are_ready_for_a_space(exported) -> None:
    card = (exported.out_dir / "README.md").read_text(encoding="utf-8")
    header = card.split("\n---\n", 1)[0]
    assert f"sdk_version: {SPACE_SDK_VERSION}" in header.splitlines()
    assert "app_file: app.py" in header.splitlines()
    app = (exported.out_dir / "app.py").read_text(encoding="utf-8")
    assert 'with_name("qbench_portrait.py")' in app and "launch_gradio_widget(module)" in app
    compile(app, "app.py", "exec")


def test_the_folder_loads_and_scores_like_the_package_metric(exported, sample_inputs, tmp_path) -> None:
    responses, rows = sample_inputs
    ours = evaluate.load(METRIC_PATH, cache_dir=str(tmp_path / "a"))
    theirs = evaluate.load(str(exported.out_dir), cache_dir=str(tmp_path / "b"))
    assert type(theirs).__module__.endswith(".qbench_portrait") and "_metric" not in type(theirs).__module__
    expected = ours.compute(predictions=responses, references=rows)
    assert _same(theirs.compute(predictions=responses, references=rows), expected)


def test_the_doctest_step_of_evaluates_common_test_passes_here(exported) -> None:
    import doctest

    results = evaluate_common_doctest.run(exported.out_dir)
    assert results.failed == 0 and results.attempted >= 6
    assert doctest.ELLIPSIS_MARKER == "..."  # restored for the doctests that run after this one


def test_the_doctest_step_fails_on_a_wrong_example(exported, tmp_path) -> None:
    broken = tmp_path / "qbench_portrait"
    export_metric(broken)
    module = broken / "qbench_portrait.py"
    text = module.read_text(encoding="utf-8")
    module.write_text(text.replace("(1.0, 1.0, 0.0)", "(0.9, 1.0, 0.0)", 1), encoding="utf-8")
    with pytest.raises(AssertionError, match=r"expected: \(0\.9, 1\.0, 0\.0\)"):
        evaluate_common_doctest.run(broken)


def test_export_refuses_bad_names_and_foreign_folders(tmp_path) -> None:
    with pytest.raises(ExportError, match=r"expected letters, digits, '_' or '-' .* got 'q.b'"):
        export_metric(tmp_path / "q.b")
    with pytest.raises(ExportError, match=r"'scoring_api' is the name of a sibling module"):
        export_metric(tmp_path / "scoring_api")
    (tmp_path / "qbench_portrait").mkdir()
    (tmp_path / "qbench_portrait" / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError, match=r"is not empty: pass overwrite=True"):
        export_metric(tmp_path / "qbench_portrait")
    with pytest.raises(FileExistsError, match=r"holds no qbench_portrait.py: refusing"):
        export_metric(tmp_path / "qbench_portrait", overwrite=True)
    assert (tmp_path / "qbench_portrait" / "notes.txt").read_text() == "mine"


def _same(actual: dict, expected: dict) -> bool:
    assert actual.keys() == expected.keys()
    for key, value in expected.items():
        assert actual[key] == value or (math.isnan(value) and math.isnan(actual[key])), key
    return True


# ---- a fresh environment without this project ---------------------------------------------


@pytest.fixture(scope="session")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv holding the metric's requirements from the package index and nothing of ours."""
    folder = tmp_path_factory.mktemp("bare-venv")
    venv.create(folder, with_pip=True)
    python = folder / "bin" / "python"
    requirements = export_metric(tmp_path_factory.mktemp("reqs") / "qbench_portrait").requirements
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", *requirements], check=True, capture_output=True
    )
    return python


def _run_bare(python: Path, args: list[str], cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["HF_HOME"] = str(cwd / "hf-home")
    result = subprocess.run(
        [str(python), *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


_SCORE_IN_BARE_VENV = """
import json, sys
import evaluate
try:
    import qbench_portrait_lib
except ImportError:
    pass
else:
    sys.exit("qbench_portrait_lib is importable: not a bare environment")
metric = evaluate.load(sys.argv[1])
with open(sys.argv[2], encoding="utf-8") as f:
    inputs = json.load(f)
result = metric.compute(predictions=inputs["predictions"], references=inputs["references"])
print(json.dumps(result))
"""


@pytest.mark.slow
def test_the_folder_scores_in_an_environment_without_the_package(
    bare_python, exported, sample_inputs, tmp_path
) -> None:
    responses, rows = sample_inputs
    (tmp_path / "inputs.json").write_text(json.dumps({"predictions": responses, "references": rows}))
    (tmp_path / "score.py").write_text(_SCORE_IN_BARE_VENV)
    out = _run_bare(bare_python, ["score.py", str(exported.out_dir), "inputs.json"], tmp_path)
    result = json.loads(out)
    expected = evaluate.load(METRIC_PATH, cache_dir=str(tmp_path / "c")).compute(
        predictions=responses, references=rows
    )
    assert _same(result, expected)
    assert 0.0 < result["overall"] < 1.0 and result["parse_failures"] > 0


@pytest.mark.slow
def test_the_doctests_pass_in_an_environment_without_the_package(bare_python, exported, tmp_path) -> None:
    script = HERE / "evaluate_common_doctest.py"
    out = _run_bare(bare_python, [str(script), str(exported.out_dir)], tmp_path)
    attempted = int(out.split("attempted=")[1].split()[0])
    assert "failed=0" in out and attempted >= 6
