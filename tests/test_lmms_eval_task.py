"""The lmms-eval task folder: the YAML has the keys lmms-eval reads, the hooks work on the sample.

lmms-eval itself is not installed: the hooks are called directly, the way lmms-eval calls
them, on rows of the embedded sample as ``load_benchmark`` returns them (ClassLabel ints,
decoded PIL images).
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import datasets
import pytest
import yaml
from PIL import Image

from qbench_portrait_lib.baselines import answer_with_baseline
from qbench_portrait_lib.contract.prompt import PROMPT_VERSION, render_prompt
from qbench_portrait_lib.data.loading import load_benchmark
from qbench_portrait_lib.scoring import score_predictions

TASK_DIR = Path(__file__).resolve().parent.parent / "lmms_eval_task"


def _load_utils():
    spec = importlib.util.spec_from_file_location("qbench_portrait_lmms_eval_utils", TASK_DIR / "utils.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


utils = _load_utils()


class _TaskLoader(yaml.SafeLoader):
    """A safe loader that resolves lmms-eval's ``!function utils.name`` tags to our hooks."""


def _function(loader: yaml.SafeLoader, node: yaml.Node):
    module_name, _, name = loader.construct_scalar(node).rpartition(".")
    assert module_name == "utils", f"hooks must live in utils.py, got {module_name!r}"
    return getattr(utils, name)


_TaskLoader.add_constructor("!function", _function)


@pytest.fixture(scope="module")
def task() -> dict:
    return yaml.load((TASK_DIR / "qbench_portrait.yaml").read_text(encoding="utf-8"), Loader=_TaskLoader)


@pytest.fixture(scope="module")
def sample():
    return load_benchmark(None)


@pytest.fixture(scope="module")
def docs(sample) -> list[dict]:
    """Every row of the sample without its image (the scoring hooks never look at it)."""
    return list(sample.remove_columns("image"))


def test_yaml_has_the_keys_lmms_eval_reads(task):
    required = ("task", "dataset_path", "test_split", "output_type", "doc_to_visual", "doc_to_text",
                "doc_to_target", "generation_kwargs", "process_results", "metric_list")  # fmt: skip
    for key in required:
        assert key in task, key
    assert task["task"] == "qbench_portrait"
    assert task["output_type"] == "generate_until"
    assert task["test_split"] == "test"
    assert task["dataset_path"] in ("qbench-portrait",) or task["dataset_path"].endswith("/qbench-portrait")
    for hook in ("doc_to_visual", "doc_to_text", "doc_to_target", "process_results"):
        assert callable(task[hook]), hook
    assert task["generation_kwargs"]["do_sample"] is False
    assert task["generation_kwargs"]["temperature"] == 0
    assert task["lmms_eval_specific_kwargs"]["default"] == {"pre_prompt": "", "post_prompt": ""}
    assert "metadata" in task and task["metadata"]["prompt_version"] == PROMPT_VERSION
    assert isinstance(task["metadata"]["version"], float)


def test_every_metric_has_an_aggregation_and_a_direction(task):
    names = [entry["metric"] for entry in task["metric_list"]]
    assert names == list(utils.METRIC_KEYS)
    for entry in task["metric_list"]:
        assert callable(entry["aggregation"])
        assert entry["aggregation"].__name__ == f"aggregate_{entry['metric']}"
        assert entry["higher_is_better"] is (entry["metric"] != "parse_failure_rate")


def test_doc_to_visual_and_text_give_the_image_and_the_canonical_prompt(sample):
    for doc in sample.select(range(12)):
        visuals = utils.doc_to_visual(doc)
        assert len(visuals) == 1 and isinstance(visuals[0], Image.Image) and visuals[0].mode == "RGB"
        assert utils.doc_to_text(doc) == render_prompt(doc)
        assert utils.doc_to_text(doc, {"pre_prompt": "<pre>", "post_prompt": "<post>"}) == (
            f"<pre>{render_prompt(doc)}<post>"
        )


def test_doc_to_visual_accepts_undecoded_image_cells(sample):
    raw = sample.select(range(1)).cast_column("image", datasets.Image(decode=False))[0]
    assert set(raw["image"]) == {"bytes", "path"}
    assert utils.doc_to_visual(raw)[0].tobytes() == sample[0]["image"].convert("RGB").tobytes()


