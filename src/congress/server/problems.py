"""Errors as RFC 9457 problem details for the API (and plain error pages for browsers)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from advanced_alchemy.exceptions import IntegrityError as AAIntegrityError
from advanced_alchemy.exceptions import NotFoundError as AANotFoundError
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DataError, IntegrityError

from congress.db.conflicts import integrity_conflict
from congress.errors import FieldError, ProblemError
from congress.messages import N_
from congress.server.forms import own_sentence
from congress.server.i18n import gettext as _

log = logging.getLogger("congress")

PROBLEM_JSON = "application/problem+json"
# The API's titles stay English; an error page shows them translated.
TITLES = {
    400: N_("Bad request"),
    401: N_("Authentication required"),
    403: N_("Forbidden"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    413: N_("Request too large"),
    422: N_("Invalid data"),
    429: N_("Too many requests"),
    500: N_("Internal server error"),
}
# What an error page says to a person, in the interface language (the API keeps the detail).
PAGE_SENTENCES = {
    401: N_("Please log in to see this page."),
    403: N_("Your role cannot use this page. Ask an administrator if you need it."),
    404: N_("There is nothing at this address. It may have been moved or deleted."),
    405: N_("This address cannot be used this way."),
    413: N_("What you sent is too large."),
    429: N_("Too many requests: please wait a moment and try again."),
    500: N_("Something went wrong on our side; the error has been logged."),
}


@dataclass
class ProblemFieldError:
    field: str
    message: str


@dataclass
class Problem:
    """The body of every error answer of the API (RFC 9457), as the OpenAPI document shows it."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[ProblemFieldError] | None = None


def problem(
    request: Request[Any, Any, Any],
    status: int,
    detail: str,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    if status == 401:
        headers = {"WWW-Authenticate": 'Bearer realm="congress"', **(headers or {})}
    if wants_html(request):
        return html_error(request, status, detail, body.get("errors", []), headers)
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def wants_html(request: Request[Any, Any, Any]) -> bool:
    if request.url.path.startswith("/api/"):
        return False
    return "text/html" in request.headers.get("accept", "")


def html_error(
    request: Request[Any, Any, Any],
    status: int,
    detail: str,
    errors: list[dict[str, str]],
    headers: dict[str, str] | None,
) -> Response[Any]:
    from litestar.response import Template

    csrf = status == 403 and "CSRF" in detail
    if status in PAGE_SENTENCES and not csrf:
        sentence = _(PAGE_SENTENCES[status])
    else:
        sentence = own_sentence(detail)
    return Template(
        "error.html",
        context={
            "status": status,
            "title": _(TITLES.get(status, N_("Error"))),
            "detail": sentence,
            "csrf": csrf,
            "errors": [
                {"field": error["field"], "message": own_sentence(error["message"])}
                for error in errors
            ],
        },
        status_code=status,
        headers=headers,
        media_type=MediaType.HTML,
    )


def on_problem(request: Request[Any, Any, Any], exc: ProblemError) -> Response[Any]:
    return problem(request, exc.status, exc.detail, exc.errors)


def on_validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    """Schema errors: 422 for the request body, 400 for query, path and headers."""
    extra = [
        item
        for item in (exc.extra if isinstance(exc.extra, list) else [])
        if isinstance(item, dict)
    ]
    errors = [
        FieldError(
            str(item.get("key") or item.get("source") or "body").removeprefix("filter_"),
            str(item.get("message", "")).removeprefix("Value error, "),
        )
        for item in extra
    ]
    if not errors:
        return problem(request, 400, exc.detail or "the request could not be read")
    in_body = any(str(item.get("source", "body")) == "body" for item in extra)
    summary = "; ".join(f"{e.field}: {e.message}" for e in errors)
    return problem(request, 422 if in_body else 400, summary, errors)


def on_http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc, NotAuthorizedException):
        return problem(request, 401, exc.detail)
    return problem(request, exc.status_code, exc.detail, headers=exc.headers)


def on_integrity(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    conflict = integrity_conflict(exc)
    return problem(request, conflict.status, conflict.detail, conflict.errors)


def on_data_error(request: Request[Any, Any, Any], exc: DataError) -> Response[Any]:
    # A value the schema let through but the database refuses (out of range, too long).
    log.warning("database refused a value on %s: %s", request.url.path, exc)
    return problem(request, 422, "a value is out of the range the database can store")


def on_not_found(request: Request[Any, Any, Any], exc: AANotFoundError) -> Response[Any]:
    return problem(request, 404, str(exc.detail) if hasattr(exc, "detail") else "not found")


def on_server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, HTTPException) and exc.detail == "client disconnected prematurely":
        # The client went away while sending its request (a load tool stopping, a closed tab):
        # nobody will read the answer, and nothing is wrong on our side.
        log.info("client disconnected during %s %s", request.method, request.url.path)
        return problem(request, 400, exc.detail)
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        request,
        HTTP_500_INTERNAL_SERVER_ERROR,
        "something went wrong on our side; the error has been logged",
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ProblemError: on_problem,
    ValidationException: on_validation,
    HTTPException: on_http,
    IntegrityError: on_integrity,
    AAIntegrityError: on_integrity,
    AANotFoundError: on_not_found,
    DataError: on_data_error,
    HTTP_500_INTERNAL_SERVER_ERROR: on_server_error,
}
