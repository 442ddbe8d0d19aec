"""load_benchmark: one entry point for the sample, exports, releases and Hub ids."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import datasets
import pytest
from fixtures_release import EXPECTED_FEATURES, IMAGES, records, write_release

from qbench_portrait_lib.data import loading
from qbench_portrait_lib.data.export import export_dataset
from qbench_portrait_lib.data.loading import load_benchmark, release_fingerprint


@pytest.fixture(autouse=True)
def datasets_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "datasets-cache"
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", cache)
    return cache


def test_release_folder_goes_through_the_builder(tmp_path: Path) -> None:
    ds = load_benchmark(write_release(tmp_path / "release", as_zip=True))
    assert ds.features == EXPECTED_FEATURES
    assert ds["id"] == ["q1", "q2", "q3", "q4"]


def test_export_folder_goes_through_load_dataset(tmp_path: Path) -> None:
    export_dataset(tmp_path / "export", data_dir=write_release(tmp_path / "release"))
    ds = load_benchmark(str(tmp_path / "export"))
    assert ds.features == EXPECTED_FEATURES
    assert ds.num_rows == 4


def test_sample_is_built_once_and_cached(datasets_cache: Path) -> None:
    ds = load_benchmark()
    assert ds.features == EXPECTED_FEATURES
    assert ds.num_rows >= 240
    arrow_files = sorted(datasets_cache.rglob("*.arrow"))
    assert arrow_files
    again = load_benchmark("sample")
    assert again["id"] == ds["id"]
    assert sorted(datasets_cache.rglob("*.arrow")) == arrow_files
    assert any(loading.code_hash() in str(path) for path in arrow_files)


def test_hub_ids_are_passed_to_load_dataset(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple] = []
    monkeypatch.setattr(
        datasets, "load_dataset", lambda *args, **kwargs: calls.append((args, kwargs)) or "hub"
    )
    assert load_benchmark("my-org/qbench-portrait") == "hub"
    assert calls == [(("my-org/qbench-portrait",), {"split": "test"})]


def test_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"one split, 'test'; got split='train'"):
        load_benchmark(split="train")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match=r"neither an export .* nor a raw release"):
        load_benchmark(tmp_path / "empty")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(ValueError, match=r"is a file; expected 'sample', an export folder"):
        load_benchmark(tmp_path / "file.txt")
    with pytest.raises(FileNotFoundError, match=r"'qbench-portrait' is neither 'sample', an existing export"):
        load_benchmark("qbench-portrait")
    with pytest.raises(FileNotFoundError, match=r"is neither 'sample'"):
        load_benchmark(str(tmp_path / "missing" / "dir"))


def test_a_changed_release_is_rebuilt(tmp_path: Path) -> None:
    release = write_release(tmp_path / "release")
    assert load_benchmark(release)["question"][0] == "How sharp is the face?"
    recs = records()
    recs[0]["question"] = "How sharp is the face now?"
    write_release(release, recs)
    assert load_benchmark(release)["question"][0] == "How sharp is the face now?"


def image_column(ds: datasets.Dataset) -> list[bytes]:
    return [image["bytes"] for image in ds.cast_column("image", datasets.Image(decode=False))["image"]]


def same_size_variant(data: bytes) -> bytes:
    """``data`` with one byte of the JPEG scan data changed: same size, same header."""
    changed = bytearray(data)
    changed[-4] ^= 0xFF  # just before the end-of-image marker
    return bytes(changed)


def test_an_image_rewritten_in_place_is_reloaded(tmp_path: Path) -> None:
    release = write_release(tmp_path / "release")
    image = release / "images" / "a.jpg"
    assert image_column(load_benchmark(release))[0] == IMAGES["a.jpg"]
    before = image.stat()
    image.write_bytes(same_size_variant(IMAGES["a.jpg"]))
    # same size; a later mtime even where the clock is coarse
    os.utime(image, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    assert image.stat().st_size == before.st_size
    assert image_column(load_benchmark(release))[0] == same_size_variant(IMAGES["a.jpg"])


def test_a_zip_member_rewritten_with_the_same_size_and_mtime_is_reloaded(tmp_path: Path) -> None:
    release = write_release(tmp_path / "release", as_zip=True)
    assert image_column(load_benchmark(release))[0] == IMAGES["a.jpg"]
    archive = release / "images.zip"
    before = archive.stat()
    with zipfile.ZipFile(archive, "w") as rewritten:
        for name, data in {**IMAGES, "a.jpg": same_size_variant(IMAGES["a.jpg"])}.items():
            rewritten.writestr(name, data)
    os.utime(archive, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert archive.stat().st_size == before.st_size  # only the members' CRC differs
    assert image_column(load_benchmark(release))[0] == same_size_variant(IMAGES["a.jpg"])


def test_an_unchanged_release_is_read_from_the_cache(tmp_path: Path, datasets_cache: Path) -> None:
    release = write_release(tmp_path / "release")
    load_benchmark(release)
    arrow_files = sorted(datasets_cache.rglob("*.arrow"))
    load_benchmark(release)
    assert sorted(datasets_cache.rglob("*.arrow")) == arrow_files
    fingerprint = release_fingerprint(release)
    (release / "images" / "sub" / "new.jpg").write_bytes(IMAGES["a.jpg"])  # in a subfolder, unused
    assert release_fingerprint(release) != fingerprint
