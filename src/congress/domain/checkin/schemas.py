from __future__ import annotations

import datetime as dt

from congress.domain.checkin.enums import AttendanceState
from congress.domain.common import (
    Id,
    ReadSchema,
    Schema,
    partial,
)


class AttendanceCreate(Schema):
    participant_id: Id
    state: AttendanceState = AttendanceState.PRESENT


AttendanceUpdate = partial(AttendanceCreate)


class AttendanceRead(ReadSchema):
    participant_id: Id
    session_id: Id
    state: AttendanceState
    recorded_at: dt.datetime
    recorded_by_id: Id | None
