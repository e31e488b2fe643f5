"""Organizer pages of events: the workspace overview, events, venues and rooms, history."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from litestar import Request
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

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
from congress.domain.people.pickers import label_people, submit_picking
from congress.domain.people.services import organization_choices, person_name
from congress.domain.programme.enums import SessionKind
from congress.domain.programme.models import Session
from congress.domain.programme.schemas import SessionCreate
from congress.domain.programme.services import SessionService, conflicts_of_event, load_programme
from congress.domain.registration.enums import ACTIVE_STATUSES, ParticipantCategory
from congress.domain.registration.models import Delegation, Participant
from congress.domain.registration.schemas import (
    DelegationCreate,
    DelegationUpdate,
    ParticipantCreate,
)
from congress.domain.registration.services import DelegationService, ParticipantService
from congress.errors import Conflict, NotFound
from congress.server.deletion import Deletion, blockers, confirm_page
from congress.server.forms import Form, as_local_input, local_datetimes, read_form, submit
from congress.server.i18n import current_locale, ngettext
from congress.server.i18n import gettext as _
from congress.server.pages import done, invalid, page_get, page_post
from congress.server.security import current_user, roles, staff
from congress.translation import text as translated

PLANNERS = roles(Role.ORGANIZER, Role.EDITOR)
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


async def _event_page(
    db: AsyncSession,
    request: Request[Any, Any, Any],
    event: Event,
    session_form: Form | None = None,
    status_code: int = 200,
) -> Template:
    user = current_user(request)
    programme = await load_programme(db, event.id)
    conflicts = await conflicts_of_event(db, event.id, programme)
    venue = await VenueService(db, user).get(event.venue_id) if event.venue_id else None
    organizers = (await EventService(db, user).get(event.id)).organizers
    return Template(
        "manage/events/page.html",
        context={
            "section": "events",
            "tab": "overview",
            "event": event,
            "venue": venue,
            "rooms": venue.rooms if venue else [],
            "organizers": organizers,
            "sessions": programme,
            "conflicts": conflicts,
            "session_kinds": list(SessionKind),
            "session_form": session_form or _new_session_form(event, programme),
            "form": session_form or Form(),
        },
        status_code=status_code,
    )


def _new_session_form(event: Event, programme: list[Session]) -> Form:
    """A new session starts when the last one ends (else at ten on the first day), for an hour."""
    zone = zoneinfo.ZoneInfo(event.timezone)
    if programme:
        start = max(session.planned_end for session in programme).astimezone(zone)
    else:
        start = dt.datetime.combine(event.start_date, dt.time(10), tzinfo=zone)
    return Form(
        values={
            "kind": "plenary",
            "planned_start": as_local_input(start, event.timezone),
            "planned_end": as_local_input(start + dt.timedelta(hours=1), event.timezone),
        }
    )


@page_get("/manage/events/{slug:str}", guards=[PLANNERS])
async def event_page(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template:
    return await _event_page(db_session, request, await _event(db_session, request, slug))


@page_post("/manage/events/{slug:str}/sessions", guards=[ORGANIZERS])
async def session_create(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Any:
    event = await _event(db_session, request, slug)
    form = await read_form(request)
    service = SessionService(db_session, current_user(request))

    async def create(values: dict[str, Any]) -> Session:
        return await service.create({**values, "event_id": event.id})

    def prepare(data: dict[str, Any]) -> None:
        local_datetimes(data, SESSION_TIMES, event.timezone)

    session = await submit(form, SessionCreate, create, prepare=prepare)
    if session is None:
        return await _event_page(db_session, request, event, form, status_code=422)
    return done(request, f"/manage/sessions/{session.id}", _("The session was added."))


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

    updated = await submit(form, EventUpdate, update, prepare=_prepare_event)
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


def _languages_of(event: Event, *texts: dict[str, str] | None) -> list[str]:
    """The event's languages, then any other language a text is already written in."""
    return list(dict.fromkeys([*event.languages, *(code for t in texts for code in t or {})]))


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
            "languages": _languages_of(event, venue.name, venue.address),
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
            languages=_languages_of(event, venue.name, venue.address),
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
        "languages": _languages_of(event, room.name),
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


# ---- delegations -------------------------------------------------------------------------------
# Registrars keep the delegations' lists too (registration pages); both edit through the same
# services, which keep the quota.

DELEGATION_STAFF = roles(Role.ORGANIZER, Role.REGISTRAR)
MEMBER_CATEGORIES = list(ParticipantCategory)


