"""The wheel's layout: the metric and the card travel inside the package, never as `metric`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = tmp_path_factory.mktemp("build")
    # --no-build-isolation: no network; the test extra brings setuptools and wheel.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
        ],
        check=True,
        cwd=build,
        capture_output=True,
    )
    (path,) = out.glob("qbench_portrait-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def test_wheel_has_no_top_level_metric_module(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top_level == {"qbench_portrait.py", "qbench_portrait_lib"}
    assert "qbench_portrait_lib/_metric/qbench_portrait.py" in names
    assert "qbench_portrait_lib/_metric/README.md" in names
    assert any(name.startswith("qbench_portrait_lib/_dataset_card/") for name in names)
    assert "qbench_portrait_lib/py.typed" in names


def test_wheel_carries_the_annotation_page(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("index.html", "app.js", "app.css"):
        assert f"qbench_portrait_lib/annotate/static/{name}" in names


def test_wheel_declares_the_console_script(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    (entry_points,) = [n for n in archive.namelist() if n.endswith("entry_points.txt")]
    assert "qbench-portrait = qbench_portrait_lib.cli:main" in archive.read(entry_points).decode()


def _run_installed(installed: Path, code: str, tmp_path: Path) -> str:
    env = dict(os.environ, PYTHONPATH=str(installed), HF_HOME=str(tmp_path / "hf"))
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_metric_path_points_into_the_installed_copy(installed: Path, tmp_path: Path) -> None:
    out = _run_installed(installed, "import qbench_portrait as q; print(q.METRIC_PATH)", tmp_path)
    assert Path(out.strip()) == installed / "qbench_portrait_lib" / "_metric" / "qbench_portrait.py"


def test_evaluate_loads_the_installed_metric(installed: Path, tmp_path: Path) -> None:
    code = (
        "import json, evaluate, qbench_portrait as q\n"
        "m = evaluate.load(q.METRIC_PATH)\n"
        "ref = {'id': 'q1', 'image_id': 'i1', 'question': 'Is it sharp?', 'question_type': 'true_false',\n"
        "       'options': ['True', 'False'], 'answer': ['True'], 'quality_dimension': 'technical',\n"
        "       'image_source': 'natural', 'level': 'global', 'attribute': 'blur', 'region': ''}\n"
        "r = m.compute(predictions=['True'], references=[ref])\n"
        "print(json.dumps({'overall': r['overall'], 'count': r['count']}))\n"
    )
    out = _run_installed(installed, code, tmp_path)
    assert json.loads(out.strip().splitlines()[-1]) == {"overall": 1.0, "count": 1.0}
