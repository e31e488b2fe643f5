"""Organizer pages of events: the workspace overview, events, venues and rooms, history."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.events.services import EventService
from congress.server.pages import page_get
from congress.server.security import current_user, staff


@page_get("/manage", guards=[staff])
async def overview(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any]
) -> Template:
    events, total = await EventService(db_session, current_user(request)).list(limit=20)
    return Template(
        "manage/overview.html", context={"section": "home", "events": events, "total": total}
    )


ROUTES = [overview]
