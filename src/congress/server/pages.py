"""Shared pieces of the staff pages: route decorators that answer HTML and stay out of the
OpenAPI schema, form re-rendering, redirects with a message.

Each page still names its guard explicitly (``guards=[...]``).
"""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urlsplit

from litestar import MediaType, Request, get, post
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from congress.server.forms import Form

page_get = partial(get, include_in_schema=False, media_type=MediaType.HTML)
page_post = partial(post, include_in_schema=False, media_type=MediaType.HTML, status_code=200)


def done(request: Request[Any, Any, Any], url: str, message: str) -> Redirect:
    """After a change: back to a page (303, so a reload does not post again), with a message."""
    flash(request, message, "success")
    return Redirect(url, status_code=303)


def invalid(template: str, form: Form, **context: Any) -> Template:
    """The page again with the typed values and the messages; 422 rolls the transaction back."""
    return Template(template, context={"form": form, **context}, status_code=422)


def page_address(request: Request[Any, Any, Any]) -> str:
    """The address of the page a form was sent from, when a POST answers with a page (a form
    shown again with its messages, the desk's result): the browser shows that address instead
    of the form's endpoint, so a reload reads the page rather than sending the form again.
    Only an address of this site; "" for other requests."""
    if request.method != "POST":
        return ""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.headers.get("host") or not referer.path.startswith("/"):
        return ""
    return referer.path + (f"?{referer.query}" if referer.query else "")
