"""The demo event: loads on both databases, has the shape of DESIGN.md §2, replaces cleanly."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from congress.demo import DEMO_SLUG, load_demo
from congress.domain.checkin.enums import AttendanceState
from congress.domain.checkin.models import Attendance
from congress.domain.events.enums import EventStatus
from congress.domain.events.models import Event, Room, Venue
from congress.domain.people.models import Organization, Person, Position
from congress.domain.programme.enums import AgendaItemKind, SeatRole, SessionKind
from congress.domain.programme.models import (
    AgendaItem,
    Award,
    Gift,
    PresidiumSeat,
    Session,
    Speech,
    SpeechSpeaker,
)
from congress.domain.publishing.enums import RecordStatus
from congress.domain.publishing.models import Record
from congress.domain.registration.enums import (
    ACTIVE_STATUSES,
    ParticipantCategory,
    ParticipantStatus,
)
from congress.domain.registration.models import Delegation, Participant

START = dt.date(2026, 7, 29)
LANGUAGES = ["en", "ru", "zh", "de"]


async def _count(db: AsyncSession, model: Any) -> int:
    return int(await db.scalar(select(func.count()).select_from(model)) or 0)


async def _counts(db: AsyncSession) -> dict[str, int]:
    return {
        model.__name__: await _count(db, model)
        for model in (Event, Person, Organization, Position, Venue, Room, Participant, Session)
    }


async def _event(db: AsyncSession) -> Event:
    return (await db.scalars(select(Event).where(Event.slug == DEMO_SLUG))).one()


async def _load(db: AsyncSession, **kwargs: Any) -> str | None:
    slug = await load_demo(db, start=START, **kwargs)
    await db.commit()
    return slug


async def test_event_days_venue_and_organizers(db: AsyncSession) -> None:
    assert await _load(db) == DEMO_SLUG
    event = (
        await db.scalars(
            select(Event)
            .where(Event.slug == DEMO_SLUG)
            .options(selectinload(Event.organizers).selectinload(Organization.children))
        )
    ).one()
    assert event.status is EventStatus.PUBLISHED
    assert event.languages == LANGUAGES
    assert event.acronym and len(event.acronym) >= 4
    assert set(event.name) == set(LANGUAGES)
    assert (event.start_date, event.end_date) == (START, START + dt.timedelta(days=2))
    assert event.venue_id is not None
    rooms = await db.scalar(select(func.count()).where(Room.venue_id == event.venue_id))
    assert rooms is not None and rooms >= 3

    alliance = next(org for org in event.organizers if org.children)
    committee_countries = {child.country for child in alliance.children if child.country}
    assert len(committee_countries) >= 3


async def test_sessions_every_day_opening_ceremony_first(db: AsyncSession) -> None:
    await _load(db)
    event = await _event(db)
    sessions = (
        await db.scalars(
            select(Session).where(Session.event_id == event.id).order_by(Session.planned_start)
        )
    ).all()
    assert sessions[0].kind is SessionKind.CEREMONY
    assert sessions[0].title["en"] == "Opening ceremony"
    assert sessions[1].title["en"].startswith("First day of the congress")
    per_day = Counter(
        session.planned_start.astimezone(event_zone(event)).date() for session in sessions
    )
    assert sorted(per_day) == [START + dt.timedelta(days=n) for n in range(3)]
    assert all(count >= 2 for count in per_day.values())
    assert per_day[START] >= 3
    kinds = {session.kind for session in sessions}
    assert {SessionKind.SECTION, SessionKind.ROUND_TABLE, SessionKind.RECEPTION} <= kinds
    assert all(set(session.title) == set(LANGUAGES) for session in sessions)


def event_zone(event: Event) -> Any:
    import zoneinfo

    return zoneinfo.ZoneInfo(event.timezone)


async def _opening(db: AsyncSession) -> Session:
    event = await _event(db)
    return (
        await db.scalars(
            select(Session)
            .where(Session.event_id == event.id, Session.kind == SessionKind.CEREMONY)
            .order_by(Session.planned_start)
            .limit(1)
            .options(
                selectinload(Session.presidium).selectinload(PresidiumSeat.position),
                selectinload(Session.agenda).options(
                    selectinload(AgendaItem.gift),
                    selectinload(AgendaItem.award),
                    selectinload(AgendaItem.speech)
                    .selectinload(Speech.speakers)
                    .selectinload(SpeechSpeaker.position),
                ),
            )
        )
    ).one()


async def test_presidium_of_three_with_positions(db: AsyncSession) -> None:
    await _load(db)
    opening = await _opening(db)
    seats = opening.presidium
    assert [seat.seat_number for seat in seats] == [1, 2, 3]
    assert [seat.role for seat in seats].count(SeatRole.CHAIR) == 1
    assert all(seat.position is not None for seat in seats)
    titles = [seat.position.title["en"] for seat in seats if seat.position]
    assert titles[0].startswith("Adviser to the Ambassador")
    assert seats[1].role is SeatRole.CHAIR and "Organizing Committee" in titles[1]
    assert "Friendship Society" in titles[2]


async def test_agenda_gift_award_then_three_speeches(db: AsyncSession) -> None:
    await _load(db)
    agenda = (await _opening(db)).agenda
    assert [item.kind for item in agenda] == [
        AgendaItemKind.GIFT,
        AgendaItemKind.AWARD,
        AgendaItemKind.SPEECH,
        AgendaItemKind.SPEECH,
        AgendaItemKind.SPEECH,
    ]
    gift, award = agenda[0].gift, agenda[1].award
    assert isinstance(gift, Gift) and gift.received_by_id is not None
    assert gift.received_by_id != gift.recipient_id and gift.by_proxy
    # The ambassador was not there: not checked in, while his proxy was.
    rows = await db.execute(
        select(Participant.person_id, Participant.status).where(
            Participant.person_id.in_([gift.recipient_id, gift.received_by_id])
        )
    )
    statuses = {person_id: status for person_id, status in rows}
    assert statuses[gift.received_by_id] is ParticipantStatus.CHECKED_IN
    assert statuses[gift.recipient_id] is not ParticipantStatus.CHECKED_IN
    assert isinstance(award, Award) and award.kind.value == "badge"
    assert award.citation and set(award.citation) == set(LANGUAGES)

    joint, welcome, address = (item.speech for item in agenda[2:])
    assert joint and welcome and address
    assert len(joint.speakers) == 2
    assert all(speaker.position is not None for speaker in joint.speakers)
    assert all(speaker.capacity for speaker in joint.speakers)
    assert welcome.kind.value == "welcome" and len(welcome.speakers) == 1
    capacity = welcome.speakers[0].capacity
    assert capacity and "greetings" in capacity["en"] and "President" in capacity["en"]
    assert address.kind.value == "address"
    assert address.speakers[0].position is not None
    assert "Chairman" in address.speakers[0].position.title["en"]


async def test_full_transcripts_in_several_languages(db: AsyncSession) -> None:
    await _load(db)
    speeches = [item.speech for item in (await _opening(db)).agenda if item.speech]
    assert len(speeches) == 3
    for speech in speeches:
        assert len(speech.transcript) >= 2
        assert speech.transcript_status[speech.language] == "original"
        assert set(speech.transcript_status) == set(speech.transcript)
        assert all(
            status == "translation"
            for language, status in speech.transcript_status.items()
            if language != speech.language
        )
        for text in speech.transcript.values():
            assert text.count("\n\n") >= 3, "a full transcript has several paragraphs"
            assert len(text) > 400
    assert any({"ru", "zh"} <= set(speech.transcript) for speech in speeches)
    assert any("de" in speech.transcript for speech in speeches)
    # The scripts really are Cyrillic and Chinese.
    assert any("\u4e00" <= ch <= "\u9fff" for s in speeches for ch in s.transcript.get("zh", ""))
    assert any("\u0400" <= ch <= "\u04ff" for s in speeches for ch in s.transcript.get("ru", ""))


async def test_participants_delegations_and_press(db: AsyncSession) -> None:
    await _load(db)
    event = await _event(db)
    participants = (
        await db.scalars(
            select(Participant)
            .where(Participant.event_id == event.id)
            .options(selectinload(Participant.person), selectinload(Participant.organization))
        )
    ).all()
    assert 180 <= len(participants) <= 220
    assert {p.status for p in participants} == set(ParticipantStatus)
    assert set(ParticipantCategory) <= {p.category for p in participants}
    consenting = sum(p.consent_publication for p in participants)
    assert consenting > len(participants) / 2
    badges = [p.badge_number for p in participants if p.badge_number]
    assert len(badges) == len(set(badges)) > 100

    observers = [p for p in participants if p.category is ParticipantCategory.OBSERVER]
    assert len({p.organization.country for p in observers if p.organization}) == 3

    chinese = [p.person for p in participants if p.person.country == "CN"]
    assert chinese and all(person.family_name_first for person in chinese)
    assert all("zh" in person.family_name for person in chinese)

    delegations = (
        await db.scalars(select(Delegation).where(Delegation.event_id == event.id))
    ).all()
    assert len({d.country for d in delegations}) >= 4
    for delegation in delegations:
        assert delegation.head_id is not None and delegation.quota
        members = [p for p in participants if p.delegation_id == delegation.id]
        assert delegation.head_id in {p.person_id for p in members}
        assert sum(p.status in ACTIVE_STATUSES for p in members) <= delegation.quota


async def test_attendance_of_the_first_sittings(db: AsyncSession) -> None:
    await _load(db)
    states = Counter((await db.scalars(select(Attendance.state))).all())
    assert set(states) == set(AttendanceState)
    assert states[AttendanceState.PRESENT] > states[AttendanceState.ABSENT]
    sessions = (await db.scalars(select(Attendance.session_id).distinct())).all()
    assert len(sessions) == 2


async def test_published_record_of_the_opening(db: AsyncSession) -> None:
    await _load(db)
    record = (
        await db.scalars(
            select(Record).options(selectinload(Record.tags), selectinload(Record.category))
        )
    ).one()
    assert record.status is RecordStatus.PUBLISHED and record.published_at is not None
    assert record.session_id == (await _opening(db)).id
    for field in (record.headline, record.lead, record.body):
        assert field is not None and set(field) == set(LANGUAGES)
    assert record.category is not None and len(record.tags) >= 3


async def test_only_if_missing_is_idempotent(db: AsyncSession) -> None:
    await _load(db)
    before = await _counts(db)
    assert await _load(db, only_if_missing=True) is None
    assert await _counts(db) == before


async def test_replacing_leaves_no_leftovers(db: AsyncSession) -> None:
    await _load(db)
    before = await _counts(db)
    played_with = await _event(db)
    played_with.name = {"en": "Renamed while trying things out"}
    await db.commit()
    db.expunge_all()

    assert await _load(db) == DEMO_SLUG
    assert (await _event(db)).name["en"] == "Second International Friendship Congress"
    assert await _counts(db) == before


async def test_replacing_keeps_what_another_event_uses(db: AsyncSession) -> None:
    await _load(db)
    demo = await _event(db)
    reused = (
        await db.scalars(
            select(Participant)
            .where(Participant.event_id == demo.id, Participant.organization_id.is_not(None))
            .options(selectinload(Participant.person))
            .limit(1)
        )
    ).one()
    other = Event(slug="other", name={"en": "Other"}, start_date=START, end_date=START)
    db.add(other)
    await db.flush()
    db.add(
        Participant(
            event_id=other.id,
            person_id=reused.person_id,
            organization_id=reused.organization_id,
        )
    )
    await db.commit()
    person_id, organization_id, email = (
        reused.person_id,
        reused.organization_id,
        reused.person.email,
    )

    assert await _load(db) == DEMO_SLUG
    kept = await db.get(Person, person_id)
    assert kept is not None and kept.email == email
    assert await db.get(Organization, organization_id) is not None
    assert await _count(db, Event) == 2


async def test_api_lists_the_demo(db: AsyncSession, client: AsyncTestClient) -> None:
    await _load(db)
    listed = await client.get("/api/v1/events")
    assert listed.status_code == 200
    assert [item["slug"] for item in listed.json()["items"]] == [DEMO_SLUG]
    sessions = await client.get(f"/api/v1/events/{DEMO_SLUG}/sessions")
    assert sessions.status_code == 200, sessions.text
    assert sessions.json()["total"] == 10


async def test_default_start_is_yesterday(db: AsyncSession) -> None:
    await load_demo(db)
    await db.commit()
    event = await _event(db)
    today = dt.datetime.now(event_zone(event)).date()
    assert event.start_date == today - dt.timedelta(days=1)
