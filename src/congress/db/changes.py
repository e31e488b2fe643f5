"""Change notifications: every process of an installation learns which events' data changed,
whichever process (web server, worker, command line) wrote it.

The writing side is a hook on every SQLAlchemy session of an engine made by
:func:`congress.db.engine.make_engine`: after a flush, the rows written are mapped to the
events they belong to (by the resolvers that the areas register with :func:`watch`; the
publishing area says which tables its pages show). What was found is announced

- through **Redis** pub/sub when ``CONGRESS_REDIS_URL`` is set (published after the commit);
- else on **PostgreSQL** by ``NOTIFY`` inside the writing transaction, which PostgreSQL
  delivers to the listeners at commit (and drops on rollback);
- and always to the subscribers of this process, at commit (on SQLite this is all there is:
  SQLite is for one process).

The reading side is a :class:`ChangeFeed` per subscriber (a web process's cache): it listens on
Redis or PostgreSQL and calls ``on_change`` with the ids of the events that changed, or with
``None`` for "any event" (a shared row such as a person changed, or the feed was cut and may
have missed something). A notification can still be lost (a dropped connection); readers keep
what they learned only for a short time (see publishing/views.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from hashlib import sha1
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

from congress.settings import Settings

log = logging.getLogger(__name__)

# The PostgreSQL channel (a database's channels are its own).
CHANNEL = "congress_changes"
# This process, so that it skips its own messages (it has told its subscribers at commit).
ORIGIN = uuid.uuid4().hex[:12]
EVERY = "*"
PENDING = "congress_changed_events"

# What a written row means: the ids of the events whose data it is, or True for every event
# (a row shared between events, or one whose event is not at hand).
Resolver = Callable[[Any], "Iterable[int] | bool"]
_WATCHED: dict[type, Resolver] = {}
_TABLES: set[str] = set()
OnChange = Callable[[frozenset[int] | None], None]


def watch(classes: Iterable[type], resolver: Resolver) -> None:
    """Announce the changes of rows of ``classes``, as ``resolver`` maps them to events."""
    for cls in classes:
        _WATCHED[cls] = resolver
        _TABLES.add(cls.__table__.name)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Route:
    """Where the changes of one database are announced."""

    database: str  # the database's identity within this process (its URL)
    redis_url: str | None
    postgres: bool

    @property
    def redis_channel(self) -> str:
        return f"congress-changes:{sha1(self.database.encode()).hexdigest()[:16]}"


_ROUTES: weakref.WeakKeyDictionary[Engine, Route] = weakref.WeakKeyDictionary()
_LOCAL: dict[str, list[OnChange]] = {}
_REDIS: dict[str, Any] = {}


def route_for(settings: Settings) -> Route:
    return Route(
        database=settings.db_url,
        redis_url=settings.redis_url or None,
        postgres=not settings.is_sqlite,
    )


def attach(engine: AsyncEngine, settings: Settings) -> None:
    """Announce the changes written through ``engine`` (make_engine does this)."""
    _ROUTES[engine.sync_engine] = route_for(settings)


def _route(session: Session) -> Route | None:
    bind = session.bind
    if isinstance(bind, Connection):
        bind = bind.engine
    return _ROUTES.get(bind) if isinstance(bind, Engine) else None


def _meaning(target: object) -> Iterable[int] | bool | None:
    resolver = _WATCHED.get(type(target))
    return None if resolver is None else resolver(target)


def payload(events: frozenset[int] | None) -> str:
    return f"{ORIGIN}|{EVERY if events is None else ','.join(map(str, sorted(events)))}"


def parse(message: str) -> tuple[str, frozenset[int] | None]:
    origin, _, body = message.partition("|")
    if body == EVERY:
        return origin, None
    return origin, frozenset(int(part) for part in body.split(",") if part.strip().isdigit())


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    route = _route(session)
    if route is None or not _WATCHED:
        return
    found: set[int] = set()
    every = False
    for target in [*session.new, *session.deleted, *session.dirty]:
        if target in session.dirty and not session.is_modified(target):
            continue
        meaning = _meaning(target)
        if meaning is True:
            every = True
        elif meaning:
            found.update(meaning)
    if not found and not every:
        return
    pending: dict[str, Any] = session.info.setdefault(PENDING, {"events": set(), "every": False})
    pending["events"] |= found
    pending["every"] = pending["every"] or every
    if route.postgres and not route.redis_url:
        # Delivered at commit, to every listener of this database; dropped on rollback.
        changed = None if every else frozenset(found)
        session.connection().execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {"channel": CHANNEL, "payload": payload(changed)},
        )


@event.listens_for(Session, "do_orm_execute")
def _bulk(state: Any) -> None:
    """An INSERT, UPDATE or DELETE statement through the session: every event (it may touch
    any). A statement that changes nothing anybody is shown says ``announce=False``."""
    if state.execution_options.get("announce") is False or not (
        state.is_insert or state.is_update or state.is_delete
    ):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) not in _TABLES:
        return
    session = state.session
    pending: dict[str, Any] = session.info.setdefault(PENDING, {"events": set(), "every": False})
    pending["every"] = True
    route = _route(session)
    if route is not None and route.postgres and not route.redis_url:
        session.connection().execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {"channel": CHANNEL, "payload": payload(None)},
        )


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    route = _route(session)
    if not pending or route is None:
        return
    changed = None if pending["every"] else frozenset(pending["events"])
    tell_here(route.database, changed)
    if route.redis_url:
        _publish(route, changed)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def tell_here(database: str, changed: frozenset[int] | None) -> None:
    """Tell this process's subscribers of ``database`` (no other process)."""
    for subscriber in list(_LOCAL.get(database, ())):
        try:
            subscriber(changed)
        except Exception:  # one subscriber's failure is not the writer's
            log.exception("a change subscriber failed")


