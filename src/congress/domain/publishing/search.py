"""Full-text search over the published speeches and records of public events.

SQLite: the FTS5 table ``search_index`` (trigram tokenizer, so that Chinese and every other script
match inside words), kept current by triggers. PostgreSQL: ``jsonb_to_tsvector`` expression
indexes queried with ``websearch_to_tsquery``; queries in Chinese or Japanese script, which the
'simple' parser does not split into words, search the text itself. Both are created by the
migration "record views and full-text search".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from congress.db.base import DateTimeUTC, utc_now
from congress.domain.events.models import Event
from congress.domain.programme.models import AgendaItem, Speech, SpeechSpeaker
from congress.domain.publishing.models import Record

START, STOP = "\x02", "\x03"
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
MAX_QUERY = 200


@dataclass
class Hit:
    kind: str  # "speech" or "record"
    ref_id: int
    event_id: int
    snippet: Markup
    item: Any = None  # the Speech or Record, loaded after the search
    event: Event | None = None


def highlighted(snippet: str | None) -> Markup:
    """The snippet escaped, with the matches marked."""
    escaped = str(escape(snippet or ""))
    return Markup(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))


def terms_of(query: str) -> list[str]:
    return [term for term in re.split(r"\s+", query.strip()[:MAX_QUERY]) if term]


_SQLITE_VISIBLE = """
    JOIN event ON event.id = search_index.event_id
    LEFT JOIN record ON search_index.kind = 'record' AND record.id = search_index.ref_id
    WHERE event.status != 'draft'
      AND (search_index.kind = 'speech' OR (record.status = 'published'
           AND (record.publish_at IS NULL OR record.publish_at <= :now)))
