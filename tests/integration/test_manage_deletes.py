"""Editing venues and rooms, and deleting rooms, sessions, people and organizations from the
organizer pages: the confirmation step, what goes with a record, and what keeps it."""

from __future__ import annotations

import datetime as dt

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import AuditAction, Role
from congress.domain.accounts.models import AuditEntry
from congress.domain.checkin.enums import AttendanceState
from congress.domain.checkin.models import Attendance
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
from congress.domain.registration.models import Participant
from tests.conftest import log_in, make_staff, post_form

HTML = {"accept": "text/html"}
UTC = dt.UTC


async def as_role(client: AsyncTestClient, db: AsyncSession, role: Role) -> None:
    user, _ = await make_staff(db, role)
    await log_in(client, user.email)


async def planned_event(db: AsyncSession) -> dict[str, int]:
    """An event at a venue with two rooms, a session in the first room, two people."""
    venue = Venue(name={"en": "Foundation House"}, city="Moscow")
    db.add(venue)
    await db.flush()
    hall, annex = (
        Room(venue_id=venue.id, name={"en": "Hall A"}),
        Room(venue_id=venue.id, name={"en": "Annex"}, capacity=40),
    )
    event = Event(
        slug="congress",
        name={"en": "Congress"},
        start_date=dt.date(2026, 5, 8),
        end_date=dt.date(2026, 5, 9),
        languages=["en", "ru"],
        venue_id=venue.id,
    )
    org = Organization(name={"en": "Peace Foundation"})
    db.add_all([hall, annex, event, org])
    await db.flush()
    ann = Person(given_name={"en": "Ann"}, family_name={"en": "Archer"})
    bob = Person(given_name={"en": "Bob"}, family_name={"en": "Baker"})
    db.add_all([ann, bob])
    await db.flush()
    session = Session(
        event_id=event.id,
        title={"en": "Opening"},
        room_id=hall.id,
        planned_start=dt.datetime(2026, 5, 8, 10, tzinfo=UTC),
        planned_end=dt.datetime(2026, 5, 8, 12, tzinfo=UTC),
    )
    db.add(session)
    await db.commit()
    return {
        "venue": venue.id,
        "hall": hall.id,
        "annex": annex.id,
        "event": event.id,
        "org": org.id,
        "ann": ann.id,
        "bob": bob.id,
        "session": session.id,
    }


