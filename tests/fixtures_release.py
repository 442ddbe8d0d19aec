"""Tiny raw releases for the data tests, written into tmp_path."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import datasets
from PIL import Image

#: The data contract, spelled out (not imported) so a drift in FEATURES fails the tests.
EXPECTED_FEATURES = datasets.Features(
    {
        "id": datasets.Value("string"),
        "image_id": datasets.Value("string"),
        "image": datasets.Image(),
        "question": datasets.Value("string"),
        "question_type": datasets.ClassLabel(
            names=["single_choice", "multiple_choice", "true_false", "open_ended"]
        ),
        "options": datasets.List(datasets.Value("string")),
        "answer": datasets.List(datasets.Value("string")),
        "quality_dimension": datasets.ClassLabel(names=["technical", "aigc", "aesthetic"]),
        "image_source": datasets.ClassLabel(
            names=["natural", "synthetic_distortion", "ai_generated", "artistic", "computer_graphics"]
        ),
        "level": datasets.ClassLabel(names=["global", "local"]),
        "attribute": datasets.Value("string"),
        "region": datasets.Value("string"),
    }
)


def image_bytes(color: tuple[int, int, int], size: tuple[int, int] = (24, 32), fmt: str = "JPEG") -> bytes:
    """A small solid-colour image encoded as ``fmt``."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


IMAGES: dict[str, bytes] = {
    "a.jpg": image_bytes((200, 40, 40)),
    "sub/b.png": image_bytes((40, 200, 40), fmt="PNG"),
}


def records() -> list[dict[str, Any]]:
    """One valid record per format, covering both levels and several labels."""
    return [
        {
            "id": "q1",
            "image": "a.jpg",
            "question": "How sharp is the face?",
            "question_type": "single_choice",
            "options": ["Sharp", "Slightly blurry", "Very blurry"],
            "answer": ["Very blurry"],
            "quality_dimension": "technical",
            "image_source": "synthetic_distortion",
            "level": "global",
            "attribute": "blur",
            "region": "",
        },
        {
            "id": "q2",
            "image": "a.jpg",
            "image_id": "img-a",
            "question": "Which regions show noise?",
            "question_type": "multiple_choice",
            "options": ["Eyes", "Hair", "Background"],
            "answer": ["Eyes", "Background"],
            "quality_dimension": "technical",
            "image_source": "natural",
            "level": "local",
            "attribute": "noise",
            "region": "eyes",
        },
        {
            "id": "q3",
            "image": "sub/b.png",
            "question": "The hands are malformed.",
            "question_type": "true_false",
            "answer": ["False"],
            "quality_dimension": "aigc",
            "image_source": "ai_generated",
            "level": "global",
            "attribute": "hand malformation",
        },
        {
            "id": "q4",
            "image": "sub/b.png",
            "question": "Describe the composition.",
            "question_type": "open_ended",
            "answer": ["The head is cut off by the top edge."],
            "quality_dimension": "aesthetic",
            "image_source": "artistic",
            "level": "global",
            "attribute": "composition",
            "region": "",
        },
    ]


def write_release(
    root: Path,
    recs: list[Any] | None = None,
    *,
    images: dict[str, bytes] | None = None,
    as_json: bool = False,
    as_zip: bool = False,
) -> Path:
    """Write a release (JSONL or JSON list; folder or zip of images) and return its root."""
    root.mkdir(parents=True, exist_ok=True)
    recs = records() if recs is None else recs
    images = IMAGES if images is None else images
    if as_json:
        (root / "annotations.json").write_text(json.dumps(recs, indent=1), encoding="utf-8")
    else:
        lines = [json.dumps(rec) for rec in recs]
        (root / "annotations.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if as_zip:
        with zipfile.ZipFile(root / "images.zip", "w") as archive:
            for name, data in images.items():
                archive.writestr(name, data)
    else:
        for name, data in images.items():
            path = root / "images" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    return root
