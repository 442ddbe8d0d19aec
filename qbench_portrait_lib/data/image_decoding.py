"""The full decode of a release's images, run in the background while its rows are written.

:func:`~qbench_portrait_lib.data.release.read_release` checks every image's header, sizes
and zip CRC up front; decoding each image (the check that catches a truncated or corrupt
file) is the slow part, so the row reader hands it to :class:`BackgroundDecode`: a few
threads (PIL releases the GIL while it decodes) decode every distinct image exactly once
while the export or the datasets builder writes its rows into its temporary folder.
:meth:`BackgroundDecode.problems` waits for them all and returns every failure; the row
reader raises them as one ``ReleaseValidationError`` *before* the writer finishes, so the
writer's temporary folder is removed and no export or cache ever holds a bad image.

>>> import io, tempfile
>>> from pathlib import Path
>>> from PIL import Image
>>> root = Path(tempfile.mkdtemp())
>>> buffer = io.BytesIO()
>>> Image.effect_noise((64, 48), 50).convert("RGB").save(buffer, format="JPEG")
>>> data = buffer.getvalue()
>>> _ = (root / "good.jpg").write_bytes(data)
>>> _ = (root / "cut.jpg").write_bytes(data[: len(data) * 2 // 3])
>>> with ImageStore(root) as store:
...     decode = BackgroundDecode(store, ["good.jpg", "cut.jpg"], max_pixels=10_000, max_bytes=10_000)
...     decode.problems()  # doctest: +ELLIPSIS
{'cut.jpg': "image 'cut.jpg': cannot be decoded: image file is truncated ..."}
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial

from qbench_portrait_lib.data.images import ImageStore

#: Images decoded at once (at most one per CPU).
DECODE_THREADS = 4


def decode_threads() -> int:
    """Threads for decoding: one per CPU, at most :data:`DECODE_THREADS`.

    >>> 1 <= decode_threads() <= DECODE_THREADS
    True
    """
    return max(1, min(DECODE_THREADS, os.cpu_count() or 1))


class BackgroundDecode:
    """Decode each of ``names`` once in background threads; collect the failures.

    Starts at once; :meth:`add` asks for more names, :meth:`problems` waits for every
    decode, :meth:`cancel` drops what has not started (a consumer that stopped early).
    ``store`` must stay open until then; with ``owns_store`` this object closes it then, or,
    when it is dropped unread (a validation that failed elsewhere), drops the queued decodes
    and closes it. :meth:`claim` hands a started decode to exactly one reader of the rows.
    """

    def __init__(
        self,
        store: ImageStore,
        names: Iterable[str],
        *,
        max_pixels: int,
        max_bytes: int,
        owns_store: bool = False,
    ) -> None:
        self.cancelled = False
        self._claimed = False
        self._lock = threading.Lock()
        # the work items hold the store and limits, not this object, so dropping it ends them
        self._work = partial(_decode_problem, store, max_pixels, max_bytes)
        self._pool = ThreadPoolExecutor(max_workers=decode_threads(), thread_name_prefix="qbench-decode")
        self._futures: dict[str, Future[str | None]] = {}
        self.add(names)
        self._finalizer = weakref.finalize(self, _release, self._pool, store if owns_store else None)

    def add(self, names: Iterable[str]) -> None:
        """Decode the ``names`` not asked for yet too (each distinct image once, in first-use order)."""
        for name in dict.fromkeys(names):
            if name not in self._futures:
                self._futures[name] = self._pool.submit(self._work, name)

    def claim(self) -> bool:
        """True for the first caller while nothing was cancelled; False after (start another)."""
        with self._lock:
            first = not self._claimed and not self.cancelled
            self._claimed = True
        return first

    def problems(self) -> dict[str, str]:
        """Wait for every decode; ``{image name: problem}`` for those that failed."""
        try:
            found = {name: future.result() for name, future in self._futures.items()}
        except BaseException:
            self.cancel()
            raise
        self._finalizer()
        return {name: problem for name, problem in found.items() if problem is not None}

    def cancel(self) -> None:
        """Drop the decodes not yet started and wait for the running ones."""
        self.cancelled = True
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._finalizer()


def _decode_problem(store: ImageStore, max_pixels: int, max_bytes: int, name: str) -> str | None:
    try:
        store.check(name, max_pixels, max_bytes, decode=True)
    except (ValueError, OSError) as error:
        return f"image {name!r}: {error}"
    return None


def _release(pool: ThreadPoolExecutor, store: ImageStore | None) -> None:
    # after problems() or cancel() nothing runs any more; for an object dropped unread, the
    # queued decodes are dropped and a running one may fail on the closed store unread. Not
    # waiting also keeps a worker thread that drops the last reference from joining itself.
    pool.shutdown(wait=False, cancel_futures=True)
    if store is not None:
        store.close()
