from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import time
import unicodedata
from typing import IO, Any

from anyio import to_thread
from sqlalchemy import Select, delete, func, or_, select, true, union, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from congress.db.base import utc_now
from congress.db.changes import watch as watch_changes
from congress.domain.accounts.enums import Role
from congress.domain.accounts.models import User
from congress.domain.crud import EntityService
from congress.domain.decisions.models import Election, Headcount, Motion, RollCall, Vote
from congress.domain.events.models import Event, Room, Venue
from congress.domain.events.services import PUBLIC_EVENT, EventScoped, EventService
from congress.domain.people.models import Organization, Person, Position
from congress.domain.programme.models import (
    AgendaItem,
    Award,
    Gift,
    PresidiumSeat,
    Session,
    Speech,
    SpeechSpeaker,
)
from congress.domain.publishing.enums import CommentStatus, MediaKind, RecordStatus
from congress.domain.publishing.media import (
    MediaStorage,
    new_key,
    plain_filename,
    process_photo_file,
    thumbnail_key,
)
from congress.domain.publishing.models import (
    Category,
    Comment,
    MediaItem,
    Record,
    RecordView,
    Tag,
    ViewSalt,
)
from congress.domain.registration.models import Delegation, Participant
from congress.errors import FieldError, Invalid, NotFound
from congress.html import sanitize_html
from congress.messages import N_

EDITORS = frozenset({Role.EDITOR})


async def _load_all(
    service: EntityService[Any], model: Any, ids: list[int], field: str
) -> list[Any]:
    found = list((await service.db.scalars(select(model).where(model.id.in_(ids)))).all())
    missing = sorted(set(ids) - {item.id for item in found})
    if missing:
        message = f"no {model.__tablename__} with id {', '.join(map(str, missing))}"
        raise Invalid(f"{field}: {message}", [FieldError(field, message)])
    return found


class MediaItemService(EventScoped, EntityService[MediaItem]):
    model = MediaItem
    load = (selectinload(MediaItem.people),)
    order_by = ("position", "id")
    write_roles = EDITORS

    async def validate(self, values: dict[str, Any], current: MediaItem | None) -> None:
        await _check_session_of_event(self.db, values)
        if "person_ids" in values:
            values["_people"] = await _load_all(self, Person, values["person_ids"], "person_ids")

    def apply(self, instance: MediaItem, values: dict[str, Any]) -> None:
        super().apply(instance, values)
        if "_people" in values:
            instance.people = values["_people"]


async def add_photo(
    db: AsyncSession,
    user: User | None,
    event: Event,
    source: IO[bytes],
    storage: MediaStorage,
    *,
    filename: str | None,
    values: dict[str, Any],
) -> MediaItem:
    """Store an uploaded photo of the event, for the editors' page and the API alike: checked
    and re-encoded (media.process_photo_file, in a worker thread), stored with its thumbnail,
    and listed last among the event's photos with ``values`` (caption, credit, session, people).
    Raises :class:`Invalid` (nothing stored) for a file that is not a photo we accept."""
    name = plain_filename(filename)
    photo = await to_thread.run_sync(process_photo_file, source)
    key = new_key(event.slug)
    position = await db.scalar(
        select(func.coalesce(func.max(MediaItem.position), 0)).where(MediaItem.event_id == event.id)
    )
    item = await MediaItemService(db, user).create(
        {
            "person_ids": [],
            **values,
            "event_id": event.id,
            "storage_key": key,
            "filename": name,
            "content_type": photo.content_type,
            "size": len(photo.data),
            "width": photo.width,
            "height": photo.height,
            "position": (position or 0) + 1,
        }
    )
    await to_thread.run_sync(storage.save, key, photo.data)
    await to_thread.run_sync(storage.save, thumbnail_key(key), photo.thumbnail)
    return item


class CategoryService(EntityService[Category]):
    model = Category
    write_roles = EDITORS