async def _delegations(db: AsyncSession, event: Event) -> list[tuple[Delegation, int]]:
    """The event's delegations (head and organization loaded) with their active members."""
    delegations = (
        await db.scalars(
            select(Delegation)
            .where(Delegation.event_id == event.id)
            .options(selectinload(Delegation.head), selectinload(Delegation.organization))
        )
    ).all()
    counts = dict(
        (
            await db.execute(
                select(Participant.delegation_id, func.count())
                .where(Participant.event_id == event.id)
                .where(Participant.status.in_(ACTIVE_STATUSES))
                .group_by(Participant.delegation_id)
            )
        )
        .tuples()
        .all()
    )
    lang = current_locale()
    rows = [(delegation, counts.get(delegation.id, 0)) for delegation in delegations]
    return sorted(rows, key=lambda row: translated(row[0].name, lang, event.languages).casefold())


async def _delegation_choices(db: AsyncSession) -> dict[str, Any]:
    return {"organizations": await organization_choices(db, current_locale())}


async def _delegations_page(
    db: AsyncSession, event: Event, form: Form, status_code: int = 200
) -> Template:
    return Template(
        "manage/delegations/list.html",
        context={
            "section": "events",
            "tab": "delegations",
            "event": event,
            "delegations": await _delegations(db, event),
            "form": form,
            **(await _delegation_choices(db)),
        },
        status_code=status_code,
    )


