"""event quorum

The quorum an event's votes require ("31" delegates, or a share of the accredited delegates to
exceed, "1/2"); roll calls that set none take it. A plain ALTER TABLE on every database (a
nullable column): the event table is not copied.

Revision ID: 5d2a7c9e1f43
Revises: 3c8e1f0a6b24
Create Date: 2026-12-03 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d2a7c9e1f43"
down_revision: str | None = "3c8e1f0a6b24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("event", sa.Column("quorum", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.drop_column("quorum")
