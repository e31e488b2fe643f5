"""Uploaded photos cannot blow up the web process's memory, and stored files are never served
as something a browser would run (HTML, SVG), whatever type or name was stored for them."""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.publishing.media import process_photo
from congress.domain.publishing.models import MediaItem
from congress.errors import Invalid
from tests.conftest import csrf_headers
from tests.publishing_data import build_event

MB = 1024 * 1024


def encode(image: Image.Image, kind: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def bomb_png() -> bytes:
    """7700 × 7700 pixels in about 7 KB: decoded, hundreds of MB."""
    return encode(Image.new("1", (7700, 7700)), "PNG", optimize=True)


def camera_jpeg() -> bytes:
    """A 45 MP photo (8256 × 5504, a full-frame camera's size), with enough detail to weigh
    what such a photo weighs."""
    noise = Image.effect_noise((8256, 5504), 40).convert("RGB")
    return encode(noise, "JPEG", quality=85)


class Server:
    """``congress serve`` in a process of its own, whose memory we read from /proc."""

    def __init__(self, settings: Any) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        env = {
            **os.environ,
            "CONGRESS_DATA_DIR": str(settings.data_dir),
            "CONGRESS_DATABASE_URL": settings.database_url,
            "CONGRESS_SECRET_KEY": "test-secret",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "congress", "serve", "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(self.url + "/login", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("congress serve did not start") from None
                time.sleep(0.2)

    def memory_kb(self, field: str) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        match = re.search(rf"^{field}:\s+(\d+) kB", status, re.M)
        assert match is not None
        return int(match.group(1))

    def reset_peak(self) -> None:
        """VmHWM (the peak resident size) starts again from the present size."""
        Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


async def upload(client: httpx.AsyncClient, slug: str, data: bytes, name: str) -> httpx.Response:
    return await client.post(
        f"/manage/events/{slug}/photos",
        files={"file": (name, data, "image/png")},
        data={"credit": "Kept as typed"},
        headers={"accept": "text/html", "x-csrftoken": client.cookies["congress_csrf"]},
        follow_redirects=False,
        timeout=120,
    )


async def test_a_decompression_bomb_and_a_45_mp_photo_leave_the_memory_alone(
    db: AsyncSession, tokens: Any, settings: Any
) -> None:
    event = await build_event(db, sessions=1, speeches_per_session=1, people=10)
    await db.commit()
    bomb, photo = bomb_png(), camera_jpeg()
    assert len(bomb) < 10 * 1024 and len(photo) > 10 * MB
    server = Server(settings)
    try:
        async with httpx.AsyncClient(base_url=server.url, headers=tokens[Role.EDITOR]) as client:
            await client.get("/login")
            # One upload first, so that what is loaded once (the upload route, the multipart
            # parser, the first database connections) is not counted below.
            small = encode(Image.new("RGB", (800, 600), (10, 120, 40)), "PNG")
            assert (await upload(client, event.slug, small, "small.png")).status_code == 303

            server.reset_peak()
            before = server.memory_kb("VmRSS")
            refused = await upload(client, event.slug, bomb, "bomb.png")
            bomb_peak = (server.memory_kb("VmHWM") - before) // 1024
            assert refused.status_code == 422
            # The message stands beside the file field of the upload form.
            assert re.search(r"7700 × 7700.*?megapixels", refused.text, re.S)
            assert 'value="Kept as typed"' in refused.text

            server.reset_peak()
            before = server.memory_kb("VmRSS")
            accepted = await upload(client, event.slug, photo, "camera.jpg")
            photo_peak = (server.memory_kb("VmHWM") - before) // 1024
            photo_after = (server.memory_kb("VmRSS") - before) // 1024
            assert accepted.status_code == 303, accepted.text
    finally:
        server.stop()
    print(
        f"web process peak growth: bomb {bomb_peak} MB; 45 MP photo of {len(photo) // MB} MB "
        f"{photo_peak} MB (after it: {photo_after} MB)"
    )
    assert bomb_peak < 50
    assert photo_peak < 50
    item = (await db.scalars(select(MediaItem).where(MediaItem.filename == "camera.jpg"))).one()
    assert (item.width, item.height) == (2560, 1707)


def test_bombs_that_pass_the_pixel_limit_are_refused_from_the_header() -> None:
    for size in ((7000, 7000), (4000, 4000)):
        try:
            process_photo(encode(Image.new("1", size), "PNG"))
        except Invalid as refused:
            assert "decompression bomb" in str(refused)
        else:
            raise AssertionError(f"a {size} bomb was accepted")


def test_the_archive_helper_gets_both_images() -> None:
    photo = process_photo(encode(Image.new("RGB", (3000, 1000), (200, 10, 10)), "WEBP"))
    assert (photo.width, photo.height) == (2560, 853)
    assert Image.open(io.BytesIO(photo.data)).format == "JPEG"
    assert Image.open(io.BytesIO(photo.thumbnail)).size == (640, 213)


async def test_stored_files_are_served_only_as_our_jpegs(
    client: Any, db: AsyncSession, tokens: Any, settings: Any
) -> None:
    editor = {**tokens[Role.EDITOR], **await csrf_headers(client)}
    event = await build_event(db, sessions=1, speeches_per_session=1, people=10)
    jpeg = encode(Image.new("RGB", (400, 300), (1, 2, 3)), "PNG")
    uploaded = await client.post(
        f"/manage/events/{event.slug}/photos",
        files={"file": ("hall.html", jpeg, "text/html")},
        headers=editor,
        follow_redirects=False,
    )
    assert uploaded.status_code == 303
    photo = (await db.scalars(select(MediaItem))).one()
    served = await client.get(f"/media/{photo.storage_key}")
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "content-disposition" not in served.headers

    # Items made through the API (or an imported archive) may claim any type and key: the
    # file's bytes decide, and anything that is not our JPEG is only a download.
    hostile = {
        f"{event.slug}/page.html": ("text/html", b"<html><script>alert(1)</script></html>"),
        f"{event.slug}/image.svg": ("image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        f"{event.slug}/x.jpg": ("image/jpeg", b"<script>alert(1)</script>"),
        f"{event.slug}/plain": ("text/plain; charset=utf-8", b"GIF89a<script>"),
    }
    for key, (claimed, content) in hostile.items():
        path = settings.media_dir / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        made = await client.post(
            f"/api/v1/events/{event.slug}/media-items",
            json={"storage_key": key, "filename": key, "content_type": claimed},
            headers=tokens[Role.EDITOR],
        )
        assert made.status_code == 201, made.text
        served = await client.get(f"/media/{key}")
        assert served.status_code == 200 and served.content == content
        assert served.headers["content-type"] == "application/octet-stream", key
        assert served.headers["content-disposition"] == "attachment"
        assert served.headers["x-content-type-options"] == "nosniff"
