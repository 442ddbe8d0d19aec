"""The benchmarks' PASS/FAIL reporting: a missed target is printed as FAIL and exits non-zero."""

from __future__ import annotations

import doctest
import importlib.util
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load_targets():
    spec = importlib.util.spec_from_file_location("bench_targets", BENCHMARKS / "targets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_miss_is_a_fail_line_and_a_non_zero_status(capsys):
    targets = load_targets().Targets()
    targets.check("ratio", 0.12, ">=", 0.5)
    targets.check("bytes", 1.0003, "<=", 1.05)
    assert targets.report() == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "FAIL  ratio: 0.12 (target >= 0.5)",
        "PASS  bytes: 1 (target <= 1.05)",
        "1 of 2 targets missed",
    ]
    passing = load_targets().Targets()
    passing.check("bytes", 1.0, "<=", 1.05)
    assert passing.report() == 0


def test_every_benchmark_reports_its_targets_and_exits_with_the_status():
    module = load_targets()
    assert doctest.testmod(module).failed == 0
    for script in sorted(BENCHMARKS.glob("bench_*.py")):
        text = script.read_text(encoding="utf-8")
        assert "targets.check(" in text and "return targets.report()" in text, script.name
        assert "sys.exit(main(" in text, script.name
