"""Per-address limits on public self-registration and comments, and login delays shared by
several app instances through Redis."""

from __future__ import annotations

import asyncio
import re

import pytest
import redis.asyncio as redis
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.app import create_app
from congress.domain.accounts.enums import Role
from congress.domain.publishing import services as publishing
from congress.domain.publishing.models import Comment
from congress.domain.registration.models import Participant
from congress.settings import Settings
from tests.conftest import PASSWORD, csrf_token, make_staff, post_form
from tests.publishing_data import build_event
from tests.registration_data import make_event

REDIS_URL = "redis://127.0.0.1:6379/0"


def visitor(number: int) -> dict[str, str]:
    return {
        "given_name": f"Guest{number}",
        "family_name": "Visitor",
        "email": f"guest{number}@example.org",
        "organization": "Peace Foundation",
        "category": "guest",
        "consent_publication": "true",
    }


async def test_self_registration_is_limited_per_address(
    settings: Settings, db: AsyncSession
) -> None:
    event = await make_event(db)
    await db.commit()
    app = create_app(
        settings.model_copy(
            update={"public_posts_per_address": 3, "public_posts_window_seconds": 120}
        )
    )
    async with AsyncTestClient(app=app) as client:
        url = f"/events/{event.slug}/register"
        answers = [await post_form(client, url, visitor(number)) for number in range(4)]
        assert [answer.status_code for answer in answers] == [303, 303, 303, 429]
        refused = answers[-1]
        assert 100 <= int(refused.headers["retry-after"]) <= 120
        assert "Too many requests: please wait a moment and try again." in refused.text
        # Nothing of the refused registration is kept.
        assert await db.scalar(select(func.count()).select_from(Participant)) == 3
        # A client that claims another address is the same client (no trusted proxy).
        spoofed = await client.post(
            url,
            data={**visitor(9), "_csrf_token": await csrf_token(client)},
            headers={"x-forwarded-for": "192.0.2.7", "accept": "application/json"},
        )
        assert spoofed.status_code == 429
        assert spoofed.headers["content-type"].startswith("application/problem+json")
    await app.state.engine.dispose()


async def test_comments_are_limited_per_address(
    settings: Settings, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(publishing, "COMMENT_MIN_SECONDS", 0.0)
    event = await build_event(db, sessions=1, speeches_per_session=1)
    app = create_app(settings.model_copy(update={"public_posts_per_address": 2}))
    async with AsyncTestClient(app=app) as client:
        client.headers["x-csrftoken"] = await csrf_token(client)
        url = f"/events/{event.slug}/records/opening"
        stamp = re.search(r'name="stamp" value="([^"]+)"', (await client.get(url)).text)
        assert stamp is not None
        statuses = []
        for number in range(3):
            form = {"author_name": f"Reader {number}", "body": "Thank you", "stamp": stamp[1]}
            sent = await client.post(f"{url}/comments", data=form, follow_redirects=False)
            statuses.append(sent.status_code)
        assert statuses == [303, 303, 429]
        assert int(sent.headers["retry-after"]) > 0
    await app.state.engine.dispose()
    assert await db.scalar(select(func.count()).select_from(Comment)) == 2


async def login_status(client: AsyncTestClient, email: str, password: str) -> int:
    response = await client.post(
        "/login",
        data={"email": email, "password": password, "_csrf_token": await csrf_token(client)},
        follow_redirects=False,
    )
    return int(response.status_code)


async def test_two_instances_share_the_login_count_through_redis(
    settings: Settings, db: AsyncSession
) -> None:
    connection = redis.from_url(REDIS_URL)
    stale = [key async for key in connection.scan_iter("congress_throttle:login:*")]
    if stale:
        await connection.delete(*stale)
    await connection.aclose()
    await make_staff(db, Role.ORGANIZER, "shared@example.org")
    shared = settings.model_copy(update={"redis_url": REDIS_URL, "login_delay_seconds": 2})
    first, second = create_app(shared), create_app(shared)
    async with AsyncTestClient(app=first) as one, AsyncTestClient(app=second) as two:
        statuses = [
            await login_status((one, two)[n % 2], "shared@example.org", f"guess {n}")
            for n in range(settings.login_attempts_per_account)
        ]
        assert statuses == [422] * settings.login_attempts_per_account
        # Each instance saw only some of the failures; together they are enough for a delay.
        assert await login_status(one, "shared@example.org", "guess") == 429
        assert await login_status(two, "shared@example.org", PASSWORD) == 429
        await asyncio.sleep(2.1)
        assert await login_status(two, "shared@example.org", PASSWORD) == 302
    for app in (first, second):
        await app.state.engine.dispose()


async def test_one_instance_without_redis_counts_in_memory(
    settings: Settings, db: AsyncSession
) -> None:
    """The control for the test above: without Redis, two instances count apart."""
    await make_staff(db, Role.ORGANIZER, "apart@example.org")
    apart = settings.model_copy(update={"login_delay_seconds": 60})
    first, second = create_app(apart), create_app(apart)
    async with AsyncTestClient(app=first) as one, AsyncTestClient(app=second) as two:
        for n in range(settings.login_attempts_per_account):
            assert await login_status(one, "apart@example.org", f"guess {n}") == 422
        assert await login_status(one, "apart@example.org", "guess") == 429
        assert await login_status(two, "apart@example.org", "guess") == 422
    for app in (first, second):
        await app.state.engine.dispose()
