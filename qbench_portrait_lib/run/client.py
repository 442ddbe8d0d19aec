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
another machine, and error messages are scrubbed of it.

>>> policy = RetryPolicy(backoff_base_s=1.0, backoff_max_s=8.0, jitter_fraction=0.0)
>>> [policy.backoff_s(attempt, key="q1") for attempt in (1, 2, 3, 4, 5)]
[1.0, 2.0, 4.0, 8.0, 8.0]
>>> parse_retry_after("3"), parse_retry_after("soon")
(3.0, None)
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import os
import time
import zlib
from collections.abc import AsyncIterator, Coroutine, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, TypeVar

import aiohttp

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.run.endpoint_guard import CircuitBreaker, check_key_transport
from qbench_portrait_lib.run.transport import env_proxy, split_proxy_credentials, tls_context

logger = logging.getLogger(__name__)

_BODY_EXCERPT_CHARS = 300
#: The environment variable an API key is read from when none is named.
DEFAULT_API_KEY_ENV = "OPENAI_API_KEY"
#: Largest reply body read (a chat completion of a few hundred tokens is a few KB).
DEFAULT_MAX_REPLY_BYTES = 8 * 1024 * 1024
_JSON_HEADERS = {"Content-Type": "application/json"}
_T = TypeVar("_T")


