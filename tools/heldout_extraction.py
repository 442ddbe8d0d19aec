"""Verdict agreement between the answer extractor and a careful human reader.

    python tools/heldout_extraction.py [PATH] [--by-kind]

``PATH`` (default ``tests/heldout/extraction.jsonl``) holds one JSON object a line:
``id``, ``kind``, ``question``, ``question_type``, ``options``, ``answer`` (the gold
option texts), ``response`` (a model response) and ``human`` (the option texts a careful
human grader reads from the response, or null when it commits to nothing). Each side's
reading gives a verdict against the gold answer: ``correct``, ``incorrect`` or
``unparsed``. The script prints the three-way agreement (same verdict) and the two-way
agreement (both correct, or both not), overall and, with ``--by-kind``, per kind.

The held-out set is written by hand, apart from the known-answer table
(tests/test_extract_known_answers.py); rules are never tuned on it. It is measured with
the rules alone (no reader).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qbench_portrait_lib.scoring.extract import extract_answer

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "tests" / "heldout" / "extraction.jsonl"
_FIELDS = ("id", "kind", "question", "question_type", "options", "answer", "response", "human")


def load_cases(path: Path) -> list[dict[str, Any]]:
    """The cases of ``path``; a malformed line raises ValueError naming the file and line."""
    cases = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                case = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(
                    f"{path}:{number}: expected a JSON object, got {line[:60]!r} ({error})"
                ) from None
            missing = [field for field in _FIELDS if not isinstance(case, dict) or field not in case]
            if missing:
                raise ValueError(f"{path}:{number}: expected the fields {list(_FIELDS)}, missing {missing}")
            human = case["human"]
            if human is not None and not set(human) <= set(case["options"]):
                raise ValueError(f"{path}:{number}: human reading {human!r} is not among {case['options']!r}")
            cases.append(case)
    return cases


def verdict(parsed: Sequence[str] | None, answer: Sequence[str]) -> str:
    """``unparsed``, ``correct`` or ``incorrect``.

    >>> verdict(None, ["A"]), verdict(["B", "A"], ["A", "B"]), verdict(["A"], ["A", "B"])
    ('unparsed', 'correct', 'incorrect')
    """
    if parsed is None:
        return "unparsed"
    return "correct" if set(parsed) == set(answer) else "incorrect"


def agreement(cases: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """{kind or "all": {"n", "three_way", "two_way"}} for the extractor against the human labels."""
    tallies: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for case in cases:
        parsed = extract_answer(case["response"], case["options"], case["question_type"], case["question"])
        ours = verdict(parsed, case["answer"])
        theirs = verdict(case["human"], case["answer"])
        for key in ("all", case["kind"]):
            tally = tallies[key]
            tally[0] += 1
            tally[1] += ours == theirs
            tally[2] += (ours == "correct") == (theirs == "correct")
    return {
        key: {"n": float(n), "three_way": same / n, "two_way": same_correct / n}
        for key, (n, same, same_correct) in tallies.items()
    }


def main(argv: list[str]) -> int:
    arguments = [a for a in argv[1:] if not a.startswith("--")]
    path = Path(arguments[0]) if arguments else DEFAULT_PATH
    figures = agreement(load_cases(path))
    overall = figures.pop("all")
    print(f"{path}: {int(overall['n'])} responses")
    print(f"three-way agreement (correct/incorrect/unparsed): {overall['three_way']:.3f}")
    print(f"two-way agreement (correct/not):                  {overall['two_way']:.3f}")
    if "--by-kind" in argv:
        for kind, row in sorted(figures.items()):
            figures_text = f"three-way {row['three_way']:.3f}  two-way {row['two_way']:.3f}"
            print(f"  {kind:<16} n={int(row['n']):>3}  {figures_text}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
