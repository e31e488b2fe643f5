"""Response times of the public pages and open formats, over real HTTP.

    .venv/bin/python bench/publishing.py [--database-url postgresql://…] [--rounds 30]

Builds a 306-talk, 3-day, 6-room event (the size of the pretalx reference in issue 6) and a
600-session, 3,000-speech event in a fresh database (SQLite in a temporary folder, or a new
database on the given PostgreSQL server, dropped afterwards), serves the app with uvicorn and
prints, for each URL:

- cached: the median and 95th percentile of requests when nothing has changed (the answer comes
  from the render cache after one data-version query);
- after a change: the first request after a change made through the JSON API (a session's
  description), once the background warmer has made the answer again (what a visitor meets
  after an editor's save);
- cold: a request that has to make its answer (the cache emptied just before): the render path,
  which the warmer takes after a change and a visitor takes only if nothing was warm.

Not a test: it prints figures for docs/benchmarks.md, with the load average before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import make_url, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.publishing_data import build_event

from congress.app import create_app
from congress.db.engine import make_engine
from congress.db.migrate import upgrade
from congress.domain.accounts.enums import Role
from congress.domain.accounts.models import User
from congress.domain.accounts.services import create_token
from congress.domain.programme.models import Session
from congress.settings import Settings

PRETALX_MS = {"schedule.xml": 150, "schedule.json": 480, "calendar.ics": 230, "programme": 205}
PATHS = ["schedule.xml", "schedule.json", "calendar.ics", "programme", "", "proceedings.akn.xml"]
EVENTS = {"talks-306": (306, 1), "large-600": (600, 5)}


async def _build(settings: Settings) -> tuple[str, dict[str, int], dict[str, int]]:
    """The two events, an organizer's API token, a session of each event to change, and the
    events' ids."""
    engine = make_engine(settings, poolclass=NullPool)
    first_sessions, event_ids = {}, {}
    async with AsyncSession(engine, expire_on_commit=False) as db:
        for slug, (sessions, speeches) in EVENTS.items():
            event = await build_event(
                db, slug=slug, sessions=sessions, speeches_per_session=speeches, days=3, rooms=6
            )
            event_ids[slug] = event.id
            first_sessions[slug] = int(
                await db.scalar(
                    select(Session.id).where(Session.event_id == event.id).order_by(Session.id)
                )
                or 0
            )
        user = User(email="bench-editor@example.org", role=Role.ORGANIZER)
        db.add(user)
        await db.flush()
        token = await create_token(db, user, "bench")
        await db.commit()
    await engine.dispose()
    return token, first_sessions, event_ids


async def _pg(url: str, statement: str) -> None:
    import asyncpg

    parsed = make_url(url)
    connection = await asyncpg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        database=parsed.database or "postgres",
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _timed(client: httpx.Client, url: str) -> float:
    start = time.perf_counter()
    client.get(url).raise_for_status()
    return (time.perf_counter() - start) * 1000


def _cached_version(app: Any, name: str, event_id: int) -> Any:
    cache = app.state["publishing_cache"]
    versions = [
        cache.version_of(key) for key in cache.items if (key.name, key.event_id) == (name, event_id)
    ]
    return versions[0] if versions else None


def _wait_for_warmer(app: Any, name: str, event_id: int, old: Any) -> None:
    """Until the warmer has made the answer again for the changed data."""
    deadline = time.monotonic() + 120
    while _cached_version(app, name, event_id) in (None, old):
        if time.monotonic() > deadline:
            raise RuntimeError("the cache warmer did not make the answer again")
        time.sleep(0.01)


def measure(args: argparse.Namespace, settings: Settings) -> None:
    token, first_sessions, event_ids = asyncio.run(_build(settings))
    port = _free_port()
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    database = "PostgreSQL" if settings.db_url.startswith("postgresql") else "SQLite"
    print(f"database: {database}; load average before: {_load()}")
    print(
        f"{args.rounds} requests per URL when cached, {args.changes} after a change,"
        f" {args.cold} cold; medians in ms"
    )
    print(
        f"{'event':<10} {'URL':<20} {'cached':>7} {'p95':>6} {'changed':>8} {'p95':>6}"
        f" {'cold':>7} {'bytes':>8} {'pretalx':>8}"
    )
    api = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
        for slug in EVENTS:
            for path in PATHS:
                url = f"/events/{slug}/{path}".rstrip("/")
                for _ in range(3):
                    client.get(url).raise_for_status()
                warm = sorted(_timed(client, url) for _ in range(args.rounds))
                after_change = []
                name = path or "event"
                for round_ in range(args.changes):
                    old = _cached_version(app, name, event_ids[slug])
                    client.patch(
                        f"/api/v1/sessions/{first_sessions[slug]}",
                        json={"description": {"en": f"Changed {round_}."}},
                        headers=api,
                    ).raise_for_status()
                    _wait_for_warmer(app, name, event_ids[slug], old)
                    after_change.append(_timed(client, url))
                after_change.sort()
                cold = []
                for _ in range(args.cold):
                    app.state["publishing_cache"].clear()
                    cold.append(_timed(client, url))
                size = len(client.get(url).content)
                reference = PRETALX_MS.get(path, "") if slug == "talks-306" else ""
                print(
                    f"{slug:<10} {path or '(event page)':<20}"
                    f" {statistics.median(warm):>7.1f} {_p95(warm):>6.1f}"
                    f" {statistics.median(after_change):>8.1f} {_p95(after_change):>6.1f}"
                    f" {statistics.median(cold):>7.1f} {size:>8} {reference!s:>8}"
                )
    print(f"load average after: {_load()}")
    server.should_exit = True
    thread.join(timeout=10)


def _p95(times: list[float]) -> float:
    return times[max(0, int(len(times) * 0.95 + 0.5) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="", help="PostgreSQL server; SQLite if empty")
    parser.add_argument("--rounds", type=int, default=30, help="cached requests per URL")
    parser.add_argument("--changes", type=int, default=5, help="changes per URL")
    parser.add_argument("--cold", type=int, default=5, help="cold requests per URL")
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="congress-bench-") as folder:
        database_url = ""
        if args.database_url:
            name = f"congress_bench_{uuid.uuid4().hex[:8]}"
            asyncio.run(_pg(args.database_url, f'CREATE DATABASE "{name}"'))
            database_url = make_url(args.database_url).set(database=name).render_as_string(False)
        try:
            settings = Settings(
                data_dir=Path(folder), database_url=database_url, secret_key="bench"
            )
            upgrade(settings)
            measure(args, settings)
        finally:
            if database_url:
                asyncio.run(_pg(args.database_url, f'DROP DATABASE "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
