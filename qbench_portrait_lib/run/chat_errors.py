"""How a chat request fails: for good (:class:`ChatRequestError` and its fatal subclasses), or
in a way a retry may fix (:class:`RetryableFailure`, internal to the client).

:func:`status_failure` maps an HTTP status other than 200 to the failure it means.

>>> status_failure(503, "busy", url="http://x/v1/chat/completions").reason
'503'
>>> type(status_failure(401, "", url="http://x/v1/chat/completions")).__name__
'AuthenticationFailed'
>>> str(status_failure(404, "no such model", url="http://x/v1/chat/completions"))
'HTTP 404 from http://x/v1/chat/completions: no such model'
"""

from __future__ import annotations

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.run.retry import parse_retry_after


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

    @classmethod
    def tripped(cls, threshold: int, url: str, last: str, attempts: int) -> EndpointDown:
        """The error of a breaker that tripped after ``threshold`` failures in a row, ``last`` the last one.

        >>> print(EndpointDown.tripped(10, "http://x/v1", "HTTP 404", 1))  # doctest: +ELLIPSIS
        stopped: 10 requests in a row to http://x/v1 failed without an answer (last: HTTP 404); is the ...
        """
        return cls(
            f"stopped: {threshold} requests in a row to {url} failed without an "
            f"answer (last: {last}); is the server running, and is the "
            "base URL right?",
            attempts,
        )


class RetryableFailure(Exception):
    """An attempt that failed in a way a retry may fix (429, 5xx, timeout, dropped connection).

    ``reason`` names the kind for the retry statistics; ``retry_after_s`` is a 429's
    ``Retry-After``; ``refused`` means no connection could be made at all.
    """

    def __init__(
        self, reason: str, message: str, retry_after_s: float | None = None, *, refused: bool = False
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.retry_after_s = retry_after_s
        self.refused = refused  # no connection could be made at all: counts for the breaker


def status_failure(
    status: int, excerpt: str, *, url: str, retry_after: str | None = None, location: str = ""
) -> ChatRequestError | RetryableFailure:
    """The failure an answer with HTTP ``status`` (not 200) means; ``excerpt`` starts its body.

    429 and 5xx may be retried (a 429 after its ``Retry-After``); a redirect, a refused
    key (401/403) and any other 4xx fail for good.
    """
    if status == 429:
        return RetryableFailure("429", f"HTTP 429 (rate limited): {excerpt}", parse_retry_after(retry_after))
    if status >= 500:
        return RetryableFailure(str(status), f"HTTP {status}: {excerpt}")
    if 300 <= status < 400:
        return ChatRequestError(
            f"HTTP {status} from {url}: redirected to {location or '(no Location)'}; "
            "pass the final URL as --base-url",
            1,
        )
    if status in (401, 403):
        return AuthenticationFailed(f"HTTP {status} from {url}: the server refused the API key", 1)
    return ChatRequestError(f"HTTP {status} from {url}: {excerpt}", 1)
