"""What every public page's template receives (the language, text helpers), and the cache of
the answers that grow with the event: its open formats, its page and programme."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import json
import logging
import re
import time
import weakref
import zoneinfo
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from anyio import to_thread
from litestar import Request
from litestar.response import Template
from litestar.template import TemplateEngineProtocol
from sqlalchemy.ext.asyncio import AsyncSession

from congress.db.base import utc_now
from congress.domain.decisions.queries import decisions_of
from congress.domain.events.models import Event
from congress.domain.events.services import EventService
from congress.domain.people.models import Person
from congress.domain.people.services import person_name
from congress.domain.programme.queries import load_programme
from congress.domain.publishing import exporters
from congress.domain.publishing.exporters import PublicSite
from congress.domain.publishing.services import (
    data_version,
    data_version_and_due,
    photos,
    published_records,
    with_details,
)
from congress.domain.registration.services import Window, registration_window
from congress.messages import N_, gettext_in, language_name
from congress.server.i18n import page_language
from congress.server.metrics import count_answer, count_version_check
from congress.server.security import current_user, site_url
from congress.server.templating import date_text, datetime_text, time_text, weekday_text
from congress.settings import Settings
from congress.translation import Translated, resolve

logger = logging.getLogger(__name__)

# A credit that names its kind already ("Photo: A. Petrov", "© Reuters", "Фото: …", "摄影：…").
CREDITED = re.compile(
    r"\s*(?:©|\(c\)|photo|foto|фото|снимок|bild|credit|copyright|摄影|攝影|图|圖)", re.IGNORECASE
)

# Pages that belong to no single event (home, search, tags) offer the languages the public
# site's words are translated into.
SITE_LANGUAGES = ["en", "ru", "zh", "de"]

# The public site's words for the values of enums it shows (session kinds, presidium roles,
# transcript statuses), translated in the page's language where shown.
VALUE_WORDS = {
    "ceremony": N_("Ceremony"),
    "plenary": N_("Plenary"),
    "section": N_("Section"),
    "round_table": N_("Round table"),
    "reception": N_("Reception"),
    "meeting": N_("Meeting"),
    "excursion": N_("Excursion"),
    "other": N_("Other"),
    "chair": N_("Chair"),
    "co_chair": N_("Co-chair"),
    "secretary": N_("Secretary"),
    "guest_of_honour": N_("Guest of honour"),
    "original": N_("original"),
    "translation": N_("translation"),
    "interpretation": N_("interpretation"),
}


def choose_language(request: Request[Any, Any, Any], languages: Sequence[str]) -> str:
    """``?lang=`` when offered, else the browser's preference, else the first language."""
    return page_language(
        request.query_params.get("lang"), request.headers.get("accept-language"), languages
    )


def with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


class PageText:
    """Text helpers bound to one page's language and the event's fallback chain."""

    def __init__(self, lang: str, languages: Sequence[str], zone: dt.tzinfo) -> None:
        self.lang = lang
        self.languages = list(languages)
        self.zone = zone

    def tx(self, value: dict[str, str] | None) -> Translated:
        return resolve(value, self.lang, self.languages)

    def name(self, person: Person | None) -> str:
        return person_name(person, self.lang, self.languages) if person else ""

    # Dates and times in the one style of every page (server/templating.py), in the page's
    # language and the event's zone.
    def date(self, value: dt.date | dt.datetime, form: str = "long") -> str:
        return date_text(value, tz=self.zone, lang=self.lang)

    def time(self, value: dt.datetime) -> str:
        return time_text(value, tz=self.zone, lang=self.lang)

    def datetime(self, value: dt.datetime) -> str:
        """The day and the time to the minute (a reader has no use for the seconds)."""
        return datetime_text(value, tz=self.zone, lang=self.lang)

    def credit(self, value: str) -> str:
        """A photo's credit, with "Photo:" in front unless it says whose photo it is already."""
        if CREDITED.match(value):
            return value
        return gettext_in(self.lang, "Photo: %(credit)s", credit=value)

    def weekday(self, value: dt.date) -> str:
        return weekday_text(value, lang=self.lang)

    def language_name(self, code: str | None) -> str:
        return language_name(code, self.lang) if code else ""

    def word(self, value: Any) -> str:
        """The public site's word for the value of an enum (see VALUE_WORDS)."""
        return gettext_in(self.lang, VALUE_WORDS[getattr(value, "value", value)])

    def url(self, path: str) -> str:
        return with_lang(path, self.lang)


