"""Organizer pages of the programme: a session with its presidium and agenda, speeches with
their speakers and transcripts, awards, gifts, and the timeline of each day."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from litestar import Request
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.accounts.services import AuditEntryService
from congress.domain.events.models import Event
from congress.domain.events.services import EventService, VenueService
from congress.domain.people.pickers import label_people, submit_picking
from congress.domain.people.services import (
    organization_choices,
    position_choices,
    position_holders,
)
from congress.domain.programme.enums import (
    AgendaItemKind,
    AwardKind,
    SeatRole,
    SessionKind,
    SpeechKind,
    TranscriptStatus,
)
from congress.domain.programme.models import AgendaItem, Session, Speech
from congress.domain.programme.queries import load_programme
from congress.domain.programme.schemas import (
    AgendaItemCreate,
    AgendaItemUpdate,
    AwardCreate,
    GiftCreate,
    PresidiumSeatCreate,
    SessionCreate,
    SessionUpdate,
    SpeechCreate,
    SpeechUpdate,
)
from congress.domain.programme.services import (
    AgendaItemService,
    AwardService,
    GiftService,
    PresidiumSeatService,
    SessionService,
    SpeechService,
    conflicts_of_event,
    load_session,
)
from congress.errors import Conflict
from congress.server.deletion import Deletion, blockers, confirm_page, count_of
from congress.server.forms import Form, as_local_input, local_datetimes, read_form, submit
from congress.server.i18n import current_locale
from congress.server.i18n import gettext as _
from congress.server.pages import done, page_get, page_post
from congress.server.security import current_user, roles
from congress.translation import text as translated

PLANNERS = roles(Role.ORGANIZER, Role.EDITOR)
ORGANIZERS = roles(Role.ORGANIZER)
TIMES = ("planned_start", "planned_end", "actual_start", "actual_end")
SPEAKER_ROWS = 4
OTHER_KINDS = [
    AgendaItemKind.PERFORMANCE,
    AgendaItemKind.PROCEDURAL,
    AgendaItemKind.BREAK,
    AgendaItemKind.OTHER,
]


async def _session_and_event(
    db: AsyncSession, request: Request[Any, Any, Any], session_id: FromPath[int]
) -> tuple[Session, Event]:
    session = await load_session(db, session_id)
    event = await EventService(db, current_user(request)).resolve(session.event_id)
    return session, event


async def _choices(db: AsyncSession) -> dict[str, Any]:
    lang = current_locale()
    return {
        "positions": await position_choices(db, lang),
        "position_holders": await position_holders(db),
        "organizations": await organization_choices(db, lang),
    }


async def _session_page(
    db: AsyncSession,
    request: Request[Any, Any, Any],
    session_id: FromPath[int],
    failed: str | None = None,
    form: Form | None = None,
) -> Template:
    """The session page; after a refused form, that form again with its messages (422)."""
    session, event = await _session_and_event(db, request, session_id)
    user = current_user(request)
    programme = await load_programme(db, event, full=True)
    conflicts = [
        c
        for c in await conflicts_of_event(db, event.id, programme)
        if any(s.id == session.id for s in c.sessions)
    ]
    flagged = {c.person.id for c in conflicts if c.kind == "presidium_not_participant" and c.person}
    venue = await VenueService(db, user).get(event.venue_id) if event.venue_id else None
    history, _total = await AuditEntryService(db, user).history(
        entity="session", entity_ids=[session.id], limit=10
    )
    next_seat = max((seat.seat_number for seat in session.presidium), default=0) + 1
    forms = {
        "seat": Form(values={"seat_number": next_seat, "role": "member"}),
        "speech": Form(values={"language": event.primary_language, "kind": "address"}),
        "award": Form(values={"kind": "badge"}),
        "gift": Form(),
        "item": Form(values={"kind": "procedural"}),
    }
    if failed and form is not None:
        forms[failed] = form
    return Template(
        "manage/sessions/page.html",
        context={
            "section": "events",
            "tab": "overview",
            "event": event,
            "session": session,
            "conflicts": conflicts,
            "not_participants": flagged,
            "rooms": venue.rooms if venue else [],
            "forms": forms,
            "failed": failed,
            "history": history,
            "seat_roles": list(SeatRole),
            "speech_kinds": list(SpeechKind),
            "award_kinds": list(AwardKind),
            "other_kinds": OTHER_KINDS,
            "speaker_rows": SPEAKER_ROWS,
            **(await _choices(db)),
        },
        status_code=422 if failed else 200,
    )


@page_get("/manage/sessions/{session_id:int}", guards=[PLANNERS])
async def session_page(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    session_id: FromPath[int],
) -> Template:
    return await _session_page(db_session, request, session_id)


def _session_form(session: Session, tz: str) -> Form:
    values: dict[str, Any] = {"kind": session.kind.value, "room_id": session.room_id or ""}
    for name in TIMES:
        values[name] = as_local_input(getattr(session, name), tz)
    for code, text in session.title.items():
        values[f"title.{code}"] = text
    for code, text in (session.description or {}).items():
        values[f"description.{code}"] = text
    return Form(values=values)


@page_get("/manage/sessions/{session_id:int}/edit", guards=[ORGANIZERS])
async def session_edit(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    session_id: FromPath[int],
) -> Template:
    session, event = await _session_and_event(db_session, request, session_id)
    venue = (
        await VenueService(db_session, current_user(request)).get(event.venue_id)
        if event.venue_id
        else None
    )
    return Template(
        "manage/sessions/edit.html",
        context={
            "section": "events",
            "tab": "overview",
            "event": event,
            "session": session,
            "form": _session_form(session, event.timezone),
            "rooms": venue.rooms if venue else [],
            "session_kinds": list(SessionKind),
        },
    )


@page_post("/manage/sessions/{session_id:int}/edit", guards=[ORGANIZERS])
async def session_update(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    session_id: FromPath[int],
) -> Any:
    session, event = await _session_and_event(db_session, request, session_id)
    form = await read_form(request)
    service = SessionService(db_session, current_user(request))

    async def update(values: dict[str, Any]) -> Session:
        return await service.update(session_id, values)

    def prepare(data: dict[str, Any]) -> None:
        local_datetimes(data, TIMES, event.timezone)

    if await submit(form, SessionUpdate, update, prepare=prepare) is None:
        venue = (
            await VenueService(db_session, current_user(request)).get(event.venue_id)
            if event.venue_id
            else None
        )
        return Template(
            "manage/sessions/edit.html",
            context={
                "section": "events",
                "tab": "overview",
                "event": event,
                "session": session,
                "form": form,
                "rooms": venue.rooms if venue else [],
                "session_kinds": list(SessionKind),
            },
            status_code=422,
        )
    return done(request, f"/manage/sessions/{session_id}", _("The session was saved."))


async def _session_deletion(service: SessionService, session: Session, event: Event) -> Deletion:
    title = translated(session.title, current_locale(), event.languages)
    consequences = []
    if session.presidium:
        consequences.append(count_of("presidium_seat", len(session.presidium)))
    if session.agenda:
        consequences.append(
            _(
                "%(items)s, with their speeches, awards and gifts",
                items=count_of("agenda_item", len(session.agenda)),
            )
        )
    return Deletion(
        title=_("Delete the session “%(title)s”?", title=title),
        action=f"/manage/sessions/{session.id}/delete",
        back=f"/manage/sessions/{session.id}",
        consequences=consequences,
        blockers=await blockers(service, session),
        advice=_(
            "What was recorded of a session (presence, published accounts, photos) is kept; a session that has such records stays."
        ),
        button=_("Delete session"),
    )


@page_get("/manage/sessions/{session_id:int}/delete", guards=[ORGANIZERS])
async def session_delete_confirm(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    session_id: FromPath[int],
) -> Template:
    session, event = await _session_and_event(db_session, request, session_id)
    service = SessionService(db_session, current_user(request))
    return confirm_page(await _session_deletion(service, session, event), section="events")


@page_post("/manage/sessions/{session_id:int}/delete", guards=[ORGANIZERS])
async def session_delete(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    session_id: FromPath[int],
) -> Any:
    session, event = await _session_and_event(db_session, request, session_id)
    service = SessionService(db_session, current_user(request))
    try:
        await service.delete(session_id)
    except Conflict:
        deletion = await _session_deletion(service, session, event)
        return confirm_page(deletion, status_code=409, section="events")
    return done(request, f"/manage/events/{event.slug}", _("The session was deleted."))


# ---- presidium -------------------------------------------------------------------------------


@page_post("/manage/sessions/{session_id:int}/presidium", guards=[ORGANIZERS])
async def seat_create(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    session_id: FromPath[int],
) -> Any:
    await load_session(db_session, session_id)
    form = await read_form(request)
    service = PresidiumSeatService(db_session, current_user(request))

    async def create(values: dict[str, Any]) -> Any:
        return await service.create({**values, "session_id": session_id})

    if await submit_picking(db_session, service.user, form, PresidiumSeatCreate, create) is None:
        return await _session_page(db_session, request, session_id, "seat", form)
    return done(request, f"/manage/sessions/{session_id}#presidium", _("The seat was assigned."))


@page_post("/manage/presidium-seats/{seat_id:int}/delete", guards=[ORGANIZERS])
async def seat_delete(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    seat_id: FromPath[int],
) -> Redirect:
    service = PresidiumSeatService(db_session, current_user(request))
    seat = await service.get(seat_id)
    await service.delete(seat_id)
    return done(request, f"/manage/sessions/{seat.session_id}#presidium", _("The seat was freed."))


# ---- agenda ----------------------------------------------------------------------------------


@page_post("/manage/sessions/{session_id:int}/agenda", guards=[PLANNERS])
async def item_create(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    session_id: FromPath[int],
) -> Any:
    _session, event = await _session_and_event(db_session, request, session_id)
    form = await read_form(request)
    service = AgendaItemService(db_session, current_user(request))

    async def create(values: dict[str, Any]) -> Any:
        return await service.create({**values, "session_id": session_id})

    def prepare(data: dict[str, Any]) -> None:
        local_datetimes(data, TIMES, event.timezone)

    if await submit(form, AgendaItemCreate, create, prepare=prepare) is None:
        return await _session_page(db_session, request, session_id, "item", form)
    return done(request, f"/manage/sessions/{session_id}#agenda", _("The item was added."))


@page_post("/manage/sessions/{session_id:int}/speeches", guards=[PLANNERS])
async def speech_create(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    session_id: FromPath[int],
) -> Any:
    _session, _event = await _session_and_event(db_session, request, session_id)
    form = await read_form(request)
    service = SpeechService(db_session, current_user(request))

    async def create(values: dict[str, Any]) -> Speech:
        return await service.create({**values, "session_id": session_id})

    speech = await submit_picking(
        db_session, service.user, form, SpeechCreate, create, prepare=_prepare_speech
    )
    if speech is None:
        return await _session_page(db_session, request, session_id, "speech", form)
    return done(request, f"/manage/speeches/{speech.id}", _("The speech was added."))


def _prepare_speech(data: dict[str, Any]) -> None:
    """Rows left empty are not speakers; a transcript status only where there is a text."""
    speakers = data.get("speakers") or []
    if isinstance(speakers, list):
        data["speakers"] = [
            row for row in speakers if isinstance(row, dict) and row.get("person_id")
        ]
    transcript = {code: text for code, text in (data.get("transcript") or {}).items() if text}
    data["transcript"] = transcript
    statuses = data.get("transcript_status") or {}
    data["transcript_status"] = {
        code: status for code, status in statuses.items() if status and code in transcript
    }
    data["approved"] = data.get("approved") in ("true", "on", True)


@page_post("/manage/sessions/{session_id:int}/awards", guards=[ORGANIZERS])
async def award_create(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    session_id: FromPath[int],
) -> Any:
    _session, event = await _session_and_event(db_session, request, session_id)
    form = await read_form(request)
    service = AwardService(db_session, current_user(request))

    async def create(values: dict[str, Any]) -> Any:
        return await service.create({**values, "session_id": session_id, "event_id": event.id})

    if await submit_picking(db_session, service.user, form, AwardCreate, create) is None:
        return await _session_page(db_session, request, session_id, "award", form)
    return done(request, f"/manage/sessions/{session_id}#agenda", _("The award was added."))


@page_post("/manage/sessions/{session_id:int}/gifts", guards=[ORGANIZERS])
async def gift_create(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    session_id: FromPath[int],
) -> Any:
    _session, event = await _session_and_event(db_session, request, session_id)
    form = await read_form(request)
    service = GiftService(db_session, current_user(request))

    async def create(values: dict[str, Any]) -> Any:
        return await service.create({**values, "session_id": session_id, "event_id": event.id})

    if await submit_picking(db_session, service.user, form, GiftCreate, create) is None:
        return await _session_page(db_session, request, session_id, "gift", form)
    return done(request, f"/manage/sessions/{session_id}#agenda", _("The gift was added."))


@page_post("/manage/sessions/{session_id:int}/agenda/order", guards=[PLANNERS])
async def agenda_order(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    session_id: FromPath[int],
) -> Redirect:
    """The agenda in a new order: from drag and drop (every item id, in order)."""
    await load_session(db_session, session_id)
    form = await read_form(request, lists=["item_ids"])
    ids = [int(i) for i in form.values_of("item_ids") if i.isdigit()]
    await AgendaItemService(db_session, current_user(request)).reorder(session_id, ids)
    return done(request, f"/manage/sessions/{session_id}#agenda", _("The agenda was reordered."))


@page_post("/manage/agenda-items/{item_id:int}/move", guards=[PLANNERS])
async def item_move(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    item_id: FromPath[int],
    direction: FromQuery[str] = "up",
) -> Redirect:
    service = AgendaItemService(db_session, current_user(request))
    item = await service.get(item_id)
    session = await load_session(db_session, item.session_id)
    ids = [i.id for i in session.agenda]
    index = ids.index(item_id)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(ids):
        ids[index], ids[target] = ids[target], ids[index]
        await service.reorder(session.id, ids)
    return done(request, f"/manage/sessions/{session.id}#agenda", _("The agenda was reordered."))


def _item_form(item: AgendaItem, tz: str) -> Form:
    values: dict[str, Any] = {"kind": item.kind.value, "notes": item.notes or ""}
    for name in TIMES:
        values[name] = as_local_input(getattr(item, name), tz)
    for code, text in (item.title or {}).items():
        values[f"title.{code}"] = text
    return Form(values=values)


async def _item_context(
    db: AsyncSession, request: Request[Any, Any, Any], item_id: FromPath[int]
) -> dict[str, Any]:
    item = await AgendaItemService(db, current_user(request)).get(item_id)
    session, event = await _session_and_event(db, request, item.session_id)
    loaded = next(i for i in session.agenda if i.id == item_id)
    return {
        "section": "events",
        "tab": "overview",
        "event": event,
        "session": session,
        "item": loaded,
    }


@page_get("/manage/agenda-items/{item_id:int}", guards=[PLANNERS])
async def item_page(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    item_id: FromPath[int],
) -> Template:
    context = await _item_context(db_session, request, item_id)
    return Template(
        "manage/sessions/item.html",
        context={**context, "form": _item_form(context["item"], context["event"].timezone)},
    )


@page_post("/manage/agenda-items/{item_id:int}", guards=[PLANNERS])
async def item_update(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    item_id: FromPath[int],
) -> Any:
    context = await _item_context(db_session, request, item_id)
    form = await read_form(request)
    form.values.pop("kind", None)  # what an item holds decides its kind
    service = AgendaItemService(db_session, current_user(request))

    async def update(values: dict[str, Any]) -> Any:
        return await service.update(item_id, values)

    def prepare(data: dict[str, Any]) -> None:
        local_datetimes(data, TIMES, context["event"].timezone)

    # Only what the form shows: the item's kind and place are kept (an item holding a gift was
    # refused as "changing its kind" when the absent kind was sent as empty).
    if await submit(form, AgendaItemUpdate, update, prepare=prepare, exclude_unset=True) is None:
        return Template(
            "manage/sessions/item.html", context={**context, "form": form}, status_code=422
        )
    return done(
        request, f"/manage/sessions/{context['session'].id}#agenda", _("The item was saved.")
    )


@page_post("/manage/agenda-items/{item_id:int}/delete", guards=[PLANNERS])
async def item_delete(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    item_id: FromPath[int],
) -> Redirect:
    """Delete an item together with the speech, award or gift it holds."""
    service = AgendaItemService(db_session, current_user(request))
    session_id = (await service.get(item_id)).session_id
    await service.delete(item_id)
    return done(request, f"/manage/sessions/{session_id}#agenda", _("The item was deleted."))


# ---- speeches --------------------------------------------------------------------------------


def _speech_form(speech: Speech) -> Form:
    values: dict[str, Any] = {
        "kind": speech.kind.value,
        "language": speech.language,
        "approved": "true" if speech.approved else "",
    }
    for code, text in (speech.title or {}).items():
        values[f"title.{code}"] = text
    for index, speaker in enumerate(speech.speakers):
        values[f"speakers.{index}.person_id"] = speaker.person_id
        values[f"speakers.{index}.position_id"] = speaker.position_id or ""
        values[f"speakers.{index}.on_behalf_of_id"] = speaker.on_behalf_of_id or ""
        for code, text in (speaker.capacity or {}).items():
            values[f"speakers.{index}.capacity.{code}"] = text
    for code, text in speech.transcript.items():
        values[f"transcript.{code}"] = text
    for code, status in speech.transcript_status.items():
        values[f"transcript_status.{code}"] = status
    return Form(values=values)


async def _speech_context(
    db: AsyncSession, request: Request[Any, Any, Any], speech_id: FromPath[int]
) -> dict[str, Any]:
    speech = await SpeechService(db, current_user(request)).get(speech_id)
    item = await AgendaItemService(db, current_user(request)).get(speech.agenda_item_id)
    session, event = await _session_and_event(db, request, item.session_id)
    loaded = next(i for i in session.agenda if i.id == item.id)
    history, _total = await AuditEntryService(db, current_user(request)).history(
        entity="speech", entity_ids=[speech_id], limit=20
    )
    return {
        "section": "events",
        "tab": "overview",
        "event": event,
        "session": session,
        "item": loaded,
        "speech": loaded.speech,
        "history": history,
        "speech_kinds": list(SpeechKind),
        "statuses": list(TranscriptStatus),
        "speaker_rows": max(SPEAKER_ROWS, len(speech.speakers) + 1),
        **(await _choices(db)),
    }


@page_get("/manage/speeches/{speech_id:int}", guards=[PLANNERS])
async def speech_page(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    speech_id: FromPath[int],
    lang: FromQuery[str | None] = None,
) -> Template:
    context = await _speech_context(db_session, request, speech_id)
    event = context["event"]
    speech = context["speech"]
    language = lang if lang in event.languages else speech.language
    form = _speech_form(speech)
    await label_people(db_session, form, _speaker_fields(len(speech.speakers)))
    return Template(
        "manage/speeches/page.html", context={**context, "form": form, "lang_tab": language}
    )


def _speaker_fields(count: int) -> list[str]:
    return [f"speakers.{index}.person_id" for index in range(count)]


@page_post("/manage/speeches/{speech_id:int}", guards=[PLANNERS])
async def speech_update(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    speech_id: FromPath[int],
    lang: FromQuery[str | None] = None,
) -> Any:
    """The speech form and the transcript editor post here; each sends only its own fields."""
    context = await _speech_context(db_session, request, speech_id)
    form = await read_form(request)
    service = SpeechService(db_session, current_user(request))
    speech = context["speech"]
    transcript_only = "transcript_language" in form.values

    def prepare(data: dict[str, Any]) -> None:
        if transcript_only:
            code = str(data.pop("transcript_language"))
            text = ((data.get("transcript") or {}).get(code) or "").strip()
            status = (data.get("transcript_status") or {}).get(code)
            transcript = {**speech.transcript}
            statuses = {**speech.transcript_status}
            if text:
                transcript[code] = text
                if status:
                    statuses[code] = status
            else:
                transcript.pop(code, None)
                statuses.pop(code, None)
            data.clear()
            data.update({"transcript": transcript, "transcript_status": statuses})
        else:
            _prepare_speech(data)
            data.pop("transcript", None)
            data.pop("transcript_status", None)

    async def update(values: dict[str, Any]) -> Speech:
        return await service.update(speech_id, values)

    updated = await submit_picking(
        db_session, service.user, form, SpeechUpdate, update, prepare=prepare, exclude_unset=True
    )
    if updated is None:
        event = context["event"]
        language = lang if lang in event.languages else speech.language
        if transcript_only:
            merged = _speech_form(speech)
            merged.values.update(form.values)
            merged.errors, merged.message = form.errors, form.message
            form = merged
            await label_people(db_session, form, _speaker_fields(len(speech.speakers)))
        return Template(
            "manage/speeches/page.html",
            context={**context, "form": form, "lang_tab": language},
            status_code=422,
        )
    anchor = f"?lang={form.value('transcript_language')}#transcript" if transcript_only else ""
    return done(request, f"/manage/speeches/{speech_id}{anchor}", _("The speech was saved."))


# ---- the event's page: its programme, and new sessions ---------------------------------


async def _event_page(
    db: AsyncSession,
    request: Request[Any, Any, Any],
    event: Event,
    session_form: Form | None = None,
    status_code: int = 200,
) -> Template:
    user = current_user(request)
    programme = await load_programme(db, event, full=True)
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
    return await _event_page(
        db_session, request, await EventService(db_session, current_user(request)).resolve(slug)
    )


@page_post("/manage/events/{slug:str}/sessions", guards=[ORGANIZERS])
async def session_create(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Any:
    event = await EventService(db_session, current_user(request)).resolve(slug)
    form = await read_form(request)
    service = SessionService(db_session, current_user(request))

    async def create(values: dict[str, Any]) -> Session:
        return await service.create({**values, "event_id": event.id})

    def prepare(data: dict[str, Any]) -> None:
        local_datetimes(data, TIMES, event.timezone)

    session = await submit(form, SessionCreate, create, prepare=prepare)
    if session is None:
        return await _event_page(db_session, request, event, form, status_code=422)
    return done(request, f"/manage/sessions/{session.id}", _("The session was added."))


# ---- timeline --------------------------------------------------------------------------------


@page_get("/manage/events/{slug:str}/timeline", guards=[PLANNERS])
async def timeline(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template:
    """Each day of the event as rows of rooms with the sessions placed on an hour scale."""
    event = await EventService(db_session, current_user(request)).resolve(slug)
    programme = await load_programme(db_session, event, full=True)
    conflicts = await conflicts_of_event(db_session, event.id, programme)
    clashing = {s.id for c in conflicts if c.kind in ("room", "person") for s in c.sessions}
    zone = zoneinfo.ZoneInfo(event.timezone)
    days: dict[dt.date, list[Session]] = {}
    for session in programme:
        days.setdefault(session.planned_start.astimezone(zone).date(), []).append(session)
    plans = []
    for day, sessions in sorted(days.items()):
        starts = [s.planned_start.astimezone(zone) for s in sessions]
        ends = [s.planned_end.astimezone(zone) for s in sessions]
        first = min(starts).replace(minute=0, second=0, microsecond=0)
        last_end = max(ends)
        last = last_end.replace(minute=0, second=0, microsecond=0)
        if last < last_end:
            last += dt.timedelta(hours=1)
        span = max((last - first).total_seconds(), 3600)
        rows: dict[str, list[dict[str, Any]]] = {}
        for session in sessions:
            room = session.room.name if session.room else None
            key = str(session.room_id or 0)
            row = rows.setdefault(key, [])
            left = (session.planned_start.astimezone(zone) - first).total_seconds() / span * 100
            width = (session.planned_end - session.planned_start).total_seconds() / span * 100
            row.append(
                {
                    "session": session,
                    "room": room,
                    "left": round(left, 3),
                    "width": round(max(width, 1.5), 3),
                    "conflict": session.id in clashing,
                }
            )
        hours = []
        moment = first
        while moment <= last:
            hours.append(
                {"at": moment, "left": round((moment - first).total_seconds() / span * 100, 3)}
            )
            moment += dt.timedelta(hours=1)
        plans.append({"day": day, "rows": list(rows.values()), "hours": hours})
    return Template(
        "manage/events/timeline.html",
        context={
            "section": "events",
            "tab": "timeline",
            "event": event,
            "plans": plans,
            "conflicts": conflicts,
        },
    )


ROUTES = [
    event_page,
    session_create,
    session_page,
    session_edit,
    session_update,
    session_delete_confirm,
    session_delete,
    seat_create,
    seat_delete,
    item_create,
    speech_create,
    award_create,
    gift_create,
    agenda_order,
    item_move,
    item_page,
    item_update,
    item_delete,
    speech_page,
    speech_update,
    timeline,
]