_REDIS_DOWN_UNTIL: dict[str, float] = {}


def _publish(route: Route, changed: frozenset[int] | None) -> None:
    """Publish to Redis right after the commit. Blocking but short (a local round trip); the
    command line exits right after its commit, and must not lose the message."""
    assert route.redis_url is not None
    if _REDIS_DOWN_UNTIL.get(route.redis_url, 0) > time.monotonic():
        return  # readers' short time-to-live covers the lost message
    try:
        client = _REDIS.get(route.redis_url)
        if client is None:
            import redis

            client = redis.Redis.from_url(
                route.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5
            )
            _REDIS[route.redis_url] = client
        client.publish(route.redis_channel, payload(changed))
    except Exception as exc:  # Redis down: say so once in a while, never fail the write
        _REDIS_DOWN_UNTIL[route.redis_url] = time.monotonic() + 5
        log.warning("could not announce a change through Redis: %s", exc)


def announce(settings: Settings, changed: frozenset[int] | None) -> None:
    """Announce a change that no row write shows (a scheduled record coming due)."""
    route = route_for(settings)
    tell_here(route.database, changed)
    if route.redis_url:
        _publish(route, changed)


class ChangeFeed:
    """Calls ``on_change`` for every change of the settings' database, made anywhere."""

    def __init__(self, settings: Settings, on_change: OnChange) -> None:
        self.settings = settings
        self.route = route_for(settings)
        self.on_change = on_change
        self.task: asyncio.Task[None] | None = None
        # Set while the feed hears other processes (tests and benchmarks wait for it).
        self.listening = asyncio.Event()

    @property
    def kind(self) -> str:
        if self.route.redis_url:
            return "redis"
        return "postgres" if self.route.postgres else "process"

    async def start(self) -> None:
        self.listening = asyncio.Event()
        _LOCAL.setdefault(self.route.database, []).append(self.on_change)
        if self.kind == "process":
            self.listening.set()
            return
        listen = self._redis if self.kind == "redis" else self._postgres
        self.task = asyncio.create_task(self._keep(listen), name=f"change feed ({self.kind})")

    async def stop(self) -> None:
        with contextlib.suppress(ValueError):
            _LOCAL.get(self.route.database, []).remove(self.on_change)
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None

    def _heard(self, message: str | bytes) -> None:
        text_ = message.decode() if isinstance(message, bytes) else message
        origin, changed = parse(text_)
        if origin != ORIGIN:
            self.on_change(changed)

    async def _keep(self, listen: Callable[[], Any]) -> None:
        """Listen; after a cut, listen again (and take it that anything may have changed)."""
        while True:
            try:
                await listen()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("change feed (%s) cut: %s; reconnecting", self.kind, exc)
            self.listening.clear()
            self.on_change(None)
            await asyncio.sleep(1)

    async def _redis(self) -> None:
        from redis.asyncio import Redis

        assert self.route.redis_url is not None
        client = Redis.from_url(self.route.redis_url)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(self.route.redis_channel)
            self.on_change(None)  # whatever happened before we listened
            self.listening.set()
            while True:
                message = await pubsub.get_message(timeout=30)
                if message is not None and message["type"] == "message":
                    self._heard(message["data"])
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()
            with contextlib.suppress(Exception):
                await client.aclose()

    async def _postgres(self) -> None:
        import asyncpg

        url = make_url(self.settings.db_url).set(drivername="postgresql")
        connection = await asyncpg.connect(url.render_as_string(hide_password=False))
        try:
            await connection.add_listener(CHANNEL, lambda *args: self._heard(args[-1]))
            self.on_change(None)
            self.listening.set()
            while True:  # a cut connection shows at the next check
                await asyncio.sleep(10)
                await asyncio.wait_for(connection.execute("SELECT 1"), 5)
        finally:
            with contextlib.suppress(Exception):
                await connection.close(timeout=2)
