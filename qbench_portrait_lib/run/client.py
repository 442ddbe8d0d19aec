"""An asynchronous client for OpenAI-compatible chat-completions endpoints, with retries.

vLLM, SGLang, Ollama and hosted APIs all accept ``POST {base_url}/chat/completions``.
Built on ``aiohttp`` (already installed with ``datasets``, through ``fsspec[http]``), so
no extra SDK is needed: one event loop, one session, keep-alive connections (see
:class:`ChatClient` for why not httpx).

Transient failures — 429 (honouring ``Retry-After``), 5xx, timeouts, dropped
connections and unreadable bodies — are retried with exponential backoff and a
deterministic jitter; 401/403 stop the run (every other request would fail the same
way); other 4xx fail at once. A circuit breaker
(:class:`~qbench_portrait_lib.run.endpoint_guard.CircuitBreaker`) stops every request once
the endpoint refused connections or answered with a non-retryable error too many times in
a row (:class:`EndpointDown`). Replies over ``max_reply_bytes`` are refused unread. The
API key only ever goes into the ``Authorization`` header, never over plain http to
another machine (checked once, when its :class:`ChatEndpoint` is made), and error messages
are scrubbed of it.

:class:`ChatClient` coordinates the pieces: the retry policy (:mod:`~qbench_portrait_lib.run.retry`),
how a request fails (:mod:`~qbench_portrait_lib.run.chat_errors`), one HTTP attempt
(:mod:`~qbench_portrait_lib.run.http_post`) and reading its answer
(:mod:`~qbench_portrait_lib.run.chat_response`); their public names are importable from here.

>>> policy = RetryPolicy(backoff_base_s=1.0, backoff_max_s=8.0, jitter_fraction=0.0)
>>> [policy.backoff_s(attempt, key="q1") for attempt in (1, 2, 3, 4, 5)]
[1.0, 2.0, 4.0, 8.0, 8.0]
>>> parse_retry_after("3"), parse_retry_after("soon")
(3.0, None)
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Coroutine, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.run.chat_errors import (
    AuthenticationFailed,
    ChatRequestError,
    EndpointDown,
    FatalEndpointError,
    RetryableFailure,
    status_failure,
)
from qbench_portrait_lib.run.chat_response import BODY_EXCERPT_CHARS, ChatResult, parse_completion
from qbench_portrait_lib.run.endpoint_guard import CircuitBreaker, check_key_transport
from qbench_portrait_lib.run.http_post import HttpConnection, Payload
from qbench_portrait_lib.run.retry import RetryPolicy, parse_retry_after
from qbench_portrait_lib.run.transport import env_proxy

__all__ = [
    "DEFAULT_API_KEY_ENV",
    "DEFAULT_MAX_REPLY_BYTES",
    "AuthenticationFailed",
    "ChatClient",
    "ChatEndpoint",
    "ChatRequestError",
    "ChatResult",
    "ClientStats",
    "EndpointDown",
    "FatalEndpointError",
    "Payload",
    "RetryPolicy",
    "api_key_from_env",
    "chat_completions_url",
    "env_proxy",
    "parse_retry_after",
    "run_sync",
]

logger = logging.getLogger(__name__)

#: The environment variable an API key is read from when none is named.
DEFAULT_API_KEY_ENV = "OPENAI_API_KEY"
#: Largest reply body read (a chat completion of a few hundred tokens is a few KB).
DEFAULT_MAX_REPLY_BYTES = 8 * 1024 * 1024
_T = TypeVar("_T")


def run_sync(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run ``coroutine`` to completion, also from code already inside an event loop (notebooks)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(asyncio.run, coroutine).result()


@dataclass
class ClientStats:
    """Counters over the client's lifetime."""

    http_attempts: int = 0
    retries: int = 0
    failures: int = 0
    retry_reasons: dict[str, int] = field(default_factory=dict)

    def count_retry(self, reason: str) -> None:
        """One more retry, for ``reason`` (a status such as "429", "timeout", "connection", ...)."""
        self.retries += 1
        self.retry_reasons[reason] = self.retry_reasons.get(reason, 0) + 1


