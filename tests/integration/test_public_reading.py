"""What a visitor reads on the demo event's public pages: excerpts in another language say so,
the event page offers registration while it is open, credits, names, times, gifts, and a
comment refused for its speed."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from congress.db.base import utc_now
from congress.domain.events.models import Event
from congress.domain.programme.models import Session
from congress.domain.publishing.models import MediaItem, Record
from tests.conftest import csrf_token

EXCERPT = re.compile(r'<p class="excerpt"(?: lang="(?P<lang>[\w-]+)")?>')
NOTED = re.compile(r'class="fallback" role="note">[^<]*</p>\s*<p class="excerpt" lang="[\w-]+">')


async def test_excerpts_dates_names_credits_and_gifts(
    client: Any, db: AsyncSession, demo_slug: str
) -> None:
    event = await db.scalar(select(Event).where(Event.slug == demo_slug))
    assert event is not None
    sessions = (
        await db.scalars(
            select(Session.id).where(Session.event_id == event.id).order_by(Session.id)
        )
    ).all()
    record_slugs = (await db.scalars(select(Record.slug).where(Record.event_id == event.id))).all()
    pages = [f"/events/{demo_slug}/sessions/{sid}" for sid in sessions] + [
        f"/events/{demo_slug}/records/{slug}" for slug in record_slugs
    ]
    noted = 0
    for lang in event.languages:
        for path in pages:
            page = (await client.get(path, params={"lang": lang})).text
            excerpts = EXCERPT.findall(page)
            foreign = [code for code in excerpts if code]
            assert lang not in foreign, path
            # Every excerpt in another language is announced by the note just before it.
            assert len(NOTED.findall(page)) == len(foreign), (path, lang)
            noted += len(foreign)
            # Times to the minute.
            assert not re.search(r">[^<]*\b\d{1,2}:\d\d:\d\d\b[^<]*<", page), (path, lang)
    assert noted > 0  # the demo has untranslated transcripts: the check above ran

    opening = f"/events/{demo_slug}/sessions/{sessions[0]}"
    chinese = (await client.get(opening, params={"lang": "zh"})).text
    assert "陈静" in chinese and "陈 静" not in chinese
    assert "维克托·索科洛夫" in chinese and "维克托 索科洛夫" not in chinese
    english = (await client.get(opening, params={"lang": "en"})).text
    gift = re.search(r'<article class="agenda-item gift-item">(.*?)</article>', english, re.S)
    assert gift and gift[1].count("Chen Jing") == 1, gift

    # Credits: "Photo:" in front only where the credit does not say it already.
    for number, credit in enumerate(("Photo: A. Petrov", "B. Ivanova", "© Reuters")):
        db.add(
            MediaItem(
                event_id=event.id,
                storage_key=f"t13/{number}.jpg",
                filename=f"{number}.jpg",
                content_type="image/jpeg",
                caption={"en": f"Picture {number}"},
                credit=credit,
            )
        )
    await db.commit()
    for lang, own in (
        ("en", "Photo: B. Ivanova"),
        ("ru", "Фото: B. Ivanova"),
        ("zh", "摄影：B. Ivanova"),
    ):
        page = (await client.get(f"/events/{demo_slug}", params={"lang": lang})).text
        credits = re.findall(r'<span class="credit">([^<]*)</span>', html.unescape(page))
        assert sorted(credits) == sorted(["Photo: A. Petrov", own, "© Reuters"]), credits


async def test_event_page_offers_registration_while_open(
    client: Any, db: AsyncSession, demo_slug: str
) -> None:
    event = await db.scalar(select(Event).where(Event.slug == demo_slug))
    assert event is not None
    url = f"/events/{demo_slug}"
    register = f'href="/events/{demo_slug}/register?lang='
    now = utc_now()
    states = [
        (now - dt.timedelta(days=1), now + dt.timedelta(days=1), "en", "Register for this event"),
        (now - dt.timedelta(days=1), now + dt.timedelta(days=1), "ru", "Зарегистрироваться"),
        (now + dt.timedelta(days=1), None, "en", "Registration opens on"),
        (now - dt.timedelta(days=2), now - dt.timedelta(days=1), "en", "Registration is closed."),
        (now - dt.timedelta(days=2), now - dt.timedelta(days=1), "ru", "Регистрация закрыта."),
    ]
    for opens, closes, lang, words in states:
        await db.execute(
            update(Event)
            .where(Event.id == event.id)
            .values(registration_opens_at=opens, registration_closes_at=closes)
        )
        await db.commit()
        page = (await client.get(url, params={"lang": lang})).text
        assert words in page, (opens, closes, lang)
        assert (register in page) == (words in ("Register for this event", "Зарегистрироваться"))
        if register in page:
            form = await client.get(f"/events/{demo_slug}/register")
            assert form.status_code == 200 and 'name="consent_publication"' in form.text


async def test_a_comment_sent_too_fast_says_so_and_keeps_the_text(
    client: Any, db: AsyncSession, demo_slug: str
) -> None:
    event = await db.scalar(select(Event).where(Event.slug == demo_slug))
    assert event is not None
    slug = await db.scalar(select(Record.slug).where(Record.event_id == event.id))
    url = f"/events/{demo_slug}/records/{slug}"
    page = (await client.get(url, params={"lang": "ru"})).text
    action = re.search(r'<form class="comment-form"[^>]*action="([^"]+)"', page)
    assert action and html.unescape(action[1]) == f"{url}?lang=ru#comment-form"
    stamp = re.search(r'name="stamp" value="([^"]+)"', page)
    assert stamp
    answer = await client.post(
        html.unescape(action[1]).split("#")[0],
        data={
            "author_name": "Анна",
            "body": "Спасибо за репортаж <b>!</b>",
            "stamp": stamp[1],
            "_csrf_token": await csrf_token(client),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 422
    assert "Комментарий ещё не отправлен" in answer.text
    assert "Отправлено слишком быстро" in answer.text
    assert "Спасибо за репортаж &lt;b&gt;!&lt;/b&gt;</textarea>" in answer.text
