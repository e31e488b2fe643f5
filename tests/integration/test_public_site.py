"""The public site: pages, languages, drafts, comments, views, search, query counts."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.db.base import utc_now
from congress.domain.events.enums import EventStatus
from congress.domain.programme.models import Speech
from congress.domain.publishing import services
from congress.domain.publishing.enums import CommentStatus, RecordStatus
from congress.domain.publishing.models import Comment, Record, RecordView
from tests.conftest import csrf_token
from tests.publishing_data import build_event

EVENT_PAGES = ("", "/programme", "/records/opening")


async def test_home_lists_public_events_only(client: Any, db: AsyncSession) -> None:
    await build_event(db, slug="public-one", sessions=1)
    await build_event(db, slug="hidden-draft", sessions=1, status=EventStatus.DRAFT)
    response = await client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert response.status_code == 200
    assert "Zweiter Internationaler Freundschaftskongress" in response.text
    assert "hidden-draft" not in response.text
    assert '<html lang="de">' in response.text


async def test_demo_pages_in_every_language(client: Any, db: AsyncSession, demo_slug: str) -> None:
    slug = demo_slug
    speech_id = await db.scalar(select(func.min(Speech.id)))
    for lang in ("en", "ru", "zh", "de"):
        for path in ("", "/programme", "/records/opening-ceremony", f"/speeches/{speech_id}"):
            response = await client.get(f"/events/{slug}{path}?lang={lang}")
            assert response.status_code == 200, (path, lang)
            assert f'<html lang="{lang}">' in response.text
            for other in ("en", "ru", "zh", "de"):
                assert f'hreflang="{other}"' in response.text
    page = await client.get(f"/events/{slug}?lang=ru")
    assert "Программа" in page.text and "Открытые данные" in page.text
    assert 'type="application/ld+json"' in page.text


async def test_fallback_is_announced(client: Any, db: AsyncSession) -> None:
    event = await build_event(db, sessions=1, speeches_per_session=1)
    speech_id = await db.scalar(select(func.min(Speech.id)))
    # The generated transcripts exist in English and Russian only.
    german = await client.get(f"/events/{event.slug}/speeches/{speech_id}?lang=de")
    assert 'class="fallback"' in german.text
    assert "Noch nicht auf Deutsch verfügbar" in german.text
    assert 'lang="en"' in german.text
    russian = await client.get(f"/events/{event.slug}/speeches/{speech_id}?lang=ru")
    assert 'class="fallback"' not in russian.text
    assert "Дорогие друзья!" in russian.text


async def test_drafts_are_invisible(client: Any, db: AsyncSession, admin: dict[str, str]) -> None:
    event = await build_event(db, sessions=1, speeches_per_session=1)
    db.add_all(
        [
            Record(event_id=event.id, slug="draft", headline={"en": "Draft text"}),
            Record(
                event_id=event.id,
                slug="review",
                headline={"en": "In review"},
                status=RecordStatus.REVIEW,
            ),
            Record(
                event_id=event.id,
                slug="tomorrow",
                headline={"en": "Tomorrow report"},
                status=RecordStatus.PUBLISHED,
                publish_at=utc_now() + dt.timedelta(hours=3),
            ),
        ]
    )
    await db.commit()
    page = await client.get(f"/events/{event.slug}")
    for hidden in ("Draft text", "In review", "Tomorrow report"):
        assert hidden not in page.text
    for slug in ("draft", "review", "tomorrow"):
        response = await client.get(
            f"/events/{event.slug}/records/{slug}", headers={"Accept": "text/html"}
        )
        assert response.status_code == 404, slug
    # Staff can preview.
    preview = await client.get(f"/events/{event.slug}/records/draft", headers=admin)
    assert preview.status_code == 200 and "Draft text" in preview.text

    hidden_event = await build_event(db, slug="draft-event", sessions=1, status=EventStatus.DRAFT)
    response = await client.get(f"/events/{hidden_event.slug}", headers={"Accept": "text/html"})
    assert response.status_code == 404


async def test_comment_waits_for_moderation(
    client: Any, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "COMMENT_MIN_SECONDS", 0.0)
    client.headers["x-csrftoken"] = await csrf_token(client)  # forms carry it (CSRF)
    event = await build_event(db, sessions=1, speeches_per_session=1)
    url = f"/events/{event.slug}/records/opening"
    page = await client.get(url)
    stamp = re.search(r'name="stamp" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    form = {"author_name": "<b>Eve</b>", "body": "Great <script>alert(1)</script>", "stamp": stamp}
    sent = await client.post(f"{url}/comments", data=form, follow_redirects=False)
    assert sent.status_code == 303
    assert "commented=1" in sent.headers["location"]
    comment = (await db.scalars(select(Comment))).one()
    assert comment.status is CommentStatus.PENDING
    after = await client.get(url)
    assert "Eve" not in after.text

    comment.status = CommentStatus.APPROVED
    await db.commit()
    shown = await client.get(url)
    assert "&lt;b&gt;Eve&lt;/b&gt;" in shown.text
    assert "<script>alert(1)</script>" not in shown.text


async def test_comment_spam_defences(client: Any, db: AsyncSession, settings: Any) -> None:
    client.headers["x-csrftoken"] = await csrf_token(client)  # forms carry it (CSRF)
    event = await build_event(db, sessions=1, speeches_per_session=1)
    url = f"/events/{event.slug}/records/opening"
    secret = settings.resolved_secret()
    fresh = services.form_stamp(secret)
    # Too fast: a robot.
    too_fast = await client.post(
        f"{url}/comments", data={"author_name": "Bot", "body": "hi", "stamp": fresh}
    )
    assert too_fast.status_code == 422
    assert "too quickly" in too_fast.text
    assert 'value="Bot"' in too_fast.text  # what was typed is kept
    old = services.form_stamp(secret, time.time() - 10)
    forged = old.rsplit(".", 1)[0] + ".0000"
    bad = await client.post(
        f"{url}/comments", data={"author_name": "X", "body": "hi", "stamp": forged}
    )
    assert bad.status_code == 422
    honeypot = await client.post(
        f"{url}/comments",
        data={"author_name": "Bot", "body": "buy", "stamp": old, "website": "http://spam"},
        follow_redirects=False,
    )
    assert honeypot.status_code == 303
    too_long = await client.post(
        f"{url}/comments", data={"author_name": "Ann", "body": "x" * 5001, "stamp": old}
    )
    assert too_long.status_code == 422
    assert "at most 5000 characters" in too_long.text
    assert await db.scalar(select(func.count()).select_from(Comment)) == 0
    # The per-address limit: tests/security/test_auth_limits.py


async def test_view_counter_counts_readers_not_reloads(client: Any, db: AsyncSession) -> None:
    event = await build_event(db, sessions=1, speeches_per_session=1)
    url = f"/events/{event.slug}/records/opening"
    reader = {"User-Agent": "Mozilla/5.0 reader one"}
    for _ in range(3):
        assert (await client.get(url, headers=reader)).status_code == 200
    await client.get(url, headers={"User-Agent": "Mozilla/5.0 reader two"})
    await client.get(url, headers={"User-Agent": "Googlebot/2.1"})
    record = (await db.scalars(select(Record).where(Record.slug == "opening"))).one()
    await db.refresh(record)
    assert record.view_count == 2
    visitors = (await db.scalars(select(RecordView.visitor))).all()
    assert len(visitors) == 2
    assert all(re.fullmatch(r"[0-9a-f]{64}", visitor) for visitor in visitors)
    assert not any("reader" in visitor or "127.0.0.1" in visitor for visitor in visitors)


async def test_search_finds_published_text_only(
    client: Any, db: AsyncSession, demo_slug: str
) -> None:
    slug = demo_slug
    draft = await build_event(db, slug="secret-event", sessions=1, status=EventStatus.DRAFT)
    speech = (await db.scalars(select(Speech).limit(1))).one()
    speech.transcript = {**speech.transcript, "en": "A unique zanzibarian greeting."}
    await db.commit()
    response = await client.get("/search", params={"q": "zanzibarian"})
    assert response.status_code == 200
    assert "<mark>zanzibarian</mark>" in response.text.lower() or "<mark>" in response.text
    assert f"/events/{slug}/speeches/{speech.id}" in response.text
    russian = await client.get("/search", params={"q": "Дорогие друзья", "lang": "ru"})
    assert f"/events/{draft.slug}/" not in russian.text
    chinese = await client.get("/search", params={"q": "友好", "lang": "zh"})
    assert chinese.status_code == 200 and f"/events/{slug}/" in chinese.text
    nothing = await client.get("/search", params={"q": "qwertyuiop"})
    assert "Nothing found" in nothing.text


async def test_tag_page(client: Any, db: AsyncSession, demo_slug: str) -> None:
    slug = demo_slug
    response = await client.get("/tags/awards?lang=de")
    assert response.status_code == 200
    assert "Auszeichnungen" in response.text
    assert f"/events/{slug}/records/opening-ceremony" in response.text


@pytest.mark.parametrize("path", [*EVENT_PAGES, "/sessions/FIRST", "/speeches/FIRST"])
async def test_query_count_does_not_grow_with_the_event(
    client: Any, app: Any, db: AsyncSession, count_queries: Any, path: str
) -> None:
    small = await build_event(db, slug="small", sessions=6, speeches_per_session=2)
    large = await build_event(db, slug="large", sessions=600, speeches_per_session=5)
    counts = []
    for event in (small, large):
        resolved = path
        if "FIRST" in path:
            from congress.domain.programme.models import AgendaItem, Session

            first_session = await db.scalar(
                select(func.min(Session.id)).where(Session.event_id == event.id)
            )
            first_speech = await db.scalar(
                select(func.min(Speech.id))
                .join(AgendaItem, AgendaItem.id == Speech.agenda_item_id)
                .where(AgendaItem.session_id == first_session)
            )
            resolved = path.replace(
                "FIRST", str(first_session if "sessions" in path else first_speech)
            )
        # The first request of the day also creates the day's view salt: measure the second.
        await client.get(f"/events/{event.slug}{resolved}")
        if "publishing_cache" in app.state:
            app.state["publishing_cache"].clear()  # measure rendering, not the cache
        count_queries.count = 0
        response = await client.get(f"/events/{event.slug}{resolved}")
        assert response.status_code == 200
        counts.append(count_queries.count)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 20


async def test_cached_pages_follow_changes(client: Any, db: AsyncSession) -> None:
    event = await build_event(db, sessions=2, speeches_per_session=1)
    first = await client.get(f"/events/{event.slug}/programme")
    assert "Session 1: cooperation" in first.text
    again = await client.get(f"/events/{event.slug}/schedule.xml")
    from congress.domain.programme.models import Session

    session = (await db.scalars(select(Session).order_by(Session.id))).first()
    assert session is not None
    session.title = {"en": "Renamed opening"}
    await db.commit()
    assert "Renamed opening" in (await client.get(f"/events/{event.slug}/programme")).text
    changed = await client.get(f"/events/{event.slug}/schedule.xml")
    assert changed.content != again.content and b"Renamed opening" in changed.content
