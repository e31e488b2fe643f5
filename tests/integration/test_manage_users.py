"""The admins' pages of staff accounts: list, create, change role, reset password, deactivate."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.app import create_app
from congress.domain.accounts.enums import Role
from congress.domain.accounts.models import User
from tests.conftest import PASSWORD, csrf_token, log_in, make_staff, post_form

HTML = {"accept": "text/html"}
NEW_PASSWORD = "a much longer secret"


async def can_log_in(app: Litestar, email: str, password: str) -> bool:
    """Log in from a second browser: a client of its own on a server of its own (a second test
    client on the same app would run in another event loop, which PostgreSQL's pooled
    connections cannot follow)."""
    other_app = create_app(app.state.settings)
    try:
        async with AsyncTestClient(app=other_app) as other:
            response = await other.post(
                "/login",
                data={"email": email, "password": password, "_csrf_token": await csrf_token(other)},
                follow_redirects=False,
            )
    finally:
        await other_app.state.engine.dispose()
    return response.status_code in (302, 303)


async def as_admin(client: AsyncTestClient, db: AsyncSession) -> User:
    admin, _ = await make_staff(db, Role.ADMIN, "boss@example.org")
    await log_in(client, admin.email)
    return admin


async def test_admin_creates_an_account(
    client: AsyncTestClient, db: AsyncSession, app: Litestar
) -> None:
    await as_admin(client, db)
    listing = await client.get("/manage/users", headers=HTML)
    assert listing.status_code == 200
    assert "boss@example.org" in listing.text

    bad = await post_form(
        client,
        "/manage/users",
        {"email": "not an address", "name": "Rita", "role": "registrar", "password": "short"},
    )
    assert bad.status_code == 422
    assert 'id="email-error"' in bad.text and 'id="password-error"' in bad.text
    assert 'value="not an address"' in bad.text and 'value="Rita"' in bad.text
    assert 'value="short"' not in bad.text

    mismatch = await post_form(
        client,
        "/manage/users",
        {
            "email": "rita@example.org",
            "name": "Rita",
            "role": "registrar",
            "password": NEW_PASSWORD,
            "repeat": NEW_PASSWORD + "!",
        },
    )
    assert mismatch.status_code == 422
    assert "The two passwords are not the same." in mismatch.text
    assert NEW_PASSWORD not in mismatch.text

    created = await post_form(
        client,
        "/manage/users",
        {
            "email": "Rita@Example.org",
            "name": "Rita",
            "role": "registrar",
            "password": NEW_PASSWORD,
            "repeat": NEW_PASSWORD,
        },
    )
    assert created.status_code == 303, created.text
    page = await client.get(created.headers["location"], headers=HTML)
    assert "The account was created." in page.text and "rita@example.org" in page.text
    assert await can_log_in(app, "rita@example.org", NEW_PASSWORD)

    taken = await post_form(
        client,
        "/manage/users",
        {"email": "rita@example.org", "role": "editor", "password": PASSWORD, "repeat": PASSWORD},
    )
    assert taken.status_code == 422
    assert "This is already taken; choose another." in taken.text


async def test_role_password_and_deactivation(
    client: AsyncTestClient, db: AsyncSession, app: Litestar
) -> None:
    admin = await as_admin(client, db)
    editor, _ = await make_staff(db, Role.EDITOR, "ed@example.org")
    admin_id, admin_email, editor_id = admin.id, admin.email, editor.id
    page = f"/manage/users/{editor_id}"

    changed = await post_form(
        client, page, {"email": "ed@example.org", "name": "Ed", "role": "organizer", "locale": "ru"}
    )
    assert changed.status_code == 303
    bad = await post_form(client, page, {"email": "ed@", "name": "Edward", "role": "organizer"})
    assert bad.status_code == 422
    assert 'id="email-error"' in bad.text and 'value="Edward"' in bad.text

    mismatch = await post_form(
        client, f"{page}/password", {"password": NEW_PASSWORD, "repeat": "something else"}
    )
    assert mismatch.status_code == 422
    assert 'id="repeat-error"' in mismatch.text
    reset = await post_form(
        client, f"{page}/password", {"password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
    )
    assert reset.status_code == 303
    assert await can_log_in(app, "ed@example.org", NEW_PASSWORD)
    assert not await can_log_in(app, "ed@example.org", PASSWORD)

    confirm = await client.get(f"{page}/deactivate", headers=HTML)
    assert confirm.status_code == 200
    assert "Deactivate account</button>" in confirm.text
    deactivated = await post_form(client, f"{page}/deactivate", {})
    assert deactivated.status_code == 303
    db.expire_all()
    stored = await db.get(User, editor_id)
    assert stored is not None
    assert (stored.role, stored.name, stored.locale, stored.is_active) == (
        Role.ORGANIZER,
        "Ed",
        "ru",
        False,
    )
    assert not await can_log_in(app, "ed@example.org", NEW_PASSWORD)
    assert (await post_form(client, f"{page}/reactivate", {})).status_code == 303
    assert await can_log_in(app, "ed@example.org", NEW_PASSWORD)

    # Nobody locks the admins out: not of their own account, not the last admin.
    own = await post_form(client, f"/manage/users/{admin_id}/deactivate", {})
    assert own.status_code == 409
    assert "you cannot deactivate your own account" in own.text
    demoted = await post_form(
        client, f"/manage/users/{admin_id}", {"email": admin_email, "role": "organizer"}
    )
    assert demoted.status_code == 422
    assert 'id="role-error">This is the last active admin account' in demoted.text
    db.expire_all()
    assert (await db.scalar(select(User.role).where(User.id == admin_id))) is Role.ADMIN


async def test_accounts_are_for_admins_only(client: AsyncTestClient, db: AsyncSession) -> None:
    editor, _ = await make_staff(db, Role.EDITOR)
    anonymous = await client.get("/manage/users", headers=HTML, follow_redirects=False)
    assert anonymous.status_code == 303
    organizer, _ = await make_staff(db, Role.ORGANIZER)
    await log_in(client, organizer.email)
    for path in ("/manage/users", f"/manage/users/{editor.id}"):
        assert (await client.get(path, headers=HTML)).status_code == 403
    for path in (
        "/manage/users",
        f"/manage/users/{editor.id}",
        f"/manage/users/{editor.id}/password",
        f"/manage/users/{editor.id}/deactivate",
    ):
        assert (await post_form(client, path, {"role": "admin"})).status_code == 403
    overview = await client.get("/manage", headers=HTML)
    assert 'href="/manage/users"' not in overview.text
