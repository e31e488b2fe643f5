"""Background work of publishing: keeping the cached open formats and pages of events warm.

The exports and the two pages that grow with the event (its page and its programme) are cached
per language under the event's data version (views.RenderCache). A change makes them stale, and
without this job the next visitor would wait while they are made again (a tenth of a second for
a 300-talk congress, most of a second for a 3,000-speech one). The warmer makes again every
stale answer that visitors have asked for before, in the background:

- just after any change made through this process (any request that is not a GET, HEAD or
  OPTIONS: the JSON API, the staff pages, comments);
- when a scheduled record comes due;
- every POLL_SECONDS, for changes made elsewhere (the command line, another process).

A visitor who comes while an answer is being made waits for that render rather than starting
another (RenderCache.get_or_make). The warmer reads through an engine of its own with one
connection, so it never takes a connection that a visitor's request is waiting for.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import inspect
import logging
import time
from collections import defaultdict
from typing import Any

from litestar import Litestar, Request
from litestar.config.app import AppConfig
from litestar.plugins import InitPluginProtocol
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from congress.db.base import utc_now
from congress.db.engine import make_engine
from congress.documents.jobs import JobContext, JobFunction
from congress.domain.publishing.services import next_publication, public_event
from congress.domain.publishing.views import Rendition, page_version, produce, render_cache
from congress.errors import NotFound
from congress.server.metrics import observe_render

logger = logging.getLogger(__name__)

POLL_SECONDS = 10.0
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Warmer:
    def __init__(self) -> None:
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None
        self.engine: AsyncEngine | None = None
        self.next_due: dt.datetime | None = None
        # Finished rounds, and when the last one began: for tests and benchmarks that wait.
        self.passes = 0
        self.last_round: dt.datetime | None = None

    def poke(self) -> None:
        self.wake.set()

    async def start(self, app: Litestar) -> None:
        self.wake = asyncio.Event()  # bound to the loop that serves the app
        self.engine = make_engine(app.state.settings, pool_size=1, max_overflow=0)
        self.task = asyncio.create_task(self._run(app), name="publishing cache warmer")

    async def stop(self, app: Litestar) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None
        if self.engine is not None:
            await self.engine.dispose()
            self.engine = None

    async def _run(self, app: Litestar) -> None:
        while True:
            wait = POLL_SECONDS
            if self.next_due is not None:
                wait = min(wait, max((self.next_due - utc_now()).total_seconds(), 0.0))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), wait)
            self.wake.clear()
            started = utc_now()
            try:
                await self.refresh(app)
            except Exception:  # the next round tries again; visitors are served meanwhile
                logger.exception("warming the publishing cache failed")
            self.passes, self.last_round = self.passes + 1, started

    async def refresh(self, app: Litestar) -> None:
        """Make again every cached answer whose event has changed since it was made."""
        assert self.engine is not None
        cache = render_cache(app.state)
        templates = app.template_engine
        assert templates is not None
        by_event: dict[int, list[Rendition]] = defaultdict(list)
        for key in list(cache.items):
            by_event[key.event_id].append(key)
        due: list[dt.datetime] = []
        for event_id, keys in by_event.items():
            async with AsyncSession(self.engine, expire_on_commit=False) as db:
                try:
                    event = await public_event(db, None, str(event_id))
                except NotFound:  # no longer public: nobody may be served these
                    for key in keys:
                        cache.forget(key)
                    continue
                version = await page_version(db, event)
                for key in keys:
                    if cache.version_of(key) != version:
                        await cache.get_or_make(key, version, _maker(db, templates, key, event))
                if (coming := await next_publication(db, event)) is not None:
                    due.append(coming)
        self.next_due = min(due, default=None)


def _maker(db: AsyncSession, templates: Any, key: Rendition, event: Any) -> Any:
    return lambda: produce(db, templates, key, event)


class CacheWarmer(InitPluginProtocol):
    """Runs a Warmer beside the application (``app.state.publishing_warmer``)."""

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        warmer = Warmer()
        app_config.state["publishing_warmer"] = warmer
        app_config.on_startup.append(warmer.start)
        app_config.on_shutdown.append(warmer.stop)
        previous = app_config.after_response

        async def after_response(request: Request[Any, Any, Any]) -> None:
            if previous is not None and inspect.isawaitable(done := previous(request)):
                await done
            if request.method not in SAFE_METHODS:
                warmer.poke()

        app_config.after_response = after_response
        return app_config


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
}
