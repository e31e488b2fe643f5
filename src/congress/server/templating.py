"""Jinja environment: autoescaping everywhere, and the helpers every template may use."""

from __future__ import annotations

from typing import Any

from litestar.plugins.jinja import JinjaTemplateEngine

from congress.translation import resolve


def configure_templates(engine: JinjaTemplateEngine) -> None:
    env: Any = engine.engine
    env.autoescape = True
    env.globals["tr"] = resolve
    env.filters["tr"] = lambda value, lang="en", languages=(): resolve(value, lang, languages).text
