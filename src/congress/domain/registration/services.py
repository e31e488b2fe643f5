from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from congress.db.base import utc_now
from congress.domain.accounts.enums import Role
from congress.domain.crud import EntityService
from congress.domain.events.services import EventScoped
from congress.domain.people.services import check_position_of
from congress.domain.registration.enums import ACTIVE_STATUSES, ParticipantStatus
from congress.domain.registration.models import Delegation, Participant
from congress.errors import Conflict, Invalid

REGISTRARS = frozenset({Role.REGISTRAR, Role.ORGANIZER})


class DelegationService(EventScoped, EntityService[Delegation]):
    model = Delegation
    write_roles = REGISTRARS

    async def validate(self, values: dict[str, Any], current: Delegation | None) -> None:
        if current is not None and values.get("quota") is not None:
            active = await active_members(self, current.id, exclude=None)
            if active > values["quota"]:
                raise Conflict.field("quota", f"the delegation already has {active} active members")


async def active_members(
    service: EntityService[Any], delegation_id: int, exclude: int | None
) -> int:
    statement = (
        select(func.count())
        .select_from(Participant)
        .where(Participant.delegation_id == delegation_id)
        .where(Participant.status.in_(ACTIVE_STATUSES))
    )
    if exclude is not None:
        statement = statement.where(Participant.id != exclude)
    return int(await service.db.scalar(statement) or 0)


class ParticipantService(EventScoped, EntityService[Participant]):
    model = Participant
    staff_only_read = True
    write_roles = REGISTRARS

    async def validate(self, values: dict[str, Any], current: Participant | None) -> None:
        await check_position_of(self, values, "person_id")
        delegation_id = values.get("delegation_id")
        if delegation_id is not None:
            delegation = await self.db.get(Delegation, delegation_id)
            if delegation is None or delegation.event_id != values["event_id"]:
                raise Invalid.field("delegation_id", "no such delegation at this event")
            await self._check_quota(values, current, delegation)
        status = values.get("status")
        if (
            status is not None
            and values.get("registered_at") is None
            and status is not ParticipantStatus.INVITED
        ):
            values["registered_at"] = utc_now()
        if status is ParticipantStatus.CHECKED_IN and values.get("checked_in_at") is None:
            values["checked_in_at"] = utc_now()

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
        active = await active_members(self, delegation.id, exclude=current.id if current else None)
        if active >= delegation.quota:
            raise Conflict.field(
                "delegation_id",
                f"the delegation's quota of {delegation.quota} is reached ({active} registered)",
            )
