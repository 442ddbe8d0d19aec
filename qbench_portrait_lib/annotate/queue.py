"""The questions a person answers, in the order they are shown, without the answers.

:class:`QuestionQueue` holds what the page may show of each row (never ``answer``):
the question, its format, the options with the letters the model sees (see
``contract/prompt.py``) and the quality dimension for the progress bar. It reads the
dataset's columns without decoding any image; :meth:`QuestionQueue.image` returns the
stored bytes of one row's portrait, looked up by its position in the queue.

>>> rows = [{"id": "q1", "question": "Sharp?", "question_type": "true_false",
...          "options": ["True", "False"], "quality_dimension": "technical"},
...         {"id": "q2", "question": "Which?", "question_type": "single_choice",
...          "options": ["Low", "High"], "quality_dimension": 2}]
>>> queue = QuestionQueue.from_rows(rows, order="dataset")
>>> [q.id for q in queue], queue[1].choices, queue[1].quality_dimension
(['q1', 'q2'], (('A', 'Low'), ('B', 'High')), 'aesthetic')
>>> queue[0].choices
(('True', 'True'), ('False', 'False'))
>>> [q.id for q in QuestionQueue.from_rows(rows, order="shuffled", seed=3)]
['q2', 'q1']
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qbench_portrait_lib.contract.columns import REFERENCE_COLUMNS, label_name, option_letter
from qbench_portrait_lib.contract.errors import QBenchError

ORDERS: tuple[str, ...] = ("dataset", "shuffled")


@dataclass(frozen=True)
class Question:
    """What the page shows of one row: ``choices`` are (key, option text) pairs.

    The key is the option's letter for single and multiple choice (A, B, ... as in the
    model's prompt), the option text itself ("True"/"False") for true/false, and there
    are no choices for open-ended questions.
    """

    id: str
    row: int  # position in the dataset, to fetch the image
    question: str
    question_type: str
    choices: tuple[tuple[str, str], ...]
    quality_dimension: str

    def as_json(self) -> dict[str, Any]:
        """The question as the page receives it (plain JSON values)."""
        return {
            "id": self.id,
            "question": self.question,
            "question_type": self.question_type,
            "choices": [list(choice) for choice in self.choices],
            "quality_dimension": self.quality_dimension,
        }


def _choices(question_type: str, options: Sequence[str]) -> tuple[tuple[str, str], ...]:
    if question_type == "open_ended":
        return ()
    if question_type == "true_false":
        return tuple((text, text) for text in options)
    return tuple((option_letter(index), text) for index, text in enumerate(options))


def _question(row: Mapping[str, Any], position: int) -> Question:
    where = f"row {position} (id {row.get('id')!r})"
    qtype = label_name("question_type", row["question_type"], where=where)
    return Question(
        id=str(row["id"]),
        row=position,
        question=str(row["question"]),
        question_type=qtype,
        choices=_choices(qtype, [str(option) for option in row.get("options") or []]),
        quality_dimension=label_name("quality_dimension", row["quality_dimension"], where=where),
    )


class QuestionQueue:
    """Questions in presentation order; ``dataset`` holds the undecoded images (an ``image``
    column of ``{"bytes", "path"}`` dicts, as ``datasets.Image(decode=False)`` gives them)."""

    def __init__(self, questions: Sequence[Question], dataset: Any = None) -> None:
        self._questions = tuple(questions)
        self._positions = {question.id: index for index, question in enumerate(self._questions)}
        if len(self._positions) != len(self._questions):
            raise ValueError("the dataset holds duplicate question ids; expected one row per id")
        self._dataset = dataset

    @classmethod
    def from_rows(
        cls, rows: Sequence[Mapping[str, Any]], *, order: str = "dataset", seed: int = 0, dataset: Any = None
    ) -> QuestionQueue:
        """Questions from dataset rows, in dataset order or shuffled by ``seed`` (reproducible)."""
        if order not in ORDERS:
            raise QBenchError(f"order must be one of {list(ORDERS)}, got {order!r}")
        questions = [_question(row, position) for position, row in enumerate(rows)]
        if order == "shuffled":
            random.Random(seed).shuffle(questions)
        return cls(questions, dataset)

    @classmethod
    def from_dataset(cls, dataset: Any, *, order: str = "dataset", seed: int = 0) -> QuestionQueue:
        """Questions of a ``datasets.Dataset`` of the contract (its images stay undecoded)."""
        # every column but the image and the answer: the page must never receive the answer
        rows = dataset.select_columns([name for name in REFERENCE_COLUMNS if name != "answer"]).to_list()
        from datasets import Image as ImageFeature

        images = dataset.select_columns(["image"]).cast_column("image", ImageFeature(decode=False))
        return cls.from_rows(rows, order=order, seed=seed, dataset=images)

    def __len__(self) -> int:
        return len(self._questions)

    def __getitem__(self, index: int) -> Question:
        return self._questions[index]

    def __iter__(self) -> Iterator[Question]:
        return iter(self._questions)

    def position(self, question_id: str) -> int:
        """Index of ``question_id`` in the queue; KeyError naming it when it is not a question."""
        if question_id not in self._positions:
            raise KeyError(f"{question_id!r} is not a question of this dataset")
        return self._positions[question_id]

    def image(self, index: int) -> bytes:
        """The stored bytes of the portrait of the question at ``index`` in the queue."""
        if self._dataset is None:
            raise LookupError("this queue was built without its dataset: it has no images")
        row = self._questions[index].row
        raw = self._dataset[row]["image"]
        if raw.get("bytes"):
            return bytes(raw["bytes"])
        if raw.get("path"):
            with open(raw["path"], "rb") as handle:
                return handle.read()
        raise LookupError(f"question {self._questions[index].id!r} has no image bytes in the dataset")
