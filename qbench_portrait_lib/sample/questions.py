"""Question records for generated images: a small typed value plus builders per format.

Option order is shuffled with the caller's seeded generator, except for true/false
(always ``["True", "False"]``); answers are kept as option texts.

>>> import numpy as np
>>> q = single_choice("How severe is the blur?", ["None", "Slight", "Severe"], "Slight",
...                   dimension="technical", attribute="blur", rng=np.random.default_rng(0))
>>> sorted(q.options), q.answer
(['None', 'Severe', 'Slight'], ('Slight',))
>>> true_false("The face is sharp.", False, dimension="technical", attribute="blur").answer
('False',)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from qbench_portrait_lib.contract.columns import QUALITY_DIMENSIONS, TRUE_FALSE_OPTIONS

SEVERITY_OPTIONS: tuple[str, ...] = ("None", "Slight", "Moderate", "Severe")


@dataclass(frozen=True)
class Question:
    """One question about a generated image (labels as ClassLabel names)."""

    question: str
    question_type: str
    options: tuple[str, ...]
    answer: tuple[str, ...]
    quality_dimension: str
    attribute: str
    region: str = ""

    @property
    def level(self) -> str:
        return "local" if self.region else "global"

    def __post_init__(self) -> None:
        if self.quality_dimension not in QUALITY_DIMENSIONS:
            raise ValueError(
                f"quality_dimension must be one of {QUALITY_DIMENSIONS}, got {self.quality_dimension!r}"
            )
        if self.question_type != "open_ended" and not set(self.answer) <= set(self.options):
            raise ValueError(f"answer {self.answer} not among options {self.options} for {self.question!r}")


@dataclass
class GeneratedImage:
    """Pixels plus the questions whose answers follow from how they were made."""

    pixels: np.ndarray
    image_source: str
    questions: list[Question] = field(default_factory=list)


def _shuffled(options: Sequence[str], rng: np.random.Generator) -> tuple[str, ...]:
    order = rng.permutation(len(options))
    return tuple(options[i] for i in order)


def single_choice(
    question: str,
    options: Sequence[str],
    answer: str,
    *,
    dimension: str,
    attribute: str,
    rng: np.random.Generator,
    region: str = "",
) -> Question:
    """A one-correct-option question; ``options`` are shuffled with ``rng``."""
    return Question(
        question, "single_choice", _shuffled(options, rng), (answer,), dimension, attribute, region
    )


def multiple_choice(
    question: str,
    options: Sequence[str],
    answers: Sequence[str],
    *,
    dimension: str,
    attribute: str,
    rng: np.random.Generator,
    region: str = "",
) -> Question:
    """A select-all-that-apply question; the answer keeps the shuffled option order."""
    if not answers:
        raise ValueError(f"multiple_choice needs at least one correct option, got none for {question!r}")
    shuffled = _shuffled(options, rng)
    correct = tuple(option for option in shuffled if option in set(answers))
    return Question(question, "multiple_choice", shuffled, correct, dimension, attribute, region)


def true_false(question: str, is_true: bool, *, dimension: str, attribute: str, region: str = "") -> Question:
    """A statement to judge; options are always ("True", "False")."""
    answer = TRUE_FALSE_OPTIONS[0] if is_true else TRUE_FALSE_OPTIONS[1]
    return Question(question, "true_false", TRUE_FALSE_OPTIONS, (answer,), dimension, attribute, region)


def open_ended(
    question: str, reference: str, *, dimension: str, attribute: str, region: str = ""
) -> Question:
    """A free-text question with one reference answer written from the generator's parameters."""
    return Question(question, "open_ended", (), (reference,), dimension, attribute, region)
