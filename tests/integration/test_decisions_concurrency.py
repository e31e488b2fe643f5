"""A vote sent twice at the same moment (two tellers' screens) counts once (PostgreSQL)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.accounts.models import AuditEntry
from congress.domain.decisions.models import Motion, Vote
from congress.domain.decisions.services import MotionService, RollCallService, VoteService
from congress.errors import Conflict
from tests.conftest import IS_POSTGRES, make_staff
from tests.integration.test_decisions_api import _plenary

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not IS_POSTGRES, reason="real concurrency needs PostgreSQL"),
]
SCREENS = 8


async def test_vote_recorded_concurrently_counts_once(
    db: AsyncSession, engine: AsyncEngine, demo: Any
) -> None:
    organizer, _ = await make_staff(db, Role.ORGANIZER)
    session = await _plenary(db, demo.id)
    await RollCallService(db, organizer).create({"session_id": session.id})
    motion = await MotionService(db, organizer).create(
        {"event_id": demo.id, "session_id": session.id, "title": {"en": "Declaration"}}
    )
    await db.commit()
    start = asyncio.Event()

    async def screen() -> str:
        async with AsyncSession(engine, expire_on_commit=False) as connection:
            found = await connection.get(Motion, motion.id)
            assert found is not None
            await start.wait()
            try:
                await VoteService(connection, organizer).record(
                    found,
                    {"method": "show_of_hands", "majority": "simple", "round": 1,
                     "votes_for": 40, "votes_against": 2, "abstentions": 1, "spoilt": 0,
                     "ballots": 0, "breakdown": None, "tally": None},
                )  # fmt: skip
                await connection.commit()
            except Conflict:
                await connection.rollback()
                return "conflict"
            return "recorded"

    tasks = [asyncio.create_task(screen()) for _ in range(SCREENS)]
    await asyncio.sleep(0.3)
    start.set()
    outcomes = await asyncio.gather(*tasks)
    assert sorted(outcomes) == ["conflict"] * (SCREENS - 1) + ["recorded"]
    votes = (await db.execute(select(Vote.id).where(Vote.motion_id == motion.id))).scalars().all()
    assert len(votes) == 1
    audits = await db.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.entity == "vote", AuditEntry.entity_id == votes[0])
    )
    assert audits == 1
