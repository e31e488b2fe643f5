from __future__ import annotations

import datetime as dt

from congress.domain.checkin.enums import AttendanceState
from congress.domain.common import ReadSchema, Schema, partial


class AttendanceCreate(Schema):
    participant_id: int
    state: AttendanceState = AttendanceState.PRESENT


AttendanceUpdate = partial(AttendanceCreate)


class AttendanceRead(ReadSchema):
    participant_id: int
    session_id: int
    state: AttendanceState
    recorded_at: dt.datetime
    recorded_by_id: int | None
