"""List endpoints send the same number of SQL statements for a small and a 10× larger event."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts import services as accounts_services
from congress.domain.checkin.models import Attendance
from congress.domain.events.enums import EventStatus
from congress.domain.events.models import Event, Room, Venue
from congress.domain.people.models import Organization, Person, Position
from congress.domain.programme.enums import AgendaItemKind
from congress.domain.programme.models import (
    AgendaItem,
    PresidiumSeat,
    Session,
    Speech,
    SpeechSpeaker,
)
from congress.domain.publishing.enums import RecordStatus
from congress.domain.publishing.models import MediaItem, Record, Tag
from congress.domain.registration.models import Delegation, Participant
from tests.conftest import QueryCounter


async def populate(db: AsyncSession, slug: str, scale: int) -> tuple[int, int]:
    """An event with 2×scale sessions, each with a presidium and speeches, and 20×scale participants."""
    organization = Organization(name={"en": f"Org {slug}"})
    venue = Venue(name={"en": "Venue"}, rooms=[Room(name={"en": "Hall"})])
    db.add_all([organization, venue])
    people = [Person(family_name={"en": f"P{slug}{i}"}) for i in range(20 * scale)]
    db.add_all(people)
    await db.flush()
    positions = [
        Position(person_id=p.id, organization_id=organization.id, title={"en": "Member"})
        for p in people
    ]
    db.add_all(positions)
    event = Event(
        slug=slug,
        name={"en": slug},
        start_date=dt.date(2026, 5, 8),
        end_date=dt.date(2026, 5, 10),
        status=EventStatus.PUBLISHED,
        venue_id=venue.id,
        organizers=[organization],
    )
    db.add(event)
    await db.flush()
    tags = [Tag(slug=f"{slug}-tag-{i}", name={"en": "t"}) for i in range(3)]
    delegation = Delegation(event_id=event.id, name={"en": "D"})
    db.add_all([*tags, delegation])
    await db.flush()
    participants = [
        Participant(event_id=event.id, person_id=p.id, delegation_id=delegation.id) for p in people
    ]
    db.add_all(participants)
    start = dt.datetime(2026, 5, 8, 9, tzinfo=dt.UTC)
    first_session = None
    for number in range(2 * scale):
        session = Session(
            event_id=event.id,
            title={"en": f"S{number}"},
            planned_start=start + dt.timedelta(hours=number),
            planned_end=start + dt.timedelta(hours=number, minutes=50),
        )
        db.add(session)
        await db.flush()
        first_session = first_session or session
        for seat in range(3):
            db.add(
                PresidiumSeat(
                    session_id=session.id, seat_number=seat + 1, person_id=people[seat].id
                )
            )
        for position in range(3):
            item = AgendaItem(
                session_id=session.id, position=position + 1, kind=AgendaItemKind.SPEECH
            )
            db.add(item)
            await db.flush()
            speech = Speech(agenda_item_id=item.id, language="en", transcript={"en": "Words."})
            speech.speakers = [
                SpeechSpeaker(person_id=people[position].id, order=1),
                SpeechSpeaker(person_id=people[position + 3].id, order=2),
            ]
            db.add(speech)
        db.add(
            Record(
                event_id=event.id,
                session_id=session.id,
                slug=f"r{number}",
                headline={"en": "R"},
                status=RecordStatus.PUBLISHED,
                tags=tags,
            )
        )
        db.add(
            MediaItem(
                event_id=event.id,
                session_id=session.id,
                storage_key=f"{slug}/{number}.jpg",
                filename="x.jpg",
                content_type="image/jpeg",
                people=people[:3],
            )
        )
    await db.flush()
    assert first_session is not None
    db.add_all(Attendance(participant_id=p.id, session_id=first_session.id) for p in participants)
    await db.commit()
    return event.id, first_session.id


LISTS = [
    "/api/v1/events",
    "/api/v1/events/{slug}/sessions",
    "/api/v1/events/{slug}/speeches",
    "/api/v1/events/{slug}/participants",
    "/api/v1/events/{slug}/delegations",
    "/api/v1/events/{slug}/records",
    "/api/v1/events/{slug}/media-items",
    "/api/v1/sessions/{session}/presidium-seats",
    "/api/v1/sessions/{session}/agenda-items",
    "/api/v1/sessions/{session}/attendances",
    "/api/v1/people",
    "/api/v1/venues",
]


@pytest.mark.parametrize("path", LISTS)
async def test_query_count_does_not_grow(
    path: str,
    client: AsyncTestClient[Any],
    db: AsyncSession,
    admin: dict[str, str],
    count_queries: QueryCounter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The API token is verified once and then remembered (accounts.services): keep it
    # remembered for the whole test, so that both counts are of the list alone.
    monkeypatch.setattr(accounts_services, "TOKEN_CACHE_SECONDS", 3600.0)
    counts = []
    # The API token is looked up once and then remembered: measure requests after the first.
    assert (await client.get("/api/v1/ping", headers=admin)).status_code == 200
    for slug, scale in (("small", 1), ("large", 10)):
        _, session_id = await populate(db, slug, scale)
        url = path.format(slug=slug, session=session_id)
        await client.get("/api/v1/ping", headers=admin)
        count_queries.count = 0
        response = await client.get(url, params={"limit": 500}, headers=admin)
        assert response.status_code == 200, response.text
        assert response.json()["items"]
        counts.append(count_queries.count)
    assert counts[0] == counts[1], (
        f"{path}: {counts[0]} queries for the small event, {counts[1]} for the large"
    )
