"""The evaluate module: loading, its documented examples, inputs and errors."""

from __future__ import annotations

import doctest
import importlib.util
import math
import re
from pathlib import Path
from unittest import mock

import evaluate
import pytest
from test_scoring_aggregate import PREDICTIONS, REFERENCES

from qbench_portrait import METRIC_PATH
from qbench_portrait_lib.contract.columns import LABEL_COLUMNS
from qbench_portrait_lib.scoring import score_predictions

CARD = Path(METRIC_PATH).with_name("README.md")


@pytest.fixture(scope="module")
def metric(tmp_path_factory):
    return evaluate.load(METRIC_PATH, cache_dir=str(tmp_path_factory.mktemp("metric-cache")))


def same_results(actual: dict, expected: dict) -> bool:
    assert actual.keys() == expected.keys()
    for key, value in expected.items():
        if isinstance(value, float) and math.isnan(value):
            assert math.isnan(actual[key]), key
        else:
            assert actual[key] == value, key
    return True


def module_namespace() -> dict:
    spec = importlib.util.spec_from_file_location("qbench_portrait_metric_source", METRIC_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return vars(module)


def _load_this_metric(name, *args, **kwargs):
    """``evaluate.load`` as evaluate's own metric test patches it: the docs' name is this metric."""
    assert name == "qbench_portrait", f"the examples must load 'qbench_portrait', got {name!r}"
    return _EVALUATE_LOAD(METRIC_PATH, *args, **kwargs)


_EVALUATE_LOAD = evaluate.load


def run_examples(text: str, name: str) -> doctest.TestResults:
    test = doctest.DocTestParser().get_doctest(text, {}, name, METRIC_PATH, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    with mock.patch("evaluate.load", side_effect=_load_this_metric):
        runner.run(test)
    return runner.summarize(verbose=False)


def test_compute_equals_the_pure_function(metric):
    result = metric.compute(predictions=PREDICTIONS, references=REFERENCES, return_details=True)
    assert same_results(result, score_predictions(PREDICTIONS, REFERENCES, return_details=True))


def test_batches_with_label_ints_and_none_first_equal_one_compute(metric):
    as_ints = [{**ref, **{c: LABEL_COLUMNS[c].index(ref[c]) for c in LABEL_COLUMNS}} for ref in REFERENCES]
    predictions = [None, *PREDICTIONS[1:]]
    metric.add_batch(predictions=predictions[:3], references=as_ints[:3])
    metric.add_batch(predictions=[], references=[])
    metric.add_batch(predictions=predictions[3:], references=REFERENCES[3:])
    assert same_results(metric.compute(), score_predictions(predictions, REFERENCES))


def test_add_one_item_at_a_time(metric):
    for prediction, reference in zip(PREDICTIONS, REFERENCES, strict=True):
        metric.add(prediction=prediction, reference=reference)
    assert metric.compute(bootstrap_samples=0)["overall_all_items"] == 0.5


def test_the_kwargs_description_examples_run():
    namespace = module_namespace()
    results = run_examples(namespace["_KWARGS_DESCRIPTION"], "_KWARGS_DESCRIPTION")
    assert results.failed == 0 and results.attempted >= 3 * 2
    assert len(re.findall(r"^\s*Examples:", namespace["_KWARGS_DESCRIPTION"], re.MULTILINE)) == 1
    assert namespace["_CITATION"].strip().startswith("@") and namespace["_DESCRIPTION"].strip()


def test_the_metric_card_examples_run():
    text = CARD.read_text(encoding="utf-8")
    results = run_examples(text, "metric/README.md")
    assert results.failed == 0 and results.attempted >= 3


def test_the_metric_card_has_the_evaluate_sections_and_documents_every_key(metric):
    text = CARD.read_text(encoding="utf-8")
    for section in (
        "Metric Description",
        "How to Use",
        "Inputs",
        "Output Values",
        "Examples",
        "Limitations and Bias",
        "Citation",
    ):
        assert f"## {section}" in text, section
    keys = metric.compute(predictions=PREDICTIONS, references=REFERENCES, bootstrap_samples=0)
    documented = set(re.findall(r"`([^`\s]+)`", text))
    for key in keys:
        assert documented_key(key, documented), key


def documented_key(key: str, documented: set[str]) -> bool:
    """Whether the card names ``key`` itself or its pattern (cells, positions, circular cells)."""
    patterns = [
        (r"^position_bias/[A-Z]/(\w+)$", r"position_bias/{letter}/\1"),
        (r"^circular/overall/(\w+)$", r"circular/overall/{key}"),
        (r"^circular/\w+/\w+/(\w+)$", r"circular/{breakdown}/{value}/{key}"),
        (r"^\w+/[\w.]+/(\w+)$", r"{group}/{value}/\1"),
    ]
    for pattern, generic in patterns:
        match = re.match(pattern, key)
        if match:
            circular_key = generic.endswith("{key}") and match.group(1) in documented
            return match.expand(generic) in documented and (circular_key or "{key}" not in generic)
    return key in documented


def test_the_module_has_one_import_per_line():
    source = Path(METRIC_PATH).read_text(encoding="utf-8")
    assert not re.search(r"^import \w+\s*,", source, re.MULTILINE)
    assert not re.search(r"^from \S+ import [^(\n]*,", source, re.MULTILINE)


@pytest.mark.parametrize(
    ("predictions", "references", "error", "message"),
    [
        (
            PREDICTIONS[:7],
            REFERENCES,
            ValueError,
            "expected one prediction per reference: got 7 predictions for 8",
        ),
        (
            [3, *PREDICTIONS[1:]],
            REFERENCES,
            TypeError,
            r"prediction 0 \(id 'q1'\) must be a string or None, got int 3",
        ),
        (
            PREDICTIONS,
            [{k: v for k, v in r.items() if k != "region"} for r in REFERENCES],
            ValueError,
            r"reference 0 \(id 'q1'\): missing column 'region'",
        ),
        (
            PREDICTIONS,
            [{**r, "level": "middle"} for r in REFERENCES],
            ValueError,
            r"reference 0 \(id 'q1'\): level must be one of \['global', 'local'\] or an int .* got 'middle'",
        ),
    ],
)
def test_bad_input_is_reported_clearly(metric, predictions, references, error, message):
    with pytest.raises(error, match=message):
        metric.compute(predictions=predictions, references=references)


def test_scoring_options_pass_through_evaluate(metric):
    result = metric.compute(predictions=PREDICTIONS, references=REFERENCES, bootstrap_samples=200, seed=5)
    assert same_results(result, score_predictions(PREDICTIONS, REFERENCES, bootstrap_samples=200, seed=5))
    skipped = metric.compute(predictions=PREDICTIONS, references=REFERENCES, bootstrap_samples=0)
    assert math.isnan(skipped["overall_ci_low"]) and math.isnan(skipped["overall_ci_high"])


def test_the_module_loads_from_a_folder_of_its_own(tmp_path):
    """An installed copy is the same file somewhere else: it must need nothing beside it."""
    folder = tmp_path / "qbench_portrait"
    folder.mkdir()
    (folder / "qbench_portrait.py").write_text(
        Path(METRIC_PATH).read_text(encoding="utf-8"), encoding="utf-8"
    )
    moved = evaluate.load(str(folder), cache_dir=str(tmp_path / "cache"))
    assert moved.compute(predictions=PREDICTIONS, references=REFERENCES)["overall_all_items"] == 0.5
