"""Background work of publishing: keeping what visitors are served current and warm.

The exports and the two pages that grow with the event (its page and its programme) are cached
per language under the event's data version (views.RenderCache), and each web process knows
the data version of the public events it serves (views.KnownEvents). When an event's data
changes, wherever it is written (db/changes.py tells every process):

- every web process forgets what it knew of the event, so its next visitor is served the new
  version (the database is asked once);
- the **warming job** (:func:`warm_job`, keyed by the event and its new version, so that two
  processes hearing of the same change make one job) makes again the answers visitors have
  asked for, and the proceedings and programme PDFs that had been made for the event, so that
  no visitor waits for them. In local mode the job runs in the web process and fills its cache;
  in queue mode `congress worker` runs it and puts the answers in Redis, where every web
  process finds them (views.SharedRenders), and the PDFs in the storage's cache area. The web
  process only starts the job.

A scheduled record changes the pages when it comes due, with no write: the Warmer takes that
moment as a change of its event.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from typing import Any

from litestar import Litestar
from litestar.config.app import AppConfig
from litestar.plugins import InitPluginProtocol
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from congress.db.base import utc_now
from congress.db.changes import ChangeFeed
from congress.db.engine import make_engine
from congress.documents.jobs import JobContext, JobFunction, PrintJobs
from congress.domain.publishing.content import event_version
from congress.domain.publishing.services import data_version_and_due, public_event
from congress.domain.publishing.views import (
    Rendition,
    fingerprint,
    known_events,
    produce,
    render_cache,
    render_cache_for,
    shared_renders,
    template_engine_for,
)
from congress.domain.registration.services import registration_window
from congress.errors import NotFound
from congress.server.metrics import count_statement, observe_render
from congress.settings import Settings

logger = logging.getLogger(__name__)

# Without any change, the Warmer still wakes this often (a scheduled record's time, a feed cut).
POLL_SECONDS = 10.0


class Warmer:
    """Beside each web process: hears of changes, forgets them, and starts the warming job."""

    def __init__(self) -> None:
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None
        self.engine: AsyncEngine | None = None
        self.feed: ChangeFeed | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.app: Litestar | None = None
        # What changed since the last round: event ids, or None for any event.
        self.pending: set[int] | None = set()
        self.due: dict[int, dt.datetime] = {}
        # Finished rounds, and when the last one began: for tests and benchmarks that wait.
        self.passes = 0
        self.last_round: dt.datetime | None = None

    @property
    def next_due(self) -> dt.datetime | None:
        return min(self._dues().values(), default=None)

    def _dues(self) -> dict[int, dt.datetime]:
        """When each event's next scheduled record comes due, as far as this process knows
        (from its warming rounds and from its visitors' version checks)."""
        dues = dict(self.due)
        if self.app is not None:
            for known in list(known_events(self.app.state).events.values()):
                if known.due is not None and known.event.id not in dues:
                    dues[known.event.id] = known.due
        return dues

    def heard(self, changed: frozenset[int] | None) -> None:
        """A change (any thread): forget it now, warm in the background."""
        if self.app is None:
            return
        known_events(self.app.state).forget(changed)
        if changed is None or self.pending is None:
            self.pending = None
        else:
            self.pending |= changed
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.wake.set)

    async def start(self, app: Litestar) -> None:
        self.app = app
        self.loop = asyncio.get_running_loop()
        self.wake = asyncio.Event()  # bound to the loop that serves the app
        settings = app.state.settings
        self.engine = make_engine(settings, pool_size=1, max_overflow=0)
        # Counted for /metrics: a cached answer sends none.
        sqlalchemy_event.listen(
            app.state.engine.sync_engine, "before_cursor_execute", count_statement
        )
        self.feed = ChangeFeed(settings, self.heard)
        await self.feed.start()
        # Serve once the feed hears the other processes (if Redis or PostgreSQL is slow to
        # answer, the time-to-live covers what is missed meanwhile).
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.feed.listening.wait(), 5)
        self.task = asyncio.create_task(self._run(app), name="publishing cache warmer")

    async def stop(self, app: Litestar) -> None:
        if self.feed is not None:
            await self.feed.stop()
        with contextlib.suppress(Exception):
            sqlalchemy_event.remove(
                app.state.engine.sync_engine, "before_cursor_execute", count_statement
            )
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None
        if self.engine is not None:
            await self.engine.dispose()
            self.engine = None
        self.app = None

    async def _run(self, app: Litestar) -> None:
        while True:
            wait = POLL_SECONDS
            if self.next_due is not None:
                wait = min(wait, max((self.next_due - utc_now()).total_seconds(), 0.0))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), wait)
            self.wake.clear()
            started = utc_now()
            came = {event_id for event_id, due in self._dues().items() if due <= started}
            if came:  # a scheduled record is due: its event changed, in every process
                for event_id in came:
                    self.due.pop(event_id, None)  # the round reads the next one
                known_events(app.state).forget(frozenset(came))
                if self.pending is not None:
                    self.pending |= came
            changed, self.pending = self.pending, set()
            if changed is None or changed:
                try:
                    await self.refresh(app, changed)
                except Exception:  # the next round tries again; visitors are served meanwhile
                    logger.exception("warming the publishing cache failed")
            self.passes, self.last_round = self.passes + 1, started

    async def refresh(self, app: Litestar, changed: set[int] | None = None) -> None:
        """Start the warming job of every event in ``changed`` (None: every event visitors
        have asked for) at its current version."""
        assert self.engine is not None
        settings: Settings = app.state.settings
        jobs: PrintJobs = app.state.print_jobs
        if changed is None:
            shared = shared_renders(settings)
            if shared is not None:
                changed = set(await shared.events())
            else:
                changed = {key.event_id for key in list(render_cache(app.state).items)}
        for event_id in sorted(changed):
            async with AsyncSession(self.engine, expire_on_commit=False) as db:
                try:
                    event = await public_event(db, None, str(event_id))
                except NotFound:  # not public (any more): nobody may be served these
                    self.due.pop(event_id, None)
                    cache = render_cache(app.state)
                    for key in [key for key in cache.items if key.event_id == event_id]:
                        cache.forget(key)
                    continue
                data, due = await data_version_and_due(db, event)
            if due is None:
                self.due.pop(event_id, None)
            else:
                self.due[event_id] = due
            version = fingerprint((data, registration_window(event)))
            await jobs.start(f"warm/{event_id}@{version}", "warm", event_id=event_id)


