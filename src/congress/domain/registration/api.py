"""Registration as JSON: importing participant lists (the entities' CRUD is generic)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.access import REGISTRARS
from congress.domain.events.services import EventService
from congress.domain.registration.importers import MAX_BYTES, import_participants
from congress.server.security import current_user, roles


class ImportForm(BaseModel):
    file: UploadFile

    model_config = {"arbitrary_types_allowed": True}


class ImportRead(BaseModel):
    layout: str
    rows: int
    imported: int
    created_organizations: int


@post(
    "/api/v1/events/{event:str}/participants/import",
    guards=[roles(*REGISTRARS)],
    tags=["registration"],
    status_code=201,
    summary="Import participants from CSV or XLSX: all rows or none",
    description="Indico's six-column CSV without a header (first name, last name, affiliation, "
    "position, phone, e-mail) or a file with a header row (given_name, family_name, email, "
    "phone, organization, position, category, delegation, consent). A file with any bad row "
    "imports nothing; the answer (422) lists each bad row as `line N`.",
    security=[{"BearerToken": []}],
    request_max_body_size=MAX_BYTES + 64 * 1024,
)
async def import_file(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    event: FromPath[str],
    data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
) -> ImportRead:
    user = current_user(request)
    found = await EventService(db_session, user).resolve(event)
    content = await data.file.read()
    report = await import_participants(db_session, user, found, data.file.filename, content)
    return ImportRead(
        layout=report.layout,
        rows=report.rows,
        imported=report.imported,
        created_organizations=report.created_organizations,
    )


ROUTES = [import_file]
