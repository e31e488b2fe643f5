"""Conflicts of the plan on the event and session pages: rooms used twice, people in two
places at once (across sessions and events), presidium members who are not participants."""

from __future__ import annotations

import datetime as dt

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.events.models import Event, Room, Venue
from congress.domain.people.models import Person
from congress.domain.programme.enums import AgendaItemKind
from congress.domain.programme.models import (
    AgendaItem,
    Award,
    PresidiumSeat,
    Session,
    Speech,
    SpeechSpeaker,
)
from congress.domain.registration.models import Participant
from tests.conftest import log_in, make_staff

HTML = {"accept": "text/html"}


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 5, 8, hour, minute, tzinfo=dt.UTC)


async def add_item(db: AsyncSession, session: Session, position: int, kind: AgendaItemKind) -> int:
    item = AgendaItem(session_id=session.id, position=position, kind=kind)
    db.add(item)
    await db.flush()
    return item.id


async def test_conflicts_are_shown(client: AsyncTestClient, db: AsyncSession) -> None:
    venue = Venue(name={"en": "House"})
    db.add(venue)
    await db.flush()
    hall = Room(venue_id=venue.id, name={"en": "Hall"})
    congress = Event(
        slug="congress",
        name={"en": "Congress"},
        start_date=dt.date(2026, 5, 8),
        end_date=dt.date(2026, 5, 8),
        venue_id=venue.id,
    )
    forum = Event(
        slug="forum",
        name={"en": "Youth Forum"},
        start_date=dt.date(2026, 5, 8),
        end_date=dt.date(2026, 5, 8),
    )
    speaker = Person(given_name={"en": "Sam"}, family_name={"en": "Speaker"})
    chair = Person(given_name={"en": "Cleo"}, family_name={"en": "Chair"})
    guest = Person(given_name={"en": "Gus"}, family_name={"en": "Guest"})
    db.add_all([hall, congress, forum, speaker, chair, guest])
    await db.flush()
    opening = Session(
        event_id=congress.id,
        title={"en": "Opening"},
        room_id=hall.id,
        planned_start=at(10),
        planned_end=at(12),
    )
    plenary = Session(
        event_id=congress.id,
        title={"en": "Plenary"},
        room_id=hall.id,
        planned_start=at(11),
        planned_end=at(13),
    )
    evening = Session(
        event_id=congress.id, title={"en": "Evening"}, planned_start=at(18), planned_end=at(19)
    )
    youth = Session(
        event_id=forum.id,
        title={"en": "Youth debate"},
        planned_start=at(10, 30),
        planned_end=at(11, 30),
    )
    db.add_all([opening, plenary, evening, youth])
    await db.flush()
    # Sam speaks at the opening and receives an award in the plenary, which overlaps it.
    speech = Speech(
        agenda_item_id=await add_item(db, opening, 1, AgendaItemKind.SPEECH), language="en"
    )
    db.add(speech)
    await db.flush()
    db.add(SpeechSpeaker(speech_id=speech.id, person_id=speaker.id, order=1))
    db.add(
        Award(
            agenda_item_id=await add_item(db, plenary, 1, AgendaItemKind.AWARD),
            name={"en": "Badge"},
            recipient_id=speaker.id,
        )
    )
    # Cleo chairs the opening (a participant) and sits on the youth forum's presidium at once.
    db.add(Participant(event_id=congress.id, person_id=chair.id))
    db.add(PresidiumSeat(session_id=opening.id, seat_number=1, person_id=chair.id))
    db.add(PresidiumSeat(session_id=youth.id, seat_number=1, person_id=chair.id))
    # Gus sits on the evening's presidium without being a participant.
    db.add(PresidiumSeat(session_id=evening.id, seat_number=1, person_id=guest.id))
    await db.commit()

    user, _ = await make_staff(db, Role.ORGANIZER)
    await log_in(client, user.email)
    page = (await client.get("/manage/events/congress", headers=HTML)).text
    assert "Room used twice at once:" in page
    assert "Sam Speaker is in two places at once:" in page
    assert "Cleo Chair is in two places at once:" in page
    assert "another event: Youth Forum" in page
    assert f'href="/manage/sessions/{youth.id}"' in page
    assert "Gus Guest sits on the presidium of Evening but is not a participant" in page
    assert "Cleo Chair sits on the presidium" not in page

    evening_page = (await client.get(f"/manage/sessions/{evening.id}", headers=HTML)).text
    assert "1 conflict in the plan" in evening_page
    assert "not a participant" in evening_page and "Room used twice" not in evening_page
    opening_page = (await client.get(f"/manage/sessions/{opening.id}", headers=HTML)).text
    assert "3 conflicts in the plan" in opening_page

    # The other event sees the same clash from its side.
    forum_page = (await client.get("/manage/events/forum", headers=HTML)).text
    assert "Cleo Chair is in two places at once:" in forum_page
    assert "another event: Congress" in forum_page
