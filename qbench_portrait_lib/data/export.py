"""Export the builder's rows to the Hub layout: Parquet shards plus a dataset card.

``DIR/data/test-0000X-of-0000N.parquet`` holds the rows with the original image bytes
embedded (never decoded, never recompressed); ``DIR/README.md`` is the dataset card
whose YAML (configs, features, splits) is generated from the builder's own info, so
``load_dataset(DIR)`` restores the exact Features.

Rows stream from the builder straight into ``pyarrow.parquet.ParquetWriter`` in small
row groups (for the Hub viewer); a background thread reads and encodes the next row
groups while one is written, so memory stays bounded by a few row groups.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm.auto import tqdm

from qbench_portrait_lib.contract.columns import LABEL_COLUMNS
from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.data.builder import QBenchPortrait
from qbench_portrait_lib.data.card import LICENSE_FILE, render_card, render_license
from qbench_portrait_lib.data.export_target import check_export_target, staged_export
from qbench_portrait_lib.data.features import FEATURES
from qbench_portrait_lib.data.parquet_rows import ExportResult, batches, prefetched, writer_options

logger = logging.getLogger(__name__)

#: Rows per Parquet row group: ~100 image rows keep the Hub viewer responsive.
DEFAULT_ROWS_PER_GROUP = 100
#: A new shard starts once the current one would grow past this many bytes.
DEFAULT_MAX_SHARD_BYTES = 500 * 1024 * 1024
SPLIT = "test"


class _ShardWriter:
    """Hidden ``.partial`` shards in ``data_dir``, a new one whenever the current would pass ``max_bytes``."""

    def __init__(self, data_dir: Path, rows_per_group: int, max_bytes: int) -> None:
        self.data_dir = data_dir
        self.rows_per_group = rows_per_group
        self.max_bytes = max_bytes
        self.schema = FEATURES.arrow_schema
        self.options = writer_options(self.schema)
        self.partials: list[Path] = []
        self.writer: pq.ParquetWriter | None = None
        self.shard_bytes = 0

    def write(self, batch: pa.RecordBatch) -> None:
        if self.writer is not None and self.shard_bytes + batch.nbytes > self.max_bytes:
            self.close()
        if self.writer is None:
            self.partials.append(self.data_dir / f".{SPLIT}-{len(self.partials):05d}.parquet.partial")
            self.writer = pq.ParquetWriter(self.partials[-1], self.schema, **self.options)
            self.shard_bytes = 0
        self.writer.write_batch(batch, row_group_size=self.rows_per_group)
        self.shard_bytes += batch.nbytes

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def discard(self) -> None:
        """Close and delete every partial shard: a failed export leaves none behind."""
        self.close()
        for path in self.partials:
            path.unlink(missing_ok=True)

    def publish(self) -> list[Path]:
        """Rename the partial shards to ``test-0000X-of-0000N.parquet``; their final paths."""
        self.close()
        shards = []
        for index, partial in enumerate(self.partials):
            final = self.data_dir / f"{SPLIT}-{index:05d}-of-{len(self.partials):05d}.parquet"
            os.replace(partial, final)
            shards.append(final)
        return shards


def write_parquet_shards(
    rows: Iterable[dict[str, Any]],
    data_dir: Path,
    *,
    rows_per_group: int = DEFAULT_ROWS_PER_GROUP,
    max_shard_bytes: int = DEFAULT_MAX_SHARD_BYTES,
) -> ExportResult:
    """Stream contract rows into ``data_dir/test-0000X-of-0000N.parquet``.

    If ``rows`` raises (a bad row, an image that fails its decode after the last row), no
    shard is left behind and the error propagates.
    """
    if rows_per_group < 1 or max_shard_bytes < 1:
        raise QBenchError(
            f"rows_per_group and max_shard_bytes must be >= 1, got {rows_per_group}, {max_shard_bytes}"
        )
    shards = _ShardWriter(data_dir, rows_per_group, max_shard_bytes)
    num_examples = num_bytes = image_bytes = 0
    counts: dict[str, Counter[str]] = {name: Counter() for name in LABEL_COLUMNS}
    images: set[str] = set()
    progress = tqdm(desc="Exporting questions", unit=" questions", disable=None)
    try:
        for batch in prefetched(batches(_counted(rows, counts, images), rows_per_group, shards.schema)):
            shards.write(batch)
            num_examples += batch.num_rows
            num_bytes += batch.nbytes
            image_bytes += pc.sum(pc.binary_length(batch.column("image").field("bytes"))).as_py() or 0
            progress.update(batch.num_rows)
        if num_examples == 0:
            raise QBenchError("the builder yielded no rows: nothing to export")
        paths = shards.publish()
    except BaseException:
        shards.discard()
        raise
    finally:
        progress.close()
    return ExportResult(
        out_dir=data_dir.parent,
        shards=paths,
        num_examples=num_examples,
        num_bytes=num_bytes,
        parquet_bytes=sum(path.stat().st_size for path in paths),
        image_bytes=image_bytes,
        distinct_images=len(images),
        counts=counts,
    )


def _counted(
    rows: Iterable[dict[str, Any]], counts: dict[str, Counter[str]], images: set[str]
) -> Iterator[dict[str, Any]]:
    for row in rows:
        for name, counter in counts.items():
            counter[row[name]] += 1
        images.add(row["image_id"])
        yield row


def export_dataset(
    out_dir: str | os.PathLike[str],
    *,
    data_dir: str | os.PathLike[str] | None = None,
    sample: bool = False,
    sample_seed: int = 0,
    max_image_pixels: int | None = None,
    max_image_bytes: int | None = None,
    rows_per_group: int = DEFAULT_ROWS_PER_GROUP,
    max_shard_bytes: int = DEFAULT_MAX_SHARD_BYTES,
    overwrite: bool = False,
    cache_dir: str | os.PathLike[str] | None = None,
) -> ExportResult:
    """Export the sample (``sample=True``) or the raw release in ``data_dir`` to ``out_dir``.

    Writes the Parquet shards and ``README.md`` (the dataset card); returns an
    :class:`ExportResult`. ``max_image_pixels`` and ``max_image_bytes`` override the
    release reader's decompression-bomb guards. Validation errors of the release propagate as
    :class:`~qbench_portrait_lib.data.release_records.ReleaseValidationError`.
    ``out_dir`` must be new, empty or a previous export (replaced only with ``overwrite``),
    and neither the release folder, inside it, nor holding it; the export is written next
    to it and renamed into place whole, so a failure leaves nothing half-written
    (:mod:`qbench_portrait_lib.data.export_target`).
    """
    if sample == (data_dir is not None):
        raise QBenchError(
            f"give exactly one of sample=True or data_dir=..., got sample={sample}, data_dir={data_dir}"
        )
    kwargs: dict[str, Any] = {"cache_dir": None if cache_dir is None else str(cache_dir)}
    if max_image_pixels is not None:
        kwargs["max_image_pixels"] = max_image_pixels
    if max_image_bytes is not None:
        kwargs["max_image_bytes"] = max_image_bytes
    if sample:
        builder = QBenchPortrait(config_name="sample", sample_seed=sample_seed, **kwargs)
    else:
        builder = QBenchPortrait(config_name="release", data_dir=str(data_dir), **kwargs)
    out = Path(out_dir)
    check_export_target(out, release=None if data_dir is None else Path(data_dir), overwrite=overwrite)
    with staged_export(out) as staging:
        (staging / "data").mkdir()
        result = write_parquet_shards(
            builder.iter_rows(SPLIT),
            staging / "data",
            rows_per_group=rows_per_group,
            max_shard_bytes=max_shard_bytes,
        )
        card = render_card(builder.info, result, config_name=builder.config.name)
        (staging / "README.md").write_text(card, encoding="utf-8")
        (staging / LICENSE_FILE).write_text(render_license(), encoding="utf-8")
    result.out_dir = out
    result.shards = [out / "data" / path.name for path in result.shards]
    logger.info("%s", result.summary())
    return result
