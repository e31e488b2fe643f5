"""Check-ins written in batches: many scans in one transaction, each with its own answer."""

from __future__ import annotations

import asyncio

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from congress.domain.accounts.models import AuditEntry
from congress.domain.checkin.batch import CheckInBatcher, Outcome, Scan, check_in_many
from congress.domain.checkin.models import Attendance
from congress.domain.registration.enums import ParticipantStatus
from congress.domain.registration.models import Participant
from congress.errors import Conflict, NotFound
from tests.registration_data import World, make_event, make_participant


async def audit_counts(db: AsyncSession) -> dict[str, int]:
    rows = await db.execute(select(AuditEntry.entity, func.count()).group_by(AuditEntry.entity))
    return dict(rows.tuples().all())


async def test_one_batch_answers_each_scan(db: AsyncSession, world: World) -> None:
    first = await make_participant(db, world.event, "Ivanov", "Pyotr")
    second = await make_participant(db, world.event, "Li", "Wei")
    cancelled = await make_participant(db, world.event, "Gone", status=ParticipantStatus.CANCELLED)
    other_event = await make_event(db, slug="another-congress")
    stranger = await make_participant(db, other_event, "Stranger")
    await db.commit()
    slug, session = world.event.slug, world.session.id

    results = await check_in_many(
        await db.connection(),
        world.registrar.id,
        [
            Scan(slug, token=first.qr_token, session_id=session),
            Scan(slug, token=first.qr_token, session_id=session),  # the same ticket twice
            Scan(str(world.event.id), participant_id=second.id),  # event by id, no session
            Scan(slug, token="x" * 24),
            Scan(slug, token=stranger.qr_token),
            Scan(slug, participant_id=stranger.id),
            Scan(slug, token=cancelled.qr_token),
            Scan("no-such-event", token=first.qr_token),
            Scan(slug, participant_id=second.id, session_id=999_999),
        ],
    )
    await db.commit()

    assert isinstance(results[0], Outcome) and results[0].first_time
    assert results[0].name == "Pyotr Ivanov" and results[0].session_id == session
    assert isinstance(results[1], Outcome) and not results[1].first_time
    assert "already checked in to this session" in results[1].message
    assert isinstance(results[2], Outcome) and results[2].first_time
    assert results[2].status is ParticipantStatus.CHECKED_IN
    assert isinstance(results[3], NotFound) and "unknown ticket" in results[3].detail
    assert isinstance(results[4], Conflict) and "another event" in results[4].detail
    assert isinstance(results[5], NotFound)
    assert isinstance(results[6], Conflict) and "cancelled" in results[6].detail
    assert isinstance(results[7], NotFound) and "no event" in results[7].detail
    assert isinstance(results[8], NotFound) and "no session" in results[8].detail

    statuses = dict((await db.execute(select(Participant.id, Participant.status))).tuples().all())
    assert statuses[first.id] is statuses[second.id] is ParticipantStatus.CHECKED_IN
    assert statuses[cancelled.id] is ParticipantStatus.CANCELLED
    assert statuses[stranger.id] is ParticipantStatus.REGISTERED
    assert await db.scalar(select(func.count()).select_from(Attendance)) == 1
    assert await audit_counts(db) == {"participant": 2, "attendance": 1}
    audit_users = set(await db.scalars(select(AuditEntry.user_id)))
    assert audit_users == {world.registrar.id}

    # A second batch with the same tickets changes nothing and says when it happened.
    again = await check_in_many(
        await db.connection(),
        world.registrar.id,
        [Scan(slug, token=first.qr_token, session_id=session)],
    )
    await db.commit()
    assert isinstance(again[0], Outcome) and not again[0].first_time
    assert again[0].at == results[0].at
    assert await audit_counts(db) == {"participant": 2, "attendance": 1}


async def test_concurrent_requests_share_batches(
    client: AsyncTestClient, db: AsyncSession, engine: AsyncEngine, world: World
) -> None:
    """Forty desks at once over HTTP, ten of them scanning the same ticket: every answer is
    right, and the data changed once per person."""
    people = [await make_participant(db, world.event, f"Guest{i:02}") for i in range(30)]
    popular = people[0]
    await db.commit()
    url = f"/api/v1/events/{world.event.slug}/check-ins"
    tokens = [p.qr_token for p in people] + [popular.qr_token] * 10

    async def scan(token: str) -> dict[str, object]:
        answer = await client.post(url, json={"token": token}, headers=world.registrar_headers)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    answers = await asyncio.gather(*(scan(token) for token in tokens))
    assert sum(a["first_time"] is True for a in answers) == 30
    assert sum(a["first_time"] is True for a in answers if a["participant_id"] == popular.id) == 1
    assert all(a["status"] == "checked_in" for a in answers)
    checked_in = await db.scalar(
        select(func.count())
        .select_from(Participant)
        .where(Participant.status == ParticipantStatus.CHECKED_IN)
    )
    assert checked_in == 30
    assert await audit_counts(db) == {"participant": 30}


async def test_scans_that_arrive_together_share_a_batch(
    db: AsyncSession, engine: AsyncEngine, world: World
) -> None:
    people = [await make_participant(db, world.event, f"Guest{i:02}") for i in range(40)]
    await db.commit()
    batcher = CheckInBatcher(engine)
    try:
        outcomes = await asyncio.gather(
            *(
                batcher.check_in(Scan(world.event.slug, token=p.qr_token), world.registrar.id)
                for p in people
            )
        )
    finally:
        await batcher.close()
    assert all(outcome.first_time for outcome in outcomes)
    assert [outcome.participant_id for outcome in outcomes] == [p.id for p in people]
    assert batcher.batches <= 2 and batcher.largest >= 39


async def test_a_failing_batch_is_retried_scan_by_scan(
    db: AsyncSession, engine: AsyncEngine, world: World
) -> None:
    good = await make_participant(db, world.event, "Good")
    await db.commit()
    batcher = CheckInBatcher(engine)
    real_write = batcher._write
    calls: list[int] = []

    async def flaky_write(batch: list) -> None:  # type: ignore[type-arg]
        calls.append(len(batch))
        if len(batch) > 1:
            raise RuntimeError("connection lost")
        await real_write(batch)

    batcher._write = flaky_write  # type: ignore[method-assign]
    try:
        results = await asyncio.gather(
            batcher.check_in(Scan(world.event.slug, token=good.qr_token), world.registrar.id),
            batcher.check_in(Scan(world.event.slug, token="y" * 24), world.registrar.id),
            return_exceptions=True,
        )
    finally:
        await batcher.close()
    assert calls == [2, 1, 1]
    assert isinstance(results[0], Outcome) and results[0].first_time
    assert isinstance(results[1], NotFound)
