"""Who is asking: staff API tokens (Authorization: Bearer) and, for pages, the staff session.

Every request gets ``request.user``: a :class:`User` or ``None`` for an anonymous visitor.
Route guards say explicitly who may use each route; the route-table test checks that every
route has one.

The login session authenticates pages only. The JSON API under /api/ is exempt from CSRF
checks, so it must accept nothing that a browser sends by itself: only Bearer tokens.
"""

from __future__ import annotations

import copy
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from advanced_alchemy.extensions.litestar.plugins.init.config.asyncio import (
    autocommit_handler_maker,
)
from advanced_alchemy.extensions.litestar.session import SQLAlchemyAsyncSessionBackend
from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import (
    AbstractAuthenticationMiddleware,
    AuthenticationResult,
    DefineMiddleware,
)
from litestar.middleware.session import SessionMiddleware
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.response import Redirect
from litestar.types import ASGIApp, Empty, Message, Receive, Scope, Send
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from congress.errors import Forbidden, NotAuthenticated
from congress.roles import Role
from congress.server.i18n import negotiate, set_locale
from congress.server.problems import on_problem, wants_html
from congress.settings import Settings

SESSION_USER = "user_id"
SESSION_LOGIN_AT = "login_at"
SESSION_LOCALE = "locale"
# Set on the scope by the login handler: the session gets a fresh id (no session fixation).
ROTATE_SESSION = "congress.rotate_session"
LOADED_SESSION = "congress.loaded_session"
NO_SESSION_PATHS = ["^/static/", "^/health$"]


# How a staff user is found (the accounts area's, given by the app factory): by API token, and
# by the id the login session keeps with the time it began (a session begun before the user's
# sessions were ended is refused); None when refused or inactive.
TokenLookup = Callable[[AsyncEngine, str], Awaitable[Any]]
SessionLookup = Callable[[AsyncEngine, int, float], Awaitable[Any]]


class StaffAuthenticationMiddleware(AbstractAuthenticationMiddleware):
    def __init__(
        self, app: ASGIApp, *, by_token: TokenLookup, by_id: SessionLookup, **options: Any
    ) -> None:
        super().__init__(app, **options)
        self.by_token = by_token
        self.by_id = by_id

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        user: Any = None
        auth: str | None = None
        engine: AsyncEngine = connection.app.state.engine
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise NotAuthenticated("use Authorization: Bearer <token>")
            user = await self.by_token(engine, token.strip())
            if user is None:
                raise NotAuthenticated("unknown, revoked or expired API token")
            auth = "token"
        elif not connection.url.path.startswith("/api/"):
            user_id = session_of(connection).get(SESSION_USER)
            if isinstance(user_id, int):
                logged_in_at = float(session_of(connection).get(SESSION_LOGIN_AT, 0.0))
                user = await self.by_id(engine, user_id, logged_in_at)
                auth = "session" if user else None
        preferred = (user.locale if user else None) or session_of(connection).get(SESSION_LOCALE)
        set_locale(negotiate(connection.headers.get("accept-language"), preferred))
        return AuthenticationResult(user=user, auth=auth)


def session_of(connection: ASGIConnection[Any, Any, Any, Any]) -> dict[str, Any]:
    session = connection.scope.get("session")
    return session if isinstance(session, dict) else {}


def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> Any:
    """The staff user (the accounts area's ``User``), or None for an anonymous visitor."""
    return connection.scope.get("user")