class TagService(EntityService[Tag]):
    model = Tag
    order_by = ("slug",)
    write_roles = EDITORS


# The editorial workflow: a report is written as a draft, checked in review and then published
# (at once or at a set time); it can be taken back to review or to draft at any step.
NEXT_STATUSES: dict[RecordStatus, frozenset[RecordStatus]] = {
    RecordStatus.DRAFT: frozenset({RecordStatus.DRAFT, RecordStatus.REVIEW}),
    RecordStatus.REVIEW: frozenset(RecordStatus),
    RecordStatus.PUBLISHED: frozenset(RecordStatus),
}


def check_workflow(before: RecordStatus, after: RecordStatus) -> None:
    """422 on ``status`` for a step the workflow does not allow (a new report starts as a draft)."""
    if after not in NEXT_STATUSES[before]:
        raise Invalid.field(
            "status",
            f"a {before.value} report cannot be {after.value}: "
            "it goes through review first (send it to review, then publish it)",
        )


async def _check_session_of_event(db: AsyncSession, values: dict[str, Any]) -> None:
    """A record or photo about a session must be about a session of its own event."""
    session_id = values.get("session_id")
    if session_id is None or values.get("event_id") is None:
        return
    event_id = await db.scalar(select(Session.event_id).where(Session.id == session_id))
    if event_id is not None and event_id != values["event_id"]:
        raise Invalid.field("session_id", "this session belongs to another event")


def published_now() -> Any:
    return (Record.status == RecordStatus.PUBLISHED) & or_(
        Record.publish_at.is_(None), Record.publish_at <= utc_now()
    )


class RecordService(EventScoped, EntityService[Record]):
    model = Record
    load = (selectinload(Record.tags),)
    write_roles = EDITORS

    def visible(self, statement: Select[Any]) -> Select[Any]:
        return super().visible(statement).where(published_now())

    async def validate(self, values: dict[str, Any], current: Record | None) -> None:
        values["body"] = {
            lang: sanitize_html(html) for lang, html in (values.get("body") or {}).items()
        }
        if "tag_ids" in values:
            values["_tags"] = await _load_all(self, Tag, values["tag_ids"], "tag_ids")
        if current is None and self.user is not None and values.get("author_id") is None:
            values["author_id"] = self.user.id
        await _check_session_of_event(self.db, values)
        before = current.status if current is not None else RecordStatus.DRAFT
        after = RecordStatus(values.get("status") or RecordStatus.DRAFT)
        check_workflow(before, after)
        rescheduled = current is not None and values.get("publish_at") != current.publish_at
        if after is RecordStatus.PUBLISHED and (before is not after or rescheduled):
            values["published_at"] = values.get("publish_at") or utc_now()

    def apply(self, instance: Record, values: dict[str, Any]) -> None:
        super().apply(instance, values)
        if "_tags" in values:
            instance.tags = values["_tags"]


class CommentService(EntityService[Comment]):
    model = Comment
    write_roles = EDITORS

    def visible(self, statement: Select[Any]) -> Select[Any]:
        return (
            statement.join(Record, Record.id == Comment.record_id)
            .join(Event, Event.id == Record.event_id)
            .where(PUBLIC_EVENT, published_now(), Comment.status == CommentStatus.APPROVED)
        )

    async def validate(self, values: dict[str, Any], current: Comment | None) -> None:
        if current is not None and values.get("status") != current.status:
            values["moderated_by_id"] = self.user.id if self.user else None
            values["moderated_at"] = utc_now()

    async def event_id_for(self, instance: Comment) -> int | None:
        return await self.db.scalar(select(Record.event_id).where(Record.id == instance.record_id))


# ---- what the public pages and the open formats read ---------------------------------------------


async def public_event(db: AsyncSession, user: User | None, slug: str) -> Event:
    """The event with its venue and organizers, as this user may see it (404 for drafts)."""
    return await with_details(db, await EventService(db, user).resolve(slug))


