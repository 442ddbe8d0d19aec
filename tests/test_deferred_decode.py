"""The full decode of every image runs beside the writing, yet a bad image never completes anything."""

from __future__ import annotations

import gc
import io
import threading
import time
import weakref
from pathlib import Path

import datasets
import pytest
from fixtures_release import IMAGES, image_bytes, records, write_release
from PIL import Image

from qbench_portrait_lib.data import images as images_module
from qbench_portrait_lib.data import release as release_module
from qbench_portrait_lib.data.builder import QBenchPortrait
from qbench_portrait_lib.data.export import export_dataset
from qbench_portrait_lib.data.loading import load_benchmark
from qbench_portrait_lib.data.release import iter_release_rows, read_release
from qbench_portrait_lib.data.release_records import ReleaseValidationError


def noise(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((96, 128), 50).convert("RGB").save(buffer, format=fmt)
    return buffer.getvalue()


def truncated_jpeg() -> bytes:
    data = noise("JPEG")
    return data[: len(data) * 2 // 3]


def corrupt_jpeg() -> bytes:
    data = bytearray(noise("JPEG"))
    scan = data.index(b"\xff\xda")
    middle = (scan + len(data)) // 2
    data[middle : middle + 2] = b"\xff\xc4"  # a table marker inside the entropy-coded data
    return bytes(data)


def bad_png() -> bytes:
    data = bytearray(noise("PNG"))
    data[data.index(b"IDAT") + 104] ^= 0xFF  # the header is fine; the compressed pixels are not
    return bytes(data)


#: name -> (bad bytes, what the problem says); each image is used by two records of records().
BAD = {
    "truncated-jpeg": ("a.jpg", truncated_jpeg, "cannot be decoded: image file is truncated"),
    "corrupt-jpeg": ("a.jpg", corrupt_jpeg, "cannot be decoded: broken data stream"),
    "bad-png": ("sub/b.png", bad_png, "cannot be decoded: "),
}
RECORDS_OF = {
    "a.jpg": ["record 0 (id 'q1', line 1)", "record 1 (id 'q2', line 2)"],
    "sub/b.png": ["record 2 (id 'q3', line 3)", "record 3 (id 'q4', line 4)"],
}


def bad_release(root: Path, kind: str, *, as_zip: bool = False) -> Path:
    name, make, _ = BAD[kind]
    many = [{**record, "id": f"{record['id']}-{copy}"} for copy in range(1, 4) for record in records()]
    return write_release(root, records() + many, images={**IMAGES, name: make()}, as_zip=as_zip)


def assert_names_every_record(error: ReleaseValidationError, kind: str) -> None:
    name, _, says = BAD[kind]
    assert error.total == 8, error.problems  # two records per copy, four copies
    for where in RECORDS_OF[name]:
        expected = f"annotations.jsonl: {where}: image {name!r}: {says}"
        assert any(problem.startswith(expected) for problem in error.problems), error.problems


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
@pytest.mark.parametrize("kind", list(BAD))
def test_a_bad_image_fails_the_export_and_nothing_appears(tmp_path, kind, as_zip):
    release = bad_release(tmp_path / "release", kind, as_zip=as_zip)
    assert read_release(release, decode_images=False).rows  # every cheap check passes
    with pytest.raises(ReleaseValidationError) as info:
        export_dataset(tmp_path / "out", data_dir=release, rows_per_group=1, cache_dir=tmp_path / "c")
    assert_names_every_record(info.value, kind)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c", "release"]  # no OUT, no hidden folder


def test_a_bad_image_leaves_the_previous_export_untouched(tmp_path):
    good = write_release(tmp_path / "good")
    out = tmp_path / "out"
    export_dataset(out, data_dir=good, cache_dir=tmp_path / "c")
    before = tree(out)
    release = bad_release(tmp_path / "release", "corrupt-jpeg")
    with pytest.raises(ReleaseValidationError) as info:
        export_dataset(out, data_dir=release, overwrite=True, rows_per_group=1, cache_dir=tmp_path / "c")
    assert_names_every_record(info.value, "corrupt-jpeg")
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c", "good", "out", "release"]


@pytest.mark.parametrize("kind", list(BAD))
def test_a_bad_image_fails_the_builder_and_leaves_no_cache(tmp_path, kind):
    release = bad_release(tmp_path / "release", kind)
    builder = QBenchPortrait(data_dir=str(release), cache_dir=str(tmp_path / "cache"))
    with pytest.raises(ReleaseValidationError) as info:
        builder.download_and_prepare()
    assert_names_every_record(info.value, kind)
    written = [p for p in (tmp_path / "cache").rglob("*") if p.suffix in (".arrow", ".json", ".incomplete")]
    assert written == [] and not Path(builder.cache_dir).exists()
    assert not list((tmp_path / "cache").rglob("*.incomplete"))


def test_a_bad_image_fails_load_benchmark_each_time(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "cache")
    release = bad_release(tmp_path / "release", "truncated-jpeg")
    for _ in range(2):  # a failed build leaves nothing a second call could load
        with pytest.raises(ReleaseValidationError) as info:
            load_benchmark(release)
        assert_names_every_record(info.value, "truncated-jpeg")


@pytest.fixture
def decodes(monkeypatch) -> list[int]:
    """Counts calls of the full decode (``decode_check``) by the image's byte length."""
    calls: list[int] = []
    real = images_module.decode_check

    def counted(data, max_pixels):
        calls.append(1)
        return real(data, max_pixels)

    monkeypatch.setattr(images_module, "decode_check", counted)
    return calls


def many_questions_release(root: Path, n_images: int = 7) -> Path:
    images = {f"p{i}.png": image_bytes((i * 30, 90, 9), fmt="PNG") for i in range(n_images)}
    recs = [
        {**records()[index % 4], "id": f"q{index}", "image": f"p{index % n_images}.png"}
        for index in range(40)
    ]
    for record in recs:
        record.pop("image_id", None)
    return write_release(root, recs, images=images)


def test_each_image_is_decoded_exactly_once_per_export(tmp_path, decodes):
    release = many_questions_release(tmp_path / "release")
    result = export_dataset(tmp_path / "out", data_dir=release, rows_per_group=3, cache_dir=tmp_path / "c")
    assert result.num_examples == 40 and result.distinct_images == 7
    assert len(decodes) == 7


def test_each_image_is_decoded_exactly_once_per_build_and_by_read_release(tmp_path, decodes):
    release = many_questions_release(tmp_path / "release")
    QBenchPortrait(data_dir=str(release), cache_dir=str(tmp_path / "cache")).download_and_prepare()
    assert len(decodes) == 7
    assert len(read_release(release).rows) == 40  # the reader alone decodes up front, once each
    assert len(decodes) == 14
    deferred = read_release(release, decode_images=False)  # starts the decode in the background
    assert len(list(iter_release_rows(deferred))) == 40
    assert len(decodes) == 21  # once each, by the decode read_release started: the rows add none
    assert len(list(iter_release_rows(deferred))) == 40 and len(decodes) == 28  # read again: afresh


def test_a_second_read_of_a_release_checks_the_images_as_they_are_now(tmp_path):
    release = many_questions_release(tmp_path / "release")
    deferred = read_release(release, decode_images=False)
    assert len(list(iter_release_rows(deferred))) == 40
    (release / "images" / "p3.png").write_bytes(bad_png())  # replaced after the first read
    with pytest.raises(ReleaseValidationError, match=r"'p3\.png': cannot be decoded"):
        list(iter_release_rows(deferred))


def test_two_readers_of_one_release_each_get_every_check(tmp_path):
    release = bad_release(tmp_path / "r", "truncated-jpeg")
    deferred = read_release(release, decode_images=False)
    first, second = iter_release_rows(deferred), iter_release_rows(deferred)
    next(first), next(second)
    first.close()  # the one that took the started decode gives it up
    with pytest.raises(ReleaseValidationError, match="cannot be decoded: image file is truncated"):
        list(second)


def test_a_release_dropped_unread_drops_its_queued_decodes(tmp_path, monkeypatch):
    release = many_questions_release(tmp_path / "release", n_images=40)
    started = threading.Event()
    calls = []

    def slow(data, max_pixels):
        calls.append(1)
        started.set()
        time.sleep(0.05)
        return (1, 1)

    monkeypatch.setattr(images_module, "decode_check", slow)
    deferred = read_release(release, decode_images=False)
    assert started.wait(5)
    decode = weakref.ref(deferred.decode)
    del deferred
    gc.collect()
    assert decode() is None  # no queued work keeps it alive
    time.sleep(0.3)
    settled = len(calls)
    time.sleep(0.3)
    assert len(calls) == settled < 40  # the queue was dropped, not worked through


def test_a_decode_started_by_validation_is_cancelled_when_validation_fails(tmp_path, decodes, monkeypatch):
    release = many_questions_release(tmp_path / "release", n_images=40)
    lines = (release / "annotations.jsonl").read_text().splitlines()
    lines[5] = lines[5].replace('"question_type": "', '"question_type": "essay-')
    (release / "annotations.jsonl").write_text("\n".join(lines) + "\n")
    started = []
    original = release_module.BackgroundDecode.__init__

    def spy(self, *args, **kwargs):
        original(self, *args, **kwargs)
        started.append(self)

    monkeypatch.setattr(release_module.BackgroundDecode, "__init__", spy)
    with pytest.raises(ReleaseValidationError, match="question_type"):
        read_release(release, decode_images=False)
    assert len(started) == 1 and started[0].cancelled
    assert len(decodes) <= 40  # what had started finished; the rest was dropped


def test_rows_read_after_an_early_stop_are_still_all_checked(tmp_path):
    release = bad_release(tmp_path / "r", "truncated-jpeg")
    deferred = read_release(release, decode_images=False)
    rows = iter_release_rows(deferred)
    next(rows)
    rows.close()  # a consumer that stopped early gives the started decode up
    assert deferred.decode is not None and deferred.decode.cancelled
    with pytest.raises(ReleaseValidationError, match="cannot be decoded"):
        list(iter_release_rows(deferred))  # a new decode: the bad image is still found
