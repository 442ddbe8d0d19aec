"""What a run is asked to do (:class:`RunConfig`), what it reports (:class:`RunSummary`), and its errors.

>>> config = RunConfig(base_url="http://localhost:8000/v1", model="m")
>>> config.concurrency, config.max_tokens, config.circular
(8, 256, False)
>>> RunConfig(base_url="http://localhost:8000/v1", model="m", concurrency=0)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
qbench_portrait_lib.run.run_config.RunnerError: concurrency must be at least 1, got 0
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.run.client import chat_completions_url
from qbench_portrait_lib.run.retry import RetryPolicy


class RunnerError(QBenchError):
    """A run that cannot start or continue as asked (wrong inputs, mismatched out file)."""


class RunStopped(RunnerError):
    """The endpoint cannot answer (credentials refused, circuit breaker tripped): the run stopped.

    ``saved`` answers are in the predictions file; rerunning resumes from them.
    """

    def __init__(self, message: str, *, saved: int, questions: int, out_path: Path) -> None:
        super().__init__(
            f"{message}. {saved} of {questions} answers are saved in {out_path}; "
            "rerun the same command to resume"
        )
        self.saved = saved
        self.questions = questions


@dataclass(frozen=True)
class RunConfig:
    """What to ask and how: the endpoint, the model and the generation settings."""

    base_url: str
    model: str
    max_tokens: int = 256
    temperature: float = 0.0
    concurrency: int = 8
    image_max_side: int | None = None
    timeout_s: float = 120.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    circular: bool = False  # ask every rotation of each question's options (contract/rotation.py)

    def __post_init__(self) -> None:
        chat_completions_url(self.base_url)
        if not self.model:
            raise RunnerError("expected a model name, got an empty string")
        if self.concurrency < 1:
            raise RunnerError(f"concurrency must be at least 1, got {self.concurrency}")
        if self.max_tokens < 1:
            raise RunnerError(f"max_tokens must be at least 1, got {self.max_tokens}")
        if self.image_max_side is not None and self.image_max_side < 1:
            raise RunnerError(
                f"image_max_side must be a positive number of pixels, got {self.image_max_side}"
            )


@dataclass(frozen=True)
class RunSummary:
    """What a run did; ``image_encodings`` counts images encoded (once per distinct image)."""

    questions: int  # requests a full run makes: one per question, or per variant when circular
    distinct_questions: int
    already_answered: int
    attempted: int
    succeeded: int
    failed: int
    distinct_images: int
    image_encodings: int
    http_attempts: int
    retries: int
    wall_s: float
