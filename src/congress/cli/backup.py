"""`congress backup FILE` and `congress restore FILE`: a whole installation — the database, the
uploaded media and the generated secret key — in one archive, taken while the server runs.

The archive is a gzip-compressed tar with ``manifest.json`` as its last member: the format, the
versions, the database's schema revision and every other member's size and SHA-256. The database
is copied first (SQLite's online backup API, or ``pg_dump``'s snapshot) and the media after it,
so every file a row in the copy points at is in the archive (files are saved before their row is
committed). A restore treats the archive as untrusted input: it unpacks into a staging folder,
checks every member against the manifest and only then writes anything in its place.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import gzip
import hashlib
import io
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import IO, Any, Literal

from pydantic import BaseModel, ValidationError

from congress import __version__
from congress.settings import Settings

FORMAT = "congress-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SECRET_KEY = "secret_key"
MEDIA = "media/"
DATABASE_FILES = {"sqlite": "database/congress.db", "postgresql": "database/congress.dump"}
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
CHUNK = 1024 * 1024

DatabaseKind = Literal["sqlite", "postgresql"]


class BackupError(Exception):
    """A backup or restore that cannot be done: one readable line, nothing written."""


class ManifestFile(BaseModel):
    name: str
    size: int
    sha256: str


class Manifest(BaseModel):
    format: Literal["congress-backup"]
    format_version: int
    congress_version: str
    alembic_revision: str
    database: DatabaseKind
    # Major version of the pg_dump that wrote the dump: an older pg_restore cannot read it.
    pg_dump_major: int | None = None
    created_at: dt.datetime
    files: list[ManifestFile]


@dataclass(frozen=True)
class Summary:
    database: DatabaseKind
    revision: str
    media_files: int
    secret_key: bool


def database_kind(settings: Settings) -> DatabaseKind:
    if settings.is_sqlite:
        return "sqlite"
    if settings.db_url.startswith("postgresql"):
        return "postgresql"
    raise BackupError(f"backups support SQLite and PostgreSQL, not {settings.db_url.split(':')[0]}")


def sqlite_path(settings: Settings) -> Path:
    from sqlalchemy.engine import make_url

    database = make_url(settings.db_url).database
    if not database or database == ":memory:":
        raise BackupError("the SQLite database is not a file")
    return Path(database)


# ---- writing -----------------------------------------------------------------------------------


class _Hashing:
    """A reader that hashes what passes through it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        return data


class _ArchiveWriter:
    def __init__(self, raw: IO[bytes]) -> None:
        self.tar = tarfile.open(  # noqa: SIM115 (closed in close())
            fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT, compresslevel=6
        )
        self.files: list[ManifestFile] = []
        self.now = int(dt.datetime.now(dt.UTC).timestamp())

    def add(self, name: str, stream: IO[bytes], size: int) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, self.now, 0o600
        hashing = _Hashing(stream)
        self.tar.addfile(info, hashing)
        self.files.append(ManifestFile(name=name, size=size, sha256=hashing.digest.hexdigest()))

    def add_path(self, name: str, path: Path) -> bool:
        """Add a regular file; False when it vanished meanwhile (a photo deleted during the
        backup) or is not a regular file (links are never followed out of the folder)."""
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return False
        with os.fdopen(descriptor, "rb") as stream:
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode):
                return False
            self.add(name, stream, status.st_size)
        return True

    def close(self, manifest: Manifest) -> None:
        data = manifest.model_dump_json(indent=1).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), self.now, 0o600
        self.tar.addfile(info, BytesIO(data))
        self.tar.close()


