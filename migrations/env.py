"""Alembic environment: async engine from congress settings, batch mode for SQLite."""

from __future__ import annotations

import asyncio

from alembic import context
from advanced_alchemy.types import GUID
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeEngine
from sqlalchemy.pool import NullPool

from congress.db.engine import make_engine
from congress.web.registry import metadata
from congress.settings import Settings

config = context.config
settings: Settings = config.attributes.get("settings") or Settings()


def _compare_type(
    context: object,
    inspected_column: object,
    metadata_column: object,
    inspected_type: TypeEngine[object],
    metadata_type: TypeEngine[object],
) -> bool | None:
    # SQLite reflects advanced-alchemy's GUID (stored as 16 bytes) as NUMERIC: not a change.
    if isinstance(metadata_type, GUID) and connection_dialect(context) == "sqlite":
        return False
    return None


def connection_dialect(migration_context: object) -> str:
    return str(getattr(getattr(migration_context, "dialect", None), "name", ""))


def _include_name(name: str | None, type_: str, parent_names: object) -> bool:
    # Full-text search objects are made by hand, not from models: the SQLite FTS5 table (with
    # its shadow tables) and the PostgreSQL expression indexes.
    if type_ == "table" and name is not None and name.startswith("search_index"):
        return False
    return not (type_ == "index" and name in {"ix_speech_search", "ix_record_search"})


def _configure(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # SQLite changes a table (batch mode) by copying it into a new one and dropping the old:
        # with foreign keys on, that drop deletes every row that refers to it (ON DELETE
        # CASCADE) or fails. Off during the migration (a no-op inside a transaction, so before
        # it starts), and the references checked at the end.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()  # end the transaction SQLAlchemy began, so that Alembic runs its own
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=_compare_type,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"the migration left rows that refer to nothing: {broken[:5]}")
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


async def _run_async() -> None:
    engine = make_engine(settings, poolclass=NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_configure)
    await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=settings.db_url,
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
    else:
        asyncio.run(_run_async())
