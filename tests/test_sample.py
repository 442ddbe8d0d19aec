"""The embedded sample: label coverage, the data contract on every row, determinism."""

from __future__ import annotations

import collections
import io
import itertools
import sys

import numpy as np
import pytest
from PIL import Image

from qbench_portrait_lib.contract.columns import COLUMNS, LABEL_COLUMNS, QUALITY_DIMENSIONS, QUESTION_TYPES
from qbench_portrait_lib.contract.prompt import render_prompt
from qbench_portrait_lib.sample.distortions import laplacian_variance
from qbench_portrait_lib.sample.portraits import Portrait, load_photo, load_photo_original
from qbench_portrait_lib.sample.rows import SAMPLE_IMAGE_SIZE, SAMPLE_PLAN, SAMPLE_SOURCES, iter_sample_rows


@pytest.fixture(scope="module")
def rows():
    return list(iter_sample_rows(seed=0))


@pytest.fixture(scope="module")
def images(rows):
    return {row["image_id"]: row["image"]["bytes"] for row in rows}


def decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_sizes(rows, images):
    assert len(rows) >= 240
    assert len(images) >= 60
    assert len(images) == len(SAMPLE_PLAN)


def test_every_label_value_is_present(rows):
    for column, names in LABEL_COLUMNS.items():
        assert {row[column] for row in rows} == set(names), column


@pytest.mark.parametrize("dimension", QUALITY_DIMENSIONS)
def test_every_format_and_level_in_every_dimension(rows, dimension):
    in_dimension = [row for row in rows if row["quality_dimension"] == dimension]
    assert {row["question_type"] for row in in_dimension} == set(QUESTION_TYPES)
    assert {row["level"] for row in in_dimension} == {"global", "local"}


def test_rows_follow_the_contract(rows):
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    for row in rows:
        where = f"row {row['id']}"
        assert tuple(row) == COLUMNS, where
        for column, names in LABEL_COLUMNS.items():
            assert row[column] in names, where
        options, answer = row["options"], row["answer"]
        assert all(isinstance(text, str) and text for text in [*options, *answer]), where
        assert row["question"].strip() and row["attribute"], where
        assert (row["level"] == "local") == bool(row["region"]), where
        assert row["image"]["path"] == f"{row['image_id']}.png", where
        kind = row["question_type"]
        if kind == "open_ended":
            assert options == [] and len(answer) == 1, where
            continue
        assert len(set(options)) == len(options) >= 2, where
        assert set(answer) <= set(options) and len(set(answer)) == len(answer), where
        if kind == "true_false":
            assert options == ["True", "False"] and len(answer) == 1, where
        elif kind == "single_choice":
            assert len(answer) == 1, where
        else:
            assert len(answer) >= 1, where
            assert answer == [option for option in options if option in answer], f"{where}: option order"


def test_prompts_render_for_every_row(rows):
    for row in rows:
        assert render_prompt(row).startswith(row["question"])


def test_formats_are_balanced_enough(rows):
    counts = collections.Counter(row["question_type"] for row in rows)
    assert min(counts.values()) >= 40, counts
    true_false = [row["answer"][0] for row in rows if row["question_type"] == "true_false"]
    assert 0.35 <= true_false.count("True") / len(true_false) <= 0.65
    several = [row for row in rows if row["question_type"] == "multiple_choice" and len(row["answer"]) > 1]
    assert len(several) >= 5


def test_correct_options_are_spread_over_positions(rows):
    positions = collections.Counter(
        row["options"].index(row["answer"][0]) for row in rows if row["question_type"] == "single_choice"
    )
    assert len(positions) >= 3 and max(positions.values()) < 0.5 * sum(positions.values()), positions


def test_images_are_pngs_of_the_documented_size(images):
    for image_id, data in images.items():
        image = Image.open(io.BytesIO(data))
        assert (image.format, image.mode, image.size) == ("PNG", "RGB", (SAMPLE_IMAGE_SIZE,) * 2), image_id
        assert not image.info.get("exif") and "tIME" not in data[:200].decode("latin-1"), image_id


