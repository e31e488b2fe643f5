"""Builds a small but complete event through the JSON API (used by the API tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar.testing import AsyncTestClient


@dataclass
class World:
    client: AsyncTestClient[Any]
    headers: dict[str, str]
    ids: dict[str, int] = field(default_factory=dict)
    event_slug: str = "peace-congress"

    async def post(
        self, path: str, payload: dict[str, Any], key: str | None = None
    ) -> dict[str, Any]:
        response = await self.client.post(path, json=payload, headers=self.headers)
        assert response.status_code == 201, f"{path}: {response.status_code} {response.text}"
        body: dict[str, Any] = response.json()
        if key:
            self.ids[key] = body["id"]
        return body


async def build_world(client: AsyncTestClient[Any], headers: dict[str, str]) -> World:
    world = World(client, headers)
    ids = world.ids
    await world.post(
        "/api/v1/organizations",
        {
            "name": {"en": "International Peace Group", "ru": "Международная группа мира"},
            "kind": "ngo",
        },
        "group",
    )
    await world.post(
        "/api/v1/organizations",
        {"name": {"en": "Embassy of Freedonia"}, "kind": "embassy", "country": "FR"},
        "embassy",
    )
    for key, family, given in [
        ("chair", "Ivanov", "Pyotr"),
        ("adviser", "Meier", "Anna"),
        ("secretary", "Li", "Wei"),
        ("blogger", "Novak", "Jana"),
        ("proxy", "Smith", "John"),
        ("ambassador", "Dupont", "Marc"),
    ]:
        await world.post(
            "/api/v1/people",
            {
                "family_name": {"en": family},
                "given_name": {"en": given},
                "email": f"{key}@example.org",
            },
            key,
        )
    await world.post(
        "/api/v1/positions",
        {
            "person_id": ids["adviser"],
            "organization_id": ids["embassy"],
            "title": {"en": "Adviser"},
        },
        "adviser_position",
    )
    await world.post(
        "/api/v1/venues", {"name": {"en": "Foundation House"}, "city": "Moscow"}, "venue"
    )
    await world.post("/api/v1/rooms", {"venue_id": ids["venue"], "name": {"en": "Hall A"}}, "room")
    await world.post(
        "/api/v1/events",
        {
            "slug": world.event_slug,
            "acronym": "peace26",
            "name": {"en": "Peace Congress", "ru": "Конгресс мира"},
            "start_date": "2026-05-08",
            "end_date": "2026-05-10",
            "timezone": "Europe/Moscow",
            "venue_id": ids["venue"],
            "languages": ["en", "ru"],
            "status": "published",
            "organizer_ids": [ids["group"]],
        },
        "event",
    )
    base = f"/api/v1/events/{world.event_slug}"
    await world.post(
        f"{base}/sessions",
        {
            "title": {"en": "Opening ceremony"},
            "kind": "ceremony",
            "room_id": ids["room"],
            "planned_start": "2026-05-08T10:00:00+03:00",
            "planned_end": "2026-05-08T12:00:00+03:00",
        },
        "session",
    )
    session = f"/api/v1/sessions/{ids['session']}"
    await world.post(
        f"{session}/presidium-seats",
        {"seat_number": 2, "person_id": ids["chair"], "role": "chair"},
        "seat",
    )
    await world.post(
        f"{session}/agenda-items", {"kind": "procedural", "title": {"en": "Opening"}}, "item"
    )
    await world.post(
        f"{base}/speeches",
        {
            "session_id": ids["session"],
            "kind": "address",
            "language": "ru",
            "speakers": [
                {"person_id": ids["adviser"], "position_id": ids["adviser_position"]},
                {"person_id": ids["secretary"], "capacity": {"en": "on behalf of the ambassador"}},
            ],
            "transcript": {"ru": "Дорогие друзья!", "en": "Dear friends!"},
            "transcript_status": {"ru": "original", "en": "translation"},
        },
        "speech",
    )
    await world.post(
        f"{base}/awards",
        {
            "session_id": ids["session"],
            "name": {"en": "Commemorative badge"},
            "recipient_id": ids["blogger"],
            "presenter_id": ids["chair"],
            "citation": {"en": "For reporting on peace"},
        },
        "award",
    )
    await world.post(
        f"{base}/gifts",
        {
            "session_id": ids["session"],
            "giver_id": ids["chair"],
            "recipient_id": ids["ambassador"],
            "received_by_id": ids["proxy"],
            "description": {"en": "A painting"},
        },
        "gift",
    )
    await world.post(
        f"{base}/delegations",
        {
            "name": {"en": "Delegation of Freedonia"},
            "country": "FR",
            "head_id": ids["adviser"],
            "quota": 2,
        },
        "delegation",
    )
    await world.post(
        f"{base}/participants",
        {"person_id": ids["adviser"], "category": "delegate", "delegation_id": ids["delegation"]},
        "participant",
    )
    await world.post(
        f"{session}/attendances",
        {"participant_id": ids["participant"], "state": "present"},
        "attendance",
    )
    await world.post(
        "/api/v1/categories", {"slug": "ceremonies", "name": {"en": "Ceremonies"}}, "category"
    )
    await world.post("/api/v1/tags", {"slug": "opening", "name": {"en": "Opening"}}, "tag")
    await world.post(
        f"{base}/records",
        {
            "slug": "opening-ceremony",
            "session_id": ids["session"],
            "headline": {"en": "The congress opened"},
            "body": {"en": "<p>It began.</p>"},
            "category_id": ids["category"],
            "tag_ids": [ids["tag"]],
        },
        "record",
    )
    await world.post(
        f"{base}/media-items",
        {
            "storage_key": "photos/opening.jpg",
            "filename": "opening.jpg",
            "content_type": "image/jpeg",
            "caption": {"en": "The presidium"},
            "person_ids": [ids["chair"]],
        },
        "media",
    )
    return world
