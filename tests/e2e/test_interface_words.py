"""The person picker and its position list in a real browser, on the demo event."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from congress.domain.accounts.enums import Role
from tests.e2e.conftest import LiveServer, StaffFactory
from tests.e2e.test_manage import log_in

pytestmark = pytest.mark.e2e


def test_position_list_offers_the_chosen_persons_positions(
    demo_slug: str, live_server: LiveServer, staff: StaffFactory, page: Page
) -> None:
    base = live_server.url
    log_in(page, base, staff(Role.ORGANIZER, "org@example.org", "Olga Organizer"))
    page.goto(f"{base}/manage/events/{demo_slug}")
    page.goto(base + str(page.locator('a[href^="/manage/sessions/"]').first.get_attribute("href")))
    page.click("details.add-panel summary >> nth=0")
    options = 'select[name="position_id"] option'
    everyone = page.locator(options).count()
    assert everyone > 10
    page.fill('input[name="person_id__q"]', "Chen Jing")  # displayed family name first
    page.locator(".picker-option", has_text="Chen Jing").first.click()
    shown = page.eval_on_selector_all(
        options, "os => os.filter(o => o.value && !o.hidden).map(o => o.textContent)"
    )
    assert shown and all(text.startswith("Chen Jing — ") for text in shown), shown
    page.fill('input[name="person_id__q"]', "")  # no person: no position to offer
    page.locator('input[name="person_id__q"]').dispatch_event("input")
    expect(page.locator(f"{options}:not([hidden])")).to_have_count(1)
