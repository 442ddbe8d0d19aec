"""An LLM judge for open-ended answers behind an OpenAI-compatible endpoint.

:class:`HttpJudge` is a judge function for the scorer (see
:mod:`qbench_portrait_lib.scoring.judging`): for each item it asks the judge model
``rounds`` times (Q-Bench-Video uses 5) to grade the answer 0/1/2 against the reference,
and returns the mean of the valid rounds, or None when no round gave a usable verdict.
A reply without a valid ``Score:`` line is asked again (``reply_retries`` times), then
counted as a failed round; nothing is turned into a score silently. A judge that answers
none of its requests (down, or refusing the key) raises :class:`JudgeUnavailableError`.

Rounds differ by their ``seed`` (round index) and, when there is more than one round,
by sampling: the default temperature is 0 for a single round and 0.7 otherwise, so that
several rounds are not copies of one reply. Every reply is cached on disk under a hash
of (judge model, messages, round, attempt, settings), so rerunning the same scoring
makes no calls; failed requests are not cached and are retried on the next run.

A judge whose endpoint refuses connections or answers 404 to every request stops within
seconds (the client's circuit breaker) with
:class:`~qbench_portrait_lib.run.client.EndpointDown` instead of falling back to the
proxy for every item; the replies received so far stay cached. A progress bar counts
the rounds judged.

>>> mean_pairwise_agreement([[2, 2, 2], [2, 1], [0]])
0.5
>>> all_rounds_agree([[2, 2, 2], [2, 1], [0]])
0.5
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm.auto import tqdm

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.run.client import (
    DEFAULT_API_KEY_ENV,
    ChatClient,
    ChatEndpoint,
    RetryPolicy,
    endpoint_requested,
    run_sync,
)
from qbench_portrait_lib.run.fan_out import gather_bounded
from qbench_portrait_lib.run.judge_prompt import JUDGE_PROMPT_VERSION
from qbench_portrait_lib.run.judge_round import JudgeRounds
from qbench_portrait_lib.run.judge_stats import (
    all_rounds_agree,
    item_values,
    judge_stats,
    mean_pairwise_agreement,
)
from qbench_portrait_lib.run.reply_cache import ReplyCache, user_cache_dir

if TYPE_CHECKING:  # items are only read by attribute; importing the scoring core is not needed
    from qbench_portrait_lib.scoring.judging import OpenEndedItem

__all__ = [
    "HttpJudge",
    "JudgeUnavailableError",
    "all_rounds_agree",
    "build_judge",
    "default_cache_dir",
    "mean_pairwise_agreement",
]

logger = logging.getLogger(__name__)

_COUNTS = ("calls", "cache_hits", "http_failures", "unusable_replies")


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/qbench-portrait/judge`` (``~/.cache/...`` by default)."""
    return user_cache_dir("judge")


class JudgeUnavailableError(QBenchError):
    """Every request to the judge failed and no answer got a verdict: the endpoint is down or refuses us.

    Partial failures are counted in ``stats`` instead (an item without a valid round keeps
    its proxy score); a judge that answers nothing is an error, not a run scored without it.
    """


def _check_judge_settings(model: str, rounds: int, concurrency: int) -> None:
    if rounds < 1:
        raise QBenchError(f"judge rounds must be at least 1, got {rounds}")
    if concurrency < 1:
        raise QBenchError(f"judge concurrency must be at least 1, got {concurrency}")
    if not model:
        raise QBenchError("expected a judge model name, got an empty string")


