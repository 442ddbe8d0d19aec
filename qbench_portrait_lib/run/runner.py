"""Ask a model behind an OpenAI-compatible endpoint every question of the benchmark.

Each question is one chat request: the canonical prompt (:func:`render_prompt`) and the
image as a base64 data URL. Questions are sent grouped by image, and each image is
encoded once, when its first question is sent, and forgotten after its last one, so
memory holds about ``concurrency`` images whatever the dataset's size.

Results are appended to a JSONL file as they complete (see
:mod:`qbench_portrait_lib.run.predictions`), so an interrupted run loses only the requests in
flight; running again skips the ids already answered and retries the failed ones.

>>> request = build_chat_request("Is it sharp?", "data:image/png;base64,AAAA",
...                              RunConfig(base_url="http://localhost:8000/v1", model="m"))
>>> request["model"], request["max_tokens"], request["messages"][0]["content"][1]["type"]
('m', 256, 'image_url')
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import datasets
from tqdm.auto import tqdm

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.contract.prompt import PROMPT_COLUMNS, PROMPT_VERSION, render_prompt
from qbench_portrait_lib.run.client import (
    ChatClient,
    ChatRequestError,
    FatalEndpointError,
    RetryPolicy,
    chat_completions_url,
    run_sync,
)
from qbench_portrait_lib.run.endpoint_guard import check_key_transport
from qbench_portrait_lib.run.image_source import ImageCache, image_loader
from qbench_portrait_lib.run.predictions import (
    PredictionRecord,
    append_prediction,
    drop_torn_last_line,
    read_predictions,
)
from qbench_portrait_lib.run.variants import question_variants

logger = logging.getLogger(__name__)

#: What the runner reads of a row besides the image: the ids, and what the prompt shows.
_QUESTION_COLUMNS = ["id", "image_id", *PROMPT_COLUMNS]


class RunnerError(QBenchError):
    """A run that cannot start or continue as asked (wrong inputs, mismatched out file)."""


class RunStopped(RunnerError):
    """The endpoint cannot answer (credentials refused, circuit breaker tripped): the run stopped.

    ``saved`` answers are in the predictions file; rerunning resumes from them.
    """

    def __init__(self, message: str, *, saved: int, questions: int, out_path: Path) -> None:
        super().__init__(
            f"{message}. {saved} of {questions} answers are saved in {out_path}; "
            "rerun the same command to resume"
        )
        self.saved = saved
        self.questions = questions


@dataclass(frozen=True)
class RunConfig:
    """What to ask and how: the endpoint, the model and the generation settings."""

    base_url: str
    model: str
    max_tokens: int = 256
    temperature: float = 0.0
    concurrency: int = 8
    image_max_side: int | None = None
    timeout_s: float = 120.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    circular: bool = False  # ask every rotation of each question's options (contract/rotation.py)

    def __post_init__(self) -> None:
        chat_completions_url(self.base_url)
        if not self.model:
            raise RunnerError("expected a model name, got an empty string")
        if self.concurrency < 1:
            raise RunnerError(f"concurrency must be at least 1, got {self.concurrency}")
        if self.max_tokens < 1:
            raise RunnerError(f"max_tokens must be at least 1, got {self.max_tokens}")
        if self.image_max_side is not None and self.image_max_side < 1:
            raise RunnerError(
                f"image_max_side must be a positive number of pixels, got {self.image_max_side}"
            )


@dataclass(frozen=True)
class RunSummary:
    """What a run did; ``image_encodings`` counts images encoded (once per distinct image)."""

    questions: int  # requests a full run makes: one per question, or per variant when circular
    distinct_questions: int
    already_answered: int
    attempted: int
    succeeded: int
    failed: int
    distinct_images: int
    image_encodings: int
    http_attempts: int
    retries: int
    wall_s: float


def build_chat_request(prompt: str, image_url: str, config: RunConfig) -> dict[str, Any]:
    """The chat-completions body for one question: the prompt, then the image."""
    return {
        "model": config.model,
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": prompt},
                    {"type": "image_url", "image_url": {"url": image_url}},
                ],
            }
        ],
        "max_tokens": config.max_tokens,
        "temperature": config.temperature,
    }


_IMAGE_SLOT = "@@qbench-portrait-image-url@@"


def encode_chat_request(prompt: str, image_url: bytes, config: RunConfig) -> tuple[bytes, ...]:
    """:func:`build_chat_request` as JSON bytes in pieces: before the image URL, the URL, after it.

    A data URL is plain ASCII that needs no JSON escaping, so the (large) image is neither
    passed through ``json.dumps`` nor copied for each question: the client sends the
    pieces one after the other.

    >>> config = RunConfig(base_url="http://localhost:8000/v1", model="m")
    >>> pieces = encode_chat_request("Sharp?", b"data:image/png;base64,AAAA", config)
    >>> pieces[1]
    b'data:image/png;base64,AAAA'
    >>> json.loads(b"".join(pieces)) == build_chat_request("Sharp?", "data:image/png;base64,AAAA", config)
    True
    """
    template = json.dumps(build_chat_request(prompt, _IMAGE_SLOT, config)).encode()
    head, slot, tail = template.partition(_IMAGE_SLOT.encode())
    if not slot or _IMAGE_SLOT.encode() in tail:  # the prompt itself holds the marker: no shortcut
        return (json.dumps(build_chat_request(prompt, image_url.decode("ascii"), config)).encode(),)
    return head, image_url, tail


def _variant_fields(row: dict[str, Any]) -> dict[str, Any]:
    """A circular variant's ``rotation`` and ``option_order`` for its record (nothing on a plain run)."""
    if row["rotation"] is None:
        return {}
    return {"rotation": row["rotation"], "option_order": tuple(row["option_order"])}


