"""Photos through the JSON API: a real multipart upload over HTTP (httpx against a running
server), the same checks, re-encoding and storage as the editors' page, the stored full-size
image for staff, and the uploads that must be refused with nothing stored."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import httpx
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.people.models import Person
from congress.domain.programme.models import Session
from congress.domain.publishing.media import MAX_UPLOAD_BYTES, plain_filename
from congress.domain.publishing.models import MediaItem
from congress.errors import Invalid
from congress.settings import Settings
from tests.conftest import LiveServer
from tests.publishing_data import build_event

MB = 1024 * 1024


def encode(image: Image.Image, kind: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def photo_with_gps() -> bytes:
    """A 3000 × 2000 JPEG, rotated by its EXIF orientation and carrying a GPS position."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to show upright
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0)}  # GPS latitude
    return encode(Image.new("RGB", (3000, 2000), (40, 90, 160)), "JPEG", exif=exif)


def stored_files(settings: Settings) -> list[Path]:
    return sorted(path for path in settings.media_dir.rglob("*") if path.is_file())


async def count_items(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(MediaItem)) or 0)


async def test_an_editor_uploads_a_photo_through_the_api_and_staff_download_it(
    live_server: LiveServer, settings: Settings, db: AsyncSession, tokens: Any
) -> None:
    event = await build_event(db, sessions=2, speeches_per_session=1, people=10)
    session_id = await db.scalar(select(Session.id).where(Session.event_id == event.id).limit(1))
    people = [person.id for person in (await db.scalars(select(Person).limit(2))).all()]
    url = f"/api/v1/events/{event.slug}/photos"
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as http:
        answer = await http.post(
            url,
            headers=tokens[Role.EDITOR],
            files={"file": ("Opening hall.jpg", photo_with_gps(), "image/jpeg")},
            data={
                "caption": json.dumps({"en": "The hall", "ru": "Зал", "zh": "大厅"}),
                "credit": "Press office",
                "session_id": str(session_id),
                "person_ids": [str(person) for person in people],
            },
        )
        assert answer.status_code == 201, answer.text
        item = answer.json()
        assert item["event_id"] == event.id and item["session_id"] == session_id
        assert item["filename"] == "Opening hall.jpg" and item["content_type"] == "image/jpeg"
        # Re-encoded upright (the EXIF orientation applied) and scaled to at most 2560 pixels.
        assert (item["width"], item["height"]) == (1707, 2560)
        assert item["caption"] == {"en": "The hall", "ru": "Зал", "zh": "大厅"}
        assert item["credit"] == "Press office" and sorted(item["person_ids"]) == sorted(people)
        key = item["storage_key"]
        assert key.startswith(f"{event.slug}/") and key.endswith(".jpg")
        assert [
            path.relative_to(settings.media_dir).as_posix() for path in stored_files(settings)
        ] == [
            key,
            f"thumbs/{key}",
        ]

        full = await http.get(
            f"/api/v1/media-items/{item['id']}/file", headers=tokens[Role.REGISTRAR]
        )
        assert full.status_code == 200 and full.headers["content-type"] == "image/jpeg"
        assert full.content == (settings.media_dir / key).read_bytes()
        with Image.open(io.BytesIO(full.content)) as image:
            assert image.size == (1707, 2560) and image.format == "JPEG"
            assert not image.getexif(), "no camera metadata, no GPS position"
        anonymous = await http.get(f"/api/v1/media-items/{item['id']}/file")
        assert anonymous.status_code == 401
        assert anonymous.headers["content-type"].startswith("application/problem+json")
        missing = await http.get("/api/v1/media-items/999999/file", headers=tokens[Role.REGISTRAR])
        assert missing.status_code == 404

        # Only editors (and admins) upload.
        for role in (Role.ORGANIZER, Role.REGISTRAR):
            refused = await http.post(
                url,
                headers=tokens[role],
                files={"file": ("a.jpg", photo_with_gps(), "image/jpeg")},
            )
            assert refused.status_code == 403, role
        unsigned = await http.post(url, files={"file": ("a.jpg", b"x", "image/jpeg")})
        assert unsigned.status_code == 401
    assert await count_items(db) == 1 and len(stored_files(settings)) == 2


