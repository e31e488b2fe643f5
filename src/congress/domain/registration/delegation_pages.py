"""The organizers' delegation pages: an event's delegations, each with its members.

Registrars keep the delegations' lists too (registration pages, controllers.py); both edit
through the same services, which keep the quota.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from congress.domain.accounts.access import REGISTRARS
from congress.domain.accounts.services import AuditEntryService
from congress.domain.events.models import Event
from congress.domain.events.services import EventService
from congress.domain.people.pickers import label_people, submit_picking
from congress.domain.people.services import organization_choices, person_name
from congress.domain.registration.enums import ACTIVE_STATUSES, ParticipantCategory
from congress.domain.registration.models import Delegation, Participant
from congress.domain.registration.queries import delegations_of
from congress.domain.registration.schemas import (
    DelegationCreate,
    DelegationUpdate,
    ParticipantCreate,
)
from congress.domain.registration.services import DelegationService, ParticipantService
from congress.errors import NotFound
from congress.server.deletion import Deletion, confirm_page
from congress.server.forms import Form, languages_of, read_form
from congress.server.i18n import current_locale, ngettext
from congress.server.i18n import gettext as _
from congress.server.pages import done, page_get, page_post
from congress.server.security import current_user, roles
from congress.translation import text as translated

# The delegation pages list members: participant data.
DELEGATION_STAFF = roles(*REGISTRARS)
MEMBER_CATEGORIES = list(ParticipantCategory)


async def _delegations(db: AsyncSession, event: Event) -> list[tuple[Delegation, int]]:
    """The event's delegations (head and organization loaded) with their active members."""
    rows = await delegations_of(
        db, event, selectinload(Delegation.head), selectinload(Delegation.organization)
    )
    lang = current_locale()
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
    event = await EventService(db_session, current_user(request)).resolve(slug)
    return await _delegations_page(db_session, event, Form())


@page_get("/manage/events/{slug:str}/registration/delegations", guards=[DELEGATION_STAFF])
async def delegations_old_address(slug: FromPath[str]) -> Redirect:
    """The registrars' delegation page had its own address; links and bookmarks to it still work."""
    return Redirect(f"/manage/events/{slug}/delegations", status_code=301)


@page_post("/manage/events/{slug:str}/delegations", guards=[DELEGATION_STAFF])
async def delegation_create(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Any:
    event = await EventService(db_session, current_user(request)).resolve(slug)
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
            "languages": languages_of(event.languages, delegation.name),
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


ROUTES = [
    delegations_list,
    delegations_old_address,
    delegation_create,
    delegation_page,
    delegation_update,
    delegation_member_add,
    delegation_member_remove,
    delegation_delete_confirm,
    delegation_delete,
]
