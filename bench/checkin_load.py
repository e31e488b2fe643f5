"""Check-ins per second with 50 concurrent clients, beside the trivial JSON endpoint.

    .venv/bin/python bench/checkin_load.py [--database-url postgresql://…] [--seconds 10]

Starts the real server (uvicorn, one worker) on a fresh database with a large event, then runs
wrk (apt-get install wrk) with 50 connections: /api/v1/ping, then check-ins (each request a
different participant, by ticket code, with a registrar's API token), then ping again. Prints
requests per second of each and the ratio check-ins : ping, and checks the database afterwards:
every answered check-in is recorded exactly once (one status change, one audit entry).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from registration_data import make_event, settings_for
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

from congress.db.engine import make_engine
from congress.domain.accounts.enums import Role
from congress.domain.accounts.models import AuditEntry, User
from congress.domain.accounts.services import create_token
from congress.domain.events.models import Event
from congress.domain.registration.enums import ParticipantStatus
from congress.domain.registration.models import Participant
from congress.settings import Settings

HERE = Path(__file__).resolve().parent
CONNECTIONS = 50
THREADS = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def prepare(settings: Settings, participants: int) -> tuple[str, str, list[str]]:
    slug = await make_event(settings, participants, delegations=40)
    engine = make_engine(settings, poolclass=NullPool)
    async with AsyncSession(engine, expire_on_commit=False) as db:
        user = User(email=f"desk-{uuid.uuid4().hex[:6]}@example.org", role=Role.REGISTRAR)
        db.add(user)
        await db.flush()
        token = await create_token(db, user, "bench")
        event_id = await db.scalar(select(Event.id).where(Event.slug == slug))
        tickets = list(
            await db.scalars(
                select(Participant.qr_token)
                .where(Participant.event_id == event_id)
                .order_by(Participant.id)
            )
        )
        await db.commit()
    await engine.dispose()
    return slug, token, tickets


async def verify(settings: Settings, slug: str) -> tuple[int, int]:
    engine = make_engine(settings, poolclass=NullPool)
    async with AsyncSession(engine) as db:
        event_id = await db.scalar(select(Event.id).where(Event.slug == slug))
        checked_in = await db.scalar(
            select(func.count())
            .select_from(Participant)
            .where(Participant.event_id == event_id)
            .where(Participant.status == ParticipantStatus.CHECKED_IN)
        )
        audited = await db.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.event_id == event_id, AuditEntry.entity == "participant")
        )
    await engine.dispose()
    return int(checked_in or 0), int(audited or 0)


def wrk(url: str, seconds: int, *script: str) -> tuple[float, int, int]:
    """(requests per second, requests, non-2xx answers) of one wrk run."""
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", script[0], url, "--", *script[1:]]
    else:
        command.append(url)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, total, int(bad.group(1)) if bad else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="", help="PostgreSQL server; SQLite if empty")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--participants", type=int, default=60_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        database_url = ""
        admin_url = ""
        if args.database_url:
            name = f"congress_bench_{uuid.uuid4().hex[:8]}"
            admin_url = args.database_url
            asyncio.run(_pg(admin_url, f'CREATE DATABASE "{name}"'))
            database_url = make_url(args.database_url).set(database=name).render_as_string(False)
        try:
            settings = settings_for(Path(folder), database_url)
            slug, api_token, tickets = asyncio.run(prepare(settings, args.participants))
            tokens_file = Path(folder, "tokens.txt")
            tokens_file.write_text("\n".join(tickets) + "\n")
            port = free_port()
            env = {
                **os.environ,
                "CONGRESS_DATA_DIR": folder,
                "CONGRESS_DATABASE_URL": database_url,
                "CONGRESS_SECRET_KEY": "bench",
            }
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "--factory",
                    "congress.app:create_app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                    "--no-access-log",
                ],
                env=env,
            )
            try:
                base = f"http://127.0.0.1:{port}"
                deadline = time.monotonic() + 240
                while True:
                    try:
                        if httpx.get(base + "/api/v1/ping").status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    if time.monotonic() > deadline:
                        raise SystemExit("the server did not start")
                    time.sleep(0.2)
                wrk(base + "/api/v1/ping", 2)  # warm-up
                ping, _, _ = wrk(base + "/api/v1/ping", args.seconds)
                rate, total, bad = wrk(
                    base,
                    args.seconds,
                    str(HERE / "checkin.lua"),
                    str(tokens_file),
                    api_token,
                    str(THREADS),
                    slug,
                )
                ping_after, _, _ = wrk(base + "/api/v1/ping", args.seconds)
            finally:
                server.terminate()
                server.wait(timeout=30)
            checked_in, audited = asyncio.run(verify(settings, slug))
        finally:
            if admin_url:
                asyncio.run(_pg(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    database = "PostgreSQL" if args.database_url else "SQLite"
    baseline = (ping + ping_after) / 2
    print(
        f"{database}, {CONNECTIONS} connections, {args.seconds} s each: "
        f"ping {ping:.0f}/{ping_after:.0f} req/s, check-in {rate:.0f} req/s "
        f"({total} answered, {bad} not 2xx) -> ratio {rate / baseline:.0%}; "
        f"database: {checked_in} checked in, {audited} audit entries "
        f"(in flight when wrk stopped: {checked_in - total + bad})"
    )


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


if __name__ == "__main__":
    main()
