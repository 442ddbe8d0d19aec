"""What the page's progress bar shows, and an answer read back into the page's form.

>>> from qbench_portrait_lib.annotate.queue import Question
>>> tf = Question("q3", 2, "The eyes are sharp.", "true_false",
...               (("True", "True"), ("False", "False")), "aigc")
>>> page_answer(tf, "False")
{'choice': ['False']}
>>> mc = Question("q2", 1, "Which?", "multiple_choice", (("A", "Eyes"), ("B", "Hair")), "technical")
>>> page_answer(mc, "A, B")
{'choice': ['A', 'B']}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qbench_portrait_lib.annotate.queue import Question, QuestionQueue
from qbench_portrait_lib.contract.columns import QUALITY_DIMENSIONS
from qbench_portrait_lib.run.predictions import PredictionRecord


def page_answer(question: Question, response: str | None) -> dict[str, Any] | None:
    """The page's form of a written response (``None`` when the question has none)."""
    if response is None:
        return None
    if question.question_type == "open_ended":
        return {"text": response}
    if question.question_type == "multiple_choice":
        return {"choice": [key.strip() for key in response.split(",")]}
    return {"choice": [response]}


def progress(
    queue: QuestionQueue, records: Mapping[str, PredictionRecord], *, after: int = -1
) -> dict[str, Any]:
    """Answered / total overall and per quality dimension, and where to go.

    ``resume_at`` is the first unanswered question (``total`` when all are answered);
    ``next`` the first unanswered one after index ``after``, else ``resume_at``.

    >>> from qbench_portrait_lib.annotate.queue import QuestionQueue
    >>> queue = QuestionQueue.from_rows([
    ...     {"id": "q1", "question": "?", "question_type": "open_ended", "options": [],
    ...      "quality_dimension": "technical"},
    ...     {"id": "q2", "question": "?", "question_type": "open_ended", "options": [],
    ...      "quality_dimension": "aigc"}])
    >>> state = progress(queue, {"q2": PredictionRecord(id="q2", response="ok")})
    >>> state["answered"], state["total"], state["resume_at"], state["dimensions"]["aigc"]
    (1, 2, 0, {'answered': 1, 'total': 1})
    >>> progress(queue, {"q2": PredictionRecord(id="q2", response="ok")}, after=0)["next"]
    0
    """
    dimensions = {name: {"answered": 0, "total": 0} for name in QUALITY_DIMENSIONS}
    resume_at = next_after = len(queue)
    for index, question in enumerate(queue):
        cell = dimensions[question.quality_dimension]
        cell["total"] += 1
        if question.id in records:
            cell["answered"] += 1
            continue
        resume_at = min(resume_at, index)
        if index > after:
            next_after = min(next_after, index)
    return {
        "answered": sum(cell["answered"] for cell in dimensions.values()),
        "total": len(queue),
        "resume_at": resume_at,
        "next": next_after if next_after < len(queue) else resume_at,
        "dimensions": {name: cell for name, cell in dimensions.items() if cell["total"]},
    }
