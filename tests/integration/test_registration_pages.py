"""The registration pages over HTTP: public form and ticket, staff workspace, desk, PDFs."""

from __future__ import annotations

import datetime as dt
import io
import re

from litestar.testing import AsyncTestClient
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.registration.enums import ParticipantStatus
from congress.domain.registration.models import Participant
from tests.conftest import log_in, make_staff, post_form
from tests.registration_data import NOW, World, make_participant

HTML = {"accept": "text/html"}
VISITOR = {
    "given_name": "Aigerim",
    "family_name": "Nurlanova",
    "email": "aigerim@example.org",
    "organization": "Peace Foundation",
    "category": "guest",
    "consent_publication": "true",
}


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


async def test_public_registration_and_ticket(
    client: AsyncTestClient, db: AsyncSession, world: World
) -> None:
    form = await client.get(f"/events/{world.event.slug}/register")
    assert form.status_code == 200
    assert 'name="consent_publication"' in form.text and 'name="_csrf_token"' in form.text
    answer = await post_form(client, f"/events/{world.event.slug}/register", VISITOR)
    assert answer.status_code == 303, answer.text
    ticket = await client.get(answer.headers["location"])
    assert ticket.status_code == 200
    assert "<svg" in ticket.text and "Aigerim Nurlanova" in ticket.text
    assert ticket.headers["cache-control"] == "no-store"
    token = await db.scalar(select(Participant.qr_token))
    assert token in ticket.text

    again = await post_form(
        client, f"/events/{world.event.slug}/register", {**VISITOR, "given_name": "Aiga"}
    )
    assert again.status_code == 422
    assert "already registered for this event" in again.text
    assert 'value="Aiga"' in again.text  # what was typed stays
    assert await db.scalar(select(func.count()).select_from(Participant)) == 1


async def test_public_registration_bad_input_and_closed(
    client: AsyncTestClient, db: AsyncSession, world: World
) -> None:
    url = f"/events/{world.event.slug}/register"
    bad = await post_form(client, url, {**VISITOR, "email": "not-mail"})
    assert bad.status_code == 422
    assert re.search(r'class="field-error" id="email-error">Enter an e-mail address', bad.text)
    staff_only = await post_form(client, url, {**VISITOR, "category": "staff"})
    assert staff_only.status_code == 422 and 'id="category-error"' in staff_only.text
    world.event.registration_closes_at = NOW - dt.timedelta(minutes=1)
    db.add(world.event)
    await db.commit()
    page = await client.get(url)
    assert "Registration closed on" in page.text and '<form method="post"' not in page.text
    late = await post_form(client, url, VISITOR)
    assert late.status_code == 422 and "Registration closed on" in late.text
    assert await db.scalar(select(func.count()).select_from(Participant)) == 0
    assert (await client.get("/events/no-such-event/register", headers=HTML)).status_code == 404
    unknown_ticket = await client.get(f"/events/{world.event.slug}/tickets/forged", headers=HTML)
    assert unknown_ticket.status_code == 404


async def test_desk_scan_search_and_counts(
    client: AsyncTestClient, db: AsyncSession, world: World
) -> None:
    participant = await make_participant(db, world.event, "Ivanov", "Pyotr")
    await make_participant(db, world.event, "Ivanova", "Maria")
    await db.commit()
    await log_in(client, world.registrar.email)
    desk = f"/desk/{world.event.slug}"
    page = await client.get(desk, headers=HTML)
    assert page.status_code == 200 and "autofocus" in page.text
    scanned = await post_form(client, desk, {"q": participant.qr_token, "session": ""})
    assert scanned.status_code == 200 and "Checked in to the event." in scanned.text
    twice = await post_form(client, desk, {"q": participant.qr_token, "session": ""})
    assert "Already checked in" in twice.text
    unknown = await post_form(client, desk, {"q": "Q" * 24, "session": ""})
    assert "Unknown ticket" in unknown.text
    search = await post_form(client, desk, {"q": "ivanova", "session": str(world.session.id)})
    assert "Maria Ivanova" in search.text and "Pyotr Ivanov" not in search.text
    maria = await db.scalar(select(Participant.id).where(Participant.id != participant.id))
    clicked = await post_form(
        client,
        f"{desk}/check-in",
        {"participant_id": str(maria), "session": str(world.session.id)},
    )
    assert "Checked in to this session." in clicked.text
    counts = await client.get(f"{desk}/counts?session={world.session.id}", headers=HTML)
    assert '<strong class="present-count">1</strong> / 2' in counts.text


