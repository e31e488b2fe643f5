"""participant short code

A short, case-insensitive code per participant that people read out at the desk
("K7QX-M3PD"), unique within an event; existing participants get one.

Revision ID: c4e8a2f1b7d3
Revises: 3e9b1c4d8a60
Create Date: 2026-12-03 13:05:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c4e8a2f1b7d3"
down_revision: str | None = "3e9b1c4d8a60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def upgrade() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.add_column(sa.Column("short_code", sa.String(length=8), nullable=True))
    participant = sa.table(
        "participant", sa.column("id", sa.BigInteger), sa.column("short_code", sa.String)
    )
    connection = op.get_bind()
    ids = connection.execute(sa.select(participant.c.id)).scalars().all()
    used: set[str] = set()
    for participant_id in ids:
        code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        while code in used:
            code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        used.add(code)
        connection.execute(
            participant.update()
            .where(participant.c.id == participant_id)
            .values(short_code=code)
        )
    with op.batch_alter_table("participant") as batch:
        batch.alter_column("short_code", existing_type=sa.String(length=8), nullable=False)
        batch.create_unique_constraint("uq_participant_short_code", ["event_id", "short_code"])


def downgrade() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.drop_constraint("uq_participant_short_code", type_="unique")
        batch.drop_column("short_code")
