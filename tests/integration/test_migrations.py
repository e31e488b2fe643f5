"""The models and the Alembic migrations describe the same schema (on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

from congress.db.engine import make_engine
from congress.db.migrate import alembic_config
from congress.domain.publishing.search import search
from congress.settings import Settings


def test_models_match_migrations(settings: Settings) -> None:
    # Raises "New upgrade operations detected" when a model changed without a revision.
    command.check(alembic_config(settings))


def test_history_is_linear(settings: Settings) -> None:
    script = ScriptDirectory.from_config(alembic_config(settings))
    assert len(script.get_heads()) == 1, (
        "several Alembic heads: set down_revision to the other head"
    )


def test_downgrade_and_upgrade_again(settings: Settings) -> None:
    config = alembic_config(settings)
    command.downgrade(config, "base")
    command.upgrade(config, "head")
    command.check(config)


PREVIOUS_RELEASE = "7a1c0e5b9d2f"  # the head of the last release: installations are there


async def _row_counts(settings: Settings) -> dict[str, int]:
    engine = make_engine(settings, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            return {
                name: int(await connection.scalar(text(f'SELECT count(*) FROM "{name}"')) or 0)
                for name in names
                if name != "alembic_version" and not name.startswith("search_index_")
            }
    finally:
        await engine.dispose()


def test_upgrading_an_installation_keeps_every_row(settings: Settings, demo_slug: str) -> None:
    """The demo event as the last release holds it, migrated to this one: no row of any table is
    lost (on SQLite a table change copies the table, which must not delete what refers to it)
    and search still finds what it found (its triggers survive)."""
    config = alembic_config(settings)
    command.downgrade(config, PREVIOUS_RELEASE)
    before = asyncio.run(_row_counts(settings))
    command.upgrade(config, "head")
    after = asyncio.run(_row_counts(settings))
    changed = {
        name: (count, after.get(name)) for name, count in before.items() if after.get(name) != count
    }
    assert not changed, changed
    assert before["attendance"] > 0 and before["comment"] > 0 and before["record_tag"] > 0

    async def found() -> int:
        engine = make_engine(settings, poolclass=NullPool)
        try:
            async with AsyncSession(engine) as session:
                hits, _ = await search(session, "дружба", lang="ru")
                return len({hit.kind for hit in hits})
        finally:
            await engine.dispose()

    assert asyncio.run(found()) == 2  # speeches and the record
