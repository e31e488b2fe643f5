"""An editor publishes a record; a visitor reads it in another language and comments on it."""

from __future__ import annotations

import asyncio
import io
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, expect
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

from congress.db.engine import make_engine
from congress.domain.accounts.enums import Role
from congress.domain.programme.models import Speech
from congress.settings import Settings
from tests.conftest import make_staff
from tests.e2e.conftest import LiveServer, screenshot

pytestmark = pytest.mark.e2e


async def _seed(settings: Settings) -> tuple[str, int]:
    engine = make_engine(settings, poolclass=NullPool)
    async with AsyncSession(engine, expire_on_commit=False) as db:
        user, token = await make_staff(db, Role.EDITOR)
        user.name = "Olga Smirnova"
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
    demo_slug: str, live_server: LiveServer, browser: Browser, settings: Settings
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

    # The editor writes the report on the desk, in four languages, as a draft.
    editor.goto(f"{base}/manage/events/{demo_slug}/record")
    editor.get_by_role("link", name="New report").click()
    editor.get_by_role("button", name="Create the draft").click()  # nothing typed yet
    expect(editor.locator("#headline-error")).to_be_visible()
    headlines = {
        "en": "The second day of the congress",
        "ru": "Второй день конгресса",
        "zh": "大会第二天",
        "de": "Der zweite Kongresstag",
    }
    for code, text in headlines.items():
        editor.fill(f"#f-headline\\.{code}", text)
    editor.fill("#f-lead\\.en", "Reports of the executive committees.")
    editor.fill("#f-lead\\.ru", "Доклады исполкомов.")
    editor.fill("#f-body\\.en", "<p>The plenary heard the reports.</p><script>alert(1)</script>")
    editor.fill("#f-slug", "second-day")
    editor.fill("#f-new_tags", "plenary, committees")
    editor.get_by_role("button", name="Create the draft").click()
    expect(editor.locator(".flash")).to_have_text("The report was created as a draft.")
    screenshot(editor, "publishing-desk-record")

    # The draft is invisible.
    assert visitor.goto(f"{base}/events/{demo_slug}/records/second-day").status == 404

    workflow = editor.locator("#workflow")
    workflow.get_by_role("button", name="Send to review").click()
    expect(editor.locator("#workflow .pill")).to_have_text("in review")
    editor.locator("#workflow").get_by_role("button", name="Publish now").click()
    expect(editor.locator("#workflow .pill")).to_have_text("published")
    editor.goto(f"{base}/manage/events/{demo_slug}/record")
    row = editor.locator("tr", has_text="The second day of the congress")
    expect(row.locator(".pill")).to_have_text("published")
    screenshot(editor, "publishing-desk")

    # A visitor finds it, switches to Russian, reads a speech by its URL and comments.
    visitor.goto(f"{base}/events/{demo_slug}")
    visitor.get_by_role("link", name="The second day of the congress").click()
    visitor.locator(".languages").get_by_role("link", name="Русский").click()
    expect(visitor.locator("h1")).to_have_text("Второй день конгресса")
    assert visitor.locator("html").get_attribute("lang") == "ru"
    expect(visitor.locator(".fallback").first).to_be_visible()  # the body exists in English only
    record_url = visitor.url

    visitor.goto(f"{base}/events/{demo_slug}/speeches/{speech_id}?lang=ru")
    expect(visitor.locator(".transcript")).to_be_visible()
    screenshot(visitor, "publishing-speech-ru")

    visitor.goto(record_url)
    visitor.fill("#author_name", "Ольга")
    visitor.fill("#body", "Спасибо за репортаж!")
    time.sleep(2.2)  # people take longer than the form's time check
    visitor.get_by_role("button", name="Отправить").click()
    expect(visitor.locator(".notice")).to_be_visible()
    expect(visitor.locator(".comment", has_text="Спасибо за репортаж!")).to_have_count(0)

    editor.goto(f"{base}/manage/events/{demo_slug}/record")
    expect(editor.locator(".comment", has_text="Спасибо за репортаж!")).to_be_visible()
    screenshot(editor, "publishing-desk-moderation")
    editor.locator(".comment", has_text="Спасибо за репортаж!").get_by_role(
        "button", name="Approve"
    ).click()
    expect(editor.locator(".flash")).to_be_visible()

    visitor.goto(record_url)
    expect(visitor.locator(".comment", has_text="Спасибо за репортаж!")).to_have_count(1)
    screenshot(visitor, "publishing-record-ru")


def test_pages_in_every_language(
    demo_slug: str, live_server: LiveServer, browser: Browser, settings: Settings
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
            response = page.goto(f"{live_server.url}/events/{demo_slug}{path}?lang={lang}")
            assert response is not None and response.status == 200
            assert page.locator("html").get_attribute("lang") == lang
            screenshot(page, f"publishing-{name}-{lang}")
    page.goto(f"{live_server.url}/search?q=%E5%8F%8B%E5%A5%BD&lang=zh")
    expect(page.locator(".result").first).to_be_visible()
    screenshot(page, "publishing-search-zh")


def _photo(colour: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (1600, 1067), colour)
    draw = ImageDraw.Draw(image)
    for x in range(-1000, 1600, 90):
        draw.line([(x, 0), (x + 1067, 1067)], fill=(255, 255, 255), width=8)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


def test_desk_photos(
    demo_slug: str, live_server: LiveServer, browser: Browser, settings: Settings
) -> None:
    token, _ = seed(settings)
    base = live_server.url
    editor = browser.new_context(
        viewport={"width": 1280, "height": 900},
        extra_http_headers={"Authorization": f"Bearer {token}"},
    ).new_page()
    desk = f"{base}/manage/events/{demo_slug}/record"
    for name, colour, caption in (
        ("presidium.jpg", (38, 84, 150), "The presidium of the opening ceremony"),
        ("badge.jpg", (150, 62, 48), "A commemorative badge for a video blogger"),
        ("hall.jpg", (52, 122, 86), "Delegates in the Great Hall"),
    ):
        editor.goto(desk)
        editor.set_input_files(
            "#f-file", files=[{"name": name, "mimeType": "image/jpeg", "buffer": _photo(colour)}]
        )
        editor.fill("#f-caption\\.en", caption)
        editor.fill("#f-credit", "Photo: A. Petrov")
        editor.get_by_role("button", name="Upload").click()
        expect(editor.locator(".flash")).to_contain_text("The photo was uploaded")

    # The last one: captions in the other languages and the people it shows.
    editor.fill("#f-caption\\.ru", "Делегаты в Большом зале")
    editor.fill("#f-caption\\.zh", "大会堂里的代表们")
    editor.locator(".people-checks label").first.locator("input").check()
    screenshot(editor, "publishing-desk-photo")
    editor.get_by_role("button", name="Save").click()
    expect(editor.locator(".flash")).to_have_text("The photo was saved.")
    expect(editor.locator(".thumbs figure")).to_have_count(3)
    screenshot(editor, "publishing-desk-photos")

    editor.locator("figure", has_text="A commemorative badge").get_by_role(
        "link", name="Delete"
    ).click()
    expect(editor.locator("h2", has_text="Delete this photo?")).to_be_visible()
    screenshot(editor, "publishing-desk-photo-delete")
    editor.get_by_role("button", name="Delete photo").click()
    expect(editor.locator(".flash")).to_have_text("The photo was deleted.")
    expect(editor.locator(".thumbs figure")).to_have_count(2)

    public = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    public.goto(f"{base}/events/{demo_slug}?lang=zh")
    expect(public.locator(".gallery figure", has_text="大会堂里的代表们")).to_have_count(1)
