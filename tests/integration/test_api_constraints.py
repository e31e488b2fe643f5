"""Constraints and bad input: a clear 4xx naming the field, and the database unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.db.base import Base
from congress.db.conflicts import integrity_conflict
from congress.domain.events.models import Event
from congress.domain.people.models import Person
from congress.domain.programme.models import AgendaItem, PresidiumSeat, SpeechSpeaker
from congress.domain.registration.models import Participant
from tests.integration.api_world import World, build_world

EVENT = "/api/v1/events/peace-congress"


@pytest.fixture
async def world(client: AsyncTestClient[Any], admin: dict[str, str]) -> World:
    return await build_world(client, admin)


async def count(db: AsyncSession, model: type[Base]) -> int:
    db.expire_all()
    return int(await db.scalar(select(func.count()).select_from(model)) or 0)


def fields(response: Any) -> dict[str, str]:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    body = response.json()
    assert body["status"] == response.status_code
    assert body["title"] and body["detail"]
    return {error["field"]: error["message"] for error in body.get("errors", [])}


async def test_one_participant_per_person_per_event(
    world: World, client: AsyncTestClient[Any], admin: dict[str, str], db: AsyncSession
) -> None:
    before = await count(db, Participant)
    response = await client.post(
        f"{EVENT}/participants", json={"person_id": world.ids["adviser"]}, headers=admin
    )
    assert response.status_code == 409
    assert "person_id" in fields(response)
    assert "already" in fields(response)["person_id"]
    assert await count(db, Participant) == before


async def test_one_seat_number_per_presidium(
    world: World, client: AsyncTestClient[Any], admin: dict[str, str], db: AsyncSession
) -> None:
    seats = f"/api/v1/sessions/{world.ids['session']}/presidium-seats"
    before = await count(db, PresidiumSeat)
    taken = await client.post(
        seats, json={"seat_number": 2, "person_id": world.ids["secretary"]}, headers=admin
    )
    assert taken.status_code == 409
    assert "seat_number" in fields(taken)
    twice = await client.post(
        seats, json={"seat_number": 3, "person_id": world.ids["chair"]}, headers=admin
    )
    assert twice.status_code == 409
    assert "person_id" in fields(twice)
    assert await count(db, PresidiumSeat) == before
    moved = await client.patch(
        f"/api/v1/presidium-seats/{world.ids['seat']}", json={"seat_number": 1}, headers=admin
    )
    assert moved.status_code == 200


async def test_unique_slugs(
    world: World, client: AsyncTestClient[Any], admin: dict[str, str], db: AsyncSession
) -> None:
    before = await count(db, Event)
    response = await client.post(
        "/api/v1/events",
        json={
            "slug": "peace-congress",
            "name": {"en": "Copy"},
            "start_date": "2026-01-01",
            "end_date": "2026-01-01",
        },
        headers=admin,
    )
    assert response.status_code == 409
    assert "slug" in fields(response)
    assert await count(db, Event) == before
    tag = await client.post(
        "/api/v1/tags", json={"slug": "opening", "name": {"en": "x"}}, headers=admin
    )
    assert tag.status_code == 409 and "slug" in fields(tag)
    record = await client.post(
        f"{EVENT}/records",
        json={"slug": "opening-ceremony", "headline": {"en": "x"}},
        headers=admin,
    )
    assert record.status_code == 409 and "slug" in fields(record)


async def test_agenda_positions_are_ordered_and_unique(
    world: World, client: AsyncTestClient[Any], admin: dict[str, str], db: AsyncSession
) -> None:
    agenda = f"/api/v1/sessions/{world.ids['session']}/agenda-items"
    before = await count(db, AgendaItem)
    clash = await client.post(agenda, json={"kind": "break", "position": 1}, headers=admin)
    assert clash.status_code == 409
    assert "position" in fields(clash)
    assert await count(db, AgendaItem) == before
    zero = await client.post(agenda, json={"kind": "break", "position": 0}, headers=admin)
    assert zero.status_code == 422 and "position" in fields(zero)
    items = (await client.get(agenda)).json()["items"]
    incomplete = await client.post(
        f"{agenda}/order", json={"item_ids": [items[0]["id"], 99999]}, headers=admin
    )
    assert incomplete.status_code == 409
    assert "item_ids" in fields(incomplete)
    assert [i["position"] for i in (await client.get(agenda)).json()["items"]] == [1, 2, 3, 4]


async def test_validation_names_each_bad_field(
    world: World, client: AsyncTestClient[Any], admin: dict[str, str], db: AsyncSession
) -> None:
    before = await count(db, Event)
    response = await client.post(
        "/api/v1/events",
        json={
            "slug": "Not A Slug",
            "name": {},
            "start_date": "2026-13-01",
            "end_date": "2026-01-01",
            "timezone": "Mars/Olympus",
            "languages": ["en", "en"],
            "unknown": 1,
        },
        headers=admin,
    )
    assert response.status_code == 422
    problems = fields(response)
    assert {"slug", "name", "start_date", "timezone", "languages", "unknown"} <= problems.keys()
    assert "language" in problems["name"]
    assert "Mars/Olympus" in problems["timezone"]
    assert await count(db, Event) == before


async def test_cross_field_rules(
    world: World, client: AsyncTestClient[Any], admin: dict[str, str]
) -> None:
    ends_early = await client.post(
        "/api/v1/events",
        json={
            "slug": "backwards",
            "name": {"en": "B"},
            "start_date": "2026-05-10",
            "end_date": "2026-05-08",
        },
        headers=admin,
    )
    assert ends_early.status_code == 422 and "end_date" in fields(ends_early)
    naive = await client.post(
        f"{EVENT}/sessions",
        json={
            "title": {"en": "x"},
            "planned_start": "2026-05-08T10:00:00",
            "planned_end": "2026-05-08T11:00:00",
        },
        headers=admin,
    )
    assert naive.status_code == 422 and "offset" in fields(naive)["planned_start"]
    patch_backwards = await client.patch(
        f"/api/v1/sessions/{world.ids['session']}",
        json={"planned_end": "2026-05-08T09:00:00+03:00"},
        headers=admin,
    )
    assert patch_backwards.status_code == 422 and "planned_end" in fields(patch_backwards)
    proxy_is_recipient = await client.post(
        f"{EVENT}/gifts",
        json={
            "session_id": world.ids["session"],
            "giver_id": world.ids["chair"],
            "recipient_id": world.ids["ambassador"],
            "received_by_id": world.ids["ambassador"],
            "description": {"en": "x"},
        },
        headers=admin,
    )
    assert proxy_is_recipient.status_code == 422 and "received_by_id" in fields(proxy_is_recipient)
    wrong_position = await client.post(
        f"/api/v1/sessions/{world.ids['session']}/presidium-seats",
        json={
            "seat_number": 5,
            "person_id": world.ids["chair"],
            "position_id": world.ids["adviser_position"],
        },
        headers=admin,
    )
    assert wrong_position.status_code in {409, 422}
    assert "position_id" in fields(wrong_position) or "person_id" in fields(wrong_position)


async def test_unknown_references_are_422(
    world: World, client: AsyncTestClient[Any], admin: dict[str, str], db: AsyncSession
) -> None:
    before = await count(db, Participant)
    response = await client.post(
        f"{EVENT}/participants", json={"person_id": 424242, "organization_id": 777}, headers=admin
    )
    assert response.status_code == 422
    problems = fields(response)
    assert problems["person_id"] == "no person with id 424242"
    assert problems["organization_id"] == "no organization with id 777"
    speech = await client.post(
        f"{EVENT}/speeches",
        json={
            "session_id": world.ids["session"],
            "language": "en",
            "speakers": [{"person_id": 99999}],
        },
        headers=admin,
    )
    assert speech.status_code == 422 and "speakers.0.person_id" in fields(speech)
    assert await count(db, Participant) == before


async def test_delegation_quota(
    world: World, client: AsyncTestClient[Any], admin: dict[str, str], db: AsyncSession
) -> None:
    delegation = world.ids["delegation"]
    second = await client.post(
        f"{EVENT}/participants",
        json={"person_id": world.ids["chair"], "delegation_id": delegation},
        headers=admin,
    )
    assert second.status_code == 201
    before = await count(db, Participant)
    third = await client.post(
        f"{EVENT}/participants",
        json={"person_id": world.ids["blogger"], "delegation_id": delegation},
        headers=admin,
    )
    assert third.status_code == 409
    assert "quota of 2" in fields(third)["delegation_id"]
    assert await count(db, Participant) == before
    cancelled = await client.post(
        f"{EVENT}/participants",
        json={
            "person_id": world.ids["blogger"],
            "delegation_id": delegation,
            "status": "cancelled",
        },
        headers=admin,
    )
    assert cancelled.status_code == 201
    reactivate = await client.patch(
        f"/api/v1/participants/{cancelled.json()['id']}",
        json={"status": "registered"},
        headers=admin,
    )
    assert reactivate.status_code == 409
    shrink = await client.patch(
        f"/api/v1/delegations/{delegation}", json={"quota": 1}, headers=admin
    )
    assert shrink.status_code == 409 and "quota" in fields(shrink)


async def test_referenced_person_cannot_be_deleted(
    world: World, client: AsyncTestClient[Any], admin: dict[str, str], db: AsyncSession
) -> None:
    before = (await count(db, Person), await count(db, SpeechSpeaker))
    response = await client.delete(f"/api/v1/people/{world.ids['adviser']}", headers=admin)
    assert response.status_code == 409
    assert "speech speaker" in response.json()["detail"]
    assert (await count(db, Person), await count(db, SpeechSpeaker)) == before


async def test_not_found_and_bad_requests(
    world: World, client: AsyncTestClient[Any], admin: dict[str, str]
) -> None:
    missing = await client.get("/api/v1/speeches/987654")
    assert missing.status_code == 404 and "987654" in missing.json()["detail"]
    assert (await client.get("/api/v1/events/no-such-event/sessions")).status_code == 404
    assert (await client.patch("/api/v1/people/987654", json={}, headers=admin)).status_code == 404
    broken = await client.post(
        "/api/v1/organizations",
        content=b"{not json",
        headers={**admin, "content-type": "application/json"},
    )
    assert broken.status_code == 400
    assert broken.headers["content-type"].startswith("application/problem+json")
    wrong_type = await client.get("/api/v1/organizations", params={"parent_id": "abc"})
    assert wrong_type.status_code == 400 and "parent_id" in fields(wrong_type)


async def test_database_constraint_races_become_409(world: World, db: AsyncSession) -> None:
    """When two requests pass the checks at once, the database constraint still answers 409."""
    from sqlalchemy.exc import IntegrityError

    db.add(Participant(event_id=world.ids["event"], person_id=world.ids["adviser"]))
    with pytest.raises(IntegrityError) as caught:
        await db.flush()
    conflict = integrity_conflict(caught.value)
    await db.rollback()
    assert conflict.status == 409
    assert [error.field for error in conflict.errors] == ["person_id"]


async def test_anonymous_sees_only_published(
    world: World, client: AsyncTestClient[Any], admin: dict[str, str]
) -> None:
    draft = await client.post(
        "/api/v1/events",
        json={
            "slug": "secret-plans",
            "name": {"en": "Secret"},
            "start_date": "2027-01-01",
            "end_date": "2027-01-01",
        },
        headers=admin,
    )
    assert draft.status_code == 201
    public_slugs = [e["slug"] for e in (await client.get("/api/v1/events")).json()["items"]]
    assert public_slugs == ["peace-congress"]
    assert (await client.get("/api/v1/events/secret-plans")).status_code == 404
    assert (await client.get("/api/v1/events/secret-plans", headers=admin)).status_code == 200
    assert (await client.get("/api/v1/events/secret-plans/sessions")).status_code == 404
    assert (await client.get(f"{EVENT}/participants")).status_code == 401
    assert (await client.get(f"{EVENT}/records")).json()["total"] == 0  # the record is a draft
    assert (await client.get(f"{EVENT}/records", headers=admin)).json()["total"] == 1
    person = (await client.get(f"/api/v1/people/{world.ids['chair']}")).json()
    assert person["email"] is None
    staff_view = (await client.get(f"/api/v1/people/{world.ids['chair']}", headers=admin)).json()
    assert staff_view["email"] == "chair@example.org"


async def test_record_html_is_sanitised(
    world: World, client: AsyncTestClient[Any], admin: dict[str, str]
) -> None:
    response = await client.patch(
        f"/api/v1/records/{world.ids['record']}",
        json={
            "body": {
                "en": '<p onclick="x()">Hi<script>alert(1)</script><img src="file:///etc/passwd"></p>'
            }
        },
        headers=admin,
    )
    body = response.json()["body"]["en"]
    assert "script" not in body and "onclick" not in body
    assert body.startswith("<p>Hi")


async def test_nul_characters_are_refused_by_field(
    client: AsyncTestClient[Any], admin: dict[str, str], db: AsyncSession
) -> None:
    """PostgreSQL cannot store U+0000 in text: a 422 naming the field on both databases, not a
    server error on one of them."""
    from congress.domain.accounts.models import User

    before = await count(db, User)
    response = await client.post(
        "/api/v1/users",
        json={"email": "nul@example.org", "role": "registrar", "name": "Dana\x00Abaev"},
        headers=admin,
    )
    assert response.status_code == 422, response.text
    assert "NUL" in fields(response)["name"]
    translated = await client.post(
        "/api/v1/events",
        json={
            "slug": "nul-event",
            "name": {"en": "A\x00B"},
            "start_date": "2027-01-01",
            "end_date": "2027-01-02",
            "languages": ["en"],
        },
        headers=admin,
    )
    assert translated.status_code == 422, translated.text
    assert any("NUL" in message for message in fields(translated).values())
    assert await count(db, User) == before


@pytest.mark.parametrize(
    "url", ["/search?q=peace%00", "/api/v1/people?q=a%00b", "/manage/people/pick?q=%00"]
)
async def test_nul_characters_in_the_query_are_refused(
    client: AsyncTestClient[Any], admin: dict[str, str], url: str
) -> None:
    """A search for text with U+0000 would fail inside PostgreSQL: refused first, naming the
    parameter, on both databases."""
    response = await client.get(url, headers={**admin, "Accept": "application/json"})
    assert response.status_code == 400, response.text
    assert "NUL" in response.text and "q" in fields(response)
