"""How long loading (and replacing) the demo event takes.

    .venv/bin/python bench/demo_load.py [ROUNDS]

Uses a fresh SQLite file in a temporary folder, or the database named by CONGRESS_DATABASE_URL
(which must be empty or hold only a previous demo). Prints the time of each load, the first into
an empty database, the others replacing the previous copy.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

from congress.db.engine import make_engine
from congress.db.migrate import upgrade
from congress.demo import load_demo
from congress.settings import Settings


async def measure(settings: Settings, rounds: int) -> list[float]:
    engine = make_engine(settings, poolclass=NullPool)
    timings = []
    try:
        for _ in range(rounds):
            async with AsyncSession(engine, expire_on_commit=False) as db:
                started = time.perf_counter()
                await load_demo(db)
                await db.commit()
                timings.append(time.perf_counter() - started)
    finally:
        await engine.dispose()
    return timings


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder))
        upgrade(settings)
        backend = "SQLite" if settings.is_sqlite else "PostgreSQL"
        timings = asyncio.run(measure(settings, rounds))
    print(f"demo load on {backend}: first {timings[0]:.2f} s", end="")
    if len(timings) > 1:
        rest = timings[1:]
        print(f"; replacing: median {statistics.median(rest):.2f} s, max {max(rest):.2f} s")
    else:
        print()


if __name__ == "__main__":
    main()
