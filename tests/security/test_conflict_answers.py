"""409 answers name the clashing field in words: every unique constraint reachable through the
API, and the database's own refusals (a race that passed the checks), never show constraint
names or SQL."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from congress.db.base import metadata
from congress.domain.crud import integrity_conflict
from congress.domain.events.models import Event
from congress.domain.people.models import Position
from congress.domain.programme.models import AgendaItem
from congress.domain.registration.models import Participant
from tests.integration.api_world import World, build_world

EVENT = "/api/v1/events/peace-congress"
INTERNALS = re.compile(
    r"\b(uq|ck|fk|ix|pk)_|constraint|insert|update \w+ set|select |sqlite|asyncpg|psycopg|"
    r"\w+\.\w+|violates|\[sql",
    re.IGNORECASE,
)
# Tables and columns no API client writes (tokens, sessions, view counters, ticket codes).
INTERNAL = {
    "api_token",
    "staff_session",
    "record_view",
    "view_salt",
    "participant.qr_token",
    "participant.short_code",
}
# Answered elsewhere: a vote recorded twice is a 409 in test_decisions_api.py; a candidate named
# twice is listed once by the election service, so no client reaches that constraint.
ELSEWHERE = {"vote.round", "candidate.person_id"}


@pytest.fixture
async def world(client: AsyncTestClient[Any], admin: dict[str, str]) -> World:
    return await build_world(client, admin)


def clashes(world: World) -> list[tuple[str, str, str, dict[str, Any], str]]:
    """(constraint, method, path, body, field named) for each unique constraint."""
    ids = world.ids
    session = f"/api/v1/sessions/{ids['session']}"
    return [
        ("person.email", "POST", "/api/v1/people",
         {"family_name": {"en": "X"}, "email": "chair@example.org"}, "email"),
        ("user_account.email", "POST", "/api/v1/users",
         {"email": "u@example.org", "role": "editor"}, "email"),
        ("event.slug", "POST", "/api/v1/events",
         {"slug": "peace-congress", "name": {"en": "X"}, "start_date": "2026-01-01",
          "end_date": "2026-01-01"}, "slug"),
        ("presidium_seat.seat_number", "POST", f"{session}/presidium-seats",
         {"seat_number": 2, "person_id": ids["secretary"]}, "seat_number"),
        ("presidium_seat.person_id", "POST", f"{session}/presidium-seats",
         {"seat_number": 5, "person_id": ids["chair"]}, "person_id"),
        ("agenda_item.position", "POST", f"{session}/agenda-items",
         {"kind": "break", "position": 1}, "position"),
        ("speech.agenda_item_id", "POST", f"{EVENT}/speeches",
         {"agenda_item_id": ids["speech_item"], "language": "en",
          "speakers": [{"person_id": ids["chair"]}]}, "agenda_item_id"),
        ("award.agenda_item_id", "POST", f"{EVENT}/awards",
         {"agenda_item_id": ids["award_item"], "name": {"en": "X"}, "recipient_id": ids["chair"]},
         "agenda_item_id"),
        ("gift.agenda_item_id", "POST", f"{EVENT}/gifts",
         {"agenda_item_id": ids["gift_item"], "giver_id": ids["chair"],
          "recipient_id": ids["proxy"], "description": {"en": "X"}}, "agenda_item_id"),
        ("speech_speaker.person_id", "PATCH", f"/api/v1/speeches/{ids['speech']}",
         {"speakers": [{"person_id": ids["chair"]}, {"person_id": ids["chair"]}]}, "speakers"),
        ("participant.person_id", "POST", f"{EVENT}/participants",
         {"person_id": ids["adviser"]}, "person_id"),
        ("participant.badge_number", "POST", f"{EVENT}/participants",
         {"person_id": ids["chair"], "badge_number": "B-1"}, "badge_number"),
        ("attendance.participant_id", "POST", f"{session}/attendances",
         {"participant_id": ids["participant"], "state": "absent"}, "participant_id"),
        ("media_item.storage_key", "POST", f"{EVENT}/media-items",
         {"storage_key": "photos/opening.jpg", "filename": "x.jpg", "content_type": "image/jpeg"},
         "storage_key"),
        ("category.slug", "POST", "/api/v1/categories",
         {"slug": "ceremonies", "name": {"en": "X"}}, "slug"),
        ("tag.slug", "POST", "/api/v1/tags", {"slug": "opening", "name": {"en": "X"}}, "slug"),
        ("record.slug", "POST", f"{EVENT}/records",
         {"slug": "opening-ceremony", "headline": {"en": "X"}}, "slug"),
    ]  # fmt: skip


def unique_constraints() -> set[str]:
    """Every unique constraint of the schema as "table.column" (its last column)."""
    found = set()
    for table in metadata.tables.values():
        groups = [
            [column.name for column in constraint.columns]
            for constraint in table.constraints
            if isinstance(constraint, UniqueConstraint)
        ]
        groups += [[column.name] for column in table.columns if column.unique]
        for names in groups:
            if table.name not in INTERNAL:
                found.add(f"{table.name}.{names[-1]}")
    # Stable identifiers (uid) are made by the server, never sent by a client.
    return {name for name in found - INTERNAL - ELSEWHERE if not name.endswith(".uid")}


async def test_every_unique_constraint_answers_409_in_words(
    world: World, client: AsyncTestClient[Any], admin: dict[str, str], db: AsyncSession
) -> None:
    ids = world.ids
    for key, collection in (("speech", "speeches"), ("award", "awards"), ("gift", "gifts")):
        taken = await client.get(f"/api/v1/{collection}/{ids[key]}")
        ids[f"{key}_item"] = taken.json()["agenda_item_id"]
    await world.post("/api/v1/users", {"email": "u@example.org", "role": "editor"})
    await world.post(f"{EVENT}/participants", {"person_id": ids["blogger"], "badge_number": "B-1"})
    cases = clashes(world)
    covered = {case[0] for case in cases}
    # A unique constraint added to the schema needs a case here.
    assert unique_constraints() <= covered | {"presidium_seat.person_id"}, (
        unique_constraints() - covered
    )
    failures = []
    for constraint, method, path, body, field in cases:
        answer = await client.request(method, path, json=body, headers=admin)
        problem = answer.json()
        named = {error["field"]: error["message"] for error in problem.get("errors", [])}
        texts = [problem.get("detail", ""), *named.values()]
        if answer.status_code not in (409, 422) or field not in named:
            failures.append(f"{constraint}: {answer.status_code} {problem}")
        elif any(INTERNALS.search(text) for text in texts):
            failures.append(f"{constraint}: database internals in {texts}")
        elif (
            answer.status_code == 409
            and field.removesuffix("_id").replace("_", " ") not in (problem["detail"])
        ):
            failures.append(f"{constraint}: the field is not named in words: {problem['detail']}")
    assert not failures, "\n".join(failures)


async def refusal(db: AsyncSession, *rows: Any) -> Any:
    db.add_all(rows)
    with pytest.raises(IntegrityError) as caught:
        await db.flush()
    await db.rollback()
    return integrity_conflict(caught.value)


async def test_database_refusals_are_told_in_words(world: World, db: AsyncSession) -> None:
    """What only the database catches (two requests at once, rules no service checks)."""
    ids = world.ids
    conflicts = {
        "unique": await refusal(db, Participant(event_id=ids["event"], person_id=ids["adviser"])),
        "check": await refusal(
            db,
            Event(
                slug="backwards",
                name={"en": "X"},
                start_date=dt.date(2026, 5, 2),
                end_date=dt.date(2026, 5, 1),
            ),
        ),
        "not null": await refusal(db, Position(person_id=None, title={"en": "Adviser"})),
        "foreign key": await refusal(db, AgendaItem(session_id=10**9, kind="break", position=7)),
    }
    for kind, conflict in conflicts.items():
        texts = [conflict.detail, *(error.message for error in conflict.errors)]
        assert conflict.status == 409, kind
        assert not [text for text in texts if INTERNALS.search(text)], (kind, texts)
    assert [e.field for e in conflicts["unique"].errors] == ["person_id"]
    assert {e.field for e in conflicts["check"].errors} == {"start_date", "end_date"}
    assert "end date" in conflicts["check"].detail
    assert [e.field for e in conflicts["not null"].errors] == ["person_id"]