async def test_desk_and_workspace_guards(
    client: AsyncTestClient, db: AsyncSession, world: World
) -> None:
    anonymous = await client.get(f"/desk/{world.event.slug}", headers=HTML, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    editor, _ = await make_staff(db, Role.EDITOR)
    await log_in(client, editor.email)
    assert (await client.get(f"/desk/{world.event.slug}", headers=HTML)).status_code == 403
    assert (
        await client.get(f"/manage/events/{world.event.slug}/registration", headers=HTML)
    ).status_code == 403


async def test_staff_add_quota_and_status(
    client: AsyncTestClient, db: AsyncSession, world: World
) -> None:
    for index in range(3):
        await make_participant(db, world.event, f"Member {index}", delegation=world.delegation)
    await db.commit()
    await log_in(client, world.registrar.email)
    base = f"/manage/events/{world.event.slug}/registration"
    listing = await client.get(base, headers=HTML)
    assert listing.status_code == 200 and "Member 0" in listing.text
    new = {
        "given_name": "Erlan",
        "family_name": "Nurlanov",
        "email": "erlan@example.kz",
        "category": "delegate",
        "delegation_id": str(world.delegation.id),
        "status": "registered",
    }
    over = await post_form(client, f"{base}/new", new)
    assert over.status_code == 422
    assert "quota of 3" in over.text and 'id="delegation_id-error"' in over.text
    assert 'value="Erlan"' in over.text
    created = await post_form(client, f"{base}/new", {**new, "delegation_id": ""})
    assert created.status_code == 303, created.text
    page = await client.get(created.headers["location"], headers=HTML)
    assert "Accredit" in page.text
    participant_url = created.headers["location"]
    accredited = await post_form(client, f"{participant_url}/status", {"status": "accredited"})
    assert accredited.status_code == 303
    erlan = (
        await db.execute(select(Participant).where(Participant.category == "delegate"))
    ).scalar_one()
    assert erlan.status is ParticipantStatus.ACCREDITED and erlan.badge_number == "0001"
    refused = await post_form(client, f"{participant_url}/status", {"status": "invited"})
    assert refused.status_code == 409 and "cannot become invited" in refused.text


async def test_staff_import_page_report(
    client: AsyncTestClient, db: AsyncSession, world: World
) -> None:
    await log_in(client, world.registrar.email)
    url = f"/manage/events/{world.event.slug}/registration/import"
    assert (await client.get(url, headers=HTML)).status_code == 200
    token = client.cookies["congress_csrf"]
    bad = await client.post(
        url,
        data={"_csrf_token": token},
        files={"file": ("list.csv", b"A,B,Org,,,a@example.org\nC,D\n", "text/csv")},
        headers=HTML,
    )
    assert bad.status_code == 422
    assert "Nothing was imported" in bad.text and "found 2" in bad.text
    good = await client.post(
        url,
        data={"_csrf_token": token},
        files={"file": ("list.csv", b"A,B,Org,,,a@example.org\n", "text/csv")},
        headers=HTML,
    )
    assert good.status_code == 200 and "1 participants imported" in good.text


async def test_delegations_page(client: AsyncTestClient, db: AsyncSession, world: World) -> None:
    await make_participant(db, world.event, "One", delegation=world.delegation)
    await make_participant(db, world.event, "Two", delegation=world.delegation)
    await db.commit()
    await log_in(client, world.registrar.email)
    url = f"/manage/events/{world.event.slug}/delegations"
    added = await post_form(client, url, {"name.en": "Armenian delegation", "quota": "5"})
    assert added.status_code == 303
    too_small = await post_form(
        client,
        f"/manage/delegations/{world.delegation.id}",
        {"name.en": "Kazakhstan", "quota": "1"},
    )
    assert too_small.status_code == 422 and "already has 2 active members" in too_small.text
    page = await client.get(url, headers=HTML)
    assert "Armenian delegation" in page.text
    members = f"/manage/events/{world.event.slug}/registration?delegation={world.delegation.id}"
    assert f'href="{members}"' in page.text


async def test_old_delegations_address_redirects(client: AsyncTestClient, world: World) -> None:
    """The registrars' delegation page moved; its old address leads to the one page."""
    await log_in(client, world.registrar.email)
    base = f"/manage/events/{world.event.slug}"
    old = await client.get(f"{base}/registration/delegations", follow_redirects=False)
    assert old.status_code == 301
    assert old.headers["location"] == f"{base}/delegations"
    page = await client.get(f"{base}/registration/delegations", headers=HTML)
    assert page.status_code == 200 and "Delegation of Kazakhstan" in page.text
    tabs = await client.get(f"{base}/registration", headers=HTML)
    assert f'href="{base}/delegations"' in tabs.text
    assert f'href="{base}/registration/delegations"' not in tabs.text


async def test_attendance_page_and_pdfs(
    client: AsyncTestClient, db: AsyncSession, world: World
) -> None:
    await make_participant(db, world.event, "Abaev", "Dana", delegation=world.delegation)
    await make_participant(db, world.event, "Брежнева", "Анна", consent=False)
    await db.commit()
    await log_in(client, world.registrar.email)
    base = f"/manage/events/{world.event.slug}"
    page = await client.get(f"{base}/registration/attendance", headers=HTML)
    assert page.status_code == 200 and "Abaev, Dana" in page.text
    sheet = await client.get(f"{base}/attendance.pdf", params={"session": world.session.id})
    assert sheet.status_code == 200 and sheet.headers["content-type"] == "application/pdf"
    content = pdf_text(sheet.content)
    assert "Abaev, Dana" in content and "Брежнева, Анна" in content
    assert "SIGNATURE" in content and "Second International Congress" in content
    assert "Page 1 of 1" in content
    public = await client.get(f"{base}/attendance.pdf", params={"consenting": "true"})
    assert "Брежнева" not in pdf_text(public.content)

    badges = await client.get(f"{base}/registration/badges.pdf", params={"layout": "card"})
    assert badges.status_code == 200
    reader = PdfReader(io.BytesIO(badges.content))
    assert len(reader.pages) == 2
    assert "Delegation of Kazakhstan" in reader.pages[0].extract_text()
    one = await client.get(
        f"{base}/registration/badges.pdf",
        params={"delegation": world.delegation.id},
    )
    assert "Брежнева" not in pdf_text(one.content) and "Dana Abaev" in pdf_text(one.content)
