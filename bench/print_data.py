"""A large event for the printing benchmarks: 300 speeches of about 1,000 words, 5,000 participants,
and the decisions of its closing sitting.

    python bench/print_data.py DATA_DIR      # creates DATA_DIR/congress.db with the event

The speeches are mostly English, with Russian and Chinese originals among them (and
translations), so that the fonts and the fallback notes are exercised as in a real record.

The closing sitting takes a roll call, adopts a resolution by a roll-call vote of 200
delegations (5 to 50 votes each; the 40 delegations of the participants and 160 more that list
nobody) and elects a council of 15 among 24 candidates in two rounds; every sitting counts some
press, observers and guests without names (headcounts).
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
from congress.domain.decisions.enums import (
    ElectionStatus,
    HeadcountCategory,
    MajorityRule,
    MotionKind,
    MotionStatus,
    VoteMethod,
    VoteResult,
)
from congress.domain.decisions.models import (
    Candidate,
    Election,
    Headcount,
    Motion,
    RollCall,
    Vote,
)
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
# The roll-call vote of the closing sitting: this many delegations, each holding up to 50 votes.
VOTING_DELEGATIONS = 200
MOST_VOTES = 50
COUNCIL_SEATS, COUNCIL_CANDIDATES = 15, 24

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

    sessions: list[Session] = []
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
        sessions.append(session)
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
    await _decisions(db, rng, event, sessions, delegations, people)
    await db.commit()


COUNTRIES = ["Austria", "China", "Germany", "Kazakhstan", "Russia", "Serbia", "Mongolia", "Laos"]
BODIES = [
    "Friendship Society",
    "Union of Youth Organizations",
    "Association of Teachers and Scholars of the Northern and Eastern Provinces",
    "Council of Veterans",
    "Federation of Trade Unions",
]


async def _decisions(
    db: AsyncSession,
    rng: random.Random,
    event: Event,
    sessions: list[Session],
    delegations: list[Delegation],
    people: list[Person],
) -> None:
    closing = sessions[-1]
    # 160 more delegations that list nobody: the vote is by 200 delegations, the participants
    # chapter keeps its 40.
    voting = delegations + [
        Delegation(
            event_id=event.id,
            name={
                "en": f"{rng.choice(BODIES)} of {rng.choice(COUNTRIES)} ({n + 1})",
                "ru": f"Делегация {n + 1}",
            },
            quota=None,
        )
        for n in range(DELEGATIONS, VOTING_DELEGATIONS)
    ]
    db.add_all(voting[DELEGATIONS:])
    items = [
        AgendaItem(
            session_id=closing.id,
            position=SPEECHES_PER_SESSION + 1 + k,
            kind=AgendaItemKind.PROCEDURAL,
            title={"en": title},
            planned_start=closing.planned_end - dt.timedelta(minutes=30 - 15 * k),
        )
        for k, title in enumerate(("Adoption of the final resolution", "Election of the council"))
    ]
    db.add_all(items)
    await db.flush()
    held = {delegation.id: rng.randint(5, MOST_VOTES) for delegation in voting}
    present = {key: votes - rng.choice([0, 0, 0, 1]) for key, votes in held.items()}
    moment = items[0].planned_start
    assert moment is not None
    roll_call = RollCall(
        session_id=closing.id,
        taken_at=moment,
        accredited=sum(held.values()),
        present=sum(present.values()),
        quorum=sum(held.values()) // 2 + 1,
        quorum_rule="more than 1/2",
        quorum_met=True,
        by_delegation=[
            {"delegation_id": key, "accredited": held[key], "present": present[key]} for key in held
        ],
    )
    db.add(roll_call)
    text = _text(rng, "en", 400).replace("\n\n", "\n")
    motion = Motion(
        event_id=event.id,
        session_id=closing.id,
        agenda_item_id=items[0].id,
        kind=MotionKind.RESOLUTION,
        title={"en": "Final resolution of the Benchmark Congress"},
        text={"en": text},
        adopted_text={"en": text},
        status=MotionStatus.ADOPTED,
        decided_at=moment + dt.timedelta(minutes=10),
    )
    db.add(motion)
    await db.flush()
    breakdown = []
    for key, votes in present.items():
        against = rng.choice([0, 0, 0, 1, 2])
        abstaining = rng.choice([0, 0, 1, 3])
        breakdown.append(
            {
                "delegation_id": key,
                "held": votes,
                "votes_for": votes - against - abstaining,
                "votes_against": against,
                "abstaining": abstaining,
            }
        )
    db.add(
        Vote(
            event_id=event.id,
            motion_id=motion.id,
            method=VoteMethod.ROLL_CALL,
            majority=MajorityRule.TWO_THIRDS,
            roll_call_id=roll_call.id,
            taken_at=motion.decided_at,
            votes_for=sum(row["votes_for"] for row in breakdown),
            votes_against=sum(row["votes_against"] for row in breakdown),
            abstentions=sum(row["abstaining"] for row in breakdown),
            votes_held=sum(held.values()),
            result=VoteResult.ADOPTED,
            breakdown=breakdown,
        )
    )
    election = Election(
        event_id=event.id,
        session_id=closing.id,
        agenda_item_id=items[1].id,
        title={"en": "Election of the Council of the Benchmark Congress"},
        seats=COUNCIL_SEATS,
        status=ElectionStatus.DECIDED,
        decided_at=closing.planned_end,
    )
    db.add(election)
    await db.flush()
    candidates = [
        Candidate(election_id=election.id, person_id=person.id)
        for person in people[500 : 500 + COUNCIL_CANDIDATES]
    ]
    db.add_all(candidates)
    await db.flush()
    ballots = sum(present.values())
    first = {c.id: rng.randint(ballots // 2 + 1, ballots) for c in candidates[:12]}
    first |= {c.id: rng.randint(ballots // 10, ballots // 2) for c in candidates[12:]}
    second = {c.id: rng.randint(ballots // 10, ballots) for c in candidates[12:]}
    second_elected = sorted(second, key=lambda key: -second[key])[: COUNCIL_SEATS - 12]
    for number, tally, elected in (
        (1, first, list(first)[:12]),
        (2, second, second_elected),
    ):
        db.add(
            Vote(
                event_id=event.id,
                election_id=election.id,
                round=number,
                method=VoteMethod.SECRET_BALLOT,
                roll_call_id=roll_call.id,
                taken_at=closing.planned_end - dt.timedelta(minutes=10 - 5 * number),
                ballots=ballots,
                spoilt=rng.randint(0, 9),
                votes_held=sum(held.values()),
                tally={str(key): votes for key, votes in tally.items()},
                elected=elected,
                result=VoteResult.FURTHER_ROUND if number == 1 else VoteResult.ELECTED,
            )
        )
        for candidate in candidates:
            candidate.elected = candidate.elected or candidate.id in elected
    db.add_all(
        Headcount(
            session_id=session.id,
            category=category,
            count=rng.randint(3, 60),
            country=rng.choice([None, "AT", "CN", "DE"]),
            note={"en": note} if note else None,
        )
        for session in sessions
        for category, note in (
            (HeadcountCategory.PRESS, "journalists from several countries"),
            (HeadcountCategory.OBSERVERS, ""),
            (HeadcountCategory.GUESTS, "guests of the host city"),
        )
    )


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
