"""Reads of the decisions area: who holds votes, who is present, and the decisions of a
session or an event as pages, documents and exports show them (a fixed number of queries)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from congress.domain.checkin.enums import AttendanceState
from congress.domain.checkin.models import Attendance
from congress.domain.decisions import rules
from congress.domain.decisions.enums import (
    HEADCOUNT_LABELS,
    MAJORITY_LABELS,
    METHOD_LABELS,
    MOTION_KIND_LABELS,
    MOTION_STATUS_LABELS,
    RESULT_LABELS,
)
from congress.domain.decisions.models import Candidate, Election, Headcount, Motion, RollCall, Vote
from congress.domain.events.models import Event
from congress.domain.people.models import Person
from congress.domain.programme.models import Session
from congress.domain.registration.enums import ParticipantCategory, ParticipantStatus
from congress.domain.registration.models import Delegation, Participant

# Who holds a vote: delegates (and members) of a delegation, accredited (or checked in).
VOTING_CATEGORIES = (ParticipantCategory.DELEGATE, ParticipantCategory.MEMBER)
ACCREDITED = (ParticipantStatus.ACCREDITED, ParticipantStatus.CHECKED_IN)


def _voters() -> Any:
    return (
        Participant.delegation_id.is_not(None),
        Participant.category.in_(VOTING_CATEGORIES),
        Participant.status.in_(ACCREDITED),
    )


def _voters_by_delegation(event_id: int, session_id: int | None = None) -> Any:
    """Per delegation of the event: its accredited voting delegates (and those of them present
    at ``session_id``), counted among the event's participants first and joined to the
    delegations after, so that the plan stays one pass over the event's participants however
    many delegations there are (a join from each delegation probed the participants once per
    delegation when the planner misjudged their number: 88 ms for 200 delegations)."""
    counted = select(Participant.delegation_id, func.count(Participant.id).label("accredited"))
    if session_id is not None:
        counted = counted.add_columns(func.count(Attendance.id).label("present")).outerjoin(
            Attendance,
            (Attendance.participant_id == Participant.id)
            & (Attendance.session_id == session_id)
            & (Attendance.state == AttendanceState.PRESENT),
        )
    counted = counted.where(Participant.event_id == event_id, *_voters())
    return counted.group_by(Participant.delegation_id).subquery()


async def accredited_by_delegation(db: AsyncSession, event_id: int) -> dict[int, int]:
    """Accredited voting delegates per delegation of the event (delegations without any: 0)."""
    counted = _voters_by_delegation(event_id)
    rows = await db.execute(
        select(Delegation.id, func.coalesce(counted.c.accredited, 0))
        .outerjoin(counted, counted.c.delegation_id == Delegation.id)
        .where(Delegation.event_id == event_id)
    )
    return {int(delegation_id): int(count) for delegation_id, count in rows.all()}


async def present_by_delegation(db: AsyncSession, event_id: int, session_id: int) -> dict[int, int]:
    """Accredited voting delegates checked in to the session, per delegation."""
    rows = await db.execute(
        select(Participant.delegation_id, func.count(Participant.id))
        .join(Attendance, Attendance.participant_id == Participant.id)
        .where(
            Participant.event_id == event_id,
            *_voters(),
            Attendance.session_id == session_id,
            Attendance.state == AttendanceState.PRESENT,
        )
        .group_by(Participant.delegation_id)
    )
    return {int(delegation_id): int(count) for delegation_id, count in rows.all()}


@dataclass(frozen=True)
class Presence:
    """Who is present now at a session (checked in), per delegation and in all, against the
    quorum: the rule of the session's latest roll call, else the quorum the event requires."""

    by_delegation: dict[int, tuple[int, int]]  # delegation → (accredited, present)
    quorum_rule: str

    @property
    def accredited(self) -> int:
        return sum(accredited for accredited, _ in self.by_delegation.values())

    @property
    def present(self) -> int:
        return sum(present for _, present in self.by_delegation.values())

    @property
    def quorum(self) -> int:
        return rules.quorum_of_rule(self.accredited, self.quorum_rule)

    @property
    def quorum_met(self) -> bool:
        return self.present >= self.quorum


async def presence(db: AsyncSession, event_id: int, session_id: int) -> Presence:
    """Accredited and present voting delegates per delegation, in one query (a staff screen
    asks every few seconds while delegates check in), and the quorum rule in force."""
    counted = _voters_by_delegation(event_id, session_id)
    rows = await db.execute(
        select(
            Delegation.id,
            func.coalesce(counted.c.accredited, 0),
            func.coalesce(counted.c.present, 0),
        )
        .outerjoin(counted, counted.c.delegation_id == Delegation.id)
        .where(Delegation.event_id == event_id)
    )
    rule = await db.scalar(
        select(RollCall.quorum_rule)
        .where(RollCall.session_id == session_id)
        .order_by(RollCall.taken_at.desc(), RollCall.id.desc())
        .limit(1)
    )
    if rule is None:  # no roll call yet: the quorum the event requires
        rule = rules.rule_of_event(
            await db.scalar(select(Event.quorum).where(Event.id == event_id))
        )
    return Presence(
        by_delegation={
            int(delegation_id): (int(accredited), int(present))
            for delegation_id, accredited, present in rows.all()
        },
        quorum_rule=rule,
    )


