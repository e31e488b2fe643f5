"""The sitemap lists what the public may read and nothing else: no draft event, no draft or
scheduled report, no tag that only unpublished reports carry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.db.base import utc_now
from congress.domain.events.enums import EventStatus
from congress.domain.programme.models import Session
from congress.domain.publishing.enums import RecordStatus
from congress.domain.publishing.models import Category, Record, Tag
from tests.publishing_data import build_event

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


async def test_only_published_pages_are_in_the_sitemap(client: Any, db: AsyncSession) -> None:
    event = await build_event(db, sessions=2, speeches_per_session=1, people=10)
    draft = await build_event(
        db, slug="secret-plans", sessions=1, speeches_per_session=1, people=10,
        status=EventStatus.DRAFT,
    )  # fmt: skip
    public_tag, hidden_tag = (
        Tag(slug="opening", name={"en": "Opening"}),
        Tag(slug="embargoed", name={"en": "Embargoed"}),
    )
    hidden_category = Category(slug="internal", name={"en": "Internal"})
    published = Record(
        event_id=event.id,
        slug="news",
        headline={"en": "News"},
        status=RecordStatus.PUBLISHED,
        published_at=utc_now(),
        tags=[public_tag],
    )
    db.add_all(
        [
            published,
            Record(
                event_id=event.id,
                slug="draft-report",
                headline={"en": "Draft"},
                tags=[hidden_tag],
                category=hidden_category,
            ),
            Record(
                event_id=event.id,
                slug="tomorrow",
                headline={"en": "Tomorrow"},
                status=RecordStatus.PUBLISHED,
                publish_at=utc_now() + dt.timedelta(days=1),
                tags=[hidden_tag],
            ),
            Record(
                event_id=draft.id,
                slug="news",
                headline={"en": "Draft event news"},
                status=RecordStatus.PUBLISHED,
                published_at=utc_now(),
                tags=[hidden_tag],
            ),
        ]
    )
    await db.commit()
    sessions = (await db.scalars(select(Session.id).where(Session.event_id == event.id))).all()

    answer = await client.get("/sitemap.xml")
    assert answer.status_code == 200
    document = etree.fromstring(answer.content)
    locations = [loc.text for loc in document.findall("s:url/s:loc", NS)]
    paths = {loc.split("://", 1)[1].split("/", 1)[1].split("?")[0] for loc in locations}
    base = f"events/{event.slug}"
    assert {
        "",
        base,
        f"{base}/programme",
        f"{base}/records/news",
        "tags/opening",
        *(f"{base}/sessions/{session_id}" for session_id in sessions),
    } <= paths
    assert not [path for path in paths if "secret-plans" in path]
    assert f"{base}/records/draft-report" not in paths and f"{base}/records/tomorrow" not in paths
    assert "tags/embargoed" not in paths and "categories/internal" not in paths
    # Four languages of the event, one <url> each, every page reachable by the public.
    assert len(locations) == 4 * len(paths)
    for path in sorted(paths):
        page = await client.get(f"/{path}?lang=ru")
        assert page.status_code == 200, path
    assert (await client.get(f"/{base}/records/tomorrow")).status_code == 404
