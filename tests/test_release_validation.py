"""Every release problem is found, named (file, record, id) and reported together."""

from __future__ import annotations

import json
import logging
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from fixtures_release import IMAGES, image_bytes, records, write_release
from test_release_contract import CONTRACT_CASES, with_change

from qbench_portrait_lib.data.release import locate_release, read_release
from qbench_portrait_lib.data.release_records import ReleaseValidationError


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` (a decompression-bomb stand-in)."""
    data = bytearray(image_bytes((1, 2, 3), size=(2, 2), fmt="PNG"))
    ihdr = bytes(data[12:16]) + struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(ihdr) & 0xFFFFFFFF)
    return bytes(data)


def problems_of(root: Path, **kwargs: Any) -> list[str]:
    with pytest.raises(ReleaseValidationError) as info:
        read_release(root, **kwargs)
    return info.value.problems


# (record index, changes, expected problem)
RECORD_CASES = [
    (0, {"question": None}, r"record 0 \(id 'q1', line 1\): missing column 'question'"),
    (0, {"image": None}, r"missing required field 'image' \(or its alias 'img_path'\)"),
    (
        1,
        {"quality_dimension": "colour"},
        r"record 1 \(id 'q2', line 2\): quality_dimension must be one of .* got 'colour'",
    ),
    (0, {"question_type": "essay"}, r"question_type must be one of \['single_choice'.* got 'essay'"),
    (
        3,
        {"options": ["A", "B"]},
        r"record 3 \(id 'q4', line 4\): an open_ended question must have no options",
    ),
    (
        0,
        {"options": ["Low", "low.", "High"], "answer": ["Low"]},
        r"record 0 \(id 'q1', line 1\): options 'Low' and 'low.' are the same option to answer extraction",
    ),
    (0, {"options": None}, r"missing column 'options' \(or its alias 'candidates'\)"),
    (0, {"question": 7}, r"question must be a string, got int 7"),
    (0, {"options": "Sharp, Blurry"}, r"options must be a list of strings, got str 'Sharp, Blurry'"),
    (0, {"answer": [1]}, r"answer must be a list of strings, got an item 1"),
    (0, {"id": 12}, r"id must be a string, got int 12"),
    (0, {"img_path": "a.jpg"}, r"has both 'image' and its alias 'img_path'; keep one"),
    (0, {"image": "missing.jpg"}, r"image 'missing.jpg': not found in .*images"),
    (0, {"image": "/etc/passwd"}, r"image path '/etc/passwd' is absolute"),
    (0, {"image": "../annotations.jsonl"}, r"image path '../annotations.jsonl' escapes the release root"),
    *CONTRACT_CASES,  # options, answer and region: the rules the scorer shares
]


@pytest.mark.parametrize(("index", "changes", "expected"), RECORD_CASES)
def test_record_problem_is_named(tmp_path: Path, index: int, changes: dict[str, Any], expected: str) -> None:
    root = write_release(tmp_path / "release", with_change(index, **changes))
    problems = problems_of(root)
    assert any(re.search(expected, problem) for problem in problems), problems
    assert all(problem.startswith("annotations.jsonl: record ") for problem in problems), problems


def test_duplicate_id_names_the_first_use(tmp_path: Path) -> None:
    recs = records()
    recs[3]["id"] = "q1"
    root = write_release(tmp_path / "release", recs, as_json=True)
    with pytest.raises(
        ReleaseValidationError, match=r"annotations\.json: record 3 \(id 'q1'\): duplicate id 'q1' \(first"
    ):
        read_release(root)


def test_malformed_json_line_gives_the_line_number(tmp_path: Path) -> None:
    root = write_release(tmp_path / "release")
    lines = (root / "annotations.jsonl").read_text().splitlines()
    lines.insert(1, '{"id": "broken", ')
    (root / "annotations.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(ReleaseValidationError, match=r"annotations\.jsonl: line 2: malformed JSON"):
        read_release(root)


def test_json_file_must_hold_a_list(tmp_path: Path) -> None:
    root = write_release(tmp_path / "release", as_json=True)
    (root / "annotations.json").write_text(json.dumps({"records": records()}))
    with pytest.raises(ReleaseValidationError, match=r"expected a JSON list of records, got dict"):
        read_release(root)
    (root / "annotations.json").write_text("[{")
    with pytest.raises(ReleaseValidationError, match=r"annotations\.json: malformed JSON: .* at column 3"):
        read_release(root)


def test_unreadable_image(tmp_path: Path) -> None:
    images = {**IMAGES, "a.jpg": b"this is not an image"}
    root = write_release(tmp_path / "release", images=images)
    problems = problems_of(root)
    # one problem per question that uses the broken image (q1, q2), none for the others
    assert len(problems) == 2
    assert all(
        "image 'a.jpg': not an image in an accepted format (JPEG, PNG, WebP, BMP, TIFF or GIF)" in problem
        for problem in problems
    ), problems


@pytest.mark.parametrize("as_zip", [False, True])
def test_image_over_the_pixel_limit(tmp_path: Path, as_zip: bool) -> None:
    images = {"a.jpg": png_declaring(7000, 7000), "sub/b.png": png_declaring(30000, 30000)}
    root = write_release(tmp_path / "release", images=images, as_zip=as_zip)
    problems = problems_of(root)
    assert any("7000x7000 = 49000000 pixels, over the limit of 40000000" in p for p in problems), problems
    assert any("image 'sub/b.png'" in p and "decompression-bomb guard" in p for p in problems), problems


def test_zip_member_that_escapes(tmp_path: Path) -> None:
    root = write_release(tmp_path / "release", as_zip=True)
    with zipfile.ZipFile(root / "images.zip", "a") as archive:
        archive.writestr("../evil.jpg", IMAGES["a.jpg"])
        archive.writestr("/abs.jpg", IMAGES["a.jpg"])
    problems = problems_of(root)
    assert any(p.startswith("images.zip: zip member '../evil.jpg'") and "escapes" in p for p in problems)
    assert any(p.startswith("images.zip: zip member '/abs.jpg'") and "absolute" in p for p in problems)


def test_symlink_out_of_the_image_root(tmp_path: Path) -> None:
    root = write_release(tmp_path / "release")
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(IMAGES["a.jpg"])
    (root / "images" / "link.jpg").symlink_to(outside)
    recs = with_change(0, image="link.jpg")
    write_release(root, recs)
    with pytest.raises(
        ReleaseValidationError, match=r"image 'link.jpg': resolves to .*outside the image root"
    ):
        read_release(root)


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    recs = records()
    recs[0]["level"] = "regional"
    recs[1]["answer"] = ["Nose"]
    recs[2]["image"] = "../x.png"
    recs[3]["options"] = ["A"]
    recs.append({"id": "q1", "question": 3})
    root = write_release(tmp_path / "release", recs)
    problems = problems_of(root)
    for expected in (
        "record 0 (id 'q1', line 1): level must be one of ['global', 'local'] or an int in 0..1, got 'reg",
        "record 1 (id 'q2', line 2): answer ['Nose'] is not among the options",
        "record 2 (id 'q3', line 3): image path '../x.png' escapes",
        "record 3 (id 'q4', line 4): an open_ended question must have no options",
        "record 4 (id 'q1', line 5): duplicate id 'q1'",
        "record 4 (id 'q1', line 5): question must be a string",
        "record 4 (id 'q1', line 5): missing columns ['image_id', 'question_type', 'options', 'answer',",
    ):
        assert any(problem.startswith(f"annotations.jsonl: {expected}") for problem in problems), (
            expected,
            problems,
        )
    with pytest.raises(ReleaseValidationError, match=r"release .* has \d+ problems:\n- annotations\.jsonl"):
        read_release(root)


def test_a_record_that_is_not_an_object(tmp_path: Path) -> None:
    root = write_release(tmp_path / "release", [*records(), ["q9"]])
    with pytest.raises(
        ReleaseValidationError, match=r"record 4 \(id None, line 5\): a record must be a JSON object"
    ):
        read_release(root)


def test_empty_release(tmp_path: Path) -> None:
    root = write_release(tmp_path / "release", [])
    with pytest.raises(ReleaseValidationError, match=r"annotations\.jsonl: holds no records"):
        read_release(root)


def test_layout_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"does not exist or is not a folder"):
        locate_release(tmp_path / "nothing")
    root = write_release(tmp_path / "release")
    (root / "annotations.json").write_text("[]")
    with pytest.raises(
        FileNotFoundError, match=r"exactly one of \['annotations.jsonl', 'annotations.json'\], found"
    ):
        locate_release(root)
    (root / "annotations.json").unlink()
    (root / "images.zip").write_bytes(b"")
    with pytest.raises(
        FileNotFoundError, match=r"exactly one of images/ or images.zip, found \['images', 'images.zip'\]"
    ):
        locate_release(root)


def test_corrupt_zip(tmp_path: Path) -> None:
    root = write_release(tmp_path / "release", as_zip=True)
    (root / "images.zip").write_bytes(b"PK not really")
    problems = problems_of(root)
    assert problems[0].startswith("images.zip: not a readable zip file")


def test_unknown_fields_are_named_in_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    recs = records()
    for rec in recs:
        rec["concern"] = "x"
    with caplog.at_level(logging.WARNING):
        release = read_release(write_release(tmp_path / "release", recs))
    assert len(release.rows) == 4
    assert "field 'concern' (in 4 records) is not part of the data contract" in caplog.text


@pytest.mark.parametrize("as_zip", [False, True])
def test_image_over_the_byte_cap(tmp_path: Path, as_zip: bool) -> None:
    root = write_release(tmp_path / "release", as_zip=as_zip)
    size, cap = len(IMAGES["a.jpg"]), len(IMAGES["sub/b.png"])
    assert size > cap
    what = "zip member 'a.jpg' declares" if as_zip else "file is"
    problems = problems_of(root, max_image_bytes=cap)
    assert len(problems) == 2, problems  # q1 and q2 use a.jpg; sub/b.png is exactly at the cap
    assert problems[1] == (
        f"annotations.jsonl: record 1 (id 'q2', line 2): image 'a.jpg': {what} {size} bytes, "
        f"over the limit of max_image_bytes={cap} (decompression-bomb guard)"
    )
    assert len(read_release(root, max_image_bytes=size).rows) == 4


def test_zip_check_streams_the_member_in_small_pieces(tmp_path: Path) -> None:
    """A JPEG followed by 8 MB of zeros deflates to a few KB; checking it (decoding the image and
    reading the member to its end for the CRC) must stay small in memory."""
    import tracemalloc

    from qbench_portrait_lib.data.images import ImageStore

    archive_path = tmp_path / "images.zip"
    with (
        zipfile.ZipFile(archive_path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("a.jpg", "w") as member,
    ):
        member.write(IMAGES["a.jpg"])
        for _ in range(8):
            member.write(bytes(1 << 20))
    assert archive_path.stat().st_size < 100_000
    with ImageStore(archive_path) as store:
        tracemalloc.start()
        try:
            assert store.check("a.jpg", max_pixels=10_000, max_bytes=16 << 20) == (24, 32)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 1 << 20, f"checking the header allocated {peak} bytes"
        with pytest.raises(ValueError, match=r"zip member 'a.jpg' declares 838\d{4} bytes, over the limit"):
            store.check("a.jpg", max_pixels=10_000, max_bytes=1 << 20)


@pytest.mark.parametrize("name", ["max_image_bytes", "max_image_pixels"])
def test_limits_must_be_positive_ints(tmp_path: Path, name: str) -> None:
    root = write_release(tmp_path / "release")
    with pytest.raises(ValueError, match=rf"{name} must be a positive int, got 0"):
        read_release(root, **{name: 0})


def test_corrupt_zip_member_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    root = tmp_path / "release"
    write_release(root, as_zip=True)
    with zipfile.ZipFile(root / "images.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.jpg", IMAGES["a.jpg"] * 3)
        archive.writestr("sub/b.png", IMAGES["sub/b.png"])
    data = bytearray((root / "images.zip").read_bytes())
    start = 30 + len("a.jpg")  # the first member's data follows its local header
    data[start : start + 40] = bytes(byte ^ 0x5A for byte in data[start : start + 40])
    (root / "images.zip").write_bytes(bytes(data))
    with pytest.raises(ReleaseValidationError, match=r"image 'a.jpg': zip member 'a.jpg' cannot be read: "):
        read_release(root)
