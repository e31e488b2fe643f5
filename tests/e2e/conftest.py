"""Browser tests: the app served by uvicorn on a free port, driven by Debian's chromium."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy.ext.asyncio import AsyncSession

from congress.db.engine import make_engine
from congress.domain.accounts.enums import Role
from congress.domain.accounts.models import User
from congress.domain.accounts.services import hash_password
from congress.settings import Settings
from tests.conftest import PASSWORD, LiveServer, live_server

__all__ = ["LiveServer", "StaffFactory", "live_server", "screenshot", "staff"]

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def browser() -> Iterator[Browser]:
    # Per test, not per session: the sync API keeps an event loop running while it is open,
    # which would stop pytest-asyncio from running the async tests that follow.
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    new_page = context.new_page()
    yield new_page
    context.close()


def screenshot(page: Page, name: str) -> Path:
    """Keep a screenshot for people to look at (test-artifacts/, ignored by git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


StaffFactory = Callable[..., str]


async def _create(settings: Settings, role: Role, email: str, name: str) -> None:
    engine = make_engine(settings)
    try:
        async with AsyncSession(engine) as db:
            db.add(User(email=email, name=name, role=role, password_hash=hash_password(PASSWORD)))
            await db.commit()
    finally:
        await engine.dispose()


@pytest.fixture
def staff(settings: Settings) -> StaffFactory:
    """``staff(role, email, name)`` creates an account (password ``PASSWORD``) and gives its e-mail."""

    def create(role: Role, email: str, name: str = "") -> str:
        # Its own thread: playwright's sync API keeps an event loop busy in this one.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, _create(settings, role, email, name or email)).result()
        return email

    return create
