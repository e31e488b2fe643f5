from __future__ import annotations

from typing import Any

from sqlalchemy import select

from congress.db.base import utc_now
from congress.domain.accounts.enums import Role
from congress.domain.checkin.models import Attendance
from congress.domain.crud import EntityService
from congress.domain.programme.models import Session
from congress.domain.programme.services import SessionScoped
from congress.domain.registration.models import Participant
from congress.errors import Invalid


class AttendanceService(SessionScoped, EntityService[Attendance]):
    model = Attendance
    staff_only_read = True
    write_roles = frozenset({Role.REGISTRAR})

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
