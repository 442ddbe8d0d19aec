"""Rows to Arrow record batches for the Parquet export: encoding, writer options, prefetching.

Image bytes are stored as they are (no compression, no dictionary, no min/max
statistics); everything else is small and zstd-compressed.

>>> writer_options(FEATURES.arrow_schema)["compression"]["image.bytes"]
'none'
"""

from __future__ import annotations

import inspect
import queue
import threading
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from qbench_portrait_lib.contract.columns import LABEL_COLUMNS
from qbench_portrait_lib.data.features import FEATURES


def _leaf_paths(schema: pa.Schema) -> list[str]:
    """Parquet column paths of ``schema``'s leaves, e.g. ``image.bytes``, ``options.list.element``."""

    def walk(name: str, arrow_type: pa.DataType) -> Iterator[str]:
        if pa.types.is_struct(arrow_type):
            for child in arrow_type:
                yield from walk(f"{name}.{child.name}", child.type)
        elif pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
            yield from walk(f"{name}.list.element", arrow_type.value_type)
        else:
            yield name

    return [path for column in schema for path in walk(column.name, column.type)]


#: Writer features turned on where the installed pyarrow has them: a page index (the Hub viewer
#: reads pages without whole row groups) and content-defined chunking (page boundaries follow
#: the content, so the Hub's chunk deduplication finds unchanged rows of a re-upload).
OPTIONAL_WRITER_FEATURES: tuple[str, ...] = ("write_page_index", "use_content_defined_chunking")


def supported_writer_features() -> list[str]:
    """The optional ParquetWriter features the installed pyarrow accepts.

    >>> set(supported_writer_features()) <= set(OPTIONAL_WRITER_FEATURES)
    True
    """
    parameters = inspect.signature(pq.ParquetWriter.__init__).parameters
    return [name for name in OPTIONAL_WRITER_FEATURES if name in parameters]


def writer_options(schema: pa.Schema) -> dict[str, Any]:
    """Image bytes are stored as is: no compression, no dictionary, no min/max statistics.

    Page index and content-defined chunking are on where supported; row groups stay as the
    caller writes them.
    """
    leaves = _leaf_paths(schema)
    raw = {"image.bytes"}
    return {
        "compression": {path: ("none" if path in raw else "zstd") for path in leaves},
        "use_dictionary": [path for path in leaves if not path.startswith("image.")],
        "write_statistics": [path for path in leaves if path not in raw],
        **dict.fromkeys(supported_writer_features(), True),
    }


_LABEL_INDEX: dict[str, dict[str, int]] = {
    column: {name: index for index, name in enumerate(names)} for column, names in LABEL_COLUMNS.items()
}


def encode_row(row: dict[str, Any]) -> dict[str, Any]:
    """A contract row in storage form (label names -> ints), like ``FEATURES.encode_example`` but cheap.

    >>> row = {"id": "q1", "image_id": "a", "image": {"bytes": b"x", "path": "a.jpg"}, "question": "?",
    ...        "question_type": "true_false", "options": ["True", "False"], "answer": ["True"],
    ...        "quality_dimension": "aigc", "image_source": "artistic", "level": "local",
    ...        "attribute": "hands", "region": "hands"}
    >>> encode_row(row) == FEATURES.encode_example(row)
    True
    """
    encoded: dict[str, Any] = {}
    for column in FEATURES:
        if column not in row:
            raise ValueError(
                f"row {row.get('id')!r} has no column {column!r}; expected all of {list(FEATURES)}"
            )
        value = row[column]
        if column in _LABEL_INDEX and isinstance(value, str):
            if value not in _LABEL_INDEX[column]:
                raise ValueError(
                    f"row {row['id']!r}: unknown {column} {value!r}; expected {list(_LABEL_INDEX[column])}"
                )
            value = _LABEL_INDEX[column][value]
        elif column == "image":
            value = {"bytes": value["bytes"], "path": value.get("path")}
        encoded[column] = value
    return encoded


#: A record batch is cut early once its image bytes reach this (Arrow ``binary`` offsets are int32).
MAX_BATCH_IMAGE_BYTES = 1 << 30


