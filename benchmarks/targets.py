"""PASS/FAIL per target for the benchmark scripts, and a non-zero exit on a miss.

Each script records its targets with :meth:`Targets.check` and ends with
``sys.exit(targets.report())``: one line per target, then 0 when all passed, 1 otherwise.

>>> targets = Targets()
>>> targets.check("speed vs baseline", 1.8, ">=", 1.0, unit="x")
True
>>> targets.check("peak RSS", 1500, "<", 1024, unit=" MB")
False
>>> targets.report()
PASS  speed vs baseline: 1.8x (target >= 1x)
FAIL  peak RSS: 1500 MB (target < 1024 MB)
1 of 2 targets missed
1
"""

from __future__ import annotations

import operator
from collections.abc import Callable

_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}


class Targets:
    """The targets of one benchmark run and whether each was met."""

    def __init__(self) -> None:
        self.results: list[tuple[bool, str]] = []

    def check(self, name: str, value: float, op: str, bound: float, *, unit: str = "") -> bool:
        """Record whether ``value op bound`` holds; returns it."""
        if op not in _OPERATORS:
            raise ValueError(f"op must be one of {sorted(_OPERATORS)}, got {op!r}")
        passed = bool(_OPERATORS[op](value, bound))
        self.results.append((passed, f"{name}: {value:.4g}{unit} (target {op} {bound:.4g}{unit})"))
        return passed

    def report(self) -> int:
        """Print PASS/FAIL per target and a summary; the exit status (0 all passed, 1 a miss)."""
        for passed, text in self.results:
            print(f"{'PASS' if passed else 'FAIL'}  {text}")
        missed = sum(not passed for passed, _ in self.results)
        print(f"{missed} of {len(self.results)} targets missed" if missed else "all targets met")
        return 1 if missed else 0
