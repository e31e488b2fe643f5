"""Hostile event imports, through the real doors: the API (JSON and ZIP) and `congress import`.

Each attack starts from a good export of a published event (renamed, with its photo) and spoils
one thing. A refused import must answer 4xx naming the field, leave every table's row count and
the media folder as they were, and leave the public pages and API lists answering 200.
"""

from __future__ import annotations

import asyncio
import copy
import io
import json
import os
import struct
import subprocess
import sys
import uuid
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.app import create_app
from congress.db.base import metadata
from congress.documents.jobs import make_queue
from congress.domain.events.enums import EventStatus
from congress.domain.events.models import Event
from congress.domain.people.models import Person
from congress.domain.publishing.archive import read_archive
from congress.domain.publishing.media import thumbnail_key
from congress.domain.publishing.models import MediaItem
from congress.domain.registration.models import Participant
from congress.settings import Settings
from tests.archive_data import add_photos, photo_bytes
from tests.processes import queue_settings, worker
from tests.publishing_data import build_event

CONGRESS = Path(sys.executable).with_name("congress")
VICTIM = "generated-congress"
DRAFT = "draft-congress"
ATTACK = "attack-congress"

Tables = dict[str, list[dict[str, Any]]]
Files = dict[str, bytes]


def _huge_png() -> bytes:
    """A PNG whose header claims 30000 × 30000 pixels (it holds a few bytes of data)."""
    image = io.BytesIO()
    from PIL import Image

    Image.new("L", (8, 8)).save(image, "PNG")
    data = bytearray(image.getvalue())
    header = struct.pack(">II", 30000, 30000) + bytes(data[24:29])
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def _photo_key(tables: Tables) -> str:
    return str(tables["media_item"][0]["storage_key"])


def _rekey(tables: Tables, files: Files, key: str, content: bytes | None = None) -> None:
    """The photo named ``key`` in the export, and its file under that name in the archive."""
    old = _photo_key(tables)
    body = files.pop(old)
    tables["media_item"][0]["storage_key"] = key
    files[key] = body if content is None else content


def _set(table: str, column: str, value: Any) -> Callable[[Tables, Files, dict[str, str]], None]:
    def spoil(tables: Tables, files: Files, keys: dict[str, str]) -> None:
        tables[table][0][column] = value

    return spoil


EVIL_HTML = b"<html><script>alert(document.cookie)</script></html>"

# name -> (what it spoils, the field the refusal names). ``keys``: the victims' storage keys.
ATTACKS: dict[str, tuple[Callable[[Tables, Files, dict[str, str]], None], str]] = {
    "html file as a photo": (
        lambda t, f, k: _rekey(t, f, "attack/evil.html", EVIL_HTML),
        "media_item[0].storage_key",
    ),
    "html file named .jpg": (
        lambda t, f, k: _rekey(t, f, "attack/photo.jpg", EVIL_HTML),
        "media_item[0].storage_key",
    ),
    "path traversal to another event's photo": (
        lambda t, f, k: _rekey(t, f, f"zz/../{k['victim']}"),
        "media_item[0].storage_key",
    ),
    "another event's thumbnail": (
        lambda t, f, k: _rekey(t, f, thumbnail_key(k["victim"])),
        "media_item[0].storage_key",
    ),
    "absolute path": (
        lambda t, f, k: _rekey(t, f, "/etc/attack.jpg"),
        "media_item[0].storage_key",
    ),
    "alias of a draft event's photo": (
        lambda t, f, k: (t["media_item"][0].update(storage_key=k["draft"]), f.clear()),
        "media_item[0].storage_key",
    ),
    "decompression bomb": (
        lambda t, f, k: _rekey(t, f, "attack/bomb.png", _huge_png()),
        "media_item[0].storage_key",
    ),
    "string for a translatable text": (_set("session", "title", "Opening"), "session[0].title"),
    "unknown enum value": (_set("session", "kind", "party"), "session[0].kind"),
    "unknown record status": (_set("record", "status", "leaked"), "record[0].status"),
    "text for a number": (_set("presidium_seat", "seat_number", "first"), "presidium_seat[0].seat_number"),
    "list for a date": (_set("event", "start_date", [2026, 5, 9]), "event[0].start_date"),
    "number beyond the column": (_set("agenda_item", "position", 2**40), "agenda_item[0].position"),
    "text over the length limit": (_set("event", "series", "x" * 5000), "event[0].series"),
    "long badge number": (_set("participant", "badge_number", "7" * 33), "participant[0].badge_number"),
    "NUL in a text": (_set("record", "headline", {"en": "Opening\x00"}), "record[0].headline"),
    "NUL in a language code": (_set("session", "title", {"e\x00n": "Opening"}), "session[0].title"),
    "NUL in a column name": (_set("session", "ti\x00tle", {"en": "x"}), "session[0].ti\x00tle"),
    "NUL in a slug": (_set("event", "slug", "attack\x00"), "event[0].slug"),
    "unknown column": (_set("session", "is_admin", True), "session[0].is_admin"),
    "row of another event": (_set("session", "event_id", 999_999), "session[0].event_id"),
    "time zone that is not one": (_set("event", "timezone", "Mars/Olympus"), "event[0].timezone"),
}  # fmt: skip


