"""Run many requests at once, at most ``limit`` of them in flight: the judge's and the reader's pool.

>>> import asyncio
>>> async def double(x: int) -> int:
...     return 2 * x
>>> asyncio.run(gather_bounded([[lambda: double(1), lambda: double(2)], [lambda: double(3)]], limit=2))
[[2, 4], [6]]
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

_T = TypeVar("_T")


async def gather_bounded(
    groups: Sequence[Sequence[Callable[[], Awaitable[_T]]]],
    *,
    limit: int,
    on_done: Callable[[], None] | None = None,
) -> list[list[_T]]:
    """The results of every job, group by group, with at most ``limit`` jobs running at once.

    Every job is scheduled at once (each waits for a free slot); ``on_done`` is called
    after each job that succeeds. The first failure, in group order, propagates, after
    every other job was cancelled and has finished.
    """
    semaphore = asyncio.Semaphore(limit)

    async def bounded(job: Callable[[], Awaitable[_T]]) -> _T:
        async with semaphore:
            result = await job()
        if on_done is not None:
            on_done()
        return result

    tasks = [[asyncio.ensure_future(bounded(job)) for job in group] for group in groups]
    try:
        return [list(await asyncio.gather(*group)) for group in tasks]
    finally:
        every = [task for group in tasks for task in group]
        for task in every:
            task.cancel()
        await asyncio.gather(*every, return_exceptions=True)