def chat_completions_url(base_url: str) -> str:
    """The endpoint for ``base_url`` (e.g. ``http://localhost:8000/v1``).

    >>> chat_completions_url("http://localhost:11434/v1/")
    'http://localhost:11434/v1/chat/completions'
    """
    if not base_url.startswith(("http://", "https://")):
        raise QBenchError(f"expected a base URL starting with http:// or https://, got {base_url!r}")
    return base_url.rstrip("/") + "/chat/completions"


def api_key_from_env(env_name: str | None = None, environ: Mapping[str, str] | None = None) -> str | None:
    """The API key held by the environment variable ``env_name`` (default: ``$OPENAI_API_KEY``).

    Without ``env_name`` a missing key is fine (local servers need none) and gives None;
    a variable named explicitly must be set and non-empty.

    >>> api_key_from_env(None, environ={}) is None
    True
    >>> api_key_from_env("MY_KEY", environ={"MY_KEY": "s3cret"})
    's3cret'
    >>> api_key_from_env("MY_KEY", environ={})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qbench_portrait_lib.contract.errors.QBenchError: expected an API key in ... 'MY_KEY', but it is not set
    """
    environ = os.environ if environ is None else environ
    key = environ.get(env_name or DEFAULT_API_KEY_ENV) or None
    if key is None and env_name is not None:
        raise QBenchError(f"expected an API key in the environment variable {env_name!r}, but it is not set")
    if key is None:
        logger.info("no API key in $%s: sending no Authorization header", DEFAULT_API_KEY_ENV)
    return key


def endpoint_requested(role: str, base_url: str | None, model: str | None, api_key_env: str | None) -> bool:
    """Whether the options ask for an LLM endpoint in ``role`` (a judge, a reader), checked.

    Neither a base URL nor a model: False. A model without a URL, a URL without a model, a
    malformed URL or an API-key variable named but unset: a :class:`QBenchError`.

    >>> endpoint_requested("judge", None, None, None)
    False
    >>> endpoint_requested("reader", "http://localhost:8000/v1", None, None)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qbench_portrait_lib.contract.errors.QBenchError: the reader at ... needs a model name, got None
    """
    if base_url is None:
        if model is not None:
            raise QBenchError(f"a {role} model ({model!r}) was given without the {role}'s base URL")
        return False
    chat_completions_url(base_url)
    if not model:
        raise QBenchError(f"the {role} at {base_url} needs a model name, got {model!r}")
    api_key_from_env(api_key_env)
    return True


@dataclass(frozen=True)
class ChatEndpoint:
    """An LLM endpoint and the API key sent to it: every :class:`ChatClient` is made from one.

    Making one is the one check of the key's way there, for the runner, ``predict``, the
    judge and the reader alike: a key that would go over plain http to another machine
    raises :class:`~qbench_portrait_lib.run.endpoint_guard.InsecureKeyTransport` here, before
    any request; ``key_source`` names the key in that message. The key stays out of ``repr``.

    >>> ChatEndpoint("http://localhost:8000/v1", "sk-1")
    ChatEndpoint(base_url='http://localhost:8000/v1', key_source='the API key')
    >>> ChatEndpoint.from_env("http://10.0.0.5/v1", "R_KEY", role="reader", environ={"R_KEY": "sk-1"})
    Traceback (most recent call last):
    ...
    qbench_portrait_lib.run.endpoint_guard.InsecureKeyTransport: refusing to send the reader's API key \
($R_KEY) over plain http to '10.0.0.5': anyone on the way could read it. Use an https:// URL, or run \
without the key (unset the variable) if the server needs none
    """

    base_url: str
    api_key: str | None = field(default=None, repr=False)
    key_source: str = "the API key"

    def __post_init__(self) -> None:
        check_key_transport(self.url, self.api_key, source=self.key_source)

    @property
    def url(self) -> str:
        """The chat-completions URL (a :class:`QBenchError` for a base URL that is not http(s))."""
        return chat_completions_url(self.base_url)

    @classmethod
    def from_env(
        cls, base_url: str, api_key_env: str, *, role: str, environ: Mapping[str, str] | None = None
    ) -> ChatEndpoint:
        """The endpoint of a ``role`` (judge, reader) with the key in ``$api_key_env``, if that is set."""
        environ = os.environ if environ is None else environ
        return cls(base_url, environ.get(api_key_env) or None, f"the {role}'s API key (${api_key_env})")


