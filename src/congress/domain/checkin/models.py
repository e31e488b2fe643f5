"""Presence of participants at sessions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from congress.db.base import Base, DateTimeUTC, fk, utc_now
from congress.db.enum import enum_column
from congress.domain.accounts.models import User
from congress.domain.checkin.enums import AttendanceState
from congress.domain.programme.models import Session
from congress.domain.registration.models import Participant


class Attendance(Base):
    participant_id: Mapped[int] = fk("participant.id")
    session_id: Mapped[int] = fk("session.id")
    state: Mapped[AttendanceState] = enum_column(AttendanceState, default=AttendanceState.PRESENT)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utc_now)
    recorded_by_id: Mapped[int | None] = fk("user_account.id", ondelete="SET NULL", nullable=True)

    participant: Mapped[Participant] = relationship(lazy="raise")
    session: Mapped[Session] = relationship(lazy="raise")
    recorded_by: Mapped[User | None] = relationship(lazy="raise")

    __table_args__ = (
        UniqueConstraint("session_id", "participant_id", name="uq_attendance_participant_session"),
    )
