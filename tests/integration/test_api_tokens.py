"""API tokens are remembered for a moment after they are verified, never past a revocation."""

from __future__ import annotations

import asyncio

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts import services
from congress.domain.accounts.enums import Role
from congress.domain.accounts.models import ApiToken, User
from tests.conftest import make_staff

URL = "/api/v1/events"


async def test_revoking_through_the_orm_takes_effect_at_once(
    client: AsyncTestClient, db: AsyncSession
) -> None:
    _user, token = await make_staff(db, Role.ORGANIZER)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.post(URL, json={}, headers=headers)).status_code == 422  # accepted
    api_token = (await db.execute(ApiToken.__table__.select())).first()
    assert api_token is not None
    stored = await db.get(ApiToken, api_token.id)
    assert stored is not None
    stored.revoked = True
    await db.commit()
    answer = await client.post(URL, json={}, headers=headers)
    assert answer.status_code == 401
    assert "revoked" in answer.json()["detail"]


async def test_a_deactivated_user_is_refused_at_once(
    client: AsyncTestClient, db: AsyncSession
) -> None:
    user, token = await make_staff(db, Role.ORGANIZER)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.post(URL, json={}, headers=headers)).status_code == 422
    user.is_active = False
    await db.commit()
    assert (await client.post(URL, json={}, headers=headers)).status_code == 401


async def test_a_change_made_elsewhere_is_seen_within_the_cache_time(
    client: AsyncTestClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "TOKEN_CACHE_SECONDS", 0.3)
    user, token = await make_staff(db, Role.ORGANIZER)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.post(URL, json={}, headers=headers)).status_code == 422
    # Plain SQL, as another process would do it: this process is not told.
    await db.execute(update(User).where(User.id == user.id).values(is_active=False))
    await db.commit()
    await asyncio.sleep(0.4)
    assert (await client.post(URL, json={}, headers=headers)).status_code == 401
