"""Anonymous API clients see a person (and an organization, a position) only through something
published that names them: never somebody who registered without consenting to publication, nor
somebody linked only to a draft event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.demo import DEMO_SLUG, load_demo
from congress.domain.accounts.enums import Role
from congress.domain.events.enums import EventStatus
from congress.domain.events.models import Event
from congress.domain.people.models import Organization, Person, Position
from congress.domain.programme.models import PresidiumSeat, Session
from congress.domain.registration.enums import LISTED_STATUSES
from congress.domain.registration.models import Participant
from tests.conftest import post_form
from tests.registration_data import make_event


async def every_item(
    client: AsyncTestClient, path: str, headers: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        page = await client.get(path, params={"limit": 500, "offset": len(items)}, headers=headers)
        assert page.status_code == 200, page.text
        body = page.json()
        items += body["items"]
        if len(items) >= body["total"]:
            return items


async def named_publicly(client: AsyncTestClient) -> set[int]:
    """Who the public API and the published lists name, read as a visitor reads them."""
    named: set[int] = set()
    base = f"/api/v1/events/{DEMO_SLUG}"
    for session in await every_item(client, f"{base}/sessions"):
        seats = await every_item(client, f"/api/v1/sessions/{session['id']}/presidium-seats")
        named |= {seat["person_id"] for seat in seats}
    for speech in await every_item(client, f"{base}/speeches"):
        named |= {speaker["person_id"] for speaker in speech["speakers"]}
    for award in await every_item(client, f"{base}/awards"):
        named |= {award["recipient_id"], award["presenter_id"]}
    for gift in await every_item(client, f"{base}/gifts"):
        named |= {gift["giver_id"], gift["recipient_id"], gift["received_by_id"]}
    for delegation in await every_item(client, f"{base}/delegations"):
        named.add(delegation["head_id"])
    for item in await every_item(client, f"{base}/media-items"):
        named |= set(item["person_ids"])
    return named - {None}  # type: ignore[arg-type]


async def test_demo_people_anonymous_and_staff(
    client: AsyncTestClient, db: AsyncSession, tokens: dict[Role, dict[str, str]]
) -> None:
    await load_demo(db)
    await db.commit()
    event_id = await db.scalar(select(Event.id).where(Event.slug == DEMO_SLUG))
    consenting = set(
        await db.scalars(
            select(Participant.person_id).where(
                Participant.event_id == event_id,
                Participant.consent_publication.is_(True),
                Participant.status.in_(LISTED_STATUSES),
            )
        )
    )
    refused = set(
        await db.scalars(
            select(Participant.person_id).where(Participant.consent_publication.is_(False))
        )
    )
    expected = await named_publicly(client) | consenting
    everybody = set(await db.scalars(select(Person.id)))

    seen = {item["id"] for item in await every_item(client, "/api/v1/people")}
    assert seen == expected
    hidden = (refused - expected) or everybody - expected
    assert hidden, "the demo has people without consent that nothing else names"
    assert all(item["email"] is None for item in await every_item(client, "/api/v1/people"))
    staff = tokens[Role.REGISTRAR]
    assert {item["id"] for item in await every_item(client, "/api/v1/people", staff)} == everybody

    for person_id in sorted(hidden)[:5]:
        assert (await client.get(f"/api/v1/people/{person_id}")).status_code == 404
        found = await client.get(f"/api/v1/people/{person_id}", headers=staff)
        assert found.status_code == 200 and found.json()["id"] == person_id
        positions = await client.get("/api/v1/positions", params={"person_id": person_id})
        assert positions.json()["total"] == 0
    visible = sorted(expected)[0]
    shown = await client.get(f"/api/v1/people/{visible}")
    assert shown.status_code == 200 and shown.json()["email"] is None

    positions = await every_item(client, "/api/v1/positions")
    assert {position["person_id"] for position in positions} <= expected
    organizations = {item["id"] for item in await every_item(client, "/api/v1/organizations")}
    all_organizations = set(await db.scalars(select(Organization.id)))
    assert organizations and organizations < all_organizations
    for organization in sorted(all_organizations - organizations)[:3]:
        assert (await client.get(f"/api/v1/organizations/{organization}")).status_code == 404
        found = await client.get(f"/api/v1/organizations/{organization}", headers=staff)
        assert found.status_code == 200


async def test_draft_event_and_refused_consent_stay_hidden(
    client: AsyncTestClient, db: AsyncSession, tokens: dict[Role, dict[str, str]]
) -> None:
    published = await make_event(db, "open-congress")
    draft = await make_event(db, "draft-congress", status=EventStatus.DRAFT)
    body = Organization(name={"en": "Secret Committee"})
    group = Organization(name={"en": "Secret Group"})
    db.add_all([body, group])
    await db.flush()
    body.parent_id = group.id
    chair = Person(family_name={"en": "Hidden"}, email="hidden@example.org")
    db.add(chair)
    await db.flush()
    position = Position(person_id=chair.id, organization_id=body.id, title={"en": "Chair"})
    session = Session(
        event_id=draft.id,
        title={"en": "Closed sitting"},
        planned_start=dt.datetime.combine(draft.start_date, dt.time(10), dt.UTC),
        planned_end=dt.datetime.combine(draft.start_date, dt.time(12), dt.UTC),
    )
    db.add_all([position, session])
    await db.flush()
    db.add(PresidiumSeat(session_id=session.id, person_id=chair.id, seat_number=1))
    db.add(Participant(event_id=draft.id, person_id=chair.id, consent_publication=True))
    await db.commit()

    # A visitor registers for the published event without consenting to publication.
    answer = await post_form(
        client,
        f"/events/{published.slug}/register",
        {
            "family_name": "Quiet",
            "email": "quiet@example.org",
            "organization": "Quiet Society",
            "position": "Member",
            "category": "guest",
        },
    )
    assert answer.status_code == 303, answer.text
    client.cookies.clear()
    quiet = await db.scalar(select(Person.id).where(Person.email == "quiet@example.org"))
    quiet_body = await db.scalar(
        select(Organization.id).where(Organization.name["en"].as_string() == "Quiet Society")
    )
    staff = tokens[Role.ORGANIZER]
    for path in [
        f"/api/v1/people/{chair.id}",
        f"/api/v1/people/{quiet}",
        f"/api/v1/positions/{position.id}",
        f"/api/v1/organizations/{body.id}",
        f"/api/v1/organizations/{group.id}",
        f"/api/v1/organizations/{quiet_body}",
    ]:
        assert (await client.get(path)).status_code == 404, path
        assert (await client.get(path, headers=staff)).status_code == 200, path
    for path in ["/api/v1/people", "/api/v1/organizations", "/api/v1/positions"]:
        assert (await client.get(path)).json()["total"] == 0, path
        assert (await client.get(path, headers=staff)).json()["total"] >= 2, path

    # Once the event is published, its presidium names the chair, their body and its group.
    draft_event = await db.get(Event, draft.id)
    assert draft_event is not None
    draft_event.status = EventStatus.PUBLISHED
    await db.commit()
    for path in [
        f"/api/v1/people/{chair.id}",
        f"/api/v1/positions/{position.id}",
        f"/api/v1/organizations/{body.id}",
        f"/api/v1/organizations/{group.id}",
    ]:
        assert (await client.get(path)).status_code == 200, path
    assert (await client.get(f"/api/v1/people/{quiet}")).status_code == 404
    assert (await client.get(f"/api/v1/organizations/{quiet_body}")).status_code == 404
