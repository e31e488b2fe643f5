"""Delegations and participants: people accredited to one event."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from congress.db.base import Base, DateTimeUTC, Translatable, TranslatableMap, fk, uid_column
from congress.db.enum import enum_column
from congress.domain.events.models import Event
from congress.domain.people.models import Organization, Person, Position
from congress.domain.registration.enums import ParticipantCategory, ParticipantStatus


def new_qr_token() -> str:
    return secrets.token_urlsafe(18)


class Delegation(Base):
    uid: Mapped[str] = uid_column()
    event_id: Mapped[int] = fk("event.id")
    name: Mapped[TranslatableMap] = mapped_column(Translatable)
    organization_id: Mapped[int | None] = fk("organization.id", ondelete="SET NULL", nullable=True)
    country: Mapped[str | None] = mapped_column(String(2))
    head_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL", nullable=True)
    # Maximum number of active participants; None means no limit.
    quota: Mapped[int | None]

    event: Mapped[Event] = relationship(lazy="raise")
    organization: Mapped[Organization | None] = relationship(lazy="raise")
    head: Mapped[Person | None] = relationship(lazy="raise")
    members: Mapped[list[Participant]] = relationship(lazy="raise", back_populates="delegation")

    __table_args__ = (CheckConstraint("quota IS NULL OR quota >= 0", name="quota_positive"),)


class Participant(Base):
    event_id: Mapped[int] = fk("event.id")
    person_id: Mapped[int] = fk("person.id", ondelete="RESTRICT")
    category: Mapped[ParticipantCategory] = enum_column(
        ParticipantCategory, default=ParticipantCategory.GUEST
    )
    status: Mapped[ParticipantStatus] = enum_column(
        ParticipantStatus, default=ParticipantStatus.REGISTERED, index=True
    )
    delegation_id: Mapped[int | None] = fk("delegation.id", ondelete="SET NULL", nullable=True)
    organization_id: Mapped[int | None] = fk("organization.id", ondelete="SET NULL", nullable=True)
    position_id: Mapped[int | None] = fk("position.id", ondelete="SET NULL", nullable=True)
    badge_number: Mapped[str | None] = mapped_column(String(32))
    qr_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_qr_token)
    consent_publication: Mapped[bool] = mapped_column(default=False)
    registered_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    notes: Mapped[str | None] = mapped_column(String(4000))

    event: Mapped[Event] = relationship(lazy="raise")
    person: Mapped[Person] = relationship(lazy="raise")
    delegation: Mapped[Delegation | None] = relationship(lazy="raise", back_populates="members")
    organization: Mapped[Organization | None] = relationship(lazy="raise")
    position: Mapped[Position | None] = relationship(lazy="raise")

    __table_args__ = (
        UniqueConstraint("event_id", "person_id", name="uq_participant_person"),
        UniqueConstraint("event_id", "badge_number", name="uq_participant_badge_number"),
    )
