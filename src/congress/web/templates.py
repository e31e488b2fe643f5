"""The web pages' Jinja environment: the toolkit's helpers and the domain's."""

from __future__ import annotations

from litestar.plugins.jinja import JinjaTemplateEngine

from congress.domain.people.services import person_name
from congress.domain.registration.models import grouped_short_code
from congress.server.templating import install_helpers


def configure_templates(engine: JinjaTemplateEngine) -> None:
    install_helpers(engine.engine, person_name=person_name, short_code=grouped_short_code)