class RenderCache:
    """Recently rendered pages and exports with the data version they were made from.

    Per process and bounded; an entry is used only while its version is the event's current
    one (see KnownEvents). One render at a time per entry: whoever comes while it is being made
    (a visitor, or the warming job in jobs.py) waits for it instead of making it a second time.
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.items: OrderedDict[Rendition, tuple[Any, Any]] = OrderedDict()
        self.locks: dict[Rendition, asyncio.Lock] = {}

    def get(self, key: Rendition, version: Any) -> Any:
        found = self.items.get(key)
        if found is None or found[0] != version:
            return None
        self.items.move_to_end(key)
        return found[1]

    def version_of(self, key: Rendition) -> Any:
        found = self.items.get(key)
        return None if found is None else found[0]

    def put(self, key: Rendition, version: Any, value: Any) -> None:
        self.items[key] = (version, value)
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            old, _ = self.items.popitem(last=False)
            self.locks.pop(old, None)

    def forget(self, key: Rendition) -> None:
        self.items.pop(key, None)
        self.locks.pop(key, None)

    def clear(self) -> None:
        self.items.clear()

    async def get_or_make(
        self, key: Rendition, version: Any, make: Callable[[], Awaitable[Any]]
    ) -> Any:
        found = self.get(key, version)
        if found is not None:
            return found
        async with self.locks.setdefault(key, asyncio.Lock()):
            found = self.get(key, version)
            if found is None:
                found = await make()
                self.put(key, version, found)
            return found


# One cache per database in a process: the web process's requests and the warming job (which
# runs in the web process in local mode) share it. The application holds it (app.state).
_CACHES: weakref.WeakValueDictionary[tuple[str, str], RenderCache] = weakref.WeakValueDictionary()


def render_cache_for(settings: Settings) -> RenderCache:
    key = (settings.db_url, str(settings.data_dir))
    cache = _CACHES.get(key)
    if cache is None:
        cache = _CACHES[key] = RenderCache()
    return cache


def render_cache(state: Any) -> RenderCache:
    """The application's cache."""
    if "publishing_cache" not in state:
        state["publishing_cache"] = render_cache_for(state["settings"])
    cache: RenderCache = state["publishing_cache"]
    return cache


@dataclass(slots=True)
class Known:
    """What this process knows of a public event: its row (as anonymous visitors see it) and
    its data version, trusted until ``until`` (monotonic seconds)."""

    event: Event
    version: Any
    until: float
    due: dt.datetime | None = None  # when its next scheduled record comes due


class KnownEvents:
    """The data version of each public event as this process last learned it.

    Change notifications (db/changes.py) make it forget an event at once; what it has not heard
    about (a lost notification) it forgets after ``ttl`` seconds anyway, and an event with a
    scheduled record forgets it when the record comes due. While an event is known, a cached
    answer is served with no database query at all.
    """

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self.events: dict[str, Known] = {}
        self.heard = 0  # notifications heard: what was looked up before one may be old

    def fresh(self, ref: str) -> Known | None:
        known = self.events.get(ref)
        if known is None or time.monotonic() >= known.until:
            return None
        return known

    def learn(
        self, ref: str, event: Event, version: Any, due: dt.datetime | None, heard: int
    ) -> None:
        """Keep what was read, unless a change was heard while it was being read."""
        if heard != self.heard or self.ttl <= 0:
            return
        now = time.monotonic()
        until = now + self.ttl
        if due is not None:
            until = min(until, now + max((due - utc_now()).total_seconds(), 0.0))
        self.events[ref] = Known(event, version, until, due)

    def forget(self, changed: frozenset[int] | None) -> None:
        """``changed``: the events that changed, or None for any of them."""
        self.heard += 1
        for ref, known in list(self.events.items()):
            if changed is None or known.event.id in changed:
                self.events.pop(ref, None)


