"""VLMEvalKit prediction files score exactly as the same responses do in a predictions JSONL.

The sample is exported for VLMEvalKit; responses are written as VLMEvalKit's inference
writes them (tests/vlmevalkit_files.py), in each of its three formats, and scored.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vlmevalkit_files import dump_like_vlmevalkit, inference_frame

from qbench_portrait_lib.harness.vlmevalkit_export import export_vlmevalkit
from qbench_portrait_lib.harness.vlmevalkit_format import MCQ_DATASET, OPEN_DATASET, read_export_index
from qbench_portrait_lib.jobs.score import ScoredRun, load_references, score_predictions_file
from qbench_portrait_lib.jobs.score_vlmevalkit import score_vlmevalkit_files
from qbench_portrait_lib.run.predictions import PredictionRecord, append_prediction

FAILED = "Failed to obtain answer via API."


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lmudata")
    export_vlmevalkit(out, "sample")
    return out


@pytest.fixture(scope="module")
def references():
    return load_references("sample")


def varied_responses(references) -> dict[str, str]:
    """Responses of every kind the readers must keep verbatim: right, wrong, pandas' NA words,
    empty, tabs/newlines/quotes, formula-like, failures; every 31st question has none."""
    answers: dict[str, str] = {}
    for position, row in enumerate(references.rows):
        options = row["options"] or ["a blurred face"]
        right = ", ".join(chr(65 + options.index(text)) for text in row["answer"] if text in options)
        kinds = [
            right or row["answer"][0],
            "B",
            "None",
            "NA",
            "",
            f'Answer:\t{options[-1]}\nbecause the face is "soft"',
            options[0],
            "=1+1",
            f"The answer is {row['answer'][0]}.",
        ]
        if position % 31 == 5:
            continue
        answers[row["id"]] = FAILED if position % 29 == 3 else kinds[position % len(kinds)]
    return answers


def write_jsonl(path: Path, answers: dict[str, str]) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for question_id, text in answers.items():
            if text == FAILED:
                append_prediction(handle, PredictionRecord(id=question_id, error=text))
            else:
                append_prediction(handle, PredictionRecord(id=question_id, response=text))
    return path


def comparable(run: ScoredRun) -> str:
    return json.dumps(
        {
            "metrics": run.metrics,
            "details": run.details,
            "responses": run.responses,
            "missing": run.missing_ids,
        },
        sort_keys=True,
    )


@pytest.mark.parametrize("suffix", ["xlsx", "tsv", "json"])
def test_vlmevalkit_files_score_exactly_like_the_jsonl(exported, references, tmp_path, suffix) -> None:
    answers = varied_responses(references)
    files = [
        dump_like_vlmevalkit(
            inference_frame(exported / f"{name}.tsv", answers), tmp_path / f"Model-X_{name}.{suffix}"
        )
        for name in (MCQ_DATASET, OPEN_DATASET)
    ]
    from_vlmevalkit = score_vlmevalkit_files(files, references, exported, bootstrap_samples=200)
    from_jsonl = score_predictions_file(
        write_jsonl(tmp_path / "model.jsonl", answers), references, bootstrap_samples=200
    )

    assert comparable(from_vlmevalkit) == comparable(from_jsonl)
    assert from_vlmevalkit.errored.keys() == from_jsonl.errored.keys() != set()
    assert from_vlmevalkit.missing_ids == from_jsonl.missing_ids != []
    assert from_vlmevalkit.name == "Model-X"
    assert {"None", "NA", "", "=1+1"} <= set(from_vlmevalkit.responses)
    assert 0 < from_vlmevalkit.metrics["overall"] < 1


def test_the_multiple_choice_file_alone_leaves_open_questions_missing(exported, references, tmp_path) -> None:
    answers = {row["id"]: "A" for row in references.rows}
    path = dump_like_vlmevalkit(
        inference_frame(exported / f"{MCQ_DATASET}.tsv", answers), tmp_path / f"m_{MCQ_DATASET}.tsv"
    )
    run = score_vlmevalkit_files([path], references, read_export_index(exported), bootstrap_samples=100)
    open_ids = [row["id"] for row in references.rows if row["question_type"] == "open_ended"]
    assert run.missing_ids == open_ids
    assert run.metrics["question_type/single_choice/score"] > 0
