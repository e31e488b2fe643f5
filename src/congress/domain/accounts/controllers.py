"""Staff pages of accounts: log in and out, the interface language, staff accounts (admins)."""

from __future__ import annotations

import hashlib
from typing import Any

from litestar import Request
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.accounts.models import User
from congress.domain.accounts.schemas import NewUser, PasswordReset, UserUpdate
from congress.domain.accounts.services import (
    AuditEntryService,
    UserService,
    authenticate,
    revoke_tokens,
    token_state,
    user_tokens,
)
from congress.errors import Conflict, NotFound
from congress.server.deletion import Deletion, confirm_page
from congress.server.forms import Form, read_form, submit
from congress.server.i18n import INTERFACE_LANGUAGES
from congress.server.i18n import gettext as _
from congress.server.pages import done, invalid, page_get, page_post
from congress.server.security import (
    SESSION_LOCALE,
    current_user,
    log_in,
    log_out,
    public,
    roles,
    safe_next,
    session_of,
)
from congress.server.throttle import Rule, client_address, limiter, retry_after
from congress.settings import Settings

# Failed logins are forgotten a day after the first one.
LOGIN_WINDOW = 24 * 3600


def _login_counters(request: Request[Any, Any, Any], email: str) -> list[tuple[str, Rule]]:
    """Two counters: the account (guessing one password from many addresses) and the client
    address (trying many accounts); either one's delay stops the attempt."""
    settings: Settings = request.app.state.settings

    def rule(allowed: int) -> Rule:
        return Rule(
            allowed=allowed,
            delay=settings.login_delay_seconds,
            max_delay=settings.login_max_delay_seconds,
            window=LOGIN_WINDOW,
        )

    account = hashlib.sha256(email.encode()).hexdigest()
    return [
        (f"login:account:{account}", rule(settings.login_attempts_per_account)),
        (f"login:address:{client_address(request)}", rule(settings.login_attempts_per_address)),
    ]


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
    # Counted before the password is checked: parallel guesses cannot pass unseen.
    counters = _login_counters(request, email)
    wait = await limiter(request.app).attempt(counters)
    if wait:
        seconds = retry_after(wait)
        form.message = _(
            "Too many failed attempts. Try again in %(seconds)s seconds.", seconds=seconds
        )
        return Template(
            "manage/login.html",
            context={"form": form},
            status_code=429,
            headers={"Retry-After": str(seconds)},
        )
    user = await authenticate(db_session, email, password)
    if user is None:
        form.message = _("The e-mail address or the password is not right.")
        return Template("manage/login.html", context={"form": form}, status_code=422)
    # The account's failures end with its owner's success; a success is no failure of the
    # address (staff of a venue share one).
    await limiter(request.app).forget(counters[0][0])
    await limiter(request.app).uncount(counters[1][0])
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


# ---- staff accounts (admins) -----------------------------------------------------------------

ADMINS = roles()
USERS_PAGE = 50


def _users_context(users: list[User], total: int, page: int) -> dict[str, Any]:
    return {
        "section": "users",
        "users": users,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // USERS_PAGE)),
        "roles": list(Role),
        "locales": INTERFACE_LANGUAGES,
    }


async def _users(db: AsyncSession, request: Request[Any, Any, Any], page: int) -> dict[str, Any]:
    users, total = await UserService(db, current_user(request)).list(
        limit=USERS_PAGE, offset=(page - 1) * USERS_PAGE
    )
    return _users_context(users, total, page)


@page_get("/manage/users", guards=[ADMINS])
async def users_list(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    page: FromQuery[int] = 1,
) -> Template:
    context = await _users(db_session, request, max(page, 1))
    return Template(
        "manage/users/list.html", context={**context, "form": Form(values={"role": "organizer"})}
    )


@page_post("/manage/users", guards=[ADMINS])
async def user_create(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any]
) -> Any:
    form = await read_form(request)
    service = UserService(db_session, current_user(request))

    async def create(values: dict[str, Any]) -> User:
        values.pop("repeat")
        return await service.create(values)

    user = await submit(form, NewUser, create)
    if user is None:
        for secret in ("password", "repeat"):
            form.values.pop(secret, None)  # never echoed back into the page
        context = await _users(db_session, request, 1)
        return invalid("manage/users/list.html", form, **context)
    return done(request, f"/manage/users/{user.id}", _("The account was created."))


def _user_form(user: User) -> Form:
    return Form(
        values={
            "email": user.email,
            "name": user.name,
            "role": user.role.value,
            "locale": user.locale or "",
        }
    )


