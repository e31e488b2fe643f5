"""Shared set-up of the registration benchmarks: a migrated database with a large event."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

from congress.db.engine import make_engine
from congress.db.migrate import upgrade
from congress.domain.events.enums import EventStatus
from congress.domain.events.models import Event
from congress.domain.people.models import Organization, Person
from congress.domain.programme.models import Session
from congress.domain.registration.enums import ParticipantCategory, ParticipantStatus
from congress.domain.registration.models import Delegation, Participant
from congress.settings import Settings

GIVEN = ["Anna", "Pyotr", "Li", "Wei", "Maria", "Hans", "Aigerim", "Erlan", "Fatima", "Jean"]
FAMILY = ["Ivanova", "Schmidt", "Wang", "Nurlanov", "Petrosyan", "Dubois", "Kowalski", "Sato"]


def settings_for(data_dir: Path, database_url: str = "") -> Settings:
    settings = Settings(data_dir=data_dir, database_url=database_url, secret_key="bench")
    upgrade(settings)
    return settings


async def make_event(settings: Settings, participants: int, delegations: int = 40) -> str:
    """A published event with ``participants`` people spread over delegations; its slug."""
    engine = make_engine(settings, poolclass=NullPool)
    rng = random.Random(7)
    async with AsyncSession(engine, expire_on_commit=False) as db:
        today = dt.date.today()
        event = Event(
            slug=f"bench-{participants}-{rng.randrange(10**6)}",
            name={"en": "Benchmark Congress", "ru": "Конгресс"},
            start_date=today,
            end_date=today + dt.timedelta(days=2),
            languages=["en", "ru"],
            status=EventStatus.PUBLISHED,
            registration_categories=["guest"],
        )
        db.add(event)
        await db.flush()
        db.add(
            Session(
                event_id=event.id,
                title={"en": "Plenary"},
                planned_start=dt.datetime.now(dt.UTC),
                planned_end=dt.datetime.now(dt.UTC) + dt.timedelta(hours=2),
            )
        )
        delegation_ids = list(
            (
                await db.execute(
                    insert(Delegation).returning(Delegation.id, sort_by_parameter_order=True),
                    [
                        {"event_id": event.id, "name": {"en": f"Delegation {i:02d}"}}
                        for i in range(delegations)
                    ],
                )
            ).scalars()
        )
        organization_ids = list(
            (
                await db.execute(
                    insert(Organization).returning(Organization.id, sort_by_parameter_order=True),
                    [{"name": {"en": f"Organization number {i}"}} for i in range(200)],
                )
            ).scalars()
        )
        for start in range(0, participants, 5000):
            count = min(5000, participants - start)
            person_ids = list(
                (
                    await db.execute(
                        insert(Person).returning(Person.id, sort_by_parameter_order=True),
                        [
                            {
                                "given_name": {"en": rng.choice(GIVEN)},
                                "family_name": {"en": f"{rng.choice(FAMILY)}-{start + i}"},
                            }
                            for i in range(count)
                        ],
                    )
                ).scalars()
            )
            await db.execute(
                insert(Participant),
                [
                    {
                        "event_id": event.id,
                        "person_id": person_id,
                        "category": rng.choice(list(ParticipantCategory)),
                        "status": ParticipantStatus.ACCREDITED,
                        "delegation_id": rng.choice(delegation_ids),
                        "organization_id": rng.choice(organization_ids),
                        "qr_token": f"bench{event.id:04d}{person_id:015d}",
                        "consent_publication": True,
                    }
                    for person_id in person_ids
                ],
            )
        await db.commit()
        slug = event.slug
    await engine.dispose()
    return slug
