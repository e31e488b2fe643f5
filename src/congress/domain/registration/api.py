"""Registration as JSON: importing participant lists (the entities' CRUD is generic)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from congress.documents.jobs import PrintJobs
from congress.domain.accounts.access import REGISTRARS
from congress.domain.events.services import EventService
from congress.domain.registration.importers import (
    MAX_BYTES,
    ImportReport,
    check_participants,
    finished_import,
)
from congress.domain.registration.jobs import submit_import
from congress.errors import Conflict
from congress.server.jobstatus import STILL_RUNNING, accepted
from congress.server.security import current_user, roles


class ImportForm(BaseModel):
    file: UploadFile

    model_config = {"arbitrary_types_allowed": True}


class ImportRead(BaseModel):
    layout: str
    rows: int
    imported: int
    created_organizations: int

    @classmethod
    def of(cls, report: ImportReport) -> ImportRead:
        return cls(
            layout=report.layout,
            rows=report.rows,
            imported=report.imported,
            created_organizations=report.created_organizations,
        )


@post(
    "/api/v1/events/{event:str}/participants/import",
    guards=[roles(*REGISTRARS)],
    tags=["registration"],
    status_code=201,
    summary="Import participants from CSV or XLSX: all rows or none",
    description="Indico's six-column CSV without a header (first name, last name, affiliation, "
    "position, phone, e-mail) or a file with a header row (given_name, family_name, email, "
    "phone, organization, position, category, delegation, consent). A file with any bad row "
    "imports nothing; the answer (422) lists each bad row as `line N`. The file is checked in "
    "the request; the writing is a job (one per event and file: sending it twice imports it "
    "once). Answered 201 when it is written within a few seconds, else 202 with the job's "
    "`Location`; 409 when the database changed in between so that the file no longer fits.",
    security=[{"BearerToken": []}],
    request_max_body_size=MAX_BYTES + 64 * 1024,
    responses={202: STILL_RUNNING},
)
async def import_file(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    event: FromPath[str],
    data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Response[ImportRead]:
    user = current_user(request)
    found = await EventService(db_session, user).resolve(event)
    content = await data.file.read()
    await check_participants(db_session, user, found, data.file.filename, content)
    # Nothing written: end the transaction, so the job's rows are seen (SQLite reads a
    # snapshot) and nothing of this request holds up the job.
    await db_session.commit()
    jobs: PrintJobs = request.app.state.print_jobs
    key, _ = await submit_import(jobs, found, user, data.file.filename, content)
    job = await jobs.wait(key, jobs.settings.job_wait_seconds)
    if job is not None and job.state == "failed":
        raise Conflict(job.error)
    if job is not None and job.state == "running":
        return accepted(key, job)
    report = await finished_import(db_session, found.id, key)
    assert report is not None  # the job is done: its mark is written
    return Response(ImportRead.of(report), status_code=201)


ROUTES = [import_file]
