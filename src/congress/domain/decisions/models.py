"""Decisions of an event: motions and the votes on them, elections, roll calls, headcounts.

The figures a result was computed from are stored with it: a vote's totals, and for a roll
call by delegation each delegation's figures (``breakdown``), so that the record shows what
the chair announced and a correction keeps the earlier figures in the audit log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from congress.db.base import (
    Base,
    DateTimeUTC,
    JsonB,
    Translatable,
    TranslatableMap,
    fk,
    uid_column,
    utc_now,
)
from congress.db.enum import enum_column
from congress.domain.decisions.enums import (
    ElectionStatus,
    HeadcountCategory,
    MajorityRule,
    MotionKind,
    MotionStatus,
    VoteMethod,
    VoteResult,
)
from congress.domain.events.models import Event
from congress.domain.people.models import Organization, Person
from congress.domain.programme.models import AgendaItem, Session


class Motion(Base):
    uid: Mapped[str] = uid_column()
    event_id: Mapped[int] = fk("event.id")
    session_id: Mapped[int | None] = fk("session.id", ondelete="SET NULL", nullable=True)
    agenda_item_id: Mapped[int | None] = fk("agenda_item.id", ondelete="SET NULL", nullable=True)
    kind: Mapped[MotionKind] = enum_column(MotionKind, default=MotionKind.RESOLUTION)
    title: Mapped[TranslatableMap] = mapped_column(Translatable)
    text: Mapped[TranslatableMap | None] = mapped_column(Translatable)
    # The text as adopted (amended); the record shows it once the motion is adopted.
    adopted_text: Mapped[TranslatableMap | None] = mapped_column(Translatable)
    submitted_by_person_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL", nullable=True)
    submitted_by_delegation_id: Mapped[int | None] = fk(
        "delegation.id", ondelete="SET NULL", nullable=True
    )
    submitted_by_organization_id: Mapped[int | None] = fk(
        "organization.id", ondelete="SET NULL", nullable=True
    )
    amends_id: Mapped[int | None] = fk("motion.id", ondelete="SET NULL", nullable=True)
    status: Mapped[MotionStatus] = enum_column(MotionStatus, default=MotionStatus.SUBMITTED)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    event: Mapped[Event] = relationship(lazy="raise")
    session: Mapped[Session | None] = relationship(lazy="raise")
    agenda_item: Mapped[AgendaItem | None] = relationship(lazy="raise")


class Election(Base):
    uid: Mapped[str] = uid_column()
    event_id: Mapped[int] = fk("event.id")
    session_id: Mapped[int | None] = fk("session.id", ondelete="SET NULL", nullable=True)
    agenda_item_id: Mapped[int | None] = fk("agenda_item.id", ondelete="SET NULL", nullable=True)
    title: Mapped[TranslatableMap] = mapped_column(Translatable)
    # The body whose seats are filled, and the title of the positions the elected take there.
    body_id: Mapped[int | None] = fk("organization.id", ondelete="SET NULL", nullable=True)
    position_title: Mapped[TranslatableMap | None] = mapped_column(Translatable)
    seats: Mapped[int]
    # A candidate is elected with more than this share (per cent) of the ballots cast.
    threshold_percent: Mapped[int] = mapped_column(default=50)
    status: Mapped[ElectionStatus] = enum_column(ElectionStatus, default=ElectionStatus.OPEN)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    event: Mapped[Event] = relationship(lazy="raise")
    body: Mapped[Organization | None] = relationship(lazy="raise")
    candidates: Mapped[list[Candidate]] = relationship(
        lazy="raise", back_populates="election", order_by="Candidate.id"
    )

    __table_args__ = (
        CheckConstraint("seats >= 1", name="seats_positive"),
        CheckConstraint(
            "threshold_percent >= 0 AND threshold_percent < 100", name="threshold_range"
        ),
    )


class Candidate(Base):
    election_id: Mapped[int] = fk("election.id")
    person_id: Mapped[int] = fk("person.id", ondelete="RESTRICT")
    elected: Mapped[bool] = mapped_column(default=False)
    # The position the election gave (created when elected).
    position_id: Mapped[int | None] = fk("position.id", ondelete="SET NULL", nullable=True)

    election: Mapped[Election] = relationship(lazy="raise", back_populates="candidates")
    person: Mapped[Person] = relationship(lazy="raise")

    __table_args__ = (UniqueConstraint("election_id", "person_id", name="uq_candidate_person"),)


class RollCall(Base):
    uid: Mapped[str] = uid_column()
    session_id: Mapped[int] = fk("session.id")
    taken_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utc_now)
    # Accredited voting delegates of the event, those present, and the quorum required.
    accredited: Mapped[int]
    present: Mapped[int]
    quorum: Mapped[int]
    # How the quorum was set: "count" or "fraction", with its figure ("1/2" → more than half).
    quorum_rule: Mapped[str] = mapped_column(String(40))
    quorum_met: Mapped[bool]
    # [{"delegation_id", "accredited", "present"}] per delegation.
    by_delegation: Mapped[list[dict[str, Any]]] = mapped_column(JsonB, default=list)
    recorded_by_id: Mapped[int | None] = fk("user_account.id", ondelete="SET NULL", nullable=True)

    session: Mapped[Session] = relationship(lazy="raise")

    __table_args__ = (
        CheckConstraint("present >= 0 AND accredited >= 0 AND quorum >= 0", name="figures"),
    )


class Vote(Base):
    uid: Mapped[str] = uid_column()
    event_id: Mapped[int] = fk("event.id")
    motion_id: Mapped[int | None] = fk("motion.id", nullable=True)
    election_id: Mapped[int | None] = fk("election.id", nullable=True)
    # 1, 2, … : a motion put again or an election's further round is another vote.
    round: Mapped[int] = mapped_column(default=1)
    method: Mapped[VoteMethod] = enum_column(VoteMethod)
    majority: Mapped[MajorityRule] = enum_column(MajorityRule, default=MajorityRule.SIMPLE)
    roll_call_id: Mapped[int | None] = fk("roll_call.id", nullable=True)
    quorum_override_reason: Mapped[str | None] = mapped_column(String(1000))
    presiding_chair_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL", nullable=True)
    taken_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utc_now)
    # The figures, and what they were measured against.
    votes_for: Mapped[int] = mapped_column(default=0)
    votes_against: Mapped[int] = mapped_column(default=0)
    abstentions: Mapped[int] = mapped_column(default=0)
    spoilt: Mapped[int] = mapped_column(default=0)
    # Ballots cast in an election (valid ballots).
    ballots: Mapped[int] = mapped_column(default=0)
    # Votes held by all accredited delegates (the base of an absolute majority).
    votes_held: Mapped[int] = mapped_column(default=0)
    result: Mapped[VoteResult] = enum_column(VoteResult)
    # Roll call: [{"delegation_id", "held", "for", "against", "abstaining"}].
    breakdown: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonB)
    # Election: {"<candidate id>": votes}; and who the round elected.
    tally: Mapped[dict[str, int] | None] = mapped_column(JsonB)
    elected: Mapped[list[int] | None] = mapped_column(JsonB)
    correction_reason: Mapped[str | None] = mapped_column(String(1000))
    recorded_by_id: Mapped[int | None] = fk("user_account.id", ondelete="SET NULL", nullable=True)

    motion: Mapped[Motion | None] = relationship(lazy="raise")
    election: Mapped[Election | None] = relationship(lazy="raise")
    roll_call: Mapped[RollCall | None] = relationship(lazy="raise")

    __table_args__ = (
        # One vote per motion (or election) and round: a vote sent twice counts once.
        UniqueConstraint("motion_id", "round", name="uq_vote_motion_round"),
        UniqueConstraint("election_id", "round", name="uq_vote_election_round"),
        CheckConstraint("(motion_id IS NULL) <> (election_id IS NULL)", name="motion_or_election"),
        CheckConstraint(
            "votes_for >= 0 AND votes_against >= 0 AND abstentions >= 0 AND spoilt >= 0"
            " AND ballots >= 0 AND votes_held >= 0 AND round >= 1",
            name="figures",
        ),
    )


class Headcount(Base):
    """People who attended a session without being registered by name, counted."""

    session_id: Mapped[int] = fk("session.id")
    category: Mapped[HeadcountCategory] = enum_column(HeadcountCategory)
    count: Mapped[int]
    country: Mapped[str | None] = mapped_column(String(2))
    organization_id: Mapped[int | None] = fk("organization.id", ondelete="SET NULL", nullable=True)
    # "from five countries", "guests of the host city".
    note: Mapped[TranslatableMap | None] = mapped_column(Translatable)

    session: Mapped[Session] = relationship(lazy="raise")
    organization: Mapped[Organization | None] = relationship(lazy="raise")

    __table_args__ = (CheckConstraint("count >= 1", name="count_positive"),)
