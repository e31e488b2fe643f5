"""Jinja environment: autoescaping everywhere, and the helpers every template may use."""

from __future__ import annotations

from typing import Any

from litestar.plugins.jinja import JinjaTemplateEngine

from congress.domain.people.services import person_name
from congress.server import i18n
from congress.server.headers import csp_nonce
from congress.translation import resolve


def install_helpers(env: Any) -> None:
    """The helpers shared by web pages and printed documents (congress.documents)."""
    env.autoescape = True
    env.globals["tr"] = resolve
    env.filters["tr"] = lambda value, lang="en", languages=(): resolve(value, lang, languages).text
    i18n.install(env)
    env.globals["person_name"] = person_name


def configure_templates(engine: JinjaTemplateEngine) -> None:
    install_helpers(engine.engine)
    engine.engine.globals["csp_nonce"] = csp_nonce
