"""The typed schema of a row (the data contract), as ``datasets.Features``, derived from it.

>>> FEATURES["question_type"].names
['single_choice', 'multiple_choice', 'true_false', 'open_ended']
>>> list(FEATURES)[:4]
['id', 'image_id', 'image', 'question']
"""

from __future__ import annotations

import datasets

from qbench_portrait_lib.contract.columns import CONTRACT, Column


def _feature(column: Column) -> datasets.features.features.FeatureType:
    if column.kind == "label":
        return datasets.ClassLabel(names=list(column.vocabulary))
    if column.kind == "strings":
        return datasets.List(datasets.Value("string"))
    if column.kind == "image":
        return datasets.Image()
    return datasets.Value("string")


FEATURES = datasets.Features({column.name: _feature(column) for column in CONTRACT})