class HttpJudge:
    """Grades open-ended answers with a judge model; call it with a list of items.

    ``stats`` describes the last call: items, calls made, cache hits, HTTP failures,
    unusable replies, failed rounds, failures (items without any valid round) and their
    rates, and inter-round agreement (``inter_round_agreement``: share of items whose
    valid rounds all agree; ``mean_pairwise_agreement``).
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        rounds: int = 5,
        cache_dir: str | os.PathLike[str] | None = None,
        api_key_env: str = DEFAULT_API_KEY_ENV,
        concurrency: int = 8,
        temperature: float | None = None,
        max_tokens: int = 512,
        reply_retries: int = 2,
        timeout_s: float = 120.0,
        retry: RetryPolicy | None = None,
        progress: bool = True,
    ) -> None:
        _check_judge_settings(model, rounds, concurrency)
        self.base_url, self.model, self.rounds, self.concurrency = base_url, model, rounds, concurrency
        self.temperature = temperature if temperature is not None else (0.0 if rounds == 1 else 0.7)
        self.max_tokens, self.reply_retries = max_tokens, reply_retries
        self.timeout_s, self.retry = timeout_s, retry or RetryPolicy()
        self.cache = ReplyCache(Path(cache_dir) if cache_dir is not None else default_cache_dir())
        self.endpoint = ChatEndpoint.from_env(base_url, api_key_env, role="judge")  # refuses here, not later
        self.progress = progress
        self.stats: dict[str, float] = {}
        self._last_error = ""

    def __repr__(self) -> str:
        return f"HttpJudge(base_url={self.base_url!r}, model={self.model!r}, rounds={self.rounds})"

    @property
    def settings(self) -> dict[str, Any]:
        """What determines the judge's verdicts (for reports and cache keys; no secrets)."""
        return {
            "judge_model": self.model,
            "judge_base_url": self.base_url,
            "rounds": self.rounds,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "reply_retries": self.reply_retries,
            "judge_prompt_version": JUDGE_PROMPT_VERSION,
        }

    async def _judge_all(
        self, items: Sequence[OpenEndedItem], counts: dict[str, int]
    ) -> list[list[int | None]]:
        """Every round of every item, ``concurrency`` requests at a time, under a progress bar."""
        bar = tqdm(
            total=len(items) * self.rounds,
            desc=f"judge {self.model}",
            unit="round",
            disable=not self.progress,
        )
        client = ChatClient(
            self.endpoint,
            timeout_s=self.timeout_s,
            retry=self.retry,
            max_connections=self.concurrency,
        )
        async with client:
            rounds = JudgeRounds(
                client, self.cache, counts, self.model, self.max_tokens, self.temperature, self.reply_retries
            )
            jobs = [[partial(rounds.score, item, r) for r in range(self.rounds)] for item in items]
            try:
                return await gather_bounded(jobs, limit=self.concurrency, on_done=lambda: bar.update(1))
            finally:
                bar.close()
                self._last_error = rounds.last_error or self._last_error

    def __call__(self, items: Sequence[OpenEndedItem]) -> list[float | None]:
        """One value per item: the mean valid round score in [0, 2], 0.0 for an empty answer, or None."""
        items = list(items)
        counts = dict.fromkeys(_COUNTS, 0)
        answered = [index for index, item in enumerate(items) if item.response and item.response.strip()]
        per_item = run_sync(self._judge_all([items[i] for i in answered], counts)) if answered else []
        values, valid_rounds = item_values(len(items), dict(zip(answered, per_item, strict=True)))
        self.stats = judge_stats(values, valid_rounds, rounds=self.rounds, counts=counts)
        logger.info("judge %s: %s", self.model, self.stats)
        failures = sum(value is None for value in values)
        if counts["calls"] and counts["http_failures"] == counts["calls"] and failures == len(answered):
            raise JudgeUnavailableError(
                f"the judge {self.model!r} at {self.base_url} answered none of {counts['calls']} requests "
                f"({len(answered)} answers to grade); the last failure: {self._last_error}"
            )
        return values


def build_judge(
    base_url: str | None = None,
    model: str | None = None,
    *,
    rounds: int = 5,
    cache_dir: str | os.PathLike[str] | None = None,
    api_key_env: str | None = None,
    concurrency: int = 8,
    timeout_s: float = 120.0,
    max_attempts: int = 5,
) -> HttpJudge | None:
    """The judge these settings describe, or None when no ``base_url`` is given (no judge).

    Checks everything a judge needs before any request: a base URL with a model name, an
    http(s) URL, and the API key when ``api_key_env`` names a variable (without one,
    ``$OPENAI_API_KEY`` is used if set). Raises :class:`QBenchError` (a ``ValueError``).

    >>> build_judge() is None
    True
    >>> build_judge("http://localhost:8000/v1", "qwen", rounds=3)
    HttpJudge(base_url='http://localhost:8000/v1', model='qwen', rounds=3)
    >>> build_judge(model="qwen")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qbench_portrait_lib.contract.errors.QBenchError: a judge model ('qwen') was given without ... base URL
    """
    if not endpoint_requested("judge", base_url, model, api_key_env):
        return None
    return HttpJudge(
        base_url,
        model,
        rounds=rounds,
        cache_dir=cache_dir,
        api_key_env=api_key_env or DEFAULT_API_KEY_ENV,
        concurrency=concurrency,
        timeout_s=timeout_s,
        retry=RetryPolicy(max_attempts=max_attempts),
    )
