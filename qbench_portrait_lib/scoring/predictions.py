"""The scorer's predictions: one string or None per reference, checked once for every path.

The plain pass (:func:`~qbench_portrait_lib.scoring.api.score_all`) and the circular pass
(:func:`~qbench_portrait_lib.scoring.circular_api.score_circular`, one prediction per
variant) both call :func:`check_predictions`, so bad predictions give the same errors with
the same messages on either path.

>>> from qbench_portrait_lib.scoring.references import normalize_reference
>>> ref = normalize_reference({"id": "q1", "image_id": "i1", "question": "Is it sharp?",
...     "question_type": "true_false", "options": ["True", "False"], "answer": ["True"],
...     "quality_dimension": "technical", "image_source": "natural", "level": "global",
...     "attribute": "blur", "region": ""}, index=0)
>>> check_predictions(("True",), [ref])
['True']
>>> check_predictions([1], [ref])
Traceback (most recent call last):
...
TypeError: prediction 0 (id 'q1') must be a string or None, got int 1
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from qbench_portrait_lib.scoring.references import Reference


def check_predictions(predictions: Iterable[Any], references: Sequence[Reference]) -> list[str | None]:
    """One prediction per reference, each a string or None; the predictions as a list.

    >>> check_predictions(["A"], [])
    Traceback (most recent call last):
    ...
    ValueError: expected one prediction per reference: got 1 predictions for 0 references
    >>> check_predictions("A", [])
    Traceback (most recent call last):
    ...
    TypeError: predictions must be a list of strings or None, got str
    """
    if isinstance(predictions, (str, bytes, Mapping)) or not isinstance(predictions, Iterable):
        raise TypeError(f"predictions must be a list of strings or None, got {type(predictions).__name__}")
    predictions = list(predictions)  # any iterable: a list, a tuple, a dataset column...
    if len(predictions) != len(references):
        raise ValueError(
            f"expected one prediction per reference: got {len(predictions)} predictions "
            f"for {len(references)} references"
        )
    for index, (prediction, reference) in enumerate(zip(predictions, references, strict=True)):
        if prediction is not None and not isinstance(prediction, str):
            raise TypeError(
                f"prediction {index} (id {reference.id!r}) must be a string or None, "
                f"got {type(prediction).__name__} {prediction!r:.80}"
            )
    return predictions