class CacheWarmer(InitPluginProtocol):
    """Runs a Warmer beside the application (``app.state.publishing_warmer``)."""

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        warmer = Warmer()
        app_config.state["publishing_warmer"] = warmer
        app_config.on_startup.append(warmer.start)
        app_config.on_shutdown.append(warmer.stop)
        return app_config


async def warm_job(context: JobContext, *, key: str, event_id: int) -> int:
    """Make again, at the event's current version, the answers visitors have asked for and the
    PDFs made before (one code path: the web process in local mode, the worker in queue mode).
    Gives how many it made; nothing when all is current already (the job is idempotent)."""
    settings = context.settings
    shared = shared_renders(settings)
    cache = render_cache_for(settings)
    templates = template_engine_for(settings)
    made = 0
    async with AsyncSession(context.engine, expire_on_commit=False) as db:
        try:
            event = await public_event(db, None, str(event_id))
        except NotFound:
            if shared is not None:
                await shared.drop(event_id)
            return 0
        data, _ = await data_version_and_due(db, event)
        version = (data, registration_window(event))
        if shared is not None:
            asked = await shared.asked(event_id)
        else:
            asked = [rendition for rendition in list(cache.items) if rendition.event_id == event_id]
        for rendition in asked:
            if shared is not None:
                if not await shared.has(rendition, version):
                    await shared.put(
                        rendition, version, await produce(db, templates, rendition, event)
                    )
                    made += 1
            elif cache.version_of(rendition) != version:
                await cache.get_or_make(rendition, version, _maker(db, templates, rendition, event))
                made += 1
        printed = await event_version(db, event)
    return made + await _warm_documents(context, event_id, printed)


