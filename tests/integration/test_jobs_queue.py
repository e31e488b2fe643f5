"""Imports as jobs in queue mode, with `congress worker` as a real process on Redis: checked in
the request (a bad row is answered at once and queues nothing), written by the worker (the
request id follows into its JSON logs), once for a double submit; a slow one answers 202 and is
followed through its Location; a worker told to stop finishes its render within the grace
period, or hands its import to another worker, and each job ends done exactly once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.app import create_app
from congress.documents.jobs import PrintJobs, make_queue
from congress.domain.accounts.enums import Role
from congress.domain.accounts.models import AuditEntry
from congress.domain.events.models import Event
from congress.domain.publishing.content import event_version
from congress.domain.registration.importers import IMPORT_ENTITY
from congress.domain.registration.models import Participant
from congress.settings import Settings
from tests.conftest import log_in
from tests.processes import queue_settings, worker
from tests.registration_data import World


def _names(count: int, tag: str) -> bytes:
    """A headered list without e-mails: nothing but the job's key stops it being imported
    twice."""
    rows = [f"Given{tag}{n},Family{tag}{n},guest" for n in range(count)]
    return ("given_name,family_name,category\n" + "\n".join(rows) + "\n").encode()


async def _participants(db: AsyncSession, event_id: int) -> int:
    await db.commit()  # a new snapshot: the worker wrote in another process
    return int(
        await db.scalar(
            select(func.count()).select_from(Participant).where(Participant.event_id == event_id)
        )
        or 0
    )


async def _marks(db: AsyncSession, event_id: int) -> int:
    await db.commit()
    return int(
        await db.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.entity == IMPORT_ENTITY, AuditEntry.entity_id == event_id)
        )
        or 0
    )


@pytest.fixture
def queued(settings: Settings) -> Settings:
    return queue_settings(settings, job_wait_seconds=30.0)


@pytest.fixture
def app(queued: Settings) -> Litestar:
    return create_app(queued)


@pytest.fixture
async def saq(queued: Settings) -> AsyncIterator[Any]:
    """The queue, seen from the test (the app's connections belong to the test client's loop)."""
    queue = make_queue(queued)
    await queue.connect()
    yield queue
    await queue.disconnect()


async def _until(check: Any, seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = await check()
        if value:
            return value
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        await asyncio.sleep(0.05)


async def test_imports_are_checked_here_and_written_by_the_worker_once(
    client: AsyncTestClient[Litestar],
    app: Litestar,
    db: AsyncSession,
    world: World,
    queued: Settings,
    saq: Any,
    tokens: dict[Role, dict[str, str]],
    tmp_path: Path,
) -> None:
    url = f"/api/v1/events/{world.event.slug}/participants/import"
    with worker(queued, tmp_path / "worker.log", CONGRESS_LOG_FORMAT="json") as running:
        # A bad row: 422 naming it, from the request itself; nothing is queued.
        bad = b"given_name,family_name,category\nAnna,,guest\n"
        answer = await client.post(
            url, files={"file": ("list.csv", bad, "text/csv")}, headers=world.registrar_headers
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["field"] == "line 2"
        assert await _unfinished_except_warming(saq) == []

        # A good file, twice: one job, written by the worker, the same answer both times.
        good = _names(3, "a")
        headers = {**world.registrar_headers, "X-Request-ID": "import-request-1"}
        answers = [
            await client.post(url, files={"file": ("list.csv", good, "text/csv")}, headers=headers)
            for _ in range(2)
        ]
        expected = {"layout": "headered", "rows": 3, "imported": 3, "created_organizations": 0}
        for answer in answers:
            assert answer.status_code == 201, answer.text
            assert answer.json() == expected
        assert await _participants(db, world.event.id) == 3
        assert await _marks(db, world.event.id) == 1

        # An event import (JSON) through the worker: a copy of this event.
        export = await client.get(
            f"/events/{world.event.slug}/export.json", headers=tokens[Role.ADMIN]
        )
        assert export.status_code == 200
        organizer = tokens[Role.ORGANIZER]
        imported = [
            await client.post(
                "/api/v1/events/import?copy=true", json=export.json(), headers=organizer
            )
            for _ in range(2)
        ]
        assert [answer.status_code for answer in imported] == [201, 201], imported[1].text
        # Each copy asked for is one of its own (the same file not as a copy is one import).
        assert imported[1].json()["id"] != imported[0].json()["id"]
        await db.commit()
        copies = await db.scalar(
            select(func.count())
            .select_from(Event)
            .where(Event.slug.startswith(f"{world.event.slug}-copy"))
        )
        assert copies == 2
        # A spoilt export is refused by the request, naming the row; nothing is queued.
        spoilt = export.json()
        spoilt["tables"]["event"][0]["slug"] = "Not A Slug!"
        refused = await client.post(
            "/api/v1/events/import?copy=true", json=spoilt, headers=organizer
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"].startswith("event[0].")

        # The worker's log: JSON lines, the import's carrying the id of the request.
        lines = running.wait_for(
            lambda: [
                line
                for line in running.json_lines()
                if line["request_id"] == "import-request-1"
                and "participants_import" in line["message"]
            ],
            10,
            "the import's log line",
        )
        assert "done" in lines[0]["message"], lines
        assert running.terminate() == 0


async def test_a_slow_import_answers_202_and_is_followed_until_done(
    client: AsyncTestClient[Litestar],
    app: Litestar,
    db: AsyncSession,
    world: World,
    queued: Settings,
    tokens: dict[Role, dict[str, str]],
    tmp_path: Path,
) -> None:
    app.state.print_jobs.settings = queued.model_copy(update={"job_wait_seconds": 0.2})
    url = f"/api/v1/events/{world.event.slug}/participants/import"
    answer = await client.post(
        url,
        files={"file": ("list.csv", _names(5, "b"), "text/csv")},
        headers=world.registrar_headers,
    )
    # No worker yet: the file is good, the job waits.
    assert answer.status_code == 202, answer.text
    location = answer.headers["location"]
    assert location.startswith("/api/v1/jobs/participants-import.")
    assert answer.json()["state"] == "running"
    status = await client.get(location, headers=world.registrar_headers)
    assert status.status_code == 200 and status.json()["state"] == "running"
    assert (await client.get(location)).status_code == 401
    assert (await client.get(location, headers=tokens[Role.EDITOR])).status_code == 403
    assert (
        await client.get("/api/v1/jobs/nothing-here", headers=tokens[Role.ADMIN])
    ).status_code == 404
    # The staff page shows the same job's progress.
    await log_in(client, world.registrar.email)
    digest = location.rpartition(".")[2]
    page = await client.get(f"/manage/events/{world.event.slug}/registration/import/{digest}")
    assert page.status_code == 200 and 'id="import-progress"' in page.text

    with worker(queued, tmp_path / "worker.log"):

        async def finished() -> Any:
            found = (await client.get(location, headers=world.registrar_headers)).json()
            return found if found["state"] != "running" else None

        done = await _until(finished, 60, "the import")
    assert done["state"] == "done", done
    assert done["result"]["imported"] == 5
    assert await _participants(db, world.event.id) == 5
    page = await client.get(f"/manage/events/{world.event.slug}/registration/import/{digest}")
    assert page.status_code == 200 and 'id="import-progress"' not in page.text
    assert "5 participants imported" in page.text


async def test_sigterm_lets_a_running_render_finish(
    client: AsyncTestClient[Litestar],
    app: Litestar,
    db: AsyncSession,
    demo: Event,
    queued: Settings,
    saq: Any,
    tmp_path: Path,
) -> None:
    """SIGTERM while the proceedings are laid out, a long grace period: the same worker
    finishes the render, once, then stops."""
    key = PrintJobs.key_for(
        demo.id, f"proceedings-{demo.primary_language}", await event_version(db, demo)
    )
    log = tmp_path / "render.log"
    with worker(queued, log, CONGRESS_WORKER_GRACE_SECONDS="300") as first:
        page = await client.get(f"/events/{demo.slug}/proceedings")
        assert page.status_code == 200
        await _until(lambda: _active(saq, key), 60, "the render to start")
        assert first.terminate(300) == 0
    assert "stopping: 1 jobs running" in first.text()
    render = await saq.job(key)
    assert str(render.status.value) == "complete", render
    assert render.attempts == 1
    assert first.text().count(" done after ") == 1
    pdf = await client.get(f"/events/{demo.slug}/proceedings.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


async def test_sigterm_hands_a_running_import_to_another_worker(
    client: AsyncTestClient[Litestar],
    app: Litestar,
    db: AsyncSession,
    world: World,
    queued: Settings,
    saq: Any,
    tmp_path: Path,
) -> None:
    """SIGTERM while a long import is written, no grace period: the job goes back on the
    queue, a second worker writes it, once."""
    app.state.print_jobs.settings = queued.model_copy(update={"job_wait_seconds": 0.0})
    rows = 20000
    url = f"/api/v1/events/{world.event.slug}/participants/import"
    with worker(queued, tmp_path / "a.log", CONGRESS_WORKER_GRACE_SECONDS="0") as a:
        answer = await client.post(
            url,
            files={"file": ("big.csv", _names(rows, "c"), "text/csv")},
            headers=world.registrar_headers,
        )
        assert answer.status_code == 202, answer.text
        key = answer.headers["location"].rpartition("/")[2]
        await _until(lambda: _active(saq, key), 60, "the import to start")

        async def running() -> bool:  # taken from the queue is not yet running: the worker says
            return (
                f"Processing Job<function: participants_import, queue: {queued.queue_name}"
                in a.text()
            )

        await _until(running, 60, "the worker to run the import")
        assert a.terminate(60) == 0
    assert "stopping: 1 jobs running" in a.text(), a.text()
    assert " requeued after " in a.text()
    back = await saq.job(key)
    assert str(back.status.value) == "queued", back
    assert await _marks(db, world.event.id) == 0  # the cut-short run wrote nothing

    with worker(queued, tmp_path / "b.log") as b:

        async def complete() -> bool:
            found = await saq.job(key)
            return found is not None and str(found.status.value) == "complete"

        await _until(complete, 120, "the second worker to write the import")
        assert " done after " in b.text()
    found = await saq.job(key)
    assert found.attempts == 2
    assert await _participants(db, world.event.id) == rows
    assert await _marks(db, world.event.id) == 1


async def _active(queue: Any, key: str) -> bool:
    found = await queue.job(key)
    return found is not None and str(found.status.value) == "active"


async def _unfinished_except_warming(saq: Any) -> list[str]:
    """The keys of the queue's unfinished jobs but the cache warming's (which any change of
    public data queues, the test's own setup included)."""
    found = await saq.info(jobs=True, limit=1000)
    return [job["key"] for job in found["jobs"] if not job["key"].startswith("warm/")]
