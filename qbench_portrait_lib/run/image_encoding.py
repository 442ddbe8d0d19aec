"""Images as base64 data URLs for chat requests.

Without a size limit the original bytes go out untouched, labelled with the MIME type
their content shows (not their file name). With ``max_side`` an image larger than that
is downscaled, keeping its aspect ratio, and re-encoded (JPEG, or PNG when it has
transparency); a smaller one still goes out untouched.

>>> import io
>>> from PIL import Image
>>> buffer = io.BytesIO()
>>> Image.new("RGB", (40, 20), "red").save(buffer, format="PNG")
>>> url = image_data_url(buffer.getvalue())
>>> url.startswith("data:image/png;base64,")
True
>>> small = image_data_url(buffer.getvalue(), max_side=10)
>>> small.startswith("data:image/jpeg;base64,"), decoded_size(small)
(True, (10, 5))
"""

from __future__ import annotations

import base64
import io

from PIL import Image

from qbench_portrait_lib.contract.errors import QBenchError

#: Formats an OpenAI-compatible server is expected to accept as they are.
_PASS_THROUGH_MIME: dict[str, str] = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}
JPEG_QUALITY = 92


class ImageEncodingError(QBenchError):
    """Bytes that are not an image Pillow can read."""


def _open(data: bytes) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data))
    except Exception as error:  # Pillow raises several types for unreadable data
        raise ImageEncodingError(
            f"expected image bytes Pillow can read, got {len(data)} bytes starting {data[:8]!r} ({error})"
        ) from None


def _reencode(image: Image.Image, max_side: int | None) -> tuple[bytes, str]:
    image.load()
    if max_side is not None and max(image.size) > max_side:
        scale = max_side / max(image.size)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image.save(buffer, format="PNG")
        return buffer.getvalue(), "image/png"
    image.convert("RGB").save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue(), "image/jpeg"


def encode_image(data: bytes, max_side: int | None = None) -> tuple[bytes, str]:
    """Return ``(bytes, mime_type)`` to send for the image ``data``.

    The original bytes come back unchanged when the format is one servers accept and
    the image fits within ``max_side`` (or no limit is set); otherwise a re-encoding.

    >>> encode_image(b"not an image")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qbench_portrait_lib.run.image_encoding.ImageEncodingError: expected image bytes ..., got 12 bytes ...
    """
    if max_side is not None and max_side < 1:
        raise ValueError(f"max_side must be a positive number of pixels, got {max_side}")
    image = _open(data)
    mime = _PASS_THROUGH_MIME.get(image.format or "")
    if mime is not None and (max_side is None or max(image.size) <= max_side):
        return data, mime
    return _reencode(image, max_side)


def image_data_url(data: bytes, max_side: int | None = None) -> str:
    """The image as a ``data:<mime>;base64,...`` URL (see :func:`encode_image`)."""
    return image_data_url_bytes(data, max_side).decode("ascii")


def image_data_url_bytes(data: bytes, max_side: int | None = None) -> bytes:
    """:func:`image_data_url` as ASCII bytes, ready to splice into a JSON request body."""
    payload, mime = encode_image(data, max_side)
    return b"".join((b"data:", mime.encode("ascii"), b";base64,", base64.b64encode(payload)))


def decoded_size(data_url: str) -> tuple[int, int]:
    """Width and height of the image inside a data URL (used by tests and checks)."""
    _, _, encoded = data_url.partition(";base64,")
    return _open(base64.b64decode(encoded)).size
