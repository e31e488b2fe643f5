from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from congress.domain.accounts.enums import Role
from congress.domain.common import require_order
from congress.domain.crud import EntityService
from congress.domain.people.models import Organization, Person, Position
from congress.errors import Conflict, FieldError, Invalid
from congress.server.i18n import current_locale
from congress.translation import resolve, text

PEOPLE_WRITERS = frozenset({Role.ORGANIZER, Role.REGISTRAR})


class OrganizationService(EntityService[Organization]):
    model = Organization
    write_roles = PEOPLE_WRITERS

    # Whatever names the organization: deleting it would quietly blank those out.
    kept_by = frozenset(
        {
            "position.organization_id",
            "organization.parent_id",
            "event_organizer.organization_id",
            "delegation.organization_id",
            "participant.organization_id",
            "speech_speaker.on_behalf_of_id",
        }
    )

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
    # Besides the seats, speeches, awards, gifts and participations the database protects.
    kept_by = frozenset({"award.presenter_id", "gift.received_by_id", "delegation.head_id"})

    async def validate(self, values: dict[str, Any], current: Person | None) -> None:
        if values.get("email"):
            values["email"] = values["email"].strip().lower()
        confirmed = values.pop("confirmed_new", None)
        if current is None and not confirmed:
            await self._refuse_likely_duplicate(values)

    async def _refuse_likely_duplicate(self, values: dict[str, Any]) -> None:
        """A new person written like somebody already known is probably that person: ask first
        (``confirmed_new`` adds them anyway)."""
        given, family = values.get("given_name") or {}, values.get("family_name") or {}
        people = (await self.db.scalars(select(Person).order_by(Person.id))).all()
        alike = [person for person in people if same_name(person, given, family)]
        if alike:
            names = ", ".join(
                f"{person_name(person, current_locale())} (id {person.id})" for person in alike[:5]
            )
            message = (
                f"likely the same person as {names}; choose them, or confirm"
                " (confirmed_new: true) to add another person"
            )
            raise Conflict(message, [FieldError("confirmed_new", message)])

    async def delete(self, item_id: int) -> None:
        """Delete a person with the positions they held (each one recorded in the history)."""
        person = await self._get_for_write(item_id)
        await self._check_not_referenced(person)
        positions = PositionService(self.db, self.user)
        for position in list(person.positions):
            await positions.delete(position.id)
        self.db.expire(person, ["positions"])
        await super().delete(item_id)


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
    if given_text and _in_han_script(given_text) and _in_han_script(family_text):
        # Chinese writes its own names without a space (陈静) and separates the parts of a
        # transliterated foreign name with a middle dot (维克托·索科洛夫).
        return f"{family_text}{given_text}" if family_first else f"{given_text}·{family_text}"
    parts = [family_text, given_text] if family_first else [given_text, family_text]
    return " ".join(part for part in parts if part)


def _in_han_script(value: str) -> bool:
    return bool(value) and all(
        "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or char >= "\U00020000"
        for char in value
    )


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


async def position_holders(db: AsyncSession) -> dict[int, int]:
    """Whose each position is (so that a form offers only the chosen person's positions)."""
    return dict((await db.execute(select(Position.id, Position.person_id))).tuples().all())


async def position_choices(db: AsyncSession, lang: str = "en") -> list[tuple[int, str]]:
    """Every position as (id, "Person — title, organization")."""
    statement = select(Position).options(
        selectinload(Position.person), selectinload(Position.organization)
    )
    choices = []
    for position in (await db.scalars(statement)).all():
        title = resolve(position.title, lang).text
        where = resolve(position.organization.name, lang).text if position.organization else ""
        label = f"{person_name(position.person, lang)} — {title}" + (f", {where}" if where else "")
        choices.append((position.id, label))
    return sorted(choices, key=lambda pair: pair[1].lower())


async def organization_choices(db: AsyncSession, lang: str = "en") -> list[tuple[int, str]]:
    organizations = (await db.scalars(select(Organization))).all()
    return sorted(
        ((o.id, resolve(o.name, lang).text) for o in organizations),
        key=lambda pair: pair[1].lower(),
    )


def _matches(needle: str, *texts: str | None) -> bool:
    return any(text and needle in text.casefold() for text in texts)


def name_forms(person: Person) -> list[str]:
    """Every way a person's name may be typed, case folded: each part, given and family name in
    both orders, per language; written without a space too where the script has no spaces
    between names (陈静)."""
    forms: list[str] = [*person.given_name.values(), *person.family_name.values()]
    for code in {*person.given_name, *person.family_name}:
        given = person.given_name.get(code, "")
        family = person.family_name.get(code, "")
        forms += [f"{given} {family}", f"{family} {given}"]
        if not any(character.isascii() for character in given + family):
            forms += [f"{family}{given}", f"{given}{family}"]
    return [" ".join(form.split()).casefold() for form in forms if form.strip()]


def name_matches(needle: str, person: Person) -> bool:
    """The typed text is in one of the name's forms, or each of its words begins a word of
    one form ("chen jing" finds Jing Chen)."""
    needle = " ".join(needle.split()).casefold()
    forms = name_forms(person)
    if any(needle in form for form in forms):
        return True
    words = needle.split()
    return len(words) > 1 and any(
        all(any(part.startswith(word) for part in form.split()) for word in words) for form in forms
    )


def same_name(person: Person, given: dict[str, str], family: dict[str, str]) -> bool:
    """Whether ``person`` is written like this name, in some language, in either order."""
    wanted = {
        " ".join(f"{given.get(code, '')} {family.get(code, '')}".split()).casefold()
        for code in {*given, *family}
    }
    wanted |= {" ".join(reversed(name.split())) for name in wanted}
    return bool(wanted & set(name_forms(person)))


async def search_people(
    db: AsyncSession, user: Any, query: str, *, limit: int = 50, offset: int = 0
) -> tuple[list[Person], int]:
    """People whose name (in any language) or e-mail contains ``query``, sorted by family name.

    Names are JSON mappings; matching them in Python keeps the search the same on SQLite and
    PostgreSQL (and in every script) at the cost of reading the names of everybody once.
    """
    people, _total = await PersonService(db, user).list(limit=1_000_000)
    needle = query.strip().casefold()
    if needle:
        people = [p for p in people if name_matches(needle, p) or _matches(needle, p.email)]
    people.sort(
        key=lambda p: (text(p.family_name, "en").casefold(), text(p.given_name, "en").casefold())
    )
    return people[offset : offset + limit], len(people)


async def search_organizations(
    db: AsyncSession, user: Any, query: str, *, limit: int = 50, offset: int = 0
) -> tuple[list[Organization], int]:
    organizations, _total = await OrganizationService(db, user).list(limit=1_000_000)
    needle = query.strip().casefold()
    if needle:
        organizations = [
            o for o in organizations if _matches(needle, *o.name.values(), o.short_name, o.country)
        ]
    organizations.sort(key=lambda o: text(o.name, "en").casefold())
    return organizations[offset : offset + limit], len(organizations)
