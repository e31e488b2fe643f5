"""The editors' desk and the record workflow: draft → review → published (or scheduled), the
same rule through the JSON API and the desk; editing reports and photos; moderation."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any
from urllib.parse import urlencode

from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from congress.db.base import utc_now
from congress.domain.accounts.enums import Role
from congress.domain.events.enums import EventStatus
from congress.domain.people.models import Person
from congress.domain.programme.models import SpeechSpeaker
from congress.domain.publishing.enums import CommentStatus, RecordStatus
from congress.domain.publishing.models import Category, Comment, MediaItem, Record, Tag
from tests.conftest import csrf_headers, csrf_token
from tests.publishing_data import build_event


def png(width: int = 1200, height: int = 800) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (width, height), (180, 40, 60))
    image.save(buffer, "PNG")
    return buffer.getvalue()


async def fresh(db: AsyncSession, model: Any, where: Any, related: Any) -> Any:
    """One row as the database has it now, with one relationship loaded."""
    statement = (
        select(model)
        .where(where)
        .options(selectinload(related))
        .execution_options(populate_existing=True)
    )
    return (await db.scalars(statement)).one()


async def send_form(
    client: Any, url: str, fields: list[tuple[str, str]], headers: dict[str, str]
) -> Any:
    """A page form as the browser posts it: url-encoded, with the CSRF token."""
    token = await csrf_token(client)
    return await client.post(
        url,
        content=urlencode([*fields, ("_csrf_token", token)]),
        headers={**headers, "content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )


async def test_desk_is_for_editors_in_the_staff_layout(
    client: Any, db: AsyncSession, tokens: Any
) -> None:
    event = await build_event(db, sessions=1, speeches_per_session=1)
    url = f"/manage/events/{event.slug}/record"
    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, headers=tokens[Role.REGISTRAR])).status_code == 403
    page = await client.get(url, headers=tokens[Role.EDITOR])
    assert page.status_code == 200 and "Record desk" in page.text
    assert "/static/css/manage.css" in page.text and "/static/css/public.css" not in page.text
    assert re.search(r'<a href="[^"]+/record" class="active">Record</a>', page.text)
    assert 'href="/manage/events/generated-congress/records/new"' in page.text


# ---- the workflow --------------------------------------------------------------------------


async def test_workflow_through_the_api(
    client: Any, db: AsyncSession, tokens: Any, admin: dict[str, str]
) -> None:
    editor = tokens[Role.EDITOR]
    event = await build_event(db, sessions=1, speeches_per_session=1)
    records = f"/api/v1/events/{event.slug}/records"

    straight = await client.post(
        records,
        json={"slug": "day-two", "headline": {"en": "Day two"}, "status": "published"},
        headers=editor,
    )
    assert straight.status_code == 422
    problem = straight.json()
    assert problem["errors"][0]["field"] == "status"
    assert "review" in problem["errors"][0]["message"]

    created = await client.post(
        records, json={"slug": "day-two", "headline": {"en": "Day two"}}, headers=editor
    )
    assert created.status_code == 201 and created.json()["status"] == "draft"
    item = f"/api/v1/records/{created.json()['id']}"
    skipped = await client.patch(item, json={"status": "published"}, headers=editor)
    assert skipped.status_code == 422
    assert skipped.json()["errors"] == [
        {
            "field": "status",
            "message": "a draft report cannot be published: it goes through review first "
            "(send it to review, then publish it)",
        }
    ]
    assert (await client.patch(item, json={"status": "review"}, headers=editor)).status_code == 200

    # Published with a time in the future: scheduled, invisible to the public until then.
    later = (utc_now() + dt.timedelta(hours=2)).isoformat()
    scheduled = await client.patch(
        item, json={"status": "published", "publish_at": later}, headers=editor
    )
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["published_at"] == scheduled.json()["publish_at"]
    assert (await client.get(item)).status_code == 404
    assert created.json()["id"] not in [
        r["id"] for r in (await client.get(records)).json()["items"]
    ]
    public_page = f"/events/{event.slug}/records/day-two"
    assert (await client.get(public_page)).status_code == 404
    assert (await client.get(item, headers=admin)).status_code == 200

    # The time comes: it appears, with no further step.
    record = await db.get(Record, created.json()["id"])
    assert record is not None
    record.publish_at = utc_now() - dt.timedelta(seconds=1)
    await db.commit()
    assert (await client.get(item)).status_code == 200
    assert (await client.get(public_page)).status_code == 200

    # Back to draft is always allowed, and it hides the report again.
    back = await client.patch(item, json={"status": "draft"}, headers=editor)
    assert back.status_code == 200
    assert (await client.get(public_page)).status_code == 404


async def test_workflow_through_the_desk(client: Any, db: AsyncSession, tokens: Any) -> None:
    editor = {**tokens[Role.EDITOR], **await csrf_headers(client)}
    event = await build_event(db, sessions=1, speeches_per_session=1)
    record = Record(event_id=event.id, slug="day-two", headline={"en": "Day two"})
    db.add(record)
    await db.commit()
    status_url = f"/manage/events/{event.slug}/records/{record.id}/status"
    public_url = f"/events/{event.slug}/records/day-two"

    # The desk offers no such button, but a forged post gets the service's answer.
    skipped = await client.post(status_url, data={"action": "publish"}, headers=editor)
    assert skipped.status_code == 422
    assert "A draft report cannot be published" in skipped.text
    assert 'class="field-error"' in skipped.text
    for action in ("review", "publish"):
        response = await client.post(
            status_url, data={"action": action}, headers=editor, follow_redirects=False
        )
        assert response.status_code == 303, response.text
    assert (await client.get(public_url)).status_code == 200

    tomorrow = (dt.datetime.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    scheduled = await client.post(
        status_url,
        data={"action": "schedule", "publish_at": tomorrow, "next": "record"},
        headers=editor,
        follow_redirects=False,
    )
    assert scheduled.status_code == 303
    assert scheduled.headers["location"] == f"/manage/events/{event.slug}/records/{record.id}"
    assert (await client.get(public_url)).status_code == 404
    await db.refresh(record)
    assert record.status is RecordStatus.PUBLISHED and record.publish_at is not None
    page = await client.get(scheduled.headers["location"], headers=editor)
    assert "scheduled" in page.text and "Appears on the public site at" in page.text
    past = await client.post(
        status_url,
        data={"action": "schedule", "publish_at": "2020-01-01T10:00", "next": "record"},
        headers=editor,
    )
    assert past.status_code == 422 and "Choose a time in the future" in past.text
    assert 'id="workflow"' in past.text  # the report's own page, with the reason


# ---- writing reports -------------------------------------------------------------------------


async def test_desk_creates_and_edits_a_report(client: Any, db: AsyncSession, tokens: Any) -> None:
    editor = tokens[Role.EDITOR]
    event = await build_event(db, sessions=2, speeches_per_session=1)
    new_url = f"/manage/events/{event.slug}/records/new"
    form_page = await client.get(new_url, headers=editor)
    assert form_page.status_code == 200
    for code in ("en", "ru", "zh", "de"):
        for name in ("headline", "lead", "body"):
            assert f'name="{name}.{code}"' in form_page.text

    # Without the CSRF token the form is refused.
    forged = await client.post(
        new_url, data={"slug": "x", "headline.en": "X"}, headers=editor, follow_redirects=False
    )
    assert forged.status_code == 403

    invalid = await send_form(
        client,
        new_url,
        [("slug", "Not A Slug"), ("lead.ru", "Вводка, которую жалко потерять"), ("body.en", "")],
        editor,
    )
    assert invalid.status_code == 422
    assert "Please correct the marked fields." in invalid.text
    assert 'id="slug-error">Use lower-case letters, digits and hyphens.' in invalid.text
    assert 'id="headline-error"' in invalid.text
    assert "Вводка, которую жалко потерять" in invalid.text  # what was typed is kept
    assert await db.scalar(select(Record.id).where(Record.slug == "not-a-slug")) is None

    category = (await db.scalars(select(Category))).one()
    created = await send_form(
        client,
        new_url,
        [
            ("slug", "second-day"),
            ("headline.en", "The second day"),
            ("headline.ru", "Второй день"),
            ("lead.en", "Reports of the committees."),
            (
                "body.en",
                '<p onclick="x()">The plenary <b>heard</b> reports.</p><script>bad()</script>',
            ),
            ("body.zh", "<p>全体会议听取了报告。</p>"),
            ("category_id", str(category.id)),
            ("new_tags", "Peace, Дружба народов"),
            ("session_id", ""),
        ],
        editor,
    )
    assert created.status_code == 303, created.text
    record = await fresh(db, Record, Record.slug == "second-day", Record.tags)
    assert record.status is RecordStatus.DRAFT
    assert record.body["en"] == "<p>The plenary <b>heard</b> reports.</p>"
    assert record.body["zh"] == "<p>全体会议听取了报告。</p>"
    assert record.category_id == category.id and record.author_id is not None
    assert sorted(tag.slug for tag in record.tags)[0] == "peace"
    assert len(record.tags) == 2
    assert created.headers["location"] == f"/manage/events/{event.slug}/records/{record.id}"

    edit_url = created.headers["location"]
    edit_page = await client.get(edit_url, headers=editor)
    assert 'value="Второй день"' in edit_page.text
    assert "The plenary &lt;b&gt;heard&lt;/b&gt; reports." in edit_page.text
    peace = (await db.scalars(select(Tag).where(Tag.slug == "peace"))).one()
    saved = await send_form(
        client,
        edit_url,
        [
            ("slug", "second-day"),
            ("headline.en", "The second day of the congress"),
            ("headline.de", "Der zweite Tag"),
            ("lead.en", ""),  # emptied
            ("body.en", "<p>Changed.</p>"),
            ("tag_ids", str(peace.id)),
            ("new_category", "Chronicle"),
            ("author_id", ""),
        ],
        editor,
    )
    assert saved.status_code == 303, saved.text
    record = await fresh(db, Record, Record.id == record.id, Record.tags)
    assert record.headline == {"en": "The second day of the congress", "de": "Der zweite Tag"}
    assert [tag.slug for tag in record.tags] == ["peace"]
    assert record.lead == {} and record.author_id is None
    chronicle = (await db.scalars(select(Category).where(Category.slug == "chronicle"))).one()
    assert record.category_id == chronicle.id

    # A clash is shown beside the field, with the typed values.
    clash = await send_form(
        client, edit_url, [("slug", "opening"), ("headline.en", "Typed again")], editor
    )
    assert clash.status_code == 409 or clash.status_code == 422
    assert 'id="slug-error"' in clash.text and 'value="Typed again"' in clash.text


# ---- comments ----------------------------------------------------------------------------


async def test_moderation(client: Any, db: AsyncSession, tokens: Any) -> None:
    event = await build_event(db, sessions=1, speeches_per_session=1)
    record = (await db.scalars(select(Record))).one()
    comment = Comment(record_id=record.id, author_name="Reader", body="Well written")
    db.add(comment)
    await db.commit()
    desk = await client.get(f"/manage/events/{event.slug}/record", headers=tokens[Role.EDITOR])
    assert "Well written" in desk.text and "1 comment waiting" in desk.text
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


# ---- photos ------------------------------------------------------------------------------


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
        data={"caption.en": "The great hall", "caption.ru": "Большой зал", "credit": "A. Petrov"},
        headers=editor,
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    item = (await db.scalars(select(MediaItem))).one()
    assert response.headers["location"] == f"/manage/events/{event.slug}/photos/{item.id}"
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
        data={"credit": "Kept as typed"},
        headers=editor,
    )
    assert not_image.status_code == 422 and "not an image" in not_image.text
    assert 'value="Kept as typed"' in not_image.text
    assert (await client.get("/media/../../secret_key")).status_code in {400, 404}

    event.status = EventStatus.DRAFT
    db.add(event)
    await db.commit()
    assert (await client.get(f"/media/{item.storage_key}")).status_code == 404
    assert (await client.get(f"/media/{item.storage_key}", headers=editor)).status_code == 200


async def test_photo_caption_credit_people_and_deletion(
    client: Any, db: AsyncSession, tokens: Any, settings: Any
) -> None:
    editor = tokens[Role.EDITOR]
    event = await build_event(db, sessions=1, speeches_per_session=1)
    uploaded = await client.post(
        f"/manage/events/{event.slug}/photos",
        files={"file": ("hall.png", png(800, 600), "image/png")},
        headers={**editor, **await csrf_headers(client)},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303
    item = (await db.scalars(select(MediaItem))).one()
    photo_url = uploaded.headers["location"]
    speaker = await db.scalar(select(SpeechSpeaker.person_id).limit(1))
    stranger = Person(given_name={"en": "Not"}, family_name={"en": "Here"})
    db.add(stranger)
    await db.commit()

    page = await client.get(photo_url, headers=editor)
    assert page.status_code == 200
    assert f'name="person_ids" value="{speaker}"' in page.text  # people of the event
    assert f'value="{stranger.id}"' not in page.text
    for code in ("en", "ru", "zh", "de"):
        assert f'name="caption.{code}"' in page.text

    too_long = await send_form(
        client, photo_url, [("caption.zh", "大厅"), ("credit", "x" * 301)], editor
    )
    assert too_long.status_code == 422 and 'id="credit-error"' in too_long.text
    assert 'value="大厅"' in too_long.text
    saved = await send_form(
        client,
        photo_url,
        [
            ("caption.en", "The presidium"),
            ("caption.zh", "主席团"),
            ("credit", "Photo: L. Wang"),
            ("person_ids", str(speaker)),
        ],
        editor,
    )
    assert saved.status_code == 303, saved.text
    item = await fresh(db, MediaItem, MediaItem.id == item.id, MediaItem.people)
    assert item.caption == {"en": "The presidium", "zh": "主席团"}
    assert item.credit == "Photo: L. Wang"
    assert [person.id for person in item.people] == [speaker]

    confirm = await client.get(f"{photo_url}/delete", headers=editor)
    assert confirm.status_code == 200 and "Delete this photo?" in confirm.text
    media = settings.media_dir
    assert (media / item.storage_key).is_file()
    deleted = await send_form(client, f"{photo_url}/delete", [], editor)
    assert deleted.status_code == 303
    assert await db.scalar(select(MediaItem.id)) is None
    assert not (media / item.storage_key).exists()
    assert not (media / "thumbs" / item.storage_key).exists()


async def test_address_follows_the_headline(client: Any, db: AsyncSession, tokens: Any) -> None:
    event = await build_event(db, sessions=1, speeches_per_session=1)
    response = await send_form(
        client,
        f"/manage/events/{event.slug}/records/new",
        [("slug", ""), ("headline.ru", "Итоги"), ("headline.en", "Closing words!")],
        tokens[Role.EDITOR],
    )
    assert response.status_code == 303, response.text
    assert await db.scalar(select(Record.id).where(Record.slug == "closing-words")) is not None


async def test_a_report_or_photo_is_about_a_session_of_its_own_event(
    client: Any, db: AsyncSession, tokens: Any
) -> None:
    from congress.domain.programme.models import Session

    editor = tokens[Role.EDITOR]
    event = await build_event(db, sessions=1, speeches_per_session=1)
    other = await build_event(db, slug="other-congress", sessions=1, speeches_per_session=1)
    foreign = await db.scalar(select(Session.id).where(Session.event_id == other.id))
    response = await client.post(
        f"/api/v1/events/{event.slug}/records",
        json={"slug": "x", "headline": {"en": "X"}, "session_id": foreign},
        headers=editor,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "session_id"
    upload = await client.post(
        f"/manage/events/{event.slug}/photos",
        files={"file": ("a.png", png(400, 300), "image/png")},
        data={"session_id": str(foreign)},
        headers={**editor, **await csrf_headers(client)},
    )
    assert upload.status_code == 422 and "belongs to another event" in upload.text
