"""The editors' desk: the record workflow, moderation and photo uploads."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.events.enums import EventStatus
from congress.domain.publishing.enums import CommentStatus, RecordStatus
from congress.domain.publishing.models import Comment, MediaItem, Record
from tests.conftest import csrf_headers
from tests.publishing_data import build_event


def png(width: int = 1200, height: int = 800) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (width, height), (180, 40, 60))
    image.save(buffer, "PNG")
    return buffer.getvalue()


async def test_desk_is_for_editors(client: Any, db: AsyncSession, tokens: Any) -> None:
    event = await build_event(db, sessions=1, speeches_per_session=1)
    url = f"/manage/events/{event.slug}/record"
    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, headers=tokens[Role.REGISTRAR])).status_code == 403
    page = await client.get(url, headers=tokens[Role.EDITOR])
    assert page.status_code == 200 and "Record desk" in page.text


async def test_record_goes_through_review(client: Any, db: AsyncSession, tokens: Any) -> None:
    editor = {**tokens[Role.EDITOR], **await csrf_headers(client)}
    event = await build_event(db, sessions=1, speeches_per_session=1)
    record = Record(event_id=event.id, slug="day-two", headline={"en": "Day two"})
    db.add(record)
    await db.commit()
    status_url = f"/manage/events/{event.slug}/records/{record.id}/status"
    public_url = f"/events/{event.slug}/records/day-two"
    skipped = await client.post(status_url, data={"action": "publish"}, headers=editor)
    assert skipped.status_code == 409 and "cannot be sent to publish" in skipped.text
    for action in ("review", "publish"):
        response = await client.post(
            status_url, data={"action": action}, headers=editor, follow_redirects=False
        )
        assert response.status_code == 303, response.text
    assert (await client.get(public_url)).status_code == 200

    tomorrow = (dt.datetime.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    scheduled = await client.post(
        status_url,
        data={"action": "schedule", "publish_at": tomorrow},
        headers=editor,
        follow_redirects=False,
    )
    assert scheduled.status_code == 303
    assert (await client.get(public_url)).status_code == 404
    await db.refresh(record)
    assert record.status is RecordStatus.PUBLISHED and record.publish_at is not None
    past = await client.post(
        status_url, data={"action": "schedule", "publish_at": "2020-01-01T10:00"}, headers=editor
    )
    assert past.status_code == 422 and "must be in the future" in past.text


async def test_moderation(client: Any, db: AsyncSession, tokens: Any) -> None:
    event = await build_event(db, sessions=1, speeches_per_session=1)
    record = (await db.scalars(select(Record))).one()
    comment = Comment(record_id=record.id, author_name="Reader", body="Well written")
    db.add(comment)
    await db.commit()
    desk = await client.get(f"/manage/events/{event.slug}/record", headers=tokens[Role.EDITOR])
    assert "Well written" in desk.text
    response = await client.post(
        f"/manage/events/{event.slug}/comments/{comment.id}",
        data={"status": "approved"},
        headers={**tokens[Role.EDITOR], **await csrf_headers(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    await db.refresh(comment)
    assert comment.status is CommentStatus.APPROVED and comment.moderated_by_id is not None
    assert "Well written" in (await client.get(f"/events/{event.slug}/records/opening")).text


async def test_photo_upload_and_serving(
    client: Any, db: AsyncSession, tokens: Any, settings: Any
) -> None:
    editor = {**tokens[Role.EDITOR], **await csrf_headers(client)}
    event = await build_event(db, sessions=1, speeches_per_session=1)
    upload = f"/manage/events/{event.slug}/photos"
    # Named .jpg, but really a PNG: the type comes from the content.
    response = await client.post(
        upload,
        files={"file": ("hall.jpg", png(4000, 3000), "image/jpeg")},
        data={"caption_en": "The great hall", "caption_ru": "Большой зал", "credit": "A. Petrov"},
        headers=editor,
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    item = (await db.scalars(select(MediaItem))).one()
    assert (item.width, item.height) == (2560, 1920)
    assert item.content_type == "image/jpeg"
    full = await client.get(f"/media/{item.storage_key}")
    assert full.status_code == 200 and full.content[:3] == b"\xff\xd8\xff"
    thumb = await client.get(f"/media/thumbs/{item.storage_key}")
    assert Image.open(io.BytesIO(thumb.content)).size == (640, 480)
    page = await client.get(f"/events/{event.slug}/records/opening?lang=ru")
    assert "Большой зал" in page.text and "A. Petrov" in page.text

    not_image = await client.post(
        upload,
        files={"file": ("x.jpg", b"<html>not an image</html>", "image/jpeg")},
        headers=editor,
    )
    assert not_image.status_code == 422 and "not an image" in not_image.text
    assert (await client.get("/media/../../secret_key")).status_code in {400, 404}

    event.status = EventStatus.DRAFT
    db.add(event)
    await db.commit()
    assert (await client.get(f"/media/{item.storage_key}")).status_code == 404
    assert (await client.get(f"/media/{item.storage_key}", headers=editor)).status_code == 200
