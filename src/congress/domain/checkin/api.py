"""The check-in desk as JSON: scanners and other desks' software post here (token auth)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.access import DESK as DESK_ROLES
from congress.domain.checkin.batch import CheckInBatcher, Scan, check_code, check_token
from congress.domain.checkin.schemas import CheckInRead, CheckInRequest, CountsRead, GroupCount
from congress.domain.checkin.services import CheckInService, Counts
from congress.domain.common import MAX_ID
from congress.domain.events.services import EventService
from congress.domain.registration.enums import CATEGORY_LABELS
from congress.server.security import current_user, roles

DESK = roles(*DESK_ROLES)
TOKEN_AUTH: list[dict[str, list[str]]] = [{"BearerToken": []}]


@post(
    "/api/v1/events/{event:str}/check-ins",
    guards=[DESK],
    tags=["registration"],
    status_code=200,
    summary="Check a participant in (by scanned ticket code or id); repeating it is harmless",
    security=TOKEN_AUTH,
)
async def check_in(
    request: Request[Any, Any, Any],
    event: FromPath[str],
    data: JSONBody[CheckInRequest],
) -> CheckInRead:
    # No database session of its own: the scan joins the next batch of check-ins (batch.py).
    user = current_user(request)
    scan = Scan(
        event,
        token=check_token(data.token) if data.token is not None else None,
        code=check_code(data.code) if data.code is not None else None,
        participant_id=data.participant_id,
        session_id=data.session_id,
    )
    batcher: CheckInBatcher = request.app.state.check_ins
    outcome = await batcher.check_in(scan, user.id if user else None)
    return CheckInRead.model_validate(outcome, from_attributes=True)


def counts_read(counts: Counts, session_id: int | None) -> CountsRead:
    return CountsRead(
        session_id=session_id,
        expected=counts.expected,
        present=counts.present,
        by_category=[
            GroupCount(name=CATEGORY_LABELS[category], expected=expected, present=present)
            for category, expected, present in counts.by_category
        ],
        by_delegation=[
            GroupCount(name=name or "Not in a delegation", expected=expected, present=present)
            for name, expected, present in counts.by_delegation
        ],
    )


@get(
    "/api/v1/events/{event:str}/check-ins/counts",
    guards=[DESK],
    tags=["registration"],
    summary="Expected and arrived participants by category and delegation",
    security=TOKEN_AUTH,
)
async def check_in_counts(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    event: FromPath[str],
    session_id: Annotated[int | None, QueryParameter(required=False, ge=1, le=MAX_ID)] = None,
) -> CountsRead:
    user = current_user(request)
    found = await EventService(db_session, user).resolve(event)
    desk = CheckInService(db_session, user)
    session = await desk.session_of(found, session_id) if session_id else None
    return counts_read(await desk.counts(found, session), session_id)


ROUTES = [check_in, check_in_counts]
