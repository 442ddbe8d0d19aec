"""Agreement of the open-ended proxy with human grades on the held-out graded set.

Run ``python tools/heldout_open_ended.py [PATH]`` (needs scipy, in the ``test`` extra).
``PATH`` defaults to ``tests/heldout/open_ended_graded.jsonl``: one question a line, with
its reference answer(s) and answers graded 0/1/2 by the judge's rubric
(``qbench_portrait_lib.run.judge_prompt``). The grades were written by hand before the
proxy was built; the proxy is never tuned on them (failing kinds become new unit tests).

It prints Spearman and Kendall correlations between proxy and grade, the mean proxy per
grade, the mean proxy against the mean grade / 2, the share of same-question pairs in
which the better-graded answer scores higher (a tie counts a half), the accuracy of
fixed cut-offs that map the proxy back to a grade, the mean proxy per kind of answer,
then PASS/FAIL per target; the exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from qbench_portrait_lib.scoring.open_ended import proxy_score

logger = logging.getLogger("heldout_open_ended")

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "tests" / "heldout" / "open_ended_graded.jsonl"
#: Cut-offs (low, high): proxy < low -> grade 0, < high -> grade 1, else grade 2.
CUTOFFS: tuple[tuple[float, float], ...] = ((1 / 3, 2 / 3), (0.25, 0.75), (0.2, 0.6))
TARGETS = {"spearman": 0.70, "mean_gap": 0.05, "pairs_1_over_0": 0.75}


class GradedAnswer(NamedTuple):
    """One graded answer with the question it answers."""

    question_id: str
    question: str
    references: tuple[str, ...]
    text: str
    grade: int
    kind: str


def _field(record: dict[str, Any], name: str, kind: type, where: str) -> Any:
    value = record.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(f"{where}: expected {name!r} to be a {kind.__name__}, got {value!r:.80}")
    return value


def _answers_of(record: dict[str, Any], where: str) -> list[GradedAnswer]:
    question_id = _field(record, "id", str, where)
    question = _field(record, "question", str, where)
    references = _field(record, "references", list, where)
    if not references or not all(isinstance(r, str) and r.strip() for r in references):
        raise ValueError(f"{where}: expected 'references' to be non-empty strings, got {references!r:.80}")
    answers = []
    for number, answer in enumerate(_field(record, "answers", list, where)):
        at = f"{where}, answer {number}"
        if not isinstance(answer, dict):
            raise ValueError(f"{at}: expected an object, got {answer!r:.80}")
        grade = _field(answer, "grade", int, at)
        if grade not in (0, 1, 2):
            raise ValueError(f"{at}: expected 'grade' 0, 1 or 2, got {grade!r}")
        text, kind = _field(answer, "text", str, at), _field(answer, "kind", str, at)
        answers.append(GradedAnswer(question_id, question, tuple(references), text, grade, kind))
    return answers


def load_graded(path: Path) -> list[GradedAnswer]:
    """Every graded answer of a JSONL file (one question a line); errors name file and line."""
    answers: list[GradedAnswer] = []
    with path.open(encoding="utf-8") as lines:
        for line_number, line in enumerate(lines, start=1):
            where = f"{path}, line {line_number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{where}: expected one JSON object, got invalid JSON ({error})") from None
            if not isinstance(record, dict):
                raise ValueError(f"{where}: expected one JSON object, got {type(record).__name__}")
            answers.extend(_answers_of(record, where))
    if not answers:
        raise ValueError(f"{path}: expected graded answers, got none")
    return answers


def pair_share(answers: Sequence[GradedAnswer], scores: Sequence[float], low: int, high: int) -> float:
    """Share of same-question (grade ``low``, grade ``high``) pairs the higher grade wins; ties 1/2.

    >>> a = [GradedAnswer("q", "", ("r",), t, g, "") for t, g in (("x", 0), ("y", 1), ("z", 1))]
    >>> pair_share(a, [0.2, 0.5, 0.2], 0, 1)
    0.75
    """
    by_question: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for answer, score in zip(answers, scores, strict=True):
        by_question[answer.question_id][answer.grade].append(score)
    wins = pairs = 0.0
    for grades in by_question.values():
        for better in grades[high]:
            for worse in grades[low]:
                pairs += 1
                wins += 1.0 if better > worse else 0.5 if better == worse else 0.0
    return wins / pairs if pairs else float("nan")


def cutoff_accuracy(grades: Sequence[int], scores: Sequence[float], low: float, high: float) -> float:
    """Share of answers whose proxy, cut at ``low``/``high``, gives back their grade.

    >>> cutoff_accuracy([0, 1, 2, 2], [0.1, 0.5, 0.9, 0.5], 1 / 3, 2 / 3)
    0.75
    """
    predicted = [0 if s < low else 1 if s < high else 2 for s in scores]
    return sum(p == g for p, g in zip(predicted, grades, strict=True)) / len(grades)


def measure(answers: Sequence[GradedAnswer], score: Callable[[GradedAnswer], float]) -> dict[str, float]:
    """Every agreement figure of ``score`` against the human grades."""
    from scipy.stats import kendalltau, spearmanr

    scores = [score(answer) for answer in answers]
    grades = [answer.grade for answer in answers]
    figures = {
        "spearman": float(spearmanr(scores, grades).statistic),
        "kendall": float(kendalltau(scores, grades).statistic),
        "mean_proxy": sum(scores) / len(scores),
        "mean_grade_half": sum(grades) / len(grades) / 2,
        "pairs_1_over_0": pair_share(answers, scores, 0, 1),
        "pairs_2_over_1": pair_share(answers, scores, 1, 2),
        "pairs_2_over_0": pair_share(answers, scores, 0, 2),
    }
    figures["mean_gap"] = abs(figures["mean_proxy"] - figures["mean_grade_half"])
    for grade in (0, 1, 2):
        graded = [s for s, g in zip(scores, grades, strict=True) if g == grade]
        figures[f"mean_proxy_grade_{grade}"] = sum(graded) / len(graded) if graded else float("nan")
    for low, high in CUTOFFS:
        figures[f"cutoff_accuracy_{low:.2f}_{high:.2f}"] = cutoff_accuracy(grades, scores, low, high)
    by_kind: dict[str, list[float]] = defaultdict(list)
    for answer, value in zip(answers, scores, strict=True):
        by_kind[f"kind/{answer.kind}/grade_{answer.grade}"].append(value)
    figures.update({key: sum(v) / len(v) for key, v in sorted(by_kind.items())})
    return figures


def current_proxy(answer: GradedAnswer) -> float:
    """The package's proxy score of one graded answer."""
    return proxy_score(answer.text, answer.references, answer.question)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args(argv)
    answers = load_graded(args.path)
    figures = measure(answers, current_proxy)
    questions = len({a.question_id for a in answers})
    lines = [f"{len(answers)} graded answers to {questions} questions ({args.path.name})"]
    lines += [f"{key:40s} {value:.3f}" for key, value in figures.items()]
    missed = 0
    for key, target in TARGETS.items():
        passed = figures[key] <= target if key == "mean_gap" else figures[key] >= target
        missed += not passed
        relation = "<=" if key == "mean_gap" else ">="
        lines.append(f"{'PASS' if passed else 'FAIL'} {key} {figures[key]:.3f} (target {relation} {target})")
    sys.stdout.write("\n".join(lines) + "\n")
    return 1 if missed else 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    sys.exit(main())
