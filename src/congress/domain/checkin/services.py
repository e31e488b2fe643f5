from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm.attributes import set_committed_value

from congress.db.base import utc_now
from congress.domain.accounts.access import DESK, REGISTRARS
from congress.domain.checkin.batch import (
    Outcome,
    Scan,
    check_in_many,
    check_token,
    record_presence,
)
from congress.domain.checkin.enums import AttendanceState
from congress.domain.checkin.models import Attendance
from congress.domain.crud import EntityService
from congress.domain.events.models import Event
from congress.domain.people.models import Person
from congress.domain.programme.models import Session
from congress.domain.programme.services import SessionScoped
from congress.domain.registration.enums import (
    ACTIVE_STATUSES,
    ParticipantCategory,
    ParticipantStatus,
)
from congress.domain.registration.models import Delegation, Participant
from congress.domain.registration.queries import matching, name_order, participant_query
from congress.errors import Conflict, Invalid, NotFound, ProblemError
from congress.translation import text


class AttendanceService(SessionScoped, EntityService[Attendance]):
    model = Attendance
    read_roles = REGISTRARS
    write_roles = DESK

    async def validate(self, values: dict[str, Any], current: Attendance | None) -> None:
        participant_event = await self.db.scalar(
            select(Participant.event_id).where(Participant.id == values["participant_id"])
        )
        session_event = await self.db.scalar(
            select(Session.event_id).where(Session.id == values["session_id"])
        )
        if participant_event != session_event:
            raise Invalid.field("participant_id", "the participant is registered for another event")
        values["recorded_at"] = utc_now()
        values["recorded_by_id"] = self.user.id if self.user else None


# ---- the check-in desk -------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckIn:
    """The outcome of one check-in at a desk page, with the participant to show."""

    participant: Participant
    outcome: Outcome

    @property
    def first_time(self) -> bool:
        return self.outcome.first_time

    @property
    def at(self) -> dt.datetime:
        return self.outcome.at

    @property
    def message(self) -> str:
        return self.outcome.message