def known_events(state: Any) -> KnownEvents:
    """The application's KnownEvents (``app.state``)."""
    if "publishing_known" not in state:
        state["publishing_known"] = KnownEvents(state["settings"].cache_ttl_seconds)
    known: KnownEvents = state["publishing_known"]
    return known


def fingerprint(version: Any) -> str:
    """A version as a short string, the same in every process."""
    return hashlib.sha256(repr(version).encode()).hexdigest()[:20]


class SharedRenders:
    """In queue mode, the answers the warming job made, in Redis, for every web process; and
    the answers visitors have asked for, which the job makes again after a change."""

    def __init__(self, settings: Settings, redis: Any) -> None:
        self.redis = redis
        self.prefix = f"{settings.queue_name}:congress-renders:{fingerprint(settings.db_url)}"

    def _key(self, key: Rendition) -> str:
        site = fingerprint(key.base_url)
        return f"{self.prefix}:answer:{key.event_id}:{key.name}:{key.lang}:{site}"

    async def get(self, key: Rendition, version: Any) -> Any:
        found = await self.redis.hmget(self._key(key), ["version", "kind", "body"])
        if found[0] is None or found[0].decode() != fingerprint(version):
            return None
        return found[2].decode() if found[1] == b"s" else found[2]

    async def has(self, key: Rendition, version: Any) -> bool:
        found = await self.redis.hget(self._key(key), "version")
        return found is not None and found.decode() == fingerprint(version)

    async def put(self, key: Rendition, version: Any, value: Any) -> None:
        body = value.encode() if isinstance(value, str) else bytes(value)
        kind = "s" if isinstance(value, str) else "b"
        mapping = {"version": fingerprint(version), "kind": kind, "body": body}
        await self.redis.hset(self._key(key), mapping=mapping)
        await self.redis.expire(self._key(key), ASKED_DAYS * 86400)

    async def ask(self, key: Rendition) -> None:
        member = json.dumps([key.name, key.base_url, key.lang])
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.sadd(f"{self.prefix}:asked:{key.event_id}", member)
            pipe.expire(f"{self.prefix}:asked:{key.event_id}", ASKED_DAYS * 86400)
            pipe.sadd(f"{self.prefix}:events", str(key.event_id))
            await pipe.execute()

    async def asked(self, event_id: int) -> list[Rendition]:
        members = await self.redis.smembers(f"{self.prefix}:asked:{event_id}")
        found = [
            Rendition(name, event_id, base_url, lang)
            for name, base_url, lang in (json.loads(member) for member in members)
            if name in EXPORTS or name in PAGES
        ]
        return sorted(found, key=lambda key: (key.name, key.base_url, key.lang))

    async def events(self) -> list[int]:
        return sorted(int(member) for member in await self.redis.smembers(f"{self.prefix}:events"))

    async def drop(self, event_id: int) -> None:
        await self.redis.delete(f"{self.prefix}:asked:{event_id}")
        await self.redis.srem(f"{self.prefix}:events", str(event_id))


# The asked-for answers of an event nobody asks for any more are forgotten after this long.
ASKED_DAYS = 14
_SHARED: dict[tuple[str, str, str], SharedRenders] = {}


def shared_renders(settings: Settings) -> SharedRenders | None:
    """The shared answers in queue mode (per process and configuration), else None."""
    if settings.jobs != "queue" or not settings.redis_url:
        return None
    key = (settings.redis_url, settings.queue_name, settings.db_url)
    if key not in _SHARED:
        from redis.asyncio import Redis

        _SHARED[key] = SharedRenders(settings, Redis.from_url(settings.redis_url))
    return _SHARED[key]


def page_context(
    *,
    lang: str,
    event: Event | None,
    path: str,
    base_url: str,
    user: Any = None,
    **context: Any,
) -> dict[str, Any]:
    """What every public template receives (see the module docstring)."""
    languages = event.languages if event else SITE_LANGUAGES
    zone = zoneinfo.ZoneInfo(event.timezone) if event else dt.UTC
    text = PageText(lang, languages, zone)
    alternates = [(code, language_name(code, code), with_lang(path, code)) for code in languages]
    return {
        "lang": lang,
        "languages": languages,
        "t": text,
        "event": event,
        "alternates": alternates,
        "canonical": base_url + path,
        "base_url": base_url,
        "user": user,
        "search_query": "",
        **context,
    }


