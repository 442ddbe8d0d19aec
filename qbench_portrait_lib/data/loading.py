"""One entry point for the edges (runner, score, demo) to get the benchmark as a Dataset.

``load_benchmark(source)`` accepts:

- ``None`` or ``"sample"``: the embedded sample, built by the builder and cached in the
  datasets cache (the cache key follows the data-core code, so a code change rebuilds);
- an export folder (``data/*.parquet`` + ``README.md``): ``load_dataset(folder)``;
- a raw release folder (``annotations.json(l)``): the builder's "release" config, cached
  under a key that also covers the release's content (:func:`release_fingerprint`);
- anything else: ``load_dataset(source)``, e.g. a Hub repo id ``ORG/qbench-portrait``.

Labels come back as ClassLabel ints; ``ds.features["level"].int2str(...)`` gives names.
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import datasets
from datasets.exceptions import DatasetNotFoundError

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.data.builder import QBenchPortrait
from qbench_portrait_lib.data.release import ANNOTATION_NAMES

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: The rooms whose code decides what the builder yields: their sources key the sample's cache.
_BUILDER_ROOMS = ("contract", "data", "sample")


def code_hash() -> str:
    """A digest of the sources the builder's rows depend on: the sample's cache key.

    >>> len(code_hash())
    16
    """
    digest = hashlib.sha256()
    files = sorted(path for room in _BUILDER_ROOMS for path in (_PACKAGE_DIR / room).glob("*.py"))
    for path in files:
        digest.update(f"{path.parent.name}/{path.name}".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def is_export_dir(path: Path) -> bool:
    """True when ``path`` looks like an export: ``README.md`` and ``data/*.parquet``."""
    return (path / "README.md").is_file() and any((path / "data").glob("*.parquet"))


def is_release_dir(path: Path) -> bool:
    """True when ``path`` holds a raw release's annotations file."""
    return any((path / name).is_file() for name in ANNOTATION_NAMES)


def _tree_entries(root: Path) -> Iterator[str]:
    """``relative name:size:mtime_ns`` of every file under ``root`` (one scandir walk, sorted per folder).

    Directory symlinks are not followed (no loops); file symlinks are, like the reader does.
    An entry that cannot be stat-ed (a symlink loop, a dangling link) is keyed by its name
    alone: if a record uses it, the reader reports it; if none does, it is harmless.
    """
    pending = [(root, "")]
    while pending:
        folder, prefix = pending.pop()
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
        for entry in entries:
            name = f"{prefix}{entry.name}"
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((Path(entry.path), f"{name}/"))
                elif entry.is_file():
                    stat = entry.stat()
                    yield f"{name}:{stat.st_size}:{stat.st_mtime_ns}"
            except OSError as error:
                yield f"{name}:unreadable:{error.errno}"


def _zip_entries(path: Path) -> Iterator[str]:
    """``name:crc:size`` of every member of the zip at ``path`` (its central directory only)."""
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                yield f"{info.filename}:{info.CRC}:{info.file_size}"
    except (zipfile.BadZipFile, OSError) as error:
        yield f"unreadable:{error}"  # the reader reports it; the key just has to differ


def release_fingerprint(path: Path) -> str:
    """A digest of what a raw release holds: a release changed in any way is rebuilt, not read stale.

    Covers the annotations file (its bytes: it is small), every file under ``images/``
    (relative name, size, mtime_ns; an image rewritten in place changes its mtime) and every
    member of ``images.zip`` (name, CRC-32, size, plus the zip's own size and mtime_ns).

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = (root / "annotations.jsonl").write_text("{}")
    >>> first = release_fingerprint(root)
    >>> _ = (root / "annotations.jsonl").write_text("[]")
    >>> release_fingerprint(root) != first
    True
    """
    digest = hashlib.sha256()
    for name in ANNOTATION_NAMES:
        if (path / name).is_file():
            digest.update(f"{name}\0".encode())
            digest.update(hashlib.sha256((path / name).read_bytes()).digest())
    if (path / "images").is_dir():
        digest.update(b"images/\0")
        for entry in _tree_entries(path / "images"):
            digest.update(f"{entry}\0".encode())
    if (path / "images.zip").is_file():
        stat = (path / "images.zip").stat()
        digest.update(f"images.zip:{stat.st_size}:{stat.st_mtime_ns}\0".encode())
        for entry in _zip_entries(path / "images.zip"):
            digest.update(f"{entry}\0".encode())
    return digest.hexdigest()[:16]


def _build(config_name: str, split: str, *, fingerprint: str = "", **config_kwargs: str) -> datasets.Dataset:
    cache_key = code_hash() + (f"-{fingerprint}" if fingerprint else "")
    builder = QBenchPortrait(config_name=config_name, hash=cache_key, **config_kwargs)
    builder.download_and_prepare()
    return builder.as_dataset(split=split)


def load_benchmark(source: str | os.PathLike[str] | None = None, split: str = "test") -> datasets.Dataset:
    """The benchmark from ``source`` (see the module docs) as a ``datasets.Dataset``."""
    if split != "test":
        raise QBenchError(f"Q-Bench-Portrait has one split, 'test'; got split={split!r}")
    if source is None or (isinstance(source, str) and source == "sample"):
        return _build("sample", split)
    path = Path(source)
    if path.is_dir():
        if is_export_dir(path) and is_release_dir(path):
            raise QBenchError(
                "holds both an export (README.md + data/*.parquet) and a raw release's annotations: "
                "which one is meant is unclear, and the export may be stale; move one of them elsewhere",
                file=path,
            )
        if is_export_dir(path):
            return datasets.load_dataset(str(path), split=split)
        if is_release_dir(path):
            return _build(
                "release", split, fingerprint=release_fingerprint(path), data_dir=str(path.resolve())
            )
        raise QBenchError(
            f"{path} is a folder but neither an export (README.md + data/*.parquet) nor a raw release "
            f"(one of {list(ANNOTATION_NAMES)} + images/ or images.zip)"
        )
    if path.exists():
        raise QBenchError(
            f"{path} is a file; expected 'sample', an export folder, a release folder or a Hub repo id"
        )
    text = os.fspath(source)
    if not _looks_like_repo_id(text):
        raise FileNotFoundError(
            f"{text!r} is neither 'sample', an existing export or release folder, nor a Hub repo id ORG/NAME"
        )
    try:
        return datasets.load_dataset(text, split=split)
    except (ConnectionError, DatasetNotFoundError) as error:
        raise QBenchError(f"cannot load the Hub dataset {text!r}: {error}") from error


def _looks_like_repo_id(text: str) -> bool:
    """``ORG/NAME`` with Hub-safe characters.

    >>> _looks_like_repo_id("org/qbench-portrait"), _looks_like_repo_id("./missing/dir")
    (True, False)
    """
    return re.fullmatch(r"[A-Za-z0-9][\w.-]*/[\w.-]+", text) is not None
