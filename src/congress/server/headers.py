"""Security headers on every answer, error pages included.

The Content-Security-Policy allows scripts and styles from our own origin only: pages keep their
scripts and styles in /static, and the few styles computed per page (the timeline's positions)
go in a <style> element carrying the request's nonce (``csp_nonce()`` in templates). Staff pages
may not be framed (clickjacking) and send no address to other sites; public pages may be
embedded in another site (a programme on the organizer's own site).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from jinja2 import pass_context
from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

NONCE = "csp_nonce"
# Pages behind a login, and the API documentation (it can send requests with a token).
STAFF_PATHS = re.compile(r"^/(manage|desk|login|logout|language|schema)(/|$)")
# A ticket's address is the ticket itself: it must not reach another site as a referrer.
SECRET_PATHS = re.compile(r"^/events/[^/]+/tickets/")


def content_security_policy(nonce: str | None, framed: bool) -> str:
    styles = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        f"style-src {styles}",
        # data: for the icons that Swagger UI's style sheet carries inline.
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    if not framed:
        directives.append("frame-ancestors 'none'")
    return "; ".join(directives)


def headers_for(path: str, nonce: str | None) -> dict[str, str]:
    staff = STAFF_PATHS.match(path) is not None
    headers = {
        "Content-Security-Policy": content_security_policy(nonce, framed=not staff),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }
    if staff:
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
    elif SECRET_PATHS.match(path):
        headers["Referrer-Policy"] = "no-referrer"
    return headers


async def add_security_headers(message: Message, scope: Scope) -> None:
    """A before_send hook: it sees every response, also those of routes that do not exist."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    nonce = scope.get("state", {}).get(NONCE)
    for name, value in headers_for(scope["path"], nonce).items():
        if name not in headers:
            headers[name] = value


@pass_context
def csp_nonce(context: Any) -> str:
    """The request's nonce for an inline <style> (made on first use, then sent in the policy)."""
    state = context["request"].scope.setdefault("state", {})
    if NONCE not in state:
        state[NONCE] = secrets.token_urlsafe(16)
    return str(state[NONCE])


# Files whose bytes are the same whatever language the reader asks for.
LANGUAGE_FREE_PATHS = re.compile(r"^/(static|media)/")


async def add_vary_accept_language(message: Message, scope: Scope) -> None:
    """A before_send hook: pages, exports and error messages are in the language negotiated
    from Accept-Language (when ``?lang=`` does not choose one), so a cache must keep one copy
    per value of that header."""
    if message["type"] != "http.response.start" or LANGUAGE_FREE_PATHS.match(scope["path"]):
        return
    headers = MutableScopeHeaders.from_message(message)
    present = [part.strip().lower() for part in headers.get("vary", "").split(",") if part.strip()]
    if "accept-language" not in present and "*" not in present:
        headers["Vary"] = ", ".join(
            [*filter(None, [headers.get("vary", "").strip()]), "Accept-Language"]
        )
