"""Distributed use: three OS processes add batches (one an empty batch); rank 0 gets the
single-process result exactly."""

from __future__ import annotations

import json

from metric_helpers import differing_keys, run_ranks
from test_scoring_aggregate import PREDICTIONS, REFERENCES

from qbench_portrait_lib.scoring import score_predictions


def test_three_ranks_one_of_them_empty_give_the_single_process_result(tmp_path):
    shards = [
        [(PREDICTIONS[:2], REFERENCES[:2]), (PREDICTIONS[2:4], REFERENCES[2:4])],
        [([], [])],  # this rank has no data but must still take part
        [(PREDICTIONS[4:], REFERENCES[4:])],
    ]
    distributed = run_ranks(
        tmp_path,
        shards,
        experiment_id="qbench-portrait-distributed-test",
        compute_kwargs={"return_details": True},
    )
    expected = score_predictions(PREDICTIONS, REFERENCES, return_details=True)
    expected_details = json.loads(json.dumps(expected.pop("details")))  # tuples -> lists, as through JSON
    assert distributed.pop("details") == expected_details
    assert distributed.keys() == expected.keys()
    assert differing_keys(distributed, expected) == []
