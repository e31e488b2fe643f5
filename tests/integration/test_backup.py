"""`congress backup` of a running server under writes, and `congress restore` into a fresh place:
real processes, a real database (SQLite, or PostgreSQL when CONGRESS_DATABASE_URL is one), real
files. The restored installation must equal the snapshot table by table and file by file."""

from __future__ import annotations

import asyncio
import io
import json
import os
import stat
import subprocess
import tarfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import inspect, text
from sqlalchemy.pool import NullPool

from congress.db.engine import make_engine
from congress.db.migrate import alembic_config, head_revision, upgrade
from congress.demo import DEMO_SLUG
from congress.settings import Settings
from tests.conftest import IS_POSTGRES, PASSWORD, _pg_admin, _pg_url
from tests.integration.test_cli import CONGRESS, Cli, assert_one_line_error, serving

ADMIN = "admin@example.org"
Rows = dict[str, dict[Any, dict[str, Any]]]


@pytest.fixture
def installation(tmp_path: Path) -> Iterator[Callable[[str], Cli]]:
    """Makes installations: a data folder each and, on PostgreSQL, an empty database each."""
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CONGRESS_") and key != "PYTHONPATH"
    }
    databases: list[str] = []

    def make(name: str) -> Cli:
        env = {**base, "CONGRESS_DATA_DIR": str(tmp_path / name), "CONGRESS_DATABASE_URL": ""}
        if IS_POSTGRES:
            database = f"congress_bk_{uuid.uuid4().hex[:10]}"
            asyncio.run(_pg_admin(f'CREATE DATABASE "{database}"'))
            databases.append(database)
            env["CONGRESS_DATABASE_URL"] = _pg_url(database)
        return Cli(env, tmp_path)

    yield make
    for database in databases:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), colour).save(buffer, "PNG")
    return buffer.getvalue()


class Writer(threading.Thread):
    """Writes through the running server until stopped: people through the JSON API, or photos
    through the editors' desk. Each write is one transaction (the row and its audit entry; a
    photo's row after its two files). Records (id, sent, confirmed) of every write."""

    def __init__(self, base: str, token: str, photos: bool) -> None:
        super().__init__(daemon=True)
        self.client = httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
        self.photos = photos
        self.done: list[tuple[int, float, float]] = []
        self.stop = threading.Event()
        self.failure: str | None = None
        self.csrf = ""

    def write(self, number: int) -> int:
        if self.photos:
            response = self.client.post(
                f"/manage/events/{DEMO_SLUG}/photos",
                files={"file": (f"hall-{number}.png", png((number % 256, 90, 160)), "image/png")},
                data={"credit": f"Writer {number}"},
                headers={"x-csrftoken": self.csrf},
                follow_redirects=False,
            )
            assert response.status_code == 303, response.text
            return int(response.headers["location"].rsplit("/", 1)[1])
        response = self.client.post(
            "/api/v1/people", json={"family_name": {"en": f"Writer {number}"}}
        )
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def run(self) -> None:
        self.client.get("/login")
        self.csrf = str(self.client.cookies["congress_csrf"])
        number = 0
        try:
            while not self.stop.is_set():
                number += 1
                sent = time.monotonic()
                identifier = self.write(number)
                self.done.append((identifier, sent, time.monotonic()))
                if self.photos:
                    time.sleep(0.1)
        except Exception as exc:  # reported by the test, not lost in the thread
            self.failure = repr(exc)
        finally:
            self.client.close()

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 120
        while len(self.done) < count:
            assert self.failure is None, self.failure
            assert time.monotonic() < deadline, "the writer is stuck"
            time.sleep(0.05)


