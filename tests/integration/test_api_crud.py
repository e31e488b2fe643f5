"""Every entity's round trip through the JSON API: create, get, update, list, delete."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.accounts.models import AuditEntry
from tests.integration.api_world import World, build_world

Ids = dict[str, int]


@pytest.fixture
async def world(client: AsyncTestClient[Any], admin: dict[str, str]) -> World:
    return await build_world(client, admin)


# (collection path, item path prefix, create payload, update payload, field to check after update)
Payload = Callable[[Ids], dict[str, Any]]
Case = tuple[str, str, Payload, dict[str, Any] | Payload, str]


def same(sent: Any, answered: Any) -> bool:
    """Equal values, comparing timestamps as instants (the API answers in UTC)."""
    if isinstance(sent, str) and "T" in sent:
        return dt.datetime.fromisoformat(sent) == dt.datetime.fromisoformat(answered)
    return bool(sent == answered)


EVENT = "/api/v1/events/peace-congress"
CASES: dict[str, Case] = {
    "organizations": (
        "/api/v1/organizations",
        "/api/v1/organizations",
        lambda ids: {"name": {"en": "Youth League"}, "kind": "youth", "parent_id": ids["group"]},
        {"short_name": "YL"},
        "short_name",
    ),
    "people": (
        "/api/v1/people",
        "/api/v1/people",
        lambda ids: {"family_name": {"en": "Wang", "zh": "王"}, "family_name_first": True},
        {"honorific": {"en": "Dr."}},
        "honorific",
    ),
    "positions": (
        "/api/v1/positions",
        "/api/v1/positions",
        lambda ids: {
            "person_id": ids["chair"],
            "organization_id": ids["group"],
            "title": {"en": "Chairman"},
        },
        {"start_date": "2020-01-01"},
        "start_date",
    ),
    "venues": (
        "/api/v1/venues",
        "/api/v1/venues",
        lambda ids: {"name": {"en": "Hall"}},
        {"capacity": 300},
        "capacity",
    ),
    "rooms": (
        "/api/v1/rooms",
        "/api/v1/rooms",
        lambda ids: {"venue_id": ids["venue"], "name": {"en": "Room B"}},
        {"capacity": 40},
        "capacity",
    ),
    "events": (
        "/api/v1/events",
        "/api/v1/events",
        lambda ids: {
            "slug": "second-congress",
            "name": {"en": "Second"},
            "start_date": "2027-01-01",
            "end_date": "2027-01-02",
        },
        {"status": "published"},
        "status",
    ),
    "sessions": (
        f"{EVENT}/sessions",
        "/api/v1/sessions",
        lambda ids: {
            "title": {"en": "Round table"},
            "kind": "round_table",
            "planned_start": "2026-05-09T10:00:00+03:00",
            "planned_end": "2026-05-09T12:00:00+03:00",
        },
        {"actual_start": "2026-05-09T10:05:00+03:00"},
        "actual_start",
    ),
    "presidium-seats": (
        "/api/v1/sessions/{session}/presidium-seats",
        "/api/v1/presidium-seats",
        lambda ids: {
            "seat_number": 1,
            "person_id": ids["adviser"],
            "position_id": ids["adviser_position"],
        },
        {"role": "guest_of_honour"},
        "role",
    ),
    "agenda-items": (
        "/api/v1/sessions/{session}/agenda-items",
        "/api/v1/agenda-items",
        lambda ids: {"kind": "performance", "title": {"en": "Choir"}},
        {"notes": "ten minutes"},
        "notes",
    ),
    "speeches": (
        f"{EVENT}/speeches",
        "/api/v1/speeches",
        lambda ids: {
            "session_id": ids["session"],
            "language": "en",
            "speakers": [{"person_id": ids["chair"]}],
        },
        {"transcript": {"en": "Thank you."}},
        "transcript",
    ),
    "awards": (
        f"{EVENT}/awards",
        "/api/v1/awards",
        lambda ids: {
            "session_id": ids["session"],
            "name": {"en": "Medal"},
            "recipient_id": ids["chair"],
        },
        {"kind": "medal"},
        "kind",
    ),
    "gifts": (
        f"{EVENT}/gifts",
        "/api/v1/gifts",
        lambda ids: {
            "session_id": ids["session"],
            "giver_id": ids["adviser"],
            "recipient_id": ids["chair"],
            "description": {"en": "A book"},
        },
        lambda ids: {"received_by_id": ids["proxy"]},
        "received_by_id",
    ),
    "delegations": (
        f"{EVENT}/delegations",
        "/api/v1/delegations",
        lambda ids: {"name": {"en": "Press"}},
        {"quota": 5},
        "quota",
    ),
    "participants": (
        f"{EVENT}/participants",
        "/api/v1/participants",
        lambda ids: {"person_id": ids["blogger"], "category": "observer"},
        {"status": "accredited"},
        "status",
    ),
    "attendances": (
        "/api/v1/sessions/{session}/attendances",
        "/api/v1/attendances",
        lambda ids: {"participant_id": ids["participant2"], "state": "excused"},
        {"state": "absent"},
        "state",
    ),
    "media-items": (
        f"{EVENT}/media-items",
        "/api/v1/media-items",
        lambda ids: {
            "storage_key": "photos/b.jpg",
            "filename": "b.jpg",
            "content_type": "image/jpeg",
        },
        {"credit": "Photo: A. Lens"},
        "credit",
    ),
    "categories": (
        "/api/v1/categories",
        "/api/v1/categories",
        lambda ids: {"slug": "speeches", "name": {"en": "Speeches"}},
        {"name": {"en": "Speeches", "de": "Reden"}},
        "name",
    ),
    "tags": (
        "/api/v1/tags",
        "/api/v1/tags",
        lambda ids: {"slug": "peace", "name": {"en": "Peace"}},
        {"name": {"en": "Peace", "ru": "Мир"}},
        "name",
    ),
    "records": (
        f"{EVENT}/records",
        "/api/v1/records",
        lambda ids: {"slug": "day-one", "headline": {"en": "Day one"}},
        {"status": "review"},
        "status",
    ),
    "users": (
        "/api/v1/users",
        "/api/v1/users",
        lambda ids: {
            "email": "New.Editor@Example.org",
            "role": "editor",
            "password": "long enough pw",
        },
        {"role": "organizer"},
        "role",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
async def test_round_trip(
    name: str, world: World, client: AsyncTestClient[Any], admin: dict[str, str], db: AsyncSession
) -> None:
    ids = world.ids
    # A second participant for the attendance case (the first one already has an attendance).
    second = await world.post(f"{EVENT}/participants", {"person_id": ids["secretary"]})
    ids["participant2"] = second["id"]
    collection, item_prefix, create, update, check = CASES[name]
    collection = collection.format(session=ids["session"])
    if callable(update):
        update = update(ids)

    created = await client.post(collection, json=create(ids), headers=admin)
    assert created.status_code == 201, created.text
    item = created.json()
    item_path = f"{item_prefix}/{item['id']}"

    fetched = await client.get(item_path, headers=admin)
    assert fetched.status_code == 200
    assert fetched.json() == item

    changed = await client.patch(item_path, json=update, headers=admin)
    assert changed.status_code == 200, changed.text
    assert same(update[check], changed.json()[check])

    listed = await client.get(collection, params={"limit": 500}, headers=admin)
    assert listed.status_code == 200
    page = listed.json()
    assert {"items", "total", "limit", "offset"} <= page.keys()
    assert item["id"] in [entry["id"] for entry in page["items"]]

    audit_count = await db.scalar(select(func.count()).select_from(AuditEntry))
    deleted = await client.delete(item_path, headers=admin)
    assert deleted.status_code == 204, deleted.text
    assert (await client.get(item_path, headers=admin)).status_code == 404
    assert await db.scalar(select(func.count()).select_from(AuditEntry)) == (audit_count or 0) + 1


async def test_update_keeps_unsent_fields(
    world: World, client: AsyncTestClient[Any], admin: dict[str, str]
) -> None:
    path = f"/api/v1/events/{world.event_slug}"
    before = (await client.get(path)).json()
    response = await client.patch(path, json={"series": "Peace congresses"}, headers=admin)
    assert response.status_code == 200
    after = response.json()
    assert after["series"] == "Peace congresses"
    assert {k: v for k, v in after.items() if k not in {"series", "updated_at"}} == {
        k: v for k, v in before.items() if k not in {"series", "updated_at"}
    }


async def test_event_by_id_or_slug(world: World, client: AsyncTestClient[Any]) -> None:
    by_slug = await client.get(f"/api/v1/events/{world.event_slug}/sessions")
    by_id = await client.get(f"/api/v1/events/{world.ids['event']}/sessions")
    assert by_slug.status_code == by_id.status_code == 200
    assert by_slug.json() == by_id.json()
    assert by_slug.json()["total"] == 1


async def test_pagination_and_filters(
    world: World, client: AsyncTestClient[Any], admin: dict[str, str]
) -> None:
    for number in range(5):
        await world.post(
            "/api/v1/organizations", {"name": {"en": f"Club {number}"}, "kind": "club"}
        )
    # Staff: these clubs are named by nothing published, so visitors do not see them.
    page = (
        await client.get(
            "/api/v1/organizations",
            params={"kind": "club", "limit": 2, "offset": 2},
            headers=admin,
        )
    ).json()
    assert page["total"] == 5
    assert page["limit"] == 2 and page["offset"] == 2
    assert [item["name"]["en"] for item in page["items"]] == ["Club 2", "Club 3"]
    beyond = (
        await client.get(
            "/api/v1/organizations", params={"kind": "club", "offset": 50}, headers=admin
        )
    ).json()
    assert beyond["items"] == [] and beyond["total"] == 5
    too_big = await client.get("/api/v1/organizations", params={"limit": 5000})
    assert too_big.status_code == 400
    assert too_big.json()["errors"][0]["field"] == "limit"


async def test_speech_lists_by_session_and_event(
    world: World, client: AsyncTestClient[Any]
) -> None:
    ids = world.ids
    speeches = (await client.get(f"/api/v1/events/{world.event_slug}/speeches")).json()
    assert speeches["total"] == 1
    speech = speeches["items"][0]
    assert [s["person_id"] for s in speech["speakers"]] == [ids["adviser"], ids["secretary"]]
    assert speech["speakers"][1]["capacity"] == {"en": "on behalf of the ambassador"}
    by_session = await client.get(
        f"/api/v1/events/{world.event_slug}/speeches", params={"session_id": ids["session"] + 99}
    )
    assert by_session.json()["total"] == 0
    gift = (await client.get(f"/api/v1/gifts/{ids['gift']}")).json()
    assert gift["by_proxy"] is True and gift["received_by_id"] == ids["proxy"]


async def test_agenda_reorder(
    world: World, client: AsyncTestClient[Any], admin: dict[str, str]
) -> None:
    session = world.ids["session"]
    items = (await client.get(f"/api/v1/sessions/{session}/agenda-items")).json()["items"]
    assert [item["position"] for item in items] == [1, 2, 3, 4]
    reversed_ids = [item["id"] for item in reversed(items)]
    response = await client.post(
        f"/api/v1/sessions/{session}/agenda-items/order",
        json={"item_ids": reversed_ids},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    after = (await client.get(f"/api/v1/sessions/{session}/agenda-items")).json()["items"]
    assert [item["id"] for item in after] == reversed_ids
    assert [item["position"] for item in after] == [1, 2, 3, 4]


async def test_writes_are_audited(
    world: World, client: AsyncTestClient[Any], admin: dict[str, str]
) -> None:
    await client.patch(
        f"/api/v1/people/{world.ids['chair']}", json={"country": "RU"}, headers=admin
    )
    history = (
        await client.get(
            "/api/v1/audit-entries",
            params={"entity": "person", "entity_id": world.ids["chair"], "limit": 10},
            headers=admin,
        )
    ).json()["items"]
    assert [entry["action"] for entry in history] == ["create", "update"]
    assert history[1]["before"]["country"] is None and history[1]["after"]["country"] == "RU"
    event_history = (
        await client.get(
            "/api/v1/audit-entries",
            params={"event_id": world.ids["event"], "limit": 500},
            headers=admin,
        )
    ).json()
    assert {entry["entity"] for entry in event_history["items"]} >= {
        "event",
        "session",
        "speech",
        "participant",
    }


async def test_roles_and_tokens(
    world: World, client: AsyncTestClient[Any], tokens: dict[Role, dict[str, str]]
) -> None:
    payload = {"name": {"en": "Choir"}}
    assert (await client.post("/api/v1/organizations", json=payload)).status_code == 401
    bad = await client.post(
        "/api/v1/organizations", json=payload, headers={"Authorization": "Bearer nope"}
    )
    assert bad.status_code == 401 and bad.headers["www-authenticate"].startswith("Bearer")
    refused = await client.post("/api/v1/organizations", json=payload, headers=tokens[Role.EDITOR])
    assert refused.status_code == 403
    assert "organizer" in refused.json()["detail"]
    assert (
        await client.post("/api/v1/organizations", json=payload, headers=tokens[Role.REGISTRAR])
    ).status_code == 201
    session_payload = {
        "title": {"en": "Extra"},
        "planned_start": "2026-05-09T10:00:00+03:00",
        "planned_end": "2026-05-09T11:00:00+03:00",
    }
    sessions = f"/api/v1/events/{world.event_slug}/sessions"
    assert (
        await client.post(sessions, json=session_payload, headers=tokens[Role.REGISTRAR])
    ).status_code == 403
    assert (
        await client.post(sessions, json=session_payload, headers=tokens[Role.ORGANIZER])
    ).status_code == 201
    assert (await client.get("/api/v1/users", headers=tokens[Role.ORGANIZER])).status_code == 403
    assert (await client.get("/api/v1/users", headers=tokens[Role.ADMIN])).status_code == 200
