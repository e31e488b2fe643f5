"""Stable identifiers (issue 14, item 1): the guids and UIDs of the open formats survive a move
to another database through `congress export` / `congress import`, a rename, and never collide
between events; importing an event twice is refused unless it is imported as a copy."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import icalendar
from litestar.testing import AsyncTestClient
from lxml import etree
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

from congress.app import create_app
from congress.db.base import utc_now
from congress.db.engine import make_engine
from congress.db.migrate import upgrade
from congress.demo import DEMO_SLUG
from congress.domain.accounts.enums import Role
from congress.domain.events.models import Event
from congress.domain.programme.models import Session
from congress.settings import Settings
from tests.conftest import make_staff
from tests.integration.test_cli import Cli, new_cli  # noqa: F401
from tests.publishing_data import build_event

LANGUAGES = ("en", "ru", "zh", "de")


def identifiers(exports: dict[str, bytes]) -> dict[str, Any]:
    """Every identifier the three formats publish, in document order, with what it names."""
    xml = etree.fromstring(exports["schedule.xml"])
    document = json.loads(exports["schedule.json"])
    talks = [
        talk
        for day in document["schedule"]["conference"]["days"]
        for talks in day["rooms"].values()
        for talk in talks
    ]
    calendar = icalendar.Calendar.from_ical(exports["calendar.ics"])
    return {
        "xml sessions": [(e.get("guid"), e.findtext("date")) for e in xml.iter("event")],
        "xml persons": sorted({p.get("guid") for p in xml.iter("person")}),
        "xml rooms": sorted({r.get("guid") for r in xml.iterfind("day/room")}),
        "json sessions": [(t["guid"], t["date"]) for t in talks],
        "json persons": sorted({p["guid"] for t in talks for p in t["persons"]}),
        "json rooms": sorted(r["guid"] for r in document["schedule"]["conference"]["rooms"]),
        "ics": [(str(v["UID"]), v["DTSTART"].dt.isoformat()) for v in calendar.walk("VEVENT")],
        # Not identifiers: what they name (compared only where a test changes them).
        "titles": {e.get("guid"): e.findtext("title") for e in xml.iter("event")},
        "summaries": {str(v["UID"]): str(v["SUMMARY"]) for v in calendar.walk("VEVENT")},
    }


def strip(found: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in found.items() if key not in {"titles", "summaries"}}


def fetch(settings: Settings, *wanted: tuple[str, str]) -> list[dict[str, Any]]:
    """The identifiers of the three exports of each (event slug, language), from one
    application running on ``settings``."""

    async def run() -> list[dict[str, Any]]:
        app = create_app(settings)
        try:
            async with AsyncTestClient(app=app) as client:
                found = []
                for slug, lang in wanted:
                    exports = {}
                    for name in ("schedule.xml", "schedule.json", "calendar.ics"):
                        response = await client.get(f"/events/{slug}/{name}?lang={lang}")
                        assert response.status_code == 200, (name, response.text)
                        exports[name] = response.content
                    found.append(identifiers(exports))
                return found
        finally:
            await app.state.engine.dispose()

    return asyncio.run(run())


def post(settings: Settings, token: str, *files: Any, copy: bool = False) -> list[Any]:
    """Each file POSTed to the import API of the application running on ``settings``."""

    async def run() -> list[Any]:
        app = create_app(settings)
        try:
            async with AsyncTestClient(app=app) as client:
                return [
                    await client.post(
                        "/api/v1/events/import" + ("?copy=true" if copy else ""),
                        json=data,
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    for data in files
                ]
        finally:
            await app.state.engine.dispose()

    return asyncio.run(run())


def in_database(settings: Settings, work: Callable[[AsyncSession], Any]) -> Any:
    async def run() -> Any:
        engine = make_engine(settings, poolclass=NullPool)
        try:
            async with AsyncSession(engine, expire_on_commit=False) as db:
                result = await work(db)
                await db.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_identifiers_survive_export_import_rename_and_copy(
    new_cli: Callable[[str], Cli],  # noqa: F811
    tmp_path: Path,
) -> None:
    source = new_cli("source")
    source.ok("demo")
    exported = tmp_path / "demo.json"
    source.ok("export", DEMO_SLUG, "-o", str(exported))
    before = dict(
        zip(
            LANGUAGES,
            fetch(source.settings, *[(DEMO_SLUG, lang) for lang in LANGUAGES]),
            strict=True,
        )
    )
    # The same identifiers in every language (rooms used to change with it).
    for lang in LANGUAGES[1:]:
        assert strip(before[lang]) == strip(before["en"]), lang
    demo = before["en"]
    assert len(demo["xml sessions"]) >= 3 and len(demo["xml persons"]) >= 3
    assert demo["xml sessions"] == demo["json sessions"]
    assert sorted(demo["xml sessions"]) == sorted(
        (uid, dt.datetime.fromisoformat(start).isoformat()) for uid, start in demo["ics"]
    )
    assert demo["xml persons"] == demo["json persons"] and demo["xml rooms"] == demo["json rooms"]

    # The target already holds another event, made with its own rows (ids 1, 2, … like the
    # demo's in the source: an identifier derived from ids would collide or move).
    target = new_cli("target")
    upgrade(target.settings)

    async def other_event(db: AsyncSession) -> str:
        await build_event(db, slug="other-congress", sessions=6, speeches_per_session=2, people=12)
        _, token = await make_staff(db, Role.ORGANIZER)
        return token

    token = in_database(target.settings, other_event)
    assert "imported" in target.ok("import", str(exported))
    other, *found = fetch(
        target.settings, ("other-congress", "en"), *[(DEMO_SLUG, lang) for lang in LANGUAGES]
    )
    after = dict(zip(LANGUAGES, found, strict=True))
    assert after == before  # titles too: nothing renamed yet
    # Two events, different people: no person guid (nor any other) in common.
    assert not set(other["xml persons"]) & set(demo["xml persons"])
    assert not {g for g, _ in other["xml sessions"]} & {g for g, _ in demo["xml sessions"]}
    assert not set(other["xml rooms"]) & set(demo["xml rooms"])

    # A session renamed (in every language) keeps its guid and UID.
    async def rename(db: AsyncSession) -> str:
        session = (
            await db.scalars(
                select(Session)
                .join(Event, Event.id == Session.event_id)
                .where(Event.slug == DEMO_SLUG)
                .order_by(Session.planned_start, Session.id)
            )
        ).first()
        assert session is not None
        await db.execute(
            update(Session)
            .where(Session.id == session.id)
            .values(title={"en": "Renamed", "ru": "Переименовано"}, updated_at=utc_now())
        )
        return session.uid

    renamed_uid = in_database(target.settings, rename)
    (renamed,) = fetch(target.settings, (DEMO_SLUG, "en"))
    assert strip(renamed) == strip(after["en"])
    assert renamed["titles"][renamed_uid] == "Renamed"
    assert renamed["summaries"][renamed_uid] == "Renamed"

    # The same file again, through the API: refused, naming the event (the command line's
    # refusal is in test_cli's round trip); nothing changes.
    (refused,) = post(target.settings, token, json.loads(exported.read_text()))
    assert refused.status_code == 409, refused.text
    assert f"({DEMO_SLUG})" in refused.json()["detail"] and "copy" in refused.json()["detail"]

    # As a copy: a free slug and new identifiers for the event's own rows; the people, the
    # venue and its rooms are the same rows, so they keep theirs.
    output = target.ok("import", "--copy", str(exported))
    assert f"imported {DEMO_SLUG}-copy " in output
    again, copy = fetch(target.settings, (DEMO_SLUG, "en"), (f"{DEMO_SLUG}-copy", "en"))
    assert again == renamed
    assert not {g for g, _ in copy["xml sessions"]} & {g for g, _ in demo["xml sessions"]}
    assert not {u for u, _ in copy["ics"]} & {u for u, _ in demo["ics"]}
    assert len(copy["xml sessions"]) == len(demo["xml sessions"])
    assert copy["xml persons"] == demo["xml persons"] and copy["xml rooms"] == demo["xml rooms"]

    # Each copy asked for is a copy of its own (the command line and the API alike), each with
    # a free slug: a copy is not deduplicated like the same file imported twice.
    target.ok("import", "--copy", str(exported))
    (second,) = post(target.settings, token, json.loads(exported.read_text()), copy=True)
    assert second.status_code == 201, second.text

    async def slugs(db: AsyncSession) -> list[str]:
        found = await db.scalars(select(Event.slug).where(Event.slug.startswith(DEMO_SLUG)))
        return sorted(found)

    copies = in_database(target.settings, slugs)
    assert len(copies) == 4 and len(set(copies)) == 4, copies