def read_tables(settings: Settings) -> Rows:
    """Every table's rows, keyed by primary key (by the whole row where there is none)."""

    async def read() -> Rows:
        engine = make_engine(settings, poolclass=NullPool)
        try:
            async with engine.connect() as connection:

                def keys(sync: Any) -> dict[str, list[str]]:
                    inspector = inspect(sync)
                    return {
                        name: inspector.get_pk_constraint(name)["constrained_columns"]
                        for name in inspector.get_table_names()
                    }

                tables: Rows = {}
                for name, key in (await connection.run_sync(keys)).items():
                    result = await connection.execute(text(f'SELECT * FROM "{name}"'))
                    rows = [dict(row) for row in result.mappings()]
                    tables[name] = {
                        tuple(row[column] for column in key)
                        if key
                        else json.dumps(row, sort_keys=True, default=str): row
                        for row in rows
                    }
                return tables
        finally:
            await engine.dispose()

    return asyncio.run(read())


def media_files(settings: Settings) -> dict[str, bytes]:
    root = settings.media_dir
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


def test_backup_of_a_running_server_under_writes_restores_the_same_installation(
    installation: Callable[[str], Cli], tmp_path: Path
) -> None:
    source = installation("source")
    source.ok("demo")
    source.ok("user", "create", "--role", "admin", "--email", ADMIN, "--password", PASSWORD)
    token = source.ok("token", "create", "--email", ADMIN).strip().splitlines()[-1]
    archive = tmp_path / "congress-backup.tar.gz"

    with serving(source, tmp_path / "source.log") as server:
        base = server.base
        people, photos = Writer(base, token, photos=False), Writer(base, token, photos=True)
        people.start()
        photos.start()
        people.wait_for(5)
        photos.wait_for(2)
        started = time.monotonic()
        result = source("backup", str(archive))
        ended = time.monotonic()
        people.wait_for(len(people.done) + 3)
        for writer in (people, photos):
            writer.stop.set()
            writer.join(timeout=60)
            assert writer.failure is None, writer.failure
        # The login form's CSRF token is signed with the secret key: the restored server must
        # accept it, which it does only with the same key.
        login_client = httpx.Client(base_url=base)
        login_client.get("/login")
        csrf = str(login_client.cookies["congress_csrf"])
        login_client.close()
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("backed up the ") and "keep it private" in result.stderr
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    # Writes really went on while the backup ran (or this test would prove nothing).
    during = [sent for _, sent, confirmed in people.done if started < sent and confirmed < ended]
    assert during, "no write happened during the backup"

    target = installation("target")
    restored = target("restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert restored.stderr.startswith("restored the "), restored.stderr

    before, after = read_tables(source.settings), read_tables(target.settings)
    assert set(after) == set(before)
    written = {
        "person": [identifier for identifier, _, _ in people.done],
        "media_item": [identifier for identifier, _, _ in photos.done],
    }
    for table, rows in after.items():
        for key, row in rows.items():
            assert key in before[table], f"{table} {key} is not in the source"
            # Every request of the desk writer rewrites its session (flash messages, expiry).
            if table != "staff_session":
                assert row == before[table][key], f"{table} {key} differs"
        absent = set(before[table]) - set(rows)
        if table in written:
            # The writes in the copy are a prefix of each writer's: those answered before the
            # backup started are in, those sent after it ended are not.
            kept = [identifier for identifier in written[table] if (identifier,) in rows]
            assert kept == written[table][: len(kept)], table
            writer = people if table == "person" else photos
            assert all(
                (identifier,) in rows for identifier, _, done in writer.done if done < started
            )
            assert not any(
                (identifier,) in rows for identifier, sent, _ in writer.done if sent > ended
            )
            assert absent <= {(identifier,) for identifier in written[table]}, table
        elif table == "audit_entry":
            # Nothing half-written: an audit entry is missing exactly when its row is.
            for key in absent:
                entry = before[table][key]
                assert (entry["entity_id"],) not in after[entry["entity"]], entry
        else:
            assert not absent, f"{table} lost rows {sorted(absent)[:5]}"
    for entry in after["audit_entry"].values():
        if entry["entity"] in written and entry["action"] == "create":
            assert (entry["entity_id"],) in after[entry["entity"]], entry

    source_media, target_media = media_files(source.settings), media_files(target.settings)
    for name, data in target_media.items():
        assert data == source_media[name], name
    photo_keys = {row["storage_key"] for row in after["media_item"].values()}
    for key in photo_keys:
        assert key in target_media and f"thumbs/{key}" in target_media, key
    assert len(photo_keys) >= 2
    assert set(source_media) - set(target_media) <= {
        name
        for row in before["media_item"].values()
        if row["storage_key"] not in photo_keys
        for name in (row["storage_key"], f"thumbs/{row['storage_key']}")
    }

    secret = target.settings.data_dir / "secret_key"
    assert secret.read_text() == (source.settings.data_dir / "secret_key").read_text()
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600

    with serving(target, tmp_path / "target.log") as server:
        base = server.base
        assert httpx.get(f"{base}/events/{DEMO_SLUG}", timeout=30).status_code == 200
        key = sorted(photo_keys)[0]
        photo = httpx.get(f"{base}/media/{key}", timeout=30)
        assert photo.status_code == 200 and photo.content == target_media[key]
        with httpx.Client(base_url=base, timeout=30, cookies={"congress_csrf": csrf}) as client:
            login = client.post(
                "/login",
                data={"email": ADMIN, "password": PASSWORD, "next": "/manage", "_csrf_token": csrf},
                follow_redirects=True,
            )
            assert login.status_code == 200 and str(login.url).endswith("/manage"), login.text
        api = httpx.get(
            f"{base}/api/v1/users", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        assert api.status_code == 200 and ADMIN in api.text


# ---- bad input -------------------------------------------------------------------------------


def rewrite(archive: Path, target: Path, change: Callable[[str, bytes], bytes | None]) -> None:
    """A copy of ``archive`` with each member's bytes passed through ``change`` (None drops it)."""
    with tarfile.open(archive) as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            stream = old.extractfile(member)
            assert stream is not None
            data = change(member.name, stream.read())
            if data is not None:
                member.size = len(data)
                new.addfile(member, io.BytesIO(data))


def add_member(archive: Path, target: Path, member: tarfile.TarInfo, data: bytes = b"") -> None:
    with tarfile.open(archive) as old, tarfile.open(target, "w:gz") as new:
        for existing in old.getmembers():
            new.addfile(existing, old.extractfile(existing))
        member.size = len(data)
        new.addfile(member, io.BytesIO(data) if member.isreg() else None)


def relations(cli: Cli) -> int:
    async def count() -> int:
        engine = make_engine(cli.settings, poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                return int(
                    await connection.scalar(
                        text(
                            "SELECT count(*) FROM pg_class c JOIN pg_namespace n"
                            " ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
                        )
                    )
                    or 0
                )
        finally:
            await engine.dispose()

    return asyncio.run(count()) if IS_POSTGRES else 0


def test_restore_refuses_bad_archives_and_occupied_targets(
    installation: Callable[[str], Cli], tmp_path: Path
) -> None:
    source = installation("source")
    source.ok("demo")
    (source.settings.media_dir / "photos").mkdir(parents=True)
    (source.settings.media_dir / "photos" / "hall.jpg").write_bytes(png((1, 2, 3)))
    (source.settings.data_dir / "secret_key").write_text("the source's secret")
    good = tmp_path / "good.tar.gz"
    source.ok("backup", str(good))

    not_archive = tmp_path / "notes.txt"
    not_archive.write_text("congress backup, honest\n" * 100)
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    tampered = tmp_path / "tampered.tar.gz"
    rewrite(
        good,
        tampered,
        lambda name, data: data[:-1] + bytes([data[-1] ^ 1]) if name.startswith("media/") else data,
    )
    missing = tmp_path / "missing.tar.gz"
    rewrite(good, missing, lambda name, data: None if name.startswith("media/") else data)
    climbing = tmp_path / "climbing.tar.gz"
    add_member(good, climbing, tarfile.TarInfo("media/../../escaped"), b"outside")
    absolute = tmp_path / "absolute.tar.gz"
    add_member(good, absolute, tarfile.TarInfo(str(tmp_path / "absolute-escape")), b"outside")
    link = tarfile.TarInfo("media/photos/link.jpg")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    linked = tmp_path / "linked.tar.gz"
    add_member(good, linked, link)

    def newer_revision(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["alembic_revision"] = "ffffffffffff"
        return json.dumps(manifest).encode()

    newer = tmp_path / "newer.tar.gz"
    rewrite(good, newer, newer_revision)

    target = installation("target")
    cases = {
        not_archive: "is not a congress backup",
        truncated: "is truncated or damaged",
        tampered: "does not match its checksum",
        missing: "is incomplete",
        climbing: "unsafe path",
        absolute: "unsafe path",
        linked: "not a plain file",
        newer: "comes from a newer congress",
        tmp_path / "nowhere.tar.gz": "cannot read",
    }
    for archive, words in cases.items():
        assert_one_line_error(target("restore", str(archive)), words)
        assert not target.settings.data_dir.exists(), archive.name
        assert relations(target) == 0, archive.name
    assert not (tmp_path.parent / "escaped").exists()
    assert not (tmp_path / "absolute-escape").exists()

    # An occupied target is refused before the archive is read, and keeps what it has.
    assert_one_line_error(source("restore", str(good)), "restore into an empty")
    assert source.ok("db", "current").strip().endswith("up to date")
    if IS_POSTGRES:
        occupied = installation("occupied")
        occupied.ok("db", "upgrade")
        assert_one_line_error(occupied("restore", str(good)), "is not empty")
        assert not occupied.settings.data_dir.exists()
    media_only = installation("media-only")
    (media_only.settings.media_dir / "x").mkdir(parents=True)
    assert_one_line_error(media_only("restore", str(good)), "media", "not empty")
    assert relations(media_only) == 0

    # The same target takes the good archive: the refusals were about the archives.
    assert target("restore", str(good)).returncode == 0
    assert media_files(target.settings) == media_files(source.settings)
    assert (target.settings.data_dir / "secret_key").read_text() == "the source's secret"


def test_restore_migrates_an_older_backup(
    installation: Callable[[str], Cli], tmp_path: Path
) -> None:
    from alembic.script import ScriptDirectory

    source = installation("old")
    head = head_revision(source.settings)
    script = ScriptDirectory.from_config(alembic_config(source.settings))
    previous = script.get_revision(head).down_revision
    assert isinstance(previous, str)
    upgrade(source.settings, previous)
    # Through standard output and input, as with `docker exec … backup - > FILE`.
    archive = tmp_path / "old.tar.gz"
    with archive.open("wb") as output:
        subprocess.run(
            [str(CONGRESS), "backup", "-"], env=source.env, stdout=output, check=True, timeout=180
        )

    target = installation("new")
    with archive.open("rb") as stdin:
        result = subprocess.run(
            [str(CONGRESS), "restore", "-"],
            env=target.env,
            stdin=stdin,
            capture_output=True,
            text=True,
            check=False,
            timeout=180,
        )
    assert result.returncode == 0, result.stderr
    assert f"migrated the database from revision {previous} to {head}" in result.stderr
    assert target.ok("db", "current").strip() == f"{head}: up to date"


@pytest.mark.skipif(not IS_POSTGRES, reason="pg_dump is used for PostgreSQL only")
def test_backup_needs_a_pg_dump_as_new_as_the_server(
    installation: Callable[[str], Cli], tmp_path: Path
) -> None:
    source = installation("source")
    source.ok("db", "upgrade")
    tools = tmp_path / "old-client"
    tools.mkdir()
    old = tools / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    old.chmod(0o755)
    archive = tmp_path / "never.tar.gz"
    assert_one_line_error(
        source("backup", str(archive), PATH=str(tools)), "version 9", "older than"
    )
    assert_one_line_error(
        source("backup", str(archive), PATH=str(tmp_path / "empty")), "pg_dump is not installed"
    )
    assert not archive.exists()
    assert not list(tmp_path.glob("never.tar.gz*"))
