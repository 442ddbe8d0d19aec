"""Images as data URLs: original bytes passed through, downscaling keeps the aspect ratio."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from qbench_portrait_lib.run.image_encoding import (
    ImageEncodingError,
    decoded_size,
    encode_image,
    image_data_url,
)


def image_bytes(size=(300, 200), mode="RGB", image_format="JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "teal").save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("image_format", "mime"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_without_a_limit_the_original_bytes_pass_through(image_format, mime):
    data = image_bytes(image_format=image_format)
    assert encode_image(data) == (data, mime)
    url = image_data_url(data)
    assert url.startswith(f"data:{mime};base64,")
    assert base64.b64decode(url.partition(",")[2]) == data


def test_an_image_within_the_limit_passes_through_untouched():
    data = image_bytes(size=(300, 200))
    assert encode_image(data, max_side=300) == (data, "image/jpeg")


@pytest.mark.parametrize(
    ("size", "expected"), [((300, 200), (150, 100)), ((200, 300), (100, 150)), ((301, 7), (150, 3))]
)
def test_downscaling_keeps_the_aspect_ratio(size, expected):
    url = image_data_url(image_bytes(size=size), max_side=150)
    assert url.startswith("data:image/jpeg;base64,")
    assert decoded_size(url) == expected


def test_transparent_images_are_reencoded_as_png():
    data, mime = encode_image(image_bytes(mode="RGBA", image_format="PNG"), max_side=100)
    assert mime == "image/png"
    assert Image.open(io.BytesIO(data)).mode == "RGBA"


def test_formats_servers_may_refuse_are_reencoded():
    data, mime = encode_image(image_bytes(image_format="BMP"))
    assert mime == "image/jpeg"
    assert Image.open(io.BytesIO(data)).size == (300, 200)


def test_unreadable_bytes_and_bad_limits_are_errors():
    with pytest.raises(ImageEncodingError, match=r"expected image bytes Pillow can read, got 5 bytes"):
        encode_image(b"hello")
    with pytest.raises(ValueError, match=r"max_side must be a positive number of pixels, got 0"):
        encode_image(image_bytes(), max_side=0)
