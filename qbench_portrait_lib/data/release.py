"""The raw-release reader: locate, validate and iterate a release folder.

A release is a folder holding exactly one of ``annotations.jsonl`` / ``annotations.json``
(a JSON list) and exactly one of ``images/`` / ``images.zip``; see the dataset card's
"Raw-release format" section. :func:`read_release` validates every record and every
image (header, sizes, zip CRC, and a full decode) before anything is yielded, and raises
one :class:`ReleaseValidationError` listing all problems. :func:`iter_release_rows` then
yields contract rows whose image is ``{"bytes": <original file bytes>, "path": <relative path>}``.

Writers (the export, the datasets builder) pass ``decode_images=False``: the decode, the
slow part, then runs in background threads while the rows are written
(:mod:`qbench_portrait_lib.data.image_decoding`), and :func:`iter_release_rows` raises
every decode failure as one :class:`ReleaseValidationError` after its last row, before
the writer can finish, so a bad image never reaches a completed export or cache.

>>> import json, tempfile
>>> root = Path(tempfile.mkdtemp())
>>> (root / "images").mkdir()
>>> _ = (root / "annotations.jsonl").write_text(json.dumps({"id": "q1", "image": "nope.jpg"}) + "\\n")
>>> try:
...     read_release(root)
... except ReleaseValidationError as error:
...     print(len(error.problems), error.problems[1].split(" in ")[0])
2 annotations.jsonl: record 0 (id 'q1', line 1): image 'nope.jpg': not found
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qbench_portrait_lib.contract.columns import REFERENCE_COLUMNS
from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.data.annotations import read_annotation_records
from qbench_portrait_lib.data.image_decoding import BackgroundDecode, decode_threads
from qbench_portrait_lib.data.images import DEFAULT_MAX_IMAGE_BYTES, ImageStore, safe_relative_path
from qbench_portrait_lib.data.problems import ProblemLog, problem_kind
from qbench_portrait_lib.data.release_records import ReleaseValidationError, normalise_record, unknown_fields

logger = logging.getLogger(__name__)

ANNOTATION_NAMES: tuple[str, ...] = ("annotations.jsonl", "annotations.json")
IMAGE_ROOT_NAMES: tuple[str, ...] = ("images", "images.zip")
#: Default decompression-bomb guard: images with more pixels than this are refused.
DEFAULT_MAX_IMAGE_PIXELS = 40_000_000

#: Columns of a row other than the image, in contract order.
CONTRACT_ORDER: tuple[str, ...] = REFERENCE_COLUMNS


@dataclass(frozen=True)
class ReleaseLayout:
    """Where a release's annotations and images are."""

    root: Path
    annotations: Path
    images: Path


@dataclass(frozen=True)
class ValidatedRelease:
    """A release that passed validation: its layout and its rows (without image bytes).

    ``locations`` names each row's record (file, index, id, line) for later problems;
    ``pending_decode`` is ``(max_pixels, max_bytes)`` when the full decode is left to
    :func:`iter_release_rows`, None when :func:`read_release` decoded every image;
    ``decode`` is that decode, started while the release was validated.
    """

    layout: ReleaseLayout
    rows: tuple[dict[str, Any], ...]
    locations: tuple[str, ...] = ()
    pending_decode: tuple[int, int] | None = None
    decode: BackgroundDecode | None = field(default=None, compare=False, repr=False)


def locate_release(data_dir: str | os.PathLike[str]) -> ReleaseLayout:
    """Find the annotations file and the image root in ``data_dir`` (FileNotFoundError/ValueError)."""
    root = Path(data_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"release folder {root} does not exist or is not a folder")
    annotations = [root / name for name in ANNOTATION_NAMES if (root / name).is_file()]
    images = [path for path in (root / "images",) if path.is_dir()]
    images += [path for path in (root / "images.zip",) if path.is_file()]
    if len(annotations) != 1:
        found = [p.name for p in annotations] or "neither"
        raise FileNotFoundError(
            f"release folder {root} must hold exactly one of {list(ANNOTATION_NAMES)}, found {found}"
        )
    if len(images) != 1:
        found = [p.name for p in images] or "neither"
        raise FileNotFoundError(
            f"release folder {root} must hold exactly one of images/ or images.zip, found {found}"
        )
    return ReleaseLayout(root=root, annotations=annotations[0], images=images[0])


