from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from typing import Any

from babel import dates as babel_dates
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from congress.db.base import utc_now
from congress.domain.accounts.access import REGISTRARS
from congress.domain.accounts.enums import AuditAction
from congress.domain.accounts.models import AuditEntry, User
from congress.domain.crud import EntityService, snapshot
from congress.domain.events.enums import EventStatus
from congress.domain.events.models import Event
from congress.domain.events.services import EventScoped
from congress.domain.people.models import Organization, Person, Position
from congress.domain.people.services import check_position_of
from congress.domain.registration.enums import ACTIVE_STATUSES, ParticipantStatus
from congress.domain.registration.models import Delegation, Participant
from congress.domain.registration.schemas import ParticipantForm, PublicRegistration
from congress.errors import Conflict, Invalid
from congress.messages import gettext_in

S = ParticipantStatus
# Where a participant may go from each status. Check-in at the desk and the staff pages both
# pass through ParticipantService.validate, so the rule holds for the API as well.
TRANSITIONS: dict[ParticipantStatus, frozenset[ParticipantStatus]] = {
    S.INVITED: frozenset({S.REGISTERED, S.ACCREDITED, S.CHECKED_IN, S.CANCELLED}),
    S.REGISTERED: frozenset({S.INVITED, S.ACCREDITED, S.CHECKED_IN, S.CANCELLED}),
    S.ACCREDITED: frozenset({S.REGISTERED, S.CHECKED_IN, S.CANCELLED, S.NO_SHOW}),
    # Undoing a check-in made by mistake goes back to accredited.
    S.CHECKED_IN: frozenset({S.ACCREDITED, S.CANCELLED}),
    S.CANCELLED: frozenset({S.INVITED, S.REGISTERED}),
    S.NO_SHOW: frozenset({S.ACCREDITED, S.CHECKED_IN, S.CANCELLED}),
}
# Statuses that carry a badge.
BADGED = frozenset({S.ACCREDITED, S.CHECKED_IN})


def check_transition(before: ParticipantStatus, after: ParticipantStatus) -> None:
    if after != before and after not in TRANSITIONS[before]:
        raise Invalid.field(
            "status",
            f"a participant who is {before.value.replace('_', ' ')} cannot "
            f"become {after.value.replace('_', ' ')}",
        )


class DelegationService(EventScoped, EntityService[Delegation]):
    model = Delegation
    write_roles = REGISTRARS

    async def validate(self, values: dict[str, Any], current: Delegation | None) -> None:
        if current is not None and values.get("quota") is not None:
            active = await active_members(self.db, current.id, exclude=None)
            if active > values["quota"]:
                raise Conflict.field("quota", f"the delegation already has {active} active members")


async def active_members(db: AsyncSession, delegation_id: int, exclude: int | None) -> int:
    statement = (
        select(func.count())
        .select_from(Participant)
        .where(Participant.delegation_id == delegation_id)
        .where(Participant.status.in_(ACTIVE_STATUSES))
    )
    if exclude is not None:
        statement = statement.where(Participant.id != exclude)
    return int(await db.scalar(statement) or 0)


def quota_message(delegation: Delegation, active: int, lang: str = "en") -> str:
    from congress.translation import text

    name = text(delegation.name, lang)
    return (
        f"the delegation {name} has reached its quota of {delegation.quota} ({active} registered)"
    )


class ParticipantService(EventScoped, EntityService[Participant]):
    model = Participant
    read_roles = REGISTRARS
    write_roles = REGISTRARS
    load = (
        selectinload(Participant.person),
        selectinload(Participant.delegation),
        selectinload(Participant.organization),
        selectinload(Participant.position),
    )

    async def validate(self, values: dict[str, Any], current: Participant | None) -> None:
        await check_position_of(self, values, "person_id")
        status = values.get("status")
        if current is not None and status is not None:
            check_transition(current.status, status)
        delegation_id = values.get("delegation_id")
        if delegation_id is not None:
            # Locked so that two registrations cannot both take the last place (PostgreSQL).
            delegation = await self.db.get(Delegation, delegation_id, with_for_update=True)
            if delegation is None or delegation.event_id != values["event_id"]:
                raise Invalid.field("delegation_id", "no such delegation at this event")
            await self._check_quota(values, current, delegation)
        if (
            status is not None
            and values.get("registered_at") is None
            and status is not ParticipantStatus.INVITED
        ):
            values["registered_at"] = utc_now()
        if status is ParticipantStatus.CHECKED_IN and values.get("checked_in_at") is None:
            values["checked_in_at"] = utc_now()
        if status in BADGED and not values.get("badge_number"):
            values["badge_number"] = await next_badge_number(self.db, values["event_id"])

    async def _check_quota(
        self, values: dict[str, Any], current: Participant | None, delegation: Delegation
    ) -> None:
        if delegation.quota is None or values.get("status") not in ACTIVE_STATUSES:
            return
        already_counted = (
            current is not None
            and current.delegation_id == delegation.id
            and current.status in ACTIVE_STATUSES
        )
        if already_counted:
            return
        active = await active_members(self.db, delegation.id, current.id if current else None)
        if active >= delegation.quota:
            raise Conflict.field("delegation_id", quota_message(delegation, active))

    async def set_status(self, participant_id: int, status: ParticipantStatus) -> Participant:
        """Move a participant along (accredit, cancel, reinstate, no-show)."""
        return await self.update(participant_id, {"status": status})

    async def for_event(self, event_id: int, participant_id: int) -> Participant:
        participant = await self.get(participant_id)
        if participant.event_id != event_id:
            from congress.errors import NotFound

            raise NotFound(f"no participant with id {participant_id} at this event")
        return participant


