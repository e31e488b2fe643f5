"""Delegations from the organizer's event pages: head, quota, members."""

from __future__ import annotations

import datetime as dt

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.events.models import Event
from congress.domain.people.models import Organization, Person
from congress.domain.registration.enums import ParticipantCategory, ParticipantStatus
from congress.domain.registration.models import Delegation, Participant
from tests.conftest import log_in, make_staff, post_form

HTML = {"accept": "text/html"}


async def setup(db: AsyncSession) -> dict[str, int]:
    event = Event(
        slug="congress",
        name={"en": "Congress"},
        start_date=dt.date(2026, 5, 8),
        end_date=dt.date(2026, 5, 8),
        languages=["en", "zh"],
    )
    org = Organization(name={"en": "Friendship Society"})
    people = {
        key: Person(given_name={"en": given}, family_name={"en": family})
        for key, given, family in (
            ("li", "Wei", "Li"),
            ("wang", "Fang", "Wang"),
            ("zhang", "Min", "Zhang"),
        )
    }
    db.add_all([event, org, *people.values()])
    await db.commit()
    # Wang is a participant already (a guest, without a delegation).
    db.add(Participant(event_id=event.id, person_id=people["wang"].id))
    await db.commit()
    return {"event": event.id, "org": org.id, **{k: p.id for k, p in people.items()}}


async def as_role(client: AsyncTestClient, db: AsyncSession, role: Role) -> None:
    user, _ = await make_staff(db, role)
    await log_in(client, user.email)


async def test_delegation_with_head_quota_and_members(
    client: AsyncTestClient, db: AsyncSession
) -> None:
    ids = await setup(db)
    await as_role(client, db, Role.ORGANIZER)
    event_page = await client.get("/manage/events/congress", headers=HTML)
    assert 'href="/manage/events/congress/delegations"' in event_page.text
    empty = await client.get("/manage/events/congress/delegations", headers=HTML)
    assert empty.status_code == 200 and "No delegations yet." in empty.text

    bad = await post_form(
        client,
        "/manage/events/congress/delegations",
        {"name.en": "", "name.zh": "中国代表团", "country": "China", "quota": "-1"},
    )
    assert bad.status_code == 422
    assert 'id="country-error"' in bad.text and 'id="quota-error"' in bad.text
    assert 'value="中国代表团"' in bad.text and 'value="China"' in bad.text

    created = await post_form(
        client,
        "/manage/events/congress/delegations",
        {
            "name.en": "Chinese delegation",
            "organization_id": ids["org"],
            "country": "CN",
            "head_id__q": "Li",
            "quota": "2",
        },
    )
    assert created.status_code == 303, created.text
    page_url = created.headers["location"]
    delegation = await db.scalar(select(Delegation))
    assert delegation is not None
    assert (delegation.head_id, delegation.quota, delegation.organization_id) == (
        ids["li"],
        2,
        ids["org"],
    )
    page = await client.get(page_url, headers=HTML)
    assert "headed by Wei Li" in page.text
    assert 'name="head_id__q" value="Wei Li"' in page.text

    # Li becomes a participant; Wang, already one, moves into the delegation.
    members = f"{page_url}/members"
    for typed in ("Li", "Wang"):
        added = await post_form(client, members, {"person_id__q": typed, "category": "delegate"})
        assert added.status_code == 303, added.text
    rows = (
        await db.execute(
            select(Participant.person_id, Participant.category, Participant.delegation_id)
        )
    ).all()
    assert sorted(rows) == sorted(
        [
            (ids["li"], ParticipantCategory.DELEGATE, delegation.id),
            (ids["wang"], ParticipantCategory.GUEST, delegation.id),
        ]
    )

    # The quota is the service's: a third member is refused beside the field.
    full = await post_form(client, members, {"person_id__q": "Zhang", "category": "delegate"})
    assert full.status_code == 422
    assert 'id="person_id-error">The delegation Chinese delegation has reached its quota of 2' in (
        full.text
    )
    assert 'value="Min Zhang"' in full.text
    shrink = await post_form(client, page_url, {"name.en": "Chinese delegation", "quota": "1"})
    assert shrink.status_code == 422
    assert 'id="quota-error">The delegation already has 2 active members' in shrink.text

    # Taking somebody off frees the place.
    wang = await db.scalar(select(Participant).where(Participant.person_id == ids["wang"]))
    assert wang is not None
    removed = await post_form(client, f"{members}/{wang.id}/remove", {})
    assert removed.status_code == 303
    assert (
        await post_form(client, members, {"person_id__q": "Zhang", "category": "observer"})
    ).status_code == 303
    listing = await client.get("/manage/events/congress/delegations", headers=HTML)
    assert "Chinese delegation" in listing.text and "2 of 2" in listing.text


async def test_delegation_delete_keeps_the_participants(
    client: AsyncTestClient, db: AsyncSession
) -> None:
    ids = await setup(db)
    delegation = Delegation(event_id=ids["event"], name={"en": "Guests"})
    db.add(delegation)
    await db.flush()
    await db.execute(
        Participant.__table__.update().values(delegation_id=delegation.id)  # type: ignore[attr-defined]
    )
    await db.commit()
    await as_role(client, db, Role.REGISTRAR)
    confirm = await client.get(f"/manage/delegations/{delegation.id}/delete", headers=HTML)
    assert confirm.status_code == 200
    assert "the 1 member stays a participant of the event" in confirm.text
    deleted = await post_form(client, f"/manage/delegations/{delegation.id}/delete", {})
    assert deleted.status_code == 303
    assert await db.scalar(select(func.count()).select_from(Delegation)) == 0
    status = await db.scalar(select(Participant.status))
    assert status is ParticipantStatus.REGISTERED


async def test_delegation_pages_are_refused_to_editors(
    client: AsyncTestClient, db: AsyncSession
) -> None:
    ids = await setup(db)
    delegation = Delegation(event_id=ids["event"], name={"en": "Guests"})
    db.add(delegation)
    await db.commit()
    anonymous = await client.get(
        "/manage/events/congress/delegations", headers=HTML, follow_redirects=False
    )
    assert anonymous.status_code == 303
    await as_role(client, db, Role.EDITOR)
    for path in (
        "/manage/events/congress/delegations",
        f"/manage/delegations/{delegation.id}",
        f"/manage/delegations/{delegation.id}/delete",
    ):
        assert (await client.get(path, headers=HTML)).status_code == 403, path
    refused = await post_form(
        client, f"/manage/delegations/{delegation.id}/members", {"person_id": ids["li"]}
    )
    assert refused.status_code == 403