def render(
    request: Request[Any, Any, Any],
    template: str,
    *,
    event: Event | None = None,
    status_code: int = 200,
    **context: Any,
) -> Template:
    languages = event.languages if event else SITE_LANGUAGES
    return Template(
        f"public/{template}",
        status_code=status_code,
        context=page_context(
            lang=choose_language(request, languages),
            event=event,
            path=request.url.path,
            base_url=site_url(request),
            user=current_user(request),
            **context,
        ),
    )


# ---- the cached answers: exports and the two pages that grow with the event -------------------


@dataclass(frozen=True, slots=True)
class Rendition:
    """One cached answer: an open format or a page of one event, in one language, with the
    absolute addresses of one site (the exports link back to it)."""

    name: str  # a key of EXPORTS or PAGES
    event_id: int
    base_url: str
    lang: str

    @property
    def site(self) -> PublicSite:
        return PublicSite(self.base_url, self.lang)


# name -> (exporter, whether it needs the full programme)
EXPORTS: dict[str, tuple[Callable[[Event, list[Any], PublicSite], Any], bool]] = {
    # The schedules and the calendar carry each session's whole agenda (awards, gifts, the
    # speakers' capacities): they read the full programme.
    "schedule.xml": (exporters.schedule_xml, True),
    "schedule.json": (exporters.schedule_json, True),
    "calendar.ics": (exporters.icalendar_of, True),
    "proceedings.akn.xml": (exporters.akoma_ntoso, True),
}


def open_formats(event: Event) -> list[tuple[str, str, bool]]:
    """(word, path, whether it comes in the page's language) of every download beside the
    event page."""
    base = f"/events/{event.slug}"
    return [
        (N_("Programme (PDF)"), f"{base}/programme.pdf", True),
        (N_("Proceedings (PDF)"), f"{base}/proceedings.pdf", True),
        (N_("Proceedings (Akoma Ntoso XML)"), f"{base}/proceedings.akn.xml", True),
        (N_("Schedule (frab XML)"), f"{base}/schedule.xml", True),
        (N_("Schedule (frab JSON)"), f"{base}/schedule.json", True),
        (N_("Calendar (iCalendar)"), f"{base}/calendar.ics", True),
        (N_("News feed (Atom)"), f"{base}/feed.atom", True),
        (N_("Everything (JSON)"), f"{base}/export.json", False),
        (N_("Everything with the photos (ZIP)"), f"{base}/export.zip", False),
    ]


async def _event_page(db: AsyncSession, event: Event, site: PublicSite) -> dict[str, Any]:
    sessions = await load_programme(db, event)
    return {
        "registration": registration_window(event),
        "sessions": sessions,
        "records": await published_records(db, event, limit=20),
        "gallery": await photos(db, event, limit=12),
        "json_ld": exporters.json_ld_script(exporters.event_ld(event, sessions, site)),
        "formats": open_formats(event),
    }


async def _programme_page(db: AsyncSession, event: Event, site: PublicSite) -> dict[str, Any]:
    zone = zoneinfo.ZoneInfo(event.timezone)
    days: dict[Any, list[Any]] = {}
    for session in await load_programme(db, event):
        days.setdefault(session.planned_start.astimezone(zone).date(), []).append(session)
    return {"days": days, "formats": open_formats(event)}


# name -> (template, path below /events/{slug}, what the page shows)
PAGES: dict[str, tuple[str, str, Callable[..., Awaitable[dict[str, Any]]]]] = {
    "event": ("event.html", "", _event_page),
    "programme": ("programme.html", "/programme", _programme_page),
}


async def page_template(
    db: AsyncSession, event: Event, site: PublicSite, name: str, user: Any = None
) -> Template:
    """One of PAGES as a template response (for staff, who see it uncached)."""
    template, path, content = PAGES[name]
    context = page_context(
        lang=site.lang,
        event=event,
        path=f"/events/{event.slug}{path}",
        base_url=site.base_url,
        user=user,
        **await content(db, event, site),
    )
    return Template(f"public/{template}", context=context)