async def _user_page(
    db: AsyncSession,
    request: Request[Any, Any, Any],
    user_id: int,
    form: Form | None = None,
    password_form: Form | None = None,
) -> Template:
    user = await UserService(db, current_user(request)).get(user_id)
    history, _total = await AuditEntryService(db, current_user(request)).history(
        entity="user_account", entity_ids=[user_id], limit=20
    )
    failed = (form is not None and form.has_errors) or (
        password_form is not None and password_form.has_errors
    )
    return Template(
        "manage/users/page.html",
        context={
            "section": "users",
            "account": user,
            "form": form or _user_form(user),
            "password_form": password_form or Form(),
            "roles": list(Role),
            "locales": INTERFACE_LANGUAGES,
            "history": history,
            "tokens": [(token, token_state(token)) for token in await user_tokens(db, user_id)],
        },
        status_code=422 if failed else 200,
    )


@page_get("/manage/users/{user_id:int}", guards=[ADMINS])
async def user_page(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    user_id: FromPath[int],
) -> Template:
    return await _user_page(db_session, request, user_id)


@page_post("/manage/users/{user_id:int}", guards=[ADMINS])
async def user_update(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    user_id: FromPath[int],
) -> Any:
    form = await read_form(request)
    service = UserService(db_session, current_user(request))

    async def update(values: dict[str, Any]) -> User:
        return await service.update(user_id, values)

    if await submit(form, UserUpdate, update, exclude_unset=True) is None:
        return await _user_page(db_session, request, user_id, form=form)
    return done(request, f"/manage/users/{user_id}", _("The account was saved."))


@page_post("/manage/users/{user_id:int}/password", guards=[ADMINS])
async def user_password(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    user_id: FromPath[int],
) -> Any:
    form = await read_form(request)
    service = UserService(db_session, current_user(request))

    async def reset(values: dict[str, Any]) -> User:
        return await service.update(user_id, {"password": values["password"]})

    if await submit(form, PasswordReset, reset) is None:
        form.values.clear()  # passwords are never echoed back into the page
        return await _user_page(db_session, request, user_id, password_form=form)
    return done(request, f"/manage/users/{user_id}", _("The password was changed."))


@page_post("/manage/users/{user_id:int}/tokens/{token_id:int}/revoke", guards=[ADMINS])
async def user_token_revoke(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    user_id: FromPath[int],
    token_id: FromPath[int],
) -> Any:
    user = await UserService(db_session, current_user(request)).get(user_id)
    if not await revoke_tokens(db_session, user.id, token_id=token_id):
        raise NotFound("no active token with this id for this account")
    return done(request, f"/manage/users/{user_id}#tokens", _("The token was revoked."))


def _deactivation(user: User) -> Deletion:
    return Deletion(
        title=_("Deactivate the account of %(name)s?", name=user.name or user.email),
        action=f"/manage/users/{user.id}/deactivate",
        back=f"/manage/users/{user.id}",
        consequences=[
            _("logging in, at once (also where the account is logged in now)"),
            _("its API tokens"),
        ],
        lead=_("The account keeps its history, but loses:"),
        note=_("You can reactivate the account later."),
        button=_("Deactivate account"),
    )


@page_get("/manage/users/{user_id:int}/deactivate", guards=[ADMINS])
async def user_deactivate_confirm(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    user_id: FromPath[int],
) -> Template:
    user = await UserService(db_session, current_user(request)).get(user_id)
    return confirm_page(_deactivation(user), section="users")


@page_post("/manage/users/{user_id:int}/deactivate", guards=[ADMINS])
async def user_deactivate(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    user_id: FromPath[int],
) -> Any:
    service = UserService(db_session, current_user(request))
    user = await service.get(user_id)
    try:
        await service.update(user_id, {"is_active": False})
    except Conflict as exc:
        deletion = _deactivation(user)
        deletion.blockers = [error.message for error in exc.errors] or [exc.detail]
        own = user.id == getattr(current_user(request), "id", None)
        deletion.advice = (
            _("Another admin can deactivate it.")
            if own
            else _("Make another account an admin first.")
        )
        return confirm_page(deletion, status_code=409, section="users")
    return done(request, f"/manage/users/{user_id}", _("The account was deactivated."))


@page_post("/manage/users/{user_id:int}/reactivate", guards=[ADMINS])
async def user_reactivate(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    user_id: FromPath[int],
) -> Any:
    await UserService(db_session, current_user(request)).update(user_id, {"is_active": True})
    return done(request, f"/manage/users/{user_id}", _("The account was reactivated."))


ROUTES = [
    login_page,
    login,
    logout,
    choose_language,
    users_list,
    user_create,
    user_page,
    user_update,
    user_password,
    user_token_revoke,
    user_deactivate_confirm,
    user_deactivate,
    user_reactivate,
]
