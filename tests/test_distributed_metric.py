"""Distributed use: three OS processes add batches (one an empty batch); rank 0 gets the
single-process result exactly."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

from test_scoring_aggregate import PREDICTIONS, REFERENCES

from qbench_portrait_lib.scoring import score_predictions

_RANK = """
import json, sys
import evaluate
from qbench_portrait import METRIC_PATH

rank, inputs, cache_dir, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
shards = json.loads(open(inputs).read())
metric = evaluate.load(METRIC_PATH, num_process=len(shards), process_id=rank,
                       experiment_id="qbench-portrait-distributed-test", cache_dir=cache_dir, timeout=120)
for predictions, references in shards[rank]:
    metric.add_batch(predictions=predictions, references=references)
result = metric.compute(return_details=True)
if rank == 0:
    open(out, "w").write(json.dumps(result))
else:
    assert result is None, result
"""


def _same(actual, expected) -> bool:
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(actual, float) and math.isnan(actual)
    return actual == expected


def test_three_ranks_one_of_them_empty_give_the_single_process_result(tmp_path):
    shards = [
        [(PREDICTIONS[:2], REFERENCES[:2]), (PREDICTIONS[2:4], REFERENCES[2:4])],
        [([], [])],  # this rank has no data but must still take part
        [(PREDICTIONS[4:], REFERENCES[4:])],
    ]
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
    expected = score_predictions(PREDICTIONS, REFERENCES, return_details=True)
    expected_details = json.loads(json.dumps(expected.pop("details")))  # tuples -> lists, as through JSON
    assert distributed.pop("details") == expected_details
    assert distributed.keys() == expected.keys()
    differing = [key for key, value in expected.items() if not _same(distributed[key], value)]
    assert differing == []