def _maker(db: AsyncSession, templates: Any, key: Rendition, event: Any) -> Any:
    return lambda: produce(db, templates, key, event)


async def _warm_documents(context: JobContext, event_id: int, printed: str) -> int:
    """Make again, at version ``printed``, the public PDFs of the event found in the storage."""
    names = await asyncio.to_thread(lambda: list(context.storage.names(f"print/{event_id}/")))
    made = 0
    for document in sorted({name.rpartition("/")[2].partition("@")[0] for name in names}):
        key = PrintJobs.key_for(event_id, document, printed)
        if key in names:
            continue
        if made and not await _still(context, event_id, printed):
            break  # changed again meanwhile: the next change's job makes the rest
        kind, _, rest = document.partition("-")
        parts = rest.split("-")
        sub = JobContext(context.settings, context.engine, context.storage, key, _no_progress)
        try:
            if kind == "proceedings" and parts and parts[-1] in ("pdfa", parts[0]):
                await proceedings_job(
                    sub, key=key, event_id=event_id, lang=parts[0], archive=parts[-1] == "pdfa"
                )
            elif kind == "programme" and 1 <= len(parts) <= 2:
                second = parts[1] if len(parts) == 2 else None
                await programme_job(sub, key=key, event_id=event_id, lang=parts[0], second=second)
            else:
                continue
        except Exception:  # a visitor's request makes it (and shows why it fails)
            logger.exception("warming %s failed", key)
            continue
        made += 1
    return made


async def _still(context: JobContext, event_id: int, printed: str) -> bool:
    """Whether the event's printed version is still ``printed``."""
    async with AsyncSession(context.engine, expire_on_commit=False) as db:
        try:
            return await event_version(db, await public_event(db, None, str(event_id))) == printed
        except NotFound:
            return False


def _no_progress(done: int, total: int, stage: str) -> None:
    """Nobody waits on a page for a warming job's progress."""


# Documents made as jobs (congress.documents.jobs decides where they run). Each reads what it
# prints itself, so that it can run in any process; the request that asked has checked access.


async def _event_for_job(db: AsyncSession, event_id: int) -> Any:
    from congress.domain.events.models import Event
    from congress.domain.publishing.services import with_details

    event = await db.get(Event, event_id)
    if event is None:
        raise NotFound("the event is gone")
    return await with_details(db, event)


async def proceedings_job(
    context: JobContext, *, key: str, event_id: int, lang: str, archive: bool = False
) -> int:
    """The proceedings of an event in one language as PDF (PDF/A with ``archive``)."""
    from congress.domain.publishing.printing import load_proceedings, proceedings_pdf

    async with AsyncSession(context.engine, expire_on_commit=False) as db:
        book = await load_proceedings(db, await _event_for_job(db, event_id), lang)
    started = time.perf_counter()
    result = await asyncio.to_thread(
        proceedings_pdf, book, context.settings, archive=archive, progress=context.progress
    )
    observe_render("proceedings", time.perf_counter() - started)
    await asyncio.to_thread(context.store, result.pdf)
    return result.pages


async def programme_job(
    context: JobContext, *, key: str, event_id: int, lang: str, second: str | None = None
) -> int:
    """The programme booklet as PDF (bilingual with ``second``)."""
    from congress.documents.render import render_pdf_async
    from congress.domain.publishing.printing import (
        PROGRAMME_CSS,
        PROGRAMME_LABELS,
        programme_html,
    )

    async with AsyncSession(context.engine, expire_on_commit=False) as db:
        event = await _event_for_job(db, event_id)
        html = await programme_html(db, event, lang, second=second, settings=context.settings)
    started = time.perf_counter()
    result = await render_pdf_async(
        html, context.settings, stylesheets=PROGRAMME_CSS, page_labels=PROGRAMME_LABELS
    )
    observe_render("programme", time.perf_counter() - started)
    await asyncio.to_thread(context.store, result.pdf)
    return result.pages


JOB_FUNCTIONS: dict[str, JobFunction] = {
    "proceedings": proceedings_job,
    "programme": programme_job,
    "warm": warm_job,
}