@contextmanager
def _output(target: str) -> Iterator[IO[bytes]]:
    """The archive's destination: standard output, or FILE written as FILE.part (owner-only,
    since it holds the secret key) and renamed when complete, so an older FILE stays whole."""
    if target == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    path = Path(target)
    part = path.with_name(path.name + ".part")
    part.unlink(missing_ok=True)
    descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as raw:
            yield raw
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def _snapshot_sqlite(settings: Settings, copy_path: Path) -> str:
    """A consistent copy of the SQLite file (one backup step holds one read transaction; in WAL
    mode the server keeps writing meanwhile); returns the copy's schema revision."""
    path = sqlite_path(settings)
    if not path.is_file():
        raise BackupError(f"there is no database at {path}")
    source = sqlite3.connect(path, timeout=30)
    try:
        copy = sqlite3.connect(copy_path)
        try:
            source.backup(copy)
            # A self-contained file (no -wal beside it); the server switches WAL on again.
            copy.execute("PRAGMA journal_mode=DELETE")
            try:
                row = copy.execute("SELECT version_num FROM alembic_version").fetchone()
            except sqlite3.OperationalError:
                row = None
        finally:
            copy.close()
    finally:
        source.close()
    if row is None:
        raise BackupError(f"the database at {path} has no congress schema: nothing to back up")
    return str(row[0])


def _postgres_env(settings: Settings) -> dict[str, str]:
    """The connection for pg_dump/pg_restore in libpq's variables: a password never appears on
    a command line (where `ps` shows it)."""
    from sqlalchemy.engine import make_url

    url = make_url(settings.db_url)
    env = dict(os.environ)
    for name, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
        ("PGSSLMODE", url.query.get("sslmode") or url.query.get("ssl")),
    ):
        if value:
            env[name] = str(value)
    return env


def _client_major(program: str, server_major: int | None, needed_for: str) -> tuple[str, int]:
    path = shutil.which(program)
    if path is None:
        raise BackupError(
            f"{program} is not installed: install the PostgreSQL client"
            f"{f' {server_major} or newer' if server_major else ''} to {needed_for}"
        )
    output = subprocess.run(
        [path, "--version"], capture_output=True, text=True, check=False, timeout=30
    ).stdout
    found = re.search(r"\)\s*(\d+)", output) or re.search(r"(\d+)", output)
    if found is None:
        raise BackupError(f"cannot tell the version of {path} ({output.strip()!r})")
    major = int(found.group(1))
    if server_major and major < server_major:
        raise BackupError(
            f"{path} is version {major}, older than what is needed ({server_major}): "
            f"install the PostgreSQL {server_major} client to {needed_for}"
        )
    return path, major


