"""Exports never lose the user's files: refused targets, whole-or-nothing writes, clear errors."""

from __future__ import annotations

import errno
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from fixtures_release import records, write_release

from qbench_portrait_lib.cli import cli
from qbench_portrait_lib.contract.errors import QBenchError
from qbench_portrait_lib.data import export as export_module
from qbench_portrait_lib.data.export import export_dataset
from qbench_portrait_lib.data.export_target import EXPORT_MARKER, ExportTargetError
from qbench_portrait_lib.data.loading import load_benchmark


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def export(*args: str):
    return CliRunner().invoke(cli, ["export", *args], catch_exceptions=False)


@pytest.fixture
def release(tmp_path: Path) -> Path:
    return write_release(tmp_path / "release")


def test_a_non_empty_folder_that_is_not_an_export_is_refused_even_with_overwrite(tmp_path, release):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "README.md").write_text("my own notes")
    before = tree(out)
    for extra in ([], ["--overwrite"]):
        result = export("--dataset", str(release), "--out", str(out), *extra)
        assert result.exit_code == 1
        assert "a folder holding other files (README.md) and not a previous export" in result.output
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "release"]  # nothing left beside it


def test_a_previous_export_is_replaced_whole_only_with_overwrite(tmp_path, release):
    out = tmp_path / "out"
    assert export("--dataset", str(release), "--out", str(out)).exit_code == 0
    assert (out / EXPORT_MARKER).is_file()
    again = export("--dataset", str(release), "--out", str(out))
    assert again.exit_code == 1 and "already holds an export; use --overwrite" in again.output
    assert export("--dataset", str(release), "--out", str(out), "--overwrite").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "release"]


@pytest.mark.parametrize("where", ["same", "inside", "holding"])
def test_out_equal_to_inside_or_holding_the_release_is_refused(tmp_path, release, where):
    out = {"same": release, "inside": release / "export", "holding": tmp_path}[where]
    before = tree(tmp_path)
    result = export("--dataset", str(release), "--out", str(out), "--overwrite")
    assert result.exit_code == 1 and "Traceback" not in result.output
    expected = {
        "same": "is the release folder",
        "inside": "inside the release folder",
        "holding": "holds the release",
    }
    assert expected[where] in result.output
    assert tree(tmp_path) == before


def test_a_release_folder_still_loads_its_annotations_after_a_refused_export(tmp_path, release):
    assert export("--dataset", str(release), "--out", str(release)).exit_code == 1
    assert load_benchmark(release)["id"] == [record["id"] for record in records()]


def test_out_that_is_a_file_or_a_readme_that_is_a_folder_is_a_clear_error(tmp_path, release):
    file_out = tmp_path / "file"
    file_out.write_text("keep me")
    result = export("--dataset", str(release), "--out", str(file_out))
    assert result.exit_code == 2 and "is a file" in result.output  # click's folder check
    assert file_out.read_text() == "keep me"
    with pytest.raises(ExportTargetError, match=r"file: is a file; the output must be a folder"):
        export_dataset(file_out, data_dir=release)  # the library says so too
    assert file_out.read_text() == "keep me"
    odd = tmp_path / "odd"
    (odd / "README.md").mkdir(parents=True)
    result = export("--dataset", str(release), "--out", str(odd), "--overwrite")
    assert result.exit_code == 1 and "not a previous export" in result.output
    assert (odd / "README.md").is_dir() and list((odd / "README.md").iterdir()) == []


def test_a_full_disk_leaves_nothing_half_written(tmp_path, release, monkeypatch):
    out = tmp_path / "out"

    def full_disk(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_batch", full_disk)
    result = export("--dataset", str(release), "--out", str(out))
    assert result.exit_code == 1
    assert "writing the export failed (the disk is full): No space left on device" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release"]


def test_a_failure_while_writing_the_card_keeps_the_previous_export_whole(tmp_path, release, monkeypatch):
    out = tmp_path / "out"
    export_dataset(out, data_dir=release)
    before = tree(out)

    def broken_card(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(export_module, "render_card", broken_card)
    with pytest.raises(ExportTargetError, match=r"out: writing the export failed: Input/output error"):
        export_dataset(out, data_dir=release, overwrite=True)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "release"]


def test_an_invalid_release_writes_nothing(tmp_path):
    recs = records()
    recs[0]["level"] = "regional"
    bad = write_release(tmp_path / "bad", recs)
    result = export("--dataset", str(bad), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "line 1): level must be one of ['global', 'local']" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad"]


def test_a_folder_holding_both_an_export_and_a_release_is_ambiguous(tmp_path, release):
    out = tmp_path / "out"
    export_dataset(out, data_dir=release)
    for path in release.iterdir():  # an export written into the release by an older version
        path.rename(out / path.name)
    with pytest.raises(QBenchError, match=r"out: holds both an export .* and a raw release"):
        load_benchmark(out)
