"""The public scoring functions: ``score_all`` (item scores and cells), ``score_predictions``
(the metric's flat dict) and the per-item pass behind them.

>>> refs = [
...     {"id": "q1", "image_id": "i1", "question": "How sharp is the face?", "question_type": "single_choice",
...      "options": ["Sharp", "Slightly blurry", "Very blurry"], "answer": ["Very blurry"],
...      "quality_dimension": "technical", "image_source": "natural", "level": "global",
...      "attribute": "blur", "region": ""},
...     {"id": "q2", "image_id": "i1", "question": "The eyes are sharp.", "question_type": "true_false",
...      "options": ["True", "False"], "answer": ["False"], "quality_dimension": "technical",
...      "image_source": "natural", "level": "local", "attribute": "blur", "region": "eyes"},
... ]
>>> result = score_predictions(["C", "I cannot tell."], refs)
>>> result["overall"], result["parse_failures"], result["question_type/single_choice/score"]
(0.5, 1.0, 1.0)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from qbench_portrait_lib.scoring.aggregate import aggregate
from qbench_portrait_lib.scoring.cells import Scores
from qbench_portrait_lib.scoring.circular_api import score_circular
from qbench_portrait_lib.scoring.collector import collector_paused
from qbench_portrait_lib.scoring.extract import extract_reading
from qbench_portrait_lib.scoring.flatten import flatten
from qbench_portrait_lib.scoring.intervals import MIN_BOOTSTRAP_SAMPLES
from qbench_portrait_lib.scoring.item_scores import ItemScore, score_closed, score_open
from qbench_portrait_lib.scoring.judging import JudgeFn, OpenEndedItem, validate_judge_scores
from qbench_portrait_lib.scoring.open_ended import proxy_score
from qbench_portrait_lib.scoring.predictions import check_predictions  # callers import it from here too
from qbench_portrait_lib.scoring.reading import (
    READER,
    RULES,
    ResponseReader,
    UnreadItem,
    validate_reader_answers,
)
from qbench_portrait_lib.scoring.references import Reference, normalize_references

logger = logging.getLogger(__name__)


def check_options(bootstrap_samples: int, seed: int) -> None:
    """The bootstrap settings: ints, at least :data:`MIN_BOOTSTRAP_SAMPLES` resamples, seed >= 0."""
    if (
        isinstance(bootstrap_samples, bool)
        or not isinstance(bootstrap_samples, int)
        or bootstrap_samples < MIN_BOOTSTRAP_SAMPLES
    ):
        raise ValueError(
            f"bootstrap_samples must be an int >= {MIN_BOOTSTRAP_SAMPLES}, got {bootstrap_samples!r}"
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be an int >= 0, got {seed!r}")


_MEMO_MAX_RESPONSE = 256  # terse responses ("B", "True", "A, C") repeat; long ones rarely do
_NOTHING: tuple[tuple[str, ...] | None, bool] = (None, False)


def _memoized_extraction() -> Callable[[str | None, Reference], tuple[tuple[str, ...] | None, bool]]:
    """(option texts or None, conflict) of a response, for one scoring call, remembering the
    readings of short responses. The question counts only for true/false (its claim)."""
    memo: dict[tuple[str, tuple[str, ...], str, str], tuple[tuple[str, ...] | None, bool]] = {}

    def read(response: str, reference: Reference) -> tuple[tuple[str, ...] | None, bool]:
        question = reference.question if reference.question_type == "true_false" else None
        reading = extract_reading(response, reference.options, reference.question_type, question)
        texts = tuple(reference.options[i] for i in reading.indices) if reading.indices else None
        return texts, reading.conflict

    def parse(response: str | None, reference: Reference) -> tuple[tuple[str, ...] | None, bool]:
        if response is None or not response.strip():
            return _NOTHING
        if len(response) > _MEMO_MAX_RESPONSE:
            return read(response, reference)
        claim = reference.question if reference.question_type == "true_false" else ""
        key = (response, reference.options, reference.question_type, claim)
        reading = memo.get(key)
        if reading is None:
            reading = memo[key] = read(response, reference)
        return reading

    return parse


def _score_closed_items(
    predictions: Sequence[str | None], references: Sequence[Reference], reader: ResponseReader | None
) -> dict[int, ItemScore]:
    """Scores of the closed items by position: the rules first, then the reader (if any) on
    the non-empty responses they left unparsed without a conflict."""
    parse = _memoized_extraction()
    readings: dict[int, tuple[tuple[str, ...] | None, bool]] = {}
    for position, (reference, response) in enumerate(zip(references, predictions, strict=True)):
        if reference.question_type != "open_ended":
            readings[position] = parse(response, reference)
    sources = {position: RULES for position in readings}
    unread = [
        position
        for position, (parsed, conflict) in readings.items()
        if parsed is None and not conflict and (predictions[position] or "").strip()
    ]
    if reader is not None and unread:
        asked = [
            UnreadItem(r.id, r.question, r.question_type, r.options, predictions[p] or "")
            for p, r in ((p, references[p]) for p in unread)
        ]
        answers = validate_reader_answers(reader(asked), asked)
        for position, answer in zip(unread, answers, strict=True):
            if answer is not None:
                readings[position], sources[position] = (answer, False), READER
        logger.info(
            "the reader read %d of %d unparsed responses", len(answers) - answers.count(None), len(asked)
        )
    return {
        position: score_closed(references[position], parsed, sources[position], conflict)
        for position, (parsed, conflict) in readings.items()
    }


def score_items(
    predictions: Sequence[str | None],
    references: Sequence[Reference],
    judge: JudgeFn | None = None,
    reader: ResponseReader | None = None,
) -> list[ItemScore]:
    """Score every item (validated inputs); the reader is called once, on the closed items
    the rules leave unparsed; the judge once, on the open-ended items."""
    items: list[ItemScore | None] = [None] * len(references)
    for position, item in _score_closed_items(predictions, references, reader).items():
        items[position] = item
    open_positions = [p for p, reference in enumerate(references) if reference.question_type == "open_ended"]
    judge_scores: list[float | None] = [None] * len(open_positions)
    if judge is not None and open_positions:
        asked = [
            OpenEndedItem(references[p].id, references[p].question, references[p].answer, predictions[p])
            for p in open_positions
        ]
        judge_scores = validate_judge_scores(judge(asked), len(asked))
        failures = judge_scores.count(None)
        if failures:
            logger.warning(
                "the judge failed on %d of %d open-ended items: their proxy scores count",
                failures,
                len(asked),
            )
    for position, judged_score in zip(open_positions, judge_scores, strict=True):
        reference = references[position]
        proxy = proxy_score(predictions[position], reference.answer, reference.question)
        items[position] = score_open(reference, proxy, judged_score, judged=judge is not None)
    return [item for item in items if item is not None]


@dataclass(frozen=True)
class Scored:
    """Item scores (in input order) and every aggregate of them (see :func:`score_all`)."""

    items: tuple[ItemScore, ...]
    scores: Scores

    def flat(self) -> dict[str, float]:
        """The metric's flat dict (see :func:`~qbench_portrait_lib.scoring.flatten.flatten`)."""
        return flatten(self.scores)


