"""Events, where they happen, and who organizes them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from congress.db.base import (
    Base,
    DateTimeUTC,
    JsonB,
    Translatable,
    TranslatableMap,
    fk,
    metadata,
    uid_column,
)
from congress.db.enum import enum_column
from congress.domain.events.enums import EventStatus
from congress.domain.people.models import Organization

event_organizer = Table(
    "event_organizer",
    metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True),
)


class Venue(Base):
    uid: Mapped[str] = uid_column()
    name: Mapped[TranslatableMap] = mapped_column(Translatable)
    address: Mapped[TranslatableMap | None] = mapped_column(Translatable)
    city: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    capacity: Mapped[int | None]

    rooms: Mapped[list[Room]] = relationship(
        lazy="raise", back_populates="venue", order_by="Room.id"
    )

    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_positive"),
    )


class Room(Base):
    uid: Mapped[str] = uid_column()
    venue_id: Mapped[int] = fk("venue.id")
    name: Mapped[TranslatableMap] = mapped_column(Translatable)
    capacity: Mapped[int | None]

    venue: Mapped[Venue] = relationship(lazy="raise", back_populates="rooms")

    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_positive"),
    )


class Event(Base):
    uid: Mapped[str] = uid_column()
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    # Short conference code used by frab schedules (four characters or more).
    acronym: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[TranslatableMap] = mapped_column(Translatable)
    edition: Mapped[int | None]
    series: Mapped[str | None] = mapped_column(String(200))
    occasion: Mapped[TranslatableMap | None] = mapped_column(Translatable)
    description: Mapped[TranslatableMap | None] = mapped_column(Translatable)
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date]
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    venue_id: Mapped[int | None] = fk("venue.id", ondelete="SET NULL", nullable=True)
    # The languages of the event, the primary one first.
    languages: Mapped[list[str]] = mapped_column(JsonB, default=lambda: ["en"])
    status: Mapped[EventStatus] = enum_column(EventStatus, default=EventStatus.DRAFT, index=True)
    registration_opens_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    registration_closes_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    # Participant categories the public may choose when registering themselves.
    registration_categories: Mapped[list[str]] = mapped_column(JsonB, default=list)
    # The quorum its votes require: a number of delegates ("31") or a share of the accredited
    # delegates that must be exceeded ("1/2", "2/3"); none: more than half.
    quorum: Mapped[str | None] = mapped_column(String(40))

    venue: Mapped[Venue | None] = relationship(lazy="raise")
    organizers: Mapped[list[Organization]] = relationship(
        secondary=event_organizer, lazy="raise", order_by=Organization.id
    )

    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates_ordered"),
        CheckConstraint(
            "registration_opens_at IS NULL OR registration_closes_at IS NULL"
            " OR registration_closes_at >= registration_opens_at",
            name="registration_dates_ordered",
        ),
    )

    @property
    def primary_language(self) -> str:
        return self.languages[0] if self.languages else "en"
