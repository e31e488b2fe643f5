"""Test data of registration and check-in: a published event with open registration, participants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.accounts.models import User
from congress.domain.events.enums import EventStatus
from congress.domain.events.models import Event
from congress.domain.people.models import Person
from congress.domain.programme.models import Session
from congress.domain.registration.enums import ParticipantCategory, ParticipantStatus
from congress.domain.registration.models import Delegation, Participant
from tests.conftest import make_staff

NOW = dt.datetime.now(dt.UTC)


@dataclass
class World:
    event: Event
    session: Session
    delegation: Delegation
    registrar: User
    registrar_headers: dict[str, str]


async def make_event(db: AsyncSession, slug: str = "congress-2026", **values: object) -> Event:
    today = NOW.date()
    event = Event(
        slug=slug,
        name={"en": "Second International Congress", "ru": "Второй международный конгресс"},
        start_date=today + dt.timedelta(days=10),
        end_date=today + dt.timedelta(days=12),
        languages=["en", "ru"],
        status=EventStatus.PUBLISHED,
        registration_opens_at=NOW - dt.timedelta(days=1),
        registration_closes_at=NOW + dt.timedelta(days=5),
        registration_categories=["guest", "observer"],
    )
    for key, value in values.items():
        setattr(event, key, value)
    db.add(event)
    await db.flush()
    return event


async def make_participant(
    db: AsyncSession,
    event: Event,
    family: str,
    given: str = "",
    *,
    delegation: Delegation | None = None,
    category: ParticipantCategory = ParticipantCategory.GUEST,
    status: ParticipantStatus = ParticipantStatus.REGISTERED,
    consent: bool = True,
    email: str | None = None,
) -> Participant:
    person = Person(
        given_name={"en": given} if given else {}, family_name={"en": family}, email=email
    )
    db.add(person)
    await db.flush()
    participant = Participant(
        event_id=event.id,
        person_id=person.id,
        category=category,
        status=status,
        delegation_id=delegation.id if delegation else None,
        consent_publication=consent,
    )
    db.add(participant)
    await db.flush()
    return participant


@pytest.fixture
async def world(db: AsyncSession) -> World:
    event = await make_event(db)
    session = Session(
        event_id=event.id,
        title={"en": "Opening ceremony", "ru": "Церемония открытия"},
        planned_start=dt.datetime.combine(event.start_date, dt.time(10), dt.UTC),
        planned_end=dt.datetime.combine(event.start_date, dt.time(12), dt.UTC),
    )
    delegation = Delegation(event_id=event.id, name={"en": "Delegation of Kazakhstan"}, quota=3)
    db.add_all([session, delegation])
    await db.flush()
    registrar, token = await make_staff(db, Role.REGISTRAR)
    await db.commit()
    return World(event, session, delegation, registrar, {"Authorization": f"Bearer {token}"})
