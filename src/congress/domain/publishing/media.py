"""Uploaded photos: checked, re-encoded and stored behind one storage interface.

The files go through congress.storage: a local folder (settings.media_dir) by default, or an
S3-compatible object store.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from congress.errors import Invalid
from congress.storage import PARTIAL_SUFFIX, LocalStorage, Storage

__all__ = ["PARTIAL_SUFFIX", "LocalStorage", "MediaStorage"]

# Camera photos of 45 MP and more are often 20–30 MB as JPEG.
MAX_UPLOAD_BYTES = 40 * 1024 * 1024
# Larger images are scaled down; decoding more pixels than this is refused (decompression bombs).
MAX_EDGE = 2560
THUMB_EDGE = 640
# 45 MP cameras (8256 × 5504) pass; a 7700 × 7700 bomb does not.
MAX_PIXELS = 50_000_000
# A photo of millions of pixels takes more than a byte per thousand pixels; a file that packs
# more is built to blow up when decoded (a few KB of PNG that decode to hundreds of MB).
MAX_PIXELS_PER_BYTE = 1000
BOMB_CHECK_PIXELS = 4_000_000
# The decoding process's limits: it may fail, the web process goes on with its own memory.
DECODE_MEMORY_BYTES = 1536 * 1024 * 1024
DECODE_SECONDS = 60
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "TIFF"}
THUMBS = "thumbs/"


# The storage interface and its backends live in congress.storage (local folder or S3).
MediaStorage = Storage


@dataclass(frozen=True)
class Photo:
    data: bytes
    thumbnail: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"


def process_photo(data: bytes) -> Photo:
    """Check that ``data`` is an image (by its content, not its name), and re-encode it as JPEG:
    upright, at most MAX_EDGE pixels, without metadata (no camera serials or GPS positions),
    with a thumbnail of at most THUMB_EDGE. Raises :class:`Invalid` (field ``file``) with a
    message for the user when the file is refused.

    Only the header is read here; the pixels are decoded in a separate process with a memory
    and time limit, so that a huge or malicious image cannot grow the caller's memory. Blocking
    (it waits for that process): call it in a worker thread from async code."""
    return process_photo_file(io.BytesIO(data))


def process_photo_file(source: IO[bytes]) -> Photo:
    """:func:`process_photo` for an open file (an upload), which is copied to the decoding
    process's folder without ever being held in memory whole."""
    with tempfile.TemporaryDirectory(prefix="congress-photo-") as folder:
        work = Path(folder)
        with (work / SOURCE).open("wb") as copy:
            size = 0
            while size <= MAX_UPLOAD_BYTES and (chunk := source.read(CHUNK)):
                copy.write(chunk)
                size += len(chunk)
        check_photo(work / SOURCE)
        try:
            done = subprocess.run(
                [sys.executable, "-c", DECODER, folder],
                capture_output=True,
                timeout=DECODE_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise Invalid.field("file", "the image took too long to decode") from None
        try:
            answer = json.loads(done.stdout)
        except ValueError:
            answer = {"error": "the image could not be decoded within the memory limit"}
        if "error" in answer:
            raise Invalid.field("file", answer["error"])
        return Photo(
            (work / FULL).read_bytes(),
            (work / THUMBNAIL).read_bytes(),
            answer["width"],
            answer["height"],
        )


def check_photo(path: Path) -> None:
    """The checks that need only the file's size and header (no pixels decoded)."""
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        raise Invalid.field("file", f"the file is larger than {MAX_UPLOAD_BYTES // 2**20} MB")
    if not size:
        raise Invalid.field("file", "choose a photo to upload")
    try:
        with Image.open(path) as probe:
            kind = probe.format
            width, height = probe.size
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise Invalid.field("file", "this file is not an image we can read") from None
    if kind not in ACCEPTED_FORMATS:
        raise Invalid.field("file", f"{kind} images are not accepted; use JPEG, PNG or WebP")
    pixels = width * height
    if pixels > MAX_PIXELS:
        raise Invalid.field(
            "file",
            f"the image has too many pixels ({width} × {height}); "
            f"at most {MAX_PIXELS // 1_000_000} megapixels are accepted",
        )
    if pixels > BOMB_CHECK_PIXELS and pixels > size * MAX_PIXELS_PER_BYTE:
        raise Invalid.field(
            "file",
            f"the image claims {width} × {height} pixels in only {size // 1024 + 1} KB: "
            "refused as a decompression bomb",
        )


SOURCE, FULL, THUMBNAIL = "source", "full.jpg", "thumbnail.jpg"
CHUNK = 1024 * 1024
DECODER = "import sys; from congress.domain.publishing.media import decode_in_folder; " + (
    "decode_in_folder(sys.argv[1])"
)


def decode_in_folder(folder: str) -> None:
    """The decoding process: reads ``source``, writes the JPEGs, prints the size or an error
    as JSON. Memory is capped so that a bomb that passed the header checks fails here."""
    resource.setrlimit(resource.RLIMIT_AS, (DECODE_MEMORY_BYTES, DECODE_MEMORY_BYTES))
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    work = Path(folder)
    try:
        with Image.open(work / SOURCE) as image:
            # JPEG decodes straight at a reduced scale (no larger than needed for MAX_EDGE).
            image.draft("RGB", (MAX_EDGE, MAX_EDGE))
            image.load()
            upright = ImageOps.exif_transpose(image).convert("RGB")
        upright.thumbnail((MAX_EDGE, MAX_EDGE))
        upright.save(work / FULL, "JPEG", quality=86, optimize=True, progressive=True)
        answer: dict[str, object] = {"width": upright.width, "height": upright.height}
        upright.thumbnail((THUMB_EDGE, THUMB_EDGE))
        upright.save(work / THUMBNAIL, "JPEG", quality=80, optimize=True)
    except MemoryError:
        answer = {"error": "the image could not be decoded within the memory limit"}
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        answer = {"error": "this file is not an image we can read"}
    print(json.dumps(answer))


def served_type(data: bytes) -> str | None:
    """The content type a stored file is served with, decided by its bytes (not by the stored
    type or the key's name): a JPEG as image/jpeg, anything else None (a download)."""
    return "image/jpeg" if data[:3] == b"\xff\xd8\xff" else None


def plain_filename(name: str | None) -> str:
    """The uploaded file's name as it is kept (shown to editors, never used as a path): a
    plain name, refused when it carries a folder, a parent reference or control characters."""
    name = (name or "").strip() or "photo"
    if (
        "/" in name
        or "\\" in name
        or name.startswith(".")
        or any(ord(char) < 32 or ord(char) == 127 for char in name)
    ):
        raise Invalid.field("file", "the file name must be a plain name, without folders")
    return name[:300]


def new_key(event_slug: str) -> str:
    return f"{event_slug}/{uuid.uuid4().hex}.jpg"


def thumbnail_key(key: str) -> str:
    return THUMBS + key
