"""The evaluate module's 'circular' configuration: references carry the variant's option
order; compute adds the circular keys; variants of one question may sit on different ranks."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys

import evaluate
import pytest
from test_scoring_aggregate import PREDICTIONS, REFERENCES

from qbench_portrait import METRIC_PATH
from qbench_portrait_lib.contract.rotation import variant_orders
from qbench_portrait_lib.scoring import score_predictions


def circular_inputs():
    """Every variant of the aggregate tests' references; the response picks the same letter each time."""
    predictions, references = [], []
    for prediction, reference in zip(PREDICTIONS, REFERENCES, strict=True):
        for order in variant_orders(reference["question_type"], reference["options"]):
            predictions.append(prediction)
            references.append({**reference, "option_order": list(order)})
    return predictions, references


def _same(actual, expected) -> bool:
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(actual, float) and math.isnan(actual)
    return actual == expected


@pytest.fixture(scope="module")
def metric(tmp_path_factory):
    return evaluate.load(METRIC_PATH, "circular", cache_dir=str(tmp_path_factory.mktemp("circular-cache")))


def test_the_circular_configuration_returns_the_scorers_circular_keys(metric):
    predictions, references = circular_inputs()
    result = metric.compute(predictions=predictions, references=references, bootstrap_samples=0)
    expected = score_predictions(
        predictions,
        [{k: v for k, v in r.items() if k != "option_order"} for r in references],
        option_orders=[r["option_order"] for r in references],
        bootstrap_samples=0,
    )
    assert result.keys() == expected.keys()
    assert all(_same(result[key], value) for key, value in expected.items())
    assert "circular/overall/accuracy" in result and result["circular/overall/count"] > 0
    vanilla = score_predictions(PREDICTIONS, REFERENCES, bootstrap_samples=0)
    assert result["overall"] == vanilla["overall"]


def test_the_circular_configuration_needs_the_option_order(metric):
    with pytest.raises(ValueError, match="needs 'option_order'"):
        metric.compute(predictions=PREDICTIONS[:1], references=REFERENCES[:1])


_RANK = """
import json, sys
import evaluate
from qbench_portrait import METRIC_PATH

rank, inputs, cache_dir, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
shards = json.loads(open(inputs).read())
metric = evaluate.load(METRIC_PATH, "circular", num_process=len(shards), process_id=rank,
                       experiment_id="qbench-portrait-circular-test", cache_dir=cache_dir, timeout=120)
for predictions, references in shards[rank]:
    metric.add_batch(predictions=predictions, references=references)
result = metric.compute(bootstrap_samples=0)
if rank == 0:
    open(out, "w").write(json.dumps(result))
else:
    assert result is None, result
"""


def test_variants_of_one_question_split_across_ranks_give_the_single_process_result(tmp_path):
    predictions, references = circular_inputs()
    # alternate variants between two ranks: every rotating question has variants on both
    shards = [
        [(predictions[0::2], references[0::2])],
        [(predictions[1::2], references[1::2])],
    ]
    split = {r["id"] for r in references[0::2]} & {r["id"] for r in references[1::2]}
    assert split, "the split must put variants of one question on different ranks"
    inputs = tmp_path / "shards.json"
    inputs.write_text(json.dumps(shards))
    cache_dir, out = tmp_path / "shared-cache", tmp_path / "rank0.json"
    children = []
    for rank in range(len(shards)):
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_EVALUATE_OFFLINE": "1"}
        env["HF_HOME"] = str(tmp_path / f"hf-home-{rank}")
        command = [sys.executable, "-c", _RANK, str(rank), str(inputs), str(cache_dir), str(out)]
        children.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    try:
        for rank, child in enumerate(children):
            _, stderr = child.communicate(timeout=240)
            assert child.returncode == 0, f"rank {rank} failed:\n{stderr.decode()[-3000:]}"
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    distributed = json.loads(out.read_text())
    expected = score_predictions(
        predictions,
        [{k: v for k, v in r.items() if k != "option_order"} for r in references],
        option_orders=[r["option_order"] for r in references],
        bootstrap_samples=0,
    )
    assert distributed.keys() == expected.keys()
    assert [key for key, value in expected.items() if not _same(distributed[key], value)] == []


def test_the_metric_card_documents_every_circular_key(metric):
    from test_metric_module import CARD, documented_key

    predictions, references = circular_inputs()
    keys = metric.compute(predictions=predictions, references=references, bootstrap_samples=0)
    documented = set(re.findall(r"`([^`\s]+)`", CARD.read_text(encoding="utf-8")))
    assert [key for key in keys if not documented_key(key, documented)] == []