def test_doc_to_target_is_what_the_prompt_asks_for(docs):
    for doc in docs:
        target = utils.doc_to_target(doc)
        kind = docs_type(doc)
        if kind in ("single_choice", "multiple_choice"):
            letters = [letter.strip() for letter in target.split(",")]
            assert [doc["options"][ord(letter) - 65] for letter in letters] == list(doc["answer"])
        else:
            assert target == " / ".join(doc["answer"])


def docs_type(doc) -> str:
    return ("single_choice", "multiple_choice", "true_false", "open_ended")[doc["question_type"]]


def test_process_results_scores_one_response_like_the_metric(docs):
    closed = [doc for doc in docs if docs_type(doc) != "open_ended"]
    doc = closed[0]
    right = utils.process_results(doc, [utils.doc_to_target(doc)])
    assert set(right) == set(utils.METRIC_KEYS)
    record = right["overall"]
    assert record["score"] == 1.0 and record["parsed"] == list(doc["answer"])
    assert "image" not in record["reference"]
    wrong = utils.process_results(doc, ["a pretty girl"])["overall"]
    assert wrong["score"] == 0.0 and wrong["parsed"] is None


def test_process_results_rejects_bad_input(docs):
    with pytest.raises(ValueError, match=r"expected one generated response for 'sample-000-q0', got 2"):
        utils.process_results(docs[0], ["A", "B"])
    broken = {key: value for key, value in docs[0].items() if key != "level"}
    with pytest.raises(KeyError, match=r"lacks the contract column\(s\) \['level'\]"):
        utils.process_results(broken, ["A"])


def test_aggregations_equal_score_predictions_on_the_same_items(task, docs):
    # A mix: right answers, random guesses, and responses that commit to nothing.
    responses = answer_with_baseline("random", docs, seed=1)
    for index, doc in enumerate(docs):
        if index % 3 == 0:
            responses[index] = utils.doc_to_target(doc)
        elif index % 7 == 0:
            responses[index] = "I cannot tell."
    pairs = zip(docs, responses, strict=True)
    records = [task["process_results"](doc, [response]) for doc, response in pairs]
    expected = score_predictions(responses, docs, bootstrap_samples=0, return_details=True)
    for entry in task["metric_list"]:
        name = entry["metric"]
        value = entry["aggregation"]([record[name] for record in records])
        want = expected[utils.METRIC_KEYS[name]]
        assert isinstance(value, float)
        assert value == want or (math.isnan(value) and math.isnan(want)), name
    assert [r["overall"]["score"] for r in records] == [d["score"] for d in expected["details"]]
    assert 0.0 < expected["overall"] < 1.0 and expected["parse_failure_rate"] > 0.0


def test_aggregations_read_item_scores_once_and_extract_nothing(task, docs, monkeypatch):
    import copy
    import json

    import qbench_portrait_lib.scoring.api as scoring_api

    responses = answer_with_baseline("random", docs, seed=2)
    records = [task["process_results"](doc, [r]) for doc, r in zip(docs, responses, strict=True)]
    expected = score_predictions(responses, docs, bootstrap_samples=0)

    def no_extraction(*args, **kwargs):
        raise AssertionError("an aggregation extracted an answer again")

    calls = []
    aggregate = scoring_api.aggregate

    def counting(*args, **kwargs):
        calls.append(1)
        return aggregate(*args, **kwargs)

    monkeypatch.setattr(scoring_api, "extract_reading", no_extraction)
    monkeypatch.setattr(scoring_api, "aggregate", counting)
    for entry in task["metric_list"]:
        entry["aggregation"]([record[entry["metric"]] for record in records])
    assert len(calls) == 1  # the twelve aggregations share one computation
    # records that went through a JSON round trip (lists for tuples) give the same numbers
    copies = [json.loads(json.dumps(copy.deepcopy(record["overall"]))) for record in records]
    assert utils.score_records(copies) == pytest.approx(
        {k: v for k, v in expected.items() if k != "details"}, nan_ok=True
    )
    assert len(calls) == 2