"""

_PG_SPEECH_VECTOR = (
    "(jsonb_to_tsvector('simple', coalesce(speech.title, '{}'::jsonb), '[\"string\"]') "
    "|| jsonb_to_tsvector('simple', speech.transcript, '[\"string\"]'))"
)
_PG_RECORD_VECTOR = (
    "(jsonb_to_tsvector('simple', record.headline, '[\"string\"]') "
    "|| jsonb_to_tsvector('simple', coalesce(record.lead, '{}'::jsonb), '[\"string\"]') "
    "|| jsonb_to_tsvector('simple', record.body, '[\"string\"]'))"
)
_PG_HEADLINE = (
    "ts_headline('simple', {text}, {query}, "
    "'StartSel=\x02, StopSel=\x03, MaxWords=30, MinWords=12, MaxFragments=1')"
)


async def search(
    db: AsyncSession, query: str, *, limit: int = 20, offset: int = 0
) -> tuple[list[Hit], int]:
    """Hits (best first) and their total number."""
    terms = terms_of(query)
    if not terms:
        return [], 0
    if db.get_bind().dialect.name == "postgresql":
        hits, total = await _postgres(db, " ".join(terms), limit, offset)
    else:
        hits, total = await _sqlite(db, terms, limit, offset)
    await _load(db, hits)
    return hits, total


async def _sqlite(
    db: AsyncSession, terms: list[str], limit: int, offset: int
) -> tuple[list[Hit], int]:
    # Trigrams need three characters; shorter terms (two Chinese characters make a word) are
    # matched as substrings instead.
    long_terms = [term for term in terms if len(term) >= 3]
    short_terms = [term for term in terms if len(term) < 3]
    conditions = []
    params: dict[str, Any] = {"now": utc_now()}
    if long_terms:
        conditions.append("search_index MATCH :match")
        params["match"] = " ".join('"' + term.replace('"', '""') + '"' for term in long_terms)
    for index, term in enumerate(short_terms):
        like = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params[f"like{index}"] = f"%{like}%"
        conditions.append(
            "("
            + " OR ".join(
                f"search_index.{column} LIKE :like{index} ESCAPE '\\'"
                for column in ("title", "body", "extra")
            )
            + ")"
        )
    where = " AND ".join(conditions)
    now = bindparam("now", type_=DateTimeUTC(timezone=True))
    count = text(f"SELECT count(*) FROM search_index {_SQLITE_VISIBLE} AND {where}")
    total = int(await db.scalar(count.bindparams(now), params) or 0)
    if not total:
        return [], 0
    rows = await db.execute(
        text(
            "SELECT search_index.kind, search_index.ref_id, search_index.event_id, "
            "snippet(search_index, 4, char(2), char(3), '…', 24) AS snippet_body, "
            "snippet(search_index, 3, char(2), char(3), '…', 24) AS snippet_title "
            f"FROM search_index {_SQLITE_VISIBLE} AND {where} "
            f"ORDER BY {'rank, ' if long_terms else ''}search_index.rowid DESC "
            "LIMIT :limit OFFSET :offset"
        ).bindparams(now),
        {**params, "limit": limit, "offset": offset},
    )
    hits = []
    for kind, ref_id, event_id, body, title in rows:
        best = body if body and START in body else (title if title and START in title else body)
        hits.append(Hit(kind, int(ref_id), int(event_id), highlighted(best)))
    return hits, total


async def _postgres(db: AsyncSession, query: str, limit: int, offset: int) -> tuple[list[Hit], int]:
    now = bindparam("now", type_=DateTimeUTC(timezone=True))
    if CJK.search(query):
        like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        speech_match = "(coalesce(speech.title::text, '') || speech.transcript::text) ILIKE :like"
        record_match = (
            "(record.headline::text || coalesce(record.lead::text, '') || record.body::text) "
            "ILIKE :like"
        )
        tsquery = "plainto_tsquery('simple', :q)"
        rank_speech = rank_record = "0"
        params: dict[str, Any] = {"like": like, "q": query}
    else:
        tsquery = "websearch_to_tsquery('simple', :q)"
        speech_match = f"{_PG_SPEECH_VECTOR} @@ {tsquery}"
        record_match = f"{_PG_RECORD_VECTOR} @@ {tsquery}"
        rank_speech = f"ts_rank({_PG_SPEECH_VECTOR}, {tsquery})"
        rank_record = f"ts_rank({_PG_RECORD_VECTOR}, {tsquery})"
        params = {"q": query}
    speech_text = "(SELECT string_agg(value, ' ') FROM jsonb_each_text(speech.transcript))"
    record_text = (
        "(SELECT string_agg(value, ' ') FROM jsonb_each_text("
        "coalesce(record.lead, '{}'::jsonb) || record.headline))"
    )
    union = f"""
        SELECT 'speech' AS kind, speech.id AS ref_id, session.event_id AS event_id,
               {rank_speech} AS rank, {_PG_HEADLINE.format(text=speech_text, query=tsquery)} AS snip
        FROM speech
        JOIN agenda_item ON agenda_item.id = speech.agenda_item_id
        JOIN session ON session.id = agenda_item.session_id
        JOIN event ON event.id = session.event_id
        WHERE event.status != 'draft' AND {speech_match}
        UNION ALL
        SELECT 'record', record.id, record.event_id, {rank_record},
               {_PG_HEADLINE.format(text=record_text, query=tsquery)}
        FROM record JOIN event ON event.id = record.event_id
        WHERE event.status != 'draft' AND record.status = 'published'
          AND (record.publish_at IS NULL OR record.publish_at <= :now) AND {record_match}
    """
    params["now"] = utc_now()
    total = int(
        await db.scalar(text(f"SELECT count(*) FROM ({union}) AS hits").bindparams(now), params)
        or 0
    )
    if not total:
        return [], 0
    rows = await db.execute(
        text(
            f"SELECT kind, ref_id, event_id, snip FROM ({union}) AS hits "
            "ORDER BY rank DESC, ref_id DESC LIMIT :limit OFFSET :offset"
        ).bindparams(now),
        {**params, "limit": limit, "offset": offset},
    )
    return [
        Hit(kind, int(ref_id), int(event_id), highlighted(snip))
        for kind, ref_id, event_id, snip in rows
    ], total


async def _load(db: AsyncSession, hits: list[Hit]) -> None:
    """Attach the speeches, records and events of the hits (three queries, whatever the page)."""
    from sqlalchemy import select

    speech_ids = [hit.ref_id for hit in hits if hit.kind == "speech"]
    record_ids = [hit.ref_id for hit in hits if hit.kind == "record"]
    speeches: dict[int, Speech] = {}
    if speech_ids:
        statement = (
            select(Speech)
            .where(Speech.id.in_(speech_ids))
            .options(
                selectinload(Speech.speakers).selectinload(SpeechSpeaker.person),
                selectinload(Speech.agenda_item).selectinload(AgendaItem.session),
            )
        )
        speeches = {speech.id: speech for speech in await db.scalars(statement)}
    records: dict[int, Record] = {}
    if record_ids:
        found = await db.scalars(select(Record).where(Record.id.in_(record_ids)))
        records = {record.id: record for record in found}
    event_ids = {hit.event_id for hit in hits}
    events = {e.id: e for e in await db.scalars(select(Event).where(Event.id.in_(event_ids)))}
    for hit in hits:
        hit.item = speeches.get(hit.ref_id) if hit.kind == "speech" else records.get(hit.ref_id)
        hit.event = events.get(hit.event_id)
    hits[:] = [hit for hit in hits if hit.item is not None and hit.event is not None]
