"""Where the runner's images come from, and their data URLs encoded once per image.

A row's image is its embedded bytes, or — for a row that only holds a path — a file
inside the dataset's own folder. Any other path is refused (:class:`ImageSourceError`):
a dataset must not make the runner read and send an arbitrary local file.

>>> import datasets
>>> rows = datasets.Dataset.from_dict({"image": [{"bytes": None, "path": "/etc/hostname"}]},
...                                   features=datasets.Features({"image": datasets.Image()}))
>>> image_loader(rows, None)(0)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
qbench_portrait_lib.run.image_source.ImageSourceError: record 0: the image has no embedded bytes, ...
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import datasets

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.run.image_encoding import image_data_url_bytes


class ImageSourceError(QBenchError):
    """A row whose image cannot be taken from the dataset itself."""


class ImageCache:
    """Data URLs by image id: encoded once, dropped after the image's last question."""

    def __init__(self, load: Callable[[int], bytes], max_side: int | None, uses: Counter[str]) -> None:
        self._load = load
        self._max_side = max_side
        self._uses = uses
        self._pending: dict[str, asyncio.Future[bytes]] = {}
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="qbench-encode")
        self.encodings = 0

    def _encode(self, row_index: int) -> bytes:
        return image_data_url_bytes(self._load(row_index), self._max_side)

    def prefetch(self, image_id: str, row_index: int) -> asyncio.Future[bytes]:
        """Start encoding ``image_id`` unless it is encoded or under way; return its future."""
        future = self._pending.get(image_id)
        if future is None:
            self.encodings += 1
            future = asyncio.get_running_loop().run_in_executor(self._executor, self._encode, row_index)
            self._pending[image_id] = future
        return future

    async def data_url(self, image_id: str, row_index: int) -> bytes:
        return await asyncio.shield(self.prefetch(image_id, row_index))

    def release(self, image_id: str) -> None:
        self._uses[image_id] -= 1
        if self._uses[image_id] == 0:
            self._pending.pop(image_id, None)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def image_loader(dataset: datasets.Dataset, image_root: Path | None) -> Callable[[int], bytes]:
    """Reads a row's image: its embedded bytes, or a file inside ``image_root`` (nothing else)."""
    images = dataset.cast_column("image", datasets.Image(decode=False)).select_columns(["image"])
    root = image_root.resolve() if image_root is not None else None

    def load(row_index: int) -> bytes:
        value = images[row_index]["image"]
        if value.get("bytes") is not None:
            return value["bytes"]
        path = value.get("path")
        if not path:
            raise ImageSourceError("the image has neither bytes nor a path", record=row_index)
        if root is None:
            raise ImageSourceError(
                f"the image has no embedded bytes, only the path {path!r}, and the dataset has no "
                "folder of its own to read it from (only embedded images are sent)",
                record=row_index,
            )
        resolved = (root / path).resolve()
        if root not in resolved.parents:
            raise ImageSourceError(
                f"the image path {path!r} points outside the dataset's folder {root}; "
                "only images inside it are sent",
                record=row_index,
            )
        return resolved.read_bytes()

    return load