def _where(file_name: str, index: int, record: Any, line: int | None) -> str:
    record_id = record.get("id") if isinstance(record, dict) else None
    line_part = f", line {line}" if line is not None else ""
    return f"{file_name}: record {index} (id {record_id!r}{line_part})"


def _row_in_contract_order(row: dict[str, Any]) -> dict[str, Any]:
    ordered = {name: row[name] for name in CONTRACT_ORDER}
    ordered["image_path"] = row["image_path"]
    return ordered


def read_release(
    data_dir: str | os.PathLike[str],
    max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS,
    max_image_bytes: int = DEFAULT_MAX_IMAGE_BYTES,
    *,
    decode_images: bool = True,
) -> ValidatedRelease:
    """Validate the whole release in ``data_dir``; raise :class:`ReleaseValidationError` with all problems.

    Decompression-bomb guards: an image whose header declares more than ``max_image_pixels``
    pixels, or whose file (zip member: declared uncompressed size) holds more than
    ``max_image_bytes`` bytes, is a problem. With ``decode_images=False`` every check but
    the full decode runs here, and :func:`iter_release_rows` decodes (see the module docs);
    that decode starts as soon as the image names are known, so it runs while the records
    are checked, and is cancelled if they fail.
    """
    _check_limits(max_image_pixels, max_image_bytes)
    layout = locate_release(data_dir)
    problems = ProblemLog()
    records = read_annotation_records(layout.annotations, problems)
    decode = None
    if not decode_images:
        names = _image_names(records)
        store = ImageStore(layout.images)
        decode = BackgroundDecode(
            store, names, max_pixels=max_image_pixels, max_bytes=max_image_bytes, owns_store=True
        )
    try:
        return _validated(layout, records, problems, max_image_pixels, max_image_bytes, decode)
    except BaseException:
        if decode is not None:
            decode.cancel()
        raise


def _validated(
    layout: ReleaseLayout,
    records: list[tuple[Any, int | None]],
    problems: ProblemLog,
    max_image_pixels: int,
    max_image_bytes: int,
    decode: BackgroundDecode | None,
) -> ValidatedRelease:
    """Every check of :func:`read_release` after the annotations are read."""
    decode_images = decode is None
    file_name = layout.annotations.name
    rows: list[dict[str, Any]] = []
    locations: list[str] = []
    seen_ids: dict[str, int] = {}
    image_checks: dict[str, str | None] = {}
    ignored: dict[str, int] = {}
    with ImageStore(layout.images) as store:
        problems.extend(store.member_problems)
        limits = (max_image_pixels, max_image_bytes, decode_images)
        image_checks.update(_check_images(store, _image_names(records), *limits))
        for index, (record, line) in enumerate(records):
            where = _where(file_name, index, record, line)
            row, record_problems = normalise_record(record)
            for name in unknown_fields(record):
                ignored[name] = ignored.get(name, 0) + 1
            if row.get("id"):
                if row["id"] in seen_ids:
                    record_problems.append(
                        f"duplicate id {row['id']!r} (first used by record {seen_ids[row['id']]})"
                    )
                else:
                    seen_ids[row["id"]] = index
            if row.get("image_path"):
                record_problems.extend(_image_problem(store, row, image_checks, *limits))
            for problem in record_problems:
                problems.add(f"{where}: {problem}", kind=problem_kind(problem))
            if not record_problems:
                rows.append(_row_in_contract_order(row))
                locations.append(where)
    if not records and not problems:
        problems.add(f"{file_name}: holds no records")
    if problems:
        raise ReleaseValidationError(str(layout.root), problems.kept, total=problems.total)
    for name, count in sorted(ignored.items()):
        logger.warning(
            "%s: field %r (in %d records) is not part of the data contract and is not kept",
            file_name,
            name,
            count,
        )
    pending = None if decode_images else (max_image_pixels, max_image_bytes)
    return ValidatedRelease(layout, tuple(rows), tuple(locations), pending_decode=pending, decode=decode)


