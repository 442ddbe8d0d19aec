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

import asyncio
import hashlib
import json
import logging
import math
import os
import tempfile
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm.auto import tqdm

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.run.client import (
    DEFAULT_API_KEY_ENV,
    ChatClient,
    ChatRequestError,
    EndpointDown,
    RetryPolicy,
    api_key_from_env,
    chat_completions_url,
    run_sync,
)
from qbench_portrait_lib.run.endpoint_guard import check_key_transport
from qbench_portrait_lib.run.judge_prompt import JUDGE_PROMPT_VERSION, judge_messages, parse_judge_score

if TYPE_CHECKING:  # items are only read by attribute; importing the scoring core is not needed
    from qbench_portrait_lib.scoring.judging import OpenEndedItem

logger = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/qbench-portrait/judge`` (``~/.cache/...`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "qbench-portrait" / "judge"


def all_rounds_agree(valid_rounds: Sequence[Sequence[int]]) -> float:
    """Fraction of items with two or more valid rounds whose rounds all give one score (NaN if none)."""
    rated = [rounds for rounds in valid_rounds if len(rounds) >= 2]
    if not rated:
        return math.nan
    return sum(len(set(rounds)) == 1 for rounds in rated) / len(rated)


def mean_pairwise_agreement(valid_rounds: Sequence[Sequence[int]]) -> float:
    """Mean over items (two or more valid rounds) of the fraction of round pairs that agree."""
    rated = [rounds for rounds in valid_rounds if len(rounds) >= 2]
    if not rated:
        return math.nan
    fractions = []
    for rounds in rated:
        pairs = list(combinations(rounds, 2))
        fractions.append(sum(a == b for a, b in pairs) / len(pairs))
    return sum(fractions) / len(fractions)


class JudgeUnavailableError(QBenchError):
    """Every request to the judge failed and no answer got a verdict: the endpoint is down or refuses us.

    Partial failures are counted in ``stats`` instead (an item without a valid round keeps
    its proxy score); a judge that answers nothing is an error, not a run scored without it.
    """


class _ReplyCache:
    """One JSON file per request key, written atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> str | None:
        path = self._path(key)
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))["reply"]
        except (ValueError, KeyError) as error:
            logger.warning("ignoring unreadable judge cache file %s (%s)", path, error)
            return None

    def put(self, key: str, reply: str, meta: dict[str, Any]) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8"
        ) as tmp:
            json.dump({**meta, "reply": reply}, tmp, ensure_ascii=False)
        os.replace(tmp.name, path)


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
        if rounds < 1:
            raise QBenchError(f"judge rounds must be at least 1, got {rounds}")
        if concurrency < 1:
            raise QBenchError(f"judge concurrency must be at least 1, got {concurrency}")
        if not model:
            raise QBenchError("expected a judge model name, got an empty string")
        self.base_url = base_url
        self.model = model
        self.rounds = rounds
        self.concurrency = concurrency
        self.temperature = temperature if temperature is not None else (0.0 if rounds == 1 else 0.7)
        self.max_tokens = max_tokens
        self.reply_retries = reply_retries
        self.timeout_s = timeout_s
        self.retry = retry or RetryPolicy()
        self.cache = _ReplyCache(Path(cache_dir) if cache_dir is not None else default_cache_dir())
        self._api_key = os.environ.get(api_key_env) or None
        check_key_transport(base_url, self._api_key, source=f"the judge's API key (${api_key_env})")
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

    def _request(self, messages: list[dict[str, Any]], round_index: int, attempt: int) -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": messages,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "seed": round_index * 100 + attempt,
        }

    def _key(self, request: dict[str, Any], round_index: int, attempt: int) -> str:
        material = {
            "request": request,
            "round": round_index,
            "attempt": attempt,
            "version": JUDGE_PROMPT_VERSION,
        }
        return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()

    async def _round(
        self, client: ChatClient, item: OpenEndedItem, round_index: int, counts: dict[str, int]
    ) -> int | None:
        messages = judge_messages(item.question, item.references, item.response or "")
        for attempt in range(self.reply_retries + 1):
            request = self._request(messages, round_index, attempt)
            key = self._key(request, round_index, attempt)
            reply = self.cache.get(key)
            if reply is not None:
                counts["cache_hits"] += 1
            else:
                counts["calls"] += 1
                try:
                    result = await client.complete(request, key=f"judge {item.id} round {round_index}")
                except EndpointDown:  # the breaker tripped: stop judging, keep what is cached
                    raise
                except ChatRequestError as error:
                    counts["http_failures"] += 1
                    self._last_error = str(error)
                    logger.warning("judge request for %s round %d failed: %s", item.id, round_index, error)
                    return None
                reply = result.text or ""
                self.cache.put(
                    key, reply, {"judge_model": self.model, "round": round_index, "attempt": attempt}
                )
            score = parse_judge_score(reply)
            if score is not None:
                return score
            counts["unusable_replies"] += 1
            logger.info(
                "judge reply for %s round %d has no valid Score line: %r", item.id, round_index, reply[-200:]
            )
        return None

    async def _judge_all(
        self, items: Sequence[OpenEndedItem], counts: dict[str, int]
    ) -> list[list[int | None]]:
        semaphore = asyncio.Semaphore(self.concurrency)
        bar = tqdm(
            total=len(items) * self.rounds,
            desc=f"judge {self.model}",
            unit="round",
            disable=not self.progress,
        )
        async with ChatClient(
            self.base_url,
            api_key=self._api_key,
            timeout_s=self.timeout_s,
            retry=self.retry,
            max_connections=self.concurrency,
        ) as client:

            async def one(item: OpenEndedItem, round_index: int) -> int | None:
                async with semaphore:
                    score = await self._round(client, item, round_index, counts)
                bar.update(1)
                return score

            tasks = [
                [asyncio.ensure_future(one(item, round_index)) for round_index in range(self.rounds)]
                for item in items
            ]
            try:
                return [list(await asyncio.gather(*item_tasks)) for item_tasks in tasks]
            finally:
                for task in (task for item_tasks in tasks for task in item_tasks):
                    task.cancel()
                await asyncio.gather(*(t for item_tasks in tasks for t in item_tasks), return_exceptions=True)
                bar.close()

    def __call__(self, items: Sequence[OpenEndedItem]) -> list[float | None]:
        """One value per item: the mean valid round score in [0, 2], 0.0 for an empty answer, or None."""
        items = list(items)
        counts = dict.fromkeys(("calls", "cache_hits", "http_failures", "unusable_replies"), 0)
        answered = [index for index, item in enumerate(items) if item.response and item.response.strip()]
        per_item = run_sync(self._judge_all([items[i] for i in answered], counts)) if answered else []
        rounds_by_index = dict(zip(answered, per_item, strict=True))
        values: list[float | None] = []
        valid_rounds: list[list[int]] = []
        for index in range(len(items)):
            if index not in rounds_by_index:
                values.append(0.0)  # an empty answer is wrong; no judge needed
                continue
            valid = [score for score in rounds_by_index[index] if score is not None]
            valid_rounds.append(valid)
            values.append(sum(valid) / len(valid) if valid else None)
        judged = len(answered)
        round_failures = sum(self.rounds - len(valid) for valid in valid_rounds)
        failures = sum(value is None for value in values)
        self.stats = {
            "items": float(len(items)),
            "empty_responses": float(len(items) - judged),
            "rounds": float(self.rounds),
            **{name: float(count) for name, count in counts.items()},
            "round_failures": float(round_failures),
            "round_failure_rate": round_failures / (judged * self.rounds) if judged else math.nan,
            "failures": float(failures),
            "failure_rate": failures / len(items) if items else math.nan,
            "inter_round_agreement": all_rounds_agree(valid_rounds),
            "mean_pairwise_agreement": mean_pairwise_agreement(valid_rounds),
        }
        logger.info("judge %s: %s", self.model, self.stats)
        if counts["calls"] and counts["http_failures"] == counts["calls"] and failures == judged:
            raise JudgeUnavailableError(
                f"the judge {self.model!r} at {self.base_url} answered none of {counts['calls']} requests "
                f"({judged} answers to grade); the last failure: {self._last_error}"
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
    if base_url is None:
        if model is not None:
            raise QBenchError(f"a judge model ({model!r}) was given without the judge's base URL")
        return None
    chat_completions_url(base_url)
    if not model:
        raise QBenchError(f"the judge at {base_url} needs a model name, got {model!r}")
    api_key_from_env(api_key_env)
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
