"""The editors' desk: /manage/events/{slug}/record. Reports (written, reviewed, published or
scheduled), comments waiting for moderation, and photos with their captions and people."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

from anyio import to_thread
from litestar import Request
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.db.base import utc_now
from congress.domain.accounts.enums import Role
from congress.domain.events.models import Event
from congress.domain.people.services import person_name
from congress.domain.publishing.controllers._site import media_storage
from congress.domain.publishing.enums import CommentStatus, RecordStatus
from congress.domain.publishing.media import (
    MAX_UPLOAD_BYTES,
    thumbnail_key,
)
from congress.domain.publishing.models import Category, MediaItem, Record, Tag
from congress.domain.publishing.schemas import MediaItemUpdate, RecordCreate, RecordUpdate
from congress.domain.publishing.services import (
    CategoryService,
    CommentService,
    MediaItemService,
    RecordService,
    TagService,
    add_photo,
    ascii_slug,
    author_names,
    category_named,
    editor_records,
    event_people,
    move_record,
    pending_comments,
    photos,
    possible_authors,
    public_event,
    session_choices,
    tags_named,
)
from congress.errors import Invalid, NotFound, ProblemError
from congress.server.forms import Form, as_local_input, problem_errors, read_form, submit
from congress.server.i18n import gettext as _
from congress.server.pages import done, page_get, page_post
from congress.server.security import current_user, roles

EDITORS = roles(Role.EDITOR)
RECORD_TEXTS = ("headline", "lead", "body")


async def _event(db: AsyncSession, request: Request[Any, Any, Any], slug: str) -> Event:
    return await public_event(db, current_user(request), slug)


def _desk_url(event: Event, anchor: str = "") -> str:
    return f"/manage/events/{event.slug}/record{'#' + anchor if anchor else ''}"


async def _desk(
    db: AsyncSession,
    request: Request[Any, Any, Any],
    event: Event,
    *,
    errors: dict[str, str] | None = None,
    upload: Form | None = None,
    status_code: int = 200,
) -> Template:
    records = await editor_records(db, event)
    comments = await pending_comments(db, event)
    return Template(
        "manage/record/desk.html",
        status_code=status_code,
        context={
            **_common(event),
            "records": records,
            "authors": await author_names(db, records),
            "comments": comments,
            "waiting": Counter(comment.record_id for comment in comments),
            "gallery": await photos(db, event, limit=500),
            "sessions": await session_choices(db, event),
            "errors": errors or {},
            "upload": upload or Form(),
            "now": utc_now(),
        },
    )


def _common(event: Event) -> dict[str, Any]:
    return {"section": "events", "tab": "record", "event": event, "languages": event.languages}


@page_get("/manage/events/{slug:str}/record", guards=[EDITORS])
async def editor_desk(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template:
    """Reports with their workflow, comments waiting for moderation, and photos."""
    return await _desk(db_session, request, await _event(db_session, request, slug))


# ---- reports ---------------------------------------------------------------------------------


async def _record_of(
    db: AsyncSession, request: Request[Any, Any, Any], event: Event, record_id: int
) -> Record:
    record = await RecordService(db, current_user(request)).get(record_id)
    if record.event_id != event.id:
        raise NotFound(f"no report {record_id} in this event")
    return record


def _record_values(record: Record) -> Form:
    values: dict[str, Any] = {
        "slug": record.slug,
        "session_id": record.session_id or "",
        "category_id": record.category_id or "",
        "author_id": record.author_id or "",
        "tag_ids": [str(tag.id) for tag in record.tags],
        "source_name": record.source_name or "",
        "source_url": record.source_url or "",
        "source_published_on": record.source_published_on or "",
        "source_view_count": "" if record.source_view_count is None else record.source_view_count,
    }
    for name in RECORD_TEXTS:
        for code, text in (getattr(record, name) or {}).items():
            values[f"{name}.{code}"] = text
    return Form(values=values)


async def _record_page(
    db: AsyncSession,
    event: Event,
    form: Form,
    record: Record | None,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    return Template(
        "manage/record/record_form.html",
        status_code=status_code,
        context={
            **_common(event),
            "form": form,
            "record": record,
            "categories": (await db.scalars(select(Category).order_by(Category.slug))).all(),
            "tags": (await db.scalars(select(Tag).order_by(Tag.slug))).all(),
            "authors": await possible_authors(db),
            "sessions": await session_choices(db, event),
            "errors": errors or {},
            "now": utc_now(),
            "publish_at": as_local_input(record.publish_at, event.timezone) if record else "",
        },
    )


async def _save_record(
    db: AsyncSession,
    request: Request[Any, Any, Any],
    event: Event,
    form: Form,
    record: Record | None,
) -> Record | None:
    """Create or change a report from the posted form; None (and ``form.errors``) on failure.

    Tags and a category typed as new words are created first, in the same transaction: a
    report that fails its checks leaves none of them behind (the 422 answer rolls it back).
    """
    user = current_user(request)
    typed_tags = str(form.values.pop("new_tags", "") or "")
    typed_category = str(form.values.pop("new_category", "") or "").strip()
    chosen_tags = form.values_of("tag_ids")
    try:
        new_tags = await tags_named(TagService(db, user), typed_tags, event.primary_language)
        if typed_category:
            category = await category_named(
                CategoryService(db, user), typed_category, event.primary_language
            )
            form.values["category_id"] = str(category.id)
    except ProblemError as exc:
        form.values.update(new_tags=typed_tags, new_category=typed_category)
        form.errors = {"new_tags" if not typed_category else "new_category": exc.detail}
        form.message = _("Please correct the marked fields.")
        return None
    form.values["tag_ids"] = list(dict.fromkeys([*chosen_tags, *(str(t.id) for t in new_tags)]))
    service = RecordService(db, user)
    saved: Record | None
    if record is None and not str(form.values.get("slug") or "").strip():
        # The address follows the headline unless one is typed.
        headlines = [str(form.values.get(f"headline.{code}") or "") for code in event.languages]
        form.values["slug"] = next(
            (ascii_slug(h)[:100].strip("-") for h in headlines if ascii_slug(h)), ""
        )
    if record is None:
        saved = await submit(
            form,
            RecordCreate,
            lambda values: service.create({**values, "event_id": event.id}),
        )
    else:
        record_id = record.id
        saved = await submit(
            form,
            RecordUpdate,
            lambda values: service.update(record_id, values),
            exclude_unset=True,
        )
    if saved is None:
        form.values.update(new_tags=typed_tags, new_category=typed_category, tag_ids=chosen_tags)
    return saved


@page_get("/manage/events/{slug:str}/records/new", guards=[EDITORS])
async def record_new(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template:
    event = await _event(db_session, request, slug)
    user = current_user(request)
    form = Form(values={"author_id": user.id if user else "", "tag_ids": []})
    return await _record_page(db_session, event, form, None)


@page_post("/manage/events/{slug:str}/records/new", guards=[EDITORS])
async def record_create(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template | Redirect:
    event = await _event(db_session, request, slug)
    form = await read_form(request, lists=["tag_ids"])
    record = await _save_record(db_session, request, event, form, None)
    if record is None:
        return await _record_page(db_session, event, form, None, status_code=422)
    return done(
        request,
        f"/manage/events/{event.slug}/records/{record.id}",
        _("The report was created as a draft."),
    )


@page_get("/manage/events/{slug:str}/records/{record_id:int}", guards=[EDITORS])
async def record_edit(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    record_id: FromPath[int],
) -> Template:
    event = await _event(db_session, request, slug)
    record = await _record_of(db_session, request, event, record_id)
    return await _record_page(db_session, event, _record_values(record), record)


@page_post("/manage/events/{slug:str}/records/{record_id:int}", guards=[EDITORS])
async def record_save(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    record_id: FromPath[int],
) -> Template | Redirect:
    event = await _event(db_session, request, slug)
    record = await _record_of(db_session, request, event, record_id)
    form = await read_form(request, lists=["tag_ids"])
    if await _save_record(db_session, request, event, form, record) is None:
        return await _record_page(db_session, event, form, record, status_code=422)
    return done(request, f"/manage/events/{event.slug}/records/{record_id}", _("Saved."))


@page_post("/manage/events/{slug:str}/records/{record_id:int}/status", guards=[EDITORS])
async def record_status(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    record_id: FromPath[int],
) -> Template | Redirect:
    """A workflow button (to review, publish now, schedule, back to draft), on the desk or on
    the report's page; a refused step shows that page again with the reason."""
    event = await _event(db_session, request, slug)
    record = await _record_of(db_session, request, event, record_id)
    form = await request.form()
    on_record_page = form.get("next") == "record"
    try:
        publish_at = _local_datetime(str(form.get("publish_at") or ""), event)
        moved = await move_record(
            RecordService(db_session, current_user(request)),
            record,
            str(form.get("action") or ""),
            publish_at,
        )
    except ProblemError as exc:
        errors = {f"{record_id}.{field}": text for field, text in problem_errors(exc).items()}
        await db_session.rollback()  # expires what was loaded: load it again
        event = await _event(db_session, request, slug)
        if on_record_page:
            record = await _record_of(db_session, request, event, record_id)
            return await _record_page(
                db_session,
                event,
                _record_values(record),
                record,
                errors=errors,
                status_code=exc.status,
            )
        return await _desk(db_session, request, event, errors=errors, status_code=exc.status)
    message = {
        RecordStatus.DRAFT: _("The report is a draft again."),
        RecordStatus.REVIEW: _("The report was sent to review."),
        RecordStatus.PUBLISHED: _("The report is published."),
    }[moved.status]
    if moved.publish_at is not None and moved.publish_at > utc_now():
        message = _("The report will be published at the set time.")
    url = (
        f"/manage/events/{event.slug}/records/{record_id}"
        if on_record_page
        else _desk_url(event, f"record-{record_id}")
    )
    return done(request, url, message)


