"""A record imported from an earlier site keeps its source and its views there (issue 15,
item 6): set through the API and the record desk, shown on the public page, views on top."""

from __future__ import annotations

import html
import re
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.publishing.enums import RecordStatus
from congress.domain.publishing.models import Record
from tests.conftest import log_in, make_staff, post_form


async def test_provenance_through_api_desk_and_public_page(
    client: AsyncTestClient, db: AsyncSession, demo: Any, tokens: dict[Role, dict[str, str]]
) -> None:
    record = (
        await db.execute(select(Record).where(Record.status == RecordStatus.PUBLISHED).limit(1))
    ).scalar_one()
    url = f"/api/v1/records/{record.id}"
    bad = await client.patch(
        url, json={"source_url": "javascript:alert(1)"}, headers=tokens[Role.EDITOR]
    )
    assert bad.status_code == 422
    assert (
        await client.patch(url, json={"source_view_count": -1}, headers=tokens[Role.EDITOR])
    ).status_code == 422
    changed = await client.patch(
        url,
        json={
            "source_name": "Friendship Herald <b>",
            "source_url": "https://herald.example.org/2019/congress",
            "source_published_on": "2019-05-09",
            "source_view_count": 1200,
        },
        headers=tokens[Role.EDITOR],
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["source_view_count"] == 1200
    page = await client.get(f"/events/{demo.slug}/records/{record.slug}")
    text = html.unescape(re.sub(r"<[^>]+>", " ", page.text))
    assert "First published" in text and "Friendship Herald <b>" in text
    assert "Friendship Herald <b>" not in page.text  # escaped
    assert 'href="https://herald.example.org/2019/congress"' in page.text
    await db.refresh(record)
    views = re.search(r'class="views">([\d,\s]+) readers', page.text)
    assert views is not None and int(re.sub(r"\D", "", views.group(1))) == record.view_count + 1200

    # The record desk shows and changes the same fields.
    editor, _ = await make_staff(db, Role.EDITOR)
    await log_in(client, editor.email)
    form_url = f"/manage/events/{demo.slug}/records/{record.id}"
    form = await client.get(form_url)
    assert 'value="https://herald.example.org/2019/congress"' in form.text
    assert 'value="1200"' in form.text
    saved = await post_form(
        client,
        form_url,
        {
            "slug": record.slug,
            "headline.en": record.headline.get("en", "x"),
            "source_name": "Herald",
            "source_view_count": "5",
        },
    )
    assert saved.status_code in (302, 303), saved.text[:2000]
    await db.refresh(record)
    assert record.source_name == "Herald" and record.source_view_count == 5
