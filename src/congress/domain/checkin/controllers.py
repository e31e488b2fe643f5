"""Staff pages of the check-in area: the desk, and attendance lists (page, CSV, XLSX, PDF)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Response, Stream, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.documents.delivery import document_answer, private_document
from congress.domain.accounts.access import DESK as DESK_ROLES
from congress.domain.accounts.access import REGISTRARS
from congress.domain.checkin.api import counts_read
from congress.domain.checkin.batch import TOKEN_PATTERN
from congress.domain.checkin.exporters import (
    Grouping,
    ListSpec,
    csv_stream,
    file_chunks,
    page_of_rows,
    xlsx_file,
)
from congress.domain.checkin.services import CheckIn, CheckInService
from congress.domain.common import MAX_ID
from congress.domain.events.models import Event
from congress.domain.events.services import EventService
from congress.domain.programme.models import Session
from congress.domain.registration.enums import CATEGORY_LABELS
from congress.domain.registration.models import Participant, normal_short_code
from congress.domain.registration.queries import participant_label
from congress.errors import NotFound, ProblemError
from congress.server.i18n import gettext as _
from congress.server.pages import page_get, page_post
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
    slug: FromPath[str],
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


LIST_WAIT_SECONDS = 300.0


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
    unnamed_counts: Any = None,
) -> Response[bytes]:
    spec = await list_spec(db_session, request, slug, session_id, group, consenting)
    # People counted without names (headcounts, an area above this one): given by web/routes.py.
    unnamed = await unnamed_counts(db_session, spec.event.id, session_id) if unnamed_counts else []
    # Made as a job (in this process, or by a worker), kept under the private prefix.
    jobs = request.app.state.print_jobs
    document = await private_document(
        jobs,
        jobs.private_key(spec.event.id, "attendance"),
        "attendance",
        LIST_WAIT_SECONDS,
        event_id=spec.event.id,
        session_id=spec.session.id if spec.session else None,
        group=spec.group_by.value,
        consenting=spec.consenting_only,
        signature=sheet,
        unnamed=[[label, count] for label, count in unnamed],
    )
    return document_answer(document, f"{spec.slug()}.pdf")


LIST_PAGE = 200


@page_get("/manage/events/{slug:str}/registration/attendance", guards=[LIST_READERS])
async def attendance_page(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    session_id: SessionParam = None,
    group: GroupParam = Grouping.DELEGATION,
    consenting: ConsentParam = False,
    page: Annotated[int, QueryParameter(ge=1, required=False)] = 1,
) -> Template:
    spec = await list_spec(db_session, request, slug, session_id, group, consenting)
    rows, total = await page_of_rows(db_session, spec, LIST_PAGE, (page - 1) * LIST_PAGE)
    sessions = list(
        await db_session.scalars(
            select(Session).where(Session.event_id == spec.event.id).order_by(Session.planned_start)
        )
    )
    query = urlencode(
        {
            "session": session_id or "",
            "group": group.value,
            "consenting": "true" if consenting else "false",
        }
    )
    return Template(
        "manage/registration/attendance.html",
        context={
            "event": spec.event,
            "tab": "attendance",
            "section": "events",
            "lang": spec.event.primary_language,
            "spec": spec,
            "rows": rows,
            "first_number": (page - 1) * LIST_PAGE + 1,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // LIST_PAGE)),
            "sessions": sessions,
            "query": query,
            "groupings": [(g.value, g.value.capitalize()) for g in Grouping],
        },
    )


# ---- the check-in desk -------------------------------------------------------------------------

DESK = roles(*DESK_ROLES)


@dataclass
class DeskState:
    query: str = ""
    result: CheckIn | None = None
    error: str = ""
    matches: list[Participant] = field(default_factory=list)
    searched: bool = False
    # Participants among the matches already present at the chosen session.
    present: set[int] = field(default_factory=set)


async def _desk_page(
    db: AsyncSession,
    request: Request[Any, Any, Any],
    event: Event,
    session: Session | None,
    state: DeskState,
    status: int = 200,
) -> Template:
    desk = CheckInService(db, current_user(request))
    sessions = list(
        await db.scalars(
            select(Session).where(Session.event_id == event.id).order_by(Session.planned_start)
        )
    )
    return Template(
        "desk/desk.html",
        context={
            "event": event,
            "sessions": sessions,
            "session": session,
            "state": state,
            "counts": counts_read(
                await desk.counts(event, session), session.id if session else None
            ),
            "label": partial(participant_label, event=event),
            "categories": {category: _(word) for category, word in CATEGORY_LABELS.items()},
            "lang": event.primary_language,
        },
        status_code=status,
    )


async def _desk_context(
    db: AsyncSession, request: Request[Any, Any, Any], slug: FromPath[str], session_id: int | None
) -> tuple[Event, Session | None]:
    user = current_user(request)
    event = await EventService(db, user).resolve(slug)
    session = await CheckInService(db, user).session_of(event, session_id) if session_id else None
    return event, session


def _session_field(value: Any) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


@page_get("/desk/{slug:str}", guards=[DESK])
async def desk_page(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    session_id: SessionParam = None,
) -> Template:
    event, session = await _desk_context(db_session, request, slug, session_id)
    return await _desk_page(db_session, request, event, session, DeskState())


@page_post("/desk/{slug:str}", guards=[DESK])
async def desk_scan(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template:
    """What the field received: a scanned ticket code checks in at once, anything else searches."""
    form = await request.form()
    query = str(form.get("q") or "").strip()
    event, session = await _desk_context(
        db_session, request, slug, _session_field(form.get("session"))
    )
    desk = CheckInService(db_session, current_user(request))
    state = DeskState(query=query)
    if not query:
        state.error = _("Scan a ticket or type a name.")
        return await _desk_page(db_session, request, event, session, state, 422)
    code = normal_short_code(query)
    if code is not None:
        found = await desk.find_by_code(event, code)
        if found is not None:
            return await _check_in(db_session, request, event, session, found, state)
    if TOKEN_PATTERN.fullmatch(query) and " " not in query:
        try:
            participant = await desk.find_by_token(event, query)
        except NotFound:
            participant = None
        except ProblemError as exc:
            state.error = exc.detail
            return await _desk_page(db_session, request, event, session, state, exc.status)
        if participant is not None:
            return await _check_in(db_session, request, event, session, participant, state)
    state.matches = await desk.search(event, query)
    state.searched = True
    if session is not None:
        state.present = await desk.present_at(session, [p.id for p in state.matches])
    if not state.matches:
        looks_like_code = TOKEN_PATTERN.fullmatch(query) is not None and len(query) >= 20
        state.error = (
            _("Unknown ticket: no participant has this code.")
            if looks_like_code or code is not None
            else _("Nobody found for “%(query)s”.", query=query)
        )
    return await _desk_page(db_session, request, event, session, state)


@page_post("/desk/{slug:str}/check-in", guards=[DESK])
async def desk_check_in(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template:
    form = await request.form()
    event, session = await _desk_context(
        db_session, request, slug, _session_field(form.get("session"))
    )
    participant_id = _session_field(form.get("participant_id"))
    if participant_id is None:
        state = DeskState(error=_("Choose a participant to check in."))
        return await _desk_page(db_session, request, event, session, state, 422)
    participant = await CheckInService(db_session, current_user(request)).find(
        event, participant_id
    )
    return await _check_in(db_session, request, event, session, participant, DeskState())


async def _check_in(
    db: AsyncSession,
    request: Request[Any, Any, Any],
    event: Event,
    session: Session | None,
    participant: Participant,
    state: DeskState,
) -> Template:
    try:
        state.result = await CheckInService(db, current_user(request)).check_in(
            event, participant, session
        )
    except ProblemError as exc:
        state.error = exc.detail
        state.matches = [participant]
        return await _desk_page(db, request, event, session, state, exc.status)
    return await _desk_page(db, request, event, session, state)


@page_get("/desk/{slug:str}/counts", guards=[DESK])
async def desk_counts(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    session_id: SessionParam = None,
) -> Template:
    """The live counts panel (the desk page reloads it every few seconds)."""
    event, session = await _desk_context(db_session, request, slug, session_id)
    counts = await CheckInService(db_session, current_user(request)).counts(event, session)
    return Template(
        "desk/counts.html",
        context={"counts": counts_read(counts, session_id), "event": event, "session": session},
    )


ROUTES = [
    attendance_page,
    attendance_csv,
    attendance_xlsx,
    attendance_pdf_file,
    desk_page,
    desk_scan,
    desk_check_in,
    desk_counts,
]
