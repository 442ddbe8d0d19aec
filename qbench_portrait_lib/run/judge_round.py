"""One round of the LLM judge for one item: the request, the reply cache, the verdict.

A round asks the judge model to grade an answer and reads the ``Score:`` line of the reply
(:func:`~qbench_portrait_lib.run.judge_prompt.parse_judge_score`); a reply without a valid
one is asked again (``reply_retries`` times, each attempt with its own seed), then the
round fails. Replies come from the on-disk :class:`~qbench_portrait_lib.run.reply_cache.ReplyCache`
when they were received before.

>>> request = judge_request([{"role": "user", "content": "Grade"}], "j", 8, 0.7, seed=201)
>>> request["seed"], request["temperature"]
(201, 0.7)
>>> len(judge_cache_key(request, round_index=2, attempt=1))
64
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qbench_portrait_lib.run.client import ChatClient, ChatRequestError, EndpointDown
from qbench_portrait_lib.run.judge_prompt import JUDGE_PROMPT_VERSION, judge_messages, parse_judge_score
from qbench_portrait_lib.run.reply_cache import ReplyCache, cached_reply, request_key

if TYPE_CHECKING:  # items are only read by attribute; importing the scoring core is not needed
    from qbench_portrait_lib.scoring.judging import OpenEndedItem

logger = logging.getLogger("qbench_portrait_lib.run.judge")  # the judge's log, as before the split


def judge_request(
    messages: list[dict[str, Any]], model: str, max_tokens: int, temperature: float, *, seed: int
) -> dict[str, Any]:
    """The chat-completions body of one attempt; rounds and attempts differ by their ``seed``."""
    return {
        "model": model,
        "messages": messages,
        "max_tokens": max_tokens,
        "temperature": temperature,
        "seed": seed,
    }


def judge_cache_key(request: dict[str, Any], *, round_index: int, attempt: int) -> str:
    """The reply cache key of one attempt: the request, round, attempt and judge prompt version."""
    material = {"request": request, "round": round_index, "attempt": attempt, "version": JUDGE_PROMPT_VERSION}
    return request_key(material)


@dataclass
class JudgeRounds:
    """Asks the judge rounds through ``client`` and ``cache``, counting into ``counts``.

    ``counts`` holds ``calls``, ``cache_hits``, ``http_failures`` and ``unusable_replies``;
    ``last_error`` the message of the last request that failed for good.
    """

    client: ChatClient
    cache: ReplyCache
    counts: dict[str, int]
    model: str
    max_tokens: int
    temperature: float
    reply_retries: int
    last_error: str = ""

    async def score(self, item: OpenEndedItem, round_index: int) -> int | None:
        """The round's score (0, 1 or 2), or None when no attempt gave a usable verdict."""
        messages = judge_messages(item.question, item.references, item.response or "")
        for attempt in range(self.reply_retries + 1):
            reply = await self._reply(item.id, messages, round_index, attempt)
            if reply is None:
                return None
            score = parse_judge_score(reply)
            if score is not None:
                return score
            self.counts["unusable_replies"] += 1
            logger.info(
                "judge reply for %s round %d has no valid Score line: %r", item.id, round_index, reply[-200:]
            )
        return None

    async def _reply(
        self, item_id: str, messages: list[dict[str, Any]], round_index: int, attempt: int
    ) -> str | None:
        """The (cached) reply of one attempt, or None when its request failed for good."""
        seed = round_index * 100 + attempt
        request = judge_request(messages, self.model, self.max_tokens, self.temperature, seed=seed)
        key = judge_cache_key(request, round_index=round_index, attempt=attempt)
        meta = {"judge_model": self.model, "round": round_index, "attempt": attempt}
        label = f"judge {item_id} round {round_index}"
        try:
            return await cached_reply(
                self.cache, self.client, request, key=key, label=label, meta=meta, counts=self.counts
            )
        except EndpointDown:  # the breaker tripped: stop judging, keep what is cached
            raise
        except ChatRequestError as error:
            self.counts["http_failures"] += 1
            self.last_error = str(error)
            logger.warning("judge request for %s round %d failed: %s", item_id, round_index, error)
            return None
