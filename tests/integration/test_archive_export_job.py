"""The full archive export as a job (local mode): made once per version of the event's data, kept
in the private storage (never under /media), served only to organizers; a slow one answers 202
and is followed through its Location."""

from __future__ import annotations

import asyncio
from pathlib import Path

from litestar import Litestar
from litestar.testing import AsyncTestClient

from congress.domain.accounts.enums import Role
from congress.domain.publishing.archive import read_archive
from congress.settings import Settings
from tests.registration_data import World


def _archives(settings: Settings) -> list[Path]:
    return sorted((settings.data_dir / "private" / "exports").rglob("*.zip"))


async def test_the_archive_is_made_once_per_version_and_served_to_organizers_only(
    client: AsyncTestClient[Litestar],
    app: Litestar,
    world: World,
    settings: Settings,
    tokens: dict[Role, dict[str, str]],
) -> None:
    url = f"/api/v1/events/{world.event.slug}/archive.zip"
    organizer = tokens[Role.ORGANIZER]
    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, headers=tokens[Role.EDITOR])).status_code == 403
    assert (await client.get(url, headers=world.registrar_headers)).status_code == 403

    first = await client.get(url, headers=organizer)
    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "application/zip"
    assert first.headers["cache-control"] == "private, no-store"
    data, _ = read_archive(first.content)
    assert data["event"] == world.event.slug
    assert "participant" in data["tables"]  # the full export
    [stored] = _archives(settings)
    assert not list((settings.data_dir / "media").rglob("*.zip"))
    made = stored.stat().st_mtime_ns
    again = await client.get(url, headers=organizer)
    assert again.content == first.content
    assert _archives(settings) == [stored] and stored.stat().st_mtime_ns == made

    # A change makes a new archive (the old one is removed); slow, it is followed by its job.
    added = await client.post(
        f"/api/v1/events/{world.event.slug}/sessions",
        json={
            "title": {"en": "Closing"},
            "kind": "plenary",
            "planned_start": f"{world.event.start_date}T16:00:00+00:00",
            "planned_end": f"{world.event.start_date}T17:00:00+00:00",
        },
        headers=organizer,
    )
    assert added.status_code == 201, added.text
    app.state.print_jobs.settings = settings.model_copy(update={"job_wait_seconds": 0.0})
    slow = await client.get(url, headers=organizer)
    assert slow.status_code == 202, slow.text
    location = slow.headers["location"]
    assert location.startswith("/api/v1/jobs/event-export.")
    assert (await client.get(location, headers=tokens[Role.EDITOR])).status_code == 403
    for _ in range(200):
        status = (await client.get(location, headers=organizer)).json()
        if status["state"] != "running":
            break
        await asyncio.sleep(0.05)
    assert status["state"] == "done", status
    assert status["result"] == {"file": f"/api/v1/events/{world.event.id}/archive.zip"}
    fresh = await client.get(status["result"]["file"], headers=organizer)
    assert fresh.status_code == 200
    fresh_data, _ = read_archive(fresh.content)
    assert len(fresh_data["tables"]["session"]) == len(data["tables"]["session"]) + 1
    assert len(_archives(settings)) == 1 and _archives(settings) != [stored]


async def test_a_slow_event_import_answers_202_and_its_job_gives_the_event(
    client: AsyncTestClient[Litestar],
    app: Litestar,
    world: World,
    settings: Settings,
    tokens: dict[Role, dict[str, str]],
) -> None:
    organizer = tokens[Role.ORGANIZER]
    export = await client.get(f"/events/{world.event.slug}/export.json", headers=organizer)
    assert export.status_code == 200
    app.state.print_jobs.settings = settings.model_copy(update={"job_wait_seconds": 0.0})
    answer = await client.post(
        "/api/v1/events/import?copy=true", json=export.json(), headers=organizer
    )
    assert answer.status_code == 202, answer.text
    location = answer.headers["location"]
    assert location.startswith("/api/v1/jobs/event-import.") and location.endswith(".copy")
    assert (await client.get(location, headers=world.registrar_headers)).status_code == 403
    for _ in range(200):
        status = (await client.get(location, headers=organizer)).json()
        if status["state"] != "running":
            break
        await asyncio.sleep(0.05)
    assert status["state"] == "done", status
    copy = status["result"]
    assert copy["slug"] == f"{world.event.slug}-copy"
    assert (await client.get(f"/api/v1/events/{copy['slug']}", headers=organizer)).json()[
        "id"
    ] == copy["id"]
    # Sent again: each copy asked for is a copy of its own, its own job.
    again = await client.post(
        "/api/v1/events/import?copy=true", json=export.json(), headers=organizer
    )
    assert again.status_code == 202, again.text
    second = again.headers["location"]
    assert second != location and second.endswith(".copy")
    for _ in range(200):
        status = (await client.get(second, headers=organizer)).json()
        if status["state"] != "running":
            break
        await asyncio.sleep(0.05)
    assert status["state"] == "done", status
    assert status["result"]["slug"] == f"{world.event.slug}-copy-2"
    found = await client.get(f"/api/v1/events/{world.event.slug}-copy-2", headers=organizer)
    assert found.status_code == 200
