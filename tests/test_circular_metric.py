"""The evaluate module's 'circular' configuration: references carry the variant's option
order; compute adds the circular keys; variants of one question may sit on different ranks."""

from __future__ import annotations

import re

import evaluate
import pytest
from metric_helpers import circular_inputs, differing_keys, run_ranks, score_circular_inputs
from test_scoring_aggregate import PREDICTIONS, REFERENCES

from qbench_portrait import METRIC_PATH
from qbench_portrait_lib.scoring import score_predictions


@pytest.fixture(scope="module")
def metric(tmp_path_factory):
    return evaluate.load(METRIC_PATH, "circular", cache_dir=str(tmp_path_factory.mktemp("circular-cache")))


def test_the_circular_configuration_returns_the_scorers_circular_keys(metric):
    predictions, references = circular_inputs()
    result = metric.compute(predictions=predictions, references=references, bootstrap_samples=0)
    expected = score_circular_inputs(predictions, references, bootstrap_samples=0)
    assert result.keys() == expected.keys()
    assert differing_keys(result, expected) == []
    assert "circular/overall/accuracy" in result and result["circular/overall/count"] > 0
    vanilla = score_predictions(PREDICTIONS, REFERENCES, bootstrap_samples=0)
    assert result["overall"] == vanilla["overall"]


def test_the_circular_configuration_needs_the_option_order(metric):
    with pytest.raises(ValueError, match="needs 'option_order'"):
        metric.compute(predictions=PREDICTIONS[:1], references=REFERENCES[:1])


def test_variants_of_one_question_split_across_ranks_give_the_single_process_result(tmp_path):
    predictions, references = circular_inputs()
    # alternate variants between two ranks: every rotating question has variants on both
    shards = [
        [(predictions[0::2], references[0::2])],
        [(predictions[1::2], references[1::2])],
    ]
    split = {r["id"] for r in references[0::2]} & {r["id"] for r in references[1::2]}
    assert split, "the split must put variants of one question on different ranks"
    distributed = run_ranks(
        tmp_path,
        shards,
        experiment_id="qbench-portrait-circular-test",
        config="circular",
        compute_kwargs={"bootstrap_samples": 0},
    )
    expected = score_circular_inputs(predictions, references, bootstrap_samples=0)
    assert distributed.keys() == expected.keys()
    assert differing_keys(distributed, expected) == []


def test_the_metric_card_documents_every_circular_key(metric):
    from test_metric_module import CARD, documented_key

    predictions, references = circular_inputs()
    keys = metric.compute(predictions=predictions, references=references, bootstrap_samples=0)
    documented = set(re.findall(r"`([^`\s]+)`", CARD.read_text(encoding="utf-8")))
    assert [key for key in keys if not documented_key(key, documented)] == []


@pytest.mark.parametrize(
    ("bad_order", "bad_row", "message"),
    [
        (1, 3, r"^reference 1 \(id 'q1'\): the circular configuration needs 'option_order'"),
        (3, 1, r"^reference 1 \(id 'q1'\): level must be one of"),
        (1, 1, r"^reference 1 \(id 'q1'\): level must be one of"),  # its contract problems first
    ],
)
def test_the_first_bad_reference_is_named_whatever_is_wrong_with_it(metric, bad_order, bad_row, message):
    _, references = circular_inputs()
    references = [dict(reference) for reference in references[:5]]
    del references[bad_order]["option_order"]
    references[bad_row]["level"] = 7
    with pytest.raises(ValueError, match=message):
        metric.add_batch(predictions=["A"] * len(references), references=references)
