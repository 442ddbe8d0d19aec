"""Shared setup of the evaluate-module tests: the aggregate tests' inputs as every variant of
a circular run and the scorer's result for them, results compared key by key (NaN equal to
NaN), and the metric loaded and run in several OS processes (ranks) sharing one cache.

Used by tests/test_distributed_metric.py and tests/test_circular_metric.py.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from test_scoring_aggregate import PREDICTIONS, REFERENCES

from qbench_portrait_lib.contract.rotation import variant_orders
from qbench_portrait_lib.scoring import score_predictions

_OFFLINE = {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_EVALUATE_OFFLINE": "1"}

#: One rank: argv is rank, shards file, shared cache dir, rank 0's output file, configuration
#: ("" for the default), experiment id, compute's keyword arguments as JSON.
_RANK = """
import json, sys
import evaluate
from qbench_portrait import METRIC_PATH

rank, inputs, cache_dir, out, config, experiment_id, compute_kwargs = sys.argv[1:8]
rank = int(rank)
shards = json.loads(open(inputs).read())
metric = evaluate.load(METRIC_PATH, config or None, num_process=len(shards), process_id=rank,
                       experiment_id=experiment_id, cache_dir=cache_dir, timeout=120)
for predictions, references in shards[rank]:
    metric.add_batch(predictions=predictions, references=references)
result = metric.compute(**json.loads(compute_kwargs))
if rank == 0:
    open(out, "w").write(json.dumps(result))
else:
    assert result is None, result
"""


def circular_inputs() -> tuple[list[str], list[dict[str, Any]]]:
    """Every variant of the aggregate tests' references; the response picks the same letter each time."""
    predictions, references = [], []
    for prediction, reference in zip(PREDICTIONS, REFERENCES, strict=True):
        for order in variant_orders(reference["question_type"], reference["options"]):
            predictions.append(prediction)
            references.append({**reference, "option_order": list(order)})
    return predictions, references


def score_circular_inputs(predictions: list[str], references: list[dict[str, Any]], **options: Any) -> dict:
    """The scorer's result for references that carry their ``option_order`` (as the metric takes them)."""
    return score_predictions(
        predictions,
        [{k: v for k, v in r.items() if k != "option_order"} for r in references],
        option_orders=[r["option_order"] for r in references],
        **options,
    )


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(actual, float) and math.isnan(actual)
    return actual == expected


def differing_keys(actual: dict, expected: dict) -> list[str]:
    """The keys of ``expected`` whose value ``actual`` does not hold (NaN equals NaN)."""
    return [key for key, value in expected.items() if not _same(actual[key], value)]


def run_ranks(
    tmp_path: Path,
    shards: list[list[tuple[list, list]]],
    *,
    experiment_id: str,
    config: str | None = None,
    compute_kwargs: dict[str, Any] | None = None,
) -> dict:
    """Run the metric in one OS process per shard (each adds its batches, then computes) and
    return rank 0's result; every rank must exit cleanly, and the others must get None."""
    inputs = tmp_path / "shards.json"
    inputs.write_text(json.dumps(shards))
    cache_dir, out = tmp_path / "shared-cache", tmp_path / "rank0.json"
    settings = [config or "", experiment_id, json.dumps(compute_kwargs or {})]
    arguments = [str(inputs), str(cache_dir), str(out), *settings]
    children = []
    for rank in range(len(shards)):
        env = {**os.environ, **_OFFLINE, "HF_HOME": str(tmp_path / f"hf-home-{rank}")}
        command = [sys.executable, "-c", _RANK, str(rank), *arguments]
        children.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    try:
        for rank, child in enumerate(children):
            _, stderr = child.communicate(timeout=240)
            assert child.returncode == 0, f"rank {rank} failed:\n{stderr.decode()[-3000:]}"
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    return json.loads(out.read_text())
