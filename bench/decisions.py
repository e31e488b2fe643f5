"""Recording a roll-call vote of 200 delegations, and the session page showing it, over HTTP.

    .venv/bin/python bench/decisions.py [--database-url postgresql://…] [--rounds 20]

Builds an event of 200 delegations of 50 accredited delegates each (10,000 participants, 90 %
checked in to the plenary) in a fresh database (SQLite in a temporary folder, or a new database
on the given PostgreSQL server, dropped afterwards), serves the app with uvicorn, takes a roll
call, and prints the median and 95th percentile of:

- one POST /api/v1/motions/{id}/votes with each of the 200 delegations' figures (a new motion
  each time: the whole path with the quorum check, the weights, the rule and the audit entry);
- the public session page with the result of one such vote (the 200-row table) on it;
- the live quorum figure that every open staff decisions screen asks for every 2.5 s, and that
  staff screen itself (with its 200-row vote sheet of a motion not yet voted on).

Not a test: it prints figures for docs/benchmarks.md, with the load average before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import insert, make_url
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

sys.path.insert(0, str(Path(__file__).resolve().parent))

from publishing import _free_port, _load, _p95, _pg

from congress.app import create_app
from congress.db.engine import make_engine
from congress.db.migrate import upgrade
from congress.domain.accounts.enums import Role
from congress.domain.accounts.models import User
from congress.domain.accounts.services import create_token
from congress.domain.checkin.models import Attendance
from congress.domain.events.enums import EventStatus
from congress.domain.events.models import Event
from congress.domain.people.models import Person
from congress.domain.programme.models import Session
from congress.domain.registration.enums import ParticipantCategory, ParticipantStatus
from congress.domain.registration.models import Delegation, Participant
from congress.settings import Settings

DELEGATIONS, SIZE = 200, 50


async def _build(settings: Settings) -> tuple[str, str, int, list[tuple[int, int]]]:
    engine = make_engine(settings, poolclass=NullPool)
    async with AsyncSession(engine, expire_on_commit=False) as db:
        today = dt.date.today()
        event = Event(
            slug="decisions-200",
            name={"en": "Congress of 200 delegations"},
            start_date=today,
            end_date=today,
            languages=["en"],
            status=EventStatus.PUBLISHED,
        )
        db.add(event)
        await db.flush()
        session = Session(
            event_id=event.id,
            title={"en": "Plenary"},
            planned_start=dt.datetime.now(dt.UTC),
            planned_end=dt.datetime.now(dt.UTC) + dt.timedelta(hours=3),
        )
        db.add(session)
        delegation_ids = list(
            (
                await db.execute(
                    insert(Delegation).returning(Delegation.id, sort_by_parameter_order=True),
                    [
                        {"event_id": event.id, "name": {"en": f"Delegation {i:03d}"}}
                        for i in range(DELEGATIONS)
                    ],
                )
            ).scalars()
        )
        await db.flush()
        present: dict[int, int] = dict.fromkeys(delegation_ids, 0)
        for delegation_id in delegation_ids:
            person_ids = list(
                (
                    await db.execute(
                        insert(Person).returning(Person.id, sort_by_parameter_order=True),
                        [
                            {"given_name": {"en": "Delegate"}, "family_name": {"en": f"{i}"}}
                            for i in range(SIZE)
                        ],
                    )
                ).scalars()
            )
            participant_ids = list(
                (
                    await db.execute(
                        insert(Participant).returning(Participant.id, sort_by_parameter_order=True),
                        [
                            {
                                "event_id": event.id,
                                "person_id": person_id,
                                "category": ParticipantCategory.DELEGATE,
                                "status": ParticipantStatus.CHECKED_IN,
                                "delegation_id": delegation_id,
                                "qr_token": f"d{person_id:020d}",
                            }
                            for person_id in person_ids
                        ],
                    )
                ).scalars()
            )
            here = participant_ids[: SIZE * 9 // 10]
            present[delegation_id] = len(here)
            await db.execute(
                insert(Attendance),
                [{"participant_id": pid, "session_id": session.id} for pid in here],
            )
        user = User(email="bench@example.org", name="Bench", role=Role.ORGANIZER, password_hash="x")
        db.add(user)
        await db.flush()
        token = await create_token(db, user, "bench")
        await db.commit()
        return token, event.slug, session.id, sorted(present.items())


def measure(args: argparse.Namespace, settings: Settings) -> None:
    token, slug, session_id, present = asyncio.run(_build(settings))
    port = _free_port()
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    database = "PostgreSQL" if settings.db_url.startswith("postgresql") else "SQLite"
    print(f"database: {database}; load average before: {_load()}")
    api = {"Authorization": f"Bearer {token}"}
    breakdown = [
        {"delegation_id": d, "votes_for": held - 3, "votes_against": 2, "abstaining": 1}
        for d, held in present
    ]
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
        roll = client.post(f"/api/v1/sessions/{session_id}/roll-calls", json={}, headers=api)
        roll.raise_for_status()
        assert roll.json()["quorum_met"], roll.json()
        times = []
        for round_ in range(args.rounds + 2):
            # The first on the plenary (its page is measured below), the others beside it.
            on_session = {"session_id": session_id} if round_ == 0 else {}
            motion = client.post(
                f"/api/v1/events/{slug}/motions",
                json={"title": {"en": f"Resolution {round_}"}, **on_session},
                headers=api,
            )
            motion.raise_for_status()
            body = {
                "method": "roll_call",
                "majority": "two_thirds",
                "breakdown": breakdown,
                "roll_call_id": roll.json()["id"],
            }
            start = time.perf_counter()
            vote = client.post(
                f"/api/v1/motions/{motion.json()['id']}/votes", json=body, headers=api
            )
            elapsed = (time.perf_counter() - start) * 1000
            vote.raise_for_status()
            assert vote.json()["votes_for"] == sum(held - 3 for _, held in present)
            if round_ >= 2:  # the first two warm the connection pool and the caches
                times.append(elapsed)
        times.sort()
        print(
            f"record a roll-call vote of {len(present)} delegations ({SIZE} delegates each):"
            f" median {statistics.median(times):.1f} ms, p95 {_p95(times):.1f} ms"
        )
        url = f"/events/{slug}/sessions/{session_id}"
        client.get(url).raise_for_status()
        pages = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            page = client.get(url)
            pages.append((time.perf_counter() - start) * 1000)
            page.raise_for_status()
        pages.sort()
        print(
            f"session page with its roll-call vote of {len(present)} delegations"
            f" ({len(page.content) // 1024} KiB): median {statistics.median(pages):.1f} ms,"
            f" p95 {_p95(pages):.1f} ms"
        )
        for label, url in (
            ("live quorum figure (JSON)", f"/manage/sessions/{session_id}/decisions/quorum"),
            ("staff decisions screen", f"/manage/sessions/{session_id}/decisions"),
        ):
            if "quorum" not in url:
                client.post(
                    f"/api/v1/events/{slug}/motions",
                    json={"title": {"en": "Open motion"}, "session_id": session_id},
                    headers=api,
                ).raise_for_status()
            client.get(url, headers=api).raise_for_status()
            spent = []
            for _ in range(args.rounds):
                start = time.perf_counter()
                client.get(url, headers=api).raise_for_status()
                spent.append((time.perf_counter() - start) * 1000)
            spent.sort()
            print(f"{label}: median {statistics.median(spent):.1f} ms, p95 {_p95(spent):.1f} ms")
    print(f"load average after: {_load()}")
    server.should_exit = True
    thread.join(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="", help="PostgreSQL server; SQLite if empty")
    parser.add_argument("--rounds", type=int, default=20, help="requests measured of each kind")
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
