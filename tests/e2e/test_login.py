from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from congress.domain.accounts.enums import Role
from tests.conftest import PASSWORD
from tests.e2e.conftest import LiveServer, StaffFactory, screenshot

pytestmark = pytest.mark.e2e


def test_login_page_and_workspace(live_server: LiveServer, staff: StaffFactory, page: Page) -> None:
    email = staff(Role.ORGANIZER, "olga@example.org", "Olga Petrova")
    page.goto(live_server.url + "/manage")
    expect(page).to_have_url(live_server.url + "/login?next=%2Fmanage")
    page.fill("#f-email", email)
    page.fill("#f-password", "wrong password")
    page.click('form[action="/login"] button')
    expect(page.locator(".form-message")).to_contain_text("not right")
    expect(page.locator("#f-email")).to_have_value(email)
    screenshot(page, "login-error")
    page.fill("#f-password", PASSWORD)
    page.click('form[action="/login"] button')
    expect(page.locator("h1")).to_contain_text("Olga Petrova")
    screenshot(page, "manage-overview")
    page.click("text=Log out")
    expect(page.locator(".flash")).to_contain_text("logged out")
