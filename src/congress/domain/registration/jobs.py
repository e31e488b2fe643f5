"""Background work of registration: badges as a job (congress.documents.jobs decides where it
runs). Badges carry personal data: they are kept under the private prefix of the storage and
served only by the guarded staff route that asked for them."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from congress.documents.jobs import JobContext, JobFunction
from congress.domain.events.models import Event
from congress.domain.registration.enums import ParticipantStatus
from congress.domain.registration.printing import BadgeLayout, badges_pdf
from congress.errors import NotFound


async def badges_job(
    context: JobContext,
    *,
    key: str,
    event_id: int,
    participant_id: int | None = None,
    delegation_id: int | None = None,
    status: str | None = None,
    layout: str = BadgeLayout.A4.value,
) -> int:
    async with AsyncSession(context.engine, expire_on_commit=False) as db:
        event = await db.get(Event, event_id)
        if event is None:
            raise NotFound("the event is gone")
        result = await badges_pdf(
            db,
            event,
            participant_id=participant_id,
            delegation_id=delegation_id,
            status=ParticipantStatus(status) if status else None,
            layout=BadgeLayout(layout),
            settings=context.settings,
        )
    await asyncio.to_thread(context.store, result.pdf)
    return result.pages


JOB_FUNCTIONS: dict[str, JobFunction] = {"badges": badges_job}
