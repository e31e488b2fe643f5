"""Photos through the JSON API: the upload (multipart/form-data, the same checks, re-encoding
and storage as the editors' page) and the stored full-size image for staff."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Annotated, Any

from anyio import to_thread
from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, PathParameter
from litestar.response import Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from congress.documents.jobs import PrintJobs, storage_of
from congress.domain.accounts.enums import Role
from congress.domain.common import MAX_ID
from congress.domain.events.services import EventService
from congress.domain.publishing.archive_jobs import (
    EXPORT_JOB,
    export_job_id,
    export_key,
    export_version,
)
from congress.domain.publishing.controllers._site import media_storage
from congress.domain.publishing.media import MAX_UPLOAD_BYTES, served_type
from congress.domain.publishing.schemas import MediaItemRead, MediaItemUpdate
from congress.domain.publishing.services import MediaItemService, add_photo
from congress.errors import Conflict, FieldError, Invalid, NotFound
from congress.server.jobstatus import STILL_RUNNING, accepted
from congress.server.security import current_user, roles, staff

TOKEN_AUTH: list[dict[str, list[str]]] = [{"BearerToken": []}]


@dataclass
class PhotoUpload:
    """The form of a photo upload."""

    file: UploadFile = field(
        metadata={"description": "The photo: JPEG, PNG, WebP, GIF or TIFF, at most 40 MB"}
    )
    caption: str | None = field(
        default=None,
        metadata={"description": 'The caption per language, as JSON: {"en": "…", "ru": "…"}'},
    )
    credit: str | None = field(default=None, metadata={"description": "Who took the photo"})
    session_id: int | None = field(
        default=None, metadata={"description": "The session it shows (of this event)"}
    )
    person_ids: list[int] = field(
        default_factory=list,
        metadata={"description": "The people shown (one field per person)"},
    )


def _metadata(form: PhotoUpload) -> dict[str, Any]:
    """The upload's metadata checked by the API's schema of a photo (422 per field)."""
    try:
        caption = json.loads(form.caption) if form.caption else None
    except ValueError:
        raise Invalid.field("caption", 'must be a JSON object such as {"en": "…"}') from None
    data = {
        "caption": caption,
        "credit": form.credit or None,
        "session_id": form.session_id,
        "person_ids": form.person_ids,
    }
    try:
        checked = MediaItemUpdate.model_validate(data)
    except ValidationError as exc:
        errors = [
            FieldError(
                ".".join(str(part) for part in item["loc"]) or "form",
                str(item["msg"]).removeprefix("Value error, "),
            )
            for item in exc.errors()
        ]
        raise Invalid("; ".join(f"{e.field}: {e.message}" for e in errors), errors) from None
    return checked.model_dump()


@post(
    "/api/v1/events/{event:str}/photos",
    guards=[roles(Role.EDITOR)],
    tags=["publishing"],
    status_code=201,
    summary="Upload a photo (multipart/form-data) with its caption, credit and people shown",
    description="Checked, re-encoded as JPEG (upright, at most 2560 pixels, without metadata) "
    "and stored like an upload on the editors' page. A file that is not an accepted image, too "
    "large, a decompression bomb or named with a path is refused with 422; nothing is stored.",
    security=TOKEN_AUTH,
    request_max_body_size=MAX_UPLOAD_BYTES + 1024 * 1024,
)
async def upload_photo(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    event: FromPath[str],
    data: Annotated[PhotoUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
) -> MediaItemRead:
    user = current_user(request)
    found = await EventService(db_session, user).resolve(event)
    values = _metadata(data)
    await data.file.seek(0)
    item = await add_photo(
        db_session,
        user,
        found,
        data.file.file,
        media_storage(request),
        filename=data.file.filename,
        values=values,
    )
    return MediaItemRead.model_validate(item)


@get(
    "/api/v1/media-items/{item_id:int}/file",
    guards=[staff],
    tags=["publishing"],
    summary="The stored full-size image of a photo (JPEG)",
    media_type="image/jpeg",
    security=TOKEN_AUTH,
)
async def photo_file(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    item_id: Annotated[int, PathParameter(ge=1, le=MAX_ID)],
) -> Response[bytes]:
    item = await MediaItemService(db_session, current_user(request)).get(item_id)
    try:
        content = await to_thread.run_sync(media_storage(request).read, item.storage_key)
    except (OSError, ValueError):
        raise NotFound("the file is missing from the media storage") from None
    headers = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
    # As /media/ does: the type comes from the bytes, anything but our JPEGs is a download.
    media_type = served_type(content)
    if media_type is None:
        media_type = "application/octet-stream"
        headers["Content-Disposition"] = "attachment"
    return Response(content, media_type=media_type, headers=headers)


@get(
    "/api/v1/events/{event:str}/archive.zip",
    guards=[roles(Role.ORGANIZER)],
    tags=["events"],
    summary="The full archive of an event with its photos (ZIP), made by a job",
    description="What /events/{slug}/export.zip gives an organizer (registration, attendance, "
    "comments, staff: personal data), made once per version of the event's data by a job and "
    "kept in the private storage, served only here. Answered with the file when it is made "
    "within a few seconds, else 202 with the job's `Location`; ask again when it is done.",
    security=TOKEN_AUTH,
    media_type="application/zip",
    responses={202: STILL_RUNNING},
)
async def event_archive_file(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], event: FromPath[str]
) -> Response[Any]:
    found = await EventService(db_session, current_user(request)).resolve(event)
    version = await export_version(db_session, found)
    key = export_key(found.id, version)
    jobs: PrintJobs = request.app.state.print_jobs
    if not await jobs.cached(key):
        await jobs.start(key, EXPORT_JOB, event_id=found.id)
        job = await jobs.wait(key, jobs.settings.job_wait_seconds)
        if job is not None and job.state == "failed":
            raise Conflict(f"the archive could not be made: {job.error}")
        if job is not None and job.state == "running":
            return accepted(export_job_id(found.id, version), job)
    storage, inner = storage_of(jobs.settings, key)
    try:
        content = await to_thread.run_sync(storage.read, inner)
    except OSError:
        raise NotFound("the archive is no longer stored; ask again") from None
    headers = {
        "Content-Disposition": f'attachment; filename="{found.slug}.zip"',
        "Cache-Control": "private, no-store",
    }
    return Response(content, media_type="application/zip", headers=headers)


ROUTES: list[Any] = [upload_photo, photo_file, event_archive_file]
