"""The typed schema of a row (the data contract), as ``datasets.Features``.

>>> FEATURES["question_type"].names
['single_choice', 'multiple_choice', 'true_false', 'open_ended']
"""

from __future__ import annotations

import datasets

from qbench_portrait_lib.contract.columns import IMAGE_SOURCES, LEVELS, QUALITY_DIMENSIONS, QUESTION_TYPES

FEATURES = datasets.Features(
    {
        "id": datasets.Value("string"),
        "image_id": datasets.Value("string"),
        "image": datasets.Image(),
        "question": datasets.Value("string"),
        "question_type": datasets.ClassLabel(names=list(QUESTION_TYPES)),
        "options": datasets.List(datasets.Value("string")),
        "answer": datasets.List(datasets.Value("string")),
        "quality_dimension": datasets.ClassLabel(names=list(QUALITY_DIMENSIONS)),
        "image_source": datasets.ClassLabel(names=list(IMAGE_SOURCES)),
        "level": datasets.ClassLabel(names=list(LEVELS)),
        "attribute": datasets.Value("string"),
        "region": datasets.Value("string"),
    }
)
