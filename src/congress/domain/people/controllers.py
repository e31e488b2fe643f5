"""Staff pages of people, organizations and positions, with search as you type, and a
person's page listing every event, seat, speech, award and gift they appear in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias

from litestar import Request
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, SkipValidation
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.access import REGISTRARS, may
from congress.domain.accounts.enums import Role
from congress.domain.accounts.services import AuditEntryService
from congress.domain.people.enums import OrganizationKind
from congress.domain.people.models import Organization, Person
from congress.domain.people.schemas import (
    OrganizationCreate,
    OrganizationUpdate,
    PersonCreate,
    PersonUpdate,
    PositionCreate,
)
from congress.domain.people.services import (
    OrganizationService,
    PersonService,
    PositionService,
    organization_choices,
    person_name,
    search_organizations,
    search_people,
)
from congress.errors import Conflict
from congress.server.deletion import Deletion, blockers, confirm_page, count_of
from congress.server.forms import Form, read_form, submit
from congress.server.i18n import current_locale
from congress.server.i18n import gettext as _
from congress.server.pages import done, invalid, page_get, page_post
from congress.server.security import current_user, roles
from congress.translation import text as translated

READERS = roles(Role.ORGANIZER, Role.REGISTRAR, Role.EDITOR)
WRITERS = roles(Role.ORGANIZER, Role.REGISTRAR)
PERSON_WRITERS = roles(Role.ORGANIZER, Role.REGISTRAR, Role.EDITOR)
NAME_LANGUAGES = ["en", "ru"]
PAGE = 50
# Where a person appears in the records of the areas above this one (programme, registration):
# the composition root provides the reader as the dependency ``appearances`` (web/routes.py).
Appearances: TypeAlias = SkipValidation[Callable[..., Awaitable[dict[str, Any]]]]
PICKER_RESULTS = 8


def _name_languages(form: Form) -> list[str]:
    """The languages a name form offers: English, Russian and any already filled in."""
    found = [
        key.split(".", 1)[1]
        for key in form.values
        if key.startswith(("family_name.", "given_name.", "name."))
    ]
    return list(dict.fromkeys([*NAME_LANGUAGES, *found]))


@page_get("/manage/people", guards=[READERS])
async def people_list(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    q: FromQuery[str] = "",
    page: FromQuery[int] = 1,
) -> Template:
    """The people, or those matching ``q``; htmx asks for the results table alone."""
    page = max(page, 1)
    people, total = await search_people(
        db_session, current_user(request), q, limit=PAGE, offset=(page - 1) * PAGE
    )
    template = (
        "manage/people/results.html"
        if request.headers.get("hx-request")
        else "manage/people/list.html"
    )
    return Template(
        template,
        context={
            "section": "people",
            "people": people,
            "total": total,
            "q": q,
            "page": page,
            "pages": max(1, -(-total // PAGE)),
            "form": Form(values={"family_name_first": ""}),
            "languages": NAME_LANGUAGES,
        },
    )


@page_get("/manage/people/pick", guards=[READERS])
async def person_pick(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    field: FromQuery[str] = "",
) -> Template:
    """Search results for a person picker: the picker sends its typed name as ``<field>__q``."""
    q = str(request.query_params.get(f"{field}__q") or request.query_params.get("q") or "")
    people: list[Person] = []
    total = 0
    if q.strip():
        people, total = await search_people(
            db_session, current_user(request), q, limit=PICKER_RESULTS
        )
    return Template(
        "manage/people/pick.html", context={"people": people, "total": total, "q": q.strip()}
    )


@page_post("/manage/people", guards=[PERSON_WRITERS])
async def person_create(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any]
) -> Any:
    form = await read_form(request)
    service = PersonService(db_session, current_user(request))

    def prepare(data: dict[str, Any]) -> None:
        data["family_name_first"] = data.get("family_name_first") in ("true", "on")
        data["confirmed_new"] = data.get("confirmed_new") in ("true", "on")

    person = await submit(form, PersonCreate, service.create, prepare=prepare)
    if person is None:
        people, total = await search_people(db_session, current_user(request), "", limit=PAGE)
        return invalid(
            "manage/people/list.html",
            form,
            section="people",
            people=people,
            total=total,
            q="",
            page=1,
            pages=max(1, -(-total // PAGE)),
            languages=_name_languages(form),
        )
    return done(request, f"/manage/people/{person.id}", _("The person was added."))


def _person_form(person: Any) -> Form:
    values: dict[str, Any] = {
        "country": person.country or "",
        "email": person.email or "",
        "phone": person.phone or "",
        "notes": person.notes or "",
        "family_name_first": "true" if person.family_name_first else "",
    }
    for name in ("family_name", "given_name", "honorific"):
        for code, text in (getattr(person, name) or {}).items():
            values[f"{name}.{code}"] = text
    return Form(values=values)


async def _person_context(
    db: AsyncSession, request: Request[Any, Any, Any], person_id: int, appearances: Appearances
) -> dict[str, Any]:
    user = current_user(request)
    person = await PersonService(db, user).get(person_id)
    history, _total = await AuditEntryService(db, user).history(
        entity="person", entity_ids=[person_id], limit=20
    )
    return {
        "section": "people",
        "person": person,
        "appearances": await appearances(db, person_id, participations=may(user, REGISTRARS)),
        "positions": await PositionService(db, user).list(
            [PositionService.model.person_id == person_id], limit=200
        ),
        "organizations": await organization_choices(db, current_locale()),
        "history": history,
        "languages": list(
            dict.fromkeys([*NAME_LANGUAGES, *person.family_name, *person.given_name])
        ),
    }


@page_get("/manage/people/{person_id:int}", guards=[READERS])
async def person_page(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    person_id: FromPath[int],
    appearances: Appearances,
) -> Template:
    context = await _person_context(db_session, request, person_id, appearances)
    return Template(
        "manage/people/page.html",
        context={**context, "form": _person_form(context["person"]), "position_form": Form()},
    )


@page_post("/manage/people/{person_id:int}", guards=[PERSON_WRITERS])
async def person_update(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    person_id: FromPath[int],
    appearances: Appearances,
) -> Any:
    form = await read_form(request)
    service = PersonService(db_session, current_user(request))

    def prepare(data: dict[str, Any]) -> None:
        data["family_name_first"] = data.get("family_name_first") in ("true", "on")
        for name in ("given_name", "honorific"):
            data.setdefault(name, {})

    async def update(values: dict[str, Any]) -> Any:
        return await service.update(person_id, values)

    if await submit(form, PersonUpdate, update, prepare=prepare, exclude_unset=True) is None:
        context = await _person_context(db_session, request, person_id, appearances)
        return invalid("manage/people/page.html", form, **context, position_form=Form())
    return done(request, f"/manage/people/{person_id}", _("The person was saved."))


@page_post("/manage/people/{person_id:int}/positions", guards=[WRITERS])
async def position_create(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    person_id: FromPath[int],
    appearances: Appearances,
) -> Any:
    form = await read_form(request)
    form.values["person_id"] = person_id
    service = PositionService(db_session, current_user(request))
    if await submit(form, PositionCreate, service.create) is None:
        context = await _person_context(db_session, request, person_id, appearances)
        return invalid(
            "manage/people/page.html",
            _person_form(context["person"]),
            **context,
            position_form=form,
        )
    return done(request, f"/manage/people/{person_id}", _("The position was added."))


async def _person_deletion(service: PersonService, person: Person) -> Deletion:
    name = person_name(person, current_locale())
    return Deletion(
        title=_("Delete %(name)s?", name=name),
        action=f"/manage/people/{person.id}/delete",
        back=f"/manage/people/{person.id}",
        consequences=[count_of("position", len(person.positions))] if person.positions else [],
        blockers=await blockers(service, person),
        advice=_(
            "A person who appears in the records of an event stays: take them off the "
            "presidium, the speeches, awards, gifts and participant lists first."
        ),
        button=_("Delete person"),
    )


@page_get("/manage/people/{person_id:int}/delete", guards=[WRITERS])
async def person_delete_confirm(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    person_id: FromPath[int],
) -> Template:
    service = PersonService(db_session, current_user(request))
    person = await service.get(person_id)
    return confirm_page(await _person_deletion(service, person), section="people")


@page_post("/manage/people/{person_id:int}/delete", guards=[WRITERS])
async def person_delete(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    person_id: FromPath[int],
) -> Any:
    service = PersonService(db_session, current_user(request))
    person = await service.get(person_id)
    try:
        await service.delete(person_id)
    except Conflict:
        return confirm_page(
            await _person_deletion(service, person), status_code=409, section="people"
        )
    return done(request, "/manage/people", _("The person was deleted."))


# ---- organizations ---------------------------------------------------------------------------


@page_get("/manage/organizations", guards=[READERS])
async def organizations_list(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    q: FromQuery[str] = "",
    page: FromQuery[int] = 1,
) -> Template:
    page = max(page, 1)
    organizations, total = await search_organizations(
        db_session, current_user(request), q, limit=PAGE, offset=(page - 1) * PAGE
    )
    template = (
        "manage/organizations/results.html"
        if request.headers.get("hx-request")
        else "manage/organizations/list.html"
    )
    return Template(
        template,
        context={
            "section": "organizations",
            "organizations": organizations,
            "total": total,
            "q": q,
            "page": page,
            "pages": max(1, -(-total // PAGE)),
            "form": Form(values={"kind": "other"}),
            "kinds": list(OrganizationKind),
            "parents": await organization_choices(db_session, current_locale()),
            "languages": NAME_LANGUAGES,
        },
    )


@page_post("/manage/organizations", guards=[WRITERS])
async def organization_create(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any]
) -> Any:
    form = await read_form(request)
    service = OrganizationService(db_session, current_user(request))
    if await submit(form, OrganizationCreate, service.create) is None:
        organizations, total = await search_organizations(
            db_session, current_user(request), "", limit=PAGE
        )
        return invalid(
            "manage/organizations/list.html",
            form,
            section="organizations",
            organizations=organizations,
            total=total,
            q="",
            page=1,
            pages=max(1, -(-total // PAGE)),
            kinds=list(OrganizationKind),
            parents=await organization_choices(db_session, current_locale()),
            languages=_name_languages(form),
        )
    return done(request, "/manage/organizations", _("The organization was added."))


@page_post("/manage/organizations/{organization_id:int}", guards=[WRITERS])
async def organization_update(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    organization_id: FromPath[int],
) -> Any:
    form = await read_form(request)
    service = OrganizationService(db_session, current_user(request))

    async def update(values: dict[str, Any]) -> Any:
        return await service.update(organization_id, values)

    if await submit(form, OrganizationUpdate, update, exclude_unset=True) is None:
        return invalid(
            "manage/organizations/edit.html",
            form,
            section="organizations",
            organization=await service.get(organization_id),
            kinds=list(OrganizationKind),
            parents=await organization_choices(db_session, current_locale()),
            languages=_name_languages(form),
        )
    return done(request, "/manage/organizations", _("The organization was saved."))


@page_get("/manage/organizations/{organization_id:int}", guards=[READERS])
async def organization_page(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    organization_id: FromPath[int],
) -> Template:
    organization = await OrganizationService(db_session, current_user(request)).get(organization_id)
    values: dict[str, Any] = {
        "short_name": organization.short_name or "",
        "kind": organization.kind.value,
        "country": organization.country or "",
        "website": organization.website or "",
        "parent_id": organization.parent_id or "",
    }
    for code, text in organization.name.items():
        values[f"name.{code}"] = text
    return Template(
        "manage/organizations/edit.html",
        context={
            "section": "organizations",
            "organization": organization,
            "form": Form(values=values),
            "kinds": list(OrganizationKind),
            "parents": [
                choice
                for choice in await organization_choices(db_session, current_locale())
                if choice[0] != organization_id
            ],
            "languages": list(dict.fromkeys([*NAME_LANGUAGES, *organization.name])),
        },
    )


async def _organization_deletion(
    service: OrganizationService, organization: Organization
) -> Deletion:
    name = translated(organization.name, current_locale())
    return Deletion(
        title=_("Delete %(name)s?", name=name),
        action=f"/manage/organizations/{organization.id}/delete",
        back=f"/manage/organizations/{organization.id}",
        blockers=await blockers(service, organization),
        advice=_(
            "An organization that people, events or other organizations still name stays: "
            "change those records first."
        ),
        button=_("Delete organization"),
    )


@page_get("/manage/organizations/{organization_id:int}/delete", guards=[WRITERS])
async def organization_delete_confirm(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    organization_id: FromPath[int],
) -> Template:
    service = OrganizationService(db_session, current_user(request))
    organization = await service.get(organization_id)
    return confirm_page(
        await _organization_deletion(service, organization), section="organizations"
    )


@page_post("/manage/organizations/{organization_id:int}/delete", guards=[WRITERS])
async def organization_delete(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    organization_id: FromPath[int],
) -> Any:
    service = OrganizationService(db_session, current_user(request))
    organization = await service.get(organization_id)
    try:
        await service.delete(organization_id)
    except Conflict:
        deletion = await _organization_deletion(service, organization)
        return confirm_page(deletion, status_code=409, section="organizations")
    return done(request, "/manage/organizations", _("The organization was deleted."))


ROUTES = [
    people_list,
    person_pick,
    person_create,
    person_page,
    person_update,
    position_create,
    person_delete_confirm,
    person_delete,
    organizations_list,
    organization_create,
    organization_page,
    organization_update,
    organization_delete_confirm,
    organization_delete,
]
