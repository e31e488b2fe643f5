"""Full-text search as a visitor uses it: every form of a word, names, snippets, odd queries.

Through real HTTP on the whole demo event, on both databases (SQLite stems in the application,
PostgreSQL in its text search configurations).
"""

from __future__ import annotations

import asyncio
import html
import re
from typing import Any

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.pool import NullPool

from congress.db.engine import make_engine
from congress.db.migrate import alembic_config
from congress.db.stemming import START, STOP, snippet
from congress.domain.programme.models import Speech, SpeechSpeaker
from congress.domain.publishing.models import Record
from congress.domain.publishing.search import _PG_QUERY, _PG_SPEECH_VECTOR, search
from congress.settings import Settings
from tests.conftest import IS_POSTGRES

RESULT = re.compile(r'<h[23][^>]*><a href="(/events/[^/]+/(?:speeches/\d+|records/[^?"]+))')
SNIPPET = re.compile(r'<p class="snippet">(.*?)</p>', re.S)


async def found(client: Any, query: str, lang: str = "en") -> list[tuple[str, str]]:
    """Every result (address, snippet HTML), following the pages."""
    results: list[tuple[str, str]] = []
    for page in range(1, 50):
        response = await client.get("/search", params={"q": query, "lang": lang, "page": page})
        assert response.status_code == 200, (query, response.text[:300])
        links = RESULT.findall(response.text)
        snippets = SNIPPET.findall(response.text)
        assert len(links) == len(snippets)
        results.extend(zip(links, snippets, strict=True))
        if f"page={page + 1}" not in response.text:
            return results
    raise AssertionError("too many pages")


def words_of(value: str) -> list[str]:
    return re.findall(r"\w+", value)


async def test_every_form_of_a_word_finds_the_same_texts(
    client: Any, db: AsyncSession, demo_slug: str
) -> None:
    russian = {form: await found(client, form, "ru") for form in ("дружба", "дружбы", "дружбу")}
    addresses = {form: {link for link, _ in hits} for form, hits in russian.items()}
    assert len(addresses["дружбы"]) >= 4
    assert addresses["дружба"] == addresses["дружбы"] == addresses["дружбу"]
    english = [{link for link, _ in await found(client, q)} for q in ("friend", "friends")]
    assert english[0] and english[0] == english[1]

    # Text written now is indexed at once, stemmed in its own language (German here).
    speech = (await db.scalars(select(Speech).order_by(Speech.id).limit(1))).one()
    speech.transcript = {
        **speech.transcript,
        "de": "Wir danken allen für die Zusammenarbeit der Jugendorganisationen.",
        "en": "Rebuilding the bridges between our peoples begins today.",
    }
    await db.commit()
    for query in ("Zusammenarbeiten", "zusammenarbeit", "JUGENDORGANISATION"):
        hits = await found(client, query, "de")
        assert any(link.endswith(f"/speeches/{speech.id}") for link, _ in hits), query
    # Whole words only: a word is not found inside another one.
    for query, expected in (("rebuild", True), ("build", False), ("bridge", True), ("idge", False)):
        hits = await found(client, query)
        assert any(link.endswith(f"/speeches/{speech.id}") for link, _ in hits) is expected, query

    # Every snippet of every hit: the hit marked, whole words of the text in the reader's
    # language, long enough to read.
    speeches = {
        s.id: s for s in await db.scalars(select(Speech).options(selectinload(Speech.speakers)))
    }
    records = {r.slug: r for r in await db.scalars(select(Record))}
    for link, snip in russian["дружбы"]:
        assert "<mark>" in snip, snip
        marked = re.findall(r"<mark>(.*?)</mark>", snip)
        assert all(word.lower().startswith("дружб") for word in marked), marked
        shown = html.unescape(re.sub(r"</?mark>", "", snip)).strip("…")
        if "/speeches/" in link:
            source = speeches[int(link.rsplit("/", 1)[1])].transcript["ru"]
        else:
            record = records[link.rsplit("/", 1)[1]]
            source = " ".join(
                re.sub(r"<[^>]+>", " ", value)
                for value in (record.lead or {}, record.body)
                for value in [value.get("ru", "")]
            )
        source = " ".join(source.split())
        at = source.find(shown)
        assert at >= 0, (shown, source[:200])
        before = source[at - 1] if at > 0 else " "
        after = source[at + len(shown)] if at + len(shown) < len(source) else " "
        assert not before.isalnum() and not after.isalnum(), (before, shown, after)
        assert 12 <= len(words_of(shown)) <= 40 or len(words_of(shown)) == len(words_of(source))


