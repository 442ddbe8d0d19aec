"""Reading one unparsed response with the LLM reader: the attempts, the reply cache, the stats.

An item is asked at temperature 0; a malformed reply is asked again with a reminder of
the format (``reply_retries`` times, each attempt with its own seed), then the item fails.
Replies come from the on-disk :class:`~qbench_portrait_lib.run.reply_cache.ReplyCache`
when they were received before.

>>> request = reader_request([{"role": "user", "content": "Which?"}], "r", 16, seed=1)
>>> request["temperature"], request["seed"]
(0.0, 1)
>>> len(reader_cache_key(request))
64
>>> stats = reader_stats([(1,), (), None], {"calls": 3})
>>> stats["read"], stats["none_replies"], stats["failures"]
(1.0, 1.0, 1.0)
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qbench_portrait_lib.run.client import ChatClient, ChatRequestError
from qbench_portrait_lib.run.reader_prompt import (
    READER_PROMPT_VERSION,
    REMINDER,
    parse_reader_reply,
    reader_messages,
)
from qbench_portrait_lib.run.reply_cache import ReplyCache, cached_reply, request_key

if TYPE_CHECKING:  # items are only read by attribute
    from qbench_portrait_lib.scoring.reading import UnreadItem

logger = logging.getLogger("qbench_portrait_lib.run.reader")  # the reader's log, as before the split


def reader_request(
    messages: list[dict[str, Any]], model: str, max_tokens: int, *, seed: int
) -> dict[str, Any]:
    """The chat-completions body of one attempt, at temperature 0."""
    return {"model": model, "messages": messages, "max_tokens": max_tokens, "temperature": 0.0, "seed": seed}


def reader_cache_key(request: dict[str, Any]) -> str:
    """The reply cache key of one attempt: the request and the reader prompt version."""
    return request_key({"request": request, "version": READER_PROMPT_VERSION, "kind": "reader"})


def reader_stats(readings: Sequence[tuple[int, ...] | None], counts: Mapping[str, int]) -> dict[str, float]:
    """The reader's ``stats`` for one call (see :class:`~qbench_portrait_lib.run.reader.HttpReader`).

    ``readings`` holds each item's option indices (``()`` for NONE, None for a failure);
    ``counts`` the request counters (calls, cache hits, HTTP failures, malformed replies).
    """
    failures = sum(indices is None for indices in readings)
    return {
        "items": float(len(readings)),
        **{name: float(count) for name, count in counts.items()},
        "failures": float(failures),
        "failure_rate": failures / len(readings) if readings else math.nan,
        "read": float(sum(bool(indices) for indices in readings)),
        "none_replies": float(sum(indices == () for indices in readings)),
    }


@dataclass
class ItemReader:
    """Asks the reader model about items through ``client`` and ``cache``, counting into ``counts``.

    ``counts`` holds ``calls``, ``cache_hits``, ``http_failures`` and ``malformed_replies``.
    """

    client: ChatClient
    cache: ReplyCache
    counts: dict[str, int]
    model: str
    max_tokens: int
    reply_retries: int

    async def read(self, item: UnreadItem) -> tuple[int, ...] | None:
        """The option indices ``item``'s response commits to (``()`` for NONE), or None on failure."""
        messages = reader_messages(item)
        for attempt in range(self.reply_retries + 1):
            try:
                reply = await self._reply(
                    reader_request(messages, self.model, self.max_tokens, seed=attempt), item.id
                )
            except ChatRequestError as error:
                self.counts["http_failures"] += 1
                logger.warning("reader request for %s failed: %s", item.id, error)
                return None
            indices = parse_reader_reply(reply, len(item.options))
            if indices is not None:
                return indices
            self.counts["malformed_replies"] += 1
            logger.info("reader reply for %s is malformed: %r", item.id, reply[-200:])
            messages = [
                *messages,
                {"role": "assistant", "content": reply},
                {"role": "user", "content": REMINDER},
            ]
        return None

    async def _reply(self, request: dict[str, Any], item_id: str) -> str:
        meta = {"reader_model": self.model, "attempt": request["seed"]}
        label = f"reader {item_id}"
        return await cached_reply(
            self.cache,
            self.client,
            request,
            key=reader_cache_key(request),
            label=label,
            meta=meta,
            counts=self.counts,
        )
