"""Uploaded photos: checked, re-encoded and stored behind one storage interface.

advanced-alchemy's file storage backends need fsspec or obstore, neither of which this project
depends on; the interface below is the small part we use, with a local folder (settings.media_dir)
as its one implementation. Another backend only has to provide the same four methods.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageOps, UnidentifiedImageError

from congress.errors import Invalid

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
# Larger images are scaled down; decoding more pixels than this is refused (decompression bombs).
MAX_EDGE = 2560
THUMB_EDGE = 640
MAX_PIXELS = 60_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "TIFF"}
THUMBS = "thumbs/"
# A file is written under this suffix first and renamed when complete (backups skip these).
PARTIAL_SUFFIX = ".part"


class MediaStorage(Protocol):
    def save(self, key: str, data: bytes) -> None: ...
    def read(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...


class LocalStorage:
    """Files in a folder; keys are relative paths that never leave it."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise ValueError(f"media key outside the media folder: {key!r}")
        return path

    def save(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(path.suffix + PARTIAL_SUFFIX)
        temporary.write_bytes(data)
        temporary.replace(path)

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


@dataclass(frozen=True)
class Photo:
    data: bytes
    thumbnail: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"


def process_photo(data: bytes) -> Photo:
    """Check that ``data`` is an image (by its content, not its name), and re-encode it as JPEG:
    upright, at most MAX_EDGE pixels, without metadata (no camera serials or GPS positions).
    CPU-bound: call it in a worker thread."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise Invalid.field("file", f"the file is larger than {MAX_UPLOAD_BYTES // 2**20} MB")
    if not data:
        raise Invalid.field("file", "choose a photo to upload")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            width, height = probe.size
        if kind not in ACCEPTED_FORMATS:
            raise Invalid.field("file", f"{kind} images are not accepted; use JPEG, PNG or WebP")
        if width * height > MAX_PIXELS:
            raise Invalid.field("file", "the image has too many pixels")
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise Invalid.field("file", "this file is not an image we can read") from None
    upright.thumbnail((MAX_EDGE, MAX_EDGE))
    full = io.BytesIO()
    upright.save(full, "JPEG", quality=86, optimize=True, progressive=True)
    small = upright.copy()
    small.thumbnail((THUMB_EDGE, THUMB_EDGE))
    thumb = io.BytesIO()
    small.save(thumb, "JPEG", quality=80, optimize=True)
    return Photo(full.getvalue(), thumb.getvalue(), upright.width, upright.height)


def new_key(event_slug: str) -> str:
    return f"{event_slug}/{uuid.uuid4().hex}.jpg"


def thumbnail_key(key: str) -> str:
    return THUMBS + key
