from __future__ import annotations

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.app import create_app
from congress.domain.accounts.enums import Role
from congress.domain.accounts.models import StaffSession
from congress.settings import Settings
from tests.conftest import PASSWORD, csrf_token, log_in, make_staff, post_form

HTML = {"accept": "text/html"}


async def test_browser_is_sent_to_login_and_api_gets_401(client: AsyncTestClient) -> None:
    page = await client.get("/manage?x=1", headers=HTML, follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Fmanage%3Fx%3D1"
    api = await client.get("/api/v1/users", headers=HTML)
    assert api.status_code == 401
    assert api.headers["content-type"].startswith("application/problem+json")


async def test_login_session_and_logout(client: AsyncTestClient, db: AsyncSession) -> None:
    user, _ = await make_staff(db, Role.ORGANIZER, "Ann@Example.org")
    await client.get("/login")
    before = client.cookies.get("congress_session")
    response = await log_in(client, "ann@example.org")
    assert response.headers["location"] == "/manage"
    after = client.cookies.get("congress_session")
    assert after and after != before  # a fresh session id at login
    assert await db.scalar(select(func.count()).select_from(StaffSession)) >= 1
    page = await client.get("/manage", headers=HTML)
    assert page.status_code == 200
    assert "Test organizer" in page.text
    await db.refresh(user)
    assert user.last_login_at is not None

    # The session authenticates pages, never the API (which is exempt from CSRF checks).
    api = await client.get("/api/v1/audit-entries", headers=HTML)
    assert api.status_code == 401

    out = await post_form(client, "/logout", {})
    assert out.status_code == 303
    again = await client.get("/manage", headers=HTML, follow_redirects=False)
    assert again.status_code == 303


async def test_wrong_password_keeps_email_and_locks_out(
    client: AsyncTestClient, db: AsyncSession, settings: Settings
) -> None:
    await make_staff(db, Role.ORGANIZER, "bob@example.org")
    for _ in range(settings.login_attempts_per_account):
        wrong = await post_form(
            client, "/login", {"email": "bob@example.org", "password": "not it at all"}
        )
        assert wrong.status_code == 422
        assert "not right" in wrong.text
        assert 'value="bob@example.org"' in wrong.text
        assert "not it at all" not in wrong.text
    locked = await post_form(client, "/login", {"email": "bob@example.org", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.text


async def test_empty_login_form_marks_fields(client: AsyncTestClient) -> None:
    response = await post_form(client, "/login", {"email": "", "password": ""})
    assert response.status_code == 422
    assert "Enter your e-mail address." in response.text
    assert "Enter your password." in response.text


async def test_forms_need_the_csrf_token(client: AsyncTestClient, db: AsyncSession) -> None:
    await make_staff(db, Role.ORGANIZER, "eve@example.org")
    await csrf_token(client)
    response = await client.post(
        "/login", data={"email": "eve@example.org", "password": PASSWORD}, headers=HTML
    )
    assert response.status_code == 403
    assert "CSRF" in response.text


async def test_next_must_be_local(client: AsyncTestClient, db: AsyncSession) -> None:
    await make_staff(db, Role.ORGANIZER, "kim@example.org")
    response = await post_form(
        client,
        "/login",
        {"email": "kim@example.org", "password": PASSWORD, "next": "//evil.example/x"},
    )
    assert response.headers["location"] == "/manage"


async def test_visitors_get_no_session_rows(client: AsyncTestClient, db: AsyncSession) -> None:
    for _ in range(3):
        assert (await client.get("/")).status_code == 200
        await client.get("/login")
    assert await db.scalar(select(func.count()).select_from(StaffSession)) == 0
    assert "congress_session" not in client.cookies


async def test_sessions_in_redis_when_configured(settings: Settings, db: AsyncSession) -> None:
    redis_settings = settings.model_copy(update={"redis_url": "redis://127.0.0.1:6379/0"})
    app = create_app(redis_settings)
    await make_staff(db, Role.EDITOR, "red@example.org")
    async with AsyncTestClient(app=app) as client:
        await log_in(client, "red@example.org")
        page = await client.get("/manage", headers=HTML)
        assert page.status_code == 200
        assert "Test editor" in page.text
    await app.state.engine.dispose()
    assert await db.scalar(select(func.count()).select_from(StaffSession)) == 0


async def test_interface_language_from_browser_and_choice(
    client: AsyncTestClient, db: AsyncSession
) -> None:
    russian = await client.get("/login", headers={**HTML, "accept-language": "ru,en;q=0.5"})
    assert "Вход для сотрудников" in russian.text
    user, _ = await make_staff(db, Role.ORGANIZER, "lang@example.org")
    await log_in(client, "lang@example.org")
    chosen = await post_form(client, "/language", {"locale": "ru", "next": "/manage"})
    assert chosen.headers["location"] == "/manage"
    page = await client.get("/manage", headers={**HTML, "accept-language": "en"})
    assert "Выйти" in page.text
    await db.refresh(user)
    assert user.locale == "ru"
