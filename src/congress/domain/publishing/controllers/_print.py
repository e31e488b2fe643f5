"""Printed documents on the web: the programme (page and PDF) and the proceedings (PDF with a
progress page while a large book is being laid out).

Anonymous visitors get documents of published events only (the event services hide drafts);
staff may print drafts. PDFs are cached until the event changes (see jobs.py).
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import File, Redirect, Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from congress.documents.jobs import Job, PrintJobs
from congress.documents.render import RenderError, render_pdf_async
from congress.domain.events.models import Event
from congress.domain.publishing.content import event_version, require_language
from congress.domain.publishing.printing import (
    PROGRAMME_CSS,
    PROGRAMME_LABELS,
    load_proceedings,
    proceedings_pdf,
    programme_html,
)
from congress.domain.publishing.services import public_event
from congress.messages import gettext_in, language_name
from congress.server.security import current_user, public
from congress.settings import Settings

PDF = "application/pdf"


def _jobs(request: Request[Any, Any, Any]) -> PrintJobs:
    state = request.app.state
    if "print_jobs" not in state:
        state["print_jobs"] = PrintJobs(state["settings"])
    jobs: PrintJobs = state["print_jobs"]
    return jobs


def _settings(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state["settings"]
    return settings


async def _event(db: AsyncSession, request: Request[Any, Any, Any], slug: str) -> Event:
    return await public_event(db, current_user(request), slug)


def _lang(event: Event, lang: str | None) -> str:
    return require_language(event, lang) if lang else event.primary_language


def _query(**values: Any) -> str:
    present = {key: value for key, value in values.items() if value}
    return f"?{urlencode(present)}" if present else ""


def _programme_links(event: Event, lang: str, second: str | None) -> list[dict[str, Any]]:
    base = f"/events/{event.slug}"
    links = [
        {
            "href": f"{base}/programme/print{_query(lang=code)}",
            "text": language_name(code, code, capitalized=False),
            "current": code == lang and not second,
        }
        for code in event.languages
    ]
    links += [
        {
            "href": f"{base}/programme/print{_query(lang=lang, second=other)}",
            "text": " + ".join(
                language_name(code, code, capitalized=False) for code in (lang, other)
            ),
            "current": other == second,
        }
        for other in event.languages
        if other != lang
    ]
    links.append({"href": f"{base}/programme.pdf{_query(lang=lang, second=second)}", "text": "PDF"})
    links.append(
        {
            "href": f"{base}/proceedings{_query(lang=lang)}",
            "text": gettext_in(lang, "Proceedings") + " (PDF)",
            "current": False,
        }
    )
    return links


@get(
    "/events/{slug:str}/programme/print",
    guards=[public],
    tags=["documents"],
    summary="Programme, print edition (the public site has /programme)",
)
async def programme_page(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    lang: FromQuery[str | None] = None,
    second: FromQuery[str | None] = None,
) -> Response[str]:
    """The programme as a web page; ``second`` gives the bilingual edition."""
    event = await _event(db_session, request, slug)
    lang = _lang(event, lang)
    html = await programme_html(
        db_session,
        event,
        lang,
        second=second,
        screen=True,
        links=_programme_links(event, lang, second),
        settings=_settings(request),
    )
    return Response(html, media_type="text/html; charset=utf-8")


@get(
    "/events/{slug:str}/programme.pdf",
    guards=[public],
    tags=["documents"],
    summary="Programme booklet (PDF)",
)
async def programme_pdf(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    lang: FromQuery[str | None] = None,
    second: FromQuery[str | None] = None,
) -> File:
    event = await _event(db_session, request, slug)
    lang = _lang(event, lang)
    jobs = _jobs(request)
    name = f"programme-{lang}" + (f"-{second}" if second and second != lang else "")
    path = jobs.path_for(event.id, name, await event_version(db_session, event))
    if jobs.cached(path) is None:
        html = await programme_html(
            db_session, event, lang, second=second, settings=_settings(request)
        )
        result = await render_pdf_async(
            html, _settings(request), stylesheets=PROGRAMME_CSS, page_labels=PROGRAMME_LABELS
        )
        await asyncio.to_thread(jobs.store, path, result.pdf)
    return File(
        path, filename=f"{event.slug}-{name}.pdf", media_type=PDF, content_disposition_type="inline"
    )


async def _proceedings_job(
    db: AsyncSession, request: Request[Any, Any, Any], slug: str, lang: str | None, archive: bool
) -> tuple[Event, str, Job | None, Any]:
    """The proceedings' cached file or running job; starts the render when there is neither."""
    event = await _event(db, request, slug)
    lang = _lang(event, lang)
    jobs = _jobs(request)
    name = f"proceedings-{lang}" + ("-pdfa" if archive else "")
    path = jobs.path_for(event.id, name, await event_version(db, event))
    if jobs.cached(path) is not None:
        return event, lang, None, path
    job = jobs.job(path)
    # A failed render is shown (not retried on every poll) until the reader asks again;
    # a finished job whose file has gone (cache cleared) renders anew.
    retry = bool(request.query_params.get("retry"))
    if job is None or job.state == "done" or (job.state == "failed" and retry):
        book = await load_proceedings(db, event, lang)
        settings = _settings(request)

        def render(job: Job) -> tuple[bytes, int]:
            result = proceedings_pdf(book, settings, archive=archive, progress=job.progress)
            return result.pdf, result.pages

        job = jobs.start(path, render)
    return event, lang, job, path


