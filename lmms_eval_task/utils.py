"""lmms-eval hooks for Q-Bench-Portrait: the canonical prompt in, this project's scoring out.

lmms-eval imports this file from the task folder (``--include_path lmms_eval_task``);
it needs ``qbench-portrait`` installed in the same environment. Each document is a row
of the exported dataset (ClassLabel columns as ints, ``image`` as a PIL image).

- :func:`doc_to_visual` / :func:`doc_to_text`: the image and the canonical prompt
  (``qbench_portrait_lib.contract.prompt.render_prompt``), so lmms-eval asks exactly what
  ``qbench-portrait predict`` asks;
- :func:`process_results`: extracts and scores one response with the scoring core (the
  only time a response is read) and returns one record per metric the item belongs to,
  whose ``score`` is the item's value for that metric (its score; for
  ``parse_failure_rate`` 1.0 if the response committed to nothing usable); a format,
  dimension or level metric gets records only from its own items. lmms-eval's standard
  errors (``score_key: score``, clustered by the YAML's ``cluster_key: image_id``) are
  therefore each metric's own;
- ``aggregate_*``: aggregate a metric's records' item scores into the scorer's cells (no
  extraction, no rescoring) and return the metric's key of their flat dict, so every number
  equals what ``qbench-portrait score`` reports for the same responses (and the mean of the
  records' ``score``). Open-ended items get the offline proxy score (no LLM judge inside
  lmms-eval).

Unlike answer parsers that guess, an unparsable response scores 0 and counts in
``parse_failure_rate``; nothing is random.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from qbench_portrait_lib.baselines.image_statistics import open_image
from qbench_portrait_lib.contract.columns import CLOSED_TYPES, REFERENCE_COLUMNS, label_name, option_letter
from qbench_portrait_lib.contract.prompt import render_prompt
from qbench_portrait_lib.scoring import flatten
from qbench_portrait_lib.scoring.api import aggregate_items, check_predictions, score_items
from qbench_portrait_lib.scoring.item_scores import ItemScore
from qbench_portrait_lib.scoring.references import normalize_references

#: Metric names of the YAML's metric_list, each with the key of score_predictions' result it reports.
METRIC_KEYS: dict[str, str] = {
    "overall": "overall",
    "overall_all_items": "overall_all_items",
    "single_choice": "question_type/single_choice/score",
    "multiple_choice": "question_type/multiple_choice/score",
    "true_false": "question_type/true_false/score",
    "open_ended_proxy": "question_type/open_ended/score",
    "technical": "quality_dimension/technical/score",
    "aigc": "quality_dimension/aigc/score",
    "aesthetic": "quality_dimension/aesthetic/score",
    "global": "level/global/score",
    "local": "level/local/score",
    "parse_failure_rate": "parse_failure_rate",
}


def doc_to_visual(doc: Mapping[str, Any]) -> list[Any]:
    """The question's image as a one-element list of RGB PIL images."""
    return [open_image(doc["image"]).convert("RGB")]


def doc_to_text(doc: Mapping[str, Any], lmms_eval_specific_kwargs: Mapping[str, str] | None = None) -> str:
    """The canonical prompt, between the optional pre/post prompts of the YAML (empty by default)."""
    kwargs = lmms_eval_specific_kwargs or {}
    return f"{kwargs.get('pre_prompt', '')}{render_prompt(doc)}{kwargs.get('post_prompt', '')}"


def doc_to_target(doc: Mapping[str, Any]) -> str:
    """The expected answer as the prompt asks for it: letters, True/False, or the reference text."""
    qtype = label_name("question_type", doc["question_type"])
    answers = list(doc["answer"])
    if qtype in ("single_choice", "multiple_choice"):
        options = list(doc["options"])
        return ", ".join(option_letter(options.index(answer)) for answer in answers)
    return " / ".join(answers)


