"""Shared pieces of the staff pages: route decorators that answer HTML and stay out of the
OpenAPI schema, form re-rendering, redirects with a message.

Each page still names its guard explicitly (``guards=[...]``).
"""

from __future__ import annotations

from functools import partial
from typing import Any

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
