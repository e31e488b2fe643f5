"""Background work of check-in: attendance lists and sign-in sheets as a job. They carry
personal data: kept under the private prefix of the storage, served only by the guarded staff
route that asked for them."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from congress.documents.jobs import JobContext, JobFunction
from congress.domain.checkin.exporters import Grouping, ListSpec
from congress.domain.checkin.printing import attendance_pdf
from congress.domain.events.models import Event
from congress.domain.programme.models import Session
from congress.errors import NotFound


async def attendance_job(
    context: JobContext,
    *,
    key: str,
    event_id: int,
    session_id: int | None = None,
    group: str = Grouping.DELEGATION.value,
    consenting: bool = False,
    signature: bool = True,
    unnamed: list[list[Any]] | None = None,
) -> int:
    async with AsyncSession(context.engine, expire_on_commit=False) as db:
        event = await db.get(Event, event_id)
        session = await db.get(Session, session_id) if session_id else None
        if event is None or (session_id and session is None):
            raise NotFound("the event or session is gone")
    spec = ListSpec(event, session, Grouping(group), consenting)
    result = await attendance_pdf(
        context.engine,
        spec,
        signature=signature,
        settings=context.settings,
        # People counted without names, per category: (message, count), from the request.
        unnamed=[(str(label), int(count)) for label, count in unnamed or []],
    )
    await asyncio.to_thread(context.store, result.pdf)
    return result.pages


JOB_FUNCTIONS: dict[str, JobFunction] = {"attendance": attendance_job}