def _check_limits(max_image_pixels: int, max_image_bytes: int) -> None:
    for name, limit in (("max_image_pixels", max_image_pixels), ("max_image_bytes", max_image_bytes)):
        if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0:
            raise QBenchError(f"{name} must be a positive int, got {limit!r}")


def _image_names(records: list[tuple[Any, int | None]]) -> list[str]:
    """The distinct safe image paths the records name (aliases included), in first-use order."""
    names: dict[str, None] = {}
    for record, _ in records:
        if not isinstance(record, dict):
            continue
        raw = record.get("image", record.get("img_path"))
        if isinstance(raw, str):
            try:
                names.setdefault(safe_relative_path(raw), None)
            except ValueError:
                continue  # reported with its record
    return list(names)


def _check_images(
    store: ImageStore, names: list[str], max_pixels: int, max_bytes: int, decode: bool
) -> dict[str, str | None]:
    """Check every image once, a few at a time (decoding releases the GIL): ``{name: problem or None}``."""

    def check(name: str) -> str | None:
        try:
            store.check(name, max_pixels, max_bytes, decode=decode)
        except (ValueError, OSError) as error:
            return f"image {name!r}: {error}"
        return None

    workers = decode_threads()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="qbench-check") as pool:
        return dict(zip(names, pool.map(check, names), strict=True))


def _image_problem(
    store: ImageStore,
    row: dict[str, Any],
    cache: dict[str, str | None],
    max_pixels: int,
    max_bytes: int,
    decode: bool,
) -> list[str]:
    """Check the row's image once per path; normalises ``row["image_path"]`` in place."""
    raw_path = row["image_path"]
    try:
        name = safe_relative_path(raw_path)
    except ValueError as error:
        return [str(error)]
    if row.get("image_id") == raw_path:
        row["image_id"] = name
    row["image_path"] = name
    if name not in cache:
        try:
            store.check(name, max_pixels, max_bytes, decode=decode)
            cache[name] = None
        except (ValueError, OSError) as error:
            cache[name] = f"image {name!r}: {error}"
    return [cache[name]] if cache[name] else []


def iter_release_rows(release: ValidatedRelease) -> Iterator[dict[str, Any]]:
    """Yield the contract rows of a validated release, each with its image's original bytes.

    When the release's decode is pending (``read_release(..., decode_images=False)``), every
    distinct image is decoded once in background threads while the rows are consumed; after
    the last row, any failure raises one :class:`ReleaseValidationError` naming each record
    whose image failed, so a consumer that writes every row never completes with a bad image.
    """
    with ImageStore(release.layout.images) as store:
        decode = None
        if release.pending_decode is not None:
            names = [row["image_path"] for row in release.rows]
            decode = release.decode
            if decode is not None and decode.claim():  # the decode read_release started, once
                decode.add(names)  # nothing is left out
            else:  # none started, or another reader took it: decode afresh (files may have changed)
                max_pixels, max_bytes = release.pending_decode
                decode = BackgroundDecode(store, names, max_pixels=max_pixels, max_bytes=max_bytes)
        try:
            yield from _rows_with_bytes(store, release.rows)
        except BaseException:
            if decode is not None:
                decode.cancel()
            raise
        if decode is not None:
            _raise_decode_problems(release, decode.problems())


def _rows_with_bytes(store: ImageStore, rows: tuple[dict[str, Any], ...]) -> Iterator[dict[str, Any]]:
    last_name, last_bytes = None, b""
    for row in rows:
        name = row["image_path"]
        if name != last_name:  # questions about one image usually follow each other
            last_name, last_bytes = name, store.read_bytes(name)
        example = {key: value for key, value in row.items() if key != "image_path"}
        example["image"] = {"bytes": last_bytes, "path": name}
        yield example


def _raise_decode_problems(release: ValidatedRelease, failed: dict[str, str]) -> None:
    """Raise one :class:`ReleaseValidationError` naming every record whose image failed to decode."""
    if not failed:
        return
    problems = ProblemLog()
    for row, where in zip(release.rows, release.locations, strict=True):
        problem = failed.get(row["image_path"])
        if problem is not None:
            problems.add(f"{where}: {problem}", kind=problem_kind(problem))
    raise ReleaseValidationError(str(release.layout.root), problems.kept, total=problems.total)