def _local_datetime(value: str, event: Event) -> dt.datetime | None:
    """A datetime-local form value, read in the event's time zone."""
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise Invalid.field("publish_at", "not a date and time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(event.timezone))


# ---- comments --------------------------------------------------------------------------------


@page_post("/manage/events/{slug:str}/comments/{comment_id:int}", guards=[EDITORS])
async def editor_moderate(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    comment_id: FromPath[int],
) -> Redirect:
    event = await _event(db_session, request, slug)
    form = await request.form()
    try:
        status = CommentStatus(str(form.get("status") or ""))
    except ValueError:
        raise Invalid.field("status", "approve, reject or mark as spam") from None
    service = CommentService(db_session, current_user(request))
    comment = await service.get(comment_id)
    if await service.event_id_for(comment) != event.id:
        raise NotFound(f"no comment {comment_id} in this event")
    await service.update(comment_id, {"status": status})
    message = {
        CommentStatus.APPROVED: _("The comment is now shown under the report."),
        CommentStatus.REJECTED: _("The comment was rejected."),
        CommentStatus.SPAM: _("The comment was marked as spam."),
        CommentStatus.PENDING: _("The comment waits for moderation again."),
    }[status]
    return done(request, _desk_url(event, "comments"), message)


# ---- photos ----------------------------------------------------------------------------------


@page_post(
    "/manage/events/{slug:str}/photos",
    guards=[EDITORS],
    request_max_body_size=MAX_UPLOAD_BYTES + 1024 * 1024,
)
async def editor_upload(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template | Redirect:
    user = current_user(request)
    event = await _event(db_session, request, slug)
    form = await request.form()
    upload = form.get("file")
    typed = Form(
        values={
            key: str(form.get(key) or "")
            for key in ("session_id", "credit", *(f"caption.{code}" for code in event.languages))
        }
    )
    try:
        session_id = int(typed.value("session_id") or 0) or None
    except ValueError:
        session_id = -1  # the service names the field
    try:
        if not isinstance(upload, UploadFile):
            raise Invalid.field("file", "choose a photo to upload")
        await upload.seek(0)
        caption = {
            code: text
            for code in event.languages
            if (text := typed.value(f"caption.{code}").strip())
        }
        values: dict[str, Any] = {
            "session_id": session_id,
            "caption": caption or None,
            "credit": typed.value("credit").strip()[:300] or None,
        }
        item = await add_photo(
            db_session,
            user,
            event,
            upload.file,
            media_storage(request),
            filename=upload.filename,
            values=values,
        )
    except Invalid as exc:
        await db_session.rollback()  # expires what was loaded: load it again
        event = await _event(db_session, request, slug)
        typed.errors = problem_errors(exc)
        return await _desk(db_session, request, event, upload=typed, status_code=422)
    return done(
        request,
        f"/manage/events/{event.slug}/photos/{item.id}",
        _("The photo was uploaded. Add a caption and the people it shows."),
    )


async def _photo_of(
    db: AsyncSession, request: Request[Any, Any, Any], event: Event, item_id: int
) -> MediaItem:
    item = await MediaItemService(db, current_user(request)).get(item_id)
    if item.event_id != event.id:
        raise NotFound(f"no photo {item_id} in this event")
    return item


def _photo_values(item: MediaItem) -> Form:
    values: dict[str, Any] = {
        "session_id": item.session_id or "",
        "credit": item.credit or "",
        "person_ids": [str(person.id) for person in item.people],
    }
    for code, text in (item.caption or {}).items():
        values[f"caption.{code}"] = text
    return Form(values=values)


async def _photo_page(
    db: AsyncSession, event: Event, item: MediaItem, form: Form, status_code: int = 200
) -> Template:
    tagged = [int(value) for value in form.values_of("person_ids") if value.isdigit()]
    people = await event_people(db, event, tagged)
    lang = event.primary_language
    people.sort(key=lambda person: person_name(person, lang, event.languages).casefold())
    return Template(
        "manage/record/photo_form.html",
        status_code=status_code,
        context={
            **_common(event),
            "item": item,
            "form": form,
            "people": people,
            "sessions": await session_choices(db, event),
        },
    )


@page_get("/manage/events/{slug:str}/photos/{item_id:int}", guards=[EDITORS])
async def photo_edit(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    item_id: FromPath[int],
) -> Template:
    event = await _event(db_session, request, slug)
    item = await _photo_of(db_session, request, event, item_id)
    return await _photo_page(db_session, event, item, _photo_values(item))


@page_post("/manage/events/{slug:str}/photos/{item_id:int}", guards=[EDITORS])
async def photo_save(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    item_id: FromPath[int],
) -> Template | Redirect:
    event = await _event(db_session, request, slug)
    item = await _photo_of(db_session, request, event, item_id)
    form = await read_form(request, lists=["person_ids"])

    def prepare(data: dict[str, Any]) -> None:
        data.setdefault("caption", {})
        data["person_ids"] = [value for value in data.get("person_ids") or [] if value]

    service = MediaItemService(db_session, current_user(request))
    saved = await submit(
        form,
        MediaItemUpdate,
        lambda values: service.update(item_id, values),
        exclude_unset=True,
        prepare=prepare,
    )
    if saved is None:
        return await _photo_page(db_session, event, item, form, status_code=422)
    return done(request, _desk_url(event, f"photo-{item_id}"), _("The photo was saved."))


@page_get("/manage/events/{slug:str}/photos/{item_id:int}/delete", guards=[EDITORS])
async def photo_delete_confirm(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    item_id: FromPath[int],
) -> Template:
    """Asks before deleting (the page the delete button leads to without JavaScript)."""
    event = await _event(db_session, request, slug)
    item = await _photo_of(db_session, request, event, item_id)
    return Template("manage/record/photo_delete.html", context={**_common(event), "item": item})


@page_post("/manage/events/{slug:str}/photos/{item_id:int}/delete", guards=[EDITORS])
async def photo_delete(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    item_id: FromPath[int],
) -> Redirect:
    event = await _event(db_session, request, slug)
    item = await _photo_of(db_session, request, event, item_id)
    await MediaItemService(db_session, current_user(request)).delete(item_id)
    # The files go after the row: a failed delete leaves both in place.
    await db_session.commit()
    storage = media_storage(request)
    for key in (item.storage_key, thumbnail_key(item.storage_key)):
        await to_thread.run_sync(storage.delete, key)
    return done(request, _desk_url(event, "photos"), _("The photo was deleted."))


ROUTES: list[Any] = [
    editor_desk,
    record_new,
    record_create,
    record_edit,
    record_save,
    record_status,
    editor_moderate,
    editor_upload,
    photo_edit,
    photo_save,
    photo_delete_confirm,
    photo_delete,
]
