"""An LLM reader for the closed-format responses the extraction rules leave unparsed.

:class:`HttpReader` is a reader for the scorer (see :mod:`qbench_portrait_lib.scoring.reading`):
for each item it asks an OpenAI-compatible chat model, at temperature 0, which options the
response commits to, given the question and the lettered options. The reply must be the
letters ("B", "A, C") or ``NONE``, and nothing else (:func:`parse_reader_reply`); a
malformed reply is asked again with a reminder of the format (``reply_retries`` times),
then counted as a failure, and the item stays unparsed. Every reply is cached on disk,
like the judge's, under a hash of (model, messages, attempt, settings): rerunning the same
scoring makes no call. The API key is read from the environment and is never written to
the cache, the settings, the logs or ``repr``.

>>> parse_reader_reply("A, C", 3), parse_reader_reply("none", 3), parse_reader_reply("B.", 2)
((0, 2), (), (1,))
>>> parse_reader_reply("I think B", 3) is None, parse_reader_reply("D", 3) is None
(True, True)
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.run.client import (
    DEFAULT_API_KEY_ENV,
    ChatClient,
    ChatRequestError,
    RetryPolicy,
    api_key_from_env,
    chat_completions_url,
    run_sync,
)
from qbench_portrait_lib.run.judge import _ReplyCache as ReplyCache

if TYPE_CHECKING:  # items are only read by attribute
    from qbench_portrait_lib.scoring.reading import UnreadItem

logger = logging.getLogger(__name__)

#: Changes whenever the reader's prompt text changes (it is part of every cache key).
READER_PROMPT_VERSION = "1"

READER_SYSTEM_PROMPT = (
    "You grade the format of answers another model gave to questions about the visual quality of "
    "portrait images. You cannot see the image and must not judge whether an answer is right: "
    "report only which of the listed options the answer commits to."
)
_KINDS = {
    "single_choice": "single choice (exactly one option)",
    "multiple_choice": "select all that apply (one or more options)",
    "true_false": "true or false (option A is True, option B is False)",
}
_INSTRUCTION = (
    "Which option(s) does the answer commit to? Reply with only the letter(s), separated by commas "
    '(for example "B" or "A, C"), or NONE when it commits to no option: it refuses, hedges between '
    "options, or contradicts itself."
)
_REMINDER = 'Reply with only the letter(s), such as "B" or "A, C", or NONE. Nothing else.'
_REPLY = re.compile(r"[A-Z](?: ?, ?[A-Z])*")


def parse_reader_reply(reply: str | None, n_options: int) -> tuple[int, ...] | None:
    """The option indices of a strict reply (() for NONE), or None when it is malformed."""
    if reply is None:
        return None
    text = reply.strip().strip("`*").strip().rstrip(".")
    if text.upper() == "NONE":
        return ()
    if not _REPLY.fullmatch(text):
        return None
    indices = tuple(sorted({ord(letter) - 65 for letter in text if letter.isalpha()}))
    return indices if indices[-1] < n_options else None


def reader_messages(item: UnreadItem) -> list[dict[str, Any]]:
    """The chat messages asking what ``item``'s response commits to."""
    options = "\n".join(f"{chr(65 + i)}. {text}" for i, text in enumerate(item.options))
    user = (
        f"Question: {item.question.strip()}\nFormat: {_KINDS[item.question_type]}\nOptions:\n{options}\n\n"
        f"The answer to read:\n<<<\n{item.response.strip()}\n>>>\n\n{_INSTRUCTION}"
    )
    return [{"role": "system", "content": READER_SYSTEM_PROMPT}, {"role": "user", "content": user}]


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/qbench-portrait/reader`` (``~/.cache/...`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "qbench-portrait" / "reader"


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
        api_key_env: str = "OPENAI_API_KEY",
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
        self._api_key = os.environ.get(api_key_env) or None
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

    def _request(self, messages: list[dict[str, Any]], attempt: int) -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": messages,
            "max_tokens": self.max_tokens,
            "temperature": 0.0,
            "seed": attempt,
        }

    @staticmethod
    def _key(request: dict[str, Any]) -> str:
        material = {"request": request, "version": READER_PROMPT_VERSION, "kind": "reader"}
        return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()

    async def _reply(
        self, client: ChatClient, request: dict[str, Any], item_id: str, counts: dict[str, int]
    ) -> str:
        key = self._key(request)
        cached = self.cache.get(key)
        if cached is not None:
            counts["cache_hits"] += 1
            return cached
        counts["calls"] += 1
        result = await client.complete(request, key=f"reader {item_id}")
        reply = result.text or ""
        self.cache.put(key, reply, {"reader_model": self.model, "attempt": request["seed"]})
        return reply

    async def _read(
        self, client: ChatClient, item: UnreadItem, counts: dict[str, int]
    ) -> tuple[int, ...] | None:
        messages = reader_messages(item)
        for attempt in range(self.reply_retries + 1):
            try:
                reply = await self._reply(client, self._request(messages, attempt), item.id, counts)
            except ChatRequestError as error:
                counts["http_failures"] += 1
                logger.warning("reader request for %s failed: %s", item.id, error)
                return None
            indices = parse_reader_reply(reply, len(item.options))
            if indices is not None:
                return indices
            counts["malformed_replies"] += 1
            logger.info("reader reply for %s is malformed: %r", item.id, reply[-200:])
            messages = [
                *messages,
                {"role": "assistant", "content": reply},
                {"role": "user", "content": _REMINDER},
            ]
        return None

    async def _read_all(
        self, items: Sequence[UnreadItem], counts: dict[str, int]
    ) -> list[tuple[int, ...] | None]:
        semaphore = asyncio.Semaphore(self.concurrency)
        async with ChatClient(
            self.base_url,
            api_key=self._api_key,
            timeout_s=self.timeout_s,
            retry=self.retry,
            max_connections=self.concurrency,
        ) as client:

            async def one(item: UnreadItem) -> tuple[int, ...] | None:
                async with semaphore:
                    return await self._read(client, item, counts)

            return list(await asyncio.gather(*(one(item) for item in items)))

    def __call__(self, items: Sequence[UnreadItem]) -> list[tuple[str, ...] | None]:
        """One answer per item: the option texts its response commits to, or None."""
        items = list(items)
        counts = dict.fromkeys(("calls", "cache_hits", "http_failures", "malformed_replies"), 0)
        readings = run_sync(self._read_all(items, counts)) if items else []
        answers = [
            None if not indices else tuple(item.options[i] for i in indices)
            for item, indices in zip(items, readings, strict=True)
        ]
        failures = sum(indices is None for indices in readings)
        self.stats = {
            "items": float(len(items)),
            **{name: float(count) for name, count in counts.items()},
            "failures": float(failures),
            "failure_rate": failures / len(items) if items else math.nan,
            "read": float(sum(answer is not None for answer in answers)),
            "none_replies": float(sum(indices == () for indices in readings)),
        }
        logger.info("reader %s: %s", self.model, self.stats)
        return answers


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
    if base_url is None:
        if model is not None:
            raise QBenchError(f"a reader model ({model!r}) was given without the reader's base URL")
        return None
    chat_completions_url(base_url)
    if not model:
        raise QBenchError(f"the reader at {base_url} needs a model name, got {model!r}")
    api_key_from_env(api_key_env)
    return HttpReader(base_url, model, cache_dir=cache_dir, api_key_env=api_key_env or DEFAULT_API_KEY_ENV)
