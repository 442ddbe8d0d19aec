"""Cache keys of the builder: a digest of the data-core code, and of a raw release's content.

:func:`code_hash` changes when the code that decides the rows changes; :func:`release_fingerprint`
when anything in a release changes. The builder (:class:`~qbench_portrait_lib.data.builder.QBenchPortrait`)
uses them as its ``hash``, so every way of building (the bare builder, ``load_benchmark``,
the export) reads and writes one cache folder per code and content.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

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


def cache_hash(config_name: str | None, data_dir: str | os.PathLike[str] | None) -> str:
    """The builder's cache key: the code hash, plus the release's fingerprint for a release config.

    >>> cache_hash("sample", None) == code_hash()
    True
    """
    if config_name == "sample" or data_dir is None or not Path(data_dir).is_dir():
        return code_hash()
    return f"{code_hash()}-{release_fingerprint(Path(data_dir))}"


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
