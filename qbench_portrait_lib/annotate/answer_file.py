"""The annotator's answers: a predictions JSONL that ``score`` and ``compare`` read as is.

Each line is a :class:`~qbench_portrait_lib.run.predictions.PredictionRecord` with
``model`` = ``human:NAME``, ``response`` written the way the model is asked to answer
(a letter; letters joined by ", "; ``True``/``False``; the text), ``latency_s`` = the
seconds spent on the question over all visits, and ``prompt_version`` = the prompt whose
option order and letters the page showed.

One line per question: ``read_predictions`` refuses a second answer for an id, so a
changed answer is not appended. Every answer rewrites the whole file into a temporary
file in the same folder, fsyncs it and moves it over the old one with ``os.replace``
(atomic): a kill at any moment leaves either the old or the new file, both valid.

>>> from qbench_portrait_lib.annotate.queue import Question
>>> mc = Question("q2", 1, "Which regions are noisy?", "multiple_choice",
...               (("A", "Eyes"), ("B", "Hair"), ("C", "Background")), "technical")
>>> format_response(mc, {"choice": ["C", "A"]})
'A, C'
>>> format_response(mc, {"choice": ["D"]})
Traceback (most recent call last):
...
qbench_portrait_lib.annotate.answer_file.AnswerError: question 'q2' (multiple_choice): \
expected choices among ['A', 'B', 'C'], got ['D']
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from qbench_portrait_lib.annotate.queue import Question, QuestionQueue
from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.contract.prompt import PROMPT_VERSION
from qbench_portrait_lib.run.predictions import PredictionRecord, read_predictions

#: Longest open-ended answer accepted (characters).
MAX_TEXT = 4000
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class AnswerError(QBenchError):
    """An answer the page sent that does not fit its question."""


def check_annotator(name: str) -> str:
    """The annotator's name: letters, digits, ``_``, ``.``, ``-`` (1-64 characters).

    >>> check_annotator("ann-1")
    'ann-1'
    >>> check_annotator("a b")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qbench_portrait_lib.contract.errors.QBenchError: annotator name must be 1-64 ... got 'a b'
    """
    if not _NAME.fullmatch(name):
        raise QBenchError(
            "annotator name must be 1-64 letters, digits, '_', '.' or '-' (starting with a letter or digit), "
            f"got {name!r}"
        )
    return name


def model_name(annotator: str) -> str:
    """The ``model`` field of an annotator's lines.

    >>> model_name("ann1")
    'human:ann1'
    """
    return f"human:{check_annotator(annotator)}"


def _closed_response(question: Question, choice: Any) -> str:
    keys = [key for key, _ in question.choices]
    where = f"question {question.id!r} ({question.question_type})"
    if not isinstance(choice, list) or not all(isinstance(key, str) for key in choice):
        raise AnswerError(f"{where}: expected 'choice' to be a list of strings, got {choice!r:.80}")
    if not choice or any(key not in keys for key in choice) or len(set(choice)) != len(choice):
        raise AnswerError(f"{where}: expected choices among {keys}, got {choice!r:.80}")
    if question.question_type != "multiple_choice" and len(choice) != 1:
        raise AnswerError(f"{where}: expected exactly one choice, got {choice!r:.80}")
    return ", ".join(key for key in keys if key in choice)


def format_response(question: Question, payload: Mapping[str, Any]) -> str:
    """The response line for ``payload`` (``{"choice": [keys]}`` or ``{"text": str}``).

    >>> from qbench_portrait_lib.annotate.queue import Question
    >>> oe = Question("q4", 3, "Describe the blur.", "open_ended", (), "technical")
    >>> format_response(oe, {"text": "The hair is soft."})
    'The hair is soft.'
    """
    if question.question_type != "open_ended":
        return _closed_response(question, payload.get("choice"))
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip():
        raise AnswerError(
            f"question {question.id!r} (open_ended): expected a non-empty 'text', got {text!r:.80}"
        )
    if len(text) > MAX_TEXT:
        raise AnswerError(
            f"question {question.id!r} (open_ended): answer is {len(text)} characters, over {MAX_TEXT}"
        )
    return text


def check_latency(value: Any) -> float:
    """Seconds spent on a visit: a finite number >= 0.

    >>> check_latency(2)
    2.0
    >>> check_latency(-1)
    Traceback (most recent call last):
    ...
    qbench_portrait_lib.annotate.answer_file.AnswerError: expected 'latency_s' to be a finite number >= 0, \
got -1
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value < 0
    ):
        raise AnswerError(f"expected 'latency_s' to be a finite number >= 0, got {value!r:.40}")
    return float(value)


class AnswerFile:
    """The answers of one annotator on one queue, kept on disk after every change."""

    def __init__(self, path: str | os.PathLike[str], annotator: str, queue: QuestionQueue) -> None:
        self.path = Path(path)
        self.model = model_name(annotator)
        self.queue = queue
        self.records: dict[str, PredictionRecord] = self._load()

    def _load(self) -> dict[str, PredictionRecord]:
        if not self.path.exists():
            return {}
        records = read_predictions(self.path)
        for record in records.values():
            if record.model != self.model:
                raise QBenchError(
                    f"{self.path}: id {record.id!r} was answered by {record.model!r}, not {self.model!r}; "
                    f"each annotator writes their own file"
                )
            try:
                self.queue.position(record.id)
            except KeyError:
                raise QBenchError(
                    f"{self.path}: id {record.id!r} is not a question of this dataset; "
                    f"was the file made on another dataset?"
                ) from None
        return records

    def answer(self, index: int, payload: Mapping[str, Any]) -> PredictionRecord:
        """Record the answer to the question at ``index`` and rewrite the file atomically."""
        question = self.queue[index]
        response = format_response(question, payload)
        spent = check_latency(payload.get("latency_s"))
        previous = self.records.get(question.id)
        if previous is not None and previous.latency_s is not None:
            spent += previous.latency_s
        record = PredictionRecord(
            id=question.id,
            response=response,
            model=self.model,
            latency_s=round(spent, 3),
            prompt_version=PROMPT_VERSION,
        )
        self.records[question.id] = record
        self._write()
        return record

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = "".join(record.to_json() + "\n" for record in self.records.values())
        handle, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
