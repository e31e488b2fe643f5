"""Every process learns of a change: two `congress serve` processes on PostgreSQL, told through
Redis pub/sub or through PostgreSQL's LISTEN/NOTIFY, and the command line telling them too. A
cached public answer costs no database query; a change nobody announced shows once the
short time-to-live has passed. In queue mode, the worker warms the pages and the proceedings
after a change, and neither server renders them."""

from __future__ import annotations

import asyncio
import io
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from congress.domain.accounts.enums import Role
from congress.domain.events.models import Event
from congress.settings import Settings
from tests.conftest import IS_POSTGRES
from tests.scale.test_several_machines import started

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not IS_POSTGRES, reason="several processes share PostgreSQL"),
]
CONGRESS = Path(sys.executable).with_name("congress")
# Longer than the 1 s a notification may take, so that what shows sooner came by notification.
TTL = 4.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(settings: Settings, data_dir: Path, redis: bool, **more: str) -> dict[str, str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CONGRESS_")},
        "CONGRESS_DATABASE_URL": settings.db_url,
        "CONGRESS_DATA_DIR": str(data_dir),
        "CONGRESS_SECRET_KEY": "change-test-secret",
        "CONGRESS_CACHE_TTL_SECONDS": str(TTL),
        **more,
    }
    if redis:
        env["CONGRESS_REDIS_URL"] = "redis://127.0.0.1:6379/0"
    return env


def serve(stack: ExitStack, env: dict[str, str], log: Path, port: int | None = None) -> str:
    port = port or _free_port()
    server = stack.enter_context(
        started(["serve", "--port", str(port)], env, log, f"http://127.0.0.1:{port}")
    )
    return server.base


