"""The organizer workspace in a real browser (issue 3's acceptance test)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from congress.domain.accounts.enums import Role
from tests.conftest import PASSWORD
from tests.e2e.conftest import LiveServer, StaffFactory, screenshot

pytestmark = pytest.mark.e2e


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.fill("#f-email", email)
    page.fill("#f-password", PASSWORD)
    page.click('form[action="/login"] button')
    expect(page.locator("h1")).to_contain_text("Welcome")


def add_person(page: Page, base: str, given: str, family: str) -> None:
    page.goto(base + "/manage/people")
    page.fill('input[name="given_name.en"]', given)
    page.fill('input[name="family_name.en"]', family)
    page.click('form[action="/manage/people"] button[type=submit]')
    expect(page.locator(".flash")).to_contain_text("The person was added.")


def pick(page: Page, scope: str, field: str, typed: str, name: str) -> None:
    """Choose a person in a picker: type part of the name, click the search result."""
    page.fill(f'{scope} input[name="{field}__q"]', typed)
    option = page.locator(f"{scope} .picker-option", has_text=name)
    option.click()
    expect(page.locator(f'{scope} input[name="{field}__q"]')).to_have_value(name)


def test_organizer_plans_an_event(live_server: LiveServer, staff: StaffFactory, page: Page) -> None:
    base = live_server.url
    organizer = staff(Role.ORGANIZER, "org@example.org", "Olga Organizer")
    log_in(page, base, organizer)

    for given, family in (("Ann", "Archer"), ("Bob", "Baker"), ("Cem", "Cole"), ("Dan", "Dorn")):
        add_person(page, base, given, family)
    page.goto(base + "/manage/people")
    page.fill("input[type=search]", "bak")
    expect(page.locator("#people-results tbody tr")).to_have_count(1)
    expect(page.locator("#people-results")).to_contain_text("Bob Baker")
    screenshot(page, "manage-people-search")

    # The event, with an error first: the form keeps what was typed.
    page.goto(base + "/manage/events/new")
    page.fill('input[name="name.en"]', "World Congress")
    page.fill('input[name="name.ru"]', "Всемирный конгресс")
    page.fill("#f-slug", "World Congress")
    page.fill("#f-start_date", "2026-05-08")
    page.fill("#f-end_date", "2026-05-09")
    page.fill("#f-timezone", "Europe/Moscow")
    page.click("form button.primary")
    expect(page.locator("#slug-error")).to_be_visible()
    expect(page.locator('input[name="name.ru"]')).to_have_value("Всемирный конгресс")
    screenshot(page, "manage-event-form-error")
    page.fill("#f-slug", "world-congress")
    page.click("form button.primary")
    expect(page.locator(".flash")).to_contain_text("The event was created.")

    def add_session(title: str, start: str, end: str) -> None:
        page.goto(base + "/manage/events/world-congress")
        page.fill('input[name="title.en"]', title)
        page.fill("#f-planned_start", start)
        page.fill("#f-planned_end", end)
        page.click('form[action$="/sessions"] button')
        expect(page.locator(".flash")).to_contain_text("The session was added.")

    add_session("First day of the congress", "2026-05-09T10:00", "2026-05-09T13:00")
    add_session("Opening ceremony", "2026-05-08T10:00", "2026-05-08T12:00")
    session_url = page.url

    # The presidium: three seats, the chair in the middle.
    page.goto(session_url)
    for seat, name, role in (
        ("1", "Bob Baker", "member"),
        ("2", "Ann Archer", "chair"),
        ("3", "Cem Cole", "member"),
    ):
        page.click("#presidium summary")
        pick(page, "#presidium", "person_id", name.split()[1][:3].lower(), name)
        page.fill('#presidium input[name="seat_number"]', seat)
        page.select_option('#presidium select[name="role"]', role)
        page.click('#presidium form[action$="/presidium"] button')
        expect(page.locator(".flash")).to_contain_text("The seat was assigned.")
    expect(page.locator(".seat")).to_have_count(3)
    expect(page.locator(".seat.chair")).to_contain_text("Ann Archer")

    # A joint speech by two speakers, with its transcript.
    pick(page, "#add-speech", "speakers.0.person_id", "bob", "Bob Baker")
    pick(page, "#add-speech", "speakers.1.person_id", "Cole", "Cem Cole")
    page.fill('#add-speech input[name="title.en"]', "Joint address")
    page.fill(
        '#add-speech textarea[name="transcript.en"]', "Dear friends, welcome to the congress."
    )
    page.click("#add-speech button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("The speech was added.")
    page.click('.transcript-tabs a:has-text("Russian")')
    page.fill('textarea[name="transcript.ru"]', "Дорогие друзья, добро пожаловать на конгресс.")
    page.select_option('select[name="transcript_status.ru"]', "translation")
    page.click("#transcript button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("The speech was saved.")
    screenshot(page, "manage-speech")

    # An award and a gift received by proxy.
    page.goto(session_url)
    page.fill('#add-award input[name="name.en"]', "Commemorative badge")
    pick(page, "#add-award", "recipient_id", "dorn", "Dan Dorn")
    # Without choosing from the results, a full name is looked up when the form is sent.
    page.fill('#add-award input[name="presenter_id__q"]', "Ann Archer")
    page.click("#add-award button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("The award was added.")
    page.fill('#add-gift input[name="description.en"]', "A porcelain vase")
    pick(page, "#add-gift", "giver_id", "cem", "Cem Cole")
    pick(page, "#add-gift", "recipient_id", "dan", "Dan Dorn")
    pick(page, "#add-gift", "received_by_id", "baker", "Bob Baker")
    page.click("#add-gift button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("The gift was added.")

    # Reorder: the gift up one place with the buttons, then the award to the top by dragging.
    items = page.locator(".agenda > .agenda-item")
    expect(items).to_have_count(3)
    items.nth(2).locator('button[title="Move up"]').click()
    expect(page.locator(".flash")).to_contain_text("reordered")
    expect(items.nth(1)).to_contain_text("A porcelain vase")
    items.nth(2).drag_to(items.nth(0))
    expect(page.locator(".flash")).to_contain_text("reordered")
    expect(items.nth(0)).to_contain_text("Commemorative badge")
    expect(items.nth(1)).to_contain_text("Joint address")
    expect(items.nth(2)).to_contain_text("A porcelain vase")
    screenshot(page, "manage-session")

    # All of it on the event page.
    page.goto(base + "/manage/events/world-congress")
    body = page.locator("main")
    for text in (
        "Opening ceremony",
        "First day of the congress",
        "Ann Archer",
        "(chair)",
        "Joint address",
        "Bob Baker",
        "Commemorative badge",
        "A porcelain vase",
        "received on their behalf by Bob Baker",
        "presented by Ann Archer",
        "transcript:",
    ):
        expect(body).to_contain_text(text)
    expect(body).to_contain_text("is not a participant of the event")
    screenshot(page, "manage-event")
    page.goto(base + "/manage/events/world-congress/timeline")
    screenshot(page, "manage-timeline")
    page.goto(base + "/manage/events/world-congress/history")
    expect(page.locator("main")).to_contain_text("Olga Organizer")
    screenshot(page, "manage-history")
    page.goto(base + "/manage/people")
    page.click("text=Bob Baker")
    expect(page.locator("main")).to_contain_text("Presidium of Opening ceremony, seat 1")
    expect(page.locator("main")).to_contain_text("accepted it on behalf of Dan Dorn")
    screenshot(page, "manage-person")

    # A registrar and an anonymous visitor are refused the same pages.
    protected = [
        "/manage/events/world-congress",
        session_url.removeprefix(base),
        "/manage/events/new",
    ]
    page.click("text=Log out")
    for path in protected:
        page.goto(base + path)
        expect(page).to_have_url(f"{base}/login?next=" + path.replace("/", "%2F"))
    registrar = staff(Role.REGISTRAR, "reg@example.org", "Rita Registrar")
    log_in(page, base, registrar)
    for path in protected:
        response = page.goto(base + path)
        assert response is not None and response.status == 403
        expect(page.locator("h1")).to_contain_text("Forbidden")
    screenshot(page, "manage-forbidden")
