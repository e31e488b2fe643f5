"""Engine creation with the per-database settings every connection needs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from congress.db.changes import attach as attach_changes
from congress.db.stemming import register as register_text_functions
from congress.settings import Settings


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers work during a write.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    # The full-text index's triggers stem text in Python (see db/stemming.py).
    register_text_functions(dbapi_connection)


def make_engine(settings: Settings, **kwargs: Any) -> AsyncEngine:
    engine = _make_engine(settings, **kwargs)
    # What is written through it is announced to every process (db/changes.py).
    attach_changes(engine, settings)
    return engine


def _make_engine(settings: Settings, **kwargs: Any) -> AsyncEngine:
    url = settings.db_url
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 20)
    if kwargs.get("poolclass") is NullPool:
        kwargs.pop("pool_size")
        kwargs.pop("max_overflow")
    return create_async_engine(url, **kwargs)
