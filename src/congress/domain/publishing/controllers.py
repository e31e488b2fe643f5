"""The public site of published events and its open formats."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from anyio import to_thread
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.response import Response
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.events.models import Event
from congress.domain.publishing import exporters
from congress.domain.publishing.archive import export_event, import_event
from congress.domain.publishing.exporters import PublicSite
from congress.domain.publishing.services import (
    author_names,
    load_programme,
    public_event,
    published_records,
)
from congress.errors import NotFound
from congress.server.security import current_user, public, roles

XML = "application/xml; charset=utf-8"


def choose_language(request: Request[Any, Any, Any], languages: list[str]) -> str:
    """``?lang=`` when the event has it, else the browser's preference, else the primary."""
    asked = request.query_params.get("lang")
    if asked in languages:
        return asked
    header = request.headers.get("accept-language", "")
    ranked: list[tuple[float, str]] = []
    for part in header.split(","):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        ranked.append((weight, tag.strip().lower().split("-")[0]))
    for _, language in sorted(ranked, key=lambda pair: -pair[0]):
        if language in languages:
            return language
    return languages[0] if languages else "en"


def site_for(request: Request[Any, Any, Any], event: Event) -> PublicSite:
    return PublicSite(
        base_url=str(request.base_url).rstrip("/"), lang=choose_language(request, event.languages)
    )


async def _programme(
    db: AsyncSession, request: Request[Any, Any, Any], slug: str, *, full: bool = False
) -> tuple[Event, list[Any], PublicSite]:
    event = await public_event(db, current_user(request), slug)
    sessions = await load_programme(db, event, full=full)
    return event, sessions, site_for(request, event)


def _download(content: bytes | str, media_type: str, filename: str | None = None) -> Response[Any]:
    headers = {"Access-Control-Allow-Origin": "*"}
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(content=content, media_type=media_type, headers=headers)


@get("/events/{slug:str}/schedule.xml", guards=[public], tags=["open formats"])
async def schedule_xml(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Response[Any]:
    """frab-compatible schedule (c3voc schedule.xml)."""
    event, sessions, site = await _programme(db_session, request, slug)
    body = await to_thread.run_sync(exporters.schedule_xml, event, sessions, site)
    return _download(body, XML)


@get("/events/{slug:str}/schedule.json", guards=[public], tags=["open formats"])
async def schedule_json(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Response[Any]:
    """frab/pretalx-compatible schedule (c3voc schema.json)."""
    event, sessions, site = await _programme(db_session, request, slug)
    body = await to_thread.run_sync(exporters.schedule_json, event, sessions, site)
    return _download(body, "application/json")


@get("/events/{slug:str}/calendar.ics", guards=[public], tags=["open formats"])
async def event_calendar(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Response[Any]:
    """iCalendar (RFC 5545) of every session of the event."""
    event, sessions, site = await _programme(db_session, request, slug)
    body = await to_thread.run_sync(
        exporters.icalendar_of, event, sessions, site, request.url.hostname or "congress"
    )
    return _download(body, "text/calendar; charset=utf-8", f"{event.slug}.ics")


@get(
    "/events/{slug:str}/sessions/{session_id:int}/calendar.ics",
    guards=[public],
    tags=["open formats"],
)
async def session_calendar(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    session_id: FromPath[int],
) -> Response[Any]:
    """iCalendar (RFC 5545) of one session."""
    event = await public_event(db_session, current_user(request), slug)
    sessions = await load_programme(db_session, event, session_id=session_id)
    if not sessions:
        raise NotFound(f"no session {session_id} in this event")
    site = site_for(request, event)
    body = exporters.icalendar_of(event, sessions, site, request.url.hostname or "congress")
    return _download(body, "text/calendar; charset=utf-8", f"{event.slug}-{session_id}.ics")


@get("/events/{slug:str}/proceedings.akn.xml", guards=[public], tags=["open formats"])
async def proceedings_akn(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Response[Any]:
    """The proceedings as an Akoma Ntoso 3.0 debate record."""
    event, sessions, site = await _programme(db_session, request, slug, full=True)
    body = await to_thread.run_sync(exporters.akoma_ntoso, event, sessions, site)
    return _download(body, XML)


@get("/events/{slug:str}/feed.atom", guards=[public], tags=["open formats"])
async def record_feed(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Response[Any]:
    """Atom feed of the event's published records, newest first."""
    event = await public_event(db_session, current_user(request), slug)
    records = await published_records(db_session, event, limit=50)
    authors = await author_names(db_session, records)
    body = exporters.atom_feed(event, records, site_for(request, event), authors)
    return _download(body, "application/atom+xml; charset=utf-8")


@get("/events/{slug:str}/export.json", guards=[public], tags=["open formats"])
async def event_export(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Response[Any]:
    """Everything about the event as JSON. Organizers and administrators get the full export
    (registration, attendance, comments…); everybody else what the public pages show."""
    user = current_user(request)
    event = await public_event(db_session, user, slug)
    full = user is not None and user.role in {Role.ADMIN, Role.ORGANIZER}
    data = await export_event(db_session, event, public=not full)
    body = await to_thread.run_sync(partial(json.dumps, data, ensure_ascii=False))
    return _download(body, "application/json", f"{event.slug}.json")


@post(
    "/api/v1/events/import",
    guards=[roles(Role.ORGANIZER)],
    tags=["events"],
    status_code=201,
    summary="Import an event exported from /events/{slug}/export.json",
    security=[{"BearerToken": []}],
)
async def event_import(
    db_session: NamedDependency[AsyncSession], data: JSONBody[dict[str, Any]]
) -> dict[str, Any]:
    event_id = await import_event(db_session, data)
    return {"id": event_id, "slug": data["tables"]["event"][0]["slug"]}


ROUTES: list[Any] = [
    schedule_xml,
    schedule_json,
    event_calendar,
    session_calendar,
    proceedings_akn,
    record_feed,
    event_export,
    event_import,
]
