"""A visitor registers, the desk checks them in by typing the ticket code, the sign-in sheet of
the session lists them."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession

from congress.db.engine import make_engine
from congress.domain.accounts.enums import Role
from congress.domain.programme.models import Session
from congress.settings import Settings
from tests.conftest import PASSWORD
from tests.e2e.conftest import LiveServer, StaffFactory, screenshot
from tests.registration_data import make_event

pytestmark = pytest.mark.e2e


async def _event_with_session(settings: Settings) -> tuple[str, int]:
    engine = make_engine(settings)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as db:
            event = await make_event(db)
            session = Session(
                event_id=event.id,
                title={"en": "Opening ceremony"},
                planned_start=dt.datetime.combine(event.start_date, dt.time(10), dt.UTC),
                planned_end=dt.datetime.combine(event.start_date, dt.time(12), dt.UTC),
            )
            db.add(session)
            await db.commit()
            return event.slug, session.id
    finally:
        await engine.dispose()


def test_register_check_in_and_sign_in_sheet(
    live_server: LiveServer, staff: StaffFactory, settings: Settings, page: Page
) -> None:
    with ThreadPoolExecutor(1) as pool:
        slug, session_id = pool.submit(asyncio.run, _event_with_session(settings)).result()
    registrar = staff(Role.REGISTRAR, "desk@example.org", "Desk One")

    page.goto(f"{live_server.url}/events/{slug}/register")
    page.fill("#f-given_name", "Aigerim")
    page.fill("#f-family_name", "Nurlanova")
    page.fill("#f-email", "aigerim@example.org")
    page.fill("#f-organization", "Peace Foundation")
    page.select_option("#f-category", "guest")
    page.check('input[name="consent_publication"]')
    screenshot(page, "registration-form")
    page.click("form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("You are registered")
    token = page.locator(".ticket-code").inner_text().strip()
    assert len(token) >= 16
    short = page.locator(".ticket .short-code").inner_text().strip()
    assert len(short) == 9 and short[4] == "-" and not set(short) & set("01OIL")
    screenshot(page, "registration-ticket")

    page.goto(f"{live_server.url}/login?next=/desk/{slug}")
    page.fill("#f-email", registrar)
    page.fill("#f-password", PASSWORD)
    page.click('form[action="/login"] button')
    page.goto(f"{live_server.url}/desk/{slug}?session={session_id}")
    field = page.locator("#desk-q")
    expect(field).to_be_focused()
    # A scanner types the code and presses Enter.
    field.type(token)
    field.press("Enter")
    expect(page.locator(".result.ok")).to_contain_text("Checked in to this session.")
    expect(page.locator(".result.ok h2")).to_have_text("Aigerim Nurlanova")
    expect(page.locator(".present-count")).to_have_text("1")
    screenshot(page, "desk-checked-in")
    page.locator("#desk-q").type(token)
    page.locator("#desk-q").press("Enter")
    expect(page.locator(".result.again")).to_contain_text("Already checked in")

    pdf = page.request.get(
        f"{live_server.url}/manage/events/{slug}/attendance.pdf?session={session_id}"
    )
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "Nurlanova, Aigerim" in text
    assert "Opening ceremony" in text
