"""Full-text search over the published speeches and records of public events.

Words are found in every form in English, Russian and German ("дружбы" finds "дружба"): both
databases match stems (``congress.db.stemming``). SQLite: the FTS5 table ``search_index``
(trigram tokenizer, so that Chinese and every other script match inside words) holds the texts
and their stems, kept current by triggers that stem through the application's function
``congress_stems``. PostgreSQL: expression indexes that stem each language's text with its text
search configuration, queried with ``websearch_to_tsquery`` in each of them. Chinese and Japanese,
which neither splits into words, match as characters. A speech is also found by the name of a
speaker. Snippets are made here, for both databases, from the text in the reader's language: whole
words around the first hit, the hits marked. The index is made by the migration "stemmed full-text
search".
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
from congress.db.stemming import (
    START,
    STEMMED_LANGUAGES,
    STOP,
    fold,
    is_cjk,
    query_stems,
    snippet,
)
from congress.domain.events.models import Event
from congress.domain.programme.models import AgendaItem, Speech, SpeechSpeaker
from congress.domain.publishing.models import Record

MAX_QUERY = 200
MAX_TERMS = 12


@dataclass
class Hit:
    kind: str  # "speech" or "record"
    ref_id: int
    event_id: int
    snippet: str = ""  # escaped HTML (Markup) once the search has made it
    item: Any = None  # the Speech or Record, loaded after the search
    event: Event | None = None


def highlighted(snippet: str | None) -> Markup:
    """The snippet escaped, with the matches marked."""
    escaped = str(escape(snippet or ""))
    return Markup(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))


def terms_of(query: str) -> list[str]:
    """The words of a query: quotes and operators are not syntax here, only words count."""
    cleaned = re.sub(r"[\"'()*:^+\\{}\[\]<>|&!~-]+", " ", query[:MAX_QUERY])
    return [term for term in cleaned.split() if term][:MAX_TERMS]


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


_SQLITE_VISIBLE = """
    JOIN event ON event.id = search_index.event_id
    LEFT JOIN record ON search_index.kind = 'record' AND record.id = search_index.ref_id
    WHERE event.status != 'draft'
      AND (search_index.kind = 'speech' OR (record.status = 'published'
           AND (record.publish_at IS NULL OR record.publish_at <= :now)))
"""


def _vector(*columns: str) -> str:
    """A row's search vector: each language's text stemmed in its own configuration, and every
    word as it is ('simple'). The same expression as the migration's index."""
    stemmed = []
    for code, config in STEMMED_LANGUAGES.items():
        texts = " || ' ' || ".join(f"coalesce({column}->>'{code}', '')" for column in columns)
        stemmed.append(f"to_tsvector('{config}', {texts})")
    words = [
        f"jsonb_to_tsvector('simple', coalesce({column}, '{{}}'::jsonb), '[\"string\"]')"
        for column in columns
    ]
    return "(" + " || ".join(stemmed + words) + ")"


_PG_SPEECH_VECTOR = _vector("speech.title", "speech.transcript")
_PG_RECORD_VECTOR = _vector("record.headline", "record.lead", "record.body")
_PG_QUERY = (
    "("
    + " || ".join(
        f"websearch_to_tsquery('{config}', :q)"
        for config in [*STEMMED_LANGUAGES.values(), "simple"]
    )
    + ")"
)


def _names_match(dialect: str, terms: list[str], params: dict[str, Any]) -> str:
    """The speeches one of whose speakers' names holds every term (in any order and language)."""
    if dialect == "postgresql":
        names = "lower(person.given_name::text || ' ' || person.family_name::text)"
    else:
        names = (
            "congress_fold((SELECT group_concat(value, ' ') FROM json_each(person.given_name)) "
            "|| ' ' || (SELECT group_concat(value, ' ') FROM json_each(person.family_name)))"
        )
    conditions = []
    for index, term in enumerate(terms):
        params[f"name{index}"] = _like(fold(term))
        conditions.append(f"{names} LIKE :name{index} ESCAPE '\\'")
    return (
        "SELECT speech_speaker.speech_id FROM speech_speaker "
        "JOIN person ON person.id = speech_speaker.person_id WHERE " + " AND ".join(conditions)
    )


async def search(
    db: AsyncSession, query: str, *, limit: int = 20, offset: int = 0, lang: str = "en"
) -> tuple[list[Hit], int]:
    """Hits (best first) and their total number; snippets in ``lang`` where the text has it."""
    terms = terms_of(query)
    if not terms:
        return [], 0
    if db.get_bind().dialect.name == "postgresql":
        hits, total = await _postgres(db, terms, limit, offset)
    else:
        hits, total = await _sqlite(db, terms, limit, offset)
    await _load(db, hits)
    for hit in hits:
        hit.snippet = highlighted(snippet(_texts(hit, lang), terms))
    return hits, total


def _texts(hit: Hit, lang: str) -> list[tuple[str, str]]:
    """The texts a snippet may come from, the reader's language first, then the event's."""
    item = hit.item
    values: list[dict[str, Any]] = []
    if hit.kind == "speech":
        values = [item.transcript or {}, item.title or {}]
    else:
        values = [item.lead or {}, item.body or {}, item.headline or {}]
    order = [lang, *(hit.event.languages if hit.event else [])]
    texts: list[tuple[str, str]] = []
    for value in values:
        languages = [code for code in order if code in value]
        languages += [code for code in value if code not in languages]
        texts.extend((code, value[code]) for code in languages if isinstance(value[code], str))
    return texts


