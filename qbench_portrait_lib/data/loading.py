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

import os
import re
from pathlib import Path

import datasets
from datasets.exceptions import DatasetNotFoundError

from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.data.builder import QBenchPortrait
from qbench_portrait_lib.data.fingerprint import code_hash, release_fingerprint

__all__ = ["code_hash", "is_export_dir", "is_release_dir", "load_benchmark", "release_fingerprint"]
from qbench_portrait_lib.data.release import ANNOTATION_NAMES


def is_export_dir(path: Path) -> bool:
    """True when ``path`` looks like an export: ``README.md`` and ``data/*.parquet``."""
    return (path / "README.md").is_file() and any((path / "data").glob("*.parquet"))


def is_release_dir(path: Path) -> bool:
    """True when ``path`` holds a raw release's annotations file."""
    return any((path / name).is_file() for name in ANNOTATION_NAMES)


def _build(config_name: str, split: str, **config_kwargs: str) -> datasets.Dataset:
    # The builder keys its cache by the code and the release's content itself (see
    # QBenchPortrait), so the bare builder and load_benchmark share one cache folder.
    builder = QBenchPortrait(config_name=config_name, **config_kwargs)
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
            return _build("release", split, data_dir=str(path.resolve()))
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