def run_sync(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run ``coroutine`` to completion, also from code already inside an event loop (notebooks)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(asyncio.run, coroutine).result()


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a failing request is retried.

    ``max_attempts`` counts the first try. The n-th retry waits
    ``min(backoff_max_s, backoff_base_s * 2**(n-1))``, stretched by up to
    ``jitter_fraction`` by a hash of the request key (deterministic, yet spreading
    out concurrent retries). A 429's ``Retry-After`` replaces the backoff, capped at
    ``retry_after_max_s``.
    """

    max_attempts: int = 5
    backoff_base_s: float = 1.0
    backoff_max_s: float = 30.0
    jitter_fraction: float = 0.25
    retry_after_max_s: float = 120.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")
        if min(self.backoff_base_s, self.backoff_max_s, self.jitter_fraction, self.retry_after_max_s) < 0:
            raise ValueError(f"retry delays must not be negative, got {self}")

    def backoff_s(self, attempt: int, *, key: str) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        delay = min(self.backoff_max_s, self.backoff_base_s * 2 ** (attempt - 1))
        unit = zlib.crc32(f"{key}:{attempt}".encode()) / 2**32
        return delay * (1.0 + self.jitter_fraction * unit)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date); None if unreadable."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class ChatRequestError(QBenchError):
    """A request that failed for good (after any retries)."""

    def __init__(self, message: str, attempts: int) -> None:
        super().__init__(message)
        self.attempts = attempts


class FatalEndpointError(ChatRequestError, QBenchError):
    """No request to this endpoint can succeed: the run stops (see the subclasses).

    It is a :class:`~qbench_portrait_lib.contract.errors.QBenchError` too: the endpoint is
    the user's input, and the CLI turns it into one message and a non-zero exit.
    """


class AuthenticationFailed(FatalEndpointError):
    """The server refused the credentials (401/403): no request can succeed."""


class EndpointDown(FatalEndpointError):
    """The circuit breaker tripped: the endpoint refused or failed every recent request."""


@dataclass(frozen=True)
class ChatResult:
    """A successful completion: ``latency_s`` is that of the attempt that succeeded."""

    text: str | None
    usage: dict[str, Any] | None
    latency_s: float
    attempts: int


@dataclass
class ClientStats:
    """Counters over the client's lifetime."""

    http_attempts: int = 0
    retries: int = 0
    failures: int = 0
    retry_reasons: dict[str, int] = field(default_factory=dict)


class _Retryable(Exception):
    def __init__(
        self, reason: str, message: str, retry_after_s: float | None = None, *, refused: bool = False
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.retry_after_s = retry_after_s
        self.refused = refused  # no connection could be made at all: counts for the breaker


def _message_text(content: Any) -> str | None:
    """The text of ``message.content``: a string, or a list of typed parts."""
    if content is None or isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [part.get("text", "") for part in content if isinstance(part, dict)]
        return "".join(parts)
    raise ValueError(
        f"expected message content to be a string or a list of parts, got {type(content).__name__}"
    )


def _parse_completion(body: bytes) -> tuple[str | None, dict[str, Any] | None]:
    try:
        data = json.loads(body)
        message = data["choices"][0]["message"]
        usage = data.get("usage")
        return _message_text(message.get("content")), usage if isinstance(usage, dict) else None
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
        excerpt = body[:_BODY_EXCERPT_CHARS].decode("utf-8", "replace")
        raise _Retryable(
            "malformed", f"unreadable completion ({type(error).__name__}: {error}); body starts {excerpt!r}"
        ) from None


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


#: A request body: a JSON-able mapping, JSON bytes, or JSON bytes in pieces that are
#: sent one after the other (never joined: an image need not be copied per request).
Payload = Mapping[str, Any] | bytes | tuple[bytes, ...]


async def _pieces(payload: tuple[bytes, ...]) -> AsyncIterator[bytes]:
    for piece in payload:
        yield piece


class ChatClient:
    """Sends chat-completions requests; use as ``async with ChatClient(...) as client``.

    One ``aiohttp`` session keeps up to ``max_connections`` keep-alive connections. The
    proxy the environment names for the URL is looked up once, here, rather than by
    aiohttp's ``trust_env``, which reads the environment and ``~/.netrc`` in a worker
    thread for every request. (Measured on the runner benchmark, 2,765 requests of
    100 ms at 32 connections: httpx's ``AsyncClient`` took several times the ideal time
    in its connection pool, one synchronous httpx client per thread 1.13-1.20x, this
    client 1.05-1.08x.)
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout_s: float = 120.0,
        retry: RetryPolicy | None = None,
        max_connections: int = 8,
        breaker: CircuitBreaker | None = None,
        max_reply_bytes: int = DEFAULT_MAX_REPLY_BYTES,
    ) -> None:
        self.url = chat_completions_url(base_url)
        check_key_transport(self.url, api_key)
        self.breaker = breaker or CircuitBreaker()
        self.max_reply_bytes = max_reply_bytes
        self.retry = retry or RetryPolicy()
        self.stats = ClientStats()
        self.timeout_s = timeout_s
        self.max_connections = max_connections
        self._api_key = api_key or None
        proxy = env_proxy(self.url)
        self._proxy, self._proxy_auth = split_proxy_credentials(proxy) if proxy else (None, None)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> ChatClient:
        # The session belongs to the running event loop, so it is made here, not in __init__.
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self.max_connections, ssl=tls_context()),
            headers={"Authorization": f"Bearer {self._api_key}"} if self._api_key else None,
            timeout=aiohttp.ClientTimeout(total=None, connect=self.timeout_s, sock_read=self.timeout_s),
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text

    async def _attempt(self, payload: Payload) -> tuple[str | None, dict[str, Any] | None]:
        if self._session is None:
            raise RuntimeError("expected the client to be open: use `async with ChatClient(...) as client`")
        if isinstance(payload, bytes):
            body: dict[str, Any] = {"data": payload, "headers": _JSON_HEADERS}
        elif isinstance(payload, tuple):
            length = str(sum(len(piece) for piece in payload))
            body = {"data": _pieces(payload), "headers": {**_JSON_HEADERS, "Content-Length": length}}
        else:
            body = {"json": payload}
        try:
            # Redirects are not followed: a chat endpoint that redirects is misconfigured, and
            # a body sent as pieces cannot be sent again.
            async with self._session.post(
                self.url, proxy=self._proxy, proxy_auth=self._proxy_auth, allow_redirects=False, **body
            ) as response:
                status, content = response.status, await self._read_capped(response)
                retry_after = response.headers.get("Retry-After")
                location = response.headers.get("Location", "")
        except asyncio.TimeoutError as error:  # not the builtin TimeoutError on Python 3.10
            name = type(error).__name__
            raise _Retryable("timeout", f"timed out after {self.timeout_s:g} s ({name})") from None
        except aiohttp.ClientConnectorError as error:
            message = f"connection failed ({type(error).__name__}: {error})"
            raise _Retryable("connection", message, refused=True) from None
        except aiohttp.ClientError as error:
            raise _Retryable("connection", f"connection failed ({type(error).__name__}: {error})") from None
        if status == 200:
            return _parse_completion(content)
        excerpt = self._scrub(content[:_BODY_EXCERPT_CHARS].decode("utf-8", "replace"))
        if status == 429:
            raise _Retryable("429", f"HTTP 429 (rate limited): {excerpt}", parse_retry_after(retry_after))
        if status >= 500:
            raise _Retryable(str(status), f"HTTP {status}: {excerpt}")
        if 300 <= status < 400:
            raise ChatRequestError(
                f"HTTP {status} from {self.url}: redirected to {location or '(no Location)'}; "
                "pass the final URL as --base-url",
                1,
            )
        if status in (401, 403):
            raise AuthenticationFailed(f"HTTP {status} from {self.url}: the server refused the API key", 1)
        raise ChatRequestError(f"HTTP {status} from {self.url}: {excerpt}", 1)

    async def _read_capped(self, response: aiohttp.ClientResponse) -> bytes:
        """The body, unless it (or its declared length) is over ``max_reply_bytes``."""
        limit = self.max_reply_bytes
        too_big = ChatRequestError(
            f"the reply from {self.url} is larger than {limit} bytes (max_reply_bytes); refused unread", 1
        )
        if response.content_length is not None and response.content_length > limit:
            raise too_big
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(1 << 16):
            size += len(chunk)
            if size > limit:
                raise too_big
            chunks.append(chunk)
        return b"".join(chunks)

    def _check_breaker(self, attempt: int) -> None:
        if self.breaker.tripped is not None:
            raise EndpointDown(
                f"stopped: {self.breaker.threshold} requests in a row to {self.url} failed without an "
                f"answer (last: {self._scrub(self.breaker.tripped)}); is the server running, and is the "
                "base URL right?",
                attempt,
            )

    async def complete(self, payload: Payload, *, key: str) -> ChatResult:
        """Send ``payload`` (see :data:`Payload`); retry transient failures.

        Raises :class:`ChatRequestError` when the request fails for good.

        ``key`` (e.g. the question id) names the request in logs and seeds the jitter.
        """
        policy = self.retry
        for attempt in range(1, policy.max_attempts + 1):
            self._check_breaker(attempt)
            self.stats.http_attempts += 1
            started = time.perf_counter()
            try:
                text, usage = await self._attempt(payload)
                self.breaker.success()
                return ChatResult(text, usage, time.perf_counter() - started, attempt)
            except ChatRequestError as error:
                self.stats.failures += 1
                error.attempts = attempt
                self.breaker.failure(str(error))  # a refused key counts too: no request can succeed
                if not isinstance(error, FatalEndpointError):
                    self._check_breaker(attempt)
                raise
            except _Retryable as error:
                message = self._scrub(str(error))
                if error.refused:
                    self.breaker.failure(message)
                    self._check_breaker(attempt)
                if attempt == policy.max_attempts:
                    self.stats.failures += 1
                    raise ChatRequestError(f"{message} (gave up after {attempt} attempts)", attempt) from None
                delay = policy.backoff_s(attempt, key=key)
                if error.retry_after_s is not None:
                    delay = min(error.retry_after_s, policy.retry_after_max_s)
                self.stats.retries += 1
                self.stats.retry_reasons[error.reason] = self.stats.retry_reasons.get(error.reason, 0) + 1
                logger.info("%s: attempt %d failed (%s); retrying in %.2fs", key, attempt, message, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable: the loop returns or raises")