@get(
    "/events/{slug:str}/proceedings",
    guards=[public],
    tags=["documents"],
    summary="Proceedings: progress of the PDF, then the download",
)
async def proceedings_page(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    lang: FromQuery[str | None] = None,
    archive: FromQuery[bool] = False,
) -> Template:
    event, lang, job, _ = await _proceedings_job(db_session, request, slug, lang, archive)
    query = _query(lang=lang, archive="true" if archive else None)
    return Template(
        "public/proceedings_status.html",
        context={
            "lang": lang,
            "title": gettext_in(lang, "Proceedings"),
            "event_name": event.name,
            "job": job,
            "status_url": f"/events/{event.slug}/proceedings/status{query}",
            "pdf_url": f"/events/{event.slug}/proceedings.pdf{query}",
            "retry_url": f"/events/{event.slug}/proceedings{_query(lang=lang, archive='true' if archive else None, retry=1)}",
            "languages": event.languages,
            "slug": event.slug,
        },
    )


@get(
    "/events/{slug:str}/proceedings/status",
    guards=[public],
    tags=["documents"],
    summary="Proceedings: how far the render is",
)
async def proceedings_status(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    lang: FromQuery[str | None] = None,
    archive: FromQuery[bool] = False,
) -> dict[str, object]:
    _, lang, job, _ = await _proceedings_job(db_session, request, slug, lang, archive)
    if job is None:
        return {"state": "done", "percent": 100, "stage": "done", "error": None}
    return job.as_json()


@get(
    "/events/{slug:str}/proceedings.pdf",
    guards=[public],
    tags=["documents"],
    summary="Proceedings (PDF); redirects to the progress page while it is being laid out",
)
async def proceedings_file(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    lang: FromQuery[str | None] = None,
    archive: FromQuery[bool] = False,
) -> File | Redirect:
    event, lang, job, path = await _proceedings_job(db_session, request, slug, lang, archive)
    if job is not None and job.state == "running":
        # A small book is often ready within moments: wait a little before sending people away.
        for _ in range(20):
            await asyncio.sleep(0.1)
            if job.state != "running":
                break
    if job is not None and job.state == "failed":
        raise RenderError(job.error)
    if job is not None and job.state == "running":
        query = _query(lang=lang, archive="true" if archive else None)
        return Redirect(f"/events/{event.slug}/proceedings{query}", status_code=303)
    suffix = "-pdfa" if archive else ""
    return File(
        path,
        filename=f"{event.slug}-proceedings-{lang}{suffix}.pdf",
        media_type=PDF,
        content_disposition_type="inline",
    )


ROUTES = [programme_page, programme_pdf, proceedings_page, proceedings_status, proceedings_file]
