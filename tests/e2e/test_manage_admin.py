"""The workspace's administration in a browser: staff accounts, delegations, venue and rooms,
deleting with a confirmation step (screenshots in test-artifacts/)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from congress.domain.accounts.enums import Role
from tests.e2e.conftest import LiveServer, StaffFactory, screenshot
from tests.e2e.test_manage import add_person, log_in, pick

pytestmark = pytest.mark.e2e


def test_admin_manages_staff_accounts(
    live_server: LiveServer, staff: StaffFactory, page: Page
) -> None:
    base = live_server.url
    log_in(page, base, staff(Role.ADMIN, "admin@example.org", "Ada Admin"))
    page.click("nav >> text=Staff accounts")
    expect(page.locator("h1")).to_have_text("Staff accounts")

    page.fill("#f-email", "rita@example.org")
    page.fill("#f-name", "Rita Registrar")
    page.select_option("#f-role", "registrar")
    page.fill("#f-password", "a long enough password")
    page.fill("#f-repeat", "another password")
    page.click('form[action="/manage/users"] button')
    expect(page.locator("#repeat-error")).to_be_visible()
    expect(page.locator("#f-email")).to_have_value("rita@example.org")
    expect(page.locator("#f-password")).to_have_value("")
    screenshot(page, "manage-users-error")
    page.fill("#f-password", "a long enough password")
    page.fill("#f-repeat", "a long enough password")
    page.click('form[action="/manage/users"] button')
    expect(page.locator(".flash")).to_contain_text("The account was created.")

    page.select_option("#f-role", "organizer")
    page.click('form[action$="/manage/users/2"] button')
    expect(page.locator(".flash")).to_contain_text("The account was saved.")
    page.click("text=Deactivate account")
    expect(page.locator("h1")).to_contain_text("Deactivate the account of Rita Registrar?")
    screenshot(page, "manage-users-deactivate")
    page.click("button.danger")
    expect(page.locator(".flash")).to_contain_text("The account was deactivated.")
    screenshot(page, "manage-user")
    page.goto(base + "/manage/users")
    expect(page.locator("tr.inactive")).to_contain_text("Rita Registrar")
    screenshot(page, "manage-users")


def test_organizer_keeps_delegations_and_rooms(
    live_server: LiveServer, staff: StaffFactory, page: Page
) -> None:
    base = live_server.url
    log_in(page, base, staff(Role.ORGANIZER, "org@example.org", "Olga Organizer"))
    for given, family in (("Wei", "Li"), ("Fang", "Wang"), ("Min", "Zhang")):
        add_person(page, base, given, family)

    page.goto(base + "/manage/events/new")
    page.fill('input[name="name.en"]', "Friendship Congress")
    page.fill("#f-slug", "friendship")
    page.fill("#f-start_date", "2026-05-08")
    page.fill("#f-end_date", "2026-05-08")
    page.click("form button.primary")
    expect(page.locator(".flash")).to_contain_text("The event was created.")

    # Venue and rooms: add, edit, and a room in use cannot be deleted.
    page.click(".event-nav >> text=Venue and rooms")
    page.fill('input[name="name.en"]', "Foundation House")
    page.click('form[action$="/venue"] button')
    page.fill('input[name="name.en"]', "Hall A")
    page.click('form[action$="/rooms"] button')
    expect(page.locator(".flash")).to_contain_text("The room was added.")
    page.click("text=Edit the venue")
    page.fill("#f-city", "Moscow")
    page.click("form button.primary")
    expect(page.locator(".flash")).to_contain_text("The venue was saved.")
    page.goto(base + "/manage/events/friendship")
    page.fill('input[name="title.en"]', "Opening")
    page.select_option("#f-room_id", label="Hall A")
    page.fill("#f-planned_start", "2026-05-08T10:00")
    page.fill("#f-planned_end", "2026-05-08T12:00")
    page.click('form[action$="/sessions"] button')
    expect(page.locator(".flash")).to_contain_text("The session was added.")
    page.goto(base + "/manage/events/friendship/venue")
    page.click("td.row-actions >> text=Delete")
    expect(page.locator(".form-message")).to_contain_text("1 session")
    expect(page.locator("button.danger")).to_have_count(0)
    screenshot(page, "manage-room-delete-refused")

    # A delegation with its head chosen in a picker, a quota and members.
    page.click("text=Back")
    page.click(".event-nav >> text=Delegations")
    expect(page.locator(".empty")).to_contain_text("No delegations yet.")
    page.fill('input[name="name.en"]', "Chinese delegation")
    pick(page, "form", "head_id", "li", "Wei Li")
    page.fill("#f-quota", "2")
    page.click("form button.primary")
    expect(page.locator(".flash")).to_contain_text("The delegation was added.")
    for typed, name in (("li", "Wei Li"), ("wang", "Fang Wang")):
        pick(page, "#members", "person_id", typed, name)
        page.click("#members button.primary")
        expect(page.locator(".flash")).to_contain_text("The member was added.")
    pick(page, "#members", "person_id", "zha", "Min Zhang")
    page.click("#members button.primary")
    expect(page.locator("#person_id-error")).to_contain_text("has reached its quota of 2")
    screenshot(page, "manage-delegation")
    page.click(".event-nav >> text=Delegations")
    expect(page.locator("tbody tr")).to_contain_text("2 of 2")
    screenshot(page, "manage-delegations")

    # Deleting the session asks first, then takes it away.
    page.goto(base + "/manage/events/friendship")
    page.click("text=Opening")
    page.click("text=Edit session")
    page.click("text=Delete session")
    expect(page.locator("h1")).to_contain_text("Delete the session “Opening”?")
    screenshot(page, "manage-session-delete")
    page.click("button.danger")
    expect(page.locator(".flash")).to_contain_text("The session was deleted.")

    # The same workspace in Russian, dates and times included.
    page.click('.language-switch button[value="ru"]')
    expect(page.locator(".event-nav")).to_contain_text("Делегации")
    page.goto(base + "/manage/events/friendship/delegations")
    expect(page.locator("main")).to_contain_text("Добавить делегацию")
    screenshot(page, "manage-delegations-ru")
    page.goto(base + "/manage/events/friendship")
    expect(page.locator("main")).to_contain_text("8 мая 2026")
    screenshot(page, "manage-event-ru")
