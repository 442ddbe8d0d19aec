"""The VLMEvalKit path through the CLI: export, then score and compare VLMEvalKit's files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from vlmevalkit_files import dump_like_vlmevalkit, inference_frame

from qbench_portrait_lib.cli import cli
from qbench_portrait_lib.harness.vlmevalkit_format import DATASETS
from qbench_portrait_lib.jobs.score import load_references
from qbench_portrait_lib.run.predictions import PredictionRecord, append_prediction


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def lmudata(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "lmudata"
    result = invoke("export", "--format", "vlmevalkit", "--dataset", "sample", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"export LMUData={out.resolve()}" in result.output
    return out


@pytest.fixture(scope="module")
def answers() -> dict[str, str]:
    letters = "ABCA"
    return {
        row["id"]: (row["answer"][0] if row["question_type"] in ("true_false", "open_ended") else "")
        or f"The answer is {letters[position % 4]}."
        for position, row in enumerate(load_references("sample").rows)
        if position % 11
    }


def vlmevalkit_files(
    lmudata: Path, answers: dict[str, str], folder: Path, model: str, suffix: str
) -> list[str]:
    folder.mkdir(exist_ok=True)
    return [
        str(
            dump_like_vlmevalkit(
                inference_frame(lmudata / f"{name}.tsv", answers), folder / f"{model}_{name}.{suffix}"
            )
        )
        for name in DATASETS
    ]


def jsonl(path: Path, answers: dict[str, str], model: str) -> str:
    with open(path, "w", encoding="utf-8") as handle:
        for question_id, text in answers.items():
            append_prediction(handle, PredictionRecord(id=question_id, response=text, model=model))
    return str(path)


def test_score_prints_the_same_table_for_vlmevalkit_files_and_the_jsonl(lmudata, answers, tmp_path) -> None:
    files = vlmevalkit_files(lmudata, answers, tmp_path / "outputs", "Model-X", "xlsx")
    from_vlmevalkit = invoke("score", *files, "--dataset", "sample", "--vlmevalkit-export", str(lmudata))
    from_jsonl = invoke("score", jsonl(tmp_path / "x.jsonl", answers, "Model-X"), "--dataset", "sample")
    assert from_vlmevalkit.exit_code == 0, from_vlmevalkit.output
    assert from_vlmevalkit.output == from_jsonl.output
    assert from_vlmevalkit.output.startswith("Model-X on sample")
    assert "questions without a prediction (scored as unparsed)" in from_vlmevalkit.output


def test_compare_makes_one_row_per_vlmevalkit_model(lmudata, answers, tmp_path) -> None:
    files = vlmevalkit_files(lmudata, answers, tmp_path / "outputs", "Model-X", "tsv")
    other = jsonl(tmp_path / "y.jsonl", dict.fromkeys(answers, "A"), "Model-Y")
    args = ["compare", *files, other, "--dataset", "sample", "--vlmevalkit-export", str(lmudata)]
    result = invoke(*args, "--bootstrap-samples", "100")
    assert result.exit_code == 0, result.output
    ranked = [line.split()[1] for line in result.output.splitlines()[2:4]]
    assert ranked == ["Model-X", "Model-Y"]


def test_vlmevalkit_files_without_the_export_are_a_clean_error(lmudata, answers, tmp_path) -> None:
    files = vlmevalkit_files(lmudata, answers, tmp_path / "outputs", "m", "json")
    result = invoke("score", *files, "--dataset", "sample")
    assert result.exit_code == 1
    assert "m_QBenchPortrait.json is a VLMEvalKit prediction file" in result.output
    assert "(--vlmevalkit-export DIR)" in result.output and "Traceback" not in result.output


def test_score_refuses_files_of_two_models(tmp_path) -> None:
    files = [tmp_path / "a_QBenchPortrait.tsv", tmp_path / "b_QBenchPortrait.tsv"]
    for path in files:
        path.write_text("index\tprediction\n")
    result = invoke("score", *map(str, files), "--dataset", "sample")
    assert result.exit_code == 1
    assert "score takes one run" in result.output and "use compare for several" in result.output


def test_hub_only_options_are_refused_with_format_vlmevalkit(tmp_path) -> None:
    args = ["export", "--format", "vlmevalkit", "--dataset", "sample", "--out", str(tmp_path)]
    result = invoke(*args, "--sample-seed", "5", "--max-image-bytes", "9")
    assert result.exit_code == 2
    assert "only --format hub takes --sample-seed, --max-image-bytes" in result.output
