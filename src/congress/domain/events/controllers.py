"""Organizer pages of events: the workspace overview, events, venues and rooms, history."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts import access
from congress.domain.accounts.enums import Role
from congress.domain.accounts.services import AuditEntryService
from congress.domain.events.enums import EventStatus
from congress.domain.events.models import Event, Room, Venue
from congress.domain.events.schemas import (
    EventCreate,
    EventUpdate,
    RoomCreate,
    RoomUpdate,
    VenueCreate,
    VenueUpdate,
)
from congress.domain.events.services import EventService, RoomService, VenueService
from congress.domain.people.models import Organization
from congress.errors import Conflict, NotFound
from congress.server.deletion import Deletion, blockers, confirm_page
from congress.server.forms import Form, languages_of, read_form, submit
from congress.server.i18n import current_locale
from congress.server.i18n import gettext as _
from congress.server.pages import done, invalid, page_get, page_post
from congress.server.security import current_user, roles, staff
from congress.translation import text as translated

PLANNERS = roles(*access.PLANNERS)
ORGANIZERS = roles(Role.ORGANIZER)
EVENT_FIELDS_DEFAULT_LANGUAGES = ["en", "ru"]
SESSION_TIMES = ("planned_start", "planned_end", "actual_start", "actual_end")


@page_get("/manage", guards=[staff])
async def overview(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any]
) -> Template:
    events, total = await EventService(db_session, current_user(request)).list(limit=20)
    return Template(
        "manage/overview.html", context={"section": "home", "events": events, "total": total}
    )


@page_get("/manage/events", guards=[PLANNERS])
async def events_list(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    page: FromQuery[int] = 1,
) -> Template:
    size = 50
    page = max(page, 1)
    events, total = await EventService(db_session, current_user(request)).list(
        limit=size, offset=(page - 1) * size
    )
    return Template(
        "manage/events/list.html",
        context={
            "section": "events",
            "events": events,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // size)),
        },
    )


async def _event_form_context(db: AsyncSession) -> dict[str, Any]:
    venues = (await db.scalars(select(Venue).order_by(Venue.id))).all()
    organizations = (await db.scalars(select(Organization).order_by(Organization.id))).all()
    return {
        "section": "events",
        "venues": venues,
        "organizations": organizations,
        "statuses": list(EventStatus),
    }


def _event_languages(form: Form, event: Event | None) -> list[str]:
    typed = [code for code in str(form.value("languages_text")).replace(",", " ").split() if code]
    base = typed or (event.languages if event else EVENT_FIELDS_DEFAULT_LANGUAGES)
    return list(dict.fromkeys(base))


def _prepare_event(data: dict[str, Any]) -> None:
    text = data.pop("languages_text", None) or ""
    data["languages"] = [code.strip() for code in text.replace(",", " ").split() if code.strip()]
    data["organizer_ids"] = [int(i) for i in data.get("organizer_ids") or [] if str(i).isdigit()]


def _event_form_values(event: Event) -> Form:
    values: dict[str, Any] = {
        "slug": event.slug,
        "acronym": event.acronym or "",
        "edition": event.edition or "",
        "series": event.series or "",
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat(),
        "timezone": event.timezone,
        "venue_id": event.venue_id or "",
        "status": event.status.value,
        "languages_text": " ".join(event.languages),
        "organizer_ids": [str(o.id) for o in event.organizers],
        "quorum": event.quorum or "",
    }
    for name in ("name", "occasion", "description"):
        for code, text in (getattr(event, name) or {}).items():
            values[f"{name}.{code}"] = text
    return Form(values=values)


@page_get("/manage/events/new", guards=[ORGANIZERS])
async def event_new(db_session: NamedDependency[AsyncSession]) -> Template:
    form = Form(values={"timezone": "UTC", "status": "draft", "languages_text": "en ru"})
    context = await _event_form_context(db_session)
    return Template(
        "manage/events/form.html",
        context={
            **context,
            "form": form,
            "event": None,
            "languages": EVENT_FIELDS_DEFAULT_LANGUAGES,
        },
    )


@page_post("/manage/events/new", guards=[ORGANIZERS])
async def event_create(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any]
) -> Any:
    form = await read_form(request, lists=["organizer_ids"])
    service = EventService(db_session, current_user(request))
    event = await submit(form, EventCreate, service.create, prepare=_prepare_event)
    if event is None:
        context = await _event_form_context(db_session)
        return invalid(
            "manage/events/form.html",
            form,
            **context,
            event=None,
            languages=_event_languages(form, None),
        )
    return done(request, f"/manage/events/{event.slug}", _("The event was created."))


async def _event(db: AsyncSession, request: Request[Any, Any, Any], slug: str) -> Event:
    return await EventService(db, current_user(request)).resolve(slug)


@page_get("/manage/events/{slug:str}/edit", guards=[ORGANIZERS])
async def event_edit(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template:
    event = await EventService(db_session, current_user(request)).get(
        (await _event(db_session, request, slug)).id
    )
    context = await _event_form_context(db_session)
    return Template(
        "manage/events/form.html",
        context={
            **context,
            "form": _event_form_values(event),
            "event": event,
            "tab": "edit",
            "languages": event.languages,
        },
    )


@page_post("/manage/events/{slug:str}/edit", guards=[ORGANIZERS])
async def event_update(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Any:
    event = await _event(db_session, request, slug)
    form = await read_form(request, lists=["organizer_ids"])
    service = EventService(db_session, current_user(request))

    async def update(values: dict[str, Any]) -> Event:
        return await service.update(event.id, values)

    # Only what the form shows: the registration categories and the like are kept.
    updated = await submit(form, EventUpdate, update, prepare=_prepare_event, exclude_unset=True)
    if updated is None:
        context = await _event_form_context(db_session)
        return invalid(
            "manage/events/form.html",
            form,
            **context,
            event=event,
            tab="edit",
            languages=_event_languages(form, event),
        )
    return done(request, f"/manage/events/{updated.slug}", _("The event was saved."))


# ---- venue and rooms -------------------------------------------------------------------------


async def _venue_context(
    db: AsyncSession, request: Request[Any, Any, Any], event: Event
) -> dict[str, Any]:
    venue = None
    if event.venue_id is not None:
        venue = await VenueService(db, current_user(request)).get(event.venue_id)
    return {"section": "events", "tab": "venue", "event": event, "venue": venue}


@page_get("/manage/events/{slug:str}/venue", guards=[PLANNERS])
async def venue_page(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template:
    event = await _event(db_session, request, slug)
    context = await _venue_context(db_session, request, event)
    return Template(
        "manage/events/venue.html",
        context={**context, "venue_form": Form(), "room_form": Form()},
    )


@page_post("/manage/events/{slug:str}/venue", guards=[ORGANIZERS])
async def venue_create(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Any:
    """Create the venue of an event and set it as the event's venue."""
    event = await _event(db_session, request, slug)
    form = await read_form(request)
    user = current_user(request)

    async def create(values: dict[str, Any]) -> Venue:
        venue = await VenueService(db_session, user).create(values)
        await EventService(db_session, user).update(event.id, {"venue_id": venue.id})
        return venue

    if await submit(form, VenueCreate, create) is None:
        context = await _venue_context(db_session, request, event)
        return invalid(
            "manage/events/venue.html", form, **context, venue_form=form, room_form=Form()
        )
    return done(request, f"/manage/events/{slug}/venue", _("The venue was saved."))