async def test_a_speakers_name_finds_their_speeches(
    client: Any, db: AsyncSession, demo_slug: str
) -> None:
    speaking = (
        await db.execute(
            select(SpeechSpeaker)
            .options(selectinload(SpeechSpeaker.person))
            .order_by(SpeechSpeaker.id)
        )
    ).scalars()
    checked = 0
    for speaker in speaking:
        person = speaker.person
        given, family = person.given_name.get("en", ""), person.family_name["en"]
        for query, lang in (
            (f"{given} {family}", "en"),
            (f"{family} {given}", "en"),
            (f"{person.family_name.get('ru', family)}", "ru"),
            (family.upper(), "en"),
        ):
            links = {link for link, _ in await found(client, query.strip(), lang)}
            assert any(link.endswith(f"/speeches/{speaker.speech_id}") for link in links), query
        checked += 1
    assert checked >= 3
    assert await found(client, "友好", "zh")


ODD_QUERIES = [
    '"',
    '"unbalanced',
    "NEAR(a b)",
    "a OR",
    "*",
    "-",
    "stems:x",
    "{title}: x",
    "^start",
    "100%_\\",
    "a" * 5000,
    "дружба " * 100,
    "'; DROP TABLE speech; --",
    "<script>alert(1)</script>",
]


async def test_odd_queries_are_words_not_syntax(client: Any) -> None:
    for query in ODD_QUERIES:
        response = await client.get("/search", params={"q": query})
        assert response.status_code == 200, query
        assert "<script>alert(1)</script>" not in response.text


def test_snippets_cut_at_word_boundaries() -> None:
    text_ru = " ".join(f"слово{n}" for n in range(100)) + " о дружбе народов " + "конец " * 50
    cut = snippet([("ru", text_ru)], ["дружба"])
    plain = cut.replace(START, "").replace(STOP, "")
    assert cut.startswith("…") and cut.endswith("…")
    assert f"{START}дружбе{STOP}" in cut
    assert plain.strip("…") in text_ru
    assert 25 <= len(words_of(plain)) <= 31
    # The reader's language first; another language's text when only it has the word.
    both = [("en", "Friendship between peoples."), ("ru", "Дружба народов.")]
    assert START + "Friendship" in snippet(both, ["friendship"])
    assert START + "Дружба" in snippet(both, ["дружбы"])
    # Chinese: characters, about twice as many.
    chinese = "我们" * 40 + "友好合作" + "人民" * 40
    cut = snippet([("zh", chinese)], ["友好"])
    assert f"{START}友好{STOP}" in cut and 50 <= len(cut) <= 70


@pytest.mark.skipif(not IS_POSTGRES, reason="PostgreSQL's expression indexes")
async def test_postgres_search_uses_the_stemmed_indexes(db: AsyncSession) -> None:
    await db.execute(text("SET enable_seqscan = off"))
    plan = "\n".join(
        row[0]
        for row in await db.execute(
            text(f"EXPLAIN SELECT id FROM speech WHERE {_PG_SPEECH_VECTOR} @@ {_PG_QUERY}"),
            {"q": "дружбы"},
        )
    )
    assert "ix_speech_search" in plan, plan


def test_the_migration_indexes_text_written_before_it(settings: Settings, demo_slug: str) -> None:
    config = alembic_config(settings)
    command.downgrade(config, "7a1c0e5b9d2f")
    command.upgrade(config, "head")

    async def hits() -> int:
        engine = make_engine(settings, poolclass=NullPool)
        async with AsyncSession(engine) as session:
            _, total = await search(session, "дружба", lang="ru")
        await engine.dispose()
        return total

    assert asyncio.run(hits()) >= 4