def site_url(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The site's address for links in pages and open formats: the configured public address,
    else what the request says (its Host header; believe it only behind a proxy that sets it)."""
    public_url: str = connection.app.state.settings.public_url
    return (public_url or str(connection.base_url)).rstrip("/")


def log_in(request: Request[Any, Any, Any], user: Any) -> None:
    """Start a fresh session for ``user`` (the old session id is dropped)."""
    request.scope[ROTATE_SESSION] = True  # type: ignore[literal-required]
    request.set_session({SESSION_USER: user.id, SESSION_LOGIN_AT: time.time()})


def log_out(request: Request[Any, Any, Any]) -> None:
    request.clear_session()


class _RotatingSessions:
    """A session backend that issues a new session id when the login handler asks for one."""

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        if connection.scope.get(ROTATE_SESSION):
            fresh = connection.scope.get("congress.fresh_session_id")
            if fresh is None:
                fresh = secrets.token_hex(32)
                connection.scope["congress.fresh_session_id"] = fresh  # type: ignore[typeddict-unknown-key]
            return str(fresh)
        return super().get_session_id(connection)  # type: ignore[misc]

    async def load_from_connection(self, connection: Any) -> dict[str, Any]:
        data: dict[str, Any] = await super().load_from_connection(connection)  # type: ignore[misc]
        connection.scope[LOADED_SESSION] = copy.deepcopy(data)
        return data

    async def store_in_message(self, scope_session: Any, message: Any, connection: Any) -> None:
        if (
            connection.headers.get("hx-request")
            and not connection.scope.get(ROTATE_SESSION)
            and scope_session == connection.scope.get(LOADED_SESSION)
        ):
            # An htmx fragment (search as you type) runs beside page loads: writing back the
            # unchanged copy it read could undo what they did meanwhile (a flash shown twice).
            return
        old = connection.cookies.get(self.config.key)  # type: ignore[attr-defined]
        if isinstance(scope_session, dict) and not scope_session:
            # Visitors without anything to keep get no session row and no cookie.
            if not old or old == "null":
                return
            scope_session = Empty
        if connection.scope.get(ROTATE_SESSION) and old and old != "null":
            store = self.config.get_store_from_app(connection.scope["app"])  # type: ignore[attr-defined]
            await self.delete(old, store=store)  # type: ignore[attr-defined]
        await super().store_in_message(scope_session, message, connection)  # type: ignore[misc]


class DatabaseSessions(_RotatingSessions, SQLAlchemyAsyncSessionBackend):
    pass


class RedisSessions(_RotatingSessions, ServerSideSessionBackend):
    pass


def session_middleware(
    settings: Settings, alchemy: SQLAlchemyAsyncConfig, model: Any
) -> DefineMiddleware:
    """Server-side sessions: in Redis when configured, else in ``model``'s table."""
    config = ServerSideSessionConfig(
        key="congress_session",
        max_age=12 * 3600,
        samesite="lax",
        httponly=True,
        secure=settings.secure_cookies,
        exclude=NO_SESSION_PATHS,
        store="sessions",
    )
    backend: ServerSideSessionBackend
    if settings.redis_url:
        backend = RedisSessions(config=config)
    else:
        backend = DatabaseSessions(config=config, alchemy_config=alchemy, model=model)
    return DefineMiddleware(SessionMiddleware, backend=backend)


def commit_before_session_save(alchemy: SQLAlchemyAsyncConfig) -> Any:
    """Commit (or roll back) the request's transaction before the session is stored.

    The session store writes in a transaction of its own when the response starts; on SQLite
    it would wait for the request's still-open write transaction, which the app-level
    before-send hook only ends afterwards. Listed inside the session middleware, this runs
    the same commit rule first (the later hook then finds nothing left to do).
    """
    finish = autocommit_handler_maker(
        commit_on_redirect=True, session_scope_key=alchemy.session_scope_key
    )

    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return

            async def send_after_commit(message: Message) -> None:
                await finish(message, scope)
                await send(message)

            await app(scope, receive, send_after_commit)

        return middleware

    return wrap


def on_not_authenticated(request: Request[Any, Any, Any], exc: NotAuthenticated) -> Response[Any]:
    """Browsers are sent to the login page and come back afterwards; the API answers 401."""
    if not wants_html(request):
        return on_problem(request, exc)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    login = "/login?" + urlencode({"next": target})
    if request.headers.get("hx-request"):
        return Response(b"", status_code=401, headers={"HX-Redirect": login})
    return Redirect(login, status_code=303)


def safe_next(target: str | None, default: str = "/manage") -> str:
    """Only local paths: a login link must not send people to another site."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    return target


# ---- guards: every route handler names one ---------------------------------------------------


def public(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Anyone; what an anonymous visitor sees is limited by the services (published data only)."""


def staff(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if current_user(connection) is None:
        raise NotAuthenticated("staff only: log in or send an API token")


def roles(*allowed: Role) -> Any:
    """A guard admitting admins and the given roles."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
        staff(connection, handler)
        user = current_user(connection)
        assert user is not None
        if user.role is not Role.ADMIN and user.role not in allowed:
            names = ", ".join(sorted({Role.ADMIN.value, *(role.value for role in allowed)}))
            raise Forbidden(f"this needs one of the roles: {names}")

    guard.__name__ = "roles_" + "_".join(role.value for role in allowed)
    guard.allowed_roles = frozenset({Role.ADMIN, *allowed})  # type: ignore[attr-defined]
    return guard


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
