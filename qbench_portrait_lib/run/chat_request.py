"""The chat-completions body of one question: the canonical prompt, then the image as a data URL.

>>> request = build_chat_request("Is it sharp?", "data:image/png;base64,AAAA",
...                              RunConfig(base_url="http://localhost:8000/v1", model="m"))
>>> request["model"], request["max_tokens"], request["messages"][0]["content"][1]["type"]
('m', 256, 'image_url')
"""

from __future__ import annotations

import json
from typing import Any

from qbench_portrait_lib.run.run_config import RunConfig


def build_chat_request(prompt: str, image_url: str, config: RunConfig) -> dict[str, Any]:
    """The chat-completions body for one question: the prompt, then the image."""
    return {
        "model": config.model,
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": prompt},
                    {"type": "image_url", "image_url": {"url": image_url}},
                ],
            }
        ],
        "max_tokens": config.max_tokens,
        "temperature": config.temperature,
    }


_IMAGE_SLOT = "@@qbench-portrait-image-url@@"


def encode_chat_request(prompt: str, image_url: bytes, config: RunConfig) -> tuple[bytes, ...]:
    """:func:`build_chat_request` as JSON bytes in pieces: before the image URL, the URL, after it.

    A data URL is plain ASCII that needs no JSON escaping, so the (large) image is neither
    passed through ``json.dumps`` nor copied for each question: the client sends the
    pieces one after the other.

    >>> config = RunConfig(base_url="http://localhost:8000/v1", model="m")
    >>> pieces = encode_chat_request("Sharp?", b"data:image/png;base64,AAAA", config)
    >>> pieces[1]
    b'data:image/png;base64,AAAA'
    >>> json.loads(b"".join(pieces)) == build_chat_request("Sharp?", "data:image/png;base64,AAAA", config)
    True
    """
    template = json.dumps(build_chat_request(prompt, _IMAGE_SLOT, config)).encode()
    head, slot, tail = template.partition(_IMAGE_SLOT.encode())
    if not slot or _IMAGE_SLOT.encode() in tail:  # the prompt itself holds the marker: no shortcut
        return (json.dumps(build_chat_request(prompt, image_url.decode("ascii"), config)).encode(),)
    return head, image_url, tail
