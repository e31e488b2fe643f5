"""Registration and check-in rules, called directly as the pages, the API and the CLI call them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.models import AuditEntry
from congress.domain.checkin.enums import AttendanceState
from congress.domain.checkin.models import Attendance
from congress.domain.checkin.services import CheckInService
from congress.domain.events.enums import EventStatus
from congress.domain.registration.enums import ParticipantCategory, ParticipantStatus
from congress.domain.registration.models import Participant
from congress.domain.registration.schemas import PublicRegistration
from congress.domain.registration.services import (
    ParticipantService,
    Window,
    register_publicly,
    registration_window,
)
from congress.errors import Conflict, Invalid, NotFound
from tests.registration_data import NOW, World, make_event, make_participant


def form(**values: object) -> PublicRegistration:
    data = {
        "given_name": "Aigerim",
        "family_name": "Nurlanova",
        "email": "Aigerim@Example.org",
        "organization": "Peace Foundation",
        "position": "Secretary",
        "category": "guest",
        "consent_publication": True,
    }
    return PublicRegistration.model_validate(data | values)


async def test_public_registration_stores_person_and_participant(
    db: AsyncSession, world: World
) -> None:
    participant = await register_publicly(db, world.event, form())
    await db.commit()
    loaded = await ParticipantService(db, world.registrar).get(participant.id)
    assert loaded.status is ParticipantStatus.REGISTERED
    assert loaded.person.email == "aigerim@example.org"
    assert loaded.person.family_name == {"en": "Nurlanova"}
    assert loaded.organization is not None and loaded.organization.name == {
        "en": "Peace Foundation"
    }
    assert loaded.position is not None and loaded.position.title == {"en": "Secretary"}
    assert loaded.consent_publication and len(loaded.qr_token) >= 16


async def test_duplicate_email_is_explained_not_stored(db: AsyncSession, world: World) -> None:
    await register_publicly(db, world.event, form())
    await db.commit()
    with pytest.raises(Conflict) as caught:
        await register_publicly(db, world.event, form(email="aigerim@example.org ".strip()))
    assert caught.value.errors[0].field == "email"
    assert "already registered" in caught.value.errors[0].message
    await db.rollback()
    assert await db.scalar(select(func.count()).select_from(Participant)) == 1


async def test_same_person_may_register_for_another_event(db: AsyncSession, world: World) -> None:
    other = await make_event(db, "another-congress")
    await register_publicly(db, world.event, form())
    await register_publicly(db, other, form())
    await db.commit()
    assert await db.scalar(select(func.count()).select_from(Participant)) == 2


@pytest.mark.parametrize(
    ("change", "window"),
    [
        ({"registration_closes_at": NOW - dt.timedelta(hours=1)}, Window.CLOSED),
        ({"registration_opens_at": NOW + dt.timedelta(hours=1)}, Window.NOT_YET),
        ({"registration_categories": []}, Window.NOT_OFFERED),
        ({"status": EventStatus.CANCELLED}, Window.CLOSED),
    ],
)
async def test_registration_outside_the_window_is_refused(
    db: AsyncSession, world: World, change: dict[str, object], window: Window
) -> None:
    for key, value in change.items():
        setattr(world.event, key, value)
    assert registration_window(world.event) is window
    with pytest.raises(Conflict):
        await register_publicly(db, world.event, form())


async def test_category_not_offered_to_the_public(db: AsyncSession, world: World) -> None:
    with pytest.raises(Invalid) as caught:
        await register_publicly(db, world.event, form(category="delegate"))
    assert caught.value.errors[0].field == "category"


async def test_quota_refuses_one_too_many(db: AsyncSession, world: World) -> None:
    service = ParticipantService(db, world.registrar)
    people = [await make_participant(db, world.event, f"Member {i}") for i in range(4)]
    for participant in people[:3]:
        await service.update(participant.id, {"delegation_id": world.delegation.id})
    with pytest.raises(Conflict) as caught:
        await service.update(people[3].id, {"delegation_id": world.delegation.id})
    assert caught.value.errors[0].field == "delegation_id"
    assert "quota of 3" in caught.value.errors[0].message
    # A cancelled member frees the place.
    await service.set_status(people[0].id, ParticipantStatus.CANCELLED)
    await service.update(people[3].id, {"delegation_id": world.delegation.id})


async def test_status_transitions_and_badge_numbers(db: AsyncSession, world: World) -> None:
    service = ParticipantService(db, world.registrar)
    first = await make_participant(db, world.event, "Alpha")
    second = await make_participant(db, world.event, "Beta")
    accredited = await service.set_status(first.id, ParticipantStatus.ACCREDITED)
    assert accredited.badge_number == "0001"
    assert (
        await service.set_status(second.id, ParticipantStatus.ACCREDITED)
    ).badge_number == "0002"
    await service.set_status(first.id, ParticipantStatus.CANCELLED)
    with pytest.raises(Invalid) as caught:
        await service.set_status(first.id, ParticipantStatus.CHECKED_IN)
    assert "cancelled cannot become checked in" in caught.value.errors[0].message
    assert (await service.set_status(first.id, ParticipantStatus.REGISTERED)).badge_number == "0001"


async def test_check_in_by_token_twice_is_harmless(db: AsyncSession, world: World) -> None:
    participant = await make_participant(db, world.event, "Ivanov", "Pyotr")
    await db.commit()
    desk = CheckInService(db, world.registrar)
    found = await desk.find_by_token(world.event, f"  {participant.qr_token}\n")
    first = await desk.check_in(world.event, found)
    assert first.first_time and first.message == "checked in to the event"
    second = await desk.check_in(world.event, found)
    assert not second.first_time and "already checked in" in second.message
    await db.commit()
    refreshed = await db.get(Participant, participant.id, populate_existing=True)
    assert refreshed is not None and refreshed.status is ParticipantStatus.CHECKED_IN
    audits = await db.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "participant")
    )
    assert audits == 1


async def test_unknown_forged_and_foreign_tokens(db: AsyncSession, world: World) -> None:
    other = await make_event(db, "other-event")
    stranger = await make_participant(db, other, "Stranger")
    await db.commit()
    desk = CheckInService(db, world.registrar)
    with pytest.raises(NotFound, match="unknown ticket"):
        await desk.find_by_token(world.event, "A" * 24)
    with pytest.raises(NotFound, match="not a ticket code"):
        await desk.find_by_token(world.event, "'; DROP TABLE participant; --")
    with pytest.raises(Conflict, match="another event"):
        await desk.find_by_token(world.event, stranger.qr_token)


async def test_cancelled_participant_is_not_checked_in(db: AsyncSession, world: World) -> None:
    participant = await make_participant(
        db, world.event, "Gone", status=ParticipantStatus.CANCELLED
    )
    await db.commit()
    desk = CheckInService(db, world.registrar)
    participant = await desk.find_by_token(world.event, participant.qr_token)
    with pytest.raises(Conflict, match="is cancelled"):
        await desk.check_in(world.event, participant)


async def test_session_attendance_states_and_counts(db: AsyncSession, world: World) -> None:
    kz = [
        await make_participant(db, world.event, f"Kz {i}", delegation=world.delegation)
        for i in range(2)
    ]
    press = await make_participant(
        db, world.event, "Reporter", category=ParticipantCategory.OBSERVER
    )
    await make_participant(db, world.event, "Cancelled", status=ParticipantStatus.CANCELLED)
    await db.commit()
    desk = CheckInService(db, world.registrar)
    checked = await desk.check_in(world.event, kz[0], world.session)
    assert checked.first_time and checked.message == "checked in to this session"
    assert not (await desk.check_in(world.event, kz[0], world.session)).first_time
    assert (await desk.record(world.session, kz[1], AttendanceState.EXCUSED)).changed
    assert not (await desk.record(world.session, kz[1], AttendanceState.EXCUSED)).changed
    assert (await desk.record(world.session, press, AttendanceState.ABSENT)).changed
    assert (await desk.record(world.session, press, AttendanceState.PRESENT)).changed
    await db.commit()
    states = dict(
        (await db.execute(select(Attendance.participant_id, Attendance.state))).tuples().all()
    )
    assert states == {
        kz[0].id: AttendanceState.PRESENT,
        kz[1].id: AttendanceState.EXCUSED,
        press.id: AttendanceState.PRESENT,
    }
    session_counts = await desk.counts(world.event, world.session)
    assert (session_counts.expected, session_counts.present) == (3, 2)
    assert session_counts.by_category == [
        (ParticipantCategory.GUEST, 2, 1),
        (ParticipantCategory.OBSERVER, 1, 1),
    ]
    assert session_counts.by_delegation == [("Delegation of Kazakhstan", 2, 1), ("", 1, 1)]
    event_counts = await desk.counts(world.event)
    # Only kz[0] went through the check-in; recording presence at a session is not a check-in.
    assert (event_counts.expected, event_counts.present) == (3, 1)


async def test_search_by_name_email_and_badge(db: AsyncSession, world: World) -> None:
    await make_participant(db, world.event, "Ivanova", "Maria", email="maria@example.org")
    await make_participant(db, world.event, "Ivanov", "Pyotr")
    await make_participant(db, world.event, "Petrov", "Ivan")
    await db.commit()
    desk = CheckInService(db, world.registrar)
    names = [p.person.family_name["en"] for p in await desk.search(world.event, "ivan")]
    assert names == ["Ivanov", "Ivanova", "Petrov"]
    assert [p.person.family_name["en"] for p in await desk.search(world.event, "maria@")] == [
        "Ivanova"
    ]
    assert await desk.search(world.event, "100%_") == []
