"""The main pages work in a real browser under their Content-Security-Policy: the browser
reports no violation (no blocked script, style, image or connection) and no script error."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

from congress.db.engine import make_engine
from congress.demo import DEMO_SLUG, load_demo
from congress.domain.accounts.enums import Role
from congress.settings import Settings
from tests.e2e.conftest import LiveServer, StaffFactory, screenshot
from tests.e2e.test_manage import log_in

pytestmark = pytest.mark.e2e

# Runs in every page before its own scripts: keeps each violation the browser reports.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI} ${e.sample || ""}`);
});
"""


async def _seed(settings: Settings) -> None:
    engine = make_engine(settings, poolclass=NullPool)
    async with AsyncSession(engine, expire_on_commit=False) as db:
        await load_demo(db)
        await db.commit()
    await engine.dispose()


@pytest.fixture
def watched(page: Page) -> Iterator[tuple[Page, list[str]]]:
    """The page, and the problems seen so far: violations, CSP console errors, script errors."""
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"console: {message.text}")

    page.add_init_script(LISTEN)
    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    yield page, problems


def check(page: Page, problems: list[str], name: str) -> None:
    page.wait_for_load_state("networkidle")
    problems.extend(page.evaluate("window.__violations || []"))
    screenshot(page, f"csp-{name}")
    assert not problems, f"{name}: {problems}"


def test_main_pages_work_under_the_policy(
    live_server: LiveServer,
    staff: StaffFactory,
    settings: Settings,
    watched: tuple[Page, list[str]],
) -> None:
    page, problems = watched
    base = live_server.url
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, _seed(settings)).result()
    admin = staff(Role.ADMIN, "admin@example.org", "Ada Admin")

    page.goto(f"{base}/events/{DEMO_SLUG}")
    expect(page.locator("h1")).to_be_visible()
    check(page, problems, "public-event")
    page.goto(f"{base}/events/{DEMO_SLUG}/programme")
    check(page, problems, "public-programme")

    page.goto(f"{base}/login")
    check(page, problems, "login")
    log_in(page, base, admin)
    check(page, problems, "manage-home")

    page.goto(f"{base}/manage/events/{DEMO_SLUG}")
    check(page, problems, "manage-event")
    # htmx at work: the people list is filtered as one types.
    page.goto(f"{base}/manage/people")
    rows = page.locator("#people-results tbody tr")
    all_rows = rows.count()
    page.fill("input[type=search]", "zzzz-nobody")
    expect(rows).to_have_count(0)
    assert all_rows > 0
    check(page, problems, "manage-people-search")

    # The timeline's positions come from the nonce'd style element.
    page.goto(f"{base}/manage/events/{DEMO_SLUG}/timeline")
    block = page.locator(".timeline-block").first
    left = block.evaluate("(el) => getComputedStyle(el).left")
    width = block.evaluate("(el) => el.getBoundingClientRect().width")
    assert left.endswith("px") and width > 5, (left, width)
    check(page, problems, "manage-timeline")

    # The desk: htmx refreshes the counts; choosing a session switches the page by script.
    page.goto(f"{base}/desk/{DEMO_SLUG}")
    check(page, problems, "desk")
    options = page.locator("#desk-session option")
    assert options.count() > 1
    value = options.nth(1).get_attribute("value")
    page.select_option("#desk-session", value)
    page.wait_for_url(f"**/desk/{DEMO_SLUG}?session={value}")
    check(page, problems, "desk-session")

    page.goto(f"{base}/schema/swagger")
    expect(page.get_by_role("heading", name="congress API")).to_contain_text("congress API")
    expect(page.locator(".opblock").first).to_be_visible()
    check(page, problems, "schema-swagger")
    page.goto(f"{base}/schema")
    expect(page.get_by_role("heading", name="congress API")).to_contain_text("congress API")
    check(page, problems, "schema")


def test_a_violation_would_be_seen(
    live_server: LiveServer, watched: tuple[Page, list[str]]
) -> None:
    """The listener really hears the browser: an inline style added to a page is reported."""
    page, problems = watched
    page.goto(f"{live_server.url}/login")
    page.evaluate(
        "() => { const s = document.createElement('style'); s.textContent = 'body{}';"
        " document.head.appendChild(s); }"
    )
    page.wait_for_timeout(300)
    problems.extend(page.evaluate("window.__violations"))
    assert any("style-src" in problem for problem in problems), problems
