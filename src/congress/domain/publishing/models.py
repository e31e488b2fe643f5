"""Media, the published record of events and sessions, and its taxonomy and comments."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from congress.db.base import (
    Base,
    DateTimeUTC,
    Translatable,
    TranslatableMap,
    fk,
    metadata,
    uid_column,
)
from congress.db.enum import enum_column
from congress.domain.accounts.models import User
from congress.domain.events.models import Event
from congress.domain.people.models import Person
from congress.domain.programme.models import Session
from congress.domain.publishing.enums import CommentStatus, MediaKind, RecordStatus

media_person = Table(
    "media_person",
    metadata,
    Column("media_item_id", ForeignKey("media_item.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
)

record_tag = Table(
    "record_tag",
    metadata,
    Column("record_id", ForeignKey("record.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
)


class MediaItem(Base):
    event_id: Mapped[int] = fk("event.id")
    session_id: Mapped[int | None] = fk("session.id", ondelete="SET NULL", nullable=True)
    kind: Mapped[MediaKind] = enum_column(MediaKind, default=MediaKind.PHOTO)
    # Key in the media storage (local folder by default).
    storage_key: Mapped[str] = mapped_column(String(300), unique=True)
    filename: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(default=0)
    width: Mapped[int | None]
    height: Mapped[int | None]
    caption: Mapped[TranslatableMap | None] = mapped_column(Translatable)
    credit: Mapped[str | None] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(lazy="raise")
    session: Mapped[Session | None] = relationship(lazy="raise")
    people: Mapped[list[Person]] = relationship(secondary=media_person, lazy="raise")

    @property
    def person_ids(self) -> list[int]:
        return [person.id for person in self.people]


class Category(Base):
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[TranslatableMap] = mapped_column(Translatable)


class Tag(Base):
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[TranslatableMap] = mapped_column(Translatable)


class Record(Base):
    uid: Mapped[str] = uid_column()
    event_id: Mapped[int] = fk("event.id")
    session_id: Mapped[int | None] = fk("session.id", ondelete="SET NULL", nullable=True)
    slug: Mapped[str] = mapped_column(String(150))
    headline: Mapped[TranslatableMap] = mapped_column(Translatable)
    lead: Mapped[TranslatableMap | None] = mapped_column(Translatable)
    # Sanitised HTML per language.
    body: Mapped[TranslatableMap] = mapped_column(Translatable, default=dict)
    category_id: Mapped[int | None] = fk("category.id", ondelete="SET NULL", nullable=True)
    author_id: Mapped[int | None] = fk("user_account.id", ondelete="SET NULL", nullable=True)
    status: Mapped[RecordStatus] = enum_column(RecordStatus, default=RecordStatus.DRAFT, index=True)
    # When set in the future, a published record appears only from then on.
    publish_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    view_count: Mapped[int] = mapped_column(default=0)
    # A record imported from an earlier site: where it came from, and the views it had there
    # (the public page counts new views on top).
    source_name: Mapped[str | None] = mapped_column(String(200))
    source_url: Mapped[str | None] = mapped_column(String(500))
    source_published_on: Mapped[dt.date | None]
    source_view_count: Mapped[int | None]

    event: Mapped[Event] = relationship(lazy="raise")
    session: Mapped[Session | None] = relationship(lazy="raise")
    category: Mapped[Category | None] = relationship(lazy="raise")
    author: Mapped[User | None] = relationship(lazy="raise")
    tags: Mapped[list[Tag]] = relationship(secondary=record_tag, lazy="raise", order_by=Tag.slug)
    comments: Mapped[list[Comment]] = relationship(lazy="raise", back_populates="record")

    __table_args__ = (
        UniqueConstraint("event_id", "slug", name="uq_record_slug"),
        CheckConstraint(
            "source_view_count IS NULL OR source_view_count >= 0", name="source_views_positive"
        ),
    )

    @property
    def views(self) -> int:
        """Views here and, for an imported record, those it had on its earlier site."""
        return self.view_count + (self.source_view_count or 0)


class Comment(Base):
    record_id: Mapped[int] = fk("record.id")
    author_name: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[CommentStatus] = enum_column(
        CommentStatus, default=CommentStatus.PENDING, index=True
    )
    moderated_by_id: Mapped[int | None] = fk("user_account.id", ondelete="SET NULL", nullable=True)
    moderated_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    record: Mapped[Record] = relationship(lazy="raise", back_populates="comments")


class RecordView(Base):
    """One reader of a record on one day, known only by a salted hash.

    The salt is random, one per day, and deleted with the day's rows when the next day starts:
    afterwards nobody (not even the operator) can tell which address read what. Only the
    count in ``Record.view_count`` remains.
    """

    record_id: Mapped[int] = fk("record.id")
    day: Mapped[dt.date]
    visitor: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("record_id", "day", "visitor", name="uq_record_view"),)


class ViewSalt(Base):
    day: Mapped[dt.date] = mapped_column(unique=True)
    salt: Mapped[str] = mapped_column(String(64))
