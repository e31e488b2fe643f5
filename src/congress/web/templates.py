"""The web pages' Jinja environment: the toolkit's helpers and the domain's."""

from __future__ import annotations

from typing import Any

from litestar.plugins.jinja import JinjaTemplateEngine

from congress.domain.accounts import access
from congress.domain.people.services import person_name
from congress.domain.registration.models import grouped_short_code
from congress.server.pages import page_address
from congress.server.templating import install_helpers

# What the pages may offer a role: the guard table's groups by name, ``may(request.user, "desk")``.
ACCESS_GROUPS = {
    "desk": access.DESK,
    "registrars": access.REGISTRARS,
    "planners": access.PLANNERS,
    "admins": access.ADMINS,
}


def may_use(user: Any, group: str) -> bool:
    return access.may(user, ACCESS_GROUPS[group])


def configure_templates(engine: JinjaTemplateEngine) -> None:
    install_helpers(
        engine.engine, person_name=person_name, short_code=grouped_short_code, may=may_use
    )
    engine.engine.globals["page_address"] = page_address
