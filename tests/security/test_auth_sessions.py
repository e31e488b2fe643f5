"""Sessions and tokens end with a password reset or a deactivation; cookies and links follow
CONGRESS_PUBLIC_URL; the staff account page lists and revokes tokens."""

from __future__ import annotations

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from congress.app import create_app
from congress.domain.accounts.enums import Role
from congress.settings import Settings
from tests.conftest import log_in, make_staff, post_form
from tests.publishing_data import build_event

HTML = {"accept": "text/html"}
NEW_PASSWORD = "a brand new password"


async def logged_in(client: AsyncTestClient, email: str) -> bool:
    page = await client.get("/manage", headers=HTML, follow_redirects=False)
    return page.status_code == 200


async def test_password_reset_and_deactivation_end_sessions_and_tokens(
    settings: Settings, client: AsyncTestClient, db: AsyncSession
) -> None:
    await make_staff(db, Role.ADMIN, "boss@example.org")
    user, token = await make_staff(db, Role.EDITOR, "ed@example.org")
    bearer = {"Authorization": f"Bearer {token}"}
    await log_in(client, "boss@example.org")
    # The editor on a second instance of the site (one app's connections belong to one loop).
    editor_app = create_app(settings)
    async with AsyncTestClient(app=editor_app) as editor:
        await log_in(editor, "ed@example.org")
        assert await logged_in(editor, "ed@example.org")
        assert (await editor.get("/api/v1/audit-entries", headers=bearer)).status_code == 200

        reset = await post_form(
            client,
            f"/manage/users/{user.id}/password",
            {"password": NEW_PASSWORD, "repeat": NEW_PASSWORD},
        )
        assert reset.status_code == 303
        assert not await logged_in(editor, "ed@example.org")
        assert (await editor.get("/api/v1/audit-entries", headers=bearer)).status_code == 401
        # The admin who reset it keeps working; the editor logs in with the new password.
        assert await logged_in(client, "boss@example.org")
        await log_in(editor, "ed@example.org", NEW_PASSWORD)
        assert await logged_in(editor, "ed@example.org")

        page = await client.get(f"/manage/users/{user.id}", headers=HTML)
        assert "revoked" in page.text and token[:12] in page.text

        deactivated = await post_form(client, f"/manage/users/{user.id}/deactivate", {})
        assert deactivated.status_code == 303
        assert not await logged_in(editor, "ed@example.org")
        # Reactivating the account does not bring the old session back.
        await post_form(client, f"/manage/users/{user.id}/reactivate", {})
        assert not await logged_in(editor, "ed@example.org")
    await editor_app.state.engine.dispose()


async def test_staff_page_lists_and_revokes_tokens(
    client: AsyncTestClient, db: AsyncSession
) -> None:
    await make_staff(db, Role.ADMIN, "root@example.org")
    user, token = await make_staff(db, Role.REGISTRAR, "desk@example.org")
    other, other_token = await make_staff(db, Role.REGISTRAR, "desk2@example.org")
    await log_in(client, "root@example.org")
    page = await client.get(f"/manage/users/{user.id}", headers=HTML)
    assert token[:12] in page.text and token not in page.text
    assert "active" in page.text
    token_id = int(page.text.split("/tokens/")[1].split("/")[0])

    # A token of another account cannot be revoked through this account's page.
    wrong = await post_form(client, f"/manage/users/{other.id}/tokens/{token_id}/revoke", {})
    assert wrong.status_code == 404
    revoked = await post_form(client, f"/manage/users/{user.id}/tokens/{token_id}/revoke", {})
    assert revoked.status_code == 303
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/v1/ping", headers=bearer)).status_code == 401
    other_bearer = {"Authorization": f"Bearer {other_token}"}
    assert (await client.get("/api/v1/ping", headers=other_bearer)).status_code == 200
    page = await client.get(f"/manage/users/{user.id}", headers=HTML)
    assert "/revoke" not in page.text


async def test_cookies_and_links_follow_the_public_address(
    settings: Settings, db: AsyncSession
) -> None:
    await make_staff(db, Role.ADMIN, "web@example.org")
    event = await build_event(db, sessions=1, speeches_per_session=1)
    for public_url, secure in (("", False), ("https://congress.example.org/", True)):
        app = create_app(settings.model_copy(update={"public_url": public_url}))
        base_url = "https://testserver.local" if secure else "http://testserver.local"
        async with AsyncTestClient(app=app, base_url=base_url) as client:
            page = await client.get("/login")
            response = await log_in(client, "web@example.org")
            cookies = [
                *page.headers.get_list("set-cookie"),
                *response.headers.get_list("set-cookie"),
            ]
            for name in ("congress_csrf", "congress_session"):
                cookie = next(c for c in cookies if c.startswith(f"{name}="))
                assert ("; secure" in cookie.lower()) is secure, cookie
            feed = await client.get(f"/events/{event.slug}/feed.atom")
        await app.state.engine.dispose()
        assert feed.status_code == 200
        expected = (
            "https://congress.example.org/events/" if secure else "http://testserver.local/events/"
        )
        # The self link names the feed's language (one feed per language, see docs/formats.md).
        assert f'href="{expected}{event.slug}/feed.atom?lang=en"' in feed.text, feed.text[:1500]
