"""The request loop of a run: ``concurrency`` workers ask the planned requests and save each answer.

The workers take the requests in the planned order (grouped by image, see
:func:`~qbench_portrait_lib.run.resume.plan_requests`); each request's image is
prefetched ``concurrency`` places ahead, off the critical path, and released once its
question is answered, so an image is encoded once and memory holds about
``concurrency`` images. Each answer, or the error of a request that failed for good, is
appended to the predictions file as soon as it arrives. An unreadable image fails its
questions, not the run; an endpoint that cannot answer at all
(:class:`~qbench_portrait_lib.run.client.FatalEndpointError`) stops the loop.

>>> variant_fields({"rotation": None, "option_order": None})
{}
>>> variant_fields({"rotation": 1, "option_order": [1, 2, 0]})
{'rotation': 1, 'option_order': (1, 2, 0)}
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import Any

from qbench_portrait_lib.contract.prompt import PROMPT_VERSION, render_prompt
from qbench_portrait_lib.run.chat_request import encode_chat_request
from qbench_portrait_lib.run.client import ChatClient, ChatEndpoint, ChatRequestError, FatalEndpointError
from qbench_portrait_lib.run.image_source import ImageCache
from qbench_portrait_lib.run.predictions import PredictionRecord, append_prediction
from qbench_portrait_lib.run.run_config import RunConfig

#: A planned request: the dataset row its image is read from, and the request (a question variant).
PlannedRequest = tuple[int, dict[str, Any]]


def variant_fields(row: dict[str, Any]) -> dict[str, Any]:
    """A circular variant's ``rotation`` and ``option_order`` for its record (nothing on a plain run)."""
    if row["rotation"] is None:
        return {}
    return {"rotation": row["rotation"], "option_order": tuple(row["option_order"])}


@dataclass
class AskLoop:
    """The shared state of the workers: the next request to take, and what to do with an answer."""

    todo: list[PlannedRequest]
    cache: ImageCache
    config: RunConfig
    client: ChatClient
    handle: Any  # the predictions file, open for appending
    bar: Any  # the progress bar
    outcomes: Counter[str]
    next_item: int = 0

    async def worker(self) -> None:
        """Take requests until none is left: ask each, then save its record."""
        while self.next_item < len(self.todo):
            row_index, row = self._take_next()
            try:
                record = await self.answer(row_index, row)
            finally:
                self.cache.release(row["image_id"])
            self._save(record)

    def _take_next(self) -> PlannedRequest:
        """The next planned request; starts encoding the image of one ``concurrency`` places ahead."""
        planned = self.todo[self.next_item]
        self.next_item += 1
        ahead = self.next_item + self.config.concurrency
        if ahead < len(self.todo):
            ahead_index, ahead_row = self.todo[ahead]
            self.cache.prefetch(ahead_row["image_id"], ahead_index)
        return planned

    async def answer(self, row_index: int, row: dict[str, Any]) -> PredictionRecord:
        """The record of one request: the model's answer, or the error it failed with."""
        common = {"id": row["id"], "model": self.config.model, "prompt_version": PROMPT_VERSION}
        common.update(variant_fields(row))
        try:
            image_url = await self.cache.data_url(row["image_id"], row_index)
        except Exception as error:  # an unreadable image fails its questions, not the run
            return PredictionRecord(
                **common, error=f"image {row['image_id']!r} could not be encoded: {error}"
            )
        payload = encode_chat_request(render_prompt(row, row["option_order"]), image_url, self.config)
        try:
            result = await self.client.complete(payload, key=row["key"])
        except FatalEndpointError:
            raise
        except ChatRequestError as error:
            return PredictionRecord(**common, error=str(error))
        return PredictionRecord(
            **common, response=result.text, latency_s=round(result.latency_s, 4), usage=result.usage
        )

    def _save(self, record: PredictionRecord) -> None:
        """Append ``record`` to the predictions file and count it."""
        append_prediction(self.handle, record)
        self.outcomes["succeeded" if record.ok else "failed"] += 1
        self.bar.update(1)
        if not record.ok:
            self.bar.set_postfix(failed=self.outcomes["failed"], refresh=False)


async def ask_all(
    todo: list[PlannedRequest],
    cache: ImageCache,
    config: RunConfig,
    endpoint: ChatEndpoint,
    handle: Any,
    bar: Any,
    outcomes: Counter[str],
) -> tuple[Counter[str], int, int]:
    """Ask every request of ``todo``; the outcomes, HTTP attempts and retries.

    ``outcomes`` counts ``succeeded`` and ``failed`` records as they are saved, so the
    caller knows how many were saved when a :class:`FatalEndpointError` stops the loop.
    """
    client = ChatClient(
        endpoint,
        timeout_s=config.timeout_s,
        retry=config.retry,
        max_connections=config.concurrency,
    )
    loop = AskLoop(todo, cache, config, client, handle, bar, outcomes)
    async with client:
        workers = [asyncio.ensure_future(loop.worker()) for _ in range(config.concurrency)]
        try:
            await asyncio.gather(*workers)
        finally:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
    return outcomes, client.stats.http_attempts, client.stats.retries
