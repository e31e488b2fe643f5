"""Fifty desks scanning the same ticket at the same moment, each on its own connection."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from congress.domain.accounts.models import AuditEntry
from congress.domain.checkin.models import Attendance
from congress.domain.checkin.services import CheckInService
from congress.domain.registration.enums import ParticipantStatus
from congress.domain.registration.models import Participant
from tests.conftest import IS_POSTGRES
from tests.registration_data import World, make_participant

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not IS_POSTGRES, reason="real concurrency needs PostgreSQL"),
]
DESKS = 50


async def test_fifty_desks_leave_one_record(
    db: AsyncSession, engine: AsyncEngine, world: World
) -> None:
    participant = await make_participant(db, world.event, "Popular", "Person")
    await db.commit()
    token = participant.qr_token
    start = asyncio.Event()

    async def desk() -> bool:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            service = CheckInService(session, world.registrar)
            # Everyone has connected and found the ticket before anyone writes.
            found = await service.find_by_token(world.event, token)
            await start.wait()
            result = await service.check_in(world.event, found, world.session)
            await session.commit()
            return result.first_time

    tasks = [asyncio.create_task(desk()) for _ in range(DESKS)]
    await asyncio.sleep(0.5)
    start.set()
    outcomes = await asyncio.gather(*tasks)
    assert outcomes.count(True) == 1

    attendances = await db.scalar(select(func.count()).select_from(Attendance))
    audits = (
        (await db.execute(select(AuditEntry.entity, func.count()).group_by(AuditEntry.entity)))
        .tuples()
        .all()
    )
    status = await db.scalar(select(Participant.status).where(Participant.id == participant.id))
    assert attendances == 1
    assert dict(audits) == {"participant": 1, "attendance": 1}
    assert status is ParticipantStatus.CHECKED_IN
