"""The public site of published events, its open formats and the media files."""

from __future__ import annotations

import json
import re
from functools import partial
from typing import Any

from anyio import to_thread
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Redirect, Response, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.decisions.queries import decisions_of
from congress.domain.events.models import Event
from congress.domain.events.services import EventService
from congress.domain.programme.queries import load_programme
from congress.domain.publishing import exporters
from congress.domain.publishing.archive import (
    MAX_ARCHIVE_BYTES,
    export_event,
    finished_import,
    import_archive,
    import_event,
    write_archive,
)
from congress.domain.publishing.archive_jobs import submit_import
from congress.domain.publishing.exporters import PublicSite
from congress.domain.publishing.media import (
    THUMBS,
    MediaStorage,
    served_type,
)
from congress.domain.publishing.models import Category, MediaItem, Record, Tag
from congress.domain.publishing.search import search
from congress.domain.publishing.services import (
    approved_comments,
    author_names,
    by_slug,
    count_view,
    form_stamp,
    photos,
    public_event,
    public_record,
    public_speech,
    published_records,
    records_tagged,
    submit_comment,
    venues_of,
)
from congress.domain.publishing.sitemap import published_pages, robots_txt, sitemap_xml
from congress.domain.publishing.views import (
    SITE_LANGUAGES,
    cached,
    choose_language,
    page_template,
    render,
)
from congress.domain.registration.queries import attending_organizations
from congress.errors import Conflict, Invalid, NotFound
from congress.messages import gettext_in
from congress.server.jobstatus import STILL_RUNNING, accepted
from congress.server.security import current_user, public, roles, site_url
from congress.server.throttle import limit_public_post
from congress.storage import storage_for

XML = "application/xml; charset=utf-8"
# Per client address; on top of the honeypot and the time check of the form.
ROBOTS = ("bot", "crawler", "spider", "slurp", "preview", "headless")


def visitor_of(request: Request[Any, Any, Any]) -> str | None:
    """What tells one reader from another (hashed before use), None for robots."""
    agent = request.headers.get("user-agent", "")
    if not agent or any(word in agent.lower() for word in ROBOTS):
        return None
    address = request.client.host if request.client else ""
    return f"{address}|{agent}|{request.headers.get('accept-language', '')}"


def site_for(request: Request[Any, Any, Any], event: Event) -> PublicSite:
    return PublicSite(base_url=site_url(request), lang=choose_language(request, event.languages))


def _download(content: bytes | str, media_type: str, filename: str | None = None) -> Response[Any]:
    headers = {"Access-Control-Allow-Origin": "*"}
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(content=content, media_type=media_type, headers=headers)


