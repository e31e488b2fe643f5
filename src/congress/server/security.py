"""Who is asking: staff API tokens (Authorization: Bearer) and, for pages, the staff session.

Every request gets ``request.user``: a :class:`User` or ``None`` for an anonymous visitor.
Route guards say explicitly who may use each route; the route-table test checks that every
route has one.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from congress.domain.accounts.enums import Role
from congress.domain.accounts.models import User
from congress.domain.accounts.services import user_for_token
from congress.errors import Forbidden, NotAuthenticated


class StaffAuthenticationMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        if not header:
            return AuthenticationResult(user=None, auth=None)
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated("use Authorization: Bearer <token>")
        engine: AsyncEngine = connection.app.state.engine
        async with AsyncSession(engine, expire_on_commit=False) as db:
            user = await user_for_token(db, token.strip())
        if user is None:
            raise NotAuthenticated("unknown, revoked or expired API token")
        return AuthenticationResult(user=user, auth="token")


def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> User | None:
    return connection.scope.get("user")


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
    return guard


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