async def _postgres_facts(settings: Settings) -> tuple[int, str | None, int]:
    """The server's major version, the schema revision and how many relations the database
    holds outside the system schemas."""
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import text
    from sqlalchemy.pool import NullPool

    from congress.db.engine import make_engine

    engine = make_engine(settings, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            version = int(await connection.scalar(text("SHOW server_version_num")) or 0)
            relations = int(
                await connection.scalar(
                    text(
                        "SELECT count(*) FROM pg_catalog.pg_class c"
                        " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                        " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
                        " AND n.nspname NOT LIKE 'pg\\_toast%'"
                        " AND n.nspname NOT LIKE 'pg\\_temp%'"
                    )
                )
                or 0
            )
            revision = await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()
    return version // 10000, revision, relations


def _dump_postgres(settings: Settings, dump_path: Path) -> tuple[str, int]:
    import asyncio

    server_major, revision, _ = asyncio.run(_postgres_facts(settings))
    if revision is None:
        raise BackupError("the database has no congress schema: nothing to back up")
    pg_dump, major = _client_major("pg_dump", server_major, "back up this server")
    result = subprocess.run(
        [pg_dump, "--format=custom", f"--file={dump_path}"],
        env=_postgres_env(settings),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {_last_line(result.stderr)}")
    return revision, major


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def _media_files(media_dir: Path) -> Iterator[tuple[str, Path]]:
    from congress.domain.publishing.media import PARTIAL_SUFFIX

    for folder, folders, files in os.walk(media_dir):
        folders.sort()
        for name in sorted(files):
            if name.endswith(PARTIAL_SUFFIX):
                continue
            path = Path(folder, name)
            yield MEDIA + path.relative_to(media_dir).as_posix(), path


def _add_media(writer: _ArchiveWriter, settings: Settings, media_dir: Path) -> int:
    """The media files, read through the storage (a folder, or the object store)."""
    from congress.storage import storage_for

    if not settings.storage_url:
        return sum(writer.add_path(name, path) for name, path in _media_files(media_dir))
    storage, count = storage_for(settings, "media"), 0
    for key in storage.names():
        try:
            data = storage.read(key)
        except OSError:  # deleted during the backup
            continue
        writer.add(MEDIA + key, io.BytesIO(data), len(data))
        count += 1
    return count


def backup(settings: Settings, target: str) -> Summary:
    kind = database_kind(settings)
    media_dir = settings.media_dir.resolve()
    staging_parent = None
    if target != "-":
        path = Path(target).resolve()
        if path.is_dir():
            raise BackupError(f"{target} is a folder; name the archive to write")
        if not path.parent.is_dir():
            raise BackupError(f"there is no folder {path.parent} to write {path.name} in")
        if path.is_relative_to(media_dir):
            raise BackupError("write the backup outside the media folder")
        staging_parent = path.parent
    with tempfile.TemporaryDirectory(prefix=".congress-backup-", dir=staging_parent) as staging:
        database = Path(staging, Path(DATABASE_FILES[kind]).name)
        pg_dump_major = None
        if kind == "sqlite":
            revision = _snapshot_sqlite(settings, database)
        else:
            revision, pg_dump_major = _dump_postgres(settings, database)
        with _output(target) as raw:
            writer = _ArchiveWriter(raw)
            writer.add_path(DATABASE_FILES[kind], database)
            media = _add_media(writer, settings, media_dir)
            secret = writer.add_path(SECRET_KEY, settings.data_dir / SECRET_KEY)
            writer.close(
                Manifest(
                    format=FORMAT,
                    format_version=FORMAT_VERSION,
                    congress_version=__version__,
                    alembic_revision=revision,
                    database=kind,
                    pg_dump_major=pg_dump_major,
                    created_at=dt.datetime.now(dt.UTC),
                    files=writer.files,
                )
            )
    return Summary(kind, revision, media, secret)


# ---- reading -----------------------------------------------------------------------------------


def _member_name(member: tarfile.TarInfo) -> str:
    """The member's name when it is a regular file at a place a backup has; the archive is
    untrusted, so links, folders, absolute paths and `..` are refused, not skipped."""
    name = member.name
    if not member.isreg():
        raise BackupError(f"the archive member {name!r} is not a plain file (links are refused)")
    parts = name.split("/")
    if (
        PurePosixPath(name).is_absolute()
        or any(part in ("", ".", "..") for part in parts)
        or "\\" in name
        or "\x00" in name
    ):
        raise BackupError(f"the archive member {name!r} has an unsafe path")
    if not (
        name in (MANIFEST, SECRET_KEY, *DATABASE_FILES.values())
        or (name.startswith(MEDIA) and len(parts) > 1)
    ):
        raise BackupError(f"the archive member {name!r} does not belong in a congress backup")
    return name


def _extract(stream: IO[bytes], path: Path) -> tuple[int, str]:
    """Write ``stream`` to a new file at ``path``; its size and SHA-256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(descriptor, "wb") as output:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            output.write(chunk)
    return size, digest.hexdigest()


def _unpack(raw: IO[bytes], staging: Path, label: str) -> Manifest:
    """Unpack every member into ``staging`` and check it against the manifest."""
    found: dict[str, tuple[int, str]] = {}
    manifest_data: bytes | None = None
    began = False
    try:
        with tarfile.open(fileobj=raw, mode="r|*") as tar:
            for member in tar:
                began = True
                name = _member_name(member)
                if name in found or (name == MANIFEST and manifest_data is not None):
                    raise BackupError(f"the archive holds {name!r} twice")
                stream = tar.extractfile(member)
                assert stream is not None  # a regular file always has one
                if name == MANIFEST:
                    if member.size > MAX_MANIFEST_BYTES:
                        raise BackupError("the archive's manifest is too large")
                    manifest_data = stream.read()
                else:
                    found[name] = _extract(stream, staging / name)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        problem = "is truncated or damaged" if began else "is not a congress backup"
        raise BackupError(f"{label} {problem} ({exc})") from None
    if manifest_data is None:
        raise BackupError(f"{label} is not a congress backup (it has no {MANIFEST})")
    try:
        manifest = Manifest.model_validate_json(manifest_data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(map(str, error["loc"]))
        raise BackupError(f"{label} has a bad manifest ({where}: {error['msg']})") from None
    if manifest.format_version != FORMAT_VERSION:
        raise BackupError(
            f"{label} is a backup of format {manifest.format_version}; "
            f"this congress reads format {FORMAT_VERSION}"
        )
    listed = {entry.name: entry for entry in manifest.files}
    if missing := sorted(set(listed) - set(found)):
        raise BackupError(f"{label} is incomplete: {missing[0]} is missing")
    if unlisted := sorted(set(found) - set(listed)):
        raise BackupError(f"{label} holds {unlisted[0]}, which its manifest does not list")
    for name, entry in listed.items():
        if found[name] != (entry.size, entry.sha256):
            raise BackupError(f"{label} is damaged or altered: {name} does not match its checksum")
    if DATABASE_FILES[manifest.database] not in found:
        raise BackupError(f"{label} holds no {manifest.database} database")
    return manifest


@contextmanager
def _input(source: str) -> Iterator[IO[bytes]]:
    if source == "-":
        yield sys.stdin.buffer
        return
    try:
        raw = open(source, "rb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc.strerror}") from None
    with raw:
        yield raw


def _check_target(settings: Settings, kind: DatabaseKind) -> None:
    """Refuse a target that holds anything a restore would write: it never overwrites."""
    if kind == "sqlite":
        path = sqlite_path(settings)
        for existing in (path, path.with_name(path.name + "-wal")):
            if existing.exists():
                raise BackupError(f"{existing} already exists: restore into an empty data folder")
    media_dir = settings.media_dir
    if settings.storage_url:
        from congress.storage import storage_for

        if next(iter(storage_for(settings, "media").names()), None) is not None:
            raise BackupError(f"{settings.storage_url} holds media: restore into an empty store")
    elif media_dir.exists() and (not media_dir.is_dir() or any(media_dir.iterdir())):
        raise BackupError(f"{media_dir} is not empty: restore into an empty data folder")
    if (settings.data_dir / SECRET_KEY).exists():
        raise BackupError(
            f"{settings.data_dir / SECRET_KEY} already exists: restore into an empty data folder"
        )


def _check_postgres_target(settings: Settings) -> None:
    import asyncio

    _, _, relations = asyncio.run(_postgres_facts(settings))
    if relations:
        from sqlalchemy.engine import make_url

        name = make_url(settings.db_url).database
        raise BackupError(
            f"the database {name} is not empty ({relations} tables, sequences or other "
            "relations): restore into an empty database"
        )


def _check_revision(settings: Settings, revision: str, label: str) -> None:
    from alembic.script import ScriptDirectory
    from alembic.script.revision import RevisionError
    from alembic.util import CommandError as AlembicError

    from congress.db.migrate import alembic_config

    try:
        known = ScriptDirectory.from_config(alembic_config(settings)).get_revision(revision)
    except (RevisionError, AlembicError):
        known = None
    if known is None:
        raise BackupError(
            f"{label} comes from a newer congress (schema revision {revision} is unknown here): "
            "install that version or newer to restore it"
        )


def _check_sqlite_copy(path: Path, label: str) -> None:
    try:
        connection = sqlite3.connect(path)
        try:
            result = connection.execute("PRAGMA quick_check").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the database in {label} is damaged ({exc})") from None
    if result is None or result[0] != "ok":
        raise BackupError(f"the database in {label} is damaged ({result})")


def _place(source: Path, target: Path) -> None:
    """Move a file into place without ever replacing one that appeared meanwhile."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except FileExistsError:
        raise BackupError(f"{target} appeared during the restore; it was left alone") from None
    except OSError as exc:
        if exc.errno != errno.EXDEV:  # a link cannot cross file systems: copy instead
            raise
        with source.open("rb") as reader:
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as writer:
                shutil.copyfileobj(reader, writer, CHUNK)
    source.unlink()


def _restore_postgres(settings: Settings, dump: Path, manifest: Manifest) -> None:
    from sqlalchemy.engine import make_url

    pg_restore, _ = _client_major("pg_restore", manifest.pg_dump_major, "read this backup")
    # One transaction: a failure leaves the database as empty as it was.
    result = subprocess.run(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={make_url(settings.db_url).database}",
            str(dump),
        ],
        env=_postgres_env(settings),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {_last_line(result.stderr)}")


def restore(settings: Settings, source: str) -> Summary:
    kind = database_kind(settings)
    label = "the input" if source == "-" else source
    _check_target(settings, kind)
    if kind == "postgresql":
        _check_postgres_target(settings)
    data_dir = settings.data_dir
    created = not data_dir.exists()
    data_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".congress-restore-", dir=data_dir))
    try:
        with _input(source) as raw:
            manifest = _unpack(raw, staging, label)
        if manifest.database != kind:
            raise BackupError(
                f"{label} holds a {manifest.database} database, but this installation uses "
                f"{kind}: set CONGRESS_DATABASE_URL accordingly"
            )
        _check_revision(settings, manifest.alembic_revision, label)
        database = staging / DATABASE_FILES[kind]
        if kind == "sqlite":
            _check_sqlite_copy(database, label)
            _place(database, sqlite_path(settings))
        else:
            _restore_postgres(settings, database, manifest)
        media = [entry.name for entry in manifest.files if entry.name.startswith(MEDIA)]
        for name in media:
            if settings.storage_url:  # the object store: written through the storage
                from congress.storage import storage_for

                storage_for(settings, "media").save(
                    name.removeprefix(MEDIA), (staging / name).read_bytes()
                )
            else:
                _place(staging / name, settings.media_dir / name.removeprefix(MEDIA))
        secret = (staging / SECRET_KEY).exists()
        if secret:
            _place(staging / SECRET_KEY, data_dir / SECRET_KEY)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created and not any(data_dir.iterdir()):
            data_dir.rmdir()
    return Summary(kind, manifest.alembic_revision, len(media), secret)


