"""Sessions and what happens in them: presidium, agenda, speeches, awards, gifts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from congress.db.base import Base, DateTimeUTC, JsonB, Translatable, TranslatableMap, fk, uid_column
from congress.db.enum import enum_column
from congress.domain.events.models import Event, Room
from congress.domain.people.models import Organization, Person, Position
from congress.domain.programme.enums import (
    AgendaItemKind,
    AwardKind,
    SeatRole,
    SessionKind,
    SpeechKind,
)


def _times_ordered(prefix: str) -> CheckConstraint:
    return CheckConstraint(
        f"{prefix}_start IS NULL OR {prefix}_end IS NULL OR {prefix}_end >= {prefix}_start",
        name=f"{prefix}_times_ordered",
    )


class Session(Base):
    uid: Mapped[str] = uid_column()
    event_id: Mapped[int] = fk("event.id")
    title: Mapped[TranslatableMap] = mapped_column(Translatable)
    description: Mapped[TranslatableMap | None] = mapped_column(Translatable)
    kind: Mapped[SessionKind] = enum_column(SessionKind, default=SessionKind.PLENARY)
    room_id: Mapped[int | None] = fk("room.id", ondelete="SET NULL", nullable=True)
    planned_start: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    planned_end: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    actual_start: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    actual_end: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    event: Mapped[Event] = relationship(lazy="raise")
    room: Mapped[Room | None] = relationship(lazy="raise")
    presidium: Mapped[list[PresidiumSeat]] = relationship(
        lazy="raise", back_populates="session", order_by="PresidiumSeat.seat_number"
    )
    agenda: Mapped[list[AgendaItem]] = relationship(
        lazy="raise", back_populates="session", order_by="AgendaItem.position"
    )

    __table_args__ = (_times_ordered("planned"), _times_ordered("actual"))


class PresidiumSeat(Base):
    session_id: Mapped[int] = fk("session.id")
    # Seats are numbered from the audience's left to right, starting at 1.
    seat_number: Mapped[int]
    person_id: Mapped[int] = fk("person.id", ondelete="RESTRICT")
    position_id: Mapped[int | None] = fk("position.id", ondelete="SET NULL", nullable=True)
    role: Mapped[SeatRole] = enum_column(SeatRole, default=SeatRole.MEMBER)

    session: Mapped[Session] = relationship(lazy="raise", back_populates="presidium")
    person: Mapped[Person] = relationship(lazy="raise")
    position: Mapped[Position | None] = relationship(lazy="raise")

    __table_args__ = (
        UniqueConstraint("session_id", "seat_number", name="uq_presidium_seat_number"),
        UniqueConstraint("session_id", "person_id", name="uq_presidium_seat_person"),
        CheckConstraint("seat_number >= 1", name="seat_number_positive"),
    )


class AgendaItem(Base):
    session_id: Mapped[int] = fk("session.id")
    # 1, 2, 3 … within the session; unique so that the order is never ambiguous.
    position: Mapped[int]
    kind: Mapped[AgendaItemKind] = enum_column(AgendaItemKind)
    title: Mapped[TranslatableMap | None] = mapped_column(Translatable)
    notes: Mapped[str | None] = mapped_column(String(4000))
    planned_start: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    planned_end: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    actual_start: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    actual_end: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    session: Mapped[Session] = relationship(lazy="raise", back_populates="agenda")
    speech: Mapped[Speech | None] = relationship(lazy="raise", back_populates="agenda_item")
    award: Mapped[Award | None] = relationship(lazy="raise", back_populates="agenda_item")
    gift: Mapped[Gift | None] = relationship(lazy="raise", back_populates="agenda_item")

    __table_args__ = (
        UniqueConstraint("session_id", "position", name="uq_agenda_item_position"),
        CheckConstraint("position >= 1", name="position_positive"),
        _times_ordered("planned"),
        _times_ordered("actual"),
    )


class Speech(Base):
    uid: Mapped[str] = uid_column()
    agenda_item_id: Mapped[int] = fk("agenda_item.id")
    kind: Mapped[SpeechKind] = enum_column(SpeechKind, default=SpeechKind.ADDRESS)
    title: Mapped[TranslatableMap | None] = mapped_column(Translatable)
    # The language the speech was delivered in (its original transcript language).
    language: Mapped[str] = mapped_column(String(16))
    transcript: Mapped[TranslatableMap] = mapped_column(Translatable, default=dict)
    # language -> TranscriptStatus value
    transcript_status: Mapped[dict[str, str]] = mapped_column(JsonB, default=dict)
    approved: Mapped[bool] = mapped_column(default=False)
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    agenda_item: Mapped[AgendaItem] = relationship(lazy="raise", back_populates="speech")
    speakers: Mapped[list[SpeechSpeaker]] = relationship(
        lazy="raise",
        back_populates="speech",
        order_by="SpeechSpeaker.order",
        cascade="all, delete-orphan",
    )

    __table_args__ = (UniqueConstraint("agenda_item_id", name="uq_speech_agenda_item"),)


class SpeechSpeaker(Base):
    """One of the (one or more) people who delivered a speech, in the capacity they spoke in."""

    speech_id: Mapped[int] = fk("speech.id")
    person_id: Mapped[int] = fk("person.id", ondelete="RESTRICT")
    order: Mapped[int] = mapped_column(default=1)
    position_id: Mapped[int | None] = fk("position.id", ondelete="SET NULL", nullable=True)
    on_behalf_of_id: Mapped[int | None] = fk("organization.id", ondelete="SET NULL", nullable=True)
    # Free wording of the capacity, e.g. "also conveying greetings from the President of …".
    capacity: Mapped[TranslatableMap | None] = mapped_column(Translatable)

    speech: Mapped[Speech] = relationship(lazy="raise", back_populates="speakers")
    person: Mapped[Person] = relationship(lazy="raise")
    position: Mapped[Position | None] = relationship(lazy="raise")
    on_behalf_of: Mapped[Organization | None] = relationship(lazy="raise")

    __table_args__ = (UniqueConstraint("speech_id", "person_id", name="uq_speech_speaker_person"),)


class Award(Base):
    uid: Mapped[str] = uid_column()
    agenda_item_id: Mapped[int] = fk("agenda_item.id")
    kind: Mapped[AwardKind] = enum_column(AwardKind, default=AwardKind.BADGE)
    name: Mapped[TranslatableMap] = mapped_column(Translatable)
    recipient_id: Mapped[int] = fk("person.id", ondelete="RESTRICT")
    presenter_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL", nullable=True)
    citation: Mapped[TranslatableMap | None] = mapped_column(Translatable)

    agenda_item: Mapped[AgendaItem] = relationship(lazy="raise", back_populates="award")
    recipient: Mapped[Person] = relationship(lazy="raise", foreign_keys=[recipient_id])
    presenter: Mapped[Person | None] = relationship(lazy="raise", foreign_keys=[presenter_id])

    __table_args__ = (UniqueConstraint("agenda_item_id", name="uq_award_agenda_item"),)


class Gift(Base):
    uid: Mapped[str] = uid_column()
    agenda_item_id: Mapped[int] = fk("agenda_item.id")
    giver_id: Mapped[int] = fk("person.id", ondelete="RESTRICT")
    recipient_id: Mapped[int] = fk("person.id", ondelete="RESTRICT")
    # Set when somebody accepted the gift on the recipient's behalf.
    received_by_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL", nullable=True)
    description: Mapped[TranslatableMap] = mapped_column(Translatable)

    agenda_item: Mapped[AgendaItem] = relationship(lazy="raise", back_populates="gift")
    giver: Mapped[Person] = relationship(lazy="raise", foreign_keys=[giver_id])
    recipient: Mapped[Person] = relationship(lazy="raise", foreign_keys=[recipient_id])
    received_by: Mapped[Person | None] = relationship(lazy="raise", foreign_keys=[received_by_id])

    __table_args__ = (
        UniqueConstraint("agenda_item_id", name="uq_gift_agenda_item"),
        CheckConstraint(
            "received_by_id IS NULL OR received_by_id <> recipient_id", name="proxy_not_recipient"
        ),
    )

    @property
    def by_proxy(self) -> bool:
        return self.received_by_id is not None
