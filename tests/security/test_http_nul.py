"""A NUL character (%00) anywhere a user can put one is bad input (4xx), never a server error:
PostgreSQL refuses NUL in text, so it must be stopped before any query (run on both databases)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.registration.models import Participant
from tests.conftest import csrf_token, log_in, make_staff
from tests.publishing_data import build_event

CSV = "Pyotr,Ivanov,Peace Foundation,Chairman,,pyotr@example.org\n"


@pytest.mark.parametrize(
    "path",
    [
        "/events/%00",
        "/events/%00/programme",
        "/events/congress%00/schedule.json",
        "/media/%00",
        "/media/thumbs/%00.jpg",
        "/api/v1/events/%00",
        "/api/v1/events/%00/sessions",
        "/manage/events/%00",
        "/desk/%00",
        "/static/%00",
        "/%00",
    ],
)
async def test_nul_in_a_path(client: Any, db: AsyncSession, tokens: Any, path: str) -> None:
    await build_event(db, sessions=1, speeches_per_session=1, people=10)
    for headers in ({}, tokens[Role.ORGANIZER]):
        response = await client.get(path, headers=headers)
        assert 400 <= response.status_code < 500, (path, response.status_code, response.text)


async def test_nul_in_the_login_email(client: Any, db: AsyncSession) -> None:
    await make_staff(db, Role.ORGANIZER, "staff@example.org")
    for email in ("staff@example.org\x00", "\x00", "staff\x00@example.org"):
        response = await client.post(
            "/login",
            data={
                "email": email,
                "password": "x",
                "next": "/manage",
                "_csrf_token": await csrf_token(client),
            },
            follow_redirects=False,
        )
        assert 400 <= response.status_code < 500, (email, response.status_code, response.text)
        assert "/manage" not in response.headers.get("location", "")
    # The form still works afterwards.
    await log_in(client, "staff@example.org")


async def test_nul_in_a_csv_participants_import(client: Any, db: AsyncSession, tokens: Any) -> None:
    event = await build_event(db, sessions=1, speeches_per_session=1, people=10)
    before = await db.scalar(select(func.count()).select_from(Participant))
    for content in (
        CSV.replace("Ivanov", "Iva\x00nov"),
        "\x00" + CSV,
        CSV.replace("pyotr@", "p\x00@"),
    ):
        page = await client.post(
            f"/manage/events/{event.slug}/registration/import",
            files={"file": ("list.csv", content.encode(), "text/csv")},
            headers={**tokens[Role.REGISTRAR], "x-csrftoken": await csrf_token(client)},
        )
        assert page.status_code == 422, page.text
        assert "NUL" in page.text
        api = await client.post(
            f"/api/v1/events/{event.slug}/participants/import",
            files={"file": ("list.csv", content.encode(), "text/csv")},
            headers=tokens[Role.REGISTRAR],
        )
        assert 400 <= api.status_code < 500, api.text
        assert api.headers["content-type"].startswith("application/problem+json")
    assert await db.scalar(select(func.count()).select_from(Participant)) == before
