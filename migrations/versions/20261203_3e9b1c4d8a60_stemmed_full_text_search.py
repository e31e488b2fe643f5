"""stemmed full-text search

Search finds every form of a word in English, Russian and German ("дружбы" finds "дружба").
PostgreSQL: the expression indexes stem each language's text with its text search configuration
(and keep the words of every language as they are, 'simple'). SQLite: the FTS5 table gets a
"stems" column, filled by the triggers through the application's function congress_stems
(Snowball stemmers, see congress.db.stemming); the table is rebuilt from the speeches and records.

Revision ID: 3e9b1c4d8a60
Revises: 7a1c0e5b9d2f
Create Date: 2026-12-03 13:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3e9b1c4d8a60"
down_revision: str | None = "7a1c0e5b9d2f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = (
    "speech_search_insert",
    "speech_search_update",
    "speech_search_delete",
    "record_search_insert",
    "record_search_update",
    "record_search_delete",
)


def _language(config: str, code: str, *columns: str) -> str:
    texts = " || ' ' || ".join(f"coalesce({column}->>'{code}', '')" for column in columns)
    return f"to_tsvector('{config}', {texts})"


def _vector(*columns: str) -> str:
    stemmed = [
        _language(config, code, *columns)
        for code, config in (("en", "english"), ("ru", "russian"), ("de", "german"))
    ]
    words = [
        f"jsonb_to_tsvector('simple', coalesce({column}, '{{}}'::jsonb), '[\"string\"]')"
        for column in columns
    ]
    return "(" + " || ".join(stemmed + words) + ")"


# The same expressions as congress.domain.publishing.search (a test checks that the search uses
# these indexes).
SPEECH_VECTOR = _vector("title", "transcript")
RECORD_VECTOR = _vector("headline", "lead", "body")

OLD_POSTGRES = (
    "CREATE INDEX ix_speech_search ON speech USING gin "
    "((jsonb_to_tsvector('simple', coalesce(title, '{}'::jsonb), '[\"string\"]') "
    "|| jsonb_to_tsvector('simple', transcript, '[\"string\"]')))",
    "CREATE INDEX ix_record_search ON record USING gin "
    "((jsonb_to_tsvector('simple', headline, '[\"string\"]') "
    "|| jsonb_to_tsvector('simple', coalesce(lead, '{}'::jsonb), '[\"string\"]') "
    "|| jsonb_to_tsvector('simple', body, '[\"string\"]')))",
)

# Rows of search_index: speech n has rowid 2n, record n has rowid 2n+1. "body" is the text the
# result snippet comes from; "extra" is searched too (a record's HTML) but never shown; "stems"
# holds the stems of all of them.
SPEECH_ROW = """
    INSERT INTO search_index(rowid, kind, ref_id, event_id, title, body, extra{stems_column})
    SELECT 2 * {s}.id, 'speech', {s}.id, session.event_id,
           (SELECT group_concat(value, ' ') FROM json_each(coalesce({s}.title, '{{}}'))),
           (SELECT group_concat(value, ' ') FROM json_each({s}.transcript)), ''{stems_speech}
    FROM {source}agenda_item JOIN session ON session.id = agenda_item.session_id
    WHERE agenda_item.id = {s}.agenda_item_id
"""
RECORD_ROW = """
    INSERT INTO search_index(rowid, kind, ref_id, event_id, title, body, extra{stems_column})
    SELECT 2 * {r}.id + 1, 'record', {r}.id, {r}.event_id,
           (SELECT group_concat(value, ' ') FROM json_each({r}.headline)),
           (SELECT group_concat(value, ' ') FROM json_each(coalesce({r}.lead, '{{}}'))),
           (SELECT group_concat(value, ' ') FROM json_each({r}.body)){stems_record}
"""


def _sqlite(stemmed: bool) -> list[str]:
    if stemmed:
        parts = {
            "stems_column": ", stems",
            "stems_speech": ", congress_stems({s}.title, {s}.transcript)",
            "stems_record": ", congress_stems({r}.headline, {r}.lead, {r}.body)",
        }
    else:
        parts = {"stems_column": "", "stems_speech": "", "stems_record": ""}

    def speech(s: str, source: str) -> str:
        row = SPEECH_ROW.replace("{stems_column}", parts["stems_column"]).replace(
            "{stems_speech}", parts["stems_speech"]
        )
        return row.format(s=s, source=source)

    def record(r: str) -> str:
        row = RECORD_ROW.replace("{stems_column}", parts["stems_column"]).replace(
            "{stems_record}", parts["stems_record"]
        )
        return row.format(r=r)

    columns = "title, body, extra, stems" if stemmed else "title, body, extra"
    return [
        f"""CREATE VIRTUAL TABLE search_index USING fts5(
            kind UNINDEXED, ref_id UNINDEXED, event_id UNINDEXED, {columns},
            tokenize = 'trigram')""",
        speech("speech", "speech, "),
        record("record") + " FROM record",
        "CREATE TRIGGER speech_search_insert AFTER INSERT ON speech BEGIN"
        + speech("new", "")
        + "; END",
        "CREATE TRIGGER speech_search_update AFTER UPDATE ON speech BEGIN "
        "DELETE FROM search_index WHERE rowid = 2 * old.id;" + speech("new", "") + "; END",
        "CREATE TRIGGER speech_search_delete AFTER DELETE ON speech BEGIN "
        "DELETE FROM search_index WHERE rowid = 2 * old.id; END",
        "CREATE TRIGGER record_search_insert AFTER INSERT ON record BEGIN"
        + record("new")
        + "; END",
        "CREATE TRIGGER record_search_update AFTER UPDATE ON record BEGIN "
        "DELETE FROM search_index WHERE rowid = 2 * old.id + 1;" + record("new") + "; END",
        "CREATE TRIGGER record_search_delete AFTER DELETE ON record BEGIN "
        "DELETE FROM search_index WHERE rowid = 2 * old.id + 1; END",
    ]


def _drop_sqlite() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS search_index")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_speech_search")
        op.execute("DROP INDEX IF EXISTS ix_record_search")
        op.execute(f"CREATE INDEX ix_speech_search ON speech USING gin ({SPEECH_VECTOR})")
        op.execute(f"CREATE INDEX ix_record_search ON record USING gin ({RECORD_VECTOR})")
    else:
        _drop_sqlite()
        for statement in _sqlite(stemmed=True):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_speech_search")
        op.execute("DROP INDEX IF EXISTS ix_record_search")
        for statement in OLD_POSTGRES:
            op.execute(statement)
    else:
        _drop_sqlite()
        for statement in _sqlite(stemmed=False):
            op.execute(statement)