def score_all(
    predictions: Sequence[str | None],
    references: Sequence[Mapping[str, Any]],
    *,
    judge: JudgeFn | None = None,
    reader: ResponseReader | None = None,
    bootstrap_samples: int = 1000,
    seed: int = 0,
    option_orders: Sequence[Sequence[str] | None] | None = None,
) -> Scored:
    """Score raw model responses against the references: item scores and their cells.

    >>> ref = {"id": "q2", "image_id": "i1", "question": "The eyes are sharp.", "question_type": "true_false",
    ...        "options": ["True", "False"], "answer": ["False"], "quality_dimension": "technical",
    ...        "image_source": "natural", "level": "local", "attribute": "blur", "region": "eyes"}
    >>> scored = score_all(["False"], [ref], bootstrap_samples=0)
    >>> cell = scored.scores.cell("level", "local")
    >>> cell.count, cell.closed_score, cell.chance, [item.score for item in scored.items]
    (1, 1.0, 0.5, [1.0])
    """
    if option_orders is not None:  # a circular run: the vanilla items, circular cells in the scores
        return score_circular(
            predictions,
            references,
            option_orders,
            score_all=score_all,
            score_items=score_items,
            judge=judge,
            reader=reader,
            bootstrap_samples=bootstrap_samples,
            seed=seed,
        )[0]
    check_options(bootstrap_samples, seed)
    with collector_paused():
        records = normalize_references(references)
        responses = check_predictions(predictions, records)
    calls_out = judge is not None or reader is not None  # over HTTP: the collector keeps running
    with nullcontext() if calls_out else collector_paused():
        items = score_items(responses, records, judge, reader)
    with collector_paused():
        scores = aggregate(
            items, records, judged=judge is not None, bootstrap_samples=bootstrap_samples, seed=seed
        )
    logger.debug("scored %d items: overall %.4f", len(items), scores.overall.score)
    return Scored(items=tuple(items), scores=scores)


