"""The images of a raw release: a folder or a zip, addressed by relative paths.

Paths in annotations are relative to the image root (``images/`` or the root of
``images.zip``); absolute paths and paths escaping the root are refused. Only formats a
release would ship are opened (:data:`ACCEPTED_FORMATS`: never EPS, whose decoding runs
Ghostscript). Validation decodes every image once (:func:`decode_check`): the size is
checked from the header first, then the pixels are decoded — a JPEG at 1/8 scale, which
still reads its whole stream — so a truncated file fails here, not in a user's notebook.
Every zip member is read to its end, so a bad CRC-32 is a problem here too; two members
with one normalised name (``a.png`` and ``./a.png``) are a problem, not a silent choice.
Files (and zip members, by their declared uncompressed size) over a byte cap are
refused, so a small zip cannot expand into gigabytes when the rows are built.

>>> safe_relative_path("portraits/a.jpg")
'portraits/a.jpg'
>>> safe_relative_path("../secret.jpg")
Traceback (most recent call last):
...
ValueError: image path '../secret.jpg' escapes the release root (contains '..')
"""

from __future__ import annotations

import io
import os
import warnings
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO

from PIL import Image, UnidentifiedImageError

#: Default byte cap of one image file (zip members: declared uncompressed size).
DEFAULT_MAX_IMAGE_BYTES = 64 * 1024 * 1024
#: PIL format names a release may use (PIL's JPEG opener also reads MPO, some cameras' JPEGs).
ACCEPTED_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "WEBP", "BMP", "TIFF", "GIF")
_FORMAT_NAMES = "JPEG, PNG, WebP, BMP, TIFF or GIF"


