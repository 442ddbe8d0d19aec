"""Hostile releases: problems name the file and record or line; nothing crashes; reports are bounded."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures_release import IMAGES, image_bytes, records, write_release
from PIL import Image

from qbench_portrait_lib.cli import cli
from qbench_portrait_lib.data.loading import release_fingerprint
from qbench_portrait_lib.data.release import read_release
from qbench_portrait_lib.data.release_records import ReleaseValidationError


def problems_of(root: Path) -> list[str]:
    with pytest.raises(ReleaseValidationError) as info:
        read_release(root)
    return info.value.problems


def write_lines(root: Path, lines: list[bytes]) -> None:
    (root / "annotations.jsonl").write_bytes(b"\n".join(lines) + b"\n")


def good_lines() -> list[bytes]:
    return [json.dumps(record).encode() for record in records()]


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (b"[" * 100_000, "annotations.jsonl: line 2: malformed JSON: nested too deeply"),
        (
            b'{"id": ' + b"9" * 6000 + b"}",
            "annotations.jsonl: line 2: malformed JSON: an integer literal with 6000",
        ),
        (b'{"id": "caf\xe9"}', "annotations.jsonl: line 2: not UTF-8 text (byte 0xe9 at column 12)"),
    ],
    ids=["deep", "huge-int", "latin-1"],
)
def test_hostile_annotation_lines_are_problems_with_the_line(tmp_path, bad, expected):
    root = write_release(tmp_path / "r")
    lines = good_lines()
    write_lines(root, [lines[0], bad, *lines[1:]])
    assert any(problem.startswith(expected) for problem in problems_of(root)), problems_of(root)


def test_deep_nesting_in_a_json_list_file_is_a_problem(tmp_path):
    root = write_release(tmp_path / "r", as_json=True)
    (root / "annotations.json").write_text("[" * 100_000)
    assert problems_of(root) == [
        "annotations.json: malformed JSON: nested too deeply (arrays or objects "
        "inside each other hundreds of levels deep)"
    ]


def test_unicode_line_separators_inside_strings_are_not_line_breaks(tmp_path):
    recs = records()
    recs[0]["question"] = "How sharp\u2028is\u0085the face\u2029?"
    root = write_release(tmp_path / "r", recs)
    write_lines(root, [json.dumps(record, ensure_ascii=False).encode() for record in recs])
    assert "\u0085" in (root / "annotations.jsonl").read_text(encoding="utf-8")
    release = read_release(root)
    assert release.rows[0]["question"] == recs[0]["question"]


def test_a_lone_surrogate_is_refused_and_named(tmp_path):
    root = write_release(tmp_path / "r")
    lines = good_lines()
    lines[1] = lines[1].replace(b"Which regions", b"Which \\ud83d regions")
    write_lines(root, lines)
    assert problems_of(root) == [
        "annotations.jsonl: line 2: field 'question' holds a lone surrogate "
        "(text that cannot be written as UTF-8)"
    ]
    result = CliRunner().invoke(cli, ["export", "--dataset", str(root), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "line 2: field 'question' holds a lone surrogate" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("escape", ["\\uDFFF", "\\udbff", "\\uD800\\uD800"])
def test_a_lone_surrogate_in_a_json_list_file_names_its_record(tmp_path, escape):
    """Upper- and lower-case escapes, a pair of high halves, in an option of a ``.json`` file."""
    root = write_release(tmp_path / "r", as_json=True)
    text = json.dumps(records()).replace('"Hair"', f'"Hair {escape}"', 1)
    assert escape in text
    (root / "annotations.json").write_text(text)
    problems = problems_of(root)
    assert len(problems) == 1 and problems[0].startswith("annotations.json: record ")
    assert "field 'options[" in problems[0] and "holds a lone surrogate" in problems[0]


def test_a_valid_surrogate_pair_escape_is_text_not_a_problem(tmp_path):
    root = write_release(tmp_path / "r")
    lines = good_lines()
    lines[1] = lines[1].replace(b"Which regions", b"Which \\ud83d\\ude00 regions")
    write_lines(root, lines)
    assert "\U0001f600" in read_release(root).rows[1]["question"]


def zip_release(root: Path, members: list[tuple[str, bytes]]) -> Path:
    root = write_release(root, images={}, as_zip=True)
    with zipfile.ZipFile(root / "images.zip", "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return root


def test_a_bad_crc_is_a_problem_not_a_crash_in_the_export(tmp_path):
    root = zip_release(tmp_path / "r", list(IMAGES.items()))
    data = bytearray((root / "images.zip").read_bytes())
    start = data.index(IMAGES["a.jpg"])  # stored, not deflated: flip a byte of the image itself
    data[start + len(IMAGES["a.jpg"]) - 3] ^= 0xFF  # inside the entropy-coded data, before the EOI marker
    (root / "images.zip").write_bytes(bytes(data))
    problems = problems_of(root)
    assert problems and all("image 'a.jpg'" in problem for problem in problems), problems
    assert any("Bad CRC-32" in problem or "cannot be decoded" in problem for problem in problems), problems
    result = CliRunner().invoke(cli, ["export", "--dataset", str(root), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "record 0 (id 'q1', line 1): image 'a.jpg'" in result.output
    assert not (tmp_path / "out").exists()


def test_a_bad_crc_behind_a_valid_image_is_found(tmp_path):
    trailing = IMAGES["a.jpg"] + b"TRAILER-BYTES"
    root = zip_release(tmp_path / "r", [("a.jpg", trailing), ("sub/b.png", IMAGES["sub/b.png"])])
    data = bytearray((root / "images.zip").read_bytes())
    data[data.index(b"TRAILER-BYTES")] ^= 0x01  # the image still decodes; only the CRC can tell
    (root / "images.zip").write_bytes(bytes(data))
    assert any("Bad CRC-32" in problem for problem in problems_of(root)), problems_of(root)


@pytest.mark.filterwarnings("ignore:Duplicate name")  # zipfile warns while the test writes the duplicate
@pytest.mark.parametrize("second", ["a.jpg", "./a.jpg", "sub/../a.jpg"])
def test_duplicate_zip_members_are_refused(tmp_path, second):
    members = [*IMAGES.items(), (second, image_bytes((0, 0, 255)))]
    problems = problems_of(zip_release(tmp_path / "r", members))
    if second == "sub/../a.jpg":
        assert any("escapes the release root" in problem for problem in problems)
        return
    assert f"images.zip: zip members 'a.jpg' and '{second}' are both the image 'a.jpg'; keep one" in problems


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((96, 128), 50).convert("RGB").save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize("as_zip", [False, True])
def test_a_truncated_jpeg_is_refused(tmp_path, as_zip):
    data = jpeg_bytes()
    images = {"a.jpg": data[: len(data) * 2 // 3], "sub/b.png": IMAGES["sub/b.png"]}
    problems = problems_of(write_release(tmp_path / "r", images=images, as_zip=as_zip))
    assert len(problems) == 2  # the two questions about a.jpg
    assert all("image 'a.jpg': cannot be decoded: image file is truncated" in problem for problem in problems)


def eps_bytes() -> bytes:
    return b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 24 32\n0 0 moveto 24 32 lineto\nshowpage\n%%EOF\n"


def test_only_real_image_formats_are_accepted(tmp_path):
    images = {"a.jpg": eps_bytes(), "sub/b.png": IMAGES["sub/b.png"]}
    problems = problems_of(write_release(tmp_path / "r", images=images))
    assert all(
        "not an image in an accepted format (JPEG, PNG, WebP, BMP, TIFF or GIF)" in p for p in problems
    )
    for fmt, name in (("WEBP", "a.webp"), ("BMP", "a.bmp"), ("TIFF", "a.tif"), ("GIF", "a.gif")):
        recs = records()
        for record in recs:
            record["image"] = name if record["image"] == "a.jpg" else record["image"]
        images = {name: image_bytes((9, 9, 9), fmt=fmt), "sub/b.png": IMAGES["sub/b.png"]}
        assert read_release(write_release(tmp_path / fmt, recs, images=images)).rows


def test_problem_reports_are_bounded(tmp_path):
    root = write_release(tmp_path / "r")
    huge = {**records()[0], "id": "x" * 5_000_000, "options": [f"option {i}" for i in range(10_000)]}
    varied = [
        json.dumps({**records()[0], "id": f"q{i}", "level": f"level {i}"}).encode() for i in range(3000)
    ]
    write_lines(root, [b"{}"] * 5_000 + varied + [json.dumps(huge).encode()])
    with pytest.raises(ReleaseValidationError) as info:
        read_release(root)
    error = info.value
    assert error.total > 13_000 and len(error.problems) == 1000  # every problem counted, 1,000 kept
    assert max(len(problem) for problem in error.problems) <= 1000
    message = str(error)
    assert len(message.splitlines()) == 52  # the headline, 50 problems and the count of the rest
    assert message.splitlines()[-1] == f"({error.total - 50} more problems, not listed)"
    assert len(message) < 100_000
    result = CliRunner().invoke(cli, ["export", "--dataset", str(root), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and len(result.output) < 100_000
    assert f"has {error.total} problems:" in result.output


def test_the_annotations_file_size_is_capped(tmp_path, monkeypatch):
    from qbench_portrait_lib.data import annotations

    monkeypatch.setattr(annotations, "DEFAULT_MAX_ANNOTATIONS_BYTES", 100)
    monkeypatch.setattr(annotations.read_annotation_records, "__defaults__", (100,))
    problems = problems_of(write_release(tmp_path / "r"))
    assert len(problems) == 1 and "over the limit of 100 bytes for an annotations file" in problems[0]


def test_a_symlink_loop_no_record_uses_does_not_break_the_fingerprint(tmp_path):
    root = write_release(tmp_path / "r")
    os.symlink("loop", root / "images" / "loop")
    first = release_fingerprint(root)
    assert first == release_fingerprint(root)
    assert read_release(root).rows  # the reader accepts the release


def test_score_against_a_bad_release_prints_the_same_bounded_report(tmp_path):
    root = write_release(tmp_path / "r")
    varied = [json.dumps({**records()[0], "id": f"q{i}", "level": f"level {i}"}).encode() for i in range(300)]
    write_lines(root, varied)
    predictions = tmp_path / "p.jsonl"
    predictions.write_text('{"id": "q1", "response": "A"}\n')
    scored = CliRunner().invoke(cli, ["score", str(predictions), "--dataset", str(root)])
    exported = CliRunner().invoke(cli, ["export", "--dataset", str(root), "--out", str(tmp_path / "o")])
    assert scored.exit_code == exported.exit_code == 1
    for output in (scored.output, exported.output):
        assert "has 300 problems:" in output and "(250 more problems, not listed)" in output
        assert output.count("\n- ") == 50