async def next_badge_number(db: AsyncSession, event_id: int) -> str:
    """The next free badge number of the event: one more than the highest numeric one."""
    numbers = await db.scalars(
        select(Participant.badge_number).where(
            Participant.event_id == event_id, Participant.badge_number.is_not(None)
        )
    )
    highest = max((int(n) for n in numbers if n and n.isdigit()), default=0)
    return f"{highest + 1:04d}"


# ---- public registration -----------------------------------------------------------------------


class Window(enum.StrEnum):
    OPEN = "open"
    NOT_OFFERED = "not_offered"
    NOT_YET = "not_yet"
    CLOSED = "closed"


def registration_window(event: Event, now: dt.datetime | None = None) -> Window:
    """Whether the public may register for ``event`` now."""
    now = now or utc_now()
    if event.status is not EventStatus.PUBLISHED or event.end_date < now.date():
        return Window.CLOSED
    if not event.registration_categories:
        return Window.NOT_OFFERED
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        return Window.NOT_YET
    if event.registration_closes_at is not None and now > event.registration_closes_at:
        return Window.CLOSED
    return Window.OPEN


def window_message(event: Event, window: Window, lang: str = "en") -> str:
    """Why the public cannot register now, in ``lang`` (times in the event's time zone)."""

    def moment(value: dt.datetime) -> str:
        local = value.astimezone(babel_dates.get_timezone(event.timezone))
        day = babel_dates.format_date(local, "long", locale=lang)
        time = babel_dates.format_time(local, "short", locale=lang)
        return f"{day}, {time} ({event.timezone})"

    if window is Window.NOT_YET and event.registration_opens_at:
        return gettext_in(
            lang, "Registration opens on %(when)s.", when=moment(event.registration_opens_at)
        )
    if window is Window.CLOSED:
        if event.registration_closes_at and event.status is EventStatus.PUBLISHED:
            return gettext_in(
                lang, "Registration closed on %(when)s.", when=moment(event.registration_closes_at)
            )
        return gettext_in(lang, "Registration for this event is closed.")
    if window is Window.NOT_OFFERED:
        return gettext_in(
            lang,
            "This event does not take registrations on the web; please contact the organizers.",
        )
    return ""


async def organization_named(
    db: AsyncSession, name: str, language: str, cache: dict[str, Organization] | None = None
) -> Organization:
    """The organization called ``name`` (any language, case ignored), created when missing."""
    key = name.strip().casefold()
    if cache is not None and key in cache:
        return cache[key]
    found = await organizations_by_name(db, [name])
    organization = found.get(key)
    if organization is None:
        organization = Organization(name={language: name.strip()})
        db.add(organization)
        await db.flush()
    if cache is not None:
        cache[key] = organization
    return organization


async def organizations_by_name(db: AsyncSession, names: Sequence[str]) -> dict[str, Organization]:
    """Existing organizations whose name in some language is one of ``names`` (case ignored).

    Names are compared in Python: the JSON columns hold one name per language, and the set of
    organizations is small beside the participants.
    """
    wanted = {name.strip().casefold() for name in names if name.strip()}
    if not wanted:
        return {}
    found: dict[str, Organization] = {}
    for organization in await db.scalars(select(Organization).order_by(Organization.id)):
        for text_ in (organization.name or {}).values():
            key = text_.strip().casefold()
            if key in wanted and key not in found:
                found[key] = organization
        if organization.short_name and organization.short_name.casefold() in wanted:
            found.setdefault(organization.short_name.casefold(), organization)
    return found


def person_values(
    language: str, given_name: str | None, family_name: str, email: str | None, phone: str | None
) -> dict[str, Any]:
    """A new person's record from a registration, the names in the event's primary language."""
    return {
        "given_name": {language: given_name} if given_name else {},
        "family_name": {language: family_name},
        "email": email,
        "phone": phone,
    }


