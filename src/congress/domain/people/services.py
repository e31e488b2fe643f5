from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from congress.domain.accounts.enums import Role
from congress.domain.common import require_order
from congress.domain.crud import EntityService
from congress.domain.people.models import Organization, Person, Position
from congress.errors import Invalid
from congress.translation import text

PEOPLE_WRITERS = frozenset({Role.ORGANIZER, Role.REGISTRAR})


class OrganizationService(EntityService[Organization]):
    model = Organization
    write_roles = PEOPLE_WRITERS

    async def validate(self, values: dict[str, Any], current: Organization | None) -> None:
        parent_id = values.get("parent_id")
        if current is None or parent_id is None:
            return
        # Walk up from the new parent: meeting the organization itself would close a cycle.
        seen: set[int] = set()
        while parent_id is not None and parent_id not in seen:
            if parent_id == current.id:
                raise Invalid.field("parent_id", "an organization cannot be inside itself")
            seen.add(parent_id)
            parent_id = await self.db.scalar(
                select(Organization.parent_id).where(Organization.id == parent_id)
            )


class PersonService(EntityService[Person]):
    model = Person
    load = (selectinload(Person.positions),)
    write_roles = PEOPLE_WRITERS | {Role.EDITOR}
    private_fields = frozenset({"email", "phone", "notes"})

    async def validate(self, values: dict[str, Any], current: Person | None) -> None:
        if values.get("email"):
            values["email"] = values["email"].strip().lower()


class PositionService(EntityService[Position]):
    model = Position
    write_roles = PEOPLE_WRITERS

    async def validate(self, values: dict[str, Any], current: Position | None) -> None:
        require_order(values, "start_date", "end_date")


async def check_position_of(
    service: EntityService[Any], values: dict[str, Any], person_key: str
) -> None:
    """A position given beside a person must be one of that person's positions."""
    position_id = values.get("position_id")
    if position_id is None or values.get(person_key) is None:
        return
    holder = await service.db.scalar(select(Position.person_id).where(Position.id == position_id))
    if holder is not None and holder != values[person_key]:
        raise Invalid.field("position_id", f"position {position_id} belongs to another person")


def person_name(person: Person, lang: str, languages: Sequence[str] = ()) -> str:
    """The person's full name in ``lang`` (falling back like every translatable text)."""
    return display_name(
        person.given_name, person.family_name, person.family_name_first, lang, languages
    )


def display_name(
    given: dict[str, str] | None,
    family: dict[str, str] | None,
    family_first: bool,
    lang: str,
    languages: Sequence[str] = (),
) -> str:
    """A person's name as written in ``lang`` (family name first where that is the custom)."""
    given_text = text(given, lang, languages)
    family_text = text(family, lang, languages)
    parts = [family_text, given_text] if family_first else [given_text, family_text]
    return " ".join(part for part in parts if part)


def list_name(
    given: dict[str, str] | None,
    family: dict[str, str] | None,
    lang: str,
    languages: Sequence[str] = (),
) -> str:
    """ "Family, Given": the form used on lists sorted by family name."""
    given_text = text(given, lang, languages)
    family_text = text(family, lang, languages)
    return f"{family_text}, {given_text}" if given_text else family_text