async def test_uploads_that_must_be_refused_store_nothing(
    client: Any, settings: Settings, db: AsyncSession, tokens: Any
) -> None:
    event = await build_event(db, sessions=1, speeches_per_session=1, people=10)
    other = await build_event(
        db, slug="other-congress", sessions=1, speeches_per_session=1, people=10
    )
    foreign_session = await db.scalar(select(Session.id).where(Session.event_id == other.id))
    url = f"/api/v1/events/{event.slug}/photos"
    good = encode(Image.new("RGB", (800, 600), (200, 10, 10)), "PNG")
    bomb = encode(Image.new("1", (7700, 7700)), "PNG", optimize=True)  # ~7 KB, 59 MP
    too_many_pixels = encode(Image.new("1", (10000, 6000)), "PNG")
    just_too_large = good + b"\0" * (MAX_UPLOAD_BYTES + 1 - len(good))
    cases: list[tuple[str, dict[str, Any], dict[str, str], str]] = [
        ("not an image", {"file": ("notes.jpg", b"<html><script>alert(1)</script>", "image/jpeg")}, {}, "file"),
        ("an SVG", {"file": ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml")}, {}, "file"),
        ("a decompression bomb", {"file": ("bomb.png", bomb, "image/png")}, {}, "file"),
        ("too many pixels", {"file": ("huge.png", too_many_pixels, "image/png")}, {}, "file"),
        ("over 40 MB", {"file": ("big.png", just_too_large, "image/png")}, {}, "file"),
        ("an empty file", {"file": ("empty.png", b"", "image/png")}, {}, "file"),
        ("a parent folder", {"file": ("../../../etc/cron.d/x.jpg", good, "image/png")}, {}, "file"),
        ("a Windows path", {"file": ("..\\..\\boot.ini", good, "image/png")}, {}, "file"),
        ("a hidden name", {"file": (".htaccess", good, "image/png")}, {}, "file"),
        ("a caption that is not JSON", {"file": ("a.png", good, "image/png")}, {"caption": "{"}, "caption"),
        ("a caption that is not a language tag", {"file": ("a.png", good, "image/png")}, {"caption": '{"<script>": "?"}'}, "caption"),
        ("a session of another event", {"file": ("a.png", good, "image/png")}, {"session_id": str(foreign_session)}, "session_id"),
        ("a person who does not exist", {"file": ("a.png", good, "image/png")}, {"person_ids": "99999999"}, "person_ids"),
        ("a credit too long", {"file": ("a.png", good, "image/png")}, {"credit": "x" * 301}, "credit"),
    ]  # fmt: skip
    for name, files, data, field in cases:
        answer = await client.post(url, headers=tokens[Role.EDITOR], files=files, data=data)
        assert answer.status_code == 422, (name, answer.status_code, answer.text[:300])
        problem = answer.json()
        assert answer.headers["content-type"].startswith("application/problem+json"), name
        assert any(error["field"].startswith(field) for error in problem["errors"]), (name, problem)
        if "name" in name or "path" in name or "folder" in name:
            assert "plain name" in problem["detail"], (name, problem)
    no_file = await client.post(url, headers=tokens[Role.EDITOR], data={"credit": "x"})
    assert no_file.status_code in (400, 422)
    beyond = await client.post(
        url,
        headers=tokens[Role.EDITOR],
        files={"file": ("big.png", just_too_large + b"\0" * 2 * MB, "image/png")},
    )
    assert beyond.status_code == 413
    assert await count_items(db) == 0
    assert stored_files(settings) == []

    # After all that, the same event takes a good photo (the refusals were about the files).
    taken = await client.post(
        url, headers=tokens[Role.EDITOR], files={"file": ("photo.png", good, "image/png")}
    )
    assert taken.status_code == 201, taken.text
    stored = (await db.scalars(select(MediaItem))).one()
    assert stored.filename == "photo.png" and stored.content_type == "image/jpeg"
    assert len(stored_files(settings)) == 2


def test_a_file_name_is_kept_only_when_it_is_a_plain_name() -> None:
    assert plain_filename("Зал 1.jpg") == "Зал 1.jpg"
    assert plain_filename(None) == plain_filename("  ") == "photo"
    assert plain_filename("x" * 400 + ".jpg") == "x" * 300
    for name in ("../a.jpg", "a/b.jpg", "C:\\x\\a.jpg", ".env", "a\x00.jpg", "a\nb.jpg", "a\x7f"):
        try:
            plain_filename(name)
        except Invalid as exc:
            assert exc.errors[0].field == "file"
        else:
            raise AssertionError(f"{name!r} was accepted")