async def _counts(db: AsyncSession) -> dict[str, int]:
    counts = {
        table.name: int(await db.scalar(select(func.count()).select_from(table)) or 0)
        for table in metadata.sorted_tables
    }
    await db.rollback()  # no read transaction left open (SQLite would keep writers waiting)
    return counts


def _media(settings: Settings) -> list[str]:
    return sorted(str(path) for path in settings.media_dir.rglob("*") if path.is_file())


def _zip(tables: Tables, data: dict[str, Any], files: Files) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("event.json", json.dumps({**data, "tables": tables}))
        for key, body in files.items():
            archive.writestr(f"media/{key}", body)
    return buffer.getvalue()


@pytest.fixture
async def world(client: Any, db: AsyncSession, settings: Settings) -> dict[str, Any]:
    """A published event and a draft one, each with a photo; a good archive of the first."""
    victim = await build_event(db, slug=VICTIM, sessions=2, speeches_per_session=1, people=20)
    person = (await db.scalars(select(Person).order_by(Person.id))).first()
    assert person is not None
    db.add(Participant(event_id=victim.id, person_id=person.id, badge_number="A1"))
    await build_event(
        db, slug=DRAFT, sessions=1, speeches_per_session=1, people=5, status=EventStatus.DRAFT
    )
    await db.commit()
    await add_photos(settings, VICTIM, 1)
    await add_photos(settings, DRAFT, 1)
    keys = {
        name: str(
            await db.scalar(select(MediaItem.storage_key).join(Event).where(Event.slug == slug))
        )
        for name, slug in (("victim", VICTIM), ("draft", DRAFT))
    }
    return {"keys": keys}


async def _good_export(client: Any, admin: dict[str, str]) -> tuple[dict[str, Any], Files]:
    response = await client.get(f"/events/{VICTIM}/export.zip", headers=admin)
    assert response.status_code == 200
    data, files = read_archive(response.content)
    data["tables"]["event"][0]["slug"] = ATTACK
    # A file from another site: identifiers this database does not hold.
    for rows in data["tables"].values():
        for row in rows:
            if "uid" in row:
                row["uid"] = str(uuid.uuid4())
    return data, files


async def _still_answering(client: Any) -> None:
    for url in (
        "/",
        "/search?q=friendship",
        f"/events/{VICTIM}",
        "/api/v1/events",
        f"/api/v1/events/{VICTIM}/sessions",
        "/api/v1/people",
    ):
        response = await client.get(url)
        assert response.status_code == 200, (url, response.text[:300])


