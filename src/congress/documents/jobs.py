"""Jobs of the web server: renders (and other slow work), once per document and version.

A generated file is identified by its key: event, kind, options and the event's version
(:func:`congress.domain.publishing.content.event_version`), ``print/<event>/<doc>@<version>.pdf``.
When anything printed changes, the version changes and the next request makes it anew; older
files of the same document are removed. Finished files are kept in the storage's ``cache`` area
(a folder in data_dir, or the object store) and survive restarts.

Where a job runs is decided here, not by the job: ``CONGRESS_JOBS=local`` runs the job function
in this process (a task; the blocking part in a thread or the render pool), ``queue`` puts it on
the SAQ queue in Redis for ``congress worker``. Either way the same function runs with a
:class:`JobContext`, and its progress is read through :meth:`PrintJobs.status` (from any web
process in queue mode). A job's key is its SAQ key: asking twice for the same file while it is
being made gives one job.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
import secrets
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from congress.documents.render import RenderError
from congress.errors import ProblemError
from congress.logs import request_id
from congress.settings import Settings
from congress.storage import Storage, storage_for

log = logging.getLogger(__name__)

# A queued job whose worker stops touching it for this long is taken as dead and retried.
HEARTBEAT_SECONDS = 4
RETRIES = 3
JOB_TIMEOUT_SECONDS = 3600
# Finished jobs' state stays readable in Redis this long (the file itself is in the storage).
KEEP_SECONDS = 600


@dataclass(slots=True)
class Job:
    key: str
    state: str = "running"  # running, done, failed
    done: int = 0
    total: int = 1
    stage: str = "queued"
    error: str = ""
    started: float = field(default_factory=time.time)
    pages: int = 0
    result: int = 0  # what the job function gave: pages, rows imported, the new event's id

    def progress(self, done: int, total: int, stage: str) -> None:
        self.done, self.total, self.stage = done, max(total, 1), stage

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return min(99, round(100 * self.done / self.total))

    def as_json(self) -> dict[str, object]:
        return {
            "state": self.state,
            "percent": self.percent,
            "stage": self.stage,
            "error": self.error or None,
            "pages": self.pages or None,
            "seconds": round(time.time() - self.started, 1),
        }


@dataclass
class JobContext:
    """What a job function gets: settings, a database engine, the storage, and a progress
    callback that may be called from any thread."""

    settings: Settings
    engine: AsyncEngine
    storage: Storage
    key: str
    progress: Callable[[int, int, str], None]

    def store(self, data: bytes) -> None:
        """Keep the job's result under its key (blocking: call it in a thread)."""
        storage, key = storage_of(self.settings, self.key)
        store_document(storage, key, data)


JobFunction = Callable[..., Awaitable[int]]


