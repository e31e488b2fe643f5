"""Background work of registration (congress.documents.jobs decides where it runs): badges, and
the writing of participant imports.

Badges carry personal data: they are kept under the private prefix of the storage and served
only by the guarded staff route that asked for them.

An import is checked in the request that uploads it (a bad row is answered at once); the job
checks it again against the database as it is then and writes it in one transaction. Its key is
the event and the hash of the file: the same file sent twice makes one job. The file reaches
the worker through the storage's private area; the job's mark is written with the rows, so a
job run again (its worker stopped) finds its work done instead of importing twice."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy.ext.asyncio import AsyncSession

from congress.documents.jobs import (
    WRITING_HEARTBEAT_SECONDS,
    Job,
    JobContext,
    JobFunction,
    PrintJobs,
    drop_upload,
    hold_job_lock,
    stage_upload,
    staged_upload,
)
from congress.domain.accounts.models import User
from congress.domain.accounts.services import command_line_user
from congress.domain.events.models import Event
from congress.domain.registration.enums import ParticipantStatus
from congress.domain.registration.importers import finished_import, import_participants
from congress.domain.registration.printing import BadgeLayout, badges_pdf
from congress.errors import NotFound
from congress.server.metrics import observe_render


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
    started = time.perf_counter()
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
    observe_render("badges", time.perf_counter() - started)
    await asyncio.to_thread(context.store, result.pdf)
    return result.pages


UPLOADS = "participants"
IMPORT_JOB = "participants_import"


def import_key(event_id: int, digest: str) -> str:
    return f"participants-import.{event_id}.{digest}"


async def submit_import(
    jobs: PrintJobs, event: Event, user: User | None, filename: str, content: bytes
) -> tuple[str, Job]:
    """Queue the writing of a checked file (once per event and file); gives its key and job."""
    digest = await asyncio.to_thread(stage_upload, jobs.settings, UPLOADS, content)
    key = import_key(event.id, digest)
    job = await jobs.start(
        key,
        IMPORT_JOB,
        heartbeat=WRITING_HEARTBEAT_SECONDS,
        event_id=event.id,
        digest=digest,
        filename=filename,
        user_id=user.id if user is not None else None,
    )
    return key, job


async def participants_import_job(
    context: JobContext,
    *,
    key: str,
    event_id: int,
    digest: str,
    filename: str,
    user_id: int | None = None,
) -> int:
    """Write a checked participant list; gives the number of participants imported."""
    async with AsyncSession(context.engine, expire_on_commit=False) as db:
        await hold_job_lock(db, key)
        done = await finished_import(db, event_id, key)
        if done is not None:
            return done.imported
        context.progress(0, 1, "importing")
        event = await db.get(Event, event_id)
        if event is None:
            raise NotFound("the event is gone")
        user = await db.get(User, user_id) if user_id is not None else command_line_user()
        content = await asyncio.to_thread(staged_upload, context.settings, UPLOADS, digest)
        report = await import_participants(db, user, event, filename, content, job=key)
        await db.commit()
    await asyncio.to_thread(drop_upload, context.settings, UPLOADS, digest)
    context.progress(1, 1, "done")
    return report.imported


JOB_FUNCTIONS: dict[str, JobFunction] = {
    "badges": badges_job,
    IMPORT_JOB: participants_import_job,
}