async def delegation_names(db: AsyncSession, event_id: int) -> dict[int, dict[str, str]]:
    rows = await db.execute(
        select(Delegation.id, Delegation.name).where(Delegation.event_id == event_id)
    )
    return {int(delegation_id): name for delegation_id, name in rows.all()}


WORDS: dict[Any, str] = {
    **MOTION_KIND_LABELS,
    **MOTION_STATUS_LABELS,
    **METHOD_LABELS,
    **MAJORITY_LABELS,
    **RESULT_LABELS,
    **HEADCOUNT_LABELS,
}


@dataclass
class Decisions:
    """What was decided (and counted) at a session or an event, ready for a page or a document."""

    motions: list[Motion] = field(default_factory=list)
    elections: list[Election] = field(default_factory=list)
    votes: dict[tuple[str, int], list[Vote]] = field(default_factory=dict)
    roll_calls: list[RollCall] = field(default_factory=list)
    headcounts: list[Headcount] = field(default_factory=list)
    delegations: dict[int, dict[str, str]] = field(default_factory=dict)
    people: dict[int, Person] = field(default_factory=dict)

    def word(self, value: Any) -> str:
        """The gettext message (not yet translated) naming an enum value of this area."""
        return WORDS.get(value, str(value))

    def votes_on(self, kind: str, item_id: int) -> list[Vote]:
        return self.votes.get((kind, item_id), [])

    @property
    def empty(self) -> bool:
        return not (self.motions or self.elections or self.roll_calls or self.headcounts)

    @property
    def headcount_total(self) -> int:
        return sum(headcount.count for headcount in self.headcounts)


async def decisions_of(db: AsyncSession, event_id: int, session_id: int | None = None) -> Decisions:
    """The decisions of an event, or of one of its sessions."""
    motions = select(Motion).where(Motion.event_id == event_id)
    elections = (
        select(Election)
        .where(Election.event_id == event_id)
        .options(selectinload(Election.candidates), selectinload(Election.body))
    )
    roll_calls = (
        select(RollCall)
        .join(Session, Session.id == RollCall.session_id)
        .where(Session.event_id == event_id)
    )
    headcounts = (
        select(Headcount)
        .where(Headcount.session.has(event_id=event_id))
        .options(selectinload(Headcount.organization))
    )
    if session_id is not None:
        motions = motions.where(Motion.session_id == session_id)
        elections = elections.where(Election.session_id == session_id)
        roll_calls = roll_calls.where(RollCall.session_id == session_id)
        headcounts = headcounts.where(Headcount.session_id == session_id)
    found = Decisions(
        motions=list((await db.execute(motions.order_by(Motion.id))).scalars()),
        elections=list((await db.execute(elections.order_by(Election.id))).scalars()),
        roll_calls=list((await db.execute(roll_calls.order_by(RollCall.taken_at))).scalars()),
        headcounts=list(
            (await db.execute(headcounts.order_by(Headcount.session_id, Headcount.id))).scalars()
        ),
    )
    motion_ids = [motion.id for motion in found.motions]
    election_ids = [election.id for election in found.elections]
    votes = (
        await db.execute(
            select(Vote)
            .where(Vote.motion_id.in_(motion_ids) | Vote.election_id.in_(election_ids))
            .order_by(Vote.round, Vote.id)
        )
    ).scalars()
    grouped: dict[tuple[str, int], list[Vote]] = defaultdict(list)
    for vote in votes:
        if vote.motion_id is not None:
            grouped[("motion", vote.motion_id)].append(vote)
        elif vote.election_id is not None:
            grouped[("election", vote.election_id)].append(vote)
    found.votes = dict(grouped)
    if any(vote.breakdown for group in grouped.values() for vote in group) or found.roll_calls:
        found.delegations = await delegation_names(db, event_id)
    person_ids = {c.person_id for e in found.elections for c in e.candidates}
    person_ids |= {
        v.presiding_chair_id for g in grouped.values() for v in g if v.presiding_chair_id
    }
    if person_ids:
        people = await db.execute(select(Person).where(Person.id.in_(person_ids)))
        found.people = {person.id: person for person in people.scalars()}
    return found


def candidates_query() -> Any:
    return select(Candidate).options(selectinload(Candidate.person))


async def unnamed_counts(
    db: AsyncSession, event_id: int, session_id: int | None = None
) -> list[tuple[str, int]]:
    """People counted without names (headcounts), per category: (gettext message, count) —
    for the attendance list's totals, apart from the named participants."""
    statement = (
        select(Headcount.category, func.sum(Headcount.count))
        .join(Session, Session.id == Headcount.session_id)
        .where(Session.event_id == event_id)
        .group_by(Headcount.category)
    )
    if session_id is not None:
        statement = statement.where(Headcount.session_id == session_id)
    found = dict((await db.execute(statement)).tuples().all())
    return [
        (label, int(found[category]))
        for category, label in HEADCOUNT_LABELS.items()
        if category in found
    ]