@get("/events/{slug:str}/schedule.xml", guards=[public], tags=["open formats"])
async def schedule_xml(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Response[Any]:
    """frab-compatible schedule (c3voc schedule.xml)."""
    _, body = await cached(db_session, request, slug, "schedule.xml")
    return _download(body, XML)


@get("/events/{slug:str}/schedule.json", guards=[public], tags=["open formats"])
async def schedule_json(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Response[Any]:
    """frab/pretalx-compatible schedule (c3voc schema.json)."""
    _, body = await cached(db_session, request, slug, "schedule.json")
    return _download(body, "application/json")


@get("/events/{slug:str}/calendar.ics", guards=[public], tags=["open formats"])
async def event_calendar(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Response[Any]:
    """iCalendar (RFC 5545) of every session of the event."""
    event, body = await cached(db_session, request, slug, "calendar.ics")
    return _download(body, "text/calendar", f"{event.slug}.ics")


@get(
    "/events/{slug:str}/sessions/{session_id:int}/calendar.ics",
    guards=[public],
    tags=["open formats"],
)
async def session_calendar(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    session_id: FromPath[int],
) -> Response[Any]:
    """iCalendar (RFC 5545) of one session."""
    event = await public_event(db_session, current_user(request), slug)
    sessions = await load_programme(db_session, event, session_id=session_id, full=True)
    if not sessions:
        raise NotFound(f"no session {session_id} in this event")
    site = site_for(request, event)
    body = exporters.icalendar_of(event, sessions, site)
    return _download(body, "text/calendar", f"{event.slug}-{session_id}.ics")


@get(
    "/events/{slug:str}/motions/{document:str}",
    guards=[public],
    tags=["open formats"],
    summary="An adopted resolution as an Akoma Ntoso document (…/motions/{id}.akn.xml)",
)
async def motion_akn(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    document: FromPath[str],
) -> Response[Any]:
    event = await public_event(db_session, current_user(request), slug)
    found = re.fullmatch(r"([0-9]{1,18})\.akn\.xml", document)
    decisions = await decisions_of(db_session, event.id)
    motion = next((m for m in decisions.motions if found and m.id == int(found.group(1))), None)
    if motion is None or motion.status.value != "adopted":
        raise NotFound(f"no adopted resolution {document} in this event")
    site = site_for(request, event)
    body = exporters.akoma_ntoso_resolution(
        event, motion, decisions.votes_on("motion", motion.id), site
    )
    return _download(body, XML)


@get("/events/{slug:str}/proceedings.akn.xml", guards=[public], tags=["open formats"])
async def proceedings_akn(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Response[Any]:
    """The proceedings as an Akoma Ntoso 3.0 debate record."""
    _, body = await cached(db_session, request, slug, "proceedings.akn.xml")
    return _download(body, XML)


@get("/events/{slug:str}/feed.atom", guards=[public], tags=["open formats"])
async def record_feed(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Response[Any]:
    """Atom feed of the event's published records, newest first."""
    event = await public_event(db_session, current_user(request), slug)
    records = await published_records(db_session, event, limit=50)
    authors = await author_names(db_session, records)
    body = exporters.atom_feed(event, records, site_for(request, event), authors)
    return _download(body, "application/atom+xml; charset=utf-8")


@get("/events/{slug:str}/export.json", guards=[public], tags=["open formats"])
async def event_export(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Response[Any]:
    """Everything about the event as JSON. Organizers and administrators get the full export
    (registration, attendance, comments…); everybody else what the public pages show."""
    event, data = await _event_data(db_session, request, slug)
    body = await to_thread.run_sync(partial(json.dumps, data, ensure_ascii=False))
    return _download(body, "application/json", f"{event.slug}.json")


@get("/events/{slug:str}/export.zip", guards=[public], tags=["open formats"])
async def event_archive(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Response[Any]:
    """The export.json of the event (as ``event.json``) with the files of its photos (under
    ``media/``), as a ZIP archive; the same two levels of detail as export.json."""
    event, data = await _event_data(db_session, request, slug)
    body = await to_thread.run_sync(write_archive, data, media_storage(request))
    return _download(body, "application/zip", f"{event.slug}.zip")


async def _event_data(
    db: AsyncSession, request: Request[Any, Any, Any], slug: str
) -> tuple[Event, dict[str, Any]]:
    user = current_user(request)
    event = await public_event(db, user, slug)
    full = user is not None and user.role in {Role.ADMIN, Role.ORGANIZER}
    return event, await export_event(db, event, public=not full)


IMPORT_AS_JOB = (
    "The file is checked in the request (422 naming `table[index].field`); the writing is a "
    "job (one per file: sending it twice imports it once). Answered 201 when the event is "
    "written within a few seconds, else 202 with the job's `Location`."
)


@post(
    "/api/v1/events/import",
    guards=[roles(Role.ORGANIZER)],
    tags=["events"],
    status_code=201,
    summary="Import an event exported from /events/{slug}/export.json",
    description=(
        "409 when this database holds the event's identifiers already (it was imported or "
        "created here): `?copy=true` imports a copy with new identifiers and a free slug. "
        + IMPORT_AS_JOB
    ),
    security=[{"BearerToken": []}],
    responses={202: STILL_RUNNING},
)
async def event_import(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    data: JSONBody[dict[str, Any]],
    copy: FromQuery[bool] = False,
) -> Response[dict[str, Any]]:
    user = current_user(request)
    await import_event(db_session, data, user=user, copy=copy, check_only=True)
    content = await to_thread.run_sync(partial(json.dumps, data, ensure_ascii=False))
    return await _imported(db_session, request, content.encode(), archive=False, copy=copy)


@post(
    "/api/v1/events/import-archive",
    guards=[roles(Role.ORGANIZER)],
    tags=["events"],
    status_code=201,
    summary="Import an event with its photos from /events/{slug}/export.zip",
    description=(
        "The request body is the ZIP archive (Content-Type: application/zip). 409 when this "
        "database holds the event's identifiers already: `?copy=true` imports a copy. "
        + IMPORT_AS_JOB
    ),
    security=[{"BearerToken": []}],
    request_max_body_size=MAX_ARCHIVE_BYTES,
    responses={202: STILL_RUNNING},
)
async def event_import_archive(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    copy: FromQuery[bool] = False,
) -> Response[dict[str, Any]]:
    content = await request.body()
    user = current_user(request)
    await import_archive(
        db_session, content, media_storage(request), user, copy=copy, check_only=True
    )
    return await _imported(db_session, request, content, archive=True, copy=copy)


async def _imported(
    db: AsyncSession, request: Request[Any, Any, Any], content: bytes, *, archive: bool, copy: bool
) -> Response[dict[str, Any]]:
    """Have a job write a checked file; its answer, or 202 while it runs."""
    await db.commit()  # nothing written; the job's rows are seen (SQLite reads a snapshot)
    jobs = request.app.state.print_jobs
    key, _ = await submit_import(jobs, current_user(request), content, archive=archive, copy=copy)
    job = await jobs.wait(key, jobs.settings.job_wait_seconds)
    if job is not None and job.state == "failed":
        raise Conflict(job.error)
    if job is not None and job.state == "running":
        return accepted(key, job)
    event_id = await finished_import(db, key)
    slug = await db.scalar(select(Event.slug).where(Event.id == event_id))
    return Response({"id": event_id, "slug": slug}, status_code=201)


# ---- public pages ------------------------------------------------------------------------------


@get("/", guards=[public], include_in_schema=False)
async def home(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any]
) -> Template:
    events, _ = await EventService(db_session, current_user(request)).list(limit=200)
    venues = await venues_of(db_session, events)
    return render(request, "home.html", events=events, venues=venues)


@get("/events/{slug:str}", guards=[public], include_in_schema=False)
async def event_page(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Response[Any] | Template:
    return await _page(db_session, request, slug, "event")


@get("/events/{slug:str}/programme", guards=[public], include_in_schema=False)
async def programme_page(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Response[Any] | Template:
    return await _page(db_session, request, slug, "programme")


async def _page(
    db: AsyncSession, request: Request[Any, Any, Any], slug: str, name: str
) -> Response[Any] | Template:
    """A page the same for every anonymous visitor, from the cache; staff see it made anew
    (with their own header, and drafts)."""
    user = current_user(request)
    if user is not None:
        event = await public_event(db, user, slug)
        return await page_template(db, event, site_for(request, event), name, user)
    _, html = await cached(db, request, slug, name)
    return Response(html, media_type="text/html")


@get("/events/{slug:str}/sessions/{session_id:int}", guards=[public], include_in_schema=False)
async def session_page(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    session_id: FromPath[int],
) -> Template:
    event = await public_event(db_session, current_user(request), slug)
    found = await load_programme(db_session, event, full=True, session_id=session_id)
    if not found:
        raise NotFound(f"no session {session_id} in this event")
    session = found[0]
    site = site_for(request, event)
    records = [
        record
        for record in await published_records(db_session, event, limit=200)
        if record.session_id == session.id
    ]
    return render(
        request,
        "session.html",
        event=event,
        session=session,
        records=records,
        gallery=await photos(db_session, event, session.id),
        decisions=await decisions_of(db_session, event.id, session.id),
        json_ld=exporters.json_ld_script(exporters.session_page_ld(event, session, site)),
    )


@get("/events/{slug:str}/speeches/{speech_id:int}", guards=[public], include_in_schema=False)
async def speech_page(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    speech_id: FromPath[int],
) -> Template:
    event = await public_event(db_session, current_user(request), slug)
    speech = await public_speech(db_session, event, speech_id)
    return render(request, "speech.html", event=event, speech=speech)


@get("/events/{slug:str}/records/{record_slug:str}", guards=[public], include_in_schema=False)
async def record_page(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    record_slug: FromPath[str],
) -> Template:
    user = current_user(request)
    event = await public_event(db_session, user, slug)
    record = await public_record(db_session, user, event, record_slug)
    visitor = visitor_of(request)
    if user is None and visitor is not None:
        await count_view(db_session, record, visitor)
    return await _record_response(db_session, request, event, record)


async def _record_response(
    db: AsyncSession,
    request: Request[Any, Any, Any],
    event: Event,
    record: Record,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    session = None
    if record.session_id is not None:
        found = await load_programme(db, event, full=True, session_id=record.session_id)
        session = found[0] if found else None
    authors = await author_names(db, [record])
    secret = request.app.state.settings.resolved_secret()
    return render(
        request,
        "record.html",
        status_code=status_code,
        event=event,
        record=record,
        session=session,
        author=authors.get(record.author_id) if record.author_id else None,
        organizations=await attending_organizations(db, event),
        gallery=await photos(db, event, record.session_id),
        decisions=await decisions_of(db, event.id, record.session_id)
        if record.session_id
        else None,
        comments=await approved_comments(db, record),
        form_stamp=form_stamp(secret),
        form_errors=errors or {},
        form_values=values or {},
        commented=request.query_params.get("commented") == "1",
    )


@post(
    # The record's own address (the form posts there, so a page with a message keeps it);
    # /comments is where earlier pages of the record posted.
    [
        "/events/{slug:str}/records/{record_slug:str}",
        "/events/{slug:str}/records/{record_slug:str}/comments",
    ],
    guards=[public],
    include_in_schema=False,
)
async def post_comment(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    record_slug: FromPath[str],
) -> Template | Redirect:
    await limit_public_post(request, "comment")
    event = await public_event(db_session, None, slug)
    record = await public_record(db_session, None, event, record_slug)
    form = dict(await request.form())
    values = {key: str(form.get(key, "")) for key in ("author_name", "body")}
    lang = choose_language(request, event.languages)
    try:
        await submit_comment(
            db_session,
            record,
            form,
            secret=request.app.state.settings.resolved_secret(),
            language=lang,
        )
    except Invalid as exc:
        errors = {error.field: gettext_in(lang, error.message) for error in exc.errors}
        return await _record_response(
            db_session, request, event, record, errors=errors, values=values, status_code=422
        )
    return Redirect(
        f"/events/{event.slug}/records/{record.slug}?lang={lang}&commented=1#comments",
        status_code=303,
    )


@get("/tags/{slug:str}", guards=[public], include_in_schema=False)
async def tag_page(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template:
    tag = await by_slug(db_session, Tag, slug)
    records = await records_tagged(db_session, tag=tag)
    return render(request, "listing.html", tagged=True, term=tag, records=records)


@get("/categories/{slug:str}", guards=[public], include_in_schema=False)
async def category_page(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template:
    category = await by_slug(db_session, Category, slug)
    records = await records_tagged(db_session, category=category)
    return render(request, "listing.html", tagged=False, term=category, records=records)


SEARCH_PAGE = 20


@get("/search", guards=[public], include_in_schema=False)
async def search_page(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any]
) -> Template:
    query = (request.query_params.get("q") or "").strip()[:200]
    try:
        page = max(1, int(request.query_params.get("page") or 1))
    except ValueError:
        page = 1
    hits, total = await search(
        db_session,
        query,
        limit=SEARCH_PAGE,
        offset=(page - 1) * SEARCH_PAGE,
        lang=choose_language(request, SITE_LANGUAGES),
    )
    return render(
        request,
        "search.html",
        search_query=query,
        hits=hits,
        total=total,
        page=page,
        pages=max(1, -(-total // SEARCH_PAGE)),
    )


@get("/sitemap.xml", guards=[public], include_in_schema=False)
async def sitemap(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any]
) -> Response[Any]:
    """Every published page in every language (sitemap protocol 0.9 with hreflang links)."""
    pages = await published_pages(db_session)
    body = await to_thread.run_sync(sitemap_xml, pages, site_url(request))
    return Response(body, media_type=XML)


@get("/robots.txt", guards=[public], include_in_schema=False)
async def robots(request: Request[Any, Any, Any]) -> Response[Any]:
    return Response(robots_txt(site_url(request)), media_type="text/plain; charset=utf-8")


def media_storage(request: Request[Any, Any, Any]) -> MediaStorage:
    return storage_for(request.app.state.settings, "media")


@get("/media/{key:path}", guards=[public], include_in_schema=False)
async def media_file(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], key: FromPath[str]
) -> Response[Any]:
    """A stored photo (or its thumbnail), only while its event is public (or for staff).

    Only keys of the media area that belong to a photo are answered: the cache and private
    areas are other folders or prefixes that no key of this area can reach. With an object
    store and signed addresses configured, the answer is a redirect to the store.
    """
    key = key.lstrip("/")
    if "\x00" in key:
        raise NotFound("no such file")
    original = key.removeprefix(THUMBS)
    item = (
        await db_session.scalars(select(MediaItem).where(MediaItem.storage_key == original))
    ).first()
    user = current_user(request)
    if item is None:
        raise NotFound("no such file")
    await public_event(db_session, user, str(item.event_id))
    storage = media_storage(request)
    lifetime = request.app.state.settings.storage_signed_urls
    if lifetime:
        try:
            address = await to_thread.run_sync(storage.signed_url, key, lifetime)
        except ValueError:
            raise NotFound("no such file") from None
        if address is not None:
            # The browser may keep the redirect for half the address's life, no longer.
            cache = f"private, max-age={lifetime // 2}" if user is None else "private, no-store"
            return Redirect(address, status_code=302, headers={"Cache-Control": cache})
    try:
        data = await to_thread.run_sync(storage.read, key)
    except (OSError, ValueError):
        raise NotFound("the file is missing from the media storage") from None
    cache = "public, max-age=86400" if user is None else "private, no-store"
    headers = {"Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
    # The type comes from the bytes, never from the stored type or name (an imported or
    # API-made item could claim text/html): anything but our JPEGs is only downloaded.
    media_type = served_type(data)
    if media_type is None:
        media_type = "application/octet-stream"
        headers["Content-Disposition"] = "attachment"
    return Response(content=data, media_type=media_type, headers=headers)


ROUTES: list[Any] = [
    home,
    event_page,
    programme_page,
    session_page,
    speech_page,
    record_page,
    post_comment,
    tag_page,
    category_page,
    search_page,
    media_file,
    sitemap,
    robots,
    schedule_xml,
    schedule_json,
    event_calendar,
    session_calendar,
    proceedings_akn,
    motion_akn,
    record_feed,
    event_export,
    event_archive,
    event_import,
    event_import_archive,
]
