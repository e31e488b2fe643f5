from __future__ import annotations

from litestar.testing import AsyncTestClient


async def test_health(client: AsyncTestClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_event_create_and_list(client: AsyncTestClient, admin: dict[str, str]) -> None:
    payload = {
        "slug": "world-congress",
        "name": {"en": "World Congress", "ru": "Всемирный конгресс"},
        "start_date": "2026-05-08",
        "end_date": "2026-05-10",
        "timezone": "Europe/Moscow",
        "languages": ["ru", "en"],
        "status": "published",
    }
    created = await client.post("/api/v1/events", json=payload, headers=admin)
    assert created.status_code == 201, created.text
    listed = await client.get("/api/v1/events")
    assert listed.json()["total"] == 1
    assert listed.json()["items"][0]["slug"] == "world-congress"
