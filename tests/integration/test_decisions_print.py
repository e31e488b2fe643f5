"""Decisions in the printed proceedings, read back with pypdf.

On the demo (laid out once for the module, in parts as a large book is): the "Decisions"
chapter (the declaration as adopted with each delegation's votes, the election's rounds and the
elected); each decision in its place in the programme as held, with its figures and a link to
its full entry; every headcount, apart from the named participants, in the proceedings and in
the attendance list's totals. Then a roll-call vote of 200 delegations laid out as a table.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.pool import NullPool

from congress.db.engine import make_engine
from congress.demo import DEMO_SLUG
from congress.documents.assemble import Assembled
from congress.domain.checkin.exporters import ListSpec
from congress.domain.checkin.printing import attendance_pdf
from congress.domain.decisions.enums import (
    HEADCOUNT_LABELS,
    MajorityRule,
    MotionKind,
    MotionStatus,
    VoteMethod,
    VoteResult,
)
from congress.domain.decisions.models import Election, Headcount, Motion, RollCall, Vote
from congress.domain.decisions.queries import unnamed_counts
from congress.domain.events.enums import EventStatus
from congress.domain.events.models import Event
from congress.domain.people.models import Person
from congress.domain.people.services import person_name
from congress.domain.programme.enums import AgendaItemKind
from congress.domain.programme.models import AgendaItem, Session
from congress.domain.publishing.printing import load_proceedings, proceedings_pdf
from congress.domain.publishing.services import public_event
from congress.domain.registration.models import Delegation
from congress.messages import gettext_in
from congress.settings import Settings
from tests.conftest import IS_POSTGRES, _pg_admin, _pg_url
from tests.pdf import Pdf, squash


@dataclass
class Printed:
    """The demo's English proceedings, laid out in parts, and what the database says."""

    result: Assembled
    pdf: Pdf
    motion: Motion
    vote: Vote
    item_title: str
    delegations: dict[int, dict[str, str]]
    roll_call: RollCall
    elected: list[str]
    headcounts: list[tuple[str, Headcount]]  # (session title, headcount)

    def pages(self, first: str, after: str) -> range:
        """Indexes of the pages from anchor ``first`` up to the page before ``after``'s."""
        return range(self.result.numbers[first] - 1, self.result.numbers[after] - 1)


