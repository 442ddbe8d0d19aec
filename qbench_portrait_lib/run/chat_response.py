"""Reading a chat-completions answer: the body (capped in size), then its text and usage.

>>> parse_completion(b'{"choices": [{"message": {"content": "B"}}], "usage": {"total_tokens": 9}}')
('B', {'total_tokens': 9})
>>> message_text([{"type": "text", "text": "A, "}, {"type": "text", "text": "C"}])
'A, C'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiohttp

from qbench_portrait_lib.run.chat_errors import ChatRequestError, RetryableFailure

#: Characters of a body quoted in an error message.
BODY_EXCERPT_CHARS = 300


@dataclass(frozen=True)
class ChatResult:
    """A successful completion: ``latency_s`` is that of the attempt that succeeded."""

    text: str | None
    usage: dict[str, Any] | None
    latency_s: float
    attempts: int


def message_text(content: Any) -> str | None:
    """The text of ``message.content``: a string, or a list of typed parts."""
    if content is None or isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [part.get("text", "") for part in content if isinstance(part, dict)]
        return "".join(parts)
    raise ValueError(
        f"expected message content to be a string or a list of parts, got {type(content).__name__}"
    )


def parse_completion(body: bytes) -> tuple[str | None, dict[str, Any] | None]:
    """The text and usage of a completion; an unreadable body may be retried."""
    try:
        data = json.loads(body)
        message = data["choices"][0]["message"]
        usage = data.get("usage")
        return message_text(message.get("content")), usage if isinstance(usage, dict) else None
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
        excerpt = body[:BODY_EXCERPT_CHARS].decode("utf-8", "replace")
        raise RetryableFailure(
            "malformed", f"unreadable completion ({type(error).__name__}: {error}); body starts {excerpt!r}"
        ) from None


async def read_capped(response: aiohttp.ClientResponse, *, limit: int, url: str) -> bytes:
    """The body, unless it (or its declared length) is over ``limit`` bytes."""
    too_big = ChatRequestError(
        f"the reply from {url} is larger than {limit} bytes (max_reply_bytes); refused unread", 1
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
