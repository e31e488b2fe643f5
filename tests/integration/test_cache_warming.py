"""After a change, the cached exports and pages are made again in the background, so that no
visitor waits for them; a scheduled record appears when it comes due."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.db.base import utc_now
from congress.domain.programme.models import Session
from congress.domain.publishing import views
from congress.domain.publishing.jobs import Warmer
from congress.domain.publishing.views import page_version, render_cache
from tests.publishing_data import build_event


async def next_round(warmer: Warmer, after: int, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while warmer.passes <= after:
        assert time.monotonic() < deadline, "the warmer did not finish a round"
        await asyncio.sleep(0.05)


def no_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on a request that had to make its answer would fail."""

    async def refuse(*_: Any) -> Any:
        raise AssertionError("a visitor waited for a render")

    monkeypatch.setattr(views, "produce", refuse)


async def test_a_change_is_rendered_before_the_next_visitor(
    client: Any, app: Any, db: AsyncSession, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    event = await build_event(db, sessions=3, speeches_per_session=1)
    urls = [
        f"/events/{event.slug}/programme",
        f"/events/{event.slug}",
        f"/events/{event.slug}/schedule.xml",
        f"/events/{event.slug}/calendar.ics?lang=de",
    ]
    for url in urls:
        assert (await client.get(url)).status_code == 200
    session_id = await db.scalar(select(Session.id).order_by(Session.id).limit(1))
    cache = render_cache(app.state)
    assert len(cache.items) == len(urls)

    changed = await client.patch(
        f"/api/v1/sessions/{session_id}",
        json={"title": {"en": "Renamed opening", "de": "Umbenannte Eröffnung"}},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    await db.refresh(event)
    version = await page_version(db, event)
    deadline = time.monotonic() + 20
    while any(cache.version_of(key) != version for key in cache.items):
        assert time.monotonic() < deadline, "the warmer did not make the answers again"
        await asyncio.sleep(0.05)

    no_rendering(monkeypatch)
    assert "Renamed opening" in (await client.get(urls[0])).text
    assert "Renamed opening" in (await client.get(urls[1])).text
    assert b"Renamed opening" in (await client.get(urls[2])).content
    assert b"Umbenannte Er" in (await client.get(urls[3])).content


async def test_a_scheduled_record_appears_when_due(
    client: Any, app: Any, db: AsyncSession, tokens: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from congress.domain.accounts.enums import Role

    editor = tokens[Role.EDITOR]
    event = await build_event(db, sessions=2, speeches_per_session=1)
    page = f"/events/{event.slug}"
    assert (await client.get(page)).status_code == 200
    created = await client.post(
        f"/api/v1/events/{event.slug}/records",
        json={"slug": "soon", "headline": {"en": "Coming soon"}, "status": "review"},
        headers=editor,
    )
    warmer: Warmer = app.state.publishing_warmer
    before = warmer.passes
    due = utc_now() + dt.timedelta(seconds=2)
    scheduled = await client.patch(
        f"/api/v1/records/{created.json()['id']}",
        json={"status": "published", "publish_at": due.isoformat()},
        headers=editor,
    )
    assert scheduled.status_code == 200
    await next_round(warmer, before)
    assert "Coming soon" not in (await client.get(page)).text
    assert warmer.next_due == due

    deadline = time.monotonic() + 15
    while warmer.last_round is None or warmer.last_round < due:
        assert time.monotonic() < deadline, "no round of the warmer once the record was due"
        await asyncio.sleep(0.05)
    # The warming job that round started (it runs beside the app, in the app's loop).
    while any(job.state == "running" for job in list(app.state.print_jobs.jobs.values())):
        assert time.monotonic() < deadline, "the warming job did not finish"
        await asyncio.sleep(0.05)
    no_rendering(monkeypatch)
    assert "Coming soon" in (await client.get(page)).text


async def test_a_cached_answer_asks_the_database_nothing(
    client: Any,
    app: Any,
    db: AsyncSession,
    admin: dict[str, str],
    settings: Any,
    count_queries: Any,
) -> None:
    """One process (SQLite's case): its own changes are known at once, a cached answer sends
    no statement, and a change written behind its back shows after the time-to-live."""
    from sqlalchemy import func, update
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    from congress.domain.events.models import Event
    from congress.domain.publishing.views import known_events

    event = await build_event(db, sessions=2, speeches_per_session=1)
    page = f"/events/{event.slug}"
    assert (await client.get(page)).status_code == 200
    assert (await client.get(f"{page}/schedule.json")).status_code == 200
    count_queries.count = 0
    for _ in range(3):
        assert (await client.get(page)).status_code == 200
        assert (await client.get(f"{page}/schedule.json")).status_code == 200
    assert count_queries.count == 0, count_queries.statements

    known_events(app.state).ttl = ttl = 1.5
    changed = await client.patch(
        f"/api/v1/events/{event.slug}", json={"name": {"en": "Renamed here"}}, headers=admin
    )
    assert changed.status_code == 200, changed.text
    assert "Renamed here" in (await client.get(page)).text  # known for 1.5 s now
    learned = time.monotonic()
    engine = create_async_engine(settings.db_url, poolclass=NullPool)  # announces nothing
    try:
        async with AsyncSession(engine) as other:
            await other.execute(
                update(Event)
                .where(Event.id == event.id)
                .values(name={"en": "Renamed elsewhere"}, updated_at=func.now())
            )
            await other.commit()
    finally:
        await engine.dispose()
    answer = (await client.get(page)).text
    if time.monotonic() - learned < ttl - 0.1:
        assert "Renamed elsewhere" not in answer
    await asyncio.sleep(max(0.0, learned + ttl + 0.1 - time.monotonic()))
    assert "Renamed elsewhere" in (await client.get(page)).text
