"""Inter-annotator agreement per question type: Krippendorff's alpha.

Alpha is 1 - observed disagreement / disagreement expected by chance: 1 is perfect
agreement, 0 is what annotators answering at random with the same answer frequencies
would reach, below 0 is systematic disagreement. It allows missing answers and any number
of annotators. The values compared:

- closed formats: the selected option set (nominal: two answers agree only when they
  select exactly the same options, the same notion as exact-match scoring);
- open-ended: each annotator's item score (interval: the proxy or judge score), since
  free text has no categories.

Computed with the ``krippendorff`` package. ``alpha`` is NaN when it is undefined: fewer
than two annotators answered any one question, or every answer is the same (then
``note`` says which). ``percent_agreement`` is the share of agreeing annotator pairs over
the questions answered by at least two (closed formats only).

>>> refs = [{"id": f"q{i}", "image_id": f"i{i}", "question": "Sharp?", "question_type": "true_false",
...          "options": ["True", "False"], "answer": ["True"], "quality_dimension": "technical",
...          "image_source": "natural", "level": "global", "attribute": "blur", "region": ""}
...         for i in range(4)]
>>> result = agreement_by_type({"a": ["True", "False", "True", "False"],
...                             "b": ["True", "False", "True", "True"]}, refs)
>>> row = result["true_false"]
>>> round(row["alpha"], 3), row["percent_agreement"], row["questions"], row["annotators"]
(0.533, 0.75, 4, 2)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np

from qbench_portrait_lib.contract.columns import QUESTION_TYPES
from qbench_portrait_lib.scoring.api import check_predictions, score_items
from qbench_portrait_lib.scoring.references import normalize_references


def krippendorff_alpha(matrix: np.ndarray, level: str) -> tuple[float, str]:
    """Alpha of an annotators x questions matrix (NaN = no answer), and a note when undefined.

    >>> krippendorff_alpha(np.array([[1.0, 2.0], [1.0, 2.0]]), "nominal")
    (1.0, '')
    >>> krippendorff_alpha(np.array([[1.0, 1.0], [1.0, 1.0]]), "nominal")
    (nan, 'every answer is the same: agreement is perfect but alpha is undefined')
    """
    import krippendorff

    pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
    if not pairable.any():
        return math.nan, "no question was answered by two annotators"
    values = matrix[:, pairable]
    if len(np.unique(values[~np.isnan(values)])) < 2:
        return math.nan, "every answer is the same: agreement is perfect but alpha is undefined"
    return float(krippendorff.alpha(reliability_data=values, level_of_measurement=level)), ""


def _pair_agreement(matrix: np.ndarray) -> float:
    agreeing = total = 0
    for column in matrix.T:
        answered = column[~np.isnan(column)]
        for first, second in combinations(answered, 2):
            total += 1
            agreeing += int(first == second)
    return agreeing / total if total else math.nan


def agreement_by_type(
    responses: Mapping[str, Sequence[str | None]], references: Sequence[Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Per question type: ``alpha``, ``level``, ``percent_agreement``, ``questions``,
    ``annotators`` and ``note``.

    ``responses`` maps each annotator to responses aligned with ``references``;
    ``questions`` counts the questions of the type answered by at least two annotators.
    """
    if len(responses) < 2:
        raise ValueError(f"agreement needs at least two annotators, got {len(responses)}")
    records = normalize_references(references)
    scored = [score_items(check_predictions(answers, records), records) for answers in responses.values()]
    codes: dict[tuple[str, ...], int] = {}
    result: dict[str, dict[str, Any]] = {}
    for qtype in QUESTION_TYPES:
        positions = [i for i, record in enumerate(records) if record.question_type == qtype]
        if not positions:
            continue
        matrix = np.full((len(scored), len(positions)), np.nan)
        for row, items in enumerate(scored):
            for column, position in enumerate(positions):
                item = items[position]
                if qtype == "open_ended":
                    response = list(responses.values())[row][position]
                    matrix[row, column] = item.score if response and response.strip() else np.nan
                elif item.parsed is not None:
                    matrix[row, column] = codes.setdefault(tuple(sorted(item.parsed)), len(codes))
        level = "interval" if qtype == "open_ended" else "nominal"
        alpha, note = krippendorff_alpha(matrix, level)
        result[qtype] = {
            "alpha": alpha,
            "level": level,
            "percent_agreement": math.nan if qtype == "open_ended" else _pair_agreement(matrix),
            "questions": int(((~np.isnan(matrix)).sum(axis=0) >= 2).sum()),
            "annotators": len(scored),
            "note": note,
        }
    return result