@pytest.fixture(scope="module")
def demo_settings(
    demo_template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    """A copy of the demo database for this module's readers (nothing here writes to it)."""
    data_dir = tmp_path_factory.mktemp("decisions-print")
    if IS_POSTGRES:
        name = f"congress_dp_{uuid.uuid4().hex[:10]}"
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{demo_template}"'))
        yield Settings(database_url=_pg_url(name), data_dir=data_dir, secret_key="test-secret")
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        shutil.copyfile(demo_template, data_dir / "congress.db")
        yield Settings(database_url="", data_dir=data_dir, secret_key="test-secret")


async def _read_demo(settings: Settings) -> tuple[Any, dict[str, Any]]:
    engine = make_engine(settings, poolclass=NullPool)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as db:
            event = await public_event(db, None, DEMO_SLUG)
            book = await load_proceedings(db, event, "en")
            motion = (await db.execute(select(Motion))).scalar_one()
            item = await db.get(AgendaItem, motion.agenda_item_id)
            assert item is not None and item.title is not None
            election = (
                await db.execute(select(Election).options(selectinload(Election.candidates)))
            ).scalar_one()
            people = {c.person_id for c in election.candidates if c.elected}
            elected = [
                person_name(person, "en", event.languages)
                for person in (await db.scalars(select(Person).where(Person.id.in_(people))))
            ]
            headcounts = (
                await db.execute(
                    select(Session.title, Headcount)
                    .join(Session, Session.id == Headcount.session_id)
                    .order_by(Headcount.id)
                )
            ).all()
            facts = {
                "motion": motion,
                "vote": (
                    await db.execute(select(Vote).where(Vote.motion_id == motion.id))
                ).scalar_one(),
                "item_title": item.title["en"],
                "delegations": dict(
                    (await db.execute(select(Delegation.id, Delegation.name))).tuples().all()
                ),
                "roll_call": (await db.execute(select(RollCall))).scalar_one(),
                "elected": elected,
                "headcounts": [(title["en"], headcount) for title, headcount in headcounts],
            }
            return book, facts
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def printed(demo_settings: Settings) -> Printed:
    book, facts = asyncio.run(_read_demo(demo_settings))
    result = proceedings_pdf(book, demo_settings, parallel=True)
    return Printed(result, Pdf(result.pdf), **facts)


def test_decisions_chapter(printed: Printed) -> None:
    pdf, vote = printed.pdf, printed.vote
    chapter = squash("".join(pdf.pages[printed.result.numbers["decisions"] - 1 :]))
    assert chapter.startswith(squash("Decisions Final declaration"))
    assert "Decisions" in pdf.outline_titles()
    assert printed.motion.adopted_text is not None
    for line in printed.motion.adopted_text["en"].splitlines():
        assert squash(line) in chapter
    assert (
        squash(
            f"for {vote.votes_for}, against {vote.votes_against}, abstaining {vote.abstentions} — Adopted"
        )
        in chapter
    )
    assert vote.breakdown is not None
    for row in vote.breakdown:
        name = printed.delegations[row["delegation_id"]]["en"]
        cells = f"{name}{row['held']}{row['votes_for']}{row['votes_against']}{row['abstaining']}"
        assert squash(cells) in chapter
    total = (
        f"Total{sum(row['held'] for row in vote.breakdown)}"
        f"{vote.votes_for}{vote.votes_against}{vote.abstentions}"
    )
    assert squash(total) in chapter
    assert squash("Round 2 · Secret ballot") in chapter and squash("Elected:") in chapter


def test_each_decision_in_its_place_in_the_programme_as_held(printed: Printed) -> None:
    pdf, result, vote = printed.pdf, printed.result, printed.vote
    first_session = next(key for key in result.numbers if key.startswith("session-"))
    held = printed.pages("programme-as-held", first_session)
    here = [i for i in held if squash(printed.item_title) in pdf.squashed[i]]
    assert len(here) == 1, "the agenda item is on one page of the programme as held"
    page = pdf.squashed[here[0]]
    # The decision, at its item: the motion, how it was voted, the figures and the result.
    motion_title = printed.motion.title["en"]
    after_item = page[page.index(squash(printed.item_title)) :]
    assert squash(motion_title) in after_item
    # "Roll call by delegation · Two-thirds majority (1:37 PM): for 44, …" (time left out).
    assert squash(
        "Roll call by delegation · Two-thirds majority:"
        f"for {vote.votes_for}, against {vote.votes_against}, "
        f"abstaining {vote.abstentions} — Adopted"
    ) in re.sub(r"\(\d[^)]*\)", "", after_item)
    roll = printed.roll_call
    assert (
        squash(
            f"{roll.present} of {roll.accredited} accredited delegates present; quorum {roll.quorum}"
        )
        in page
    )
    # The election, with the elected.
    assert squash("Round 2 · Secret ballot") in page
    for name in printed.elected:
        assert squash(name) in page
    # The links from that page go to the full entries in the "Decisions" chapter.
    decisions = printed.pages("decisions", "participants")
    targets = pdf.link_targets(here[0])
    motion_page = result.numbers[f"decision-motion-{printed.motion.id}"] - 1
    assert motion_page in targets and motion_page in decisions
    assert squash(motion_title) in pdf.squashed[motion_page]
    assert all(target in decisions for target in targets)


def test_every_headcount_is_printed_apart_from_named_participants(printed: Printed) -> None:
    pdf, result = printed.pdf, printed.result
    first_session = next(key for key in result.numbers if key.startswith("session-"))
    held = "".join(pdf.squashed[i] for i in printed.pages("programme-as-held", first_session))
    participants = "".join(
        pdf.squashed[result.numbers["participants"] - 1 : result.numbers["speaker-index"] - 1]
    )
    assert printed.headcounts
    totals: dict[str, int] = {}
    for title, headcount in printed.headcounts:
        word = gettext_in("en", HEADCOUNT_LABELS[headcount.category])
        line = f"{word}: {headcount.count}"
        if headcount.note:
            line += f" — {headcount.note['en']}"
        assert squash(line) in held, line
        assert squash(line) in participants, line
        totals[title] = totals.get(title, 0) + headcount.count
    for count in totals.values():
        assert squash(f"Counted without names: {count}") in held
    assert squash(f"Counted without names: {sum(totals.values())}") in participants
    # Apart from the participants by delegation: after the last of them, under its own heading.
    assert participants.index(squash("Also present, not registered by name")) > participants.index(
        squash("Participants by delegation")
    )


async def test_attendance_list_totals_count_headcounts(demo_settings: Settings) -> None:
    engine = make_engine(demo_settings, poolclass=NullPool)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as db:
            event = await public_event(db, None, DEMO_SLUG)
            closing = (
                await db.scalars(
                    select(Session)
                    .where(Session.event_id == event.id)
                    .order_by(Session.planned_start.desc())
                )
            ).first()
            counted = await unnamed_counts(db, event.id)
            at_closing = await unnamed_counts(db, event.id, closing.id if closing else None)
        whole = Pdf(
            (
                await attendance_pdf(
                    engine, ListSpec(event), settings=demo_settings, unnamed=counted
                )
            ).pdf
        )
        sheet = Pdf(
            (
                await attendance_pdf(
                    engine, ListSpec(event, closing), settings=demo_settings, unnamed=at_closing
                )
            ).pdf
        )
    finally:
        await engine.dispose()
    for pdf, counts in ((whole, counted), (sheet, at_closing)):
        first = pdf.squashed[0]
        assert squash("Also present, not registered by name") in first
        for label, count in counts:
            assert squash(f"{gettext_in('en', label)} {count}") in first
        assert squash(f"({sum(count for _, count in counts)})") in first
    assert dict(at_closing) != dict(counted)


DELEGATIONS = 200


async def _vote_of_200(db: AsyncSession) -> tuple[Event, list[str], Vote]:
    """An event whose closing sitting adopted a resolution by a roll call of 200 delegations
    (up to 50 votes each), some with long names."""
    start = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
    event = Event(
        slug="two-hundred",
        name={"en": "Congress of 200 delegations", "ru": "Конгресс 200 делегаций"},
        start_date=start.date(),
        end_date=start.date(),
        languages=["en", "ru"],
        status=EventStatus.PUBLISHED,
    )
    db.add(event)
    await db.flush()
    session = Session(
        event_id=event.id,
        title={"en": "Plenary", "ru": "Пленарное заседание"},
        planned_start=start,
        planned_end=start + dt.timedelta(hours=3),
    )
    db.add(session)
    await db.flush()
    item = AgendaItem(
        session_id=session.id,
        position=1,
        kind=AgendaItemKind.PROCEDURAL,
        title={"en": "Adoption of the resolution", "ru": "Принятие резолюции"},
        planned_start=start,
    )
    db.add(item)
    names = [
        f"Delegation {n + 1:03d}"
        + (
            " of the United Federation of Friendship Societies of the Northern Regions"
            if n % 17 == 0
            else ""
        )
        for n in range(DELEGATIONS)
    ]
    delegations = [
        Delegation(
            event_id=event.id, name={"en": name, "ru": name.replace("Delegation", "Делегация")}
        )
        for name in names
    ]
    db.add_all(delegations)
    await db.flush()
    motion = Motion(
        event_id=event.id,
        session_id=session.id,
        agenda_item_id=item.id,
        kind=MotionKind.RESOLUTION,
        title={"en": "Resolution on exchanges", "ru": "Резолюция об обменах"},
        text={"en": "The congress calls for exchanges.", "ru": "Конгресс призывает к обменам."},
        adopted_text={
            "en": "The congress calls for exchanges.",
            "ru": "Конгресс призывает к обменам.",
        },
        status=MotionStatus.ADOPTED,
        decided_at=start + dt.timedelta(hours=1),
    )
    db.add(motion)
    await db.flush()
    breakdown = []
    for n, delegation in enumerate(delegations):
        held = 1 + (n * 7) % 50
        against, abstaining = n % 3 if held > 3 else 0, n % 2 if held > 3 else 0
        breakdown.append(
            {
                "delegation_id": delegation.id,
                "held": held,
                "votes_for": held - against - abstaining,
                "votes_against": against,
                "abstaining": abstaining,
            }
        )
    vote = Vote(
        event_id=event.id,
        motion_id=motion.id,
        method=VoteMethod.ROLL_CALL,
        majority=MajorityRule.SIMPLE,
        taken_at=motion.decided_at,
        votes_for=sum(row["votes_for"] for row in breakdown),
        votes_against=sum(row["votes_against"] for row in breakdown),
        abstentions=sum(row["abstaining"] for row in breakdown),
        votes_held=sum(row["held"] for row in breakdown),
        result=VoteResult.ADOPTED,
        breakdown=breakdown,
    )
    db.add(vote)
    await db.commit()
    return await public_event(db, None, event.slug), names, vote


async def test_a_roll_call_of_200_delegations_is_laid_out_as_a_table(
    db: AsyncSession, settings: Settings
) -> None:
    event, names, vote = await _vote_of_200(db)
    book = await load_proceedings(db, event, "ru")
    result = await asyncio.to_thread(proceedings_pdf, book, settings)
    pdf = Pdf(result.pdf)
    first = result.numbers["decisions"] - 1
    last = result.numbers["participants"] - 1
    chapter = pdf.squashed[first:last]
    # Every delegation's row, whole: the name and its four figures, in the table's order.
    text = "".join(chapter)
    position = 0
    for name, row in zip(names, vote.breakdown or [], strict=True):
        cells = squash(
            name.replace("Delegation", "Делегация")
            + f"{row['held']}{row['votes_for']}{row['votes_against']}{row['abstaining']}"
        )
        found = text.find(cells, position)
        assert found >= 0, name
        position = found
    # The table runs over a few pages, its header on each.
    assert 3 <= len(chapter) <= 7, len(chapter)
    header = squash(gettext_in("ru", "Votes held"))
    assert all(header in page for page in chapter)
    assert result.pages <= 12
    # In the programme as held, the vote at its item, with a link to its table.
    held = result.numbers["programme-as-held"] - 1
    assert squash(f"за {vote.votes_for}, против {vote.votes_against}") in pdf.squashed[held]
    assert first in pdf.link_targets(held)
