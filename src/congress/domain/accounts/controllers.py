"""Staff pages of accounts: log in and out, the interface language, staff accounts (admins)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.stores.base import Store
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.models import User
from congress.domain.accounts.services import LoginThrottle, authenticate
from congress.server.forms import Form, read_form
from congress.server.i18n import INTERFACE_LANGUAGES
from congress.server.i18n import gettext as _
from congress.server.pages import page_get, page_post
from congress.server.security import (
    SESSION_LOCALE,
    current_user,
    log_in,
    log_out,
    public,
    safe_next,
    session_of,
)


def _throttle(request: Request[Any, Any, Any]) -> LoginThrottle:
    store: Store = request.app.stores.get("login_attempts")
    return LoginThrottle(store)


def _client_address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


@page_get("/login", guards=[public])
async def login_page(request: Request[Any, Any, Any], next: FromQuery[str | None] = None) -> Any:
    if current_user(request) is not None:
        return Redirect(safe_next(next))
    return Template("manage/login.html", context={"form": Form(values={"next": next or ""})})


@page_post("/login", guards=[public])
async def login(db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any]) -> Any:
    form = await read_form(request)
    email = str(form.value("email")).strip().lower()
    password = str(form.value("password"))
    form.values.pop("password", None)  # never echoed back into the page
    if not email:
        form.errors["email"] = _("Enter your e-mail address.")
    if not password:
        form.errors["password"] = _("Enter your password.")
    if form.errors:
        return Template("manage/login.html", context={"form": form}, status_code=422)
    throttle = _throttle(request)
    address = _client_address(request)
    minutes = await throttle.locked_minutes(email, address)
    if minutes:
        form.message = _(
            "Too many failed attempts. Try again in %(minutes)s minutes.", minutes=minutes
        )
        return Template("manage/login.html", context={"form": form}, status_code=429)
    user = await authenticate(db_session, email, password)
    if user is None:
        await throttle.failed(email, address)
        form.message = _("The e-mail address or the password is not right.")
        return Template("manage/login.html", context={"form": form}, status_code=422)
    await throttle.succeeded(email, address)
    log_in(request, user)
    return Redirect(safe_next(str(form.value("next")) or None))


@page_post("/logout", guards=[public])
async def logout(request: Request[Any, Any, Any]) -> Redirect:
    log_out(request)
    return Redirect("/login?logged_out=1", status_code=303)


@page_post("/language", guards=[public])
async def choose_language(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any]
) -> Redirect:
    """The interface language: kept on the staff account, or in the session of a visitor."""
    form = await read_form(request)
    locale = str(form.value("locale"))
    target = safe_next(str(form.value("next")) or None, default="/")
    if locale not in INTERFACE_LANGUAGES:
        return Redirect(target, status_code=303)
    user = current_user(request)
    if user is not None:
        await db_session.execute(update(User).where(User.id == user.id).values(locale=locale))
    session = dict(session_of(request))
    session[SESSION_LOCALE] = locale
    request.set_session(session)
    return Redirect(target, status_code=303)


ROUTES = [login_page, login, logout, choose_language]
