"""Export to the Hub layout: Parquet + generated card, read back by load_dataset."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import datasets
import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner
from fixtures_release import EXPECTED_FEATURES, IMAGES, records, write_release

from qbench_portrait import QBenchPortrait
from qbench_portrait_lib.cli import cli
from qbench_portrait_lib.data.card import SECTION_FILES
from qbench_portrait_lib.data.export import export_dataset, write_parquet_shards
from qbench_portrait_lib.data.export_target import ExportTargetError
from qbench_portrait_lib.data.release_records import ReleaseValidationError
from qbench_portrait_lib.resources import dataset_card_dir
from qbench_portrait_lib.sample.rows import iter_sample_rows


def load(folder: Path, tmp_path: Path) -> datasets.Dataset:
    return datasets.load_dataset(str(folder), split="test", cache_dir=str(tmp_path / "load-cache"))


def card_yaml(folder: Path) -> dict:
    text = (folder / "README.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


@pytest.fixture(scope="module")
def sample_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "qbench-portrait"
    export_dataset(out, sample=True, cache_dir=tmp_path_factory.mktemp("cache"))
    return out


def test_release_round_trip_keeps_features_rows_and_image_bytes(tmp_path: Path) -> None:
    release = write_release(tmp_path / "release", as_zip=True)
    result = export_dataset(tmp_path / "out", data_dir=release)
    assert [p.name for p in result.shards] == ["test-00000-of-00001.parquet"]
    ds = load(tmp_path / "out", tmp_path)
    assert ds.features == EXPECTED_FEATURES
    raw = ds.cast_column("image", datasets.Image(decode=False))
    expected = records()
    assert raw["id"] == [rec["id"] for rec in expected]
    for row, rec in zip(raw, expected, strict=True):
        assert row["image"] == {"bytes": IMAGES[rec["image"]], "path": rec["image"]}
        assert row["question"] == rec["question"]
        assert ds.features["question_type"].int2str(row["question_type"]) == rec["question_type"]
        assert row["answer"] == rec["answer"]
    assert ds[2]["options"] == ["True", "False"]
    assert result.num_examples == 4 and result.image_bytes == sum(len(IMAGES[r["image"]]) for r in expected)
    streamed = datasets.load_dataset(str(tmp_path / "out"), split="test", streaming=True)
    assert streamed.features == EXPECTED_FEATURES
    assert [row["id"] for row in streamed] == raw["id"]


def test_literal_load_dataset_qbench_portrait(sample_export: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample_export.parent)
    ds = datasets.load_dataset("qbench-portrait", split="test")
    assert ds.features == EXPECTED_FEATURES
    rows = list(iter_sample_rows(seed=0))
    assert ds.num_rows == len(rows)
    raw = ds.cast_column("image", datasets.Image(decode=False))
    assert raw["id"] == [row["id"] for row in rows]
    assert raw[0]["image"]["bytes"] == rows[0]["image"]["bytes"]
    assert raw[-1]["image"]["bytes"] == rows[-1]["image"]["bytes"]


def test_parquet_layout_embeds_images_uncompressed(sample_export: Path) -> None:
    (shard,) = sorted((sample_export / "data").glob("*.parquet"))
    metadata = pq.ParquetFile(shard).metadata
    assert metadata.row_group(0).num_rows == 100
    assert all(metadata.row_group(i).num_rows <= 100 for i in range(metadata.num_row_groups))
    columns = {metadata.row_group(0).column(i).path_in_schema: i for i in range(metadata.num_columns)}
    image_column = metadata.row_group(0).column(columns["image.bytes"])
    assert image_column.compression == "UNCOMPRESSED"
    assert not image_column.is_stats_set
    image_bytes = sum(len(row["image"]["bytes"]) for row in iter_sample_rows(seed=0))
    assert shard.stat().st_size <= 1.05 * image_bytes
    assert b"huggingface" in pq.read_schema(shard).metadata


def test_two_exports_are_byte_identical(sample_export: Path, tmp_path: Path) -> None:
    export_dataset(tmp_path / "again", sample=True, cache_dir=tmp_path / "cache")
    for name in ("data/test-00000-of-00001.parquet", "README.md"):
        assert (tmp_path / "again" / name).read_bytes() == (sample_export / name).read_bytes(), name


def test_shards_by_size_and_round_trip(tmp_path: Path) -> None:
    release = write_release(tmp_path / "release")
    result = export_dataset(tmp_path / "out", data_dir=release, rows_per_group=1, max_shard_bytes=1500)
    names = [p.name for p in result.shards]
    assert len(names) > 1
    assert names == [f"test-{i:05d}-of-{len(names):05d}.parquet" for i in range(len(names))]
    assert not list((tmp_path / "out" / "data").glob(".*partial"))
    ds = load(tmp_path / "out", tmp_path)
    assert ds["id"] == ["q1", "q2", "q3", "q4"]
    assert card_yaml(tmp_path / "out")["dataset_info"]["splits"][0]["num_examples"] == 4


def test_existing_export_needs_overwrite(tmp_path: Path) -> None:
    release = write_release(tmp_path / "release")
    export_dataset(tmp_path / "out", data_dir=release, rows_per_group=1, max_shard_bytes=1500)
    with pytest.raises(
        ExportTargetError, match=r"out: already holds an export; use --overwrite to replace it"
    ):
        export_dataset(tmp_path / "out", data_dir=release)
    result = export_dataset(tmp_path / "out", data_dir=release, overwrite=True)
    assert sorted(p.name for p in (tmp_path / "out" / "data").iterdir()) == ["test-00000-of-00001.parquet"]
    assert result.num_examples == 4


def test_export_needs_exactly_one_source(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="give exactly one of sample=True or data_dir"):
        export_dataset(tmp_path / "out")
    with pytest.raises(ValueError, match="give exactly one of sample=True or data_dir"):
        export_dataset(tmp_path / "out", sample=True, data_dir=tmp_path)


def test_card_yaml_is_generated_from_the_builder(sample_export: Path) -> None:
    meta = card_yaml(sample_export)
    assert meta["configs"] == [
        {"config_name": "default", "data_files": [{"split": "test", "path": "data/test-*"}]}
    ]
    assert datasets.Features._from_yaml_list(meta["dataset_info"]["features"]) == EXPECTED_FEATURES
    assert meta["dataset_info"]["splits"][0]["name"] == "test"
    assert meta["dataset_info"]["splits"][0]["num_examples"] == len(list(iter_sample_rows(seed=0)))
    assert meta["task_categories"] == ["visual-question-answering"]
    assert meta["size_categories"] == ["n<1K"]
    assert meta["pretty_name"] == "Q-Bench-Portrait"
    assert meta["license"] == "other" and "portrait" in meta["tags"]


def test_card_body_has_every_section(sample_export: Path) -> None:
    body = (sample_export / "README.md").read_text(encoding="utf-8")
    for name in SECTION_FILES:
        heading = (dataset_card_dir() / name).read_text(encoding="utf-8").splitlines()[0]
        assert heading.startswith("## ") and heading in body, name
    for heading in ("## This export", "## Citation", "## Personal and sensitive information", "## Licensing"):
        assert heading in body
    assert "arXiv:2601.18346" in body or "2601.18346" in body
    schema = (dataset_card_dir() / "schema.md").read_text(encoding="utf-8")
    for column in EXPECTED_FEATURES:
        assert f"| `{column}` |" in schema, column


def python_blocks(section: str) -> list[str]:
    text = (dataset_card_dir() / section).read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_card_examples_run(sample_export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workdir = sample_export.parent
    write_release(workdir / "path" / "to" / "release")
    monkeypatch.chdir(workdir)
    namespace: dict = {}
    blocks = python_blocks("loading.md") + python_blocks("scoring.md")
    assert len(blocks) == 5
    for block in blocks:
        exec(compile(block, "dataset_card", "exec"), namespace)
    assert namespace["ds"].num_rows == 4  # the last loading block rebinds ds to the release
    assert 0.0 <= namespace["results"]["overall"] <= 1.0


def test_cli_export_sample_and_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    release = write_release(tmp_path / "release")
    ok = runner.invoke(cli, ["export", "--dataset", str(release), "--out", str(tmp_path / "out")])
    assert ok.exit_code == 0, ok.output
    assert "wrote 4 questions in 1 shard(s)" in ok.output
    again = runner.invoke(cli, ["export", "--dataset", str(release), "--out", str(tmp_path / "out")])
    assert again.exit_code == 1 and "--overwrite" in again.output
    missing = runner.invoke(
        cli, ["export", "--dataset", str(tmp_path / "nope"), "--out", str(tmp_path / "y")]
    )
    assert missing.exit_code == 1 and "does not exist or is not a folder" in missing.output
    recs = records()
    recs[0]["level"] = "regional"
    recs[1]["answer"] = ["Nose"]
    bad = write_release(tmp_path / "bad", recs)
    invalid = runner.invoke(cli, ["export", "--dataset", str(bad), "--out", str(tmp_path / "z")])
    assert invalid.exit_code == 1
    assert "has 2 problems:" in invalid.output and "problem(s)" not in invalid.output
    assert "level must be one of ['global', 'local'] or an int in 0..1, got 'regional'" in invalid.output
    assert "Traceback" not in invalid.output


def test_a_failing_row_source_leaves_no_partial_shards(tmp_path: Path) -> None:
    release = write_release(tmp_path / "release")
    good = list(QBenchPortrait(data_dir=str(release), cache_dir=str(tmp_path / "c")).iter_rows())

    def rows() -> Iterator[dict]:
        yield from good[:3]
        raise RuntimeError("disk on fire")

    data_dir = tmp_path / "out" / "data"
    data_dir.mkdir(parents=True)
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_parquet_shards(rows(), data_dir, rows_per_group=1)
    assert list(data_dir.iterdir()) == []
    with pytest.raises(ValueError, match="the builder yielded no rows"):
        write_parquet_shards(iter(()), data_dir)
    assert list(data_dir.iterdir()) == []
    bad = dict(good[0], level="regional")
    with pytest.raises(ValueError, match=r"row 'q1': unknown level 'regional'"):
        write_parquet_shards([bad], data_dir)


def test_a_failed_overwrite_keeps_the_previous_export(tmp_path: Path) -> None:
    release = write_release(tmp_path / "release")
    export_dataset(tmp_path / "out", data_dir=release)
    before = (tmp_path / "out" / "data" / "test-00000-of-00001.parquet").read_bytes()
    recs = records()
    recs[0]["answer"] = ["Nose"]
    bad = write_release(tmp_path / "bad", recs)
    with pytest.raises(ReleaseValidationError, match="is not among the options"):
        export_dataset(tmp_path / "out", data_dir=bad, overwrite=True)
    assert [p.name for p in (tmp_path / "out" / "data").iterdir()] == ["test-00000-of-00001.parquet"]
    assert (tmp_path / "out" / "data" / "test-00000-of-00001.parquet").read_bytes() == before
