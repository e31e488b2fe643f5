"""stable identifiers

Every exported thing (event, venue, room, organization, person, session, speech, award, gift,
delegation, record) gets a uid: a UUIDv4 made once and kept, on which the guids and UIDs of the
open formats are built. Existing rows get a fresh one each.

SQLite cannot make an added column NOT NULL without rebuilding the table (which would drop the
full-text triggers and, with foreign keys on, cascade the deletion of the old table), so there
the column is added NOT NULL with an empty default and filled at once.

Revision ID: b3e9f1a2c4d6
Revises: 7a1c0e5b9d2f
Create Date: 2026-12-03 12:50:00
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b3e9f1a2c4d6"
down_revision: str | None = "7a1c0e5b9d2f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "event",
    "venue",
    "room",
    "organization",
    "person",
    "session",
    "speech",
    "award",
    "gift",
    "delegation",
    "record",
)


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    for name in TABLES:
        if sqlite:
            op.execute(f"ALTER TABLE {name} ADD COLUMN uid VARCHAR(36) NOT NULL DEFAULT ''")
        else:
            op.add_column(name, sa.Column("uid", sa.String(length=36), nullable=True))
        table = sa.table(name, sa.column("id", sa.Integer), sa.column("uid", sa.String))
        ids = bind.execute(sa.select(table.c.id)).scalars().all()
        if ids:
            bind.execute(
                table.update()
                .where(table.c.id == sa.bindparam("row_id"))
                .values(uid=sa.bindparam("new_uid")),
                [{"row_id": row_id, "new_uid": str(uuid.uuid4())} for row_id in ids],
            )
        if not sqlite:
            op.alter_column(name, "uid", nullable=False)
        op.create_index(f"ix_{name}_uid", name, ["uid"], unique=True)


def downgrade() -> None:
    for name in TABLES:
        op.drop_index(f"ix_{name}_uid", table_name=name)
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {name} DROP COLUMN uid")
        else:
            op.drop_column(name, "uid")