async def find_or_create_person(
    db: AsyncSession,
    event: Event,
    user: User | None,
    *,
    given_name: str | None,
    family_name: str,
    email: str | None,
    phone: str | None,
    registered: str,
) -> int:
    """The person to register: the one with this e-mail address, or a new one.

    A person already registered for the event is refused with ``registered`` (which may name
    the ``{existing}`` participant). A new person is written through the audited PersonService
    as ``user``; a visitor's own registration (``user`` None) has no one to record, as for its
    participant, and adds the row directly. The importer writes many rows at once and matches
    e-mail addresses in batches, but builds each new person with :func:`person_values` too.
    """
    from congress.domain.people.services import PersonService

    person_id = await db.scalar(select(Person.id).where(Person.email == email)) if email else None
    if person_id is not None:
        existing = await db.scalar(
            select(Participant.id).where(
                Participant.event_id == event.id, Participant.person_id == person_id
            )
        )
        if existing is not None:
            raise Conflict.field("email", registered.format(existing=existing))
        return person_id
    values = person_values(event.primary_language, given_name, family_name, email, phone)
    if user is None:
        person = Person(**values)
        db.add(person)
        await db.flush()
        return person.id
    return (await PersonService(db, user).create(values)).id


async def register_publicly(
    db: AsyncSession, event: Event, form: PublicRegistration
) -> Participant:
    """A visitor's own registration: checked against the window, the categories and e-mail."""
    window = registration_window(event)
    if window is not Window.OPEN:
        raise Conflict(window_message(event, window))
    if form.category.value not in event.registration_categories:
        raise Invalid.field("category", "this category is not open to registration on the web")
    language = event.primary_language
    person_id = await find_or_create_person(
        db,
        event,
        None,
        given_name=form.given_name,
        family_name=form.family_name,
        email=str(form.email).strip().lower(),
        phone=form.phone or None,
        registered="this e-mail address is already registered for this event; each person "
        "registers once. If you lost your ticket, ask the registration desk.",
    )
    organization = (
        await organization_named(db, form.organization, language) if form.organization else None
    )
    position = None
    if form.position:
        position = Position(
            person_id=person_id,
            organization_id=organization.id if organization else None,
            title={language: form.position},
        )
        db.add(position)
        await db.flush()
    participant = Participant(
        event_id=event.id,
        person_id=person_id,
        category=form.category,
        status=ParticipantStatus.REGISTERED,
        organization_id=organization.id if organization else None,
        position_id=position.id if position else None,
        consent_publication=form.consent_publication,
        registered_at=utc_now(),
    )
    db.add(participant)
    service = ParticipantService(db, None)
    await service._flush()  # a concurrent duplicate ends here as a 409
    db.add(
        AuditEntry(
            user_id=None,
            action=AuditAction.CREATE,
            entity="participant",
            entity_id=participant.id,
            event_id=event.id,
            before=None,
            after=snapshot(participant),
        )
    )
    await db.flush()
    return participant


def ticket_statement(event_id: int, token: str) -> Select[tuple[Participant]]:
    return (
        select(Participant)
        .where(Participant.event_id == event_id, Participant.qr_token == token)
        .options(
            selectinload(Participant.person),
            selectinload(Participant.organization),
            selectinload(Participant.delegation),
        )
    )


async def ticket(db: AsyncSession, event: Event, token: str) -> Participant | None:
    return (await db.execute(ticket_statement(event.id, token))).scalars().first()


# ---- registrars' form ------------------------------------------------------------------------


async def save_participant(
    db: AsyncSession,
    user: User | None,
    event: Event,
    data: ParticipantForm,
    participant_id: int | None = None,
) -> Participant:
    """Create or change a participant and their person record in one go (the staff form)."""
    from congress.domain.people.services import PersonService

    service = ParticipantService(db, user)
    service.require_write()
    people = PersonService(db, user)
    language = event.primary_language
    email = str(data.email).strip().lower() if data.email else None
    current = await service.for_event(event.id, participant_id) if participant_id else None
    if current is None:
        person_id = await find_or_create_person(
            db,
            event,
            user,
            given_name=data.given_name,
            family_name=data.family_name,
            email=email,
            phone=data.phone,
            registered="this person is already registered for this event (#{existing})",
        )
    else:
        person = current.person
        given = {**(person.given_name or {}), language: data.given_name}
        await people.update(
            person.id,
            {
                "given_name": {key: value for key, value in given.items() if value},
                "family_name": {**person.family_name, language: data.family_name},
                "email": email,
                "phone": data.phone,
            },
        )
        person_id = person.id
    organization = (
        await organization_named(db, data.organization, language) if data.organization else None
    )
    values = {
        "event_id": event.id,
        "person_id": person_id,
        "category": data.category,
        "delegation_id": data.delegation_id,
        "status": data.status,
        "badge_number": data.badge_number or None,
        "consent_publication": data.consent_publication,
        "notes": data.notes,
        "organization_id": organization.id if organization else None,
    }
    if current is None:
        return await service.create(values)
    return await service.update(current.id, values)
