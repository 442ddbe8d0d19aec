"""An LLM reader for the closed-format responses the extraction rules leave unparsed.

:class:`HttpReader` is a reader for the scorer (see :mod:`qbench_portrait_lib.scoring.reading`):
for each item it asks an OpenAI-compatible chat model, at temperature 0, which options the
response commits to, given the question and the lettered options. The reply must be the
letters ("B", "A, C") or ``NONE``, and nothing else (:func:`parse_reader_reply`); a
malformed reply is asked again with a reminder of the format (``reply_retries`` times),
then counted as a failure, and the item stays unparsed. Every reply is cached on disk,
like the judge's, under a hash of (model, messages, attempt, settings): rerunning the same
scoring makes no call. The API key is read from the environment and is never written to
the cache, the settings, the logs or ``repr``; a key that would go over plain http to
another machine is refused when the reader is made (see
:class:`~qbench_portrait_lib.run.client.ChatEndpoint`), before any request.

>>> parse_reader_reply("A, C", 3), parse_reader_reply("none", 3), parse_reader_reply("B.", 2)
((0, 2), (), (1,))
>>> parse_reader_reply("I think B", 3) is None, parse_reader_reply("D", 3) is None
(True, True)
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qbench_portrait_lib.run.client import (
    DEFAULT_API_KEY_ENV,
    ChatClient,
    ChatEndpoint,
    RetryPolicy,
    endpoint_requested,
    run_sync,
)
from qbench_portrait_lib.run.fan_out import gather_bounded
from qbench_portrait_lib.run.reader_item import ItemReader, reader_stats
from qbench_portrait_lib.run.reader_prompt import (
    READER_PROMPT_VERSION,
    READER_SYSTEM_PROMPT,
    parse_reader_reply,
    reader_messages,
)
from qbench_portrait_lib.run.reply_cache import ReplyCache, user_cache_dir

if TYPE_CHECKING:  # items are only read by attribute
    from qbench_portrait_lib.scoring.reading import UnreadItem

__all__ = [
    "READER_PROMPT_VERSION",
    "READER_SYSTEM_PROMPT",
    "HttpReader",
    "build_reader",
    "default_cache_dir",
    "parse_reader_reply",
    "reader_messages",
]

logger = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/qbench-portrait/reader`` (``~/.cache/...`` by default)."""
    return user_cache_dir("reader")


class HttpReader:
    """Reads unparsed responses with a chat model; call it with a list of ``UnreadItem``.

    ``stats`` describes the last call: items, calls made, cache hits, HTTP failures,
    malformed replies, failures (items without a well-formed reply), items read (the reply
    named options) and NONE replies, with the failure rate.
    """

    prompt_version = READER_PROMPT_VERSION

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        api_key_env: str = DEFAULT_API_KEY_ENV,
        concurrency: int = 8,
        max_tokens: int = 16,
        reply_retries: int = 2,
        timeout_s: float = 120.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        if not model:
            raise ValueError("expected a reader model name, got an empty string")
        if concurrency < 1 or reply_retries < 0:
            raise ValueError(
                f"expected concurrency >= 1 and reply_retries >= 0, got {concurrency} and {reply_retries}"
            )
        self.base_url, self.model = base_url, model
        self.concurrency, self.max_tokens, self.reply_retries = concurrency, max_tokens, reply_retries
        self.timeout_s = timeout_s
        self.retry = retry or RetryPolicy()
        self.cache = ReplyCache(Path(cache_dir) if cache_dir is not None else default_cache_dir())
        self.endpoint = ChatEndpoint.from_env(base_url, api_key_env, role="reader")  # refuses here, not later
        self.stats: dict[str, float] = {}

    def __repr__(self) -> str:
        return f"HttpReader(base_url={self.base_url!r}, model={self.model!r})"

    @property
    def settings(self) -> dict[str, Any]:
        """What determines the reader's answers (for reports and cache keys; no secrets)."""
        return {
            "reader_model": self.model,
            "reader_base_url": self.base_url,
            "temperature": 0.0,
            "max_tokens": self.max_tokens,
            "reply_retries": self.reply_retries,
            "reader_prompt_version": READER_PROMPT_VERSION,
        }

    async def _read_all(
        self, items: Sequence[UnreadItem], counts: dict[str, int]
    ) -> list[tuple[int, ...] | None]:
        """Every item's reading, ``concurrency`` requests at a time."""
        client = ChatClient(
            self.endpoint,
            timeout_s=self.timeout_s,
            retry=self.retry,
            max_connections=self.concurrency,
        )
        async with client:
            reader = ItemReader(client, self.cache, counts, self.model, self.max_tokens, self.reply_retries)
            jobs = [[partial(reader.read, item)] for item in items]
            return [reading for (reading,) in await gather_bounded(jobs, limit=self.concurrency)]

    def __call__(self, items: Sequence[UnreadItem]) -> list[tuple[str, ...] | None]:
        """One answer per item: the option texts its response commits to, or None."""
        items = list(items)
        counts = dict.fromkeys(("calls", "cache_hits", "http_failures", "malformed_replies"), 0)
        readings = run_sync(self._read_all(items, counts)) if items else []
        self.stats = reader_stats(readings, counts)
        logger.info("reader %s: %s", self.model, self.stats)
        return [
            None if not indices else tuple(item.options[i] for i in indices)
            for item, indices in zip(items, readings, strict=True)
        ]


def build_reader(
    base_url: str | None = None,
    model: str | None = None,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    api_key_env: str | None = None,
) -> HttpReader | None:
    """The reader these settings describe, or None when no ``base_url`` is given (no reader).

    Checks a base URL with a model name, an http(s) URL, and the API key when
    ``api_key_env`` names a variable. Raises :class:`QBenchError` (a ``ValueError``).

    >>> build_reader() is None
    True
    >>> build_reader("http://localhost:8000/v1", "qwen")
    HttpReader(base_url='http://localhost:8000/v1', model='qwen')
    >>> build_reader(model="qwen")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qbench_portrait_lib.contract.errors.QBenchError: a reader model ('qwen') was given without ... base URL
    """
    if not endpoint_requested("reader", base_url, model, api_key_env):
        return None
    return HttpReader(base_url, model, cache_dir=cache_dir, api_key_env=api_key_env or DEFAULT_API_KEY_ENV)
