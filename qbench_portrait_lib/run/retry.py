"""How often and how patiently the client retries a failing request.

>>> policy = RetryPolicy(backoff_base_s=1.0, backoff_max_s=8.0, jitter_fraction=0.0)
>>> [policy.backoff_s(attempt, key="q1") for attempt in (1, 2, 3, 4, 5)]
[1.0, 2.0, 4.0, 8.0, 8.0]
>>> parse_retry_after("3"), parse_retry_after("soon")
(3.0, None)
"""

from __future__ import annotations

import email.utils
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone


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

    def delay_s(self, attempt: int, *, key: str, retry_after_s: float | None = None) -> float:
        """Seconds to wait after failed attempt ``attempt``: a 429's ``Retry-After`` (capped) or the backoff.

        >>> RetryPolicy(retry_after_max_s=60).delay_s(1, key="q1", retry_after_s=300)
        60
        """
        if retry_after_s is not None:
            return min(retry_after_s, self.retry_after_max_s)
        return self.backoff_s(attempt, key=key)


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
