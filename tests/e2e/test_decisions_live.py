"""The decisions screen during a live sitting, in a real browser on the demo event: each
delegation's votes entered with the keyboard only, and the quorum figure following the
check-ins at the door while the page stays open."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

from congress.db.engine import make_engine
from congress.domain.accounts.enums import Role
from congress.domain.checkin.enums import AttendanceState
from congress.domain.checkin.models import Attendance
from congress.domain.events.models import Event
from congress.domain.registration.enums import ParticipantCategory, ParticipantStatus
from congress.domain.registration.models import Participant
from congress.settings import Settings
from tests.conftest import PASSWORD, make_staff
from tests.e2e.conftest import LiveServer, screenshot
from tests.integration.test_decisions_api import _plenary

pytestmark = pytest.mark.e2e


@dataclass
class Sitting:
    session_id: int
    organizer: str
    organizer_token: str
    registrar_token: str
    # Accredited voting delegates of the event not checked in to the sitting.
    absent: list[tuple[int, int]]  # (participant, delegation)


async def _sitting(settings: Settings, slug: str) -> Sitting:
    engine = make_engine(settings, poolclass=NullPool)
    async with AsyncSession(engine, expire_on_commit=False) as db:
        event_id = await db.scalar(select(Event.id).where(Event.slug == slug))
        assert event_id is not None
        session = await _plenary(db, event_id)
        organizer, organizer_token = await make_staff(db, Role.ORGANIZER)
        _, registrar_token = await make_staff(db, Role.REGISTRAR)
        present = select(Attendance.participant_id).where(
            Attendance.session_id == session.id, Attendance.state == AttendanceState.PRESENT
        )
        absent = (
            await db.execute(
                select(Participant.id, Participant.delegation_id)
                .where(
                    Participant.event_id == event_id,
                    Participant.delegation_id.is_not(None),
                    Participant.category == ParticipantCategory.DELEGATE,
                    Participant.status.in_(
                        (ParticipantStatus.ACCREDITED, ParticipantStatus.CHECKED_IN)
                    ),
                    Participant.id.not_in(present),
                )
                .order_by(Participant.id)
            )
        ).all()
        await db.commit()
    await engine.dispose()
    return Sitting(
        session.id,
        organizer.email,
        organizer_token,
        registrar_token,
        [(int(p), int(d)) for p, d in absent],
    )


def sitting(settings: Settings, slug: str) -> Sitting:
    # In a thread of its own: playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _sitting(settings, slug)).result()


def log_in_by_keyboard(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.locator("#f-email").focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Welcome")


def test_roll_call_vote_by_keyboard_only(
    demo_slug: str, live_server: LiveServer, browser: Browser, settings: Settings
) -> None:
    here = sitting(settings, demo_slug)
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    log_in_by_keyboard(page, base, here.organizer)
    screen = f"{base}/manage/sessions/{here.session_id}/decisions"
    page.goto(screen)

    # The roll call, from the check-ins: to its button, Enter.
    page.locator('form[action$="/decisions/roll-call"] button').focus()
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_contain_text("The roll call was recorded.")
    # A motion: its title typed, Enter adds it.
    page.locator('form[action$="/decisions/motions"] input[name="title"]').focus()
    page.keyboard.type("On the order of business")
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_contain_text("The motion was added.")
    motion = page.locator("article.motion", has_text="On the order of business")
    sheet = motion.locator("form.vote-sheet")
    rows = sheet.locator("table.by-delegation tbody tr")
    held = [int(text) for text in rows.locator("td:nth-child(2)").all_inner_texts()]
    assert len(held) >= 5 and held[0] > 0

    # From the sheet's first choice on, only keys: Tab to the first delegation's "in favour",
    # then for each delegation three numbers, Tab between them. The first delegation gives one
    # vote more than it holds; Enter sends the sheet.
    sheet.locator('select[name="majority"]').focus()
    typed: list[tuple[int, int, int]] = []
    for index, votes in enumerate(held):
        figures = (votes, 1, 0) if index == 0 else (max(votes - 1, 0), min(votes, 1), 0)
        for number in figures:
            page.keyboard.press("Tab")
            page.keyboard.type(str(number))
        typed.append(figures)
    page.keyboard.press("Enter")

    # Refused: the message beside the first delegation's field, every figure as typed, and the
    # cursor in the field to correct.
    expect(page.locator("#errors")).to_be_visible()
    motion = page.locator("article.motion", has_text="On the order of business")
    first = motion.locator("table.by-delegation tbody tr").first
    expect(first.locator(".field-error")).to_have_text(
        f"{held[0] + 1} votes given, but the delegation holds {held[0]}."
    )
    focused = page.evaluate("document.activeElement.getAttribute('aria-invalid')")
    assert focused == "true"
    values = [
        int(value)
        for value in motion.locator("table.by-delegation tbody input").evaluate_all(
            "inputs => inputs.map(input => input.value)"
        )
    ]
    assert values == [number for figures in typed for number in figures]
    screenshot(page, "decisions-vote-sheet-error-en-1280")

    # Corrected where the cursor is; Enter records the vote.
    page.keyboard.press("Control+A")
    page.keyboard.type(str(held[0] - 1 if held[0] else 0))
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_contain_text("The vote was recorded.")
    typed[0] = (held[0] - 1 if held[0] else 0, 1, 0)
    votes_for = sum(figures[0] for figures in typed)
    against = sum(figures[1] for figures in typed)
    motion = page.locator("article.motion", has_text="On the order of business")
    expect(motion).to_contain_text(f"for {votes_for}, against {against}, abstaining 0")
    expect(motion).to_contain_text("Adopted")

    # The same through the API.
    headers = {"Authorization": f"Bearer {here.organizer_token}"}
    motions = httpx.get(
        f"{base}/api/v1/events/{demo_slug}/motions", headers=headers, params={"limit": 100}
    ).json()["items"]
    found = next(m for m in motions if m["title"].get("en") == "On the order of business")
    assert found["status"] == "adopted"
    (vote,) = httpx.get(f"{base}/api/v1/motions/{found['id']}/votes", headers=headers).json()
    assert (vote["method"], vote["result"]) == ("roll_call", "adopted")
    assert (vote["votes_for"], vote["votes_against"], vote["abstentions"]) == (
        votes_for,
        against,
        0,
    )
    assert [
        (row["votes_for"], row["votes_against"], row["abstaining"]) for row in vote["breakdown"]
    ] == typed


def test_live_quorum_follows_check_ins(
    demo_slug: str, live_server: LiveServer, browser: Browser, settings: Settings
) -> None:
    here = sitting(settings, demo_slug)
    assert len(here.absent) >= 2
    base = live_server.url
    motion = httpx.post(
        f"{base}/api/v1/events/{demo_slug}/motions",
        json={
            "title": {"en": "On the agenda", "ru": "О повестке дня"},
            "session_id": here.session_id,
        },
        headers={"Authorization": f"Bearer {here.organizer_token}"},
    )
    assert motion.status_code == 201, motion.text
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    log_in_by_keyboard(page, base, here.organizer)
    page.goto(f"{base}/manage/sessions/{here.session_id}/decisions")
    status = page.locator("#roll-call [data-quorum-text]")
    before = re.search(r"Checked in now: (\d+) of (\d+)", status.inner_text())
    assert before is not None
    present, accredited = int(before[1]), int(before[2])
    participant, delegation = here.absent[0]
    cell = page.locator(f'#roll-call [data-present-now="{delegation}"]')
    in_delegation = int(cell.text_content() or "0")

    # A delegate checks in at the door; the open page follows without a reload.
    checked = httpx.post(
        f"{base}/api/v1/events/{demo_slug}/check-ins",
        json={"participant_id": participant, "session_id": here.session_id},
        headers={"Authorization": f"Bearer {here.registrar_token}"},
    )
    assert checked.status_code == 200, checked.text
    expect(status).to_contain_text(
        f"Checked in now: {present + 1} of {accredited} accredited delegates", timeout=10_000
    )
    expect(cell).to_have_text(str(in_delegation + 1))
    expect(page.locator(f'form.vote-sheet [data-present-now="{delegation}"]').first).to_have_text(
        str(in_delegation + 1)
    )
    # Every copy of the figure on the screen (beside each sheet) says the same.
    for copy in page.locator("[data-quorum-text]").all():
        expect(copy).to_contain_text(f"{present + 1} of {accredited}")

    assert refused == []  # the script is a file of the site: the policy lets it run

    # The screen at a desk and on a phone, in English and Russian.
    state = context.storage_state()
    for locale, lang in (("en-GB", "en"), ("ru-RU", "ru")):
        for width in (1280, 390):
            look = browser.new_context(
                viewport={"width": width, "height": 900}, locale=locale, storage_state=state
            ).new_page()
            look.goto(f"{base}/manage/sessions/{here.session_id}/decisions")
            look.locator("#roll-call details summary").focus()
            look.keyboard.press("Enter")
            word = "Quorum" if lang == "en" else "Кворум"
            expect(look.locator("#roll-call h2")).to_have_text(word)
            width_of_page = look.evaluate("document.documentElement.scrollWidth")
            assert width_of_page <= width, (lang, width, width_of_page)
            screenshot(look, f"decisions-live-quorum-{lang}-{width}")
            look.context.close()
    context.close()
