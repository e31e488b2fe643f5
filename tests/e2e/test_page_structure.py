"""The main public and staff pages, as a phone and a screen reader meet them: at 390 px nothing
scrolls sideways, and every page has one <main> with a skip link to it, headings that do not
jump levels and a label on every control; in English and in Russian."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

from congress.db.engine import make_engine
from congress.domain.accounts.enums import Role
from congress.domain.events.models import Event
from congress.domain.people.models import Organization, Person
from congress.domain.programme.models import Session, Speech
from congress.domain.publishing.models import Record
from congress.domain.registration.models import Delegation, Participant
from congress.settings import Settings
from tests.conftest import PASSWORD, LiveServer
from tests.e2e.conftest import StaffFactory, screenshot

pytestmark = pytest.mark.e2e

PHONE = 390

# What the page says about itself, measured in the browser.
AUDIT = """() => {
  const controls = [...document.querySelectorAll("input, select, textarea")].filter(
    (el) => !["hidden", "submit", "button", "reset", "image"].includes(el.type));
  const unlabelled = controls.filter((el) => !(
    (el.labels && el.labels.length) || el.getAttribute("aria-label") ||
    el.getAttribute("aria-labelledby") || el.getAttribute("title"))).map((el) => el.outerHTML.slice(0, 120));
  const levels = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) => +h.tagName[1]);
  const jumps = [];
  levels.forEach((level, i) => { if (level > (i ? levels[i - 1] : 0) + 1) jumps.push(levels.slice(0, i + 1).join(">")); });
  const wide = [...document.querySelectorAll("body *")].filter(
    (el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1
  ).slice(0, 5).map((el) => el.tagName + "." + el.className);
  const skip = document.querySelector("body a");
  return {
    width: document.documentElement.scrollWidth,
    wide, unlabelled, jumps, levels,
    mains: document.querySelectorAll("main").length,
    mainId: (document.querySelector("main") || {}).id,
    skip: skip ? skip.getAttribute("href") : null,
    h1: document.querySelectorAll("h1").length,
  };
}"""


async def _ids(settings: Settings, slug: str) -> dict[str, Any]:
    engine = make_engine(settings, poolclass=NullPool)
    async with AsyncSession(engine) as db:
        event_id = await db.scalar(select(Event.id).where(Event.slug == slug))
        ids = {
            "session": await db.scalar(
                select(func.min(Session.id)).where(Session.event_id == event_id)
            ),
            "speech": await db.scalar(select(func.min(Speech.id))),
            "record": await db.scalar(select(Record.slug).where(Record.event_id == event_id)),
            "person": await db.scalar(select(func.min(Person.id))),
            "organization": await db.scalar(select(func.min(Organization.id))),
            "delegation": await db.scalar(
                select(func.min(Delegation.id)).where(Delegation.event_id == event_id)
            ),
            "participant": await db.scalar(
                select(func.min(Participant.id)).where(Participant.event_id == event_id)
            ),
        }
    await engine.dispose()
    assert all(ids.values()), ids
    return ids


def ids_of(settings: Settings, slug: str) -> dict[str, Any]:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _ids(settings, slug)).result()


def public_pages(slug: str, ids: dict[str, Any]) -> list[str]:
    event = f"/events/{slug}"
    return [
        "/",
        event,
        f"{event}/programme",
        f"{event}/sessions/{ids['session']}",
        f"{event}/speeches/{ids['speech']}",
        f"{event}/records/{ids['record']}",
        f"{event}/register",
        f"{event}/proceedings",
        "/search?q=friendship",
        "/login",
    ]


def staff_pages(slug: str, ids: dict[str, Any]) -> list[str]:
    event = f"/manage/events/{slug}"
    return [
        "/manage",
        "/manage/events",
        event,
        f"{event}/edit",
        f"{event}/timeline",
        f"{event}/venue",
        f"{event}/delegations",
        f"{event}/record",
        f"/manage/sessions/{ids['session']}",
        f"/manage/speeches/{ids['speech']}",
        "/manage/people",
        f"/manage/people/{ids['person']}",
        "/manage/organizations",
        f"/manage/delegations/{ids['delegation']}",
        f"{event}/registration",
        f"{event}/registration/new",
        f"{event}/registration/participants/{ids['participant']}",
        f"{event}/registration/badges",
        f"{event}/registration/attendance",
        f"/desk/{slug}",
    ]


def audit(page: Page, url: str) -> list[str]:
    found = page.evaluate(AUDIT)
    problems = []
    if found["width"] > PHONE:
        problems.append(f"{url}: {found['width']} px wide ({found['wide']})")
    if found["mains"] != 1 or found["mainId"] != "main" or found["skip"] != "#main":
        problems.append(f"{url}: main landmarks {found['mains']}, skip link {found['skip']}")
    if found["h1"] != 1 or found["jumps"]:
        problems.append(f"{url}: {found['h1']} h1, heading jumps {found['jumps']}")
    if found["unlabelled"]:
        problems.append(f"{url}: controls without a label {found['unlabelled']}")
    return problems


def test_pages_fit_a_phone_and_have_their_landmarks(
    demo_slug: str,
    live_server: LiveServer,
    browser: Browser,
    settings: Settings,
    staff: StaffFactory,
) -> None:
    base = live_server.url
    ids = ids_of(settings, demo_slug)
    email = staff(Role.ADMIN, "structure@example.org")
    problems: list[str] = []
    for locale in ("en", "ru"):
        context = browser.new_context(
            viewport={"width": PHONE, "height": 844}, locale="en-GB", device_scale_factor=1
        )
        page = context.new_page()
        for path in public_pages(demo_slug, ids):
            joiner = "&" if "?" in path else "?"
            page.goto(f"{base}{path}{joiner}lang={locale}")
            problems += audit(page, f"{path} [{locale}]")
        page.goto(f"{base}/login")
        page.fill("#f-email", email)
        page.fill("#f-password", PASSWORD)
        page.click('form[action="/login"] button')
        page.wait_for_url(f"{base}/manage")
        if locale != "en":
            page.click(f"form.language-switch button[value={locale}]")
            page.wait_for_load_state()
        for path in staff_pages(demo_slug, ids):
            page.goto(f"{base}{path}")
            problems += audit(page, f"{path} [{locale}]")
        if locale == "ru":
            screenshot(page, "structure-desk-390-ru")
        context.close()
    assert not problems, "\n".join(problems)


def test_failed_and_done_forms_keep_the_page_address(
    demo_slug: str,
    live_server: LiveServer,
    browser: Browser,
    settings: Settings,
    staff: StaffFactory,
) -> None:
    base = live_server.url
    ids = ids_of(settings, demo_slug)
    email = staff(Role.ADMIN, "addresses@example.org")
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{base}/login")
    page.fill("#f-email", email)
    page.fill("#f-password", PASSWORD)
    page.click('form[action="/login"] button')
    page.wait_for_url(f"{base}/manage")

    # A form that fails: its messages on the page, the page's own address in the bar.
    session_page = f"{base}/manage/sessions/{ids['session']}"
    page.goto(session_page)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("#add-award button[type=submit]")
    assert answer.value.status == 422 and answer.value.url.endswith("/awards")
    page.wait_for_load_state()
    assert page.locator("#add-award .field-error").count() > 0
    assert page.url == session_page
    page.reload()  # reads the page again; nothing is sent
    assert page.url == session_page and page.locator("#add-award .field-error").count() == 0

    # A form that succeeds: redirected to the page that shows the change.
    venue = f"{base}/manage/events/{demo_slug}/venue"
    page.goto(venue)
    page.fill('input[name="name.en"]', "Room of the test")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click('form[action$="/rooms"] button[type=submit]')
    assert answer.value.status == 303
    page.wait_for_load_state()
    assert page.url == venue and "Room of the test" in page.content()
