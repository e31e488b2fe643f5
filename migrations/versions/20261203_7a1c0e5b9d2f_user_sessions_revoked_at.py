"""user sessions revoked at

A password reset or a deactivation ends the user's sessions: those started before
user_account.sessions_revoked_at are void.

Revision ID: 7a1c0e5b9d2f
Revises: 5d2da79073f7
Create Date: 2026-12-03 09:50:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "7a1c0e5b9d2f"
down_revision: str | None = "5d2da79073f7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(
            sa.Column(
                "sessions_revoked_at",
                advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("sessions_revoked_at")
