"""Guards around an endpoint: a circuit breaker, and no API key over plain http.

:class:`CircuitBreaker` counts failed attempts in a row that say the endpoint itself is
wrong — the connection refused, or an answer that no retry can change (404, 400, a reply
over the size cap) — and trips after ``threshold`` of them with no success in between.
The client then refuses every further request, so a run against a dead server or a
wrong base URL stops within seconds with one message instead of retrying every question
(one success resets the count: a bad request among good ones does not stop a run).

:func:`check_key_transport` refuses to send an API key over plain http to a host that
is not this machine: anyone on the path could read it.

>>> breaker = CircuitBreaker(threshold=2)
>>> breaker.failure("connection refused")
>>> breaker.tripped is None
True
>>> breaker.failure("connection refused")
>>> breaker.tripped
'connection refused'
>>> check_key_transport("http://localhost:8000/v1", "sk-1")
>>> check_key_transport("https://api.example.com/v1", "sk-1")
>>> check_key_transport("http://10.0.0.5:8000/v1", None)
>>> check_key_transport("http://10.0.0.5:8000/v1", "sk-1")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
qbench_portrait_lib.run.endpoint_guard.InsecureKeyTransport: refusing to send the API key over plain http ...
"""

from __future__ import annotations

import ipaddress
import urllib.parse

from qbench_portrait_lib.contract.errors import QBenchError

#: Failed attempts in a row that stop a run (about one second of retries at 8 connections).
DEFAULT_BREAKER_THRESHOLD = 10


class InsecureKeyTransport(QBenchError):
    """An API key that would travel unencrypted to another machine."""


class CircuitBreaker:
    """Counts endpoint failures in a row; ``tripped`` holds the last one's message once tripped."""

    def __init__(self, threshold: int = DEFAULT_BREAKER_THRESHOLD) -> None:
        if threshold < 1:
            raise ValueError(f"the breaker threshold must be at least 1, got {threshold}")
        self.threshold = threshold
        self.consecutive = 0
        self.tripped: str | None = None

    def success(self) -> None:
        """An answer came back: the endpoint works."""
        self.consecutive = 0

    def failure(self, message: str) -> None:
        """An attempt failed in a way that points at the endpoint (refused, 404, ...)."""
        self.consecutive += 1
        if self.consecutive >= self.threshold and self.tripped is None:
            self.tripped = message


def is_loopback(host: str | None) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1).

    >>> is_loopback("localhost"), is_loopback("127.0.0.2"), is_loopback("::1"), is_loopback("example.com")
    (True, True, True, False)
    """
    if not host:
        return False
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_key_transport(base_url: str, api_key: str | None, *, source: str = "the API key") -> None:
    """Raise :class:`InsecureKeyTransport` when ``api_key`` would go over http to another host."""
    if not api_key:
        return
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise InsecureKeyTransport(
            f"refusing to send {source} over plain http to {parts.hostname!r}: anyone on the way "
            "could read it. Use an https:// URL, or run without the key (unset the variable) "
            "if the server needs none"
        )
