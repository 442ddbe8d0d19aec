"""One HTTP attempt of the chat client: the session, the request body, the POST and its answer.

A body is a JSON-able mapping, JSON bytes, or JSON bytes in pieces sent one after the
other (never joined: an image need not be copied per request). A timeout or a dropped
connection becomes a :class:`~qbench_portrait_lib.run.chat_errors.RetryableFailure`;
what the answer means is for the caller to decide. The proxy the environment names for
the URL is looked up once (:class:`HttpConnection`), rather than by aiohttp's
``trust_env``, which reads the environment and ``~/.netrc`` in a worker thread for every
request.

>>> request_body(b"{}")["headers"]
{'Content-Type': 'application/json'}
>>> request_body((b'{"a": ', b'"xyz"', b"}"))["headers"]["Content-Length"]
'12'
>>> request_body({"model": "m"})
{'json': {'model': 'm'}}
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

from qbench_portrait_lib.run.chat_errors import RetryableFailure
from qbench_portrait_lib.run.chat_response import read_capped
from qbench_portrait_lib.run.transport import env_proxy, split_proxy_credentials, tls_context

#: A request body: a JSON-able mapping, JSON bytes, or JSON bytes in pieces that are
#: sent one after the other (never joined: an image need not be copied per request).
Payload = Mapping[str, Any] | bytes | tuple[bytes, ...]

_JSON_HEADERS = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class HttpAnswer:
    """What came back: the status, the body, and the headers the client reads."""

    status: int
    content: bytes
    retry_after: str | None
    location: str


async def _pieces(payload: tuple[bytes, ...]) -> AsyncIterator[bytes]:
    for piece in payload:
        yield piece


def request_body(payload: Payload) -> dict[str, Any]:
    """The keyword arguments of ``session.post`` that send ``payload``."""
    if isinstance(payload, bytes):
        return {"data": payload, "headers": _JSON_HEADERS}
    if isinstance(payload, tuple):
        length = str(sum(len(piece) for piece in payload))
        return {"data": _pieces(payload), "headers": {**_JSON_HEADERS, "Content-Length": length}}
    return {"json": payload}


class HttpConnection:
    """The HTTP side of one endpoint: its URL, the environment's proxy, the limits, the session.

    The session belongs to the running event loop: :meth:`open` it inside the loop (the
    client does so in ``async with``), and :meth:`close` it there.
    """

    def __init__(
        self, url: str, *, api_key: str | None, timeout_s: float, max_connections: int, max_reply_bytes: int
    ) -> None:
        self.url, self.timeout_s, self.max_reply_bytes = url, timeout_s, max_reply_bytes
        self.max_connections, self._api_key = max_connections, api_key
        proxy = env_proxy(url)  # looked up once, here
        self.proxy, self.proxy_auth = split_proxy_credentials(proxy) if proxy else (None, None)
        self._session: aiohttp.ClientSession | None = None

    def open(self) -> None:
        """Start a session of up to ``max_connections`` keep-alive connections."""
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self.max_connections, ssl=tls_context()),
            headers={"Authorization": f"Bearer {self._api_key}"} if self._api_key else None,
            timeout=aiohttp.ClientTimeout(total=None, connect=self.timeout_s, sock_read=self.timeout_s),
        )

    async def close(self) -> None:
        """Close the session, if open."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def post(self, payload: Payload) -> HttpAnswer:
        """POST ``payload`` once; a timeout or a lost connection may be retried.

        Redirects are not followed: a chat endpoint that redirects is misconfigured, and a
        body sent as pieces cannot be sent again.
        """
        if self._session is None:
            raise RuntimeError("expected the client to be open: use `async with ChatClient(...) as client`")
        body = request_body(payload)
        try:
            async with self._session.post(
                self.url, proxy=self.proxy, proxy_auth=self.proxy_auth, allow_redirects=False, **body
            ) as response:
                content = await read_capped(response, limit=self.max_reply_bytes, url=self.url)
                headers = response.headers
                return HttpAnswer(
                    response.status, content, headers.get("Retry-After"), headers.get("Location", "")
                )
        except asyncio.TimeoutError as error:  # not the builtin TimeoutError on Python 3.10
            name = type(error).__name__
            raise RetryableFailure("timeout", f"timed out after {self.timeout_s:g} s ({name})") from None
        except aiohttp.ClientConnectorError as error:
            message = f"connection failed ({type(error).__name__}: {error})"
            raise RetryableFailure("connection", message, refused=True) from None
        except aiohttp.ClientError as error:
            message = f"connection failed ({type(error).__name__}: {error})"
            raise RetryableFailure("connection", message) from None