class ChatClient:
    """Sends chat-completions requests to ``endpoint``; use as ``async with ChatClient(endpoint) as client``.

    One ``aiohttp`` session keeps up to ``max_connections`` keep-alive connections; the
    environment's proxy is looked up once (see :mod:`~qbench_portrait_lib.run.http_post`).
    (Measured on the runner benchmark, 2,765 requests of 100 ms at 32 connections: httpx's
    ``AsyncClient`` took several times the ideal time in its connection pool, one
    synchronous httpx client per thread 1.13-1.20x, this client 1.05-1.08x.)
    """

    def __init__(
        self,
        endpoint: ChatEndpoint,
        *,
        timeout_s: float = 120.0,
        retry: RetryPolicy | None = None,
        max_connections: int = 8,
        breaker: CircuitBreaker | None = None,
        max_reply_bytes: int = DEFAULT_MAX_REPLY_BYTES,
    ) -> None:
        self.url = endpoint.url
        self.breaker = breaker or CircuitBreaker()
        self.retry = retry or RetryPolicy()
        self.stats = ClientStats()
        self._api_key = endpoint.api_key or None
        self._http = HttpConnection(
            self.url,
            api_key=self._api_key,
            timeout_s=timeout_s,
            max_connections=max_connections,
            max_reply_bytes=max_reply_bytes,
        )

    async def __aenter__(self) -> ChatClient:
        self._http.open()  # the session belongs to the running event loop: made here, not in __init__
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._http.close()

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text

    async def complete(self, payload: Payload, *, key: str) -> ChatResult:
        """Send ``payload`` (see :data:`Payload`); retry transient failures.

        Raises :class:`ChatRequestError` when the request fails for good.

        ``key`` (e.g. the question id) names the request in logs and seeds the jitter.
        """
        for attempt in range(1, self.retry.max_attempts + 1):
            self._check_breaker(attempt)
            self.stats.http_attempts += 1
            started = time.perf_counter()
            try:
                text, usage = await self._attempt(payload)
            except ChatRequestError as error:
                self._failed_for_good(error, attempt)
                raise
            except RetryableFailure as error:
                await self._wait_to_retry(error, attempt, key)
                continue
            self.breaker.success()
            return ChatResult(text, usage, time.perf_counter() - started, attempt)
        raise AssertionError("unreachable: the loop returns or raises")

    async def _attempt(self, payload: Payload) -> tuple[str | None, dict[str, Any] | None]:
        """One POST: the completion's text and usage, or the failure its answer means."""
        answer = await self._http.post(payload)
        if answer.status == 200:
            return parse_completion(answer.content)
        excerpt = self._scrub(answer.content[:BODY_EXCERPT_CHARS].decode("utf-8", "replace"))
        raise status_failure(
            answer.status, excerpt, url=self.url, retry_after=answer.retry_after, location=answer.location
        )

    def _check_breaker(self, attempt: int) -> None:
        if self.breaker.tripped is not None:
            last = self._scrub(self.breaker.tripped)
            raise EndpointDown.tripped(self.breaker.threshold, self.url, last, attempt)

    def _failed_for_good(self, error: ChatRequestError, attempt: int) -> None:
        """Count a failure no retry can fix; it counts for the breaker (a refused key too)."""
        self.stats.failures += 1
        error.attempts = attempt
        self.breaker.failure(str(error))
        if not isinstance(error, FatalEndpointError):
            self._check_breaker(attempt)

    async def _wait_to_retry(self, error: RetryableFailure, attempt: int, key: str) -> None:
        """Wait before the next attempt; raise when attempts ran out or the breaker tripped."""
        message = self._scrub(str(error))
        if error.refused:
            self.breaker.failure(message)
            self._check_breaker(attempt)
        if attempt == self.retry.max_attempts:
            self.stats.failures += 1
            raise ChatRequestError(f"{message} (gave up after {attempt} attempts)", attempt) from None
        delay = self.retry.delay_s(attempt, key=key, retry_after_s=error.retry_after_s)
        self.stats.count_retry(error.reason)
        logger.info("%s: attempt %d failed (%s); retrying in %.2fs", key, attempt, message, delay)
        await asyncio.sleep(delay)
