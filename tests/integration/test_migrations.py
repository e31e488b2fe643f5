"""The models and the Alembic migrations describe the same schema (on SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory

from congress.db.migrate import alembic_config
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