def _cli_import(settings: Settings, path: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CONGRESS_")}
    env.update(
        CONGRESS_DATA_DIR=str(settings.data_dir), CONGRESS_DATABASE_URL=settings.database_url
    )
    return subprocess.run(
        [str(CONGRESS), "import", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.mark.parametrize("attack", list(ATTACKS))
async def test_a_hostile_import_is_refused_and_changes_nothing(
    attack: str,
    client: Any,
    db: AsyncSession,
    admin: dict[str, str],
    settings: Settings,
    world: dict[str, Any],
    tmp_path: Path,
) -> None:
    spoil, field = ATTACKS[attack]
    data, files = await _good_export(client, admin)
    tables: Tables = data["tables"]
    spoil(tables, files, world["keys"])
    before, media_before = await _counts(db), _media(settings)
    victim_photo = (settings.media_dir / world["keys"]["victim"]).read_bytes()

    archive = _zip(tables, data, files)
    response = await client.post(
        "/api/v1/events/import-archive",
        content=archive,
        headers={**admin, "content-type": "application/zip"},
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert any(error["field"].startswith(field) for error in response.json()["errors"]), (
        response.text
    )
    if not attack.startswith(("html", "path", "another", "absolute", "alias", "decomp")):
        # The same rows as JSON, without the photo (which only an archive carries).
        json_tables = {**tables, "media_item": [], "media_person": []}
        answer = await client.post(
            "/api/v1/events/import", json={**data, "tables": json_tables}, headers=admin
        )
        assert answer.status_code == 422, answer.text
        assert any(error["field"].startswith(field) for error in answer.json()["errors"]), (
            answer.text
        )

    path = tmp_path / "attack.zip"
    path.write_bytes(archive)
    result = await asyncio.to_thread(_cli_import, settings, path)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("congress: error: "), result.stderr
    assert field.split(".")[0] in lines[0]

    assert await _counts(db) == before
    assert _media(settings) == media_before
    assert (settings.media_dir / world["keys"]["victim"]).read_bytes() == victim_photo
    await _still_answering(client)


async def test_nul_bytes_in_the_files_themselves(
    client: Any, db: AsyncSession, admin: dict[str, str], world: dict[str, Any], tmp_path: Path
) -> None:
    """NUL bytes outside JSON strings: the body or event.json is not JSON (4xx, never 500)."""
    before = await _counts(db)
    data, _ = await _good_export(client, admin)
    text = json.dumps(data).replace('": "', '": "\x00', 1)
    assert "\x00" in text
    raw = await client.post(
        "/api/v1/events/import",
        content=text.encode(),
        headers={**admin, "content-type": "application/json"},
    )
    assert 400 <= raw.status_code < 500, raw.text
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("event.json", text)
        archive.writestr("media/\x00evil.html", EVIL_HTML)
    answer = await client.post(
        "/api/v1/events/import-archive",
        content=buffer.getvalue(),
        headers={**admin, "content-type": "application/zip"},
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == "archive"
    assert await _counts(db) == before
    await _still_answering(client)


async def test_script_in_a_record_body_is_sanitised(
    client: Any, db: AsyncSession, admin: dict[str, str], settings: Settings, world: dict[str, Any]
) -> None:
    """Script in a record body is accepted the way the editor's form accepts it: sanitised."""
    data, files = await _good_export(client, admin)
    record = next(row for row in data["tables"]["record"] if row["status"] == "published")
    record["body"] = {
        "en": '<p>Hello</p><script>alert("x")</script><img src="x" onerror="alert(1)">'
        '<a href="javascript:alert(2)">link</a>'
    }
    data["tables"]["record"] = [record]
    data["tables"]["record_tag"] = [
        row for row in data["tables"].get("record_tag", []) if row["record_id"] == record["id"]
    ]
    data["tables"]["comment"] = [
        row for row in data["tables"].get("comment", []) if row["record_id"] == record["id"]
    ]
    response = await client.post(
        "/api/v1/events/import-archive",
        content=_zip(data["tables"], data, files),
        headers={**admin, "content-type": "application/zip"},
    )
    assert response.status_code == 201, response.text
    page = await client.get(f"/events/{ATTACK}/records/{record['slug']}")
    assert page.status_code == 200
    assert "<p>Hello</p>" in page.text
    for live in ("<script>alert", "onerror", "javascript:"):
        assert live not in page.text
    # The photo was stored again under a new key of the new event; the original is untouched.
    moved = await db.scalar(select(MediaItem.storage_key).join(Event).where(Event.slug == ATTACK))
    assert moved is not None and moved.startswith(f"{ATTACK}/") and moved != world["keys"]["victim"]
    assert (await client.get(f"/media/{moved}")).headers["content-type"] == "image/jpeg"
    await _still_answering(client)


async def test_other_files_in_an_archive_are_ignored(
    client: Any, admin: dict[str, str], settings: Settings, world: dict[str, Any]
) -> None:
    data, files = await _good_export(client, admin)
    files["evil.html"] = EVIL_HTML
    files[f"thumbs/{world['keys']['victim']}"] = photo_bytes(50, 50)
    response = await client.post(
        "/api/v1/events/import-archive",
        content=_zip(data["tables"], data, files),
        headers={**admin, "content-type": "application/zip"},
    )
    assert response.status_code == 201, response.text
    assert not [path for path in settings.media_dir.rglob("*.html")]
    assert (await client.get("/media/evil.html")).status_code == 404
    thumb = settings.media_dir / thumbnail_key(world["keys"]["victim"])
    assert thumb.stat().st_size != len(photo_bytes(50, 50))


async def test_queue_mode_refuses_every_attack_in_the_request_and_writes_through_the_worker(
    client: Any,
    db: AsyncSession,
    admin: dict[str, str],
    settings: Settings,
    world: dict[str, Any],
    tmp_path: Path,
) -> None:
    """CONGRESS_JOBS=queue: every attack is refused by the request itself, through both API
    doors (the command line checks and writes in its own process, the same in both modes):
    422 naming the field, no table or file changed, nothing queued. A good archive is written
    by `congress worker`, sanitised like the rest."""
    queued = queue_settings(settings)
    app = create_app(queued)
    queue = make_queue(queued)
    await queue.connect()
    before, media_before = await _counts(db), _media(settings)
    good, good_files = await _good_export(client, admin)
    try:
        async with AsyncTestClient(app=app) as web:
            for attack, (spoil, field) in ATTACKS.items():
                data = copy.deepcopy(good)
                files = dict(good_files)
                spoil(data["tables"], files, world["keys"])
                response = await web.post(
                    "/api/v1/events/import-archive",
                    content=_zip(data["tables"], data, files),
                    headers={**admin, "content-type": "application/zip"},
                )
                assert response.status_code == 422, (attack, response.text)
                assert any(e["field"].startswith(field) for e in response.json()["errors"]), (
                    attack,
                    response.text,
                )
                if not attack.startswith(
                    ("html", "path", "another", "absolute", "alias", "decomp")
                ):
                    tables = {**data["tables"], "media_item": [], "media_person": []}
                    answer = await web.post(
                        "/api/v1/events/import", json={**data, "tables": tables}, headers=admin
                    )
                    assert answer.status_code == 422, (attack, answer.text)
            assert await queue.count("incomplete") == 0
            assert await _counts(db) == before
            assert _media(settings) == media_before

            record = next(row for row in good["tables"]["record"] if row["status"] == "published")
            record["body"] = {"en": '<p>Hello</p><script>alert("x")</script>'}
            with worker(queued, tmp_path / "worker.log"):
                response = await web.post(
                    "/api/v1/events/import-archive",
                    content=_zip(good["tables"], good, good_files),
                    headers={**admin, "content-type": "application/zip"},
                )
                assert response.status_code == 201, response.text
            page = await web.get(f"/events/{ATTACK}/records/{record['slug']}")
            assert page.status_code == 200 and "<p>Hello</p>" in page.text
            assert "<script>alert" not in page.text
            await _still_answering(web)
    finally:
        await queue.disconnect()
        await app.state.engine.dispose()