async def count(db: AsyncSession, model: type, *where: object) -> int:
    return int(await db.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_venue_edit_keeps_input_and_saves(client: AsyncTestClient, db: AsyncSession) -> None:
    ids = await planned_event(db)
    await as_role(client, db, Role.ORGANIZER)
    page = await client.get("/manage/events/congress/venue/edit", headers=HTML)
    assert page.status_code == 200
    assert 'value="Foundation House"' in page.text

    bad = await post_form(
        client,
        "/manage/events/congress/venue/edit",
        {"name.en": "Friendship House", "city": "Moskva", "country": "Russia"},
    )
    assert bad.status_code == 422
    assert 'id="country-error"' in bad.text
    assert 'value="Friendship House"' in bad.text and 'value="Moskva"' in bad.text

    good = await post_form(
        client,
        "/manage/events/congress/venue/edit",
        {"name.en": "Friendship House", "name.ru": "Дом дружбы", "city": "Moscow", "country": "RU"},
    )
    assert good.status_code == 303
    db.expire_all()
    venue = await db.get(Venue, ids["venue"])
    assert venue is not None
    assert venue.name == {"en": "Friendship House", "ru": "Дом дружбы"}
    assert venue.country == "RU"
    venue_page = await client.get("/manage/events/congress/venue", headers=HTML)
    assert "Friendship House" in venue_page.text and "The venue was saved." in venue_page.text


async def test_room_edit_and_delete(client: AsyncTestClient, db: AsyncSession) -> None:
    ids = await planned_event(db)
    await as_role(client, db, Role.ORGANIZER)
    base = "/manage/events/congress/rooms"

    bad = await post_form(client, f"{base}/{ids['annex']}", {"name.en": "", "capacity": "55"})
    assert bad.status_code == 422
    assert 'id="name-error"' in bad.text
    assert 'value="55"' in bad.text
    good = await post_form(
        client, f"{base}/{ids['annex']}", {"name.en": "Small hall", "capacity": "55"}
    )
    assert good.status_code == 303
    db.expire_all()
    annex = await db.get(Room, ids["annex"])
    assert annex is not None and annex.name == {"en": "Small hall"} and annex.capacity == 55

    # The hall holds the opening session: the confirmation says so and offers no button.
    confirm = await client.get(f"{base}/{ids['hall']}/delete", headers=HTML)
    assert confirm.status_code == 200
    assert "1 session" in confirm.text
    assert "Delete room</button>" not in confirm.text
    refused = await post_form(client, f"{base}/{ids['hall']}/delete", {})
    assert refused.status_code == 409
    assert "cannot be deleted yet" in refused.text and "1 session" in refused.text
    assert await count(db, Room, Room.id == ids["hall"]) == 1

    confirm = await client.get(f"{base}/{ids['annex']}/delete", headers=HTML)
    assert "Delete room</button>" in confirm.text
    deleted = await post_form(client, f"{base}/{ids['annex']}/delete", {})
    assert deleted.status_code == 303
    assert await count(db, Room, Room.id == ids["annex"]) == 0
    page = await client.get("/manage/events/congress/venue", headers=HTML)
    assert "The room was deleted." in page.text


async def test_room_of_another_venue_is_not_found(
    client: AsyncTestClient, db: AsyncSession
) -> None:
    await planned_event(db)
    other = Venue(name={"en": "Elsewhere"})
    db.add(other)
    await db.flush()
    room = Room(venue_id=other.id, name={"en": "Side room"})
    db.add(room)
    await db.commit()
    await as_role(client, db, Role.ORGANIZER)
    assert (
        await client.get(f"/manage/events/congress/rooms/{room.id}", headers=HTML)
    ).status_code == 404
    assert (
        await post_form(client, f"/manage/events/congress/rooms/{room.id}/delete", {})
    ).status_code == 404


async def test_session_delete_takes_its_agenda_along(
    client: AsyncTestClient, db: AsyncSession
) -> None:
    ids = await planned_event(db)
    db.add(PresidiumSeat(session_id=ids["session"], seat_number=1, person_id=ids["ann"]))
    item = AgendaItem(session_id=ids["session"], position=1, kind=AgendaItemKind.SPEECH)
    db.add(item)
    await db.flush()
    speech = Speech(agenda_item_id=item.id, language="en", transcript={"en": "Friends!"})
    db.add(speech)
    await db.flush()
    db.add(SpeechSpeaker(speech_id=speech.id, person_id=ids["bob"], order=1))
    await db.commit()
    await as_role(client, db, Role.ORGANIZER)

    confirm = await client.get(f"/manage/sessions/{ids['session']}/delete", headers=HTML)
    assert confirm.status_code == 200
    assert "1 presidium seat" in confirm.text and "1 agenda item" in confirm.text
    deleted = await post_form(client, f"/manage/sessions/{ids['session']}/delete", {})
    assert deleted.status_code == 303
    assert deleted.headers["location"] == "/manage/events/congress"
    for model in (Session, PresidiumSeat, AgendaItem, Speech, SpeechSpeaker):
        assert await count(db, model) == 0, model
    deletions = (
        await db.scalars(select(AuditEntry.entity).where(AuditEntry.action == AuditAction.DELETE))
    ).all()
    assert sorted(deletions) == ["agenda_item", "presidium_seat", "session", "speech"]
    # The speakers can now be deleted: nothing refers to them any more.
    assert (await post_form(client, f"/manage/people/{ids['bob']}/delete", {})).status_code == 303


async def test_session_with_attendance_is_kept(client: AsyncTestClient, db: AsyncSession) -> None:
    ids = await planned_event(db)
    participant = Participant(event_id=ids["event"], person_id=ids["ann"])
    db.add(participant)
    await db.flush()
    db.add(
        Attendance(
            participant_id=participant.id, session_id=ids["session"], state=AttendanceState.PRESENT
        )
    )
    await db.commit()
    await as_role(client, db, Role.ORGANIZER)
    confirm = await client.get(f"/manage/sessions/{ids['session']}/delete", headers=HTML)
    assert "1 attendance record" in confirm.text
    refused = await post_form(client, f"/manage/sessions/{ids['session']}/delete", {})
    assert refused.status_code == 409
    assert "1 attendance record" in refused.text
    assert await count(db, Session) == 1


async def test_person_delete(client: AsyncTestClient, db: AsyncSession) -> None:
    ids = await planned_event(db)
    db.add(PresidiumSeat(session_id=ids["session"], seat_number=1, person_id=ids["ann"]))
    db.add(Position(person_id=ids["bob"], organization_id=ids["org"], title={"en": "Chair"}))
    await db.commit()
    await as_role(client, db, Role.ORGANIZER)

    refused = await post_form(client, f"/manage/people/{ids['ann']}/delete", {})
    assert refused.status_code == 409
    assert "1 presidium seat" in refused.text
    assert await count(db, Person, Person.id == ids["ann"]) == 1

    confirm = await client.get(f"/manage/people/{ids['bob']}/delete", headers=HTML)
    assert confirm.status_code == 200
    assert "Delete Bob Baker?" in confirm.text and "1 position" in confirm.text
    deleted = await post_form(client, f"/manage/people/{ids['bob']}/delete", {})
    assert deleted.status_code == 303
    assert await count(db, Person, Person.id == ids["bob"]) == 0
    assert await count(db, Position) == 0


async def test_organization_delete(client: AsyncTestClient, db: AsyncSession) -> None:
    ids = await planned_event(db)
    position = Position(person_id=ids["bob"], organization_id=ids["org"], title={"en": "Chair"})
    db.add(position)
    await db.commit()
    await as_role(client, db, Role.REGISTRAR)

    confirm = await client.get(f"/manage/organizations/{ids['org']}/delete", headers=HTML)
    assert "1 position" in confirm.text and "Delete organization</button>" not in confirm.text
    refused = await post_form(client, f"/manage/organizations/{ids['org']}/delete", {})
    assert refused.status_code == 409
    await db.delete(position)
    await db.commit()
    deleted = await post_form(client, f"/manage/organizations/{ids['org']}/delete", {})
    assert deleted.status_code == 303
    assert await count(db, Organization) == 0


async def test_deletes_are_refused_to_other_roles(
    client: AsyncTestClient, db: AsyncSession
) -> None:
    ids = await planned_event(db)
    anonymous = await post_form(client, f"/manage/sessions/{ids['session']}/delete", {})
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    await as_role(client, db, Role.EDITOR)
    for path in (
        f"/manage/sessions/{ids['session']}/delete",
        f"/manage/organizations/{ids['org']}/delete",
        f"/manage/people/{ids['ann']}/delete",
        f"/manage/events/congress/rooms/{ids['hall']}/delete",
        f"/manage/events/congress/rooms/{ids['hall']}",
        "/manage/events/congress/venue/edit",
    ):
        assert (await client.get(path, headers=HTML)).status_code == 403, path
        assert (await post_form(client, path, {})).status_code == 403, path
    assert await count(db, Session) == 1 and await count(db, Organization) == 1