def _load_previous(out_path: Path, config: RunConfig, dataset_ids: set[str]) -> dict[str, PredictionRecord]:
    if not out_path.exists():
        return {}
    drop_torn_last_line(out_path)
    previous = read_predictions(out_path)
    for record in previous.values():
        if record.model is not None and record.model != config.model:
            raise RunnerError(
                f"{out_path} holds answers of model {record.model!r} (id {record.id!r}), not of "
                f"{config.model!r}: write each model's predictions to its own file"
            )
        if record.prompt_version is not None and record.prompt_version != PROMPT_VERSION:
            raise RunnerError(
                f"{out_path} was written with prompt version {record.prompt_version!r} (id {record.id!r}); "
                f"the current prompt is version {PROMPT_VERSION!r}: start a new file"
            )
    for record in previous.values():
        if (record.rotation is not None) != config.circular:
            kind = "a circular run (lines with a rotation)" if record.rotation is not None else "a plain run"
            raise RunnerError(
                f"{out_path} holds {kind} (id {record.id!r}); this run is "
                f"{'circular' if config.circular else 'plain'}: write it to its own file"
            )
    unknown = sorted({record.id for record in previous.values()} - dataset_ids)
    if unknown:
        raise RunnerError(
            f"{out_path} holds {len(unknown)} id(s) that are not in the dataset (first: {unknown[:3]}): "
            "is it the predictions file of another dataset?"
        )
    return previous


async def _run(
    todo: list[tuple[int, dict[str, Any]]],
    cache: ImageCache,
    config: RunConfig,
    api_key: str | None,
    handle: Any,
    bar: Any,
    outcomes: Counter[str],
) -> tuple[Counter[str], int, int]:
    next_item = 0
    client = ChatClient(
        config.base_url,
        api_key=api_key,
        timeout_s=config.timeout_s,
        retry=config.retry,
        max_connections=config.concurrency,
    )

    async def answer(row_index: int, row: dict[str, Any]) -> PredictionRecord:
        common = {"id": row["id"], "model": config.model, "prompt_version": PROMPT_VERSION}
        common.update(_variant_fields(row))
        try:
            image_url = await cache.data_url(row["image_id"], row_index)
        except Exception as error:  # an unreadable image fails its questions, not the run
            return PredictionRecord(
                **common, error=f"image {row['image_id']!r} could not be encoded: {error}"
            )
        payload = encode_chat_request(render_prompt(row, row["option_order"]), image_url, config)
        try:
            result = await client.complete(payload, key=row["key"])
        except FatalEndpointError:
            raise
        except ChatRequestError as error:
            return PredictionRecord(**common, error=str(error))
        return PredictionRecord(
            **common, response=result.text, latency_s=round(result.latency_s, 4), usage=result.usage
        )

    async def worker() -> None:
        nonlocal next_item
        while next_item < len(todo):
            row_index, row = todo[next_item]
            next_item += 1
            # Encode the image of a question `concurrency` places ahead, off the critical path.
            if next_item + config.concurrency < len(todo):
                ahead_index, ahead_row = todo[next_item + config.concurrency]
                cache.prefetch(ahead_row["image_id"], ahead_index)
            try:
                record = await answer(row_index, row)
            finally:
                cache.release(row["image_id"])
            append_prediction(handle, record)
            outcomes["succeeded" if record.ok else "failed"] += 1
            bar.update(1)
            if not record.ok:
                bar.set_postfix(failed=outcomes["failed"], refresh=False)

    async with client:
        workers = [asyncio.ensure_future(worker()) for _ in range(config.concurrency)]
        try:
            await asyncio.gather(*workers)
        finally:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
    return outcomes, client.stats.http_attempts, client.stats.retries


