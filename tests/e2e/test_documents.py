"""The programme page and the proceedings progress page in a real browser."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Page
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

from congress.db.engine import make_engine
from congress.demo import DEMO_SLUG, load_demo
from congress.settings import Settings
from tests.e2e.conftest import LiveServer, screenshot

pytestmark = pytest.mark.e2e


async def _load(settings: Settings) -> None:
    engine = make_engine(settings, poolclass=NullPool)
    async with AsyncSession(engine, expire_on_commit=False) as db:
        await load_demo(db)
        await db.commit()
    await engine.dispose()


def test_programme_page_and_proceedings_progress(
    settings: Settings, live_server: LiveServer, page: Page
) -> None:
    # Playwright's sync API runs an event loop in this thread: load the demo from another one.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, _load(settings)).result()
    page.goto(f"{live_server.url}/events/{DEMO_SLUG}/programme/print?lang=ru")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_text("Торжественная церемония открытия").first.is_visible()
    screenshot(page, "programme-ru")
    page.get_by_role("link", name="русский + 中文").click()
    assert page.get_by_text("开幕式").first.is_visible()
    screenshot(page, "programme-ru-zh")

    page.goto(f"{live_server.url}/events/{DEMO_SLUG}/proceedings?lang=en")
    assert page.locator("h1").inner_text().startswith("Proceedings")
    screenshot(page, "proceedings-progress")
    # The page follows the render and opens the PDF once it is there.
    request = page.wait_for_event(
        "request", lambda request: "/proceedings.pdf" in request.url, timeout=300_000
    )
    assert request.url.endswith(f"/events/{DEMO_SLUG}/proceedings.pdf?lang=en")
