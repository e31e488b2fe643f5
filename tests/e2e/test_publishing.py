"""An editor publishes a record; a visitor reads it in another language and comments on it."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

from congress.db.engine import make_engine
from congress.demo import DEMO_SLUG, load_demo
from congress.domain.accounts.enums import Role
from congress.domain.programme.models import Speech
from congress.domain.publishing.models import Record
from congress.settings import Settings
from tests.conftest import make_staff
from tests.e2e.conftest import LiveServer, screenshot

pytestmark = pytest.mark.e2e


async def _seed(settings: Settings) -> tuple[str, int]:
    engine = make_engine(settings, poolclass=NullPool)
    async with AsyncSession(engine, expire_on_commit=False) as db:
        await load_demo(db)
        await db.commit()
        event_id = await db.scalar(select(Record.event_id).limit(1))
        db.add(
            Record(
                event_id=event_id,
                slug="second-day",
                headline={
                    "en": "The second day of the congress",
                    "ru": "Второй день конгресса",
                    "zh": "大会第二天",
                    "de": "Der zweite Kongresstag",
                },
                lead={"en": "Reports of the executive committees.", "ru": "Доклады исполкомов."},
                body={"en": "<p>The plenary heard the reports.</p>"},
            )
        )
        _, token = await make_staff(db, Role.EDITOR)
        speech_id = await db.scalar(select(func.min(Speech.id)))
        await db.commit()
    await engine.dispose()
    assert speech_id is not None
    return token, speech_id


def seed(settings: Settings) -> tuple[str, int]:
    # In a thread of its own: playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _seed(settings)).result()


def test_publish_read_comment_moderate(
    live_server: LiveServer, browser: Browser, settings: Settings
) -> None:
    token, speech_id = seed(settings)
    base = live_server.url
    editor = browser.new_context(
        viewport={"width": 1280, "height": 900},
        extra_http_headers={"Authorization": f"Bearer {token}"},
    ).new_page()
    visitor = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB"
    ).new_page()

    # The draft is invisible.
    assert visitor.goto(f"{base}/events/{DEMO_SLUG}/records/second-day").status == 404

    editor.goto(f"{base}/manage/events/{DEMO_SLUG}/record")
    row = editor.locator("tr", has_text="The second day of the congress")
    row.get_by_role("button", name="Send to review").click()
    row = editor.locator("tr", has_text="The second day of the congress")
    expect(row.locator(".status")).to_have_text("review")
    row.get_by_role("button", name="Publish now").click()
    expect(editor.locator("tr", has_text="The second day").locator(".status")).to_have_text(
        "published"
    )
    screenshot(editor, "publishing-desk")

    # A visitor finds it, switches to Russian, reads a speech by its URL and comments.
    visitor.goto(f"{base}/events/{DEMO_SLUG}")
    visitor.get_by_role("link", name="The second day of the congress").click()
    visitor.locator(".languages").get_by_role("link", name="Русский").click()
    expect(visitor.locator("h1")).to_have_text("Второй день конгресса")
    assert visitor.locator("html").get_attribute("lang") == "ru"
    expect(visitor.locator(".fallback").first).to_be_visible()  # the body exists in English only
    record_url = visitor.url

    visitor.goto(f"{base}/events/{DEMO_SLUG}/speeches/{speech_id}?lang=ru")
    expect(visitor.locator(".transcript")).to_be_visible()
    screenshot(visitor, "publishing-speech-ru")

    visitor.goto(record_url)
    visitor.fill("#author_name", "Ольга")
    visitor.fill("#body", "Спасибо за репортаж!")
    time.sleep(2.2)  # people take longer than the form's time check
    visitor.get_by_role("button", name="Отправить").click()
    expect(visitor.locator(".notice")).to_be_visible()
    expect(visitor.locator(".comment", has_text="Спасибо за репортаж!")).to_have_count(0)

    editor.goto(f"{base}/manage/events/{DEMO_SLUG}/record")
    editor.locator(".comment", has_text="Спасибо за репортаж!").get_by_role(
        "button", name="Approve"
    ).click()
    expect(editor.locator(".notice")).to_be_visible()

    visitor.goto(record_url)
    expect(visitor.locator(".comment", has_text="Спасибо за репортаж!")).to_have_count(1)
    screenshot(visitor, "publishing-record-ru")


def test_pages_in_every_language(
    live_server: LiveServer, browser: Browser, settings: Settings
) -> None:
    _, speech_id = seed(settings)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    for lang in ("en", "ru", "zh", "de"):
        for name, path in (
            ("event", ""),
            ("programme", "/programme"),
            ("record", "/records/opening-ceremony"),
            ("speech", f"/speeches/{speech_id}"),
        ):
            response = page.goto(f"{live_server.url}/events/{DEMO_SLUG}{path}?lang={lang}")
            assert response is not None and response.status == 200
            assert page.locator("html").get_attribute("lang") == lang
            screenshot(page, f"publishing-{name}-{lang}")
    page.goto(f"{live_server.url}/search?q=%E5%8F%8B%E5%A5%BD&lang=zh")
    expect(page.locator(".result").first).to_be_visible()
    screenshot(page, "publishing-search-zh")
