"""Jinja environment: autoescaping everywhere, and the helpers every template may use."""

from __future__ import annotations

from typing import Any

from congress import translation
from congress.server import i18n
from congress.server.headers import csp_nonce
from congress.server.labels import label


def install_helpers(env: Any, **helpers: Any) -> None:
    """The helpers of every web page; ``helpers`` are the domain's own (the composition root
    passes them, as the toolkit knows no domain area)."""
    env.autoescape = True
    translation.install(env)
    i18n.install(env)
    env.globals["csp_nonce"] = csp_nonce
    env.globals["label"] = env.filters["label"] = label
    env.globals.update(helpers)
