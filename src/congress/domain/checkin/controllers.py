"""Staff pages of the check-in area: attendance lists (page, CSV, XLSX, PDF)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Response, Stream
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.checkin.exporters import (
    Grouping,
    ListSpec,
    csv_stream,
    file_chunks,
    xlsx_file,
)
from congress.domain.checkin.printing import attendance_pdf
from congress.domain.checkin.services import CheckInService
from congress.domain.common import MAX_ID
from congress.domain.events.services import EventService
from congress.domain.registration.services import REGISTRARS
from congress.server.security import current_user, roles

LIST_READERS = roles(*REGISTRARS)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SessionParam = Annotated[
    int | None,
    QueryParameter(name="session", required=False, ge=1, le=MAX_ID, description="a session's list"),
]
GroupParam = Annotated[
    Grouping, QueryParameter(name="group", required=False, description="grouping of the rows")
]
ConsentParam = Annotated[
    bool,
    QueryParameter(
        name="consenting", required=False, description="only people who agreed to be listed"
    ),
]


async def list_spec(
    db: AsyncSession,
    request: Request[Any, Any, Any],
    slug: str,
    session_id: int | None,
    group: Grouping,
    consenting: bool,
) -> ListSpec:
    user = current_user(request)
    event = await EventService(db, user).resolve(slug)
    session = await CheckInService(db, user).session_of(event, session_id) if session_id else None
    return ListSpec(event, session, group, consenting)


def attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


@get("/manage/events/{slug:str}/attendance.csv", guards=[LIST_READERS], tags=["registration"])
async def attendance_csv(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    session_id: SessionParam = None,
    group: GroupParam = Grouping.DELEGATION,
    consenting: ConsentParam = False,
) -> Stream:
    spec = await list_spec(db_session, request, slug, session_id, group, consenting)
    return Stream(
        csv_stream(request.app.state.engine, spec),
        media_type="text/csv; charset=utf-8",
        headers=attachment(f"{spec.slug()}.csv"),
    )


@get("/manage/events/{slug:str}/attendance.xlsx", guards=[LIST_READERS], tags=["registration"])
async def attendance_xlsx(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    session_id: SessionParam = None,
    group: GroupParam = Grouping.DELEGATION,
    consenting: ConsentParam = False,
) -> Stream:
    spec = await list_spec(db_session, request, slug, session_id, group, consenting)
    workbook = await xlsx_file(request.app.state.engine, spec)
    return Stream(file_chunks(workbook), media_type=XLSX, headers=attachment(f"{spec.slug()}.xlsx"))


@get("/manage/events/{slug:str}/attendance.pdf", guards=[LIST_READERS], tags=["registration"])
async def attendance_pdf_file(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    session_id: SessionParam = None,
    group: GroupParam = Grouping.DELEGATION,
    consenting: ConsentParam = False,
    sheet: Annotated[
        bool, QueryParameter(required=False, description="a sign-in sheet (signature column)")
    ] = True,
) -> Response[bytes]:
    spec = await list_spec(db_session, request, slug, session_id, group, consenting)
    result = await attendance_pdf(request.app.state.engine, spec, signature=sheet)
    return Response(
        result.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{spec.slug()}.pdf"'},
    )


ROUTES = [attendance_csv, attendance_xlsx, attendance_pdf_file]