def reference_of(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The document without its image: the reference record the scoring core takes."""
    missing = [column for column in REFERENCE_COLUMNS if column not in doc]
    if missing:
        raise KeyError(f"document {doc.get('id')!r} lacks the contract column(s) {missing}")
    return {column: doc[column] for column in REFERENCE_COLUMNS}


def metric_value(metric: str, reference: Mapping[str, Any], detail: Mapping[str, Any]) -> float | None:
    """The item's value for ``metric`` (what lmms-eval averages), or None if not in its cell.

    >>> ref = {"question_type": 2, "quality_dimension": "aigc", "level": "local"}
    >>> detail = {"score": 0.0, "parse_failed": True}
    >>> [metric_value(m, ref, detail) for m in ("true_false", "single_choice", "parse_failure_rate")]
    [0.0, None, 1.0]
    """
    key = METRIC_KEYS[metric]
    closed = label_name("question_type", reference["question_type"]) in CLOSED_TYPES
    if key == "overall_all_items":  # every item, open-ended ones by the offline proxy
        return float(detail["score"])
    if key in ("overall", "parse_failure_rate"):
        # without a judge (lmms-eval has none here) the headline is the closed formats' score
        if not closed:
            return None
        return float(bool(detail["parse_failed"])) if key == "parse_failure_rate" else float(detail["score"])
    group, value, _ = key.split("/")
    return float(detail["score"]) if label_name(group, reference[group]) == value else None


def process_results(doc: Mapping[str, Any], results: Sequence[str | None]) -> dict[str, dict[str, Any]]:
    """Score one response; one record per metric whose cell holds the item.

    Each record carries the metric's own ``score`` for this item, the ``image_id`` (the
    YAML's ``cluster_key``), and the reference, response and item details the aggregation
    reads (the records of one item share them).
    """
    if len(results) != 1:
        raise ValueError(f"expected one generated response for {doc.get('id')!r}, got {len(results)}")
    reference = reference_of(doc)
    response = results[0]
    checked = normalize_references([reference])
    (item,) = score_items(check_predictions([response], checked), checked)
    detail = item.as_detail()
    shared = {
        "image_id": reference["image_id"],
        "reference": reference,
        "response": response,
        "parsed": list(item.parsed) if item.parsed is not None else None,
        "item": detail,
    }
    records = {}
    for metric in METRIC_KEYS:
        value = metric_value(metric, reference, detail)
        if value is not None:
            records[metric] = {"score": value, **shared}
    return records


#: The last records aggregated and their flat scores: an aggregation called again on the same
#: record objects does not recompute. The records are held, so their identities cannot be
#: reused by other objects while cached.
_last: list[Any] = [(), {}]


def score_records(records: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """The flat scores of the records process_results produced, from their item scores (no
    bootstrap: lmms-eval computes its own standard errors)."""
    cached_records, cached_scores = _last
    same = len(cached_records) == len(records)
    if same and all(a is b for a, b in zip(cached_records, records, strict=True)):
        return cached_scores
    items = [ItemScore.from_detail(record["item"]) for record in records]
    scores = aggregate_items(items, [record["reference"] for record in records], bootstrap_samples=0)
    _last[:] = [tuple(records), flatten(scores)]
    return _last[1]


def _aggregator(metric: str):
    key = METRIC_KEYS[metric]

    def aggregate(records: Sequence[Mapping[str, Any]]) -> float:
        return float(score_records(records)[key])

    aggregate.__name__ = f"aggregate_{metric}"
    aggregate.__doc__ = f"The {key!r} value of the scorer's flat dict over the metric's records."
    return aggregate


aggregate_overall = _aggregator("overall")
aggregate_overall_all_items = _aggregator("overall_all_items")
aggregate_single_choice = _aggregator("single_choice")
aggregate_multiple_choice = _aggregator("multiple_choice")
aggregate_true_false = _aggregator("true_false")
aggregate_open_ended_proxy = _aggregator("open_ended_proxy")
aggregate_technical = _aggregator("technical")
aggregate_aigc = _aggregator("aigc")
aggregate_aesthetic = _aggregator("aesthetic")
aggregate_global = _aggregator("global")
aggregate_local = _aggregator("local")
aggregate_parse_failure_rate = _aggregator("parse_failure_rate")
