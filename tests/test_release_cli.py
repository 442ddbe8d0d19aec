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


def test_write_release_checks_before_writing_and_leaves_nothing_on_failure(
    tmp_path: Path, monkeypatch
) -> None:
    from qbench_portrait_lib.sample import synthetic_release

    runner = CliRunner()
    over = runner.invoke(
        cli, ["write-release", "--out", str(tmp_path / "a"), "--questions", "30", "--images", "3"]
    )
    assert over.exit_code == 1 and "3 images can carry at most 27 questions" in over.output
    assert list(tmp_path.iterdir()) == []  # refused before any image was written
    # 2 images carry 5 to 18 questions: the exact capacity is known only once they are generated.
    monkeypatch.setattr(synthetic_release, "MAX_QUESTIONS_PER_IMAGE", 100)
    late = runner.invoke(
        cli, ["write-release", "--out", str(tmp_path / "b"), "--questions", "40", "--images", "2"]
    )
    assert late.exit_code == 1 and "can carry at most" in late.output
    assert list(tmp_path.iterdir()) == []  # no images without annotations
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "mine.txt").write_text("keep")
    busy = runner.invoke(
        cli, ["write-release", "--out", str(tmp_path / "c"), "--questions", "3", "--images", "1"]
    )
    assert busy.exit_code == 1 and "is not empty" in busy.output
    assert [p.name for p in (tmp_path / "c").iterdir()] == ["mine.txt"]