def safe_relative_path(path: str) -> str:
    """Return ``path`` as a normalised POSIX relative path, or raise ValueError if unsafe."""
    posix = path.replace("\\", "/")
    if posix.startswith("/") or PurePosixPath(posix).is_absolute() or (len(posix) > 1 and posix[1] == ":"):
        raise ValueError(f"image path {path!r} is absolute; expected a path relative to the image root")
    parts = [part for part in posix.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ValueError(f"image path {path!r} escapes the release root (contains '..')")
    if not parts:
        raise ValueError(f"image path {path!r} names no file")
    return "/".join(parts)


def _open(stream: IO[bytes]) -> Image.Image:
    Image.init()  # registers every plugin once, so each accepted format is known by name
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(stream, formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError as error:
        raise ValueError(f"image is over the pixel limit (decompression-bomb guard): {error}") from None
    except UnidentifiedImageError:
        raise ValueError(f"not an image in an accepted format ({_FORMAT_NAMES})") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ValueError(f"unreadable image: {error}") from None


def _check_pixels(width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise ValueError(
            f"image is {width}x{height} = {width * height} pixels, over the limit of {max_pixels} pixels "
            "(decompression-bomb guard)"
        )


def image_header_size(data: bytes | IO[bytes], max_pixels: int) -> tuple[int, int]:
    """``(width, height)`` from the image header; raises ValueError if unreadable or too large.

    ``data`` is the image's bytes or a binary stream; PIL reads a stream lazily, so only
    the header is read from it.

    >>> buffer = io.BytesIO()
    >>> Image.new("RGB", (40, 30)).save(buffer, format="PNG")
    >>> image_header_size(buffer.getvalue(), max_pixels=10_000)
    (40, 30)
    >>> image_header_size(buffer.getvalue(), max_pixels=1_000)
    Traceback (most recent call last):
    ...
    ValueError: image is 40x30 = 1200 pixels, over the limit of 1000 pixels (decompression-bomb guard)
    """
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    with _open(stream) as image:
        width, height = image.size
    _check_pixels(width, height, max_pixels)
    return width, height


def decode_check(data: bytes | IO[bytes], max_pixels: int) -> tuple[int, int]:
    """``(width, height)`` after decoding the image once; ValueError if it cannot be decoded.

    The pixel count is checked from the header before any decoding. A JPEG is decoded at
    1/8 scale (PIL's ``draft``; a colour one as grey), which is several times faster and
    still entropy-decodes every byte of its stream; other formats are decoded whole
    (their first frame).

    >>> buffer = io.BytesIO()
    >>> Image.effect_noise((256, 192), 60).convert("RGB").save(buffer, format="JPEG")
    >>> decode_check(buffer.getvalue(), max_pixels=100_000)
    (256, 192)
    >>> decode_check(buffer.getvalue()[: len(buffer.getvalue()) // 2], max_pixels=100_000)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: cannot be decoded: image file is truncated ...
    """
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    with _open(stream) as image:
        width, height = image.size
        _check_pixels(width, height, max_pixels)
        if image.format in ("JPEG", "MPO"):  # colour JPEGs come out grey: no colour conversion
            mode = "L" if image.mode == "RGB" else image.mode
            image.draft(mode, (max(1, width // 8), max(1, height // 8)))
        try:
            image.load()
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise ValueError(f"cannot be decoded: {error}") from None
    return width, height


def _check_byte_size(size: int, max_bytes: int, what: str) -> None:
    """Raise ValueError when ``size`` is over ``max_bytes``; ``what`` starts the message.

    >>> _check_byte_size(2_000, 1_000, "file is")
    Traceback (most recent call last):
    ...
    ValueError: file is 2000 bytes, over the limit of max_image_bytes=1000 (decompression-bomb guard)
    """
    if size > max_bytes:
        raise ValueError(
            f"{what} {size} bytes, over the limit of max_image_bytes={max_bytes} (decompression-bomb guard)"
        )


class ImageStore:
    """Read-only access to the images of one release (a folder or a zip file).

    Use as a context manager so the zip file is closed.
    """

    def __init__(self, location: Path) -> None:
        self.location = Path(location)
        self.is_zip = self.location.is_file()
        self._zip: zipfile.ZipFile | None = None
        self._members: dict[str, zipfile.ZipInfo] = {}
        self.member_problems: list[str] = []
        self._root: Path | None = None
        self._checked_paths: dict[str, Path] = {}
        if self.is_zip:
            self._open_zip()

    def _open_zip(self) -> None:
        try:
            self._zip = zipfile.ZipFile(self.location)
        except (zipfile.BadZipFile, OSError) as error:
            self.member_problems.append(f"{self.location.name}: not a readable zip file: {error}")
            return
        for info in self._zip.infolist():
            if info.is_dir():
                continue
            try:
                name = safe_relative_path(info.filename)
            except ValueError as error:
                self.member_problems.append(f"{self.location.name}: zip member {info.filename!r}: {error}")
                continue
            first = self._members.get(name)
            if first is not None:
                self.member_problems.append(
                    f"{self.location.name}: zip members {first.filename!r} and {info.filename!r} are both "
                    f"the image {name!r}; keep one"
                )
                continue
            self._members[name] = info

    def __enter__(self) -> ImageStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def _file_path(self, name: str) -> Path:
        if name in self._checked_paths:
            return self._checked_paths[name]
        path = self.location / name
        root = self._root if self._root is not None else self.location.resolve()
        self._root = root
        resolved = path.resolve()
        if resolved != root and root not in resolved.parents:
            raise ValueError(f"resolves to {resolved}, outside the image root {root}")
        if not path.is_file():
            raise ValueError(f"not found in {self.location}")
        self._checked_paths[name] = path
        return path

    def check(
        self, name: str, max_pixels: int, max_bytes: int = DEFAULT_MAX_IMAGE_BYTES, *, decode: bool = True
    ) -> tuple[int, int]:
        """Size of image ``name`` (a safe relative path); ValueError if missing/bad.

        Refuses a file (or zip member, by its declared uncompressed size) over ``max_bytes``
        or over ``max_pixels`` (from the header, before decoding); then, with ``decode``,
        decodes the image (:func:`decode_check`), and reads a zip member to its end, which
        checks its CRC-32. ``decode=False`` is the cheap part alone (header, sizes, CRC).
        """
        check_image = decode_check if decode else image_header_size
        if self.is_zip:
            info = self._members.get(name)
            if info is None or self._zip is None:
                raise ValueError(f"not found in {self.location.name}")
            _check_byte_size(info.file_size, max_bytes, f"zip member {info.filename!r} declares")
            try:
                with self._zip.open(info) as stream:  # decompresses lazily, as PIL reads
                    size = check_image(stream, max_pixels)
                    while stream.read(1 << 16):  # the CRC-32 is checked at the member's end
                        pass
                    return size
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
                raise ValueError(f"zip member {info.filename!r} cannot be read: {error}") from None
        path = self._file_path(name)
        _check_byte_size(path.stat().st_size, max_bytes, "file is")
        with open(path, "rb") as stream:
            return check_image(stream, max_pixels)

    def read_bytes(self, name: str) -> bytes:
        """The original bytes of image ``name``, exactly as stored."""
        if self.is_zip:
            if self._zip is None or name not in self._members:
                raise ValueError(f"image {name!r} not found in {self.location.name}")
            return self._zip.read(self._members[name])
        return self._file_path(name).read_bytes()

    def __repr__(self) -> str:
        kind = "zip" if self.is_zip else "folder"
        return f"ImageStore({os.fspath(self.location)!r}, {kind})"
