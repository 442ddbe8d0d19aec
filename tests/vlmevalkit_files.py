"""Write prediction files the way VLMEvalKit's inference does (for the VLMEvalKit tests).

VLMEvalKit loads ``$LMUData/NAME.tsv`` with ``pandas.read_csv(path, sep="\\t")``, turns
``index`` into ints, adds ``prediction`` (``str`` of each answer), drops ``image`` and
dumps the frame by suffix: xlsx through ``pandas.ExcelWriter(engine="xlsxwriter")``
without formulas, tsv through ``to_csv(sep="\\t", quoting=csv.QUOTE_ALL)``, json as
``to_dict("records")`` with ``indent=4``. These helpers do the same, nothing more.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd


def inference_frame(tsv: Path, answers: Mapping[str, str]) -> pd.DataFrame:
    """The frame VLMEvalKit dumps after inference: the TSV's columns but ``image``, plus ``prediction``.

    ``answers`` maps question ids to responses; rows whose question has no answer are left out.
    """
    data = pd.read_csv(tsv, sep="\t")
    data["index"] = [int(x) for x in data["index"]]
    data = data[[question_id in answers for question_id in data["question_id"]]].copy()
    data["prediction"] = [str(answers[question_id]) for question_id in data["question_id"]]
    data.pop("image")
    return data


def _numpy_default(value: object) -> object:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dump_like_vlmevalkit(data: pd.DataFrame, path: Path) -> Path:
    """Write ``data`` as VLMEvalKit's ``dump`` does for the suffix of ``path``."""
    suffix = path.suffix.lstrip(".")
    if suffix == "xlsx":
        with pd.ExcelWriter(
            path, engine="xlsxwriter", engine_kwargs={"options": {"strings_to_formulas": False}}
        ) as writer:
            data.to_excel(writer, index=False)
    elif suffix == "tsv":
        data.to_csv(path, sep="\t", index=False, encoding="utf-8", quoting=csv.QUOTE_ALL)
    elif suffix == "json":
        with open(path, "w") as handle:
            json.dump(data.to_dict("records"), handle, indent=4, ensure_ascii=False, default=_numpy_default)
    else:
        raise ValueError(f"VLMEvalKit's PRED_FORMAT is xlsx, tsv or json, got {path}")
    return path
