"""Operations: /ready for load balancers, /metrics for Prometheus, and the per-request
bookkeeping behind them (metrics, a request id in the logs)."""

from __future__ import annotations

import asyncio
import ipaddress
import re
import time
import uuid
from typing import Any

from litestar import Request, get
from litestar.datastructures import MutableScopeHeaders
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from congress.cli.worker import worker_figures_of, workers_seen
from congress.db.migrate import head_revision
from congress.domain.accounts.access import REGISTRARS
from congress.domain.accounts.enums import Role
from congress.domain.events.models import Event
from congress.domain.publishing.archive import finished_import as finished_event_import
from congress.domain.publishing.archive_jobs import export_key_of
from congress.domain.registration.api import ImportRead
from congress.domain.registration.importers import finished_import
from congress.errors import Forbidden, NotFound
from congress.logs import request_id
from congress.server.jobstatus import JobStatus, job_status
from congress.server.metrics import exposition, observe_request, route_of
from congress.server.security import current_user, public, roles, staff
from congress.server.throttle import client_address
from congress.storage import storage_for

PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"


async def _check(name: str, checks: dict[str, str], probe: Any) -> None:
    try:
        await asyncio.wait_for(probe(), 5)
        checks[name] = "ok"
    except Exception as exc:  # any failure makes the process not ready
        checks[name] = f"failed: {type(exc).__name__}: {exc}"[:300]


@get("/ready", guards=[public], tags=["system"], summary="Readiness for a load balancer")
async def ready(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any]
) -> Response[dict[str, Any]]:
    """200 when the database, Redis and the storage answer, the schema is current and (in
    queue mode) a worker was seen in the last 30 s; 503 with what failed otherwise."""
    settings = request.app.state.settings
    checks: dict[str, str] = {}

    async def database() -> None:
        await db_session.execute(text("SELECT 1"))

    async def migrations() -> None:
        current = (
            await db_session.execute(text("SELECT version_num FROM alembic_version"))
        ).scalar()
        if current != head_revision(settings):
            raise RuntimeError(f"schema at {current}, code at {head_revision(settings)}")

    async def storage() -> None:
        for area in ("media", "cache"):
            await asyncio.to_thread(storage_for(settings, area).check)

    await _check("database", checks, database)
    await _check("migrations", checks, migrations)
    await _check("storage", checks, storage)
    queue = request.app.state.print_jobs.queue
    if settings.redis_url:
        redis = queue.redis if queue is not None else None

        async def ping() -> None:
            if redis is not None:
                await redis.ping()
            else:
                from redis.asyncio import Redis

                client = Redis.from_url(settings.redis_url)
                try:
                    await client.ping()
                finally:
                    await client.aclose()

        await _check("redis", checks, ping)
    if queue is not None:

        async def worker() -> None:
            if not await workers_seen(queue.redis, settings):
                raise RuntimeError("no worker seen in the last 30 s")

        await _check("worker", checks, worker)
    good = all(value == "ok" for value in checks.values())
    return Response(
        {"status": "ready" if good else "not ready", "checks": checks},
        status_code=200 if good else 503,
    )


def _scraper(request: Any) -> bool:
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    for item in request.app.state.settings.metrics_addresses.split(","):
        if item.strip() and address in ipaddress.ip_network(item.strip(), strict=False):
            return True
    return False


_ADMINS = roles()


def metrics_readers(connection: Any, handler: Any) -> None:
    """The scraper's address (settings.metrics_addresses) gets in; anybody else needs an
    administrator's API token."""
    if not _scraper(connection):
        _ADMINS(connection, handler)


metrics_readers.allowed_roles = frozenset({Role.ADMIN})  # type: ignore[attr-defined]


@get("/metrics", guards=[metrics_readers], include_in_schema=False)
async def metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Prometheus metrics: for the scraper's address, or with an administrator's API token."""
    depth: dict[str, int] = {}
    workers: list[str] | None = None
    queue = request.app.state.print_jobs.queue
    if queue is not None:
        for state in ("queued", "active", "incomplete"):
            depth[state] = await queue.count(state)
        # Jobs (and their renders) run in the workers: their times are theirs.
        workers = await worker_figures_of(queue.redis, request.app.state.settings)
    return Response(exposition(depth, workers), media_type=PROMETHEUS)


class RequestMetrics:
    """ASGI middleware: counts and times every HTTP request by route, and gives it a request
    id (X-Request-ID, taken from the proxy when it sends one) that the logs and jobs carry."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = given[:64] if given.replace("-", "").isalnum() else uuid.uuid4().hex
        token = request_id.set(rid)
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableScopeHeaders.from_message(message)["X-Request-ID"] = rid
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            request_id.reset(token)
            observe_request(str(scope.get("method", "")), route_of(scope), status, started)


# The keys of the jobs that staff may follow through the API, and who may read each.
JOB_KEY = re.compile(
    r"(?P<kind>participants-import|event-import|event-export)\.(?:(?P<event>\d{1,18})\.)?"
    r"(?:[0-9a-f]{64}(?:-[0-9a-f]{12}\.copy|\.copy)?|[0-9a-f]{16})"
)
JOB_READERS = {
    "participants-import": REGISTRARS,
    "event-import": frozenset({Role.ORGANIZER}),
    "event-export": frozenset({Role.ORGANIZER}),
}


@get(
    "/api/v1/jobs/{key:str}",
    guards=[staff],
    tags=["jobs"],
    summary="How far a job is (an import that answered 202), and its result when done",
    description="`state` is `running`, `done` (with `result`: what the request would have "
    "answered) or `failed` (with `error`: nothing was written). The job's key is the "
    "`Location` of the 202 answer.",
    security=[{"BearerToken": []}],
)
async def job_status_of(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], key: FromPath[str]
) -> JobStatus:
    found = JOB_KEY.fullmatch(key)
    if found is None or (found["event"] is None) != (found["kind"] == "event-import"):
        raise NotFound("no such job")
    user = current_user(request)
    assert user is not None  # the guard
    if user.role is not Role.ADMIN and user.role not in JOB_READERS[found["kind"]]:
        raise Forbidden("this job is not yours to follow")
    jobs = request.app.state.print_jobs
    result: dict[str, Any] | None = None
    if found["kind"] == "event-export":
        # The job is keyed by the archive it makes; done, the archive is there.
        stored = export_key_of(key)
        job = await jobs.status(stored)
        if await jobs.cached(stored):
            result = {"file": f"/api/v1/events/{found['event']}/archive.zip"}
    else:
        job = await jobs.status(key)
    if found["kind"] == "participants-import":
        report = await finished_import(db_session, int(found["event"]), key)
        result = ImportRead.of(report).model_dump() if report is not None else None
    elif found["kind"] == "event-import":
        event_id = await finished_event_import(db_session, key)
        if event_id is not None:
            slug = await db_session.scalar(select(Event.slug).where(Event.id == event_id))
            result = {"id": event_id, "slug": slug}
    if result is None and job is None:
        raise NotFound("no such job")
    if result is not None:
        return job_status(key, None, result)
    return job_status(key, job)


ROUTES = [ready, metrics, job_status_of]
