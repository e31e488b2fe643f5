"""Generated events of any size, for query-count tests and the publishing benchmarks."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from sqlalchemy.ext.asyncio import AsyncSession

from congress.db.base import utc_now
from congress.domain.events.enums import EventStatus
from congress.domain.events.models import Event, Room, Venue
from congress.domain.people.enums import OrganizationKind
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
from congress.domain.publishing.models import Category, Record, Tag

LANGUAGES = ["en", "ru", "zh", "de"]


def _words(n: int) -> dict[str, str]:
    return {
        "en": f"Session {n}: cooperation and friendship between peoples",
        "ru": f"Заседание {n}: сотрудничество и дружба между народами",
        "zh": f"第{n}次会议：各国人民之间的合作与友谊",
        "de": f"Sitzung {n}: Zusammenarbeit und Freundschaft zwischen den Völkern",
    }


async def build_event(
    db: AsyncSession,
    *,
    slug: str = "generated-congress",
    sessions: int = 10,
    speeches_per_session: int = 5,
    days: int = 3,
    rooms: int = 6,
    status: EventStatus = EventStatus.PUBLISHED,
    people: int = 200,
) -> Event:
    """A published four-language event with sessions spread over days and rooms."""
    zone = zoneinfo.ZoneInfo("Europe/Berlin")
    organization = Organization(
        name={"en": "International Friendship Group", "ru": "Международная группа дружбы"},
        kind=OrganizationKind.COMMITTEE,
        country="DE",
    )
    venue = Venue(
        name={"en": "House of Friendship", "de": "Haus der Freundschaft"},
        address={"en": "1 Peace Street"},
        city="Berlin",
        country="DE",
    )
    db.add_all([organization, venue])
    await db.flush()
    room_rows = [
        Room(venue_id=venue.id, name={"en": f"Hall {n + 1}", "de": f"Saal {n + 1}"})
        for n in range(rooms)
    ]
    db.add_all(room_rows)
    start = dt.date(2026, 5, 9)
    event = Event(
        slug=slug,
        acronym="ifc2",
        name={
            "en": "Second International Friendship Congress",
            "ru": "Второй международный конгресс дружбы",
            "zh": "第二届国际友好大会",
            "de": "Zweiter Internationaler Freundschaftskongress",
        },
        description={"en": "Delegates from many countries.", "ru": "Делегаты из многих стран."},
        edition=2,
        start_date=start,
        end_date=start + dt.timedelta(days=days - 1),
        timezone="Europe/Berlin",
        venue_id=venue.id,
        languages=LANGUAGES,
        status=status,
    )
    event.organizers = [organization]
    db.add(event)
    person_rows = [
        Person(
            given_name={"en": f"Anna{n}", "ru": f"Анна{n}"},
            family_name={"en": f"Petrova{n}", "ru": f"Петрова{n}", "zh": f"彼得罗娃{n}"},
        )
        for n in range(people)
    ]
    db.add_all(person_rows)
    await db.flush()
    positions = [
        Position(person_id=person.id, organization_id=organization.id, title={"en": "Delegate"})
        for person in person_rows
    ]
    db.add_all(positions)
    session_rows = []
    per_day = max(1, -(-sessions // days))
    for n in range(sessions):
        day, slot = divmod(n, per_day)
        begin = dt.datetime.combine(
            start + dt.timedelta(days=day), dt.time(9), zone
        ) + dt.timedelta(minutes=30 * (slot // rooms))
        session_rows.append(
            Session(
                event_id=event.id,
                title=_words(n + 1),
                description={"en": f"Talks of session {n + 1}."},
                kind=SessionKind.CEREMONY if n == 0 else SessionKind.PLENARY,
                room_id=room_rows[n % rooms].id,
                planned_start=begin,
                planned_end=begin + dt.timedelta(minutes=30),
            )
        )
    db.add_all(session_rows)
    await db.flush()
    items: list[AgendaItem] = []
    for session in session_rows:
        for position in range(1, speeches_per_session + 1):
            items.append(
                AgendaItem(session_id=session.id, position=position, kind=AgendaItemKind.SPEECH)
            )
    first = session_rows[0]
    extra = [
        AgendaItem(session_id=first.id, position=speeches_per_session + n, kind=kind)
        for n, kind in enumerate((AgendaItemKind.AWARD, AgendaItemKind.GIFT), start=1)
    ]
    db.add_all(items + extra)
    await db.flush()
    speeches = [
        Speech(
            agenda_item_id=item.id,
            language=LANGUAGES[n % 4],
            title={"en": f"Address {n + 1}"},
            transcript={
                "en": f"Dear friends,\n\nThis is speech {n + 1}. We meet in peace.",
                "ru": f"Дорогие друзья!\n\nЭто выступление {n + 1}.",
            },
            approved=True,
        )
        for n, item in enumerate(items)
    ]
    db.add_all(speeches)
    await db.flush()
    speakers = [
        SpeechSpeaker(
            speech_id=speech.id,
            person_id=person_rows[n % people].id,
            position_id=positions[n % people].id,
            order=1,
        )
        for n, speech in enumerate(speeches)
    ]
    award_item, gift_item = extra
    db.add_all(
        [
            *speakers,
            Award(
                agenda_item_id=award_item.id,
                name={"en": "Commemorative badge", "ru": "Памятный знак"},
                recipient_id=person_rows[1].id,
                presenter_id=person_rows[0].id,
            ),
            Gift(
                agenda_item_id=gift_item.id,
                giver_id=person_rows[2].id,
                recipient_id=person_rows[3].id,
                received_by_id=person_rows[4].id,
                description={"en": "A painting", "ru": "Картина"},
            ),
            *(
                PresidiumSeat(
                    session_id=first.id,
                    seat_number=n + 1,
                    person_id=person_rows[n].id,
                    position_id=positions[n].id,
                    role=SeatRole.CHAIR if n == 1 else SeatRole.MEMBER,
                )
                for n in range(3)
            ),
        ]
    )
    category = Category(slug=f"{slug}-reports", name={"en": "Reports", "ru": "Репортажи"})
    tag = Tag(slug=f"{slug}-friendship", name={"en": "Friendship", "ru": "Дружба"})
    db.add_all([category, tag])
    await db.flush()
    record = Record(
        event_id=event.id,
        slug="opening",
        headline={"en": "The congress opened", "ru": "Конгресс открылся"},
        lead={"en": "Delegates gathered in the hall.", "ru": "Делегаты собрались в зале."},
        body={"en": "<p>The opening ceremony began.</p>", "ru": "<p>Церемония началась.</p>"},
        category_id=category.id,
        status=RecordStatus.PUBLISHED,
        published_at=utc_now(),
    )
    record.tags = [tag]
    db.add(record)
    await db.commit()
    return event