@page_post("/manage/events/{slug:str}/rooms", guards=[ORGANIZERS])
async def room_create(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Any:
    event = await _event(db_session, request, slug)
    form = await read_form(request)
    form.values["venue_id"] = event.venue_id
    service = RoomService(db_session, current_user(request))
    if await submit(form, RoomCreate, service.create) is None:
        context = await _venue_context(db_session, request, event)
        return invalid(
            "manage/events/venue.html", form, **context, venue_form=Form(), room_form=form
        )
    return done(request, f"/manage/events/{slug}/venue", _("The room was added."))


def _venue_form(venue: Venue) -> Form:
    values: dict[str, Any] = {
        "city": venue.city or "",
        "country": venue.country or "",
        "capacity": venue.capacity if venue.capacity is not None else "",
    }
    for name in ("name", "address"):
        for code, text in (getattr(venue, name) or {}).items():
            values[f"{name}.{code}"] = text
    return Form(values=values)


async def _event_venue(db: AsyncSession, request: Request[Any, Any, Any], event: Event) -> Venue:
    if event.venue_id is None:
        raise NotFound("the event has no venue yet")
    return await VenueService(db, current_user(request)).get(event.venue_id)


@page_get("/manage/events/{slug:str}/venue/edit", guards=[ORGANIZERS])
async def venue_edit(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template:
    event = await _event(db_session, request, slug)
    venue = await _event_venue(db_session, request, event)
    return Template(
        "manage/events/venue_form.html",
        context={
            "section": "events",
            "tab": "venue",
            "event": event,
            "venue": venue,
            "form": _venue_form(venue),
            "languages": languages_of(event.languages, venue.name, venue.address),
        },
    )


@page_post("/manage/events/{slug:str}/venue/edit", guards=[ORGANIZERS])
async def venue_update(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Any:
    event = await _event(db_session, request, slug)
    venue = await _event_venue(db_session, request, event)
    form = await read_form(request)
    service = VenueService(db_session, current_user(request))

    async def update(values: dict[str, Any]) -> Venue:
        return await service.update(venue.id, values)

    def prepare(data: dict[str, Any]) -> None:
        data.setdefault("address", {})

    if await submit(form, VenueUpdate, update, prepare=prepare, exclude_unset=True) is None:
        return invalid(
            "manage/events/venue_form.html",
            form,
            section="events",
            tab="venue",
            event=event,
            venue=venue,
            languages=languages_of(event.languages, venue.name, venue.address),
        )
    return done(request, f"/manage/events/{slug}/venue", _("The venue was saved."))


async def _event_room(
    db: AsyncSession, request: Request[Any, Any, Any], event: Event, room_id: int
) -> Room:
    room = await RoomService(db, current_user(request)).get(room_id)
    if room.venue_id != event.venue_id:
        raise NotFound(f"no room with id {room_id} at this event's venue")
    return room


def _room_context(event: Event, room: Room) -> dict[str, Any]:
    return {
        "section": "events",
        "tab": "venue",
        "event": event,
        "room": room,
        "languages": languages_of(event.languages, room.name),
    }


@page_get("/manage/events/{slug:str}/rooms/{room_id:int}", guards=[ORGANIZERS])
async def room_edit(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    room_id: FromPath[int],
) -> Template:
    event = await _event(db_session, request, slug)
    room = await _event_room(db_session, request, event, room_id)
    values: dict[str, Any] = {"capacity": room.capacity if room.capacity is not None else ""}
    values.update({f"name.{code}": text for code, text in room.name.items()})
    return Template(
        "manage/events/room_form.html",
        context={**_room_context(event, room), "form": Form(values=values)},
    )


@page_post("/manage/events/{slug:str}/rooms/{room_id:int}", guards=[ORGANIZERS])
async def room_update(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    room_id: FromPath[int],
) -> Any:
    event = await _event(db_session, request, slug)
    room = await _event_room(db_session, request, event, room_id)
    form = await read_form(request)
    service = RoomService(db_session, current_user(request))

    async def update(values: dict[str, Any]) -> Room:
        return await service.update(room.id, values)

    if await submit(form, RoomUpdate, update, exclude_unset=True) is None:
        return invalid("manage/events/room_form.html", form, **_room_context(event, room))
    return done(request, f"/manage/events/{slug}/venue", _("The room was saved."))


def _room_deletion(event: Event, room: Room) -> Deletion:
    name = translated(room.name, current_locale(), event.languages)
    return Deletion(
        title=_("Delete the room “%(name)s”?", name=name),
        action=f"/manage/events/{event.slug}/rooms/{room.id}/delete",
        back=f"/manage/events/{event.slug}/venue",
        advice=_("Move those sessions to another room (or to none) first."),
        button=_("Delete room"),
    )


@page_get("/manage/events/{slug:str}/rooms/{room_id:int}/delete", guards=[ORGANIZERS])
async def room_delete_confirm(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    room_id: FromPath[int],
) -> Template:
    event = await _event(db_session, request, slug)
    room = await _event_room(db_session, request, event, room_id)
    deletion = _room_deletion(event, room)
    deletion.blockers = await blockers(RoomService(db_session, current_user(request)), room)
    return confirm_page(deletion, section="events")


@page_post("/manage/events/{slug:str}/rooms/{room_id:int}/delete", guards=[ORGANIZERS])
async def room_delete(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    room_id: FromPath[int],
) -> Any:
    event = await _event(db_session, request, slug)
    room = await _event_room(db_session, request, event, room_id)
    service = RoomService(db_session, current_user(request))
    try:
        await service.delete(room.id)
    except Conflict:
        deletion = _room_deletion(event, room)
        deletion.blockers = await blockers(service, room)
        return confirm_page(deletion, status_code=409, section="events")
    return done(request, f"/manage/events/{slug}/venue", _("The room was deleted."))


# ---- history ---------------------------------------------------------------------------------


@page_get("/manage/events/{slug:str}/history", guards=[PLANNERS])
async def event_history(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    page: FromQuery[int] = 1,
) -> Template:
    event = await _event(db_session, request, slug)
    size = 50
    page = max(page, 1)
    entries, total = await AuditEntryService(db_session, current_user(request)).history(
        event_id=event.id, limit=size, offset=(page - 1) * size
    )
    return Template(
        "manage/events/history.html",
        context={
            "section": "events",
            "tab": "history",
            "event": event,
            "entries": entries,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // size)),
        },
    )


ROUTES = [
    overview,
    events_list,
    event_new,
    event_create,
    event_edit,
    event_update,
    venue_page,
    venue_create,
    venue_edit,
    venue_update,
    room_create,
    room_edit,
    room_update,
    room_delete_confirm,
    room_delete,
    event_history,
]
