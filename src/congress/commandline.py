"""What every `congress` command shares: the error it ends with, its database session, and the
schema check before it starts.

Below the areas on purpose: an area's own commands (``<area>/commands.py``) use it, and the
command line itself (``__main__``) gathers them on top.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from congress.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


class CommandError(Exception):
    """An expected failure: printed as one line, exit code 1."""


def run(coroutine_function: Callable[..., Coroutine[Any, Any, Any]], *args: Any) -> Any:
    return asyncio.run(coroutine_function(*args))


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[AsyncSession]:
    """A session on an engine of its own, disposed of afterwards (``session.bind`` is it).

    No pool: a command opens few connections, and none may outlive its event loop.
    """
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.pool import NullPool

    from congress.db.engine import make_engine

    engine = make_engine(settings, poolclass=NullPool)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            yield session
    finally:
        await engine.dispose()


def prepare_database(settings: Settings) -> bool:
    """Bring the schema to the latest revision; True when the database was new."""
    from congress.db.migrate import current_revision, head_revision, upgrade

    current = run(current_revision, settings)
    # Running Alembic's upgrade costs a second even with nothing to do (commands start faster).
    if current != head_revision(settings):
        upgrade(settings)
    return current is None
