"""One entry point for the edges (runner, score, demo) to get the benchmark as a Dataset.

``load_benchmark(source)`` accepts:

- ``None`` or ``"sample"``: the embedded sample, built by the builder and cached in the
  datasets cache (the cache key follows the data-core code, so a code change rebuilds);
- an export folder (``data/*.parquet`` + ``README.md``): ``load_dataset(folder)``;
- a raw release folder (``annotations.json(l)``): the builder's "release" config;
- anything else: ``load_dataset(source)``, e.g. a Hub repo id ``ORG/qbench-portrait``.

Labels come back as ClassLabel ints; ``ds.features["level"].int2str(...)`` gives names.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import datasets

from qbench_portrait_lib.data.release import ANNOTATION_NAMES

_DATA_CORE_DIR = Path(__file__).resolve().parent
_BUILDER_FILE = _DATA_CORE_DIR.parent.parent / "qbench_portrait.py"


def code_hash() -> str:
    """A digest of the builder and data-core sources: the sample's cache key.

    >>> len(code_hash())
    16
    """
    digest = hashlib.sha256()
    files = sorted(_DATA_CORE_DIR.glob("*.py"))
    if _BUILDER_FILE.is_file():
        files.append(_BUILDER_FILE)
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def is_export_dir(path: Path) -> bool:
    """True when ``path`` looks like an export: ``README.md`` and ``data/*.parquet``."""
    return (path / "README.md").is_file() and any((path / "data").glob("*.parquet"))


def is_release_dir(path: Path) -> bool:
    """True when ``path`` holds a raw release's annotations file."""
    return any((path / name).is_file() for name in ANNOTATION_NAMES)


def _release_fingerprint(path: Path) -> str:
    """Size and modification time of the release's annotations and image root: a changed release rebuilds."""
    parts = []
    for name in (*ANNOTATION_NAMES, "images", "images.zip"):
        if (path / name).exists():
            stat = (path / name).stat()
            parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _build(config_name: str, split: str, *, fingerprint: str = "", **config_kwargs: str) -> datasets.Dataset:
    from qbench_portrait import QBenchPortrait

    cache_key = code_hash() + (f"-{fingerprint}" if fingerprint else "")
    builder = QBenchPortrait(config_name=config_name, hash=cache_key, **config_kwargs)
    builder.download_and_prepare()
    return builder.as_dataset(split=split)


def load_benchmark(source: str | os.PathLike[str] | None = None, split: str = "test") -> datasets.Dataset:
    """The benchmark from ``source`` (see the module docs) as a ``datasets.Dataset``."""
    if split != "test":
        raise ValueError(f"Q-Bench-Portrait has one split, 'test'; got split={split!r}")
    if source is None or (isinstance(source, str) and source == "sample"):
        return _build("sample", split)
    path = Path(source)
    if path.is_dir():
        if is_export_dir(path):
            return datasets.load_dataset(str(path), split=split)
        if is_release_dir(path):
            return _build(
                "release", split, fingerprint=_release_fingerprint(path), data_dir=str(path.resolve())
            )
        raise ValueError(
            f"{path} is a folder but neither an export (README.md + data/*.parquet) nor a raw release "
            f"(one of {list(ANNOTATION_NAMES)} + images/ or images.zip)"
        )
    if path.exists():
        raise ValueError(
            f"{path} is a file; expected 'sample', an export folder, a release folder or a Hub repo id"
        )
    text = os.fspath(source)
    if not _looks_like_repo_id(text):
        raise FileNotFoundError(
            f"{text!r} is neither 'sample', an existing export or release folder, nor a Hub repo id ORG/NAME"
        )
    return datasets.load_dataset(text, split=split)


def _looks_like_repo_id(text: str) -> bool:
    """``ORG/NAME`` with Hub-safe characters.

    >>> _looks_like_repo_id("org/qbench-portrait"), _looks_like_repo_id("./missing/dir")
    (True, False)
    """
    return re.fullmatch(r"[A-Za-z0-9][\w.-]*/[\w.-]+", text) is not None
