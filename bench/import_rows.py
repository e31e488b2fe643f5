"""Importing a 10,000-row participant list (Indico's CSV layout), all rows checked first.

.venv/bin/python bench/import_rows.py [--rows 10000] [--database-url postgresql://…]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from checkin_load import _pg  # noqa: E402
from registration_data import make_event, settings_for  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from congress.db.engine import make_engine  # noqa: E402
from congress.domain.accounts.enums import Role  # noqa: E402
from congress.domain.accounts.models import User  # noqa: E402
from congress.domain.events.models import Event  # noqa: E402
from congress.domain.registration.importers import import_participants  # noqa: E402
from congress.domain.registration.models import Participant  # noqa: E402
from congress.settings import Settings  # noqa: E402


def indico_csv(rows: int) -> bytes:
    lines = [
        f"Given{i},Family{i},Organization {i % 300},Delegate,+7 900 {i:07d},person{i}@example.org"
        for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


async def run(settings: Settings, rows: int) -> None:
    slug = await make_event(settings, 0, delegations=5)
    engine = make_engine(settings, poolclass=NullPool)
    content = indico_csv(rows)
    async with AsyncSession(engine, expire_on_commit=False) as db:
        user = User(email=f"r-{uuid.uuid4().hex[:6]}@example.org", role=Role.REGISTRAR)
        db.add(user)
        event = (await db.execute(select(Event).where(Event.slug == slug))).scalars().one()
        await db.commit()
        started = time.perf_counter()
        report = await import_participants(db, user, event, "list.csv", content)
        await db.commit()
        elapsed = time.perf_counter() - started
        stored = await db.scalar(select(func.count()).select_from(Participant))
    await engine.dispose()
    database = "PostgreSQL" if "postgresql" in settings.db_url else "SQLite"
    print(
        f"{database}: imported {report.imported} of {rows} rows ({len(content) // 1024} KiB CSV, "
        f"{report.created_organizations} new organizations) in {elapsed:.2f} s "
        f"({rows / elapsed:.0f} rows/s); {stored} participants stored"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database_url = ""
        if args.database_url:
            name = f"congress_bench_{uuid.uuid4().hex[:8]}"
            asyncio.run(_pg(args.database_url, f'CREATE DATABASE "{name}"'))
            database_url = make_url(args.database_url).set(database=name).render_as_string(False)
        try:
            settings = settings_for(Path(folder), database_url)
            asyncio.run(run(settings, args.rows))
        finally:
            if args.database_url:
                asyncio.run(
                    _pg(args.database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                )


if __name__ == "__main__":
    main()