async def produce(
    db: AsyncSession, templates: TemplateEngineProtocol[Any, Any], key: Rendition, event: Event
) -> Any:
    """Make one cached answer: read what it shows, then write it in a worker thread (the
    event loop keeps serving other visitors meanwhile)."""
    if key.name in EXPORTS:
        exporter, full = EXPORTS[key.name]
        sessions = await load_programme(db, event, full=full)
        if key.name == "proceedings.akn.xml":
            decisions = await decisions_of(db, event.id)
            return await to_thread.run_sync(
                lambda: exporters.akoma_ntoso(event, sessions, key.site, decisions)
            )
        return await to_thread.run_sync(exporter, event, sessions, key.site)
    page = await page_template(db, event, key.site, key.name)
    assert page.template_name is not None
    template = templates.get_template(page.template_name)
    return await to_thread.run_sync(lambda: str(template.render(**page.context)))


async def page_version(db: AsyncSession, event: Event) -> tuple[Any, Window]:
    """What a cached answer depends on: the event's data, and the hour's registration window
    (the event page links the registration form while it is open, and says when it is not)."""
    return await data_version(db, event), registration_window(event)


async def cached(
    db: AsyncSession, request: Request[Any, Any, Any], slug: str, name: str
) -> tuple[Event, Any]:
    """The event and one of its EXPORTS or PAGES as anonymous visitors see it: from the cache
    while the event's data version is unchanged, else made now (and kept).

    For anonymous visitors the event and its version come from memory while this process knows
    them (KnownEvents): a cached answer then costs no database query."""
    state = request.app.state
    user = current_user(request)
    known = known_events(state)
    found = known.fresh(slug) if user is None else None
    if found is not None:
        event, data = found.event, found.version
        count_version_check(in_memory=True)
    else:
        heard = known.heard
        # A cached answer needs only the event's row (its id, languages and last change); the
        # venue and organizers are read when the answer has to be made.
        event = await EventService(db, user).resolve(slug)
        data, due = await data_version_and_due(db, event)
        count_version_check(in_memory=False)
        if user is None:
            known.learn(slug, event, data, due, heard)
            # Kept beyond this request: out of its session, so that nothing it does (a
            # rollback) expires the row's attributes.
            db.expunge(event)
    key = Rendition(name, event.id, site_url(request), choose_language(request, event.languages))
    version = (data, registration_window(event))
    cache = render_cache(state)
    answer = cache.get(key, version)
    if answer is not None:
        count_answer("memory")
        return event, answer
    engine = request.app.template_engine
    assert engine is not None
    shared = shared_renders(state["settings"])

    async def make() -> Any:
        if shared is not None:
            try:
                await shared.ask(key)  # the warming job makes it again after the next change
                made = await shared.get(key, version)
            except Exception as exc:  # Redis away: the visitor is served all the same
                logger.warning("the shared cache did not answer: %s", exc)
                made = None
            if made is not None:
                count_answer("shared")
                return made
        count_answer("rendered")
        made = await produce(db, engine, key, await with_details(db, event))
        if shared is not None:  # the other processes (and the warming job) take it from there
            with contextlib.suppress(Exception):
                await shared.put(key, version, made)
        return made

    return event, await cache.get_or_make(key, version, make)


# The public templates outside a web request (the warming job): the composition root hands
# down how the application's template engine is set up (web/jobs.py).
TEMPLATE_SETUP: list[Callable[[Any], None]] = []
_TEMPLATES: dict[str, Any] = {}


def template_engine_for(settings: Settings) -> Any:
    key = str(settings.templates_dir)
    if key not in _TEMPLATES:
        from litestar.plugins.jinja import JinjaTemplateEngine

        engine = JinjaTemplateEngine(directory=settings.templates_dir)
        for setup in TEMPLATE_SETUP:
            setup(engine)
        _TEMPLATES[key] = engine
    return _TEMPLATES[key]
