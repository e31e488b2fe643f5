"""Person pickers in staff forms: search as you type with htmx, and a fallback without script.

A picker for the field ``person_id`` posts three inputs: ``person_id`` (the chosen id, hidden),
``person_id__q`` (the name as shown or typed) and ``person_id__was`` (the name that went with
the chosen id). With script, choosing from the search results fills all three. Without it,
people type a name and submit: a name that changed is looked up here. One match is taken;
several are offered as choices beside the field; none is an error beside the field.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.people.models import Person
from congress.domain.people.services import person_name, search_people
from congress.errors import FieldError, Invalid
from congress.server.forms import Form, submit
from congress.server.i18n import current_locale
from congress.server.i18n import gettext as _

T = TypeVar("T")
TYPED, WAS, CHOICES = "__q", "__was", "__choices"
MAX_CHOICES = 8


def picker_fields(form: Form) -> list[str]:
    """The pickers of a posted form: every field that came with a typed name."""
    return [key.removesuffix(TYPED) for key in form.values if key.endswith(TYPED)]


def _names(person: Person) -> set[str]:
    return {
        person_name(person, code).casefold() for code in {*person.family_name, *person.given_name}
    }


async def resolve_people(db: AsyncSession, user: Any, form: Form) -> dict[str, str]:
    """Turn typed names into person ids (in ``form.values``); the errors per field."""
    errors: dict[str, str] = {}
    lang = current_locale()
    for name in picker_fields(form):
        typed = str(form.values.get(name + TYPED) or "").strip()
        was = str(form.values.get(name + WAS) or "").strip()
        chosen = str(form.values.get(name) or "").strip()
        if not typed:
            form.values[name] = ""
            continue
        if chosen and typed == was:
            continue
        people, total = await search_people(db, user, typed, limit=MAX_CHOICES)
        exact = [person for person in people if typed.casefold() in _names(person)]
        if total == 1 or len(exact) == 1:
            person = people[0] if total == 1 else exact[0]
            label = person_name(person, lang)
            form.values.update({name: person.id, name + TYPED: label, name + WAS: label})
            continue
        form.values[name] = ""
        if total == 0:
            errors[name] = _("Nobody matches “%(name)s”.", name=typed)
            continue
        errors[name] = _("%(num)s people match “%(name)s”: choose one.", num=total, name=typed)
        if total > MAX_CHOICES:
            errors[name] += " " + _("Only the first %(n)s are listed.", n=MAX_CHOICES)
        form.values[name + WAS] = typed
        form.values[name + CHOICES] = [(person.id, choice_label(person, lang)) for person in people]
    return errors


def choice_label(person: Person, lang: str) -> str:
    """A name with what tells namesakes apart."""
    details = [detail for detail in (person.country, person.email) if detail]
    name = person_name(person, lang)
    return f"{name} ({', '.join(details)})" if details else name


async def label_people(db: AsyncSession, form: Form, names: list[str]) -> None:
    """Show the chosen people of ``names`` by name (forms filled from stored records)."""
    ids = {
        name: int(value)
        for name in names
        if str(value := form.values.get(name) or "").isdigit() and not form.values.get(name + TYPED)
    }
    if not ids:
        return
    people = {
        person.id: person
        for person in await db.scalars(select(Person).where(Person.id.in_(set(ids.values()))))
    }
    lang = current_locale()
    for name, person_id in ids.items():
        if person_id in people:
            label = person_name(people[person_id], lang)
            form.values[name + TYPED] = label
            form.values[name + WAS] = label


def _strip(data: Any) -> None:
    """Drop the pickers' helper inputs from nested form data (the schemas forbid extras)."""
    if isinstance(data, dict):
        for key in [key for key in data if key.endswith((TYPED, WAS, CHOICES))]:
            del data[key]
        for value in data.values():
            _strip(value)
    elif isinstance(data, list):
        for value in data:
            _strip(value)


async def submit_picking(
    db: AsyncSession,
    user: Any,
    form: Form,
    schema: type[BaseModel],
    action: Callable[[dict[str, Any]], Awaitable[T]],
    *,
    exclude_unset: bool = False,
    prepare: Callable[[dict[str, Any]], None] | None = None,
) -> T | None:
    """:func:`congress.server.forms.submit` for a form with person pickers."""
    picked = await resolve_people(db, user, form)

    def prepare_all(data: dict[str, Any]) -> None:
        _strip(data)
        if prepare is not None:
            prepare(data)

    async def guarded(values: dict[str, Any]) -> T:
        if picked:
            raise Invalid("; ".join(picked.values()), [FieldError(k, v) for k, v in picked.items()])
        return await action(values)

    result = await submit(form, schema, guarded, exclude_unset=exclude_unset, prepare=prepare_all)
    if result is None:
        for name in picker_fields(form):
            if name in form.errors and not str(form.values.get(name + TYPED) or "").strip():
                form.errors[name] = _("Choose a person.")
        form.errors = {**form.errors, **picked}
        if picked and not form.message:
            form.message = _("Please correct the marked fields.")
    return result
