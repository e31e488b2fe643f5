from __future__ import annotations

import re
from typing import Any, ClassVar

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from congress.domain.accounts.enums import Role
from congress.domain.common import require_order
from congress.domain.crud import EntityService
from congress.domain.events.enums import EventStatus
from congress.domain.events.models import Event, Room, Venue
from congress.domain.people.models import Organization
from congress.errors import FieldError, Invalid, NotFound

PUBLIC_EVENT = Event.status != EventStatus.DRAFT

# An event reference made of digits only is read as the event's id, anything else as its slug.
EVENT_ID = re.compile(r"[0-9]{1,18}")


class VenueService(EntityService[Venue]):
    model = Venue
    load = (selectinload(Venue.rooms),)
    write_roles = frozenset({Role.ORGANIZER})


class RoomService(EntityService[Room]):
    model = Room
    write_roles = frozenset({Role.ORGANIZER})
    kept_by = frozenset({"session.room_id"})


class EventService(EntityService[Event]):
    model = Event
    load = (selectinload(Event.organizers),)
    order_by = ("start_date", "id")
    write_roles = frozenset({Role.ORGANIZER})

    def visible(self, statement: Select[Any]) -> Select[Any]:
        return statement.where(PUBLIC_EVENT)

    async def resolve(self, ref: str | int) -> Event:
        """The event by id or slug, as this user may see it."""
        statement = self._base_statement()
        if isinstance(ref, int) or EVENT_ID.fullmatch(ref):
            statement = statement.where(Event.id == int(ref))
        else:
            statement = statement.where(Event.slug == ref)
        event = (await self.db.execute(statement)).scalars().first()
        if event is None:
            raise NotFound(f"no event {ref!r}")
        return event

    async def event_id_for(self, instance: Event) -> int | None:
        return instance.id

    async def validate(self, values: dict[str, Any], current: Event | None) -> None:
        require_order(values, "start_date", "end_date")
        require_order(values, "registration_opens_at", "registration_closes_at")
        organizer_ids = values.get("organizer_ids") or []
        if organizer_ids:
            found = set(
                (
                    await self.db.scalars(
                        select(Organization.id).where(Organization.id.in_(organizer_ids))
                    )
                ).all()
            )
            missing = [str(i) for i in organizer_ids if i not in found]
            if missing:
                message = f"no organization with id {', '.join(missing)}"
                raise Invalid(f"organizer_ids: {message}", [FieldError("organizer_ids", message)])
            values["_organizers"] = list(
                (
                    await self.db.scalars(select(Organization).where(Organization.id.in_(found)))
                ).all()
            )

    def apply(self, instance: Event, values: dict[str, Any]) -> None:
        super().apply(instance, values)
        if "organizer_ids" in values:
            instance.organizers = values.get("_organizers", [])


class EventScoped:
    """Visibility of records that belong to an event: public once the event is."""

    model: ClassVar[Any]

    def visible(self, statement: Select[Any]) -> Select[Any]:
        return statement.join(Event, Event.id == self.model.event_id).where(PUBLIC_EVENT)
