from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field, model_validator

from congress.domain.checkin.enums import AttendanceState
from congress.domain.common import (
    Id,
    ReadSchema,
    Schema,
    partial,
)
from congress.domain.registration.enums import ParticipantStatus


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


class CheckInRequest(Schema):
    """A ticket code (as scanned) or a participant id; with a session, presence there too."""

    token: str | None = Field(default=None, max_length=200)
    code: str | None = Field(
        default=None,
        max_length=40,
        description="the short code a person reads out (K7QX-M3PD; case and dash ignored)",
    )
    participant_id: Id | None = None
    session_id: Id | None = None

    @model_validator(mode="after")
    def _one_way(self) -> CheckInRequest:
        given = [
            value for value in (self.token, self.code, self.participant_id) if value is not None
        ]
        if len(given) != 1:
            raise ValueError("give one of token (the scanned code), code or participant_id")
        return self


class CheckInRead(BaseModel):
    participant_id: int
    name: str
    status: ParticipantStatus
    first_time: bool
    session_id: int | None
    at: dt.datetime
    message: str


class GroupCount(BaseModel):
    name: str
    expected: int
    present: int


class CountsRead(BaseModel):
    session_id: int | None
    expected: int
    present: int
    by_category: list[GroupCount]
    by_delegation: list[GroupCount]
