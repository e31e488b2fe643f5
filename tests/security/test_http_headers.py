"""Security headers on every kind of page (public, staff, login, errors, the API documentation),
and templates without inline code that the Content-Security-Policy would block."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from tests.conftest import log_in, make_staff
from tests.publishing_data import build_event

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def policy(response: Any) -> dict[str, str]:
    directives = response.headers["content-security-policy"].split(";")
    return {d.strip().split(" ", 1)[0]: d.strip().partition(" ")[2] for d in directives}


def assert_common(response: Any, url: str) -> dict[str, str]:
    assert response.headers["x-content-type-options"] == "nosniff", url
    csp = policy(response)
    assert csp["default-src"] == "'self'", url
    assert csp["script-src"] == "'self'", url  # no inline script, no eval, no CDN
    assert csp["style-src"].startswith("'self'") and "unsafe" not in csp["style-src"], url
    assert csp["object-src"] == "'none'" and csp["base-uri"] == "'self'", url
    return csp


async def test_headers_on_every_kind_of_page(client: Any, db: AsyncSession) -> None:
    event = await build_event(db, sessions=2, speeches_per_session=1, people=10)
    await make_staff(db, Role.ADMIN, "admin@example.org")
    public_pages = [
        "/",
        f"/events/{event.slug}",
        f"/events/{event.slug}/programme",
        f"/events/{event.slug}/register",
        "/search?q=friendship",
        "/events/no-such-event",  # the error page
        "/no/such/page",
        f"/events/{event.slug}/schedule.json",
    ]
    for url in public_pages:
        response = await client.get(url, headers={"accept": "text/html"})
        csp = assert_common(response, url)
        assert "frame-ancestors" not in csp, url  # public pages may be embedded
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin", url
        assert "x-frame-options" not in response.headers, url

    staff_pages = ["/login", "/schema", "/schema/swagger", "/manage/events/nope"]
    await log_in(client, "admin@example.org")
    staff_pages += [
        "/manage",
        f"/manage/events/{event.slug}",
        f"/manage/events/{event.slug}/timeline",
        f"/manage/events/{event.slug}/registration",
        f"/desk/{event.slug}",
        f"/manage/events/{event.slug}/record",
    ]
    for url in staff_pages:
        response = await client.get(url, headers={"accept": "text/html"})
        assert response.status_code in (200, 404), (url, response.status_code)
        assert response.headers["content-type"].startswith("text/html"), url
        csp = assert_common(response, url)
        assert csp["frame-ancestors"] == "'none'", url
        assert response.headers["x-frame-options"] == "DENY", url
        assert response.headers["referrer-policy"] == "same-origin", url


async def test_the_timeline_styles_carry_the_requests_nonce(client: Any, db: AsyncSession) -> None:
    event = await build_event(db, sessions=3, speeches_per_session=1, people=10)
    await make_staff(db, Role.ORGANIZER, "organizer@example.org")
    await log_in(client, "organizer@example.org")
    nonces = []
    for _ in range(2):
        page = await client.get(f"/manage/events/{event.slug}/timeline")
        nonce = re.search(r"'nonce-([^']+)'", policy(page)["style-src"])
        assert nonce is not None
        assert f'<style nonce="{nonce.group(1)}">' in page.text
        assert re.search(r"\.timeline-session-\d+ \{ left: [\d.]+%; width: [\d.]+%; \}", page.text)
        nonces.append(nonce.group(1))
    assert nonces[0] != nonces[1]
    # Pages without such styles send no nonce.
    assert "nonce" not in policy(await client.get("/manage"))["style-src"]


async def test_the_api_documentation_uses_no_cdn(client: Any) -> None:
    page = await client.get("/schema/swagger")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(source.startswith("/") for source in sources), sources
    assert "<script>" not in page.text and "style=" not in page.text
    for source in sources:
        asset = await client.get(source)
        assert asset.status_code == 200, source
    assert (await client.get("/schema/openapi.json")).json()["info"]["title"] == "congress API"


@pytest.mark.parametrize(
    "template",
    sorted(
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.rglob("*.html")
        # print/ is laid out as PDF, except the pages that extend the site's layout.
        if path.relative_to(TEMPLATES).parts[0] != "print"
        or '{% extends "base.html" %}' in path.read_text()
    ),
)
def test_templates_have_no_inline_code(template: str) -> None:
    text = (TEMPLATES / template).read_text()
    assert not re.search(r"\sstyle=", text), "style attribute"
    assert not re.search(r"\son[a-z]+=", text), "event handler attribute"
    assert not re.search(r"<style(?![^>]*nonce=)", text), "style element without the nonce"
    for script in re.findall(r"<script[^>]*>", text):
        # Scripts from files only; data blocks (JSON the browser never runs) are allowed.
        assert "src=" in script or re.search(r'type="application/(ld\+)?json"', script), script
