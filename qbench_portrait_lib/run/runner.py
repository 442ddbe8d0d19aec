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

import logging
import os
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import datasets
from tqdm.auto import tqdm

from qbench_portrait_lib.contract.prompt import PROMPT_COLUMNS
from qbench_portrait_lib.run.ask_loop import PlannedRequest, ask_all
from qbench_portrait_lib.run.chat_request import build_chat_request, encode_chat_request
from qbench_portrait_lib.run.client import ChatEndpoint, FatalEndpointError, run_sync
from qbench_portrait_lib.run.image_source import ImageCache, image_loader
from qbench_portrait_lib.run.resume import load_previous, plan_requests
from qbench_portrait_lib.run.run_config import RunConfig, RunnerError, RunStopped, RunSummary
from qbench_portrait_lib.run.variants import question_variants

__all__ = [
    "RunConfig",
    "RunStopped",
    "RunSummary",
    "RunnerError",
    "build_chat_request",
    "encode_chat_request",
    "run_predictions",
]

logger = logging.getLogger(__name__)

#: What the runner reads of a row besides the image: the ids, and what the prompt shows.
_QUESTION_COLUMNS = ["id", "image_id", *PROMPT_COLUMNS]


@dataclass(frozen=True)
class _RunPlan:
    """What a run asks, worked out before the first request."""

    dataset: datasets.Dataset  # the rows asked about (the first ``limit`` ones)
    questions: list[dict[str, Any]]  # the distinct questions
    requests: list[dict[str, Any]]  # one per question, or per variant when circular
    answered: set[str]  # request keys the out file already answers
    todo: list[PlannedRequest]  # the requests left to ask, grouped by image
    image_uses: Counter[str]  # requests left per image


def run_predictions(
    dataset: datasets.Dataset,
    out_path: str | os.PathLike[str],
    config: RunConfig,
    *,
    api_key: str | None = None,
    endpoint: ChatEndpoint | None = None,
    limit: int | None = None,
    progress: bool = True,
    image_root: str | os.PathLike[str] | None = None,
) -> RunSummary:
    """Answer the questions of ``dataset`` (the first ``limit`` ones) into ``out_path``.

    Ids already answered in ``out_path`` are skipped and failed ones retried; a request
    that still fails after its retries is written with its error. ``api_key`` is sent
    as a Bearer token and nowhere else (never over plain http to another machine); a caller
    that made the :class:`ChatEndpoint` of ``config.base_url`` already (``predict`` does, before
    loading the dataset) passes it as ``endpoint`` instead.
    Images are the rows' embedded bytes, or files inside ``image_root`` (the dataset's own
    folder) for rows that only hold a path; any other path fails its questions.
    Raises :class:`RunnerError` when ``out_path`` belongs to another model, prompt version
    or dataset, and :class:`RunStopped` when the endpoint refuses the key (401/403) or the
    circuit breaker trips (connections refused, 404 everywhere): what was answered is saved.
    """
    started = time.perf_counter()
    endpoint = _run_endpoint(config, api_key, endpoint)
    out_path = Path(out_path)
    plan = _plan_run(dataset, out_path, config, limit)
    root = Path(image_root) if image_root is not None else None
    cache = ImageCache(image_loader(plan.dataset, root), config.image_max_side, plan.image_uses)
    logger.info(
        "%d requests (%d questions): %d already answered, %d to ask (%d images)",
        len(plan.requests),
        len(plan.questions),
        len(plan.answered),
        len(plan.todo),
        len(plan.image_uses),
    )
    outcomes, http_attempts, retries = _ask_and_save(plan, cache, config, endpoint, out_path, progress)
    summary = RunSummary(
        questions=len(plan.requests),
        distinct_questions=len(plan.questions),
        already_answered=len(plan.answered),
        attempted=len(plan.todo),
        succeeded=outcomes["succeeded"],
        failed=outcomes["failed"],
        distinct_images=len(plan.image_uses),
        image_encodings=cache.encodings,
        http_attempts=http_attempts,
        retries=retries,
        wall_s=time.perf_counter() - started,
    )
    logger.info("run finished: %s", summary)
    return summary


def _run_endpoint(config: RunConfig, api_key: str | None, endpoint: ChatEndpoint | None) -> ChatEndpoint:
    """The endpoint a run asks: ``endpoint`` as the caller made it, else ``config.base_url`` with ``api_key``.

    >>> config = RunConfig(base_url="http://localhost:8000/v1", model="m")
    >>> _run_endpoint(config, None, ChatEndpoint("http://localhost:9000/v1"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qbench_portrait_lib.run.run_config.RunnerError: expected the endpoint of the run's base URL ...
    """
    if endpoint is None:
        return ChatEndpoint(config.base_url, api_key)
    if endpoint.base_url != config.base_url or api_key is not None:
        raise RunnerError(
            f"expected the endpoint of the run's base URL {config.base_url!r} with the API key inside it, "
            f"got {endpoint!r} and {'an' if api_key is not None else 'no'} api_key besides"
        )
    return endpoint


def _select_rows(dataset: datasets.Dataset, limit: int | None) -> datasets.Dataset:
    """The first ``limit`` rows (all without a limit), once the dataset has every column a run reads."""
    missing = [name for name in [*_QUESTION_COLUMNS, "image"] if name not in dataset.column_names]
    if missing:
        raise RunnerError(f"the dataset lacks the column(s) {missing}; it has {dataset.column_names}")
    if limit is None:
        return dataset
    if limit < 1:
        raise RunnerError(f"limit must be at least 1, got {limit}")
    return dataset.select(range(min(limit, len(dataset))))


def _plan_run(dataset: datasets.Dataset, out_path: Path, config: RunConfig, limit: int | None) -> _RunPlan:
    """The questions, their requests, what ``out_path`` already answers and what is left to ask."""
    dataset = _select_rows(dataset, limit)
    questions = dataset.select_columns(_QUESTION_COLUMNS).to_list()
    requests = question_variants(questions, circular=config.circular)
    previous = load_previous(out_path, config, {row["id"] for row in questions})
    answered = {key for key, record in previous.items() if record.ok}
    todo = plan_requests(requests, answered)
    uses = Counter(row["image_id"] for _, row in todo)
    return _RunPlan(dataset, questions, requests, answered, todo, uses)


def _ask_and_save(
    plan: _RunPlan,
    cache: ImageCache,
    config: RunConfig,
    endpoint: ChatEndpoint,
    out_path: Path,
    progress: bool,
) -> tuple[Counter[str], int, int]:
    """Ask ``plan.todo``, appending to ``out_path`` under a progress bar; outcomes, attempts, retries.

    Raises :class:`RunStopped`, saying how many answers are saved, when the endpoint
    cannot answer at all.
    """
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with (
        open(out_path, "a", encoding="utf-8") as handle,
        tqdm(
            total=len(plan.requests),
            initial=len(plan.answered),
            desc=f"predict {config.model}",
            unit="q",
            disable=not progress,
        ) as bar,
    ):
        counted: Counter[str] = Counter()
        try:
            return run_sync(ask_all(plan.todo, cache, config, endpoint, handle, bar, counted))
        except FatalEndpointError as error:
            saved = len(plan.answered) + counted["succeeded"]
            raise RunStopped(
                str(error), saved=saved, questions=len(plan.requests), out_path=out_path
            ) from None
        finally:
            cache.close()
