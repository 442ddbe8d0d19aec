"""The lmms-eval task folder: the YAML has the keys lmms-eval reads, the hooks work on the sample.

lmms-eval itself is not installed: the hooks are called directly, the way lmms-eval calls
them, on rows of the embedded sample as ``load_benchmark`` returns them (ClassLabel ints,
decoded PIL images).
"""

from __future__ import annotations

import doctest
import importlib.util
import math
import statistics
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
    cells = {docs_type(doc), ("technical", "aigc", "aesthetic")[doc["quality_dimension"]],
             ("global", "local")[doc["level"]]}  # fmt: skip
    assert set(right) == {"overall", "overall_all_items", "parse_failure_rate"} | cells
    record = right["overall"]
    assert record["score"] == 1.0 and record["parsed"] == list(doc["answer"])
    assert right["parse_failure_rate"]["score"] == 0.0 and record["image_id"] == doc["image_id"]
    assert "image" not in record["reference"]
    wrong = utils.process_results(doc, ["a pretty girl"])
    assert wrong["overall"]["score"] == 0.0 and wrong["overall"]["parsed"] is None
    assert wrong["parse_failure_rate"]["score"] == 1.0
    opened = next(doc for doc in docs if docs_type(doc) == "open_ended")
    opened_records = utils.process_results(opened, ["Blurry."])
    assert {"overall", "parse_failure_rate", "single_choice"}.isdisjoint(opened_records)
    assert "overall_all_items" in opened_records


def test_process_results_rejects_bad_input(docs):
    with pytest.raises(ValueError, match=r"expected one generated response for 'sample-000-q0', got 2"):
        utils.process_results(docs[0], ["A", "B"])
    broken = {key: value for key, value in docs[0].items() if key != "level"}
    with pytest.raises(KeyError, match=r"lacks the contract column\(s\) \['level'\]"):
        utils.process_results(broken, ["A"])


def sample_responses(docs) -> list[str]:
    """A mix: right answers, random guesses, and responses that commit to nothing."""
    responses = answer_with_baseline("random", docs, seed=1)
    for index, doc in enumerate(docs):
        if index % 3 == 0:
            responses[index] = utils.doc_to_target(doc)
        elif index % 7 == 0:
            responses[index] = "I cannot tell."
    return responses


def collect_sample_metrics(task, docs, responses) -> dict[str, list]:
    """lmms-eval 0.7's evaluator: every (metric, value) of process_results joins that metric's items."""
    sample_metrics: dict[str, list] = {}
    for doc, response in zip(docs, responses, strict=True):
        for metric, value in task["process_results"](doc, [response]).items():
            sample_metrics.setdefault(metric, []).append(value)
    return sample_metrics


def clt_stderr(items: list[dict], score_key: str) -> float:
    """lmms-eval 0.7's ``{metric}_stderr_clt``: the sample standard deviation over sqrt(n)."""
    scores = [item[score_key] for item in items]
    return statistics.stdev(scores) / math.sqrt(len(scores))


def clustered_stderr(items: list[dict], score_key: str, cluster_key: str) -> float:
    """lmms-eval 0.7's ``{metric}_stderr_clustered`` (Miller 2024, eq. 4): the CLT variance plus
    the within-cluster cross products of the deviations from the mean, over n^2."""
    scores = [item[score_key] for item in items]
    n, mean = len(scores), statistics.fmean(scores)
    clusters: dict[str, list[float]] = {}
    for item, score in zip(items, scores, strict=True):
        clusters.setdefault(item[cluster_key], []).append(score - mean)
    cross = sum(sum(d) ** 2 - sum(x * x for x in d) for d in clusters.values()) / n**2
    return math.sqrt(statistics.variance(scores) / n + cross)


def test_aggregations_equal_score_predictions_on_the_same_items(task, docs):
    responses = sample_responses(docs)
    sample_metrics = collect_sample_metrics(task, docs, responses)
    expected = score_predictions(responses, docs, bootstrap_samples=0, return_details=True)
    assert set(sample_metrics) == set(utils.METRIC_KEYS)
    for entry in task["metric_list"]:
        name = entry["metric"]
        items = sample_metrics[name]
        value = entry["aggregation"](items)
        want = expected[utils.METRIC_KEYS[name]]
        assert isinstance(value, float)
        assert value == pytest.approx(want, abs=1e-12), name
        # the stderr lmms-eval computes is around the same number: the records' mean
        assert statistics.fmean(item["score"] for item in items) == pytest.approx(value, abs=1e-12), name
    closed = [d for d, doc in zip(expected["details"], docs, strict=True) if doc["question_type"] != 3]
    assert len(sample_metrics["overall"]) == len(closed) < len(docs)  # no judge: the closed formats
    assert len(sample_metrics["parse_failure_rate"]) == expected["question_type/single_choice/count"] + (
        expected["question_type/multiple_choice/count"] + expected["question_type/true_false/count"]
    )
    assert [r["score"] for r in sample_metrics["overall"]] == [d["score"] for d in closed]
    assert 0.0 < expected["overall"] < 1.0 and expected["parse_failure_rate"] > 0.0


def test_aggregations_read_each_metrics_item_scores_once_and_extract_nothing(task, docs, monkeypatch):
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
        entry["aggregation"]([record[entry["metric"]] for record in records if entry["metric"] in record])
    # one aggregation per metric, over that metric's own records only
    assert len(calls) == len(task["metric_list"])
    # records that went through a JSON round trip (lists for tuples) give the same numbers
    copies = [json.loads(json.dumps(copy.deepcopy(record["overall_all_items"]))) for record in records]
    assert utils.score_records(copies) == pytest.approx(
        {k: v for k, v in expected.items() if k != "details"}, nan_ok=True
    )
    assert len(calls) == len(task["metric_list"]) + 1


def test_each_metric_gets_its_own_standard_error(task, docs):
    assert task["cluster_key"] == "image_id" and task.get("score_key", "score") == "score"
    sample_metrics = collect_sample_metrics(task, docs, sample_responses(docs))
    clt = {name: clt_stderr(items, "score") for name, items in sample_metrics.items()}
    clustered = {name: clustered_stderr(items, "score", "image_id") for name, items in sample_metrics.items()}
    assert clt["overall"] != clt["parse_failure_rate"]
    assert clt["single_choice"] != clt["true_false"] != clt["local"]
    assert len(set(clt.values())) == len(clt)  # twelve metrics, twelve standard errors
    # questions share images: clustering changes the error, and it is never undefined here
    assert all(math.isfinite(value) for value in clustered.values())
    assert clustered["overall"] != clt["overall"]


def test_the_hooks_docstring_examples_run():
    results = doctest.testmod(utils, raise_on_error=False)
    assert results.failed == 0 and results.attempted >= 1


def test_the_readme_shows_how_to_point_the_task_elsewhere_and_the_filelock_pin():
    text = (TASK_DIR / "README.md").read_text(encoding="utf-8")
    assert 'pip install -e . lmms-eval "filelock<4"' in text
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    override = yaml.safe_load(example)
    assert Path(override["include"]).name == "qbench_portrait.yaml"
    assert override["task"] != "qbench_portrait" and override["dataset_path"]
    assert f"--tasks {override['task']}" in text
