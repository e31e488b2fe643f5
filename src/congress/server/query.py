"""An empty query parameter means "not given".

A form's select whose first option means "all" ("everyone", "the whole event", "any status")
sends an empty value (``delegation=``, ``session=``). The pages treat it as the parameter's
absence, so its default (no filter) applies instead of a refusal of "" as a number. The JSON API
keeps its strict reading: a script that sends ``?session=`` gets told.
"""

from __future__ import annotations

from litestar.types import ASGIApp, Receive, Scope, Send

API_PREFIX = "/api/"


def without_empty_values(query_string: bytes) -> bytes:
    """The query string without its ``name=`` pairs; the others keep their bytes as sent."""
    return b"&".join(pair for pair in query_string.split(b"&") if pair.partition(b"=")[2])


def empty_means_absent(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        query_string = scope.get("query_string", b"")
        if query_string and scope["type"] == "http" and not scope["path"].startswith(API_PREFIX):
            scope["query_string"] = without_empty_values(query_string)
        await app(scope, receive, send)

    return middleware