def test_rows_of_one_image_share_one_image(rows):
    by_image = collections.defaultdict(set)
    for row in rows:
        by_image[row["image_id"]].add(row["image"]["bytes"])
    assert all(len(values) == 1 for values in by_image.values())


def test_same_seed_gives_identical_rows(rows):
    assert list(iter_sample_rows(seed=0)) == rows


def test_other_seed_keeps_the_plan_but_changes_draws(rows):
    other = list(iter_sample_rows(seed=1))
    assert [(r["image_id"], r["question_type"], r["quality_dimension"]) for r in other] == [
        (r["image_id"], r["question_type"], r["quality_dimension"]) for r in rows
    ]
    assert any(a["image"]["bytes"] != b["image"]["bytes"] for a, b in zip(rows, other, strict=True))
    assert any(a["options"] != b["options"] for a, b in zip(rows, other, strict=True))


def _recipe(image_id: str):
    return SAMPLE_PLAN[int(image_id.split("-")[1])]


def _clean_base(base: str) -> Portrait:
    name, _, mirrored = base.partition("_")
    return load_photo(name, SAMPLE_IMAGE_SIZE, mirrored=bool(mirrored))


def test_blur_answers_match_measured_sharpness(rows, images):
    """Global blur questions: a worse answer always means a measurably blurrier image of that base."""
    order = {"None": 0, "Slight": 1, "Moderate": 2, "Severe": 3}
    measured = collections.defaultdict(list)
    for row in rows:
        params = _recipe(row["image_id"])[1]
        # blur + noise combinations are left out: noise restores Laplacian energy on purpose
        if row["question"] == "How severe is the blur in this image?" and "secondary" not in params:
            base = params["base"].removesuffix("_mirrored")
            measured[base].append(
                (order[row["answer"][0]], laplacian_variance(decode(images[row["image_id"]])))
            )
    for base in measured:
        measured[base].append((0, laplacian_variance(_clean_base(base).pixels)))
    assert {level for pairs in measured.values() for level, _ in pairs} == set(order.values())
    for base, pairs in measured.items():
        pairs.sort()
        for (level_a, sharp_a), (level_b, sharp_b) in itertools.pairwise(pairs):
            if level_b > level_a:
                assert sharp_b < 0.7 * sharp_a, (base, pairs)


def test_local_answers_name_the_only_changed_region(rows, images):
    """Local technical images differ from their clean photo inside the named region only."""
    checked = 0
    for row in rows:
        if not row["question"].startswith("Which part of the portrait is affected by"):
            continue
        family, params = _recipe(row["image_id"])
        assert family == "technical" and row["answer"] == [f"Only the {params['scope']}"]
        clean = _clean_base(params["base"])
        x0, y0, x1, y1 = clean.regions[params["scope"]]
        pixels = decode(images[row["image_id"]])
        changed = np.abs(pixels.astype(int) - clean.pixels).max(axis=-1) > 0
        assert changed[y0:y1, x0:x1].mean() > 0.2, row["id"]
        changed[y0:y1, x0:x1] = False
        assert not changed.any(), row["id"]
        checked += 1
    assert checked == 15


def test_clean_images_are_the_untouched_photos(rows, images):
    for image_id in {row["image_id"] for row in rows if _recipe(row["image_id"])[0] == "clean"}:
        clean = _clean_base(_recipe(image_id)[1]["base"])
        assert (decode(images[image_id]) == clean.pixels).all()


def test_sources_are_documented():
    assert {source["name"] for source in SAMPLE_SOURCES} >= {"astronaut", "camera", "cg_portrait"}
    for source in SAMPLE_SOURCES:
        assert set(source) == {"name", "description", "licence"} and all(source.values())


def test_missing_scikit_image_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "skimage", None)
    with pytest.raises(ImportError, match=r"pip install 'qbench-portrait\[sample\]'"):
        load_photo_original("astronaut")
