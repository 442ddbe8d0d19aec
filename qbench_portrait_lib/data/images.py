"""The images of a raw release: a folder or a zip, addressed by relative paths.

Paths in annotations are relative to the image root (``images/`` or the root of
``images.zip``); absolute paths and paths escaping the root are refused. Image
headers are read with PIL to check the size without decoding any pixels, and only
the header is read: a zip member is never decompressed whole to be checked. Files (and
zip members, by their declared uncompressed size) over a byte cap are refused, so a
small zip cannot expand into gigabytes when the rows are built.

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
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                width, height = image.size
    except Image.DecompressionBombError as error:
        raise ValueError(
            f"image is over the limit of {max_pixels} pixels (decompression-bomb guard): {error}"
        ) from None
    except UnidentifiedImageError:
        raise ValueError("unreadable image: PIL cannot identify its format") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ValueError(f"unreadable image: {error}") from None
    if width * height > max_pixels:
        raise ValueError(
            f"image is {width}x{height} = {width * height} pixels, over the limit of {max_pixels} pixels "
            "(decompression-bomb guard)"
        )
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

    def check(self, name: str, max_pixels: int, max_bytes: int = DEFAULT_MAX_IMAGE_BYTES) -> tuple[int, int]:
        """Size of image ``name`` (a safe relative path) from its header; ValueError if missing/bad.

        Refuses a file (or zip member, by its declared uncompressed size) over ``max_bytes``,
        and reads only as much of the image as PIL needs to parse the header.
        """
        if self.is_zip:
            info = self._members.get(name)
            if info is None or self._zip is None:
                raise ValueError(f"not found in {self.location.name}")
            _check_byte_size(info.file_size, max_bytes, f"zip member {info.filename!r} declares")
            try:
                with self._zip.open(info) as stream:  # decompresses lazily, as PIL reads
                    return image_header_size(stream, max_pixels)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
                raise ValueError(f"zip member {info.filename!r} cannot be read: {error}") from None
        path = self._file_path(name)
        _check_byte_size(path.stat().st_size, max_bytes, "file is")
        with open(path, "rb") as stream:
            return image_header_size(stream, max_pixels)

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