def metric(base: str, name: str, **labels: str) -> float:
    """One value of a server's /metrics (0 when it has not been counted yet)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    pattern = re.compile(rf"^{name}(?:{{{re.escape(wanted)}}})? ([0-9.e+]+)$", re.MULTILINE)
    found = pattern.search(httpx.get(f"{base}/metrics", timeout=10).text)
    return float(found.group(1)) if found else 0.0


def until(check: Callable[[], Any], seconds: float, what: str) -> float:
    """Seconds until ``check`` holds (fails after ``seconds``)."""
    started_at = time.monotonic()
    while not check():
        assert time.monotonic() - started_at < seconds, f"waited {seconds} s for {what}"
        time.sleep(0.02)
    return time.monotonic() - started_at


def unannounced_rename(settings: Settings, slug: str, name: str) -> None:
    """Rename the event behind congress's back: an engine not made by congress announces
    nothing (as if the notification were lost)."""

    async def write() -> None:
        engine = create_async_engine(settings.db_url, poolclass=NullPool)
        try:
            async with AsyncSession(engine) as db:
                await db.execute(
                    update(Event)
                    .where(Event.slug == slug)
                    .values(name={"en": name, "ru": name}, updated_at=func.now())
                )
                await db.commit()
        finally:
            await engine.dispose()

    asyncio.run(write())


@pytest.mark.parametrize("through", ["redis", "postgres"])
def test_every_server_learns_of_a_change(
    through: str,
    settings: Settings,
    demo_slug: str,
    tokens: dict[Role, dict[str, str]],
    tmp_path: Path,
) -> None:
    admin = tokens[Role.ADMIN]
    page = f"/events/{demo_slug}"
    with ExitStack() as stack:
        env = {
            name: _env(settings, tmp_path / name, redis=through == "redis")
            for name in ("a", "b", "cli")
        }
        a = serve(stack, env["a"], tmp_path / "a.log")
        b = serve(stack, env["b"], tmp_path / "b.log")

        # A cached answer on B: after the first visit, none asks the database anything.
        assert httpx.get(b + page).status_code == 200
        assert httpx.get(b + f"{page}/schedule.xml").status_code == 200
        assert httpx.get(b + f"{page}/programme").status_code == 200
        for _ in range(3):
            # Unless the time-to-live ran out meanwhile (a slow first render), the 15 answers
            # are served from memory, without a single statement.
            checks = metric(b, "congress_cache_version_checks_total", source="database")
            statements = metric(b, "congress_database_statements_total")
            for _ in range(5):
                for path in (page, f"{page}/schedule.xml", f"{page}/programme"):
                    assert httpx.get(b + path).status_code == 200
            if metric(b, "congress_cache_version_checks_total", source="database") == checks:
                assert metric(b, "congress_database_statements_total") == statements
                break
        else:
            raise AssertionError("the data version was read from the database every time")
        assert metric(b, "congress_cache_version_checks_total", source="memory") >= 15

        # A change made through A is on B within a second (the time-to-live is longer).
        renamed = httpx.patch(
            f"{a}/api/v1/events/{demo_slug}",
            json={"name": {"en": "Renamed through A", "ru": "Переименовано"}},
            headers=admin,
        )
        assert renamed.status_code == 200, renamed.text
        seconds = until(lambda: "Renamed through A" in httpx.get(b + page).text, 1.0, "B")
        print(f"{through}: a change through A seen on B after {seconds * 1000:.0f} ms")

        # A change made by a command (another process, no server) reaches both servers.
        done = subprocess.run(
            [str(CONGRESS), "demo"], env=env["cli"], capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        for base in (a, b):
            seconds = until(
                lambda base=base: "Renamed through A" not in httpx.get(base + page).text,
                1.0,
                f"{base} after `congress demo`",
            )
            print(f"{through}: `congress demo` seen on {base} after {seconds * 1000:.0f} ms")

        # A change nobody announces shows once the time-to-live has run out.
        assert "Lost rename" not in httpx.get(b + page).text
        unannounced_rename(settings, demo_slug, "Lost rename")
        time.sleep(0.5)
        assert "Lost rename" not in httpx.get(b + page).text, "the database was asked"
        until(lambda: "Lost rename" in httpx.get(b + page).text, TTL + 1.5, "the time-to-live")


def test_the_worker_warms_pages_and_proceedings(
    settings: Settings,
    demo_slug: str,
    tokens: dict[Role, dict[str, str]],
    tmp_path: Path,
) -> None:
    admin = tokens[Role.ADMIN]
    page = f"/events/{demo_slug}"
    queue = f"congress-warm-{uuid.uuid4().hex[:8]}"
    # One machine: the servers and the worker share the storage's folder.
    env = _env(
        settings, tmp_path / "data", redis=True, CONGRESS_JOBS="queue", CONGRESS_QUEUE_NAME=queue
    )
    with ExitStack() as stack:
        a = serve(stack, env, tmp_path / "a.log")
        b = serve(stack, env, tmp_path / "b.log")
        stack.enter_context(started(["worker"], env, tmp_path / "w.log"))
        # Visitors ask for the page (on both) and the proceedings (made by the worker).
        for base in (a, b):
            assert httpx.get(base + page).status_code == 200
            assert httpx.get(base + f"{page}/programme?lang=ru").status_code == 200
        first = httpx.get(f"{b}{page}/proceedings.pdf", timeout=30, follow_redirects=False)
        if first.status_code == 303:
            until(
                lambda: httpx.get(f"{a}{page}/proceedings/status").json()["state"] == "done",
                240,
                "the first proceedings",
            )
        assert httpx.get(f"{a}{page}/proceedings.pdf").headers["content-type"] == "application/pdf"
        stored = tmp_path / "data" / "cache" / "print"
        assert len(list(stored.rglob("proceedings-*.pdf"))) == 1
        rendered = {base: metric(base, "congress_cache_answers_total", source="rendered")
                    for base in (a, b)}  # fmt: skip

        renamed = httpx.patch(
            f"{a}/api/v1/events/{demo_slug}",
            json={"name": {"en": "Warmed by the worker", "ru": "Согрето"}},
            headers=admin,
        )
        assert renamed.status_code == 200, renamed.text
        old = next(stored.rglob("proceedings-*.pdf")).name
        until(
            lambda: [p.name for p in stored.rglob("proceedings-*.pdf")] not in ([], [old]),
            240,
            "the worker to make the new proceedings",
        )
        # The first visitor after the change gets the new proceedings at once, from storage.
        started_at = time.monotonic()
        pdf = httpx.get(f"{b}{page}/proceedings.pdf", follow_redirects=False)
        waited = time.monotonic() - started_at
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "Warmed by the worker" in text
        print(f"the first proceedings after a change served in {waited * 1000:.0f} ms")
        # Both servers serve the new page and programme, which neither rendered.
        for base in (a, b):
            assert "Warmed by the worker" in httpx.get(base + page).text
            assert "Согрето" in httpx.get(base + f"{page}/programme?lang=ru").text
            assert (
                metric(base, "congress_cache_answers_total", source="rendered") == rendered[base]
            ), f"{base} rendered a page the worker had warmed"
            assert metric(base, "congress_cache_answers_total", source="shared") >= 2
