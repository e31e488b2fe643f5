from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import LiveServer, screenshot

pytestmark = pytest.mark.e2e


def test_home_page_renders(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url + "/")
    assert page.locator("h1").first.inner_text() == "Events"
    screenshot(page, "home")
