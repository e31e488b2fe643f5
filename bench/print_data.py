"""A large event for the printing benchmarks: 300 speeches of about 1,000 words, 5,000 participants.

    python bench/print_data.py DATA_DIR      # creates DATA_DIR/congress.db with the event

The speeches are mostly English, with Russian and Chinese originals among them (and
translations), so that the fonts and the fallback notes are exercised as in a real record.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import sys
import zoneinfo
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from congress.db.engine import make_engine
from congress.db.migrate import upgrade
from congress.domain.events.enums import EventStatus
from congress.domain.events.models import Event, Room, Venue
from congress.domain.people.enums import OrganizationKind
from congress.domain.people.models import Organization, Person, Position
from congress.domain.programme.enums import AgendaItemKind, SeatRole, SessionKind
from congress.domain.programme.models import (
    AgendaItem,
    PresidiumSeat,
    Session,
    Speech,
    SpeechSpeaker,
)
from congress.domain.registration.enums import ParticipantCategory, ParticipantStatus
from congress.domain.registration.models import Delegation, Participant
from congress.settings import Settings

SLUG = "bench-congress"
SESSIONS = 20
SPEECHES_PER_SESSION = 15
WORDS_PER_SPEECH = 1_000
PARTICIPANTS = 5_000
DELEGATIONS = 40

EN = [
    "the",
    "congress",
    "delegates",
    "peace",
    "friendship",
    "cooperation",
    "development",
    "people",
    "nations",
    "future",
    "history",
    "economy",
    "culture",
    "society",
    "youth",
    "dialogue",
    "education",
    "science",
    "exchange",
    "partnership",
    "respect",
    "tradition",
    "progress",
    "trust",
    "neighbours",
    "region",
    "country",
    "city",
    "common",
    "work",
    "together",
]
RU = [
    "конгресс",
    "делегаты",
    "мир",
    "дружба",
    "сотрудничество",
    "развитие",
    "народы",
    "будущее",
    "история",
    "экономика",
    "культура",
    "общество",
    "молодёжь",
    "диалог",
    "образование",
    "наука",
    "обмен",
    "партнёрство",
    "уважение",
    "традиция",
]
ZH = "大会代表和平友谊合作发展人民未来历史经济文化社会青年对话教育科学交流伙伴尊重传统进步信任"
FAMILY = [
    "Müller",
    "Ivanov",
    "Wang",
    "Schmidt",
    "Petrov",
    "Li",
    "Fischer",
    "Smirnov",
    "Zhang",
    "Weber",
    "Kuznetsov",
    "Chen",
]
GIVEN = [
    "Anna",
    "Boris",
    "Chen",
    "Dmitri",
    "Elena",
    "Felix",
    "Galina",
    "Hua",
    "Igor",
    "Julia",
    "Karl",
    "Lena",
    "Ming",
    "Nina",
]


def _text(rng: random.Random, lang: str, words: int) -> str:
    paragraphs = []
    remaining = words
    while remaining > 0:
        size = min(remaining, rng.randint(90, 160))
        remaining -= size
        if lang == "zh":
            paragraphs.append("".join(rng.choice(ZH) for _ in range(size * 2)) + "。")
        else:
            vocabulary = RU if lang == "ru" else EN
            sentence = " ".join(rng.choice(vocabulary) for _ in range(size))
            paragraphs.append(sentence[0].upper() + sentence[1:] + ".")
    return "\n\n".join(paragraphs)


async def build(db: AsyncSession, seed: int = 1) -> None:
    rng = random.Random(seed)
    zone = zoneinfo.ZoneInfo("Europe/Vienna")
    organizer = Organization(
        name={"en": "International Friendship Group", "ru": "Международная группа дружбы"},
        kind=OrganizationKind.COMMITTEE,
    )
    venue = Venue(name={"en": "House of Friendship"}, city="Vienna", country="AT")
    db.add_all([organizer, venue])
    await db.flush()
    rooms = [Room(venue_id=venue.id, name={"en": f"Hall {n}"}) for n in range(1, 4)]
    db.add_all(rooms)
    start = dt.date(2026, 5, 9)
    event = Event(
        slug=SLUG,
        name={"en": "Benchmark Congress", "ru": "Конгресс для замеров", "zh": "基准大会"},
        start_date=start,
        end_date=start + dt.timedelta(days=4),
        timezone="Europe/Vienna",
        venue_id=venue.id,
        languages=["en", "ru", "zh"],
        status=EventStatus.PUBLISHED,
    )
    event.organizers = [organizer]
    db.add(event)
    await db.flush()

    people = [
        Person(
            given_name={"en": rng.choice(GIVEN)},
            family_name={"en": f"{rng.choice(FAMILY)}-{n}"},
        )
        for n in range(PARTICIPANTS)
    ]
    db.add_all(people)
    await db.flush()
    positions = [
        Position(person_id=person.id, organization_id=organizer.id, title={"en": "Delegate"})
        for person in people[:400]
    ]
    db.add_all(positions)
    await db.flush()

    for n in range(SESSIONS):
        begins = dt.datetime.combine(
            start + dt.timedelta(days=n // 5), dt.time(9 + 2 * (n % 5)), tzinfo=zone
        )
        session = Session(
            event_id=event.id,
            title={"en": f"Plenary sitting {n + 1}", "ru": f"Пленарное заседание {n + 1}"},
            kind=SessionKind.PLENARY,
            room_id=rooms[n % 3].id,
            planned_start=begins,
            planned_end=begins + dt.timedelta(hours=2),
        )
        db.add(session)
        await db.flush()
        for seat in range(5):
            db.add(
                PresidiumSeat(
                    session_id=session.id,
                    seat_number=seat + 1,
                    person_id=people[n * 5 + seat].id,
                    position_id=positions[n * 5 + seat].id,
                    role=SeatRole.CHAIR if seat == 2 else SeatRole.MEMBER,
                )
            )
        for k in range(SPEECHES_PER_SESSION):
            item = AgendaItem(
                session_id=session.id,
                position=k + 1,
                kind=AgendaItemKind.SPEECH,
                title={"en": f"Address {n + 1}.{k + 1} on friendship between peoples"},
            )
            db.add(item)
            await db.flush()
            original = "zh" if k % 7 == 3 else "ru" if k % 5 == 1 else "en"
            transcript = {original: _text(rng, original, WORDS_PER_SPEECH)}
            status = {original: "original"}
            if original != "en":
                transcript["en"] = _text(rng, "en", WORDS_PER_SPEECH)
                status["en"] = "translation"
            speech = Speech(
                agenda_item_id=item.id,
                language=original,
                transcript=transcript,
                transcript_status=status,
            )
            db.add(speech)
            await db.flush()
            speaker = people[100 + (n * SPEECHES_PER_SESSION + k) % 300]
            db.add(SpeechSpeaker(speech_id=speech.id, person_id=speaker.id))

    delegations = [
        Delegation(event_id=event.id, name={"en": f"Delegation {n + 1:02d}"}, quota=None)
        for n in range(DELEGATIONS)
    ]
    db.add_all(delegations)
    await db.flush()
    db.add_all(
        Participant(
            event_id=event.id,
            person_id=person.id,
            delegation_id=delegations[n % DELEGATIONS].id,
            organization_id=organizer.id,
            category=ParticipantCategory.DELEGATE,
            status=ParticipantStatus.ACCREDITED,
            badge_number=f"{n + 1:05d}",
            consent_publication=True,
        )
        for n, person in enumerate(people)
    )
    await db.commit()


async def _main(settings: Settings) -> None:
    engine = make_engine(settings)
    async with AsyncSession(engine, expire_on_commit=False) as db:
        await build(db)
    await engine.dispose()


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir=folder, database_url="")
    upgrade(settings)
    asyncio.run(_main(settings))
    print(f"{SLUG} written to {folder / 'congress.db'}")