def run_predictions(
    dataset: datasets.Dataset,
    out_path: str | os.PathLike[str],
    config: RunConfig,
    *,
    api_key: str | None = None,
    limit: int | None = None,
    progress: bool = True,
    image_root: str | os.PathLike[str] | None = None,
) -> RunSummary:
    """Answer the questions of ``dataset`` (the first ``limit`` ones) into ``out_path``.

    Ids already answered in ``out_path`` are skipped and failed ones retried; a request
    that still fails after its retries is written with its error. ``api_key`` is sent
    as a Bearer token and nowhere else (never over plain http to another machine).
    Images are the rows' embedded bytes, or files inside ``image_root`` (the dataset's own
    folder) for rows that only hold a path; any other path fails its questions.
    Raises :class:`RunnerError` when ``out_path`` belongs to another model, prompt version
    or dataset, and :class:`RunStopped` when the endpoint refuses the key (401/403) or the
    circuit breaker trips (connections refused, 404 everywhere): what was answered is saved.
    """
    started = time.perf_counter()
    check_key_transport(config.base_url, api_key)
    missing = [name for name in [*_QUESTION_COLUMNS, "image"] if name not in dataset.column_names]
    if missing:
        raise RunnerError(f"the dataset lacks the column(s) {missing}; it has {dataset.column_names}")
    if limit is not None:
        if limit < 1:
            raise RunnerError(f"limit must be at least 1, got {limit}")
        dataset = dataset.select(range(min(limit, len(dataset))))
    questions = dataset.select_columns(_QUESTION_COLUMNS).to_list()
    rows = question_variants(questions, circular=config.circular)
    out_path = Path(out_path)
    previous = _load_previous(out_path, config, {row["id"] for row in questions})
    answered = {key for key, record in previous.items() if record.ok}
    # Group by image (in order of first appearance) so each image is encoded once.
    first_seen: dict[str, int] = {}
    for row in rows:
        first_seen.setdefault(row["image_id"], len(first_seen))
    todo = [
        (row["row"], row)  # the dataset row the image is read from, and the request
        for _, row in sorted(
            ((index, row) for index, row in enumerate(rows) if row["key"] not in answered),
            key=lambda item: (first_seen[item[1]["image_id"]], item[0]),
        )
    ]
    uses = Counter(row["image_id"] for _, row in todo)
    root = Path(image_root) if image_root is not None else None
    cache = ImageCache(image_loader(dataset, root), config.image_max_side, uses)
    logger.info(
        "%d requests (%d questions): %d already answered, %d to ask (%d images)",
        len(rows),
        len(questions),
        len(answered),
        len(todo),
        len(uses),
    )
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with (
        open(out_path, "a", encoding="utf-8") as handle,
        tqdm(
            total=len(rows),
            initial=len(answered),
            desc=f"predict {config.model}",
            unit="q",
            disable=not progress,
        ) as bar,
    ):
        counted: Counter[str] = Counter()
        try:
            outcomes, http_attempts, retries = run_sync(
                _run(todo, cache, config, api_key, handle, bar, counted)
            )
        except FatalEndpointError as error:
            saved = len(answered) + counted["succeeded"]
            raise RunStopped(str(error), saved=saved, questions=len(rows), out_path=out_path) from None
        finally:
            cache.close()
    summary = RunSummary(
        questions=len(rows),
        distinct_questions=len(questions),
        already_answered=len(answered),
        attempted=len(todo),
        succeeded=outcomes["succeeded"],
        failed=outcomes["failed"],
        distinct_images=len(uses),
        image_encodings=cache.encodings,
        http_attempts=http_attempts,
        retries=retries,
        wall_s=time.perf_counter() - started,
    )
    logger.info("run finished: %s", summary)
    return summary
