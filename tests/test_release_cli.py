"""`qbench-portrait write-release`: a synthetic release that the reader accepts and exports."""

from __future__ import annotations

from pathlib import Path

import datasets
from click.testing import CliRunner
from fixtures_release import EXPECTED_FEATURES

from qbench_portrait_lib.cli import cli
from qbench_portrait_lib.data.release import read_release


def test_written_release_validates_exports_and_loads(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "release"
    written = runner.invoke(
        cli, ["write-release", "--out", str(out), "--questions", "14", "--images", "3", "--seed", "1"]
    )
    assert written.exit_code == 0, written.output
    assert "14 questions over 3 images" in written.output
    release = read_release(out)
    assert len(release.rows) == 14
    assert len({row["image_path"] for row in release.rows}) == 3
    exported = runner.invoke(
        cli, ["export", "--dataset", str(out), "--out", str(tmp_path / "qbench-portrait")]
    )
    assert exported.exit_code == 0, exported.output
    ds = datasets.load_dataset(str(tmp_path / "qbench-portrait"), split="test", cache_dir=str(tmp_path / "c"))
    assert ds.features == EXPECTED_FEATURES
    assert ds.num_rows == 14
    raw = ds.cast_column("image", datasets.Image(decode=False))
    first = release.rows[0]
    assert raw[0]["image"]["bytes"] == (out / "images" / first["image_path"]).read_bytes()


def test_write_release_bad_input(tmp_path: Path) -> None:
    runner = CliRunner()
    too_few = runner.invoke(
        cli, ["write-release", "--out", str(tmp_path / "a"), "--questions", "1", "--images", "3"]
    )
    assert too_few.exit_code == 1
    assert "at least one question per image" in too_few.output and "Traceback" not in too_few.output
    assert (
        runner.invoke(
            cli, ["write-release", "--out", str(tmp_path / "b"), "--questions", "3", "--images", "1"]
        ).exit_code
        == 0
    )
    again = runner.invoke(
        cli, ["write-release", "--out", str(tmp_path / "b"), "--questions", "3", "--images", "1"]
    )
    assert again.exit_code == 1 and "already holds a release" in again.output
    not_a_number = runner.invoke(cli, ["write-release", "--out", str(tmp_path / "c"), "--questions", "many"])
    assert not_a_number.exit_code == 2 and "'many' is not a valid integer" in not_a_number.output
