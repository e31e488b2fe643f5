"""Schemathesis against our own OpenAPI: generated requests, valid and not, never get a 500."""

from __future__ import annotations

import asyncio

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

from congress.db.engine import make_engine
from congress.domain.accounts.enums import Role
from congress.settings import Settings
from tests.conftest import LiveServer, make_staff

EXAMPLES_PER_OPERATION = 6


def admin_token(settings: Settings) -> str:
    async def create() -> str:
        engine = make_engine(settings, poolclass=NullPool)
        async with AsyncSession(engine, expire_on_commit=False) as db:
            _, token = await make_staff(db, Role.ADMIN)
        await engine.dispose()
        return token

    return asyncio.run(create())


@pytest.mark.parametrize("authenticated", [False, True], ids=["anonymous", "admin"])
def test_no_server_errors(settings: Settings, live_server: LiveServer, authenticated: bool) -> None:
    headers = {"Authorization": f"Bearer {admin_token(settings)}"} if authenticated else {}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/schema/openapi.json")
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def exercise(case: schemathesis.Case) -> None:
            response = case.call(base_url=live_server.url, headers=headers, timeout=30)
            if response.status_code >= 500:
                sent = {"query": case.query, "body": case.body}
                failures.append(
                    f"{case.method} {case.formatted_path} {sent!r:.300} -> {response.status_code}"
                )

        exercise()
    assert not failures, "\n".join(failures[:20])
