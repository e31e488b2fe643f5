from __future__ import annotations

from typing import Any

import nh3
from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from congress.db.base import utc_now
from congress.domain.accounts.enums import Role
from congress.domain.accounts.models import User
from congress.domain.crud import EntityService
from congress.domain.events.models import Event
from congress.domain.events.services import PUBLIC_EVENT, EventScoped, EventService
from congress.domain.people.models import Person, Position
from congress.domain.programme.models import (
    AgendaItem,
    Award,
    Gift,
    PresidiumSeat,
    Session,
    Speech,
    SpeechSpeaker,
)
from congress.domain.publishing.enums import CommentStatus, RecordStatus
from congress.domain.publishing.models import Category, Comment, MediaItem, Record, Tag
from congress.errors import FieldError, Invalid

EDITORS = frozenset({Role.EDITOR})


def sanitize_html(html: str) -> str:
    """Organizer- and editor-written HTML, reduced to safe tags and attributes."""
    return nh3.clean(html, link_rel="noopener noreferrer nofollow")


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
        if "person_ids" in values:
            values["_people"] = await _load_all(self, Person, values["person_ids"], "person_ids")

    def apply(self, instance: MediaItem, values: dict[str, Any]) -> None:
        super().apply(instance, values)
        if "_people" in values:
            instance.people = values["_people"]


class CategoryService(EntityService[Category]):
    model = Category
    write_roles = EDITORS


class TagService(EntityService[Tag]):
    model = Tag
    order_by = ("slug",)
    write_roles = EDITORS


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
        if current is None and self.user is not None:
            values["author_id"] = self.user.id
        if values.get("status") is RecordStatus.PUBLISHED and values.get("published_at") is None:
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


def _speaker_options() -> list[Any]:
    speakers = (
        selectinload(Session.agenda).selectinload(AgendaItem.speech).selectinload(Speech.speakers)
    )
    return [
        speakers.selectinload(SpeechSpeaker.person),
        speakers.selectinload(SpeechSpeaker.position).selectinload(Position.organization),
        speakers.selectinload(SpeechSpeaker.on_behalf_of),
    ]


def programme_options(*, full: bool) -> list[Any]:
    """Eager loads for a whole programme: one query per level, whatever the event's size.

    ``full`` adds what the record shows beyond the timetable: presidium, awards and gifts.
    """
    options: list[Any] = [selectinload(Session.room), *_speaker_options()]
    if full:
        agenda = selectinload(Session.agenda)
        seats = selectinload(Session.presidium)
        options += [
            agenda.selectinload(AgendaItem.award).selectinload(Award.recipient),
            agenda.selectinload(AgendaItem.award).selectinload(Award.presenter),
            agenda.selectinload(AgendaItem.gift).selectinload(Gift.giver),
            agenda.selectinload(AgendaItem.gift).selectinload(Gift.recipient),
            agenda.selectinload(AgendaItem.gift).selectinload(Gift.received_by),
            seats.selectinload(PresidiumSeat.person),
            seats.selectinload(PresidiumSeat.position).selectinload(Position.organization),
        ]
    return options


async def public_event(db: AsyncSession, user: User | None, slug: str) -> Event:
    """The event with its venue and organizers, as this user may see it (404 for drafts)."""
    event = await EventService(db, user).resolve(slug)
    statement = (
        select(Event)
        .where(Event.id == event.id)
        .options(selectinload(Event.venue), selectinload(Event.organizers))
        .execution_options(populate_existing=True)
    )
    return (await db.scalars(statement)).one()


async def load_programme(
    db: AsyncSession, event: Event, *, full: bool = False, session_id: int | None = None
) -> list[Session]:
    """The event's sessions in time order with their speeches and speakers (and more if full)."""
    statement = (
        select(Session)
        .where(Session.event_id == event.id)
        .options(*programme_options(full=full))
        .order_by(Session.planned_start, Session.id)
    )
    if session_id is not None:
        statement = statement.where(Session.id == session_id)
    return list((await db.scalars(statement)).all())


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