def aggregate_items(
    items: Sequence[ItemScore],
    references: Sequence[Mapping[str, Any]],
    *,
    judged: bool = False,
    bootstrap_samples: int = 1000,
    seed: int = 0,
) -> Scores:
    """The cells of item scores made earlier (e.g. one at a time by a harness hook), without
    scoring anything again; ``references`` are validated and must line up with ``items``.

    >>> ref = {"id": "q2", "image_id": "i1", "question": "The eyes are sharp.", "question_type": 2,
    ...        "options": ["True", "False"], "answer": ["False"], "quality_dimension": 0,
    ...        "image_source": 0, "level": 1, "attribute": "blur", "region": "eyes"}
    >>> items = score_all(["True"], [ref], bootstrap_samples=0).items
    >>> aggregate_items(items, [ref], bootstrap_samples=0).cell("quality_dimension", "technical").closed_score
    0.0
    """
    check_options(bootstrap_samples, seed)
    records = normalize_references(references)
    if len(items) != len(records):
        raise ValueError(
            f"expected one item score per reference: got {len(items)} items for {len(records)} references"
        )
    for index, (item, record) in enumerate(zip(items, records, strict=True)):
        if item.id != record.id:
            raise ValueError(
                f"item {index} scores question {item.id!r} but reference {index} is {record.id!r}"
            )
    return aggregate(items, records, judged=judged, bootstrap_samples=bootstrap_samples, seed=seed)


def score_predictions(
    predictions: Sequence[str | None],
    references: Sequence[Mapping[str, Any]],
    *,
    judge: JudgeFn | None = None,
    reader: ResponseReader | None = None,
    return_details: bool = False,
    bootstrap_samples: int = 1000,
    seed: int = 0,
    option_orders: Sequence[Sequence[str] | None] | None = None,
) -> dict[str, Any]:
    """Score raw model responses against the references; a flat dict of Python floats.

    Keys are documented in the metric card (metric/README.md). ``bootstrap_samples=0``
    skips the bootstrap (the overall interval is then NaN). ``reader``, a
    :class:`.reading.ResponseReader`, reads the closed-format responses the rules leave
    unparsed (never one they read); ``extraction/read_by_rules``,
    ``extraction/read_by_reader``, ``extraction/unparsed`` and ``extraction/conflicts``
    count the closed items. With ``return_details`` the dict also holds ``details``: one
    record per input, in input order, whose ``source`` says who read it ("rules",
    "reader", None when unparsed) and ``conflict`` whether the response contradicts itself.

    ``option_orders`` (one per input) makes it a circular run: see
    :func:`~qbench_portrait_lib.scoring.circular_api.score_circular`; ``details`` then hold
    every variant, with its ``rotation`` and ``order``.
    """
    if option_orders is not None:
        scored, variants = score_circular(
            predictions,
            references,
            option_orders,
            score_all=score_all,
            score_items=score_items,
            judge=judge,
            reader=reader,
            bootstrap_samples=bootstrap_samples,
            seed=seed,
        )
        result: dict[str, Any] = scored.flat()
        if return_details:
            result["details"] = variants.details()
        return result
    scored = score_all(
        predictions, references, judge=judge, reader=reader, bootstrap_samples=bootstrap_samples, seed=seed
    )
    result = scored.flat()
    if return_details:
        result["details"] = [item.as_detail() for item in scored.items]
    return result
