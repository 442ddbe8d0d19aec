"""Rows to record batches: the one-copy image column equals pyarrow's own conversion."""

from __future__ import annotations

import pyarrow as pa
import pytest

from qbench_portrait_lib.data.features import FEATURES
from qbench_portrait_lib.data.parquet_rows import batches, encode_row, record_batch


def row(index: int, data: bytes | None, path: str | None = "a.jpg") -> dict:
    return encode_row(
        {
            "id": f"q{index}",
            "image_id": "a",
            "image": {"bytes": data, "path": path},
            "question": "Is the face sharp? é",
            "question_type": "true_false",
            "options": ["True", "False"],
            "answer": ["True"],
            "quality_dimension": "technical",
            "image_source": "natural",
            "level": "global",
            "attribute": "blur",
            "region": "",
        }
    )


@pytest.mark.parametrize(
    "images",
    [
        [(b"\xff\xd8jpeg", "a.jpg"), (b"", "empty.png"), (b"\x00" * 1000, None), (b"png", "sub/é.png")],
        [(b"one", "a.jpg"), (None, "missing.jpg")],  # a null takes pyarrow's own path
        [(b"one", "a.jpg"), (memoryview(b"\x00\x01" * 4).cast("H"), "wide.bin")],  # len() counts items
    ],
    ids=["bytes", "with-null", "memoryview"],
)
def test_record_batch_equals_from_pylist(images):
    rows = [row(index, data, path) for index, (data, path) in enumerate(images)]
    ours = record_batch(rows, FEATURES.arrow_schema)
    expected = pa.RecordBatch.from_pylist(rows, schema=FEATURES.arrow_schema)
    assert ours.schema == expected.schema
    assert ours.equals(expected)
    ours.validate(full=True)


def test_batches_keep_every_row_in_order_across_cuts():
    rows = [row(index, bytes([index]) * (index + 1)) for index in range(10)]
    cut = list(batches(rows, 4, FEATURES.arrow_schema, max_image_bytes=12))
    assert [batch.num_rows for batch in cut] == [4, 2, 1, 1, 1, 1]  # sizes 1..10: 4 rows, then <= 12 bytes
    table = pa.Table.from_batches(cut)
    assert table.column("id").to_pylist() == [f"q{index}" for index in range(10)]
    assert [image["bytes"] for image in table.column("image").to_pylist()] == [
        bytes([index]) * (index + 1) for index in range(10)
    ]
