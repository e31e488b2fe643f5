"""Whose language each page speaks: staff pages the interface's, the public site the page's,
printed documents the document's — all through the same gettext catalogues."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from tests.conftest import log_in, make_staff, post_form
from tests.integration.test_manage_pages import EVENT

RUSSIAN = {"accept": "text/html", "accept-language": "ru"}
ENGLISH = {"accept": "text/html", "accept-language": "en"}


async def test_each_audience_reads_its_own_language(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    user, _ = await make_staff(db, Role.ORGANIZER)
    await log_in(client, user.email)
    assert (await post_form(client, "/manage/events/new", EVENT)).status_code == 303

    # An enum's word on a staff page follows the interface language.
    page = await client.get("/manage/events/world-congress", headers=RUSSIAN)
    assert '<span class="pill status-draft">черновик</span>' in page.text
    page = await client.get("/manage/events/world-congress", headers=ENGLISH)
    assert '<span class="pill status-draft">draft</span>' in page.text

    # The public site speaks the page's language, whatever the interface's.
    home = await client.get("/?lang=de", headers=RUSSIAN)
    assert "Veranstaltungen" in home.text and "Мероприятия" not in home.text
    home = await client.get("/", headers={"accept": "text/html", "accept-language": "zh"})
    assert "活动" in home.text

    # A printed document speaks its own language, not the reader's.
    printed = await client.get("/events/world-congress/programme/print?lang=en", headers=RUSSIAN)
    assert printed.status_code == 200
    assert "No sessions have been scheduled yet." in printed.text
    assert "Заседания ещё не запланированы." not in printed.text
    printed = await client.get("/events/world-congress/programme/print?lang=ru", headers=ENGLISH)
    assert "Заседания ещё не запланированы." in printed.text