@page_get("/manage/events/{slug:str}/delegations", guards=[DELEGATION_STAFF])
async def delegations_list(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template:
    event = await _event(db_session, request, slug)
    return await _delegations_page(db_session, event, Form())


@page_post("/manage/events/{slug:str}/delegations", guards=[DELEGATION_STAFF])
async def delegation_create(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Any:
    event = await _event(db_session, request, slug)
    form = await read_form(request)
    user = current_user(request)
    service = DelegationService(db_session, user)

    async def create(values: dict[str, Any]) -> Delegation:
        return await service.create({**values, "event_id": event.id})

    delegation = await submit_picking(db_session, user, form, DelegationCreate, create)
    if delegation is None:
        return await _delegations_page(db_session, event, form, status_code=422)
    return done(request, f"/manage/delegations/{delegation.id}", _("The delegation was added."))


async def _delegation_and_event(
    db: AsyncSession, request: Request[Any, Any, Any], delegation_id: int
) -> tuple[Delegation, Event]:
    user = current_user(request)
    await DelegationService(db, user).get(delegation_id)  # as this user may see it
    delegation = (
        await db.scalars(
            select(Delegation)
            .where(Delegation.id == delegation_id)
            .options(selectinload(Delegation.head))
            .execution_options(populate_existing=True)
        )
    ).one()
    return delegation, await EventService(db, user).resolve(delegation.event_id)


def _delegation_form(delegation: Delegation) -> Form:
    values: dict[str, Any] = {
        "organization_id": delegation.organization_id or "",
        "country": delegation.country or "",
        "head_id": delegation.head_id or "",
        "quota": delegation.quota if delegation.quota is not None else "",
    }
    values.update({f"name.{code}": text for code, text in delegation.name.items()})
    return Form(values=values)


async def _delegation_page(
    db: AsyncSession,
    request: Request[Any, Any, Any],
    delegation_id: int,
    form: Form | None = None,
    member_form: Form | None = None,
) -> Template:
    delegation, event = await _delegation_and_event(db, request, delegation_id)
    members = (
        await db.scalars(
            select(Participant)
            .where(Participant.delegation_id == delegation.id)
            .options(selectinload(Participant.person))
        )
    ).all()
    lang = current_locale()
    members = sorted(members, key=lambda p: person_name(p.person, lang, event.languages).casefold())
    active = sum(1 for member in members if member.status in ACTIVE_STATUSES)
    if form is None:
        form = _delegation_form(delegation)
        await label_people(db, form, ["head_id"])
    history, _total = await AuditEntryService(db, current_user(request)).history(
        entity="delegation", entity_ids=[delegation.id], limit=10
    )
    failed = form.has_errors or (member_form is not None and member_form.has_errors)
    return Template(
        "manage/delegations/page.html",
        context={
            "section": "events",
            "tab": "delegations",
            "event": event,
            "delegation": delegation,
            "members": members,
            "active": active,
            "form": form,
            "member_form": member_form or Form(values={"category": "delegate"}),
            "categories": MEMBER_CATEGORIES,
            "languages": _languages_of(event, delegation.name),
            "history": history,
            **(await _delegation_choices(db)),
        },
        status_code=422 if failed else 200,
    )


@page_get("/manage/delegations/{delegation_id:int}", guards=[DELEGATION_STAFF])
async def delegation_page(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    delegation_id: FromPath[int],
) -> Template:
    return await _delegation_page(db_session, request, delegation_id)


@page_post("/manage/delegations/{delegation_id:int}", guards=[DELEGATION_STAFF])
async def delegation_update(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    delegation_id: FromPath[int],
) -> Any:
    form = await read_form(request)
    user = current_user(request)
    service = DelegationService(db_session, user)

    async def update(values: dict[str, Any]) -> Delegation:
        return await service.update(delegation_id, values)

    saved = await submit_picking(
        db_session, user, form, DelegationUpdate, update, exclude_unset=True
    )
    if saved is None:
        return await _delegation_page(db_session, request, delegation_id, form=form)
    return done(request, f"/manage/delegations/{delegation_id}", _("The delegation was saved."))


@page_post("/manage/delegations/{delegation_id:int}/members", guards=[DELEGATION_STAFF])
async def delegation_member_add(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    delegation_id: FromPath[int],
) -> Any:
    """Put a person on the delegation: a participant of the event moves into it, anybody else
    becomes one. The participant service keeps the quota."""
    delegation, event = await _delegation_and_event(db_session, request, delegation_id)
    form = await read_form(request)
    user = current_user(request)
    participants = ParticipantService(db_session, user)

    async def add(values: dict[str, Any]) -> Participant:
        existing = await db_session.scalar(
            select(Participant.id).where(
                Participant.event_id == event.id, Participant.person_id == values["person_id"]
            )
        )
        if existing is not None:
            return await participants.update(existing, {"delegation_id": delegation.id})
        return await participants.create(
            {**values, "event_id": event.id, "delegation_id": delegation.id}
        )

    added = await submit_picking(db_session, user, form, ParticipantCreate, add)
    if added is None:
        if "delegation_id" in form.errors:
            form.errors["person_id"] = form.errors.pop("delegation_id")
        return await _delegation_page(db_session, request, delegation_id, member_form=form)
    return done(request, f"/manage/delegations/{delegation_id}#members", _("The member was added."))


@page_post(
    "/manage/delegations/{delegation_id:int}/members/{participant_id:int}/remove",
    guards=[DELEGATION_STAFF],
)
async def delegation_member_remove(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    delegation_id: FromPath[int],
    participant_id: FromPath[int],
) -> Any:
    """Take a participant off the delegation (they stay a participant of the event)."""
    service = ParticipantService(db_session, current_user(request))
    participant = await service.get(participant_id)
    if participant.delegation_id != delegation_id:
        raise NotFound(f"participant {participant_id} is not a member of this delegation")
    await service.update(participant_id, {"delegation_id": None})
    return done(
        request,
        f"/manage/delegations/{delegation_id}#members",
        _("The member was taken off the delegation."),
    )


async def _delegation_deletion(db: AsyncSession, delegation: Delegation, event: Event) -> Deletion:
    members = int(
        await db.scalar(
            select(func.count())
            .select_from(Participant)
            .where(Participant.delegation_id == delegation.id)
        )
        or 0
    )
    name = translated(delegation.name, current_locale(), event.languages)
    return Deletion(
        title=_("Delete the delegation “%(name)s”?", name=name),
        action=f"/manage/delegations/{delegation.id}/delete",
        back=f"/manage/delegations/{delegation.id}",
        consequences=[
            ngettext(
                "its member list: the %(num)s member stays a participant of the event",
                "its member list: the %(num)s members stay participants of the event",
                members,
            )
        ]
        if members
        else [],
        button=_("Delete delegation"),
    )


@page_get("/manage/delegations/{delegation_id:int}/delete", guards=[DELEGATION_STAFF])
async def delegation_delete_confirm(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    delegation_id: FromPath[int],
) -> Template:
    delegation, event = await _delegation_and_event(db_session, request, delegation_id)
    deletion = await _delegation_deletion(db_session, delegation, event)
    return confirm_page(deletion, section="events")


@page_post("/manage/delegations/{delegation_id:int}/delete", guards=[DELEGATION_STAFF])
async def delegation_delete(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    delegation_id: FromPath[int],
) -> Any:
    _delegation, event = await _delegation_and_event(db_session, request, delegation_id)
    await DelegationService(db_session, current_user(request)).delete(delegation_id)
    return done(
        request, f"/manage/events/{event.slug}/delegations", _("The delegation was deleted.")
    )


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
    event_page,
    session_create,
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
    delegations_list,
    delegation_create,
    delegation_page,
    delegation_update,
    delegation_member_add,
    delegation_member_remove,
    delegation_delete_confirm,
    delegation_delete,
    event_history,
]
