"""The public site for search engines: /sitemap.xml (every published page in every language,
each with its other languages as ``hreflang`` alternates) and /robots.txt.

Sitemap protocol 0.9 (https://www.sitemaps.org/protocol.html) with Google's ``xhtml:link``
extension for the language versions of a page. A page comes in a language by ``?lang=``; the
address without it is negotiated from Accept-Language, so it is the ``x-default``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.events.models import Event
from congress.domain.events.services import PUBLIC_EVENT
from congress.domain.programme.models import AgendaItem, Session, Speech
from congress.domain.publishing.models import Category, Record, Tag, record_tag
from congress.domain.publishing.services import published_now

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
# The protocol's limit per file; a site this large would need a sitemap index.
MAX_URLS = 50_000
# Pages that belong to no single event offer the languages of the site's words.
SITE_LANGUAGES = ("en", "ru", "zh", "de")
# Only the public site: staff pages, the API, the check-in desk and tickets are not for robots.
DISALLOWED = (
    "/manage/", "/desk/", "/api/", "/login", "/logout", "/language", "/schema", "/events/*/tickets/",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Page:
    path: str
    languages: Sequence[str]
    modified: dt.datetime | None = None


async def published_pages(db: AsyncSession) -> list[Page]:
    """Every page the public may read: the home page; per public event its page, programme,
    sessions, speeches and published reports; the tags and categories of published reports."""
    pages = [Page("/", SITE_LANGUAGES)]
    events = {
        event.id: event
        for event in (await db.scalars(select(Event).where(PUBLIC_EVENT).order_by(Event.id))).all()
    }
    sessions = await db.execute(
        select(Session.event_id, Session.id)
        .where(Session.event_id.in_(events))
        .order_by(Session.event_id, Session.planned_start, Session.id)
    )
    speeches = await db.execute(
        select(Session.event_id, Speech.id)
        .join(AgendaItem, AgendaItem.id == Speech.agenda_item_id)
        .join(Session, Session.id == AgendaItem.session_id)
        .where(Session.event_id.in_(events))
        .order_by(Session.event_id, Speech.id)
    )
    records = await db.execute(
        select(Record.event_id, Record.slug, Record.published_at, Record.updated_at)
        .where(Record.event_id.in_(events), published_now())
        .order_by(Record.event_id, Record.published_at.desc(), Record.id.desc())
    )
    below: dict[int, list[Page]] = {event_id: [] for event_id in events}
    for event_id, session_id in sessions:
        event = events[event_id]
        below[event_id].append(Page(f"/events/{event.slug}/sessions/{session_id}", event.languages))
    for event_id, speech_id in speeches:
        event = events[event_id]
        below[event_id].append(Page(f"/events/{event.slug}/speeches/{speech_id}", event.languages))
    for event_id, slug, published, updated in records:
        event = events[event_id]
        modified = max(moment for moment in (published, updated) if moment is not None)
        below[event_id].append(
            Page(f"/events/{event.slug}/records/{slug}", event.languages, modified)
        )
    for event_id, event in events.items():
        pages.append(Page(f"/events/{event.slug}", event.languages, event.updated_at))
        pages.append(Page(f"/events/{event.slug}/programme", event.languages))
        pages.extend(below[event_id])

    public_records = (
        select(Record.id)
        .join(Event, Event.id == Record.event_id)
        .where(PUBLIC_EVENT, published_now())
    )
    tags = await db.scalars(
        select(Tag.slug)
        .join(record_tag, record_tag.c.tag_id == Tag.id)
        .where(record_tag.c.record_id.in_(public_records))
        .distinct()
        .order_by(Tag.slug)
    )
    pages.extend(Page(f"/tags/{slug}", SITE_LANGUAGES) for slug in tags)
    categories = await db.scalars(
        select(Category.slug)
        .join(Record, Record.category_id == Category.id)
        .where(Record.id.in_(public_records))
        .distinct()
        .order_by(Category.slug)
    )
    pages.extend(Page(f"/categories/{slug}", SITE_LANGUAGES) for slug in categories)
    return pages


def _address(base_url: str, path: str, lang: str | None) -> str:
    return f"{base_url}{path}" if lang is None else f"{base_url}{path}?lang={lang}"


def sitemap_xml(pages: Sequence[Page], base_url: str) -> bytes:
    """One <url> per page and language, each naming all the page's languages (itself too, as
    the protocol's extension asks) and the negotiated address as ``x-default``."""
    urlset = etree.Element(f"{{{SITEMAP}}}urlset", nsmap={None: SITEMAP, "xhtml": XHTML})
    count = 0
    for page in pages:
        for lang in page.languages:
            if count == MAX_URLS:
                break
            count += 1
            url = etree.SubElement(urlset, f"{{{SITEMAP}}}url")
            etree.SubElement(url, f"{{{SITEMAP}}}loc").text = _address(base_url, page.path, lang)
            if page.modified is not None:
                moment = page.modified.astimezone(dt.UTC).replace(microsecond=0)
                etree.SubElement(url, f"{{{SITEMAP}}}lastmod").text = moment.isoformat()
            for other in [*page.languages, None]:
                etree.SubElement(
                    url,
                    f"{{{XHTML}}}link",
                    rel="alternate",
                    hreflang=other or "x-default",
                    href=_address(base_url, page.path, other),
                )
    return etree.tostring(urlset, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def robots_txt(base_url: str) -> str:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), "Allow: /"]
    return "\n".join([*lines, "", f"Sitemap: {base_url}/sitemap.xml", ""])
