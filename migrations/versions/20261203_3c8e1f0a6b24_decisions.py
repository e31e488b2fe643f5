"""decisions

Motions, votes (with their figures), elections and candidates, roll calls, headcounts; and
where an imported record came from (source name, address, date, views there).

Revision ID: 3c8e1f0a6b24
Revises: b3e9f1a2c4d6
Create Date: 2026-12-03 12:36:25.228210
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision: str = "3c8e1f0a6b24"
down_revision: str | None = "b3e9f1a2c4d6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "headcount",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column(
            "session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "category",
            sa.Enum(
                "press",
                "observers",
                "members",
                "candidate_members",
                "guests",
                "other",
                name="headcountcategory",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "note",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.CheckConstraint("count >= 1", name=op.f("ck_headcount_count_positive")),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_headcount_organization_id_organization"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["session.id"],
            name=op.f("fk_headcount_session_id_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_headcount")),
    )
    with op.batch_alter_table("headcount", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_headcount_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_headcount_session_id"), ["session_id"], unique=False)

    op.create_table(
        "roll_call",
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column(
            "session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "taken_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column("accredited", sa.Integer(), nullable=False),
        sa.Column("present", sa.Integer(), nullable=False),
        sa.Column("quorum", sa.Integer(), nullable=False),
        sa.Column("quorum_rule", sa.String(length=40), nullable=False),
        sa.Column("quorum_met", sa.Boolean(), nullable=False),
        sa.Column(
            "by_delegation",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "recorded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.CheckConstraint(
            "present >= 0 AND accredited >= 0 AND quorum >= 0", name=op.f("ck_roll_call_figures")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_roll_call_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["session.id"],
            name=op.f("fk_roll_call_session_id_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roll_call")),
    )
    with op.batch_alter_table("roll_call", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_roll_call_recorded_by_id"), ["recorded_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_roll_call_session_id"), ["session_id"], unique=False)

    op.create_table(
        "election",
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "agenda_item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "title",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("body_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "position_title",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("threshold_percent", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "decided",
                name="electionstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "decided_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True
        ),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.CheckConstraint("seats >= 1", name=op.f("ck_election_seats_positive")),
        sa.CheckConstraint(
            "threshold_percent >= 0 AND threshold_percent < 100",
            name=op.f("ck_election_threshold_range"),
        ),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_election_agenda_item_id_agenda_item"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["organization.id"],
            name=op.f("fk_election_body_id_organization"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_election_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["session.id"],
            name=op.f("fk_election_session_id_session"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_election")),
    )
    with op.batch_alter_table("election", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_election_agenda_item_id"), ["agenda_item_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_election_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_election_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_election_session_id"), ["session_id"], unique=False)

    op.create_table(
        "motion",
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "agenda_item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "kind",
            sa.Enum(
                "resolution",
                "declaration",
                "amendment",
                "procedural",
                name="motionkind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "title",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "text",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "adopted_text",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "submitted_by_person_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "submitted_by_delegation_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "submitted_by_organization_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("amends_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "adopted",
                "rejected",
                "withdrawn",
                "referred",
                name="motionstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "decided_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True
        ),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_motion_agenda_item_id_agenda_item"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["amends_id"],
            ["motion.id"],
            name=op.f("fk_motion_amends_id_motion"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_motion_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["session.id"],
            name=op.f("fk_motion_session_id_session"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_delegation_id"],
            ["delegation.id"],
            name=op.f("fk_motion_submitted_by_delegation_id_delegation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_organization_id"],
            ["organization.id"],
            name=op.f("fk_motion_submitted_by_organization_id_organization"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_person_id"],
            ["person.id"],
            name=op.f("fk_motion_submitted_by_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_motion")),
    )
    with op.batch_alter_table("motion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_motion_agenda_item_id"), ["agenda_item_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_motion_amends_id"), ["amends_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_motion_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_motion_session_id"), ["session_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_motion_submitted_by_delegation_id"),
            ["submitted_by_delegation_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_motion_submitted_by_organization_id"),
            ["submitted_by_organization_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_motion_submitted_by_person_id"), ["submitted_by_person_id"], unique=False
        )

    op.create_table(
        "candidate",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column(
            "election_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("elected", sa.Boolean(), nullable=False),
        sa.Column(
            "position_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["election_id"],
            ["election.id"],
            name=op.f("fk_candidate_election_id_election"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_candidate_person_id_person"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["position_id"],
            ["position.id"],
            name=op.f("fk_candidate_position_id_position"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate")),
        sa.UniqueConstraint("election_id", "person_id", name="uq_candidate_person"),
    )
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_candidate_election_id"), ["election_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_candidate_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_candidate_position_id"), ["position_id"], unique=False)

    op.create_table(
        "vote",
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("motion_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "election_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "show_of_hands",
                "roll_call",
                "secret_ballot",
                name="votemethod",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "majority",
            sa.Enum(
                "simple",
                "absolute",
                "two_thirds",
                name="majorityrule",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "roll_call_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("quorum_override_reason", sa.String(length=1000), nullable=True),
        sa.Column(
            "presiding_chair_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "taken_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column("votes_for", sa.Integer(), nullable=False),
        sa.Column("votes_against", sa.Integer(), nullable=False),
        sa.Column("abstentions", sa.Integer(), nullable=False),
        sa.Column("spoilt", sa.Integer(), nullable=False),
        sa.Column("ballots", sa.Integer(), nullable=False),
        sa.Column("votes_held", sa.Integer(), nullable=False),
        sa.Column(
            "result",
            sa.Enum(
                "adopted",
                "rejected",
                "elected",
                "further_round",
                name="voteresult",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "breakdown",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "tally",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "elected",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("correction_reason", sa.String(length=1000), nullable=True),
        sa.Column(
            "recorded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.CheckConstraint(
            "(motion_id IS NULL) <> (election_id IS NULL)", name=op.f("ck_vote_motion_or_election")
        ),
        sa.CheckConstraint(
            "votes_for >= 0 AND votes_against >= 0 AND abstentions >= 0 AND spoilt >= 0 AND ballots >= 0 AND votes_held >= 0 AND round >= 1",
            name=op.f("ck_vote_figures"),
        ),
        sa.ForeignKeyConstraint(
            ["election_id"],
            ["election.id"],
            name=op.f("fk_vote_election_id_election"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_vote_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["motion_id"], ["motion.id"], name=op.f("fk_vote_motion_id_motion"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["presiding_chair_id"],
            ["person.id"],
            name=op.f("fk_vote_presiding_chair_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_vote_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["roll_call_id"],
            ["roll_call.id"],
            name=op.f("fk_vote_roll_call_id_roll_call"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote")),
        sa.UniqueConstraint("election_id", "round", name="uq_vote_election_round"),
        sa.UniqueConstraint("motion_id", "round", name="uq_vote_motion_round"),
    )
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vote_election_id"), ["election_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vote_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vote_motion_id"), ["motion_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_vote_presiding_chair_id"), ["presiding_chair_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_vote_recorded_by_id"), ["recorded_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_vote_roll_call_id"), ["roll_call_id"], unique=False)

    op.create_index("ix_motion_uid", "motion", ["uid"], unique=True)
    op.create_index("ix_election_uid", "election", ["uid"], unique=True)
    op.create_index("ix_roll_call_uid", "roll_call", ["uid"], unique=True)
    op.create_index("ix_vote_uid", "vote", ["uid"], unique=True)

    if op.get_bind().dialect.name == "sqlite":
        # Plain ALTER TABLE: a batch copy of "record" would drop its full-text triggers.
        op.add_column("record", sa.Column("source_name", sa.String(length=200), nullable=True))
        op.add_column("record", sa.Column("source_url", sa.String(length=500), nullable=True))
        op.add_column("record", sa.Column("source_published_on", sa.Date(), nullable=True))
        op.execute(
            "ALTER TABLE record ADD COLUMN source_view_count INTEGER "
            "CONSTRAINT ck_record_source_views_positive "
            "CHECK (source_view_count IS NULL OR source_view_count >= 0)"
        )
        return
    with op.batch_alter_table("record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("source_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("source_published_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("source_view_count", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_record_source_views_positive"),
            "source_view_count IS NULL OR source_view_count >= 0",
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's own DROP COLUMN: a batch copy of "record" would drop its full-text triggers.
        for column in ("source_view_count", "source_published_on", "source_url", "source_name"):
            op.execute(f"ALTER TABLE record DROP COLUMN {column}")
    else:
        with op.batch_alter_table("record", schema=None) as batch_op:
            batch_op.drop_constraint(op.f("ck_record_source_views_positive"), type_="check")
            batch_op.drop_column("source_view_count")
            batch_op.drop_column("source_published_on")
            batch_op.drop_column("source_url")
            batch_op.drop_column("source_name")
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vote_roll_call_id"))
        batch_op.drop_index(batch_op.f("ix_vote_recorded_by_id"))
        batch_op.drop_index(batch_op.f("ix_vote_presiding_chair_id"))
        batch_op.drop_index(batch_op.f("ix_vote_motion_id"))
        batch_op.drop_index(batch_op.f("ix_vote_event_id"))
        batch_op.drop_index(batch_op.f("ix_vote_election_id"))

    op.drop_table("vote")
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidate_position_id"))
        batch_op.drop_index(batch_op.f("ix_candidate_person_id"))
        batch_op.drop_index(batch_op.f("ix_candidate_election_id"))

    op.drop_table("candidate")
    with op.batch_alter_table("motion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_motion_submitted_by_person_id"))
        batch_op.drop_index(batch_op.f("ix_motion_submitted_by_organization_id"))
        batch_op.drop_index(batch_op.f("ix_motion_submitted_by_delegation_id"))
        batch_op.drop_index(batch_op.f("ix_motion_session_id"))
        batch_op.drop_index(batch_op.f("ix_motion_event_id"))
        batch_op.drop_index(batch_op.f("ix_motion_amends_id"))
        batch_op.drop_index(batch_op.f("ix_motion_agenda_item_id"))

    op.drop_table("motion")
    with op.batch_alter_table("election", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_election_session_id"))
        batch_op.drop_index(batch_op.f("ix_election_event_id"))
        batch_op.drop_index(batch_op.f("ix_election_body_id"))
        batch_op.drop_index(batch_op.f("ix_election_agenda_item_id"))

    op.drop_table("election")
    with op.batch_alter_table("roll_call", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roll_call_session_id"))
        batch_op.drop_index(batch_op.f("ix_roll_call_recorded_by_id"))

    op.drop_table("roll_call")
    with op.batch_alter_table("headcount", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_headcount_session_id"))
        batch_op.drop_index(batch_op.f("ix_headcount_organization_id"))

    op.drop_table("headcount")
