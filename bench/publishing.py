"""Response times of the public pages and open formats, over real HTTP.

    .venv/bin/python bench/publishing.py [--database-url postgresql://…] [--rounds 30]

Builds a 306-talk, 3-day, 6-room event (the size of the pretalx reference in issue 6) and a
600-session, 3,000-speech event in a fresh database, serves the app with uvicorn and prints the
median and 95th percentile of each URL. Not a test: it prints figures for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.publishing_data import build_event

from congress.app import create_app
from congress.db.engine import make_engine
from congress.db.migrate import upgrade
from congress.settings import Settings

PRETALX_MS = {"schedule.xml": 150, "schedule.json": 480, "calendar.ics": 230, "programme": 205}
PATHS = ["schedule.xml", "schedule.json", "calendar.ics", "programme", "", "proceedings.akn.xml"]


async def _build(settings: Settings) -> None:
    engine = make_engine(settings, poolclass=NullPool)
    async with AsyncSession(engine, expire_on_commit=False) as db:
        await build_event(
            db, slug="talks-306", sessions=306, speeches_per_session=1, days=3, rooms=6
        )
        await build_event(
            db, slug="large-600", sessions=600, speeches_per_session=5, days=3, rooms=6
        )
    await engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (an empty database)")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    data_dir = Path(tempfile.mkdtemp(prefix="congress-bench-"))
    settings = Settings(data_dir=data_dir, database_url=args.database_url, secret_key="bench")
    upgrade(settings)
    asyncio.run(_build(settings))

    port = _free_port()
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    database = "PostgreSQL" if settings.db_url.startswith("postgresql") else "SQLite"
    print(f"database: {database}; {args.rounds} requests per URL after 3 warm-up requests")
    print(
        f"{'event':<10} {'URL':<22} {'cached med':>10} {'p95':>6} {'uncached med':>12}"
        f" {'bytes':>8} {'pretalx':>8}"
    )
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        for slug in ("talks-306", "large-600"):
            for path in PATHS:
                url = f"/events/{slug}/{path}".rstrip("/")
                for _ in range(3):
                    client.get(url).raise_for_status()
                times = []
                for _ in range(args.rounds):
                    start = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
                    response.raise_for_status()
                times.sort()
                p95 = times[max(0, int(len(times) * 0.95) - 1)]
                # Uncached: the first request after any change to the event renders anew.
                cold = []
                for _ in range(max(3, args.rounds // 5)):
                    if "publishing_cache" in app.state:
                        app.state["publishing_cache"].clear()
                    start = time.perf_counter()
                    client.get(url).raise_for_status()
                    cold.append((time.perf_counter() - start) * 1000)
                reference = PRETALX_MS.get(path, "") if slug == "talks-306" else ""
                print(
                    f"{slug:<10} {path or '(event page)':<22} {statistics.median(times):>10.1f}"
                    f" {p95:>6.1f} {statistics.median(cold):>12.1f}"
                    f" {len(response.content):>8} {reference!s:>8}"
                )
    server.should_exit = True
    thread.join(timeout=10)


if __name__ == "__main__":
    main()
