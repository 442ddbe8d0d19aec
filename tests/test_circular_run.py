"""A circular run end to end: the runner against a fake server that always picks the first
position, the score job, the report's position-bias chart, and the runner's bookkeeping."""

from __future__ import annotations

import json
import re

import pytest
from fake_openai_server import FakeOpenAIServer

from qbench_portrait_lib.contract.columns import label_name
from qbench_portrait_lib.contract.prompt import render_prompt
from qbench_portrait_lib.contract.rotation import variant_orders
from qbench_portrait_lib.data.loading import load_benchmark
from qbench_portrait_lib.jobs.score import load_references, score_predictions_file
from qbench_portrait_lib.report.position_chart import plot_position_bias
from qbench_portrait_lib.run.client import RetryPolicy
from qbench_portrait_lib.run.predictions import read_predictions
from qbench_portrait_lib.run.runner import RunConfig, RunnerError, run_predictions

FAST_RETRY = RetryPolicy(max_attempts=3, backoff_base_s=0.01, backoff_max_s=0.05)
_TRUE_FALSE = re.compile(r"Answer with (True|False) or (True|False) only\.")


def first_position(text: str, body: dict) -> str:
    """Always the first option shown: "A" for lettered options, the first named answer for true/false."""
    true_false = _TRUE_FALSE.search(text)
    if true_false:
        return true_false.group(1)
    return "A" if re.search(r"^A\. ", text, re.MULTILINE) else "The portrait looks fine."


@pytest.fixture(scope="module")
def sample():
    return load_benchmark("sample")


@pytest.fixture(scope="module")
def circular_run(sample, tmp_path_factory):
    out = tmp_path_factory.mktemp("circular") / "always-a.jsonl"
    with FakeOpenAIServer(model="always-a", responder=first_position) as server:
        config = RunConfig(
            base_url=server.base_url, model="always-a", concurrency=4, retry=FAST_RETRY, circular=True
        )
        summary = run_predictions(sample, out, config, progress=False)
        prompts = [request["text"] for request in server.answered()]
    return out, summary, prompts


def _gold_first(row) -> bool:
    return row["question_type"] != "open_ended" and list(row["answer"]) == [row["options"][0]]


def test_every_variant_is_asked_once_and_each_image_encoded_once(sample, circular_run):
    out, summary, _ = circular_run
    references = load_references(None)
    expected = sum(len(variant_orders(r["question_type"], r["options"])) for r in references.rows)
    assert summary.questions == expected == summary.succeeded
    assert summary.distinct_questions == len(sample)
    assert summary.image_encodings == summary.distinct_images == len(set(sample["image_id"]))
    records = read_predictions(out)
    assert len(records) == expected
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    by_id = {row["id"]: row for row in references.rows}
    for line in lines:
        options = by_id[line["id"]]["options"]
        orders = variant_orders(by_id[line["id"]]["question_type"], options)
        assert tuple(line["option_order"]) == orders[line["rotation"]]


def test_circular_accuracy_is_zero_and_vanilla_is_the_share_of_answers_at_a(circular_run):
    out, _, _ = circular_run
    references = load_references(None)
    run = score_predictions_file(out, references, bootstrap_samples=0)
    metrics = run.metrics
    closed = [row for row in references.rows if row["question_type"] != "open_ended"]
    assert metrics["overall_closed"] == pytest.approx(sum(map(_gold_first, closed)) / len(closed))
    assert metrics["circular/overall/count"] == len(closed)
    assert metrics["circular/overall/accuracy"] == 0.0
    for question_type in ("single_choice", "multiple_choice", "true_false"):
        assert metrics[f"circular/question_type/{question_type}/accuracy"] == 0.0
    assert metrics["circular/overall/drop"] == pytest.approx(metrics["overall_closed"])
    assert run.metadata["circular"] is True and len(run.details) == len(references.rows)
    assert [d["id"] for d in run.details] == [row["id"] for row in references.rows]  # the vanilla pass


def test_position_bias_puts_every_pick_at_a(circular_run, tmp_path):
    out, _, _ = circular_run
    run = score_predictions_file(out, load_references(None), bootstrap_samples=0)
    metrics = run.metrics
    letters = sorted(k.split("/")[1] for k in metrics if k.endswith("/pick_share"))
    assert metrics["position_bias/A/pick_share"] == 1.0
    assert all(metrics[f"position_bias/{x}/pick_share"] == 0.0 for x in letters[1:])
    assert metrics["position_bias/chi_square_p"] < 1e-6  # gold is uniform on a circular run
    assert metrics["true_false/true_rate"] == 1.0  # the vanilla pass: "True" is named first
    import matplotlib.pyplot as plt

    captured = {}
    original = plt.close
    plt.close = lambda fig: captured.setdefault("fig", fig)
    try:
        plot_position_bias([("always-a", run.scores)], tmp_path / "position_bias.png")
    finally:
        plt.close = original
    ax = captured["fig"].axes[0]
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == [100.0] + [0.0] * (len(letters) - 1)
    assert (tmp_path / "position_bias.png").stat().st_size > 0


def test_a_circular_run_resumes_only_the_missing_variants(sample, tmp_path):
    out = tmp_path / "p.jsonl"
    subset = sample.select(range(6))
    with FakeOpenAIServer(model="m", responder=first_position) as server:
        config = RunConfig(
            base_url=server.base_url, model="m", concurrency=2, retry=FAST_RETRY, circular=True
        )
        row = next(r for r in subset if r["question_type"] != 3)  # a rotating question
        orders = variant_orders(label_name("question_type", row["question_type"]), row["options"])
        server.add_faults(["500", "500", "500"], match=render_prompt(row, orders[1]))
        first = run_predictions(subset, out, config, progress=False)
        assert first.failed == 1
        second = run_predictions(subset, out, config, progress=False)
    assert (second.already_answered, second.attempted, second.succeeded) == (first.questions - 1, 1, 1)
    assert all(record.ok for record in read_predictions(out).values())


def test_a_plain_file_is_not_resumed_as_a_circular_run(sample, tmp_path):
    out = tmp_path / "p.jsonl"
    subset = sample.select(range(2))
    with FakeOpenAIServer(model="m", responder=first_position) as server:
        config = RunConfig(base_url=server.base_url, model="m", concurrency=2, retry=FAST_RETRY)
        run_predictions(subset, out, config, progress=False)
        with pytest.raises(RunnerError, match="holds a plain run"):
            run_predictions(subset, out, RunConfig(**{**config.__dict__, "circular": True}), progress=False)