class CheckInService(AttendanceService):
    """Check-in at the door and presence at sessions, safe under concurrent desks.

    Each step is one conditional statement (UPDATE … WHERE status …, INSERT … ON CONFLICT), so
    that any number of desks scanning the same ticket at once change the data exactly once.
    """

    async def find_by_token(self, event: Event, token: str) -> Participant:
        token = check_token(token)
        participant = (
            (await self.db.execute(participant_query().where(Participant.qr_token == token)))
            .scalars()
            .first()
        )
        if participant is None:
            raise NotFound("unknown ticket: no participant has this code")
        if participant.event_id != event.id:
            raise Conflict("this ticket belongs to another event")
        return participant

    async def find_by_code(self, event: Event, code: str) -> Participant | None:
        """The participant of ``event`` with this short code (as stored), if any."""
        self.require_write()
        statement = participant_query().where(
            Participant.event_id == event.id, Participant.short_code == code
        )
        return (await self.db.execute(statement)).scalars().first()

    async def present_at(self, session: Session, participant_ids: list[int]) -> set[int]:
        """Which of these participants are marked present at ``session``."""
        if not participant_ids:
            return set()
        return set(
            await self.db.scalars(
                select(Attendance.participant_id).where(
                    Attendance.session_id == session.id,
                    Attendance.participant_id.in_(participant_ids),
                    Attendance.state == AttendanceState.PRESENT,
                )
            )
        )

    async def find(self, event: Event, participant_id: int) -> Participant:
        statement = participant_query().where(
            Participant.id == participant_id, Participant.event_id == event.id
        )
        participant = (await self.db.execute(statement)).scalars().first()
        if participant is None:
            raise NotFound(f"no participant with id {participant_id} at this event")
        return participant

    async def session_of(self, event: Event, session_id: int) -> Session:
        session = await self.db.get(Session, session_id)
        if session is None or session.event_id != event.id:
            raise NotFound(f"no session with id {session_id} at this event")
        return session

    async def search(self, event: Event, query: str, limit: int = 20) -> list[Participant]:
        """Participants whose name, e-mail or badge number contains ``query`` (case ignored)."""
        self.require_write()
        if not query.split():
            return []
        statement = (
            participant_query()
            .join(Person, Person.id == Participant.person_id)
            .where(Participant.event_id == event.id)
            .where(matching(event, query))
            .order_by(*name_order(event), Participant.id)
            .limit(limit)
        )
        return list((await self.db.execute(statement)).scalars())

    async def check_in(
        self, event: Event, participant: Participant, session: Session | None = None
    ) -> CheckIn:
        """Mark the participant as arrived (and present at ``session``); twice is harmless."""
        self.require_write()
        if participant.event_id != event.id:
            raise Conflict("this participant belongs to another event")
        if session is not None and session.event_id != event.id:
            raise Conflict("this session belongs to another event")
        [outcome] = await check_in_many(
            await self.db.connection(),
            self.user.id if self.user else None,
            [
                Scan(
                    str(event.id),
                    participant_id=participant.id,
                    session_id=session.id if session is not None else None,
                )
            ],
        )
        if isinstance(outcome, ProblemError):
            raise outcome
        # The statement wrote past the ORM: show the new status without another query.
        set_committed_value(participant, "status", outcome.status)
        return CheckIn(participant, outcome)

    async def record(
        self, session: Session, participant: Participant, state: AttendanceState
    ) -> Recorded:
        """Set the participant's state at one session (one row per person and session)."""
        self.require_write()
        if participant.event_id != session.event_id:
            raise Invalid.field("participant_id", "the participant is registered for another event")
        key = (participant.id, session.id)
        written = await record_presence(
            await self.db.connection(),
            self.user.id if self.user else None,
            [key],
            {session.id: session.event_id},
            utc_now(),
            state,
        )
        return Recorded(key in written.changed, written.at[key])

    async def counts(self, event: Event, session: Session | None = None) -> Counts:
        """Expected and arrived people by category and by delegation (two grouped queries)."""
        self.require_read()
        if session is None:
            arrived = case((Participant.status == ParticipantStatus.CHECKED_IN, 1), else_=0)
            base = select(Participant).where(Participant.event_id == event.id)
        else:
            arrived = case((Attendance.state == AttendanceState.PRESENT, 1), else_=0)
            base = (
                select(Participant)
                .outerjoin(
                    Attendance,
                    (Attendance.participant_id == Participant.id)
                    & (Attendance.session_id == session.id),
                )
                .where(Participant.event_id == event.id)
            )
        base = base.where(Participant.status.in_(ACTIVE_STATUSES | {ParticipantStatus.NO_SHOW}))
        inner = base.with_only_columns(
            Participant.category, Participant.delegation_id, arrived.label("arrived")
        ).subquery()
        by_category = {
            ParticipantCategory(category): (int(expected), int(present or 0))
            for category, expected, present in (
                await self.db.execute(
                    select(inner.c.category, func.count(), func.sum(inner.c.arrived)).group_by(
                        inner.c.category
                    )
                )
            ).tuples()
        }
        delegation_rows = (
            await self.db.execute(
                select(
                    inner.c.delegation_id, Delegation.name, func.count(), func.sum(inner.c.arrived)
                )
                .outerjoin(Delegation, Delegation.id == inner.c.delegation_id)
                .group_by(inner.c.delegation_id, Delegation.name)
            )
        ).tuples()
        by_delegation = sorted(
            (
                (
                    text(name, event.primary_language, event.languages) if name else "",
                    int(expected),
                    int(present or 0),
                )
                for _, name, expected, present in delegation_rows
            ),
            key=lambda item: (item[0] == "", item[0].casefold()),
        )
        return Counts(
            expected=sum(expected for expected, _ in by_category.values()),
            present=sum(present for _, present in by_category.values()),
            by_category=[
                (category, *by_category[category])
                for category in ParticipantCategory
                if category in by_category
            ],
            by_delegation=by_delegation,
        )


@dataclass(frozen=True)
class Recorded:
    changed: bool
    at: dt.datetime


@dataclass(frozen=True)
class Counts:
    expected: int
    present: int
    by_category: list[tuple[ParticipantCategory, int, int]]
    # (delegation name, "" for people outside any delegation; expected; present)
    by_delegation: list[tuple[str, int, int]]
