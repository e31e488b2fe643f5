"""Event imports and the full archive export as jobs (congress.documents.jobs decides where they
run).

An import is untrusted input: the request that receives it checks it completely
(:func:`congress.domain.publishing.archive.import_event` with ``check_only``), so a refusal is
answered at once naming ``table[index].field``; only the writing is a job. The file reaches the
worker through the storage's private area (never Redis); the job's key is the hash of the file
(and whether it is imported as a copy), so the same file sent twice makes one job; the job
checks the file again against the database as it is then and writes it in one transaction,
with its key in the audit entry, so a job run again (its worker stopped) writes nothing twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import json

from sqlalchemy.ext.asyncio import AsyncSession

from congress.documents.jobs import (
    PRIVATE,
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
from congress.domain.checkin.models import Attendance
from congress.domain.events.models import Event
from congress.domain.publishing.archive import (
    export_event,
    finished_import,
    import_archive,
    import_event,
    media_keys,
    write_archive,
)
from congress.domain.publishing.models import Comment
from congress.domain.publishing.services import PRINTED_TABLES, data_version
from congress.errors import Invalid, NotFound
from congress.storage import storage_for

UPLOADS = "events"
IMPORT_JOB = "event_import"


def import_key(digest: str, copy: bool) -> str:
    return f"event-import.{digest}" + (".copy" if copy else "")


async def submit_import(
    jobs: PrintJobs, user: User | None, content: bytes, *, archive: bool, copy: bool
) -> tuple[str, Job]:
    """Queue the writing of a checked export (once per file; a copy each time it is asked for);
    gives its key and job."""
    digest = await asyncio.to_thread(stage_upload, jobs.settings, UPLOADS, content, once=not copy)
    key = import_key(digest, copy)
    job = await jobs.start(
        key,
        IMPORT_JOB,
        heartbeat=WRITING_HEARTBEAT_SECONDS,
        digest=digest,
        archive=archive,
        copy=copy,
        user_id=user.id if user is not None else None,
    )
    return key, job


async def event_import_job(
    context: JobContext,
    *,
    key: str,
    digest: str,
    archive: bool,
    copy: bool = False,
    user_id: int | None = None,
) -> int:
    """Write a checked export (JSON) or archive (ZIP); gives the new event's id."""
    async with AsyncSession(context.engine, expire_on_commit=False) as db:
        await hold_job_lock(db, key)
        done = await finished_import(db, key)
        if done is not None:
            return done
        context.progress(0, 1, "importing")
        user = await db.get(User, user_id) if user_id is not None else command_line_user()
        content = await asyncio.to_thread(staged_upload, context.settings, UPLOADS, digest)
        media = storage_for(context.settings, "media")
        if archive:
            event_id = await import_archive(db, content, media, user, copy=copy, job=key)
        else:
            try:
                data = json.loads(content)
            except ValueError as exc:
                raise Invalid.field("body", f"not JSON: {exc}") from None
            event_id = await import_event(db, data, user=user, copy=copy, job=key)
        await db.commit()
    await asyncio.to_thread(drop_upload, context.settings, UPLOADS, digest)
    context.progress(1, 1, "done")
    return event_id


# ---- the archive export ---------------------------------------------------------------------
#
# The full export of an event with its photos (registration, attendance, comments, staff: personal
# data) can be large: a job makes it once per version of the event's data and keeps it in the
# storage's private area, served only by the guarded staff route that asked for it.

EXPORT_JOB = "event_archive"
# Everything the full export holds whose change must make a new archive (attendance and comments
# are not tied to one event in the version's query: any change anywhere counts, to be safe).
EXPORT_TABLES: tuple[type, ...] = (*PRINTED_TABLES, Attendance, Comment)


async def export_version(db: AsyncSession, event: Event) -> str:
    version = await data_version(db, event, EXPORT_TABLES)
    return hashlib.sha256(repr(version).encode()).hexdigest()[:16]


def export_key(event_id: int, version: str) -> str:
    """The archive's key in the private area (and its job's key)."""
    return f"{PRIVATE}exports/{event_id}/archive@{version}.zip"


def export_job_id(event_id: int, version: str) -> str:
    """How the API names the job (``GET /api/v1/jobs/{id}``)."""
    return f"event-export.{event_id}.{version}"


def export_key_of(job_id: str) -> str:
    _, event_id, version = job_id.split(".")
    return export_key(int(event_id), version)


async def event_archive_job(context: JobContext, *, key: str, event_id: int) -> int:
    """The full export with its photos as a ZIP archive; gives the number of files in it."""
    context.progress(0, 2, "exporting")
    async with AsyncSession(context.engine, expire_on_commit=False) as db:
        event = await db.get(Event, event_id)
        if event is None:
            raise NotFound("the event is gone")
        data = await export_event(db, event, public=False)
    context.progress(1, 2, "packing")
    media = storage_for(context.settings, "media")
    archive = await asyncio.to_thread(write_archive, data, media)
    await asyncio.to_thread(context.store, archive)
    context.progress(2, 2, "done")
    return len(media_keys(data))


JOB_FUNCTIONS: dict[str, JobFunction] = {
    IMPORT_JOB: event_import_job,
    EXPORT_JOB: event_archive_job,
}
