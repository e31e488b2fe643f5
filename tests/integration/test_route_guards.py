"""Every route of the application, against every role and an anonymous visitor.

The expected answer is derived from the route's guards: ``public`` lets everybody in,
``staff`` any logged-in user, ``roles(...)`` the listed roles and admins. A route without a
guard, or with a guard this test cannot read, fails the test.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.server.security import public, staff
from tests.conftest import csrf_token, log_in, make_staff

ANONYMOUS = None
SAMPLE = {"int": "999999", "str": "no-such-thing", "path": "css/site.css", "uuid": "0" * 32}


def allowed_roles(guards: list[Any]) -> set[Role] | None:
    """The roles a route admits (None: everybody, also anonymous)."""
    assert guards, "route without a guard"
    admitted: set[Role] | None = None
    for guard in guards:
        if guard is public:
            continue
        if guard is staff:
            current = set(Role)
        elif hasattr(guard, "allowed_roles"):
            current = set(guard.allowed_roles)
        else:
            raise AssertionError(f"unknown guard {guard!r}: use public, staff or roles(...)")
        admitted = current if admitted is None else admitted & current
    return admitted


def concrete(path: str) -> str:
    return re.sub(r"\{\w+:(\w+)\}", lambda m: SAMPLE[m.group(1)], path)


def route_table(app: Litestar) -> list[tuple[str, str, set[Role] | None, str]]:
    table = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if handler.http_methods == {"OPTIONS"} and handler.handler_name == "options_handler":
                continue  # Litestar's own answer to OPTIONS (no data, nothing to guard)
            guards = [getattr(guard, "func", guard) for guard in handler.resolve_guards()]
            name = f"{'/'.join(sorted(handler.http_methods))} {route.path} ({handler.handler_name})"
            assert guards, f"{name} has no guard"
            for method in sorted(handler.http_methods):
                if method in {"HEAD", "OPTIONS"}:
                    continue
                table.append((method, concrete(route.path), allowed_roles(guards), name))
    # Logging out last: it ends the session the other requests use.
    return sorted(table, key=lambda row: row[1] == "/logout")


async def test_every_route_has_a_guard_and_keeps_to_it(
    app: Litestar, db: AsyncSession, tokens: dict[Role, dict[str, str]]
) -> None:
    table = route_table(app)
    assert len(table) > 50
    failures: list[str] = []
    for role in [ANONYMOUS, *Role]:
        async with AsyncTestClient(app=app) as client:
            if role is not None:
                user, _ = await make_staff(db, role)
                await log_in(client, user.email)
            token = await csrf_token(client)
            for method, path, admitted, name in table:
                is_api = path.startswith("/api/")
                headers = {"x-csrftoken": token}
                if is_api and role is not None:
                    headers.update(tokens[role])
                if not is_api:
                    headers["accept"] = "text/html"
                response = await client.request(
                    method, path, headers=headers, follow_redirects=False
                )
                status = response.status_code
                who = role.value if role else "anonymous"
                if admitted is not None and role is None:
                    expected_redirect = not is_api
                    ok = (
                        status == 303 and response.headers["location"].startswith("/login?next=")
                        if expected_redirect
                        else status == 401
                    )
                    if not ok:
                        failures.append(f"{name} as {who}: {status}, expected login")
                elif admitted is not None and role not in admitted:
                    if status != 403:
                        failures.append(f"{name} as {who}: {status}, expected 403")
                elif status in (401, 403) or status >= 500:
                    failures.append(f"{name} as {who}: {status}, expected to be let in")
        # Each client runs the app in its own loop: pooled connections must not outlive it.
        await app.state.engine.dispose()
    assert not failures, "\n".join(failures)
