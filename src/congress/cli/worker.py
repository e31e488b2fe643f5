"""`congress worker`: runs the jobs of the queue (CONGRESS_JOBS=queue) — renders, imports and
whatever else the web processes put there — until SIGTERM or SIGINT.

Then it takes no new job, lets the running ones finish within the grace period
(CONGRESS_WORKER_GRACE_SECONDS) and puts those still running at its end back on the queue, where
another worker takes them (a job is keyed by what it makes and writes its result once, so the
second run finishes it rather than doing it twice). A worker that dies without a word (SIGKILL)
has its jobs retried too: their heartbeat stops and another worker's sweep re-queues them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from typing import Any

from congress.settings import Settings

log = logging.getLogger("congress.worker")
# A worker is counted as alive (/ready) while it has written here within this many seconds.
ALIVE_SECONDS = 30
BEAT_SECONDS = 5


def workers_key(settings: Settings) -> str:
    return f"{settings.queue_name}:congress-workers"


def figures_key(settings: Settings, worker: str) -> str:
    return f"{settings.queue_name}:congress-figures:{worker}"


async def worker_figures_of(redis: Any, settings: Settings) -> list[str]:
    """The job and render times that the workers of the last hour published."""
    names = await redis.zrangebyscore(workers_key(settings), time.time() - 3600, "+inf")
    if not names:
        return []
    found = await redis.mget([figures_key(settings, name.decode()) for name in names])
    return [value.decode() for value in found if value]


async def workers_seen(redis: Any, settings: Settings, within: float = ALIVE_SECONDS) -> int:
    """How many workers have said they are alive in the last ``within`` seconds."""
    return int(await redis.zcount(workers_key(settings), time.time() - within, "+inf"))


def _wrap(
    name: str, function: Any, settings: Settings, engine: Any, publish: Any
) -> tuple[str, Any]:
    from congress.documents.jobs import run_queued

    async def run(ctx: dict[str, Any], **kwargs: Any) -> int:
        started = time.perf_counter()
        outcome = "failed"
        try:
            pages = await run_queued(function, ctx["job"], settings, engine, kwargs)
            outcome = "done"
            return pages
        except asyncio.CancelledError:
            outcome = "requeued"  # the worker stopped: SAQ puts the job back on the queue
            raise
        finally:
            seconds = time.perf_counter() - started
            await publish()  # its time, for the web processes' /metrics
            # Carries the id of the request that asked for the job (see run_queued).
            log.info("job %s %s %s after %.1f s", name, ctx["job"].key, outcome, seconds)

    return name, run


def graceful_worker(**options: Any) -> Any:
    """A SAQ worker that, told to stop, stops taking jobs at once.

    SAQ's own stop waits the grace period for every task, also the ones waiting for a job, which
    go on taking jobs meanwhile: here those (and the upkeep timers) are cancelled first, so only
    the running jobs are waited for; SAQ cancels those left at the end of the grace period and
    puts them back on the queue."""
    from saq import Worker

    class GracefulWorker(Worker):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.busy: set[asyncio.Task[Any]] = set()

        async def _before_process(self, ctx: Any) -> None:
            task = asyncio.current_task()
            if task is not None:
                self.busy.add(task)
            await super()._before_process(ctx)

        async def _after_process(self, ctx: Any) -> None:
            self.busy.discard(asyncio.current_task())
            await super()._after_process(ctx)

        async def stop(self) -> None:
            self.event.set()  # no process task starts after this
            idle = [task for task in self.tasks if task not in self.busy]
            log.info(
                "stopping: %d jobs running, waiting up to %s s for them",
                len(self.tasks) - len(idle),
                self._shutdown_grace_period_s,
            )
            for task in idle:
                task.cancel()
            await super().stop()

    return GracefulWorker(**options)


async def run_worker(settings: Settings, concurrency: int) -> None:
    from congress.db.engine import make_engine
    from congress.documents.jobs import SWEEP_SECONDS, WORKER_INFO_SECONDS, make_queue
    from congress.server.metrics import worker_figures
    from congress.web.jobs import JOB_FUNCTIONS

    queue = make_queue(settings)
    engine = make_engine(settings)
    name = f"{socket.gethostname()}:{os.getpid()}"
    beating: list[asyncio.Task[None]] = []

    async def publish() -> None:
        with contextlib.suppress(Exception):  # figures are not worth failing a job over
            await queue.redis.set(figures_key(settings, name), worker_figures(), ex=3600)

    async def beat() -> None:
        while True:
            await publish()
            await queue.redis.zadd(workers_key(settings), {name: time.time()})
            await queue.redis.zremrangebyscore(workers_key(settings), 0, time.time() - 3600)
            await asyncio.sleep(BEAT_SECONDS)

    async def startup(_ctx: dict[str, Any]) -> None:
        beating.append(asyncio.create_task(beat()))

    async def shutdown(_ctx: dict[str, Any]) -> None:
        for task in beating:
            task.cancel()
        await queue.redis.zrem(workers_key(settings), name)
        await engine.dispose()

    worker = graceful_worker(
        queue=queue,
        functions=[_wrap(key, fn, settings, engine, publish) for key, fn in JOB_FUNCTIONS.items()],
        concurrency=concurrency,
        startup=startup,
        shutdown=shutdown,
        timers={"sweep": SWEEP_SECONDS, "worker_info": WORKER_INFO_SECONDS},
        shutdown_grace_period_s=round(settings.worker_grace_seconds),
        id=name,
    )
    log.info("congress worker %s on queue %r", name, settings.queue_name)
    await worker.start()


def cmd_worker(args: Any, settings: Settings) -> None:
    from congress.commandline import CommandError
    from congress.db.migrate import current_revision, head_revision

    if settings.jobs != "queue" or not settings.redis_url:
        raise CommandError("congress worker needs CONGRESS_JOBS=queue and CONGRESS_REDIS_URL")
    if asyncio.run(current_revision(settings)) != head_revision(settings):
        raise CommandError("the database is not migrated: run `congress db upgrade` first")
    from congress.logs import configure

    configure(settings.log_format)
    asyncio.run(run_worker(settings, args.concurrency))


def add_commands(commands: Any) -> None:
    worker = commands.add_parser("worker", help="run queued jobs (CONGRESS_JOBS=queue)")
    worker.add_argument("--concurrency", type=int, default=2, help="jobs run at once (default 2)")
    worker.set_defaults(handler=cmd_worker)