# ---- the commands ------------------------------------------------------------------------------


def _describe(summary: Summary) -> str:
    media = f"{summary.media_files} media file{'s' if summary.media_files != 1 else ''}"
    secret = " and the secret key" if summary.secret_key else ""
    return f"the {summary.database} database (revision {summary.revision}), {media}{secret}"


def cmd_backup(args: argparse.Namespace, settings: Settings) -> None:
    from congress.commandline import CommandError

    try:
        summary = backup(settings, args.file)
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    where = (
        "standard output"
        if args.file == "-"
        else f"{args.file} ({Path(args.file).stat().st_size:,} bytes)"
    )
    note = "; it holds the secret key: keep it private" if summary.secret_key else ""
    print(f"backed up {_describe(summary)} to {where}{note}", file=sys.stderr)


def cmd_restore(args: argparse.Namespace, settings: Settings) -> None:
    from congress.commandline import CommandError
    from congress.db.migrate import head_revision, upgrade

    try:
        summary = restore(settings, args.file)
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    print(f"restored {_describe(summary)}", file=sys.stderr)
    head = head_revision(settings)
    if summary.revision != head:
        upgrade(settings)
        print(f"migrated the database from revision {summary.revision} to {head}", file=sys.stderr)


def add_commands(commands: Any) -> None:
    backup_parser = commands.add_parser(
        "backup",
        help="write the database, media and secret key to one archive (while the server runs)",
    )
    backup_parser.add_argument(
        "file", metavar="FILE", help="archive to write, readable by its owner only ('-': stdout)"
    )
    backup_parser.set_defaults(handler=cmd_backup)
    restore_parser = commands.add_parser(
        "restore", help="restore a backup into an empty data folder (and empty database)"
    )
    restore_parser.add_argument("file", metavar="FILE", help="archive to read ('-': stdin)")
    restore_parser.set_defaults(handler=cmd_restore)
