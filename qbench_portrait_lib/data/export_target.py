"""Where an export may go, and writing it so that it appears whole or not at all.

An export never writes into a folder it did not make: the target must be new, empty, or
a previous export (marked by :data:`EXPORT_MARKER`, or holding nothing but ``README.md``
and ``data/*.parquet``), and replacing a previous export needs ``overwrite``. The target
may not be the release itself, inside it, or a folder holding it. Everything is written
into a hidden folder next to the target (:func:`staged_export`) and renamed into place
at the end, so the card and the shards appear together; a failed export (a bad row, a
full disk) removes its folder and leaves the previous export, if any, untouched.

>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> check_export_target(root / "new", release=None, overwrite=False)
False
>>> _ = (root / "notes.txt").write_text("mine")
>>> check_export_target(root, release=None, overwrite=True)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
qbench_portrait_lib.data.export_target.ExportTargetError: ...: a folder holding other files (notes.txt) ...
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from qbench_portrait_lib.contract.errors import QBenchError

#: The file that marks a folder as an export this package wrote.
EXPORT_MARKER = ".qbench-portrait-export"
_EXPORT_NAMES = frozenset({"README.md", "data", EXPORT_MARKER})


class ExportTargetError(QBenchError):
    """An export target that would lose the user's files, or an export that could not be written."""


def is_previous_export(folder: Path) -> bool:
    """True when ``folder`` holds an export of this package (marked, or only a card and shards)."""
    if (folder / EXPORT_MARKER).is_file():
        return True
    names = {path.name for path in folder.iterdir()}
    if not names <= _EXPORT_NAMES or not (folder / "README.md").is_file() or not (folder / "data").is_dir():
        return False
    return all(path.is_file() and path.name.endswith(".parquet") for path in (folder / "data").iterdir())


def _check_release_overlap(out: Path, release: Path) -> None:
    target, source = out.resolve(), release.resolve()
    if target == source or source in target.parents:
        where = "the release folder" if target == source else "inside the release folder"
        raise ExportTargetError(
            f"the output folder is {where} {release}: the export would overwrite or mix with the "
            "release's files; choose a folder outside it",
            file=out,
        )
    if target in source.parents:
        raise ExportTargetError(
            f"the output folder holds the release {release}: replacing it would delete the release; "
            "choose another folder",
            file=out,
        )


def check_export_target(out: Path, *, release: Path | None, overwrite: bool) -> bool:
    """Raise :class:`ExportTargetError` unless ``out`` may receive the export; True if it replaces one."""
    if release is not None:
        _check_release_overlap(out, release)
    if out.exists() and not out.is_dir():
        raise ExportTargetError(
            "is a file; the output must be a folder (new, empty, or a previous export)", file=out
        )
    if not out.is_dir():
        return False
    entries = sorted(path.name for path in out.iterdir())
    if not entries:
        return False
    if not is_previous_export(out):
        shown = ", ".join(entries[:5]) + (f" and {len(entries) - 5} more" if len(entries) > 5 else "")
        raise ExportTargetError(
            f"a folder holding other files ({shown}) and not a previous export: refusing to write into it; "
            "choose a new or empty folder",
            file=out,
        )
    if not overwrite:
        raise ExportTargetError(
            "already holds an export; use --overwrite to replace it (the new export replaces it whole)",
            file=out,
        )
    return True


def _publish(staging: Path, out: Path) -> None:
    """Move ``staging`` to ``out``; a previous ``out`` is replaced only once the new one is in place."""
    if not out.exists():
        os.replace(staging, out)
        return
    previous = Path(tempfile.mkdtemp(prefix=f".{out.name}.previous-", dir=out.parent))
    os.replace(out, previous / out.name)
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(previous / out.name, out)
        raise
    shutil.rmtree(previous, ignore_errors=True)


@contextlib.contextmanager
def staged_export(out: Path) -> Iterator[Path]:
    """A hidden folder next to ``out`` to write the export into; renamed to ``out`` on success.

    On any failure the folder is removed and ``out`` is left as it was; an ``OSError``
    (a full disk, no permission) becomes an :class:`ExportTargetError` saying so.
    """
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    except OSError as error:
        raise ExportTargetError(
            f"cannot create the output folder: {error.strerror or error}", file=out
        ) from None
    try:
        (staging / EXPORT_MARKER).write_text("written by qbench-portrait export\n", encoding="utf-8")
        yield staging
        _publish(staging, out)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        full = " (the disk is full)" if error.errno == errno.ENOSPC else ""
        raise ExportTargetError(
            f"writing the export failed{full}: {error.strerror or error}; nothing was written there",
            file=out,
        ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
