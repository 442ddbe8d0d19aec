"""The VLMEvalKit export of the sample, read back the way VLMEvalKit reads it (pandas.read_csv)."""

from __future__ import annotations

import base64

import datasets
import pandas as pd
import pytest

from qbench_portrait_lib.contract.columns import label_name
from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.contract.prompt import INSTRUCTIONS, render_prompt
from qbench_portrait_lib.data.loading import load_benchmark
from qbench_portrait_lib.harness.vlmevalkit_export import closed_cells, write_vlmevalkit_tsvs
from qbench_portrait_lib.harness.vlmevalkit_format import MCQ_DATASET, OPEN_DATASET, read_export_index


@pytest.fixture(scope="module")
def sample():
    return load_benchmark("sample")


@pytest.fixture(scope="module")
def exported(sample, tmp_path_factory):
    out = tmp_path_factory.mktemp("lmudata")
    result = write_vlmevalkit_tsvs(sample, out)
    mcq = pd.read_csv(out / f"{MCQ_DATASET}.tsv", sep="\t")  # exactly VLMEvalKit's load()
    open_ended = pd.read_csv(out / f"{OPEN_DATASET}.tsv", sep="\t")
    return out, result, mcq, open_ended


def names(row, column):
    return label_name(column, row[column])


def test_vlmevalkit_would_build_an_mcq_and_a_vqa_dataset(exported) -> None:
    _, result, mcq, open_ended = exported
    # build_dataset(): 'question' plus 'A' and 'B' plus 'image' -> CustomMCQDataset; else CustomVQADataset
    assert {"question", "A", "B", "image", "index", "answer"} <= set(mcq.columns)
    assert {"question", "image", "index", "answer"} <= set(open_ended.columns)
    assert not {"A", "B"} & set(open_ended.columns)
    assert "openended" in OPEN_DATASET.lower()  # DATASET_TYPE() types it VQA by name
    assert mcq["index"].dtype.kind == "i" and open_ended["index"].dtype.kind == "i"
    assert result.rows == {MCQ_DATASET: len(mcq), OPEN_DATASET: len(open_ended)}


def test_every_question_is_exported_with_its_options_answer_and_labels(sample, exported) -> None:
    _, _, mcq, open_ended = exported
    rows = {int(r["index"]): r for frame in (mcq, open_ended) for r in frame.to_dict("records")}
    assert sorted(rows) == list(range(len(sample)))
    for position, question in enumerate(sample.remove_columns("image")):
        row, qtype = rows[position], names(question, "question_type")
        assert row["question_id"] == question["id"] and row["question_type"] == qtype
        assert row["category"] == names(question, "quality_dimension")
        assert row["l2-category"] == names(question, "image_source")
        if qtype == "open_ended":
            assert row["question"] == render_prompt(question)
            continue
        # VLMEvalKit lists the options that are not NaN; a trailing space shields "None" from pandas
        shown = [str(row[c]).rstrip(" ") for c in "ABCDEFGH" if c in row and not pd.isna(row[c])]
        assert shown == question["options"]
        assert [question["options"][ord(c) - 65] for c in row["answer"]] == question["answer"]
        hint = row["hint"]
        assert pd.isna(hint) if qtype == "single_choice" else hint == INSTRUCTIONS[qtype]
    assert "None" in {text for options in sample["options"] for text in options}  # the case above is hit


def test_images_are_the_original_bytes_or_a_reference_vlmevalkit_resolves(sample, exported) -> None:
    out, _, _, _ = exported
    originals = sample.cast_column("image", datasets.Image(decode=False))["image"]
    for name in (MCQ_DATASET, OPEN_DATASET):
        frame = pd.read_csv(out / f"{name}.tsv", sep="\t")
        cells = {str(i): str(image) for i, image in zip(frame["index"], frame["image"], strict=True)}
        references = 0
        for index, image in cells.items():
            if len(image) <= 64:  # ImageBaseDataset: a short cell is another row's index
                image, references = cells[image], references + 1
            assert base64.b64decode(image) == originals[int(index)]["bytes"]
        assert references > 0


def test_the_index_maps_back_to_question_ids(sample, exported) -> None:
    out, _, _, _ = exported
    index = read_export_index(out)
    assert index.ids == dict(enumerate(sample["id"]))
    assert read_export_index(out / f"{MCQ_DATASET}.tsv").ids.keys() < index.ids.keys()


def test_an_existing_export_is_not_overwritten_unless_asked(sample, exported) -> None:
    out, _, _, _ = exported
    with pytest.raises(FileExistsError, match=r"QBenchPortrait\.tsv.*already exist.*overwrite"):
        write_vlmevalkit_tsvs(sample, out)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"answer": ["Hair"]},
            r"record 'q1': expected answers among the options \['Eyes', 'Teeth'\], got \['Hair'\]",
        ),
        ({"options": ["Eyes"]}, r"record 'q1': expected 2 to 4 options, got \['Eyes'\]"),
        (
            {"question_type": "true_false"},
            r"record 'q1': a true_false question needs options \['True', 'False'\]",
        ),
    ],
)
def test_a_row_the_export_cannot_represent_is_a_clear_error(change, message) -> None:
    row = {"id": "q1", "question": "Q?", "question_type": "single_choice", "options": ["Eyes", "Teeth"]}
    row = {**row, "answer": ["Eyes"], **change}
    with pytest.raises(QBenchError, match=message):
        closed_cells(row, width=4)
