"""The on-disk cache of chat replies shared by the LLM judge and the LLM reader.

One JSON file per request key (a hash of everything that determines the reply, see
:func:`request_key`), written atomically, so rerunning the same scoring makes no call;
failed requests are not cached and are asked again on the next run. The API key is never
part of a request body, so it never reaches the cache.

>>> import tempfile
>>> cache = ReplyCache(Path(tempfile.mkdtemp()))
>>> key = request_key({"request": {"model": "m"}, "version": "1"})
>>> cache.get(key) is None
True
>>> cache.put(key, "Score: 2", {"judge_model": "m"})
>>> cache.get(key)
'Score: 2'
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from qbench_portrait_lib.run.client import ChatClient

logger = logging.getLogger(__name__)


def user_cache_dir(kind: str) -> Path:
    """``$XDG_CACHE_HOME/qbench-portrait/<kind>`` (``~/.cache/...`` by default).

    >>> user_cache_dir("judge").parts[-2:]
    ('qbench-portrait', 'judge')
    """
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "qbench-portrait" / kind


def request_key(material: dict[str, Any]) -> str:
    """The cache key of ``material``: the SHA-256 of its canonical JSON (sorted keys).

    >>> request_key({"b": 1, "a": 2}) == request_key({"a": 2, "b": 1})
    True
    """
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


class ReplyCache:
    """One JSON file per request key, written atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> str | None:
        """The cached reply for ``key``, or None (an unreadable file is logged and ignored)."""
        path = self._path(key)
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))["reply"]
        except (ValueError, KeyError) as error:
            logger.warning("ignoring unreadable judge cache file %s (%s)", path, error)
            return None

    def put(self, key: str, reply: str, meta: dict[str, Any]) -> None:
        """Store ``reply`` (with ``meta`` beside it in the file) under ``key``."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8"
        ) as tmp:
            json.dump({**meta, "reply": reply}, tmp, ensure_ascii=False)
        os.replace(tmp.name, path)


async def cached_reply(
    cache: ReplyCache,
    client: ChatClient,
    request: dict[str, Any],
    *,
    key: str,
    label: str,
    meta: dict[str, Any],
    counts: dict[str, int],
) -> str:
    """The reply to ``request``: from ``cache`` under ``key``, else asked of ``client`` and cached.

    Counts ``cache_hits`` or ``calls`` in ``counts``; ``label`` names the request in the
    client's logs. A failed request raises the client's
    :class:`~qbench_portrait_lib.run.client.ChatRequestError` and caches nothing.
    """
    reply = cache.get(key)
    if reply is not None:
        counts["cache_hits"] += 1
        return reply
    counts["calls"] += 1
    result = await client.complete(request, key=label)
    reply = result.text or ""
    cache.put(key, reply, meta)
    return reply