def _safe(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", part)


def store_document(storage: Storage, key: str, data: bytes) -> None:
    """Keep ``data`` under ``key``, removing older versions of the same document."""
    folder, _, name = key.rpartition("/")
    document = name.partition("@")[0]
    storage.save(key, data)
    for older in list(storage.names(f"{folder}/{document}@")):
        if older != key:
            with contextlib.suppress(OSError):
                storage.delete(older)


# Keys under this prefix are documents with personal data (badges, attendance lists): they are
# kept in the storage's private area, never served by /media, only by guarded staff routes.
PRIVATE = "private/"


def storage_of(settings: Settings, key: str) -> tuple[Storage, str]:
    """The storage area of ``key`` and the key within it."""
    if key.startswith(PRIVATE):
        return storage_for(settings, "private"), key.removeprefix(PRIVATE)
    return storage_for(settings, "cache"), key


def _failure(exc: BaseException) -> str:
    if isinstance(exc, ProblemError):
        return str(exc.detail)
    return str(exc) if isinstance(exc, RenderError) else f"{type(exc).__name__}: {exc}"


class PrintJobs:
    """The jobs of one application (kept in ``app.state``)."""

    def __init__(
        self,
        settings: Settings,
        engine: AsyncEngine,
        functions: Mapping[str, JobFunction],
        queue: Any = None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.storage = storage_for(settings, "cache")
        self.functions = dict(functions)
        self.queue = queue  # a saq Queue in queue mode
        self.jobs: dict[str, Job] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    @staticmethod
    def key_for(event_id: int, document: str, version: str) -> str:
        return f"print/{event_id}/{_safe(document)}@{_safe(version)}.pdf"

    async def cached(self, key: str) -> bool:
        storage, inner = storage_of(self.settings, key)
        return await asyncio.to_thread(storage.exists, inner)

    @staticmethod
    def private_key(event_id: int, document: str) -> str:
        """A key of its own for a private document made for one request."""
        return f"{PRIVATE}print/{event_id}/{_safe(document)}@{uuid.uuid4().hex}.pdf"

    async def make(self, key: str, function: str, seconds: float, **kwargs: Any) -> bytes:
        """Make ``key`` with ``function``, wait for it and give its bytes; a private document
        is removed from the storage once read (it is made again for the next request)."""
        await self.start(key, function, **kwargs)
        job = await self.wait(key, seconds)
        if job is not None and job.state == "failed":
            raise RenderError(job.error)
        if job is not None and job.state == "running":
            raise RenderError("the document is still being laid out; try again in a moment")
        storage, inner = storage_of(self.settings, key)
        data = await asyncio.to_thread(storage.read, inner)
        if key.startswith(PRIVATE):
            await asyncio.to_thread(storage.delete, inner)
            self.jobs.pop(key, None)
        return data

    async def status(self, key: str) -> Job | None:
        """The job making ``key``, as far as it has come, or None when there is none."""
        if self.queue is None:
            return self.jobs.get(key)
        found = await self.queue.job(key)
        if found is None:
            return None
        return from_saq(found)

    async def start(
        self, key: str, function: str, heartbeat: int = HEARTBEAT_SECONDS, **kwargs: Any
    ) -> Job:
        """Make ``key`` with the job ``function`` (once: a job already running is returned)."""
        if self.queue is not None:
            from saq import Job as SaqJob

            await self.queue.enqueue(
                SaqJob(
                    function=function,
                    kwargs={"key": key, "request_id": request_id.get(), **kwargs},
                    key=key,
                    retries=RETRIES,
                    heartbeat=heartbeat,
                    timeout=JOB_TIMEOUT_SECONDS,
                    ttl=KEEP_SECONDS,
                    meta={"done": 0, "total": 1, "stage": "queued"},
                )
            )
            return await self.status(key) or Job(key)
        existing = self.jobs.get(key)
        if existing is not None and existing.state == "running":
            return existing
        job = Job(key)
        self.jobs[key] = job
        task = asyncio.get_running_loop().create_task(self._run(job, function, kwargs))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job

    async def _run(self, job: Job, function: str, kwargs: dict[str, Any]) -> None:
        context = JobContext(self.settings, self.engine, self.storage, job.key, job.progress)
        try:
            job.result = await self.functions[function](context, key=job.key, **kwargs)
            job.pages, job.state = job.result, "done"
            for key in [key for key in self.jobs if key != job.key and _same(key, job.key)]:
                self.jobs.pop(key, None)
        except Exception as exc:  # the server goes on; the page explains
            job.state, job.error = "failed", _failure(exc)
            if isinstance(exc, RenderError | ProblemError):
                log.warning("job %s failed: %s", job.key, exc)
            else:
                log.exception("job %s failed", job.key)

    async def wait(self, key: str, seconds: float) -> Job | None:
        """The job of ``key`` once it is no longer running, or as it is after ``seconds``."""
        deadline = time.monotonic() + seconds
        while True:
            job = await self.status(key)
            if job is None or job.state != "running" or time.monotonic() >= deadline:
                return job
            await asyncio.sleep(0.1)

    async def connect(self) -> None:
        if self.queue is not None:
            await self.queue.connect()

    async def close(self) -> None:
        if self.queue is not None:
            await self.queue.disconnect()

    async def wait_all(self) -> None:
        """Wait for the running local jobs (tests, shutdown)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


async def run_here(
    settings: Settings,
    engine: AsyncEngine,
    function: JobFunction,
    key: str,
    progress: Callable[[int, int, str], None] | None = None,
    **kwargs: Any,
) -> int:
    """Run a job function in this process and wait for it (the command line: it is a process
    of its own, and runs the same function the web's jobs run)."""
    context = JobContext(
        settings, engine, storage_for(settings, "cache"), key, progress or (lambda *_: None)
    )
    return await function(context, key=key, **kwargs)


# A job that writes thousands of rows keeps its event loop busy for seconds at a time (the
# database driver's parameters are prepared there): give it longer before it counts as dead.
WRITING_HEARTBEAT_SECONDS = 60


async def hold_job_lock(db: AsyncSession, key: str) -> None:
    """Make the writes of the job ``key`` wait for another run of the same job that is still
    writing (a run taken as dead while it was not), so that the second finds the first's
    mark. PostgreSQL: an advisory lock held until the transaction ends; SQLite writes one
    transaction at a time, and a transaction that read before another's commit cannot write."""
    if db.get_bind().dialect.name == "postgresql":
        number = int(hashlib.sha256(key.encode()).hexdigest()[:15], 16)
        await db.execute(text("SELECT pg_advisory_xact_lock(:number)"), {"number": number})


UPLOADS = "uploads/"


def stage_upload(settings: Settings, kind: str, content: bytes, *, once: bool = True) -> str:
    """Keep an uploaded file where every worker can read it (the storage's private area, never
    Redis) under its content's hash; gives the hash, which names the job that reads it. With
    ``once=False`` (a file whose every submission makes something new, such as an event imported
    as a copy) the name is the hash and a random part: each submission is its own job."""
    digest = hashlib.sha256(content).hexdigest()
    if not once:
        digest = f"{digest}-{secrets.token_hex(6)}"
    storage_for(settings, "private").save(f"{UPLOADS}{kind}/{digest}", content)
    return digest


def staged_upload(settings: Settings, kind: str, digest: str) -> bytes:
    """The content of a file kept by :func:`stage_upload`."""
    return storage_for(settings, "private").read(f"{UPLOADS}{kind}/{_safe(digest)}")


def drop_upload(settings: Settings, kind: str, digest: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        storage_for(settings, "private").delete(f"{UPLOADS}{kind}/{_safe(digest)}")


def _same(one: str, other: str) -> bool:
    return one.partition("@")[0] == other.partition("@")[0]


def from_saq(found: Any) -> Job:
    """Our view of a SAQ job."""
    status = str(getattr(found.status, "value", found.status))
    meta = found.meta or {}
    state = {"complete": "done", "failed": "failed", "aborted": "failed"}.get(status, "running")
    job = Job(
        found.key,
        state=state,
        done=int(meta.get("done", 0)),
        total=max(int(meta.get("total", 1)), 1),
        stage=str(meta.get("stage", "queued"))
        if status != "active" or meta.get("stage") != "queued"
        else "starting",
        error=str(meta.get("error") or found.error or "") if state == "failed" else "",
        started=(found.queued or 0) / 1000 or time.time(),
        pages=int(found.result or 0) if state == "done" else 0,
        result=int(found.result or 0) if state == "done" else 0,
    )
    return job


async def run_queued(
    function: JobFunction,
    saq_job: Any,
    settings: Settings,
    engine: AsyncEngine,
    kwargs: dict[str, Any],
) -> int:
    """Run a job function for SAQ: progress (and a heartbeat) go to the job in Redis."""
    loop = asyncio.get_running_loop()
    lock = threading.Lock()
    latest: dict[str, Any] = {}

    def progress(done: int, total: int, stage: str) -> None:
        with lock:
            latest.update(done=done, total=max(total, 1), stage=stage)

    async def beat() -> None:
        sent: dict[str, Any] = {}
        last = 0.0
        while True:
            with lock:
                meta = dict(latest)
            if meta != sent or time.monotonic() - last > HEARTBEAT_SECONDS / 3:
                # An update touches the job: its worker is alive.
                await (saq_job.update(meta=meta) if meta else saq_job.update())
                sent, last = meta, time.monotonic()
            await asyncio.sleep(0.5)

    key = kwargs.pop("key")
    request_id.set(kwargs.pop("request_id", "") or "")  # this task's logs name the request
    context = JobContext(settings, engine, storage_for(settings, "cache"), key, progress)
    beating = loop.create_task(beat())
    try:
        return await function(context, key=key, **kwargs)
    except (ProblemError, RenderError) as exc:
        # A refusal (the file no longer fits the database, the event is gone) is the answer:
        # trying again gives the same one. Readers get its words, not a traceback.
        saq_job.retries = 0
        with lock:
            latest["error"] = _failure(exc)
        with contextlib.suppress(Exception):
            await saq_job.update(meta=dict(latest))
        raise
    finally:
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await beating


def make_queue(settings: Settings) -> Any:
    """The SAQ queue in Redis (queue mode), or None (local mode)."""
    if settings.jobs != "queue":
        return None
    if not settings.redis_url:
        raise ValueError("CONGRESS_JOBS=queue needs CONGRESS_REDIS_URL")
    from saq.queue.redis import RedisQueue

    class Queue(RedisQueue):
        async def sweep(self, lock: int = 60, abort: float = 5.0) -> list[str]:
            # Look for jobs of dead workers every few seconds, not once a minute.
            # A dead worker cannot confirm an abort: do not wait long for it.
            return await super().sweep(lock=SWEEP_SECONDS, abort=min(abort, 0.5))

    return Queue.from_url(settings.redis_url, name=settings.queue_name)


SWEEP_SECONDS = 2
WORKER_INFO_SECONDS = 5