def _fts_phrase(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


async def _sqlite(
    db: AsyncSession, terms: list[str], limit: int, offset: int
) -> tuple[list[Hit], int]:
    # Each term: its stems (any language's) in the "stems" column; Chinese and Japanese as
    # characters in the texts. Trigrams need three characters: a shorter Chinese term is
    # matched as a substring of the texts, with LIKE.
    params: dict[str, Any] = {"now": utc_now()}
    matches: list[str] = []
    others: list[str] = []
    for index, term in enumerate(terms):
        if is_cjk(term):
            if len(term) >= 3:
                matches.append("{title body extra} : " + _fts_phrase(term))
            else:
                params[f"cjk{index}"] = _like(term)
                others.append(
                    "("
                    + " OR ".join(
                        f"search_index.{column} LIKE :cjk{index} ESCAPE '\\'"
                        for column in ("title", "body", "extra")
                    )
                    + ")"
                )
            continue
        # Whole stems: the stems column holds " stem stem … " (see congress_stems).
        stems = sorted(query_stems(term))
        matches.append("stems : (" + " OR ".join(_fts_phrase(f" {stem} ") for stem in stems) + ")")
    text_conditions = list(others)
    ranked = ""
    if matches:
        params["match"] = " AND ".join(matches)
        ranked = (
            "LEFT JOIN (SELECT rowid AS hit, rank AS score FROM search_index "
            "WHERE search_index MATCH :match) AS ranked ON ranked.hit = search_index.rowid"
        )
        text_conditions.append("ranked.hit IS NOT NULL")
    speaker = (
        f"(search_index.kind = 'speech' AND search_index.ref_id IN "
        f"({_names_match('sqlite', terms, params)}))"
    )
    where = f"(({' AND '.join(text_conditions)}) OR {speaker})"
    visible = _SQLITE_VISIBLE.replace("WHERE", f"{ranked} WHERE", 1)
    now = bindparam("now", type_=DateTimeUTC(timezone=True))
    count = text(f"SELECT count(*) FROM search_index {visible} AND {where}")
    total = int(await db.scalar(count.bindparams(now), params) or 0)
    if not total:
        return [], 0
    score = "coalesce(ranked.score, 0), " if matches else ""
    rows = await db.execute(
        text(
            "SELECT search_index.kind, search_index.ref_id, search_index.event_id "
            f"FROM search_index {visible} AND {where} "
            f"ORDER BY CASE WHEN {speaker} THEN 0 ELSE 1 END, {score}search_index.rowid DESC "
            "LIMIT :limit OFFSET :offset"
        ).bindparams(now),
        {**params, "limit": limit, "offset": offset},
    )
    return [Hit(kind, int(ref_id), int(event_id)) for kind, ref_id, event_id in rows], total


async def _postgres(
    db: AsyncSession, terms: list[str], limit: int, offset: int
) -> tuple[list[Hit], int]:
    now = bindparam("now", type_=DateTimeUTC(timezone=True))
    params: dict[str, Any] = {"now": utc_now()}
    words = [term for term in terms if not is_cjk(term)]
    characters = [term for term in terms if is_cjk(term)]
    speech_parts: list[str] = []
    record_parts: list[str] = []
    rank_speech = rank_record = "0"
    if words:
        params["q"] = " ".join(words)
        speech_parts.append(f"{_PG_SPEECH_VECTOR} @@ {_PG_QUERY}")
        record_parts.append(f"{_PG_RECORD_VECTOR} @@ {_PG_QUERY}")
        rank_speech = f"ts_rank({_PG_SPEECH_VECTOR}, {_PG_QUERY})"
        rank_record = f"ts_rank({_PG_RECORD_VECTOR}, {_PG_QUERY})"
    for index, term in enumerate(characters):
        params[f"cjk{index}"] = _like(term)
        speech_parts.append(
            f"(coalesce(speech.title::text, '') || speech.transcript::text) ILIKE :cjk{index}"
        )
        record_parts.append(
            "(record.headline::text || coalesce(record.lead::text, '') || record.body::text) "
            f"ILIKE :cjk{index}"
        )
    speaker = f"speech.id IN ({_names_match('postgresql', terms, params)})"
    union = f"""
        SELECT 'speech' AS kind, speech.id AS ref_id, session.event_id AS event_id,
               CASE WHEN {speaker} THEN 1000 ELSE {rank_speech} END AS rank
        FROM speech
        JOIN agenda_item ON agenda_item.id = speech.agenda_item_id
        JOIN session ON session.id = agenda_item.session_id
        JOIN event ON event.id = session.event_id
        WHERE event.status != 'draft' AND (({" AND ".join(speech_parts)}) OR {speaker})
        UNION ALL
        SELECT 'record', record.id, record.event_id, {rank_record}
        FROM record JOIN event ON event.id = record.event_id
        WHERE event.status != 'draft' AND record.status = 'published'
          AND (record.publish_at IS NULL OR record.publish_at <= :now)
          AND {" AND ".join(record_parts)}
    """
    total = int(
        await db.scalar(text(f"SELECT count(*) FROM ({union}) AS hits").bindparams(now), params)
        or 0
    )
    if not total:
        return [], 0
    rows = await db.execute(
        text(
            f"SELECT kind, ref_id, event_id FROM ({union}) AS hits "
            "ORDER BY rank DESC, ref_id DESC LIMIT :limit OFFSET :offset"
        ).bindparams(now),
        {**params, "limit": limit, "offset": offset},
    )
    return [Hit(kind, int(ref_id), int(event_id)) for kind, ref_id, event_id in rows], total


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