def batches(
    rows: Iterable[dict[str, Any]],
    rows_per_group: int,
    schema: pa.Schema,
    max_image_bytes: int = MAX_BATCH_IMAGE_BYTES,
) -> Iterator[pa.RecordBatch]:
    """Record batches of ``rows_per_group`` encoded rows, fewer when their images pass ``max_image_bytes``.

    >>> row = {"id": "q1", "image_id": "a", "image": {"bytes": b"x" * 10, "path": "a.jpg"}, "question": "?",
    ...        "question_type": 0, "options": [], "answer": ["yes"], "quality_dimension": 0,
    ...        "image_source": 0, "level": 0, "attribute": "", "region": ""}
    >>> [b.num_rows for b in batches([row] * 7, 3, FEATURES.arrow_schema)]
    [3, 3, 1]
    >>> [b.num_rows for b in batches([row] * 7, 3, FEATURES.arrow_schema, max_image_bytes=20)]
    [2, 2, 2, 1]
    """
    chunk: list[dict[str, Any]] = []
    chunk_bytes = 0
    for row in rows:
        encoded = encode_row(row)
        size = len(encoded["image"]["bytes"] or b"")
        if chunk and chunk_bytes + size > max_image_bytes:
            yield record_batch(chunk, schema)
            chunk, chunk_bytes = [], 0
        chunk.append(encoded)
        chunk_bytes += size
        if len(chunk) == rows_per_group:
            yield record_batch(chunk, schema)
            chunk, chunk_bytes = [], 0
    if chunk:
        yield record_batch(chunk, schema)


def record_batch(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.RecordBatch:
    """Encoded ``rows`` as one record batch, the image bytes copied once into one buffer.

    The same batch as ``pa.RecordBatch.from_pylist(rows, schema=schema)``, which copies
    each image twice as its buffer grows.
    """
    columns = []
    for column in schema:
        values = [row[column.name] for row in rows]
        is_image = column.name == "image" and pa.types.is_struct(column.type)
        columns.append(_image_array(values, column.type) if is_image else pa.array(values, column.type))
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def _image_array(images: list[dict[str, Any]], image_type: pa.StructType) -> pa.Array:
    """The image struct column; its ``bytes`` child built from one joined buffer and int32 offsets."""
    data = [image["bytes"] for image in images]
    if any(value.__class__ is not bytes for value in data) or sum(map(len, data)) >= 1 << 31:
        return pa.array(images, image_type)  # nulls, other buffers, or over int32 offsets: pyarrow's path
    offsets = array("i", [0])
    offsets.extend(accumulate(map(len, data)))
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
    children = {
        "bytes": pa.Array.from_buffers(pa.binary(), len(data), buffers),
        "path": pa.array([image.get("path") for image in images], pa.string()),
    }
    return pa.StructArray.from_arrays([children[child.name] for child in image_type], fields=list(image_type))


_DONE = object()


def prefetched(items: Iterator[Any], depth: int = 2) -> Iterator[Any]:
    """Produce ``items`` in a background thread, at most ``depth`` ahead of the consumer.

    Reading and encoding rows then overlaps with Parquet writing (which releases the GIL);
    an exception in the producer is re-raised in the consumer.

    >>> list(prefetched(iter(range(5))))
    [0, 1, 2, 3, 4]
    >>> early = prefetched(iter(range(1000)))
    >>> next(early), early.close()  # stopping early ends the producer thread
    (0, None)
    """
    buffer: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                buffer.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as error:  # handed to the consumer thread
            put(_Failure(error))
        else:
            put(_DONE)

    thread = threading.Thread(target=produce, name="qbench-export-rows", daemon=True)
    thread.start()
    try:
        while True:
            item = buffer.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()


@dataclass(frozen=True)
class _Failure:
    error: BaseException


@dataclass
class ExportResult:
    """What an export wrote."""

    out_dir: Path
    shards: list[Path]
    num_examples: int
    num_bytes: int  # in-memory Arrow size of the rows (the card's ``num_bytes``)
    parquet_bytes: int
    image_bytes: int  # sum of the embedded image bytes over all rows
    distinct_images: int = 0  # distinct image_id values
    counts: dict[str, Counter[str]] = field(default_factory=dict)  # label column -> name -> questions

    def summary(self) -> str:
        """One human line, e.g. for the CLI."""
        return (
            f"wrote {self.num_examples} questions in {len(self.shards)} shard(s), "
            f"{self.parquet_bytes / 1e6:.1f} MB of Parquet ({self.image_bytes / 1e6:.1f} MB of image bytes) "
            f"to {self.out_dir}"
        )
