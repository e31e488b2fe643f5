"""The programme page and the proceedings progress page in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import LiveServer, screenshot

pytestmark = pytest.mark.e2e


def test_programme_page_and_proceedings_progress(
    demo_slug: str, live_server: LiveServer, page: Page
) -> None:
    page.goto(f"{live_server.url}/events/{demo_slug}/programme/print?lang=ru")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_text("Торжественная церемония открытия").first.is_visible()
    screenshot(page, "programme-ru")
    page.get_by_role("link", name="русский + 中文").click()
    assert page.get_by_text("开幕式").first.is_visible()
    screenshot(page, "programme-ru-zh")

    page.goto(f"{live_server.url}/events/{demo_slug}/proceedings?lang=en")
    assert page.locator("h1").inner_text().startswith("Proceedings")
    screenshot(page, "proceedings-progress")
    # The page follows the render and opens the PDF once it is there.
    request = page.wait_for_event(
        "request", lambda request: "/proceedings.pdf" in request.url, timeout=300_000
    )
    assert request.url.endswith(f"/events/{demo_slug}/proceedings.pdf?lang=en")
