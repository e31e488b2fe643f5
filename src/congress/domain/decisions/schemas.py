from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, field_validator, model_validator

from congress.domain.common import (
    MAX_INT,
    AwareDatetime,
    CountryCode,
    Id,
    ReadSchema,
    Schema,
    TranslatableDocument,
    TranslatableOptional,
    TranslatableText,
    partial,
)
from congress.domain.decisions.enums import (
    ElectionStatus,
    HeadcountCategory,
    MajorityRule,
    MotionKind,
    MotionStatus,
    VoteMethod,
    VoteResult,
)
from congress.domain.decisions.rules import parse_fraction

Count = Annotated[int, Field(ge=0, le=1_000_000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
MAX_DELEGATIONS = 2000


class MotionCreate(Schema):
    title: TranslatableText
    text: TranslatableDocument = Field(default_factory=dict)
    adopted_text: TranslatableDocument | None = None
    kind: MotionKind = MotionKind.RESOLUTION
    session_id: Id | None = None
    agenda_item_id: Id | None = None
    submitted_by_person_id: Id | None = None
    submitted_by_delegation_id: Id | None = None
    submitted_by_organization_id: Id | None = None
    amends_id: Id | None = None
    status: MotionStatus = MotionStatus.SUBMITTED
    decided_at: AwareDatetime | None = None


MotionUpdate = partial(MotionCreate)


class MotionRead(ReadSchema):
    event_id: int
    session_id: int | None
    agenda_item_id: int | None
    kind: MotionKind
    title: dict[str, str]
    text: dict[str, str] | None
    adopted_text: dict[str, str] | None
    submitted_by_person_id: int | None
    submitted_by_delegation_id: int | None
    submitted_by_organization_id: int | None
    amends_id: int | None
    status: MotionStatus
    decided_at: dt.datetime | None


class ElectionCreate(Schema):
    title: TranslatableText
    body_id: Id | None = None
    position_title: TranslatableOptional | None = None
    seats: int = Field(ge=1, le=10_000)
    threshold_percent: int = Field(default=50, ge=0, le=99)
    session_id: Id | None = None
    agenda_item_id: Id | None = None
    candidates: list[Id] = Field(default_factory=list, max_length=1000)


ElectionUpdate = partial(ElectionCreate)


class CandidateRead(BaseModel):
    model_config = {"from_attributes": True}

    id: int
    person_id: int
    elected: bool
    position_id: int | None


class ElectionRead(ReadSchema):
    event_id: int
    session_id: int | None
    agenda_item_id: int | None
    title: dict[str, str]
    body_id: int | None
    position_title: dict[str, str] | None
    seats: int
    threshold_percent: int
    status: ElectionStatus
    decided_at: dt.datetime | None
    candidates: list[CandidateRead]


class DelegationPresence(Schema):
    delegation_id: Id
    present: Count


class RollCallCreate(Schema):
    """A roll call of the session: present delegates counted from the check-ins, or given."""

    taken_at: AwareDatetime | None = None
    quorum_count: int | None = Field(default=None, ge=0, le=MAX_INT)
    quorum_fraction: str | None = Field(
        default=None, max_length=20, description='More than this share: "1/2", "2/3"'
    )
    present: list[DelegationPresence] | None = Field(default=None, max_length=MAX_DELEGATIONS)

    @field_validator("quorum_fraction")
    @classmethod
    def _fraction(cls, value: str | None) -> str | None:
        if value is not None:
            parse_fraction(value)
        return value

    @model_validator(mode="after")
    def _one_rule(self) -> RollCallCreate:
        if self.quorum_count is not None and self.quorum_fraction is not None:
            raise ValueError("give quorum_count or quorum_fraction, not both")
        return self


class DelegationPresenceRead(BaseModel):
    delegation_id: int
    accredited: int
    present: int


class RollCallRead(ReadSchema):
    session_id: int
    taken_at: dt.datetime
    accredited: int
    present: int
    quorum: int
    quorum_rule: str
    quorum_met: bool
    by_delegation: list[DelegationPresenceRead]
    recorded_by_id: int | None


class DelegationVote(Schema):
    delegation_id: Id
    votes_for: Count = 0
    votes_against: Count = 0
    abstaining: Count = 0
    held: Count | None = Field(
        default=None, description="Votes the delegation holds (default: its present delegates)"
    )


class VoteFigures(Schema):
    votes_for: Count = 0
    votes_against: Count = 0
    abstentions: Count = 0
    spoilt: Count = 0
    ballots: Count = 0
    breakdown: list[DelegationVote] | None = Field(default=None, max_length=MAX_DELEGATIONS)
    tally: dict[Id, Count] | None = Field(
        default=None, max_length=1000, description="Votes per candidate id (elections)"
    )


class VoteCreate(VoteFigures):
    round: int = Field(default=1, ge=1, le=100)
    method: VoteMethod
    majority: MajorityRule = MajorityRule.SIMPLE
    roll_call_id: Id | None = None
    quorum_override_reason: Reason | None = None
    presiding_chair_id: Id | None = None
    taken_at: AwareDatetime | None = None


class VoteCorrection(VoteFigures):
    """New figures for a recorded vote; the earlier ones stay in the history."""

    correction_reason: Reason


class DelegationVoteRead(BaseModel):
    delegation_id: int
    held: int
    votes_for: int
    votes_against: int
    abstaining: int


class VoteRead(ReadSchema):
    event_id: int
    motion_id: int | None
    election_id: int | None
    round: int
    method: VoteMethod
    majority: MajorityRule
    roll_call_id: int | None
    quorum_override_reason: str | None
    presiding_chair_id: int | None
    taken_at: dt.datetime
    votes_for: int
    votes_against: int
    abstentions: int
    spoilt: int
    ballots: int
    votes_held: int
    result: VoteResult
    breakdown: list[DelegationVoteRead] | None
    tally: dict[str, int] | None
    elected: list[int] | None
    correction_reason: str | None
    recorded_by_id: int | None


class HeadcountCreate(Schema):
    category: HeadcountCategory
    count: int = Field(ge=1, le=1_000_000)
    country: CountryCode | None = None
    organization_id: Id | None = None
    note: TranslatableOptional | None = None


HeadcountUpdate = partial(HeadcountCreate)


class HeadcountRead(ReadSchema):
    session_id: int
    category: HeadcountCategory
    count: int
    country: str | None
    organization_id: int | None
    note: dict[str, str] | None


# ---- rows of an event archive (publishing/archive.py): the JSON columns' shapes -------------


class RollCallRow(Schema):
    by_delegation: list[DelegationPresenceRead] = Field(max_length=MAX_DELEGATIONS)


class VoteRow(Schema):
    breakdown: list[DelegationVoteRead] | None = Field(default=None, max_length=MAX_DELEGATIONS)
    tally: dict[str, Count] | None = Field(default=None, max_length=1000)
    elected: list[Id] | None = Field(default=None, max_length=1000)