async def with_details(db: AsyncSession, event: Event) -> Event:
    """The event with its venue and organizers loaded."""
    statement = (
        select(Event)
        .where(Event.id == event.id)
        .options(selectinload(Event.venue), selectinload(Event.organizers))
        .execution_options(populate_existing=True)
    )
    return (await db.scalars(statement)).one()


def speeches_of(session: Session) -> list[Speech]:
    return [item.speech for item in session.agenda if item.speech is not None]


async def published_records(
    db: AsyncSession, event: Event, *, limit: int = 50, offset: int = 0
) -> list[Record]:
    """The event's records the public may read, newest first, with category and tags."""
    statement = (
        select(Record)
        .where(Record.event_id == event.id, published_now())
        .options(selectinload(Record.category), selectinload(Record.tags))
        .order_by(Record.published_at.desc(), Record.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list((await db.scalars(statement)).all())


async def author_names(db: AsyncSession, records: list[Record]) -> dict[int, str]:
    """Display names of the records' authors (staff users), by user id."""
    ids = {record.author_id for record in records if record.author_id is not None}
    if not ids:
        return {}
    rows = await db.execute(select(User.id, User.name, User.email).where(User.id.in_(ids)))
    return {user_id: name or email.split("@")[0] for user_id, name, email in rows}


async def public_speech(db: AsyncSession, event: Event, speech_id: int) -> Speech:
    """One speech of the event with its speakers and its session."""
    statement = (
        select(Speech)
        .join(AgendaItem, AgendaItem.id == Speech.agenda_item_id)
        .join(Session, Session.id == AgendaItem.session_id)
        .where(Speech.id == speech_id, Session.event_id == event.id)
        .options(
            selectinload(Speech.agenda_item)
            .selectinload(AgendaItem.session)
            .selectinload(Session.room),
            selectinload(Speech.speakers).selectinload(SpeechSpeaker.person),
            selectinload(Speech.speakers)
            .selectinload(SpeechSpeaker.position)
            .selectinload(Position.organization),
            selectinload(Speech.speakers).selectinload(SpeechSpeaker.on_behalf_of),
        )
    )
    speech = (await db.scalars(statement)).first()
    if speech is None:
        raise NotFound(f"no speech {speech_id} in this event")
    return speech


async def public_record(db: AsyncSession, user: User | None, event: Event, slug: str) -> Record:
    """A record of the event by slug: published ones for everybody, any for staff."""
    statement = (
        select(Record)
        .where(Record.event_id == event.id, Record.slug == slug)
        .options(selectinload(Record.category), selectinload(Record.tags))
    )
    if user is None:
        statement = statement.where(published_now())
    record = (await db.scalars(statement)).first()
    if record is None:
        raise NotFound(f"no published report {slug!r} in this event")
    return record


async def approved_comments(db: AsyncSession, record: Record) -> list[Comment]:
    statement = (
        select(Comment)
        .where(Comment.record_id == record.id, Comment.status == CommentStatus.APPROVED)
        .order_by(Comment.created_at, Comment.id)
    )
    return list((await db.scalars(statement)).all())


async def photos(
    db: AsyncSession, event: Event, session_id: int | None = None, *, limit: int = 60
) -> list[MediaItem]:
    """The event's photos (or one session's) in gallery order."""
    statement = select(MediaItem).where(
        MediaItem.event_id == event.id, MediaItem.kind == MediaKind.PHOTO
    )
    if session_id is not None:
        statement = statement.where(MediaItem.session_id == session_id)
    statement = statement.order_by(MediaItem.position, MediaItem.id).limit(limit)
    return list((await db.scalars(statement)).all())


async def records_tagged(
    db: AsyncSession, *, tag: Tag | None = None, category: Category | None = None, limit: int = 50
) -> list[Record]:
    """Published records of public events with a tag or in a category, newest first."""
    statement = (
        select(Record)
        .join(Event, Event.id == Record.event_id)
        .where(PUBLIC_EVENT, published_now())
        .options(
            selectinload(Record.event), selectinload(Record.tags), selectinload(Record.category)
        )
        .order_by(Record.published_at.desc(), Record.id.desc())
        .limit(limit)
    )
    if tag is not None:
        statement = statement.where(Record.tags.any(Tag.id == tag.id))
    if category is not None:
        statement = statement.where(Record.category_id == category.id)
    return list((await db.scalars(statement)).all())


async def by_slug(db: AsyncSession, model: Any, slug: str) -> Any:
    found = (await db.scalars(select(model).where(model.slug == slug))).first()
    if found is None:
        raise NotFound(f"no {model.__tablename__} {slug!r}")
    return found


# ---- readers: views and comments ---------------------------------------------------------------


def _insert_ignoring_duplicates(db: AsyncSession, model: Any) -> Any:
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(model).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(model).on_conflict_do_nothing()


async def count_view(db: AsyncSession, record: Record, visitor: str) -> bool:
    """Count one reader of the record once a day; True when this was a new reader.

    ``visitor`` is whatever tells readers apart (address and browser); it is hashed with the
    day's random salt and never stored as such (see RecordView).
    """
    today = utc_now().date()
    salt = await db.scalar(select(ViewSalt.salt).where(ViewSalt.day == today))
    if salt is None:
        await db.execute(delete(RecordView).where(RecordView.day < today))
        await db.execute(delete(ViewSalt).where(ViewSalt.day < today))
        now = utc_now()
        values = {"day": today, "salt": secrets.token_hex(32), "created_at": now, "updated_at": now}
        await db.execute(_insert_ignoring_duplicates(db, ViewSalt).values(values))
        salt = await db.scalar(select(ViewSalt.salt).where(ViewSalt.day == today))
    digest = hashlib.sha256(f"{salt}|{record.id}|{visitor}".encode()).hexdigest()
    now = utc_now()
    result = await db.execute(
        _insert_ignoring_duplicates(db, RecordView).values(
            record_id=record.id, day=today, visitor=digest, created_at=now, updated_at=now
        )
    )
    if not getattr(result, "rowcount", 0):
        return False
    # An ORM update: the loaded record is brought up to date with the new count as well. A reader
    # changes nothing that is published, so updated_at (part of data_version) stays as it was:
    # otherwise every new reader would make the cached pages of the whole event stale.
    await db.execute(
        update(Record)
        .where(Record.id == record.id)
        .values(view_count=Record.view_count + 1, updated_at=Record.updated_at)
        # Nor is it a change to announce to the other processes (db/changes.py).
        .execution_options(announce=False)
    )
    return True


# A comment sent sooner than this after the form was shown is a robot's.
COMMENT_MIN_SECONDS = 2.0
COMMENT_MAX_AGE = 24 * 3600


def form_stamp(secret: str, now: float | None = None) -> str:
    """A signed time stamp for the comment form (the time check against robots)."""
    moment = f"{now if now is not None else time.time():.3f}"
    signature = hmac.new(secret.encode(), moment.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{moment}.{signature}"


def _stamp_age(secret: str, stamp: str) -> float | None:
    moment, _, signature = stamp.rpartition(".")
    expected = hmac.new(secret.encode(), moment.encode(), hashlib.sha256).hexdigest()[:32]
    if not moment or not hmac.compare_digest(signature, expected):
        return None
    try:
        return time.time() - float(moment)
    except ValueError:
        return None


async def submit_comment(
    db: AsyncSession, record: Record, form: dict[str, Any], *, secret: str, language: str
) -> Comment | None:
    """A reader's comment, held for moderation. Robots get no error but nothing is stored."""
    from pydantic import ValidationError

    from congress.domain.publishing.schemas import CommentCreate

    if str(form.get("website") or "").strip():  # the honeypot field people never see
        return None
    age = _stamp_age(secret, str(form.get("stamp") or ""))
    if age is None or age > COMMENT_MAX_AGE:
        raise Invalid.field("body", N_("The form has expired; please send your comment again."))
    if age < COMMENT_MIN_SECONDS:
        raise Invalid.field(
            "body", N_("Sent too quickly; please check your comment and send it again.")
        )
    try:
        values = CommentCreate(
            author_name=str(form.get("author_name") or ""),
            body=str(form.get("body") or ""),
            language=language,
        )
    except ValidationError as exc:
        errors = [
            FieldError(str(error["loc"][0]), _comment_message(error)) for error in exc.errors()
        ]
        raise Invalid("; ".join(f"{e.field}: {e.message}" for e in errors), errors) from None
    comment = Comment(record_id=record.id, status=CommentStatus.PENDING, **values.model_dump())
    db.add(comment)
    await db.flush()
    return comment


def _comment_message(error: Any) -> str:
    limit = (error.get("ctx") or {}).get("max_length")
    if limit:
        return f"at most {limit} characters"
    return N_("Please fill this in.")


async def venues_of(db: AsyncSession, events: list[Event]) -> dict[int, Venue]:

    ids = {event.venue_id for event in events if event.venue_id is not None}
    if not ids:
        return {}
    return {venue.id: venue for venue in (await db.scalars(select(Venue).where(Venue.id.in_(ids))))}


# ---- the editors' desk -----------------------------------------------------------------------


async def editor_records(db: AsyncSession, event: Event) -> list[Record]:
    statement = (
        select(Record)
        .where(Record.event_id == event.id)
        .options(selectinload(Record.category), selectinload(Record.tags))
        .order_by(Record.status, Record.updated_at.desc())
    )
    return list((await db.scalars(statement)).all())


async def pending_comments(db: AsyncSession, event: Event) -> list[Comment]:
    statement = (
        select(Comment)
        .join(Record, Record.id == Comment.record_id)
        .where(Record.event_id == event.id, Comment.status == CommentStatus.PENDING)
        .options(selectinload(Comment.record))
        .order_by(Comment.created_at)
    )
    return list((await db.scalars(statement)).all())


async def session_choices(db: AsyncSession, event: Event) -> list[tuple[int, dict[str, str]]]:
    """(id, title) of the event's sessions in time order, for the desk's choosers."""
    rows = await db.execute(
        select(Session.id, Session.title)
        .where(Session.event_id == event.id)
        .order_by(Session.planned_start, Session.id)
    )
    return [(session_id, title) for session_id, title in rows]


async def event_people(db: AsyncSession, event: Event, also: list[int]) -> list[Person]:
    """People who appear in the event's programme (speakers, presidium, awards, gifts), and
    the people with the ids in ``also``: whom a photo of the event may show."""
    in_event = Session.event_id == event.id
    on_agenda = [
        (AgendaItem, AgendaItem.id == Speech.agenda_item_id),
        (Session, Session.id == AgendaItem.session_id),
    ]
    speakers = select(SpeechSpeaker.person_id).join(Speech, Speech.id == SpeechSpeaker.speech_id)
    for target, on in on_agenda:
        speakers = speakers.join(target, on)
    ids = union(
        speakers.where(in_event),
        select(PresidiumSeat.person_id)
        .join(Session, Session.id == PresidiumSeat.session_id)
        .where(in_event),
        *(
            select(column)
            .join(AgendaItem, AgendaItem.id == table.agenda_item_id)
            .join(Session, Session.id == AgendaItem.session_id)
            .where(in_event, column.is_not(None))
            for table, column in (
                (Award, Award.recipient_id),
                (Award, Award.presenter_id),
                (Gift, Gift.giver_id),
                (Gift, Gift.recipient_id),
                (Gift, Gift.received_by_id),
            )
        ),
    ).subquery()
    statement = select(Person).where(
        or_(Person.id.in_(select(ids.c[0])), Person.id.in_(also or [-1]))
    )
    return list((await db.scalars(statement)).all())


async def possible_authors(db: AsyncSession) -> list[User]:
    """Staff who may sign a report: active editors, organizers and administrators."""
    statement = (
        select(User)
        .where(User.is_active, User.role.in_((Role.EDITOR, Role.ORGANIZER, Role.ADMIN)))
        .order_by(User.name, User.email)
    )
    return list((await db.scalars(statement)).all())


def ascii_slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens (letters outside ASCII are dropped)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = decomposed.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def _slug_for(name: str, prefix: str) -> str:
    words = ascii_slug(name)[:90].strip("-")
    # Names without Latin letters (Chinese, Russian) get a stable slug of their own.
    return words or f"{prefix}-{hashlib.sha1(name.encode()).hexdigest()[:10]}"


async def tags_named(service: TagService, text: str, language: str) -> list[Tag]:
    """The tags named in ``text`` (separated by commas), created when they are new."""
    tags: list[Tag] = []
    for name in dict.fromkeys(part.strip() for part in text.split(",")):
        if not name:
            continue
        slug = _slug_for(name, "tag")
        found = (await service.db.scalars(select(Tag).where(Tag.slug == slug))).first()
        tags.append(found or await service.create({"slug": slug, "name": {language: name}}))
    return tags


async def category_named(service: CategoryService, name: str, language: str) -> Category:
    """The category called ``name``, created when it is new."""
    slug = _slug_for(name.strip(), "category")
    found = (await service.db.scalars(select(Category).where(Category.slug == slug))).first()
    return found or await service.create({"slug": slug, "name": {language: name.strip()}})


# What each button on the editors' desk asks for; RecordService checks the step.
RECORD_ACTIONS: dict[str, RecordStatus] = {
    "review": RecordStatus.REVIEW,
    "publish": RecordStatus.PUBLISHED,
    "schedule": RecordStatus.PUBLISHED,
    "draft": RecordStatus.DRAFT,
}


async def move_record(
    service: RecordService, record: Record, action: str, publish_at: dt.datetime | None = None
) -> Record:
    """One step of the editorial workflow, as the desk's buttons offer it."""
    if action not in RECORD_ACTIONS:
        raise Invalid.field("action", f"unknown action {action!r}")
    values: dict[str, Any] = {"status": RECORD_ACTIONS[action]}
    if action == "schedule":
        if publish_at is None:
            raise Invalid.field("publish_at", "give the date and time of publication")
        if publish_at <= utc_now():
            raise Invalid.field("publish_at", "must be in the future (or use Publish now)")
        values["publish_at"] = publish_at
    elif action == "publish":
        values["publish_at"] = None
    return await service.update(record.id, values)


async def next_publication(db: AsyncSession, event: Event) -> dt.datetime | None:
    """When the event's next scheduled record comes due (its pages change then)."""
    return await db.scalar(
        select(func.min(Record.publish_at)).where(
            Record.event_id == event.id,
            Record.status == RecordStatus.PUBLISHED,
            Record.publish_at > utc_now(),
        )
    )


# How a programme table reaches its session (and so its event); every other table either has
# its own event_id or is shared between events.
_ITEM_IN_SESSION = (Session, Session.id == AgendaItem.session_id)
_SPEECH_IN_ITEM = (AgendaItem, AgendaItem.id == Speech.agenda_item_id)
_TO_SESSION: dict[type, tuple[tuple[Any, Any], ...]] = {
    AgendaItem: (_ITEM_IN_SESSION,),
    Speech: (_SPEECH_IN_ITEM, _ITEM_IN_SESSION),
    SpeechSpeaker: (
        (Speech, Speech.id == SpeechSpeaker.speech_id),
        _SPEECH_IN_ITEM,
        _ITEM_IN_SESSION,
    ),
    PresidiumSeat: ((Session, Session.id == PresidiumSeat.session_id),),
    Award: ((AgendaItem, AgendaItem.id == Award.agenda_item_id), _ITEM_IN_SESSION),
    Gift: ((AgendaItem, AgendaItem.id == Gift.agenda_item_id), _ITEM_IN_SESSION),
    RollCall: ((Session, Session.id == RollCall.session_id),),
    Headcount: ((Session, Session.id == Headcount.session_id),),
}

# What the public pages and exports show. Participants and delegations are left out on purpose:
# a check-in or a registration must not empty the public pages' cache.
PUBLIC_TABLES: tuple[type, ...] = (
    Session,
    AgendaItem,
    Speech,
    SpeechSpeaker,
    PresidiumSeat,
    Award,
    Gift,
    Record,
    MediaItem,
    Person,
    Position,
    Organization,
    Room,
    Venue,
    Category,
    Tag,
    Motion,
    Election,
    Vote,
    RollCall,
    Headcount,
)
# The printed documents also list the participants by delegation, so their changes count there.
PRINTED_TABLES: tuple[type, ...] = (*PUBLIC_TABLES, Participant, Delegation)


def _latest(model: Any, event_id: int) -> Any:
    """Latest change and number of the event's rows of ``model``, in one pass over the rows."""
    statement = select(func.max(model.updated_at), func.count(model.id)).select_from(model)
    if model in _TO_SESSION:
        for target, on in _TO_SESSION[model]:
            statement = statement.join(target, on)
        return statement.where(Session.event_id == event_id).subquery()
    if hasattr(model, "event_id"):
        statement = statement.where(model.event_id == event_id)
    return statement.subquery()


async def data_version(
    db: AsyncSession, event: Event, tables: tuple[type, ...] = PUBLIC_TABLES
) -> tuple[Any, ...]:
    """A fingerprint of the event's rows in ``tables``, in one query.

    It changes whenever such a row is added, changed or removed (latest change and count per
    table), when the event itself changes, and when a scheduled record comes due; pages, exports
    and printed documents are cached under it.
    """
    version, _ = await data_version_and_due(db, event, tables)
    return version


async def data_version_and_due(
    db: AsyncSession, event: Event, tables: tuple[type, ...] = PUBLIC_TABLES
) -> tuple[tuple[Any, ...], dt.datetime | None]:
    """:func:`data_version`, and when the event's next scheduled record comes due (the version
    changes then without any write), in the same query."""
    parts = [_latest(model, event.id) for model in tables]
    published = select(func.count(Record.id)).where(Record.event_id == event.id, published_now())
    coming = select(func.min(Record.publish_at)).where(
        Record.event_id == event.id,
        Record.status == RecordStatus.PUBLISHED,
        Record.publish_at > utc_now(),
    )
    # One row of one-row parts, side by side.
    frame = parts[0]
    for part in parts[1:]:
        frame = frame.join(part, true())
    columns = [column for part in parts for column in part.c]
    statement = select(*columns, published.scalar_subquery(), coming.scalar_subquery())
    *row, due = (await db.execute(statement.select_from(frame))).one()
    if due is not None and due.tzinfo is None:  # SQLite keeps no zone: the times are UTC
        due = due.replace(tzinfo=dt.UTC)
    return (event.id, event.updated_at, *row), due


def changed_events(row: Any) -> set[int] | bool:
    """Which events a written row of PUBLIC_TABLES (or an event) belongs to, for the change
    notifications (db/changes.py): its event when the row names it, else every event (a row
    shared between events, or one that reaches its event through its session)."""
    if isinstance(row, Event):
        return {row.id} if row.id is not None else True
    event_id = row.__dict__.get("event_id")
    return {event_id} if isinstance(event_id, int) else True


# Whatever changes what the public pages show is announced to every process; participants and
# delegations are not (a check-in must not make every process look the event up again).
watch_changes((Event, *PUBLIC_TABLES), changed_events)
