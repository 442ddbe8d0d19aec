"""The builder, instantiated directly on tiny releases in tmp_path."""

from __future__ import annotations

from pathlib import Path

import datasets
import pytest
from fixtures_release import EXPECTED_FEATURES, IMAGES, records, write_release

from qbench_portrait import QBenchPortrait, QBenchPortraitConfig
from qbench_portrait_lib.data.release_records import ReleaseValidationError


def build(tmp_path: Path, release: Path, **kwargs: object) -> datasets.Dataset:
    builder = QBenchPortrait(data_dir=str(release), cache_dir=str(tmp_path / "cache"), **kwargs)
    builder.download_and_prepare()
    return builder.as_dataset(split="test")


def test_info_features_version_and_citation(tmp_path: Path) -> None:
    builder = QBenchPortrait(config_name="release", cache_dir=str(tmp_path / "cache"))
    assert builder.info.features == EXPECTED_FEATURES
    assert str(builder.info.version) == "1.0.0"
    assert "2601.18346" in builder.info.citation
    assert "2,765" in builder.info.description
    assert isinstance(builder.config, QBenchPortraitConfig)
    assert builder.config.max_image_pixels == 40_000_000
    assert builder.config.max_image_bytes == 64 * 1024 * 1024


@pytest.mark.parametrize(("as_json", "as_zip"), [(False, False), (True, False), (False, True), (True, True)])
def test_release_builds_rows_with_original_image_bytes(tmp_path: Path, as_json: bool, as_zip: bool) -> None:
    release = write_release(tmp_path / "release", as_json=as_json, as_zip=as_zip)
    ds = build(tmp_path, release)
    assert ds.features == EXPECTED_FEATURES
    assert ds["id"] == ["q1", "q2", "q3", "q4"]
    raw = ds.cast_column("image", datasets.Image(decode=False))
    for row, record in zip(raw, records(), strict=True):
        assert row["image"]["bytes"] == IMAGES[record["image"]]
        assert row["image"]["path"] == record["image"]
    q2 = ds[1]
    assert ds.features["question_type"].int2str(q2["question_type"]) == "multiple_choice"
    assert q2["answer"] == ["Eyes", "Background"]
    assert q2["image_id"] == "img-a"
    assert ds[0]["image_id"] == "a.jpg"  # defaults to the image path
    assert ds[2]["options"] == ["True", "False"]  # omitted for true_false
    assert ds[2]["region"] == "" and ds[3]["options"] == []
    assert ds[0]["image"].size == (24, 32)


def test_qbench_aliases_are_accepted(tmp_path: Path) -> None:
    recs = records()
    first = recs[0]
    first["img_path"] = first.pop("image")
    first["candidates"] = first.pop("options")
    first["correct_ans"] = first.pop("answer")[0]
    recs[2]["correct_ans"] = False
    del recs[2]["answer"]
    ds = build(tmp_path, write_release(tmp_path / "release", recs))
    assert ds[0]["answer"] == ["Very blurry"]
    assert ds[0]["options"] == ["Sharp", "Slightly blurry", "Very blurry"]
    assert ds[2]["answer"] == ["False"]


def test_streaming_yields_the_same_rows(tmp_path: Path) -> None:
    release = write_release(tmp_path / "release", as_zip=True)
    builder = QBenchPortrait(data_dir=str(release), cache_dir=str(tmp_path / "cache"))
    streamed = list(builder.as_streaming_dataset(split="test"))
    assert [row["id"] for row in streamed] == ["q1", "q2", "q3", "q4"]
    assert streamed[1]["level"] == 1
    assert streamed[0]["image"].size == (24, 32)


def test_release_without_data_dir_explains_both_ways_in(tmp_path: Path) -> None:
    builder = QBenchPortrait(cache_dir=str(tmp_path / "cache"))
    with pytest.raises(ValueError, match=r"no data_dir was given.*annotations\.jsonl.*config_name='sample'"):
        builder.download_and_prepare()


def test_invalid_release_does_not_build(tmp_path: Path) -> None:
    recs = records()
    recs[0]["level"] = "regional"
    release = write_release(tmp_path / "release", recs)
    with pytest.raises(
        ReleaseValidationError,
        match=r"record 0 \(id 'q1', line 1\): level must be one of \['global', 'local'\]",
    ):
        build(tmp_path, release)
    assert not list((tmp_path / "cache").rglob("*.arrow"))


def test_pixel_limit_comes_from_the_config(tmp_path: Path) -> None:
    release = write_release(tmp_path / "release")
    with pytest.raises(ReleaseValidationError, match=r"24x32 = 768 pixels, over the limit of 700 pixels"):
        build(tmp_path, release, max_image_pixels=700)
    with pytest.raises(ValueError, match="max_image_pixels must be a positive int, got 0"):
        QBenchPortraitConfig(name="x", max_image_pixels=0)


def test_byte_cap_comes_from_the_config(tmp_path: Path) -> None:
    release = write_release(tmp_path / "release", as_zip=True)
    cap = len(IMAGES["sub/b.png"])
    with pytest.raises(
        ReleaseValidationError,
        match=rf"zip member 'a.jpg' declares \d+ bytes, over the limit of max_image_bytes={cap}",
    ):
        build(tmp_path, release, max_image_bytes=cap)
    with pytest.raises(ValueError, match="max_image_bytes must be a positive int, got -1"):
        QBenchPortraitConfig(name="x", max_image_bytes=-1)


def test_iter_rows_is_what_the_builder_generates(tmp_path: Path) -> None:
    release = write_release(tmp_path / "release")
    builder = QBenchPortrait(data_dir=str(release), cache_dir=str(tmp_path / "cache"))
    rows = list(builder.iter_rows("test"))
    assert [row["id"] for row in rows] == ["q1", "q2", "q3", "q4"]
    assert rows[0]["question_type"] == "single_choice"
    with pytest.raises(ValueError, match="split must be 'test', got 'train'"):
        list(builder.iter_rows("train"))


def test_sample_config_needs_no_input_and_streams(tmp_path: Path) -> None:
    builder = QBenchPortrait(config_name="sample", cache_dir=str(tmp_path / "cache"))
    assert builder.config.sample_seed == 0
    first = next(iter(builder.as_streaming_dataset(split="test")))
    assert first["id"] == "sample-000-q0"
    assert first["image"].size[0] > 0


def test_a_sample_row_that_breaks_the_contract_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qbench_portrait_lib.sample import rows as sample

    good = {k: v for k, v in records()[0].items() if k != "image"}
    good.update(image_id="a", image={"bytes": IMAGES["a.jpg"], "path": "a.jpg"})
    bad = dict(good, id="q2", answer=["Nose"])
    monkeypatch.setattr(sample, "iter_sample_rows", lambda seed=0: iter([good, bad, dict(good)]))
    builder = QBenchPortrait(config_name="sample", cache_dir=str(tmp_path / "cache"))
    with pytest.raises(ReleaseValidationError, match=r"sample \(seed 0\) has 2 problems") as info:
        list(builder.iter_rows())
    assert info.value.problems == [
        "sample: row 1 (id 'q2'): answer ['Nose'] is not among the options "
        "['Sharp', 'Slightly blurry', 'Very blurry']",
        "sample: row 2 (id 'q1'): duplicate id 'q1'",
    ]
