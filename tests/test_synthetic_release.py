"""The full-size synthetic release writer, exercised at small sizes."""

from __future__ import annotations

import collections
import io
import json

import numpy as np
import pytest
from PIL import Image

from qbench_portrait_lib.contract.columns import COLUMNS, LABEL_COLUMNS
from qbench_portrait_lib.data.release import read_release
from qbench_portrait_lib.sample.synthetic_release import FAMILY_CYCLE, random_recipe, write_synthetic_release


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    return write_synthetic_release(out, n_questions=40, n_images=12, seed=3, image_size=128, progress=False)


def records_of(path):
    lines = (path / "annotations.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_writes_the_requested_counts(release):
    records = records_of(release)
    assert len(records) == 40
    assert len({record["id"] for record in records}) == 40
    files = sorted(path.name for path in (release / "images").iterdir())
    assert len(files) == 12
    assert sorted({record["image"] for record in records}) == files  # every image is asked about


def test_records_are_valid(release):
    for record in records_of(release):
        assert set(record) == set(COLUMNS), record["id"]
        for column, names in LABEL_COLUMNS.items():
            assert record[column] in names, record["id"]
        if record["question_type"] == "open_ended":
            assert record["options"] == [] and len(record["answer"]) == 1
        else:
            assert set(record["answer"]) <= set(record["options"]), record["id"]
        if record["question_type"] == "true_false":
            assert record["options"] == ["True", "False"]
        assert (record["level"] == "local") == bool(record["region"])


def test_images_are_jpegs_of_the_requested_size(release):
    for path in (release / "images").iterdir():
        image = Image.open(path)
        assert (path.suffix, image.format, image.size) == (".jpg", "JPEG", (128, 128))


def test_the_release_reader_accepts_it(release):
    validated = read_release(release)
    assert len(validated.rows) == 40


def test_same_seed_same_bytes(release, tmp_path):
    again = write_synthetic_release(
        tmp_path, n_questions=40, n_images=12, seed=3, image_size=128, progress=False
    )
    assert (again / "annotations.jsonl").read_bytes() == (release / "annotations.jsonl").read_bytes()
    for path in (release / "images").iterdir():
        assert (again / "images" / path.name).read_bytes() == path.read_bytes()


def test_questions_spread_evenly_over_images(tmp_path):
    out = write_synthetic_release(tmp_path, n_questions=30, n_images=12, image_size=64, progress=False)
    per_image = collections.Counter(record["image_id"] for record in records_of(out))
    assert sorted(set(per_image.values())) == [2, 3]


def test_png_format(tmp_path):
    out = write_synthetic_release(tmp_path, 4, 2, image_format="png", image_size=64, progress=False)
    names = sorted(path.name for path in (out / "images").iterdir())
    assert names == ["img00000.png", "img00001.png"]
    assert Image.open(io.BytesIO((out / "images" / names[0]).read_bytes())).format == "PNG"


def test_recipes_cover_every_label_over_a_cycle():
    """A few cycles of recipes reach every label value (as a full-size release does)."""
    from qbench_portrait_lib.sample.rows import generate_image

    seen = collections.defaultdict(set)
    for index in range(3 * len(FAMILY_CYCLE)):
        rng = np.random.default_rng([0, index])
        image = generate_image(random_recipe(FAMILY_CYCLE[index % len(FAMILY_CYCLE)], rng), 48, rng)
        seen["image_source"].add(image.image_source)
        for question in image.questions:
            seen["question_type"].add(question.question_type)
            seen["quality_dimension"].add(question.quality_dimension)
            seen["level"].add(question.level)
    for column, names in LABEL_COLUMNS.items():
        assert seen[column] == set(names), column


def test_bad_arguments_are_reported(tmp_path, release):
    with pytest.raises(ValueError, match="at least one question per image, got n_questions=3, n_images=5"):
        write_synthetic_release(tmp_path / "a", 3, 5, progress=False)
    with pytest.raises(ValueError, match=r"2 images can carry at most .* questions, got n_questions=500"):
        write_synthetic_release(tmp_path / "b", 500, 2, image_size=48, progress=False)
    with pytest.raises(ValueError, match=r"image_format must be one of .* got 'gif'"):
        write_synthetic_release(tmp_path / "c", 4, 2, image_format="gif", progress=False)
    with pytest.raises(FileExistsError, match="already holds a release"):
        write_synthetic_release(release, 4, 2, progress=False)
    with pytest.raises(ValueError, match="unknown family 'video'"):
        random_recipe("video", np.random.default_rng(0))
