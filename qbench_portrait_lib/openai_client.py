"""An asynchronous client for OpenAI-compatible chat-completions endpoints, with retries.

vLLM, SGLang, Ollama and hosted APIs all accept ``POST {base_url}/chat/completions``.
Built on ``httpx`` (already a dependency of ``huggingface_hub``), so no extra SDK is
needed: an asyncio front (retries, backoff, callers) over a small pool of threads, each
with its own keep-alive ``httpx.Client`` (see :class:`ChatClient` for why).

Transient failures — 429 (honouring ``Retry-After``), 5xx, timeouts, dropped
connections and unreadable bodies — are retried with exponential backoff and a
deterministic jitter; 401/403 stop the run (every other request would fail the same
way); other 4xx fail at once. The API key only ever goes into the ``Authorization``
header: error messages are scrubbed of it.

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
import threading
import time
import zlib
from collections.abc import Coroutine, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, TypeVar

import httpx

logger = logging.getLogger(__name__)

_BODY_EXCERPT_CHARS = 300
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


class ChatRequestError(Exception):
    """A request that failed for good (after any retries)."""

    def __init__(self, message: str, attempts: int) -> None:
        super().__init__(message)
        self.attempts = attempts


class AuthenticationFailed(ChatRequestError):
    """The server refused the credentials (401/403): no request can succeed."""


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
    def __init__(self, reason: str, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.retry_after_s = retry_after_s


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
        raise ValueError(f"expected a base URL starting with http:// or https://, got {base_url!r}")
    return base_url.rstrip("/") + "/chat/completions"


class ChatClient:
    """Sends chat-completions requests; use as ``async with ChatClient(...) as client``.

    The retry logic and the callers are asynchronous; each HTTP exchange runs in one of
    ``max_connections`` threads, each with its own keep-alive ``httpx.Client``. (Measured
    on the runner benchmark: httpx's ``AsyncClient`` spends so long in its connection pool
    at 32 connections that 2,765 requests of 100 ms took several times the ideal time;
    one synchronous client per thread stays close to it.)
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout_s: float = 120.0,
        retry: RetryPolicy | None = None,
        max_connections: int = 8,
    ) -> None:
        self.url = chat_completions_url(base_url)
        self.retry = retry or RetryPolicy()
        self.stats = ClientStats()
        self._api_key = api_key or None
        self._timeout = httpx.Timeout(timeout_s)
        self._ssl_context = httpx.create_ssl_context()  # shared: building one costs ~0.1 s
        self._local = threading.local()
        self._clients: list[httpx.Client] = []
        self._clients_lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=max_connections, thread_name_prefix="qbench-http")

    async def __aenter__(self) -> ChatClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._executor.shutdown(wait=exc_info[0] is None, cancel_futures=True)
        with self._clients_lock:
            for client in self._clients:
                client.close()

    def _thread_client(self) -> httpx.Client:
        client = getattr(self._local, "client", None)
        if client is None:
            headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
            client = httpx.Client(headers=headers, timeout=self._timeout, verify=self._ssl_context)
            self._local.client = client
            with self._clients_lock:
                self._clients.append(client)
        return client

    def _post(self, payload: Mapping[str, Any] | bytes) -> httpx.Response:
        if isinstance(payload, bytes):
            return self._thread_client().post(self.url, content=payload, headers=_JSON_HEADERS)
        return self._thread_client().post(self.url, json=payload)

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text

    async def _attempt(self, payload: Mapping[str, Any] | bytes) -> tuple[str | None, dict[str, Any] | None]:
        try:
            loop = asyncio.get_running_loop()
            response = await loop.run_in_executor(self._executor, self._post, payload)
        except httpx.TimeoutException as error:
            raise _Retryable("timeout", f"timed out ({type(error).__name__})") from None
        except httpx.TransportError as error:
            raise _Retryable("connection", f"connection failed ({type(error).__name__}: {error})") from None
        status = response.status_code
        if status == 200:
            return _parse_completion(response.content)
        excerpt = self._scrub(response.text[:_BODY_EXCERPT_CHARS])
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            raise _Retryable("429", f"HTTP 429 (rate limited): {excerpt}", retry_after)
        if status >= 500:
            raise _Retryable(str(status), f"HTTP {status}: {excerpt}")
        if status in (401, 403):
            raise AuthenticationFailed(f"HTTP {status} from {self.url}: the server refused the API key", 1)
        raise ChatRequestError(f"HTTP {status} from {self.url}: {excerpt}", 1)

    async def complete(self, payload: Mapping[str, Any] | bytes, *, key: str) -> ChatResult:
        """Send ``payload`` (a JSON-able mapping, or JSON bytes); retry transient failures.

        Raises :class:`ChatRequestError` when the request fails for good.

        ``key`` (e.g. the question id) names the request in logs and seeds the jitter.
        """
        policy = self.retry
        for attempt in range(1, policy.max_attempts + 1):
            self.stats.http_attempts += 1
            started = time.perf_counter()
            try:
                text, usage = await self._attempt(payload)
                return ChatResult(text, usage, time.perf_counter() - started, attempt)
            except ChatRequestError as error:
                self.stats.failures += 1
                error.attempts = attempt
                raise
            except _Retryable as error:
                message = self._scrub(str(error))
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
