"""A complete export of one event as JSON, and its import into another database; with the
photos' files, as a ZIP archive.

The export is table-shaped: every row the event owns (sessions, agenda, speeches, registration,
attendance, records, comments, media metadata) and every shared row they point at (venue, rooms,
organizations, people, positions, categories, tags, the staff users named as authors), with the
original ids. The import inserts the rows in foreign-key order and gives them new ids, rewriting
every reference, inside the caller's transaction: a failure leaves the database unchanged.

The public variant (for anonymous visitors) leaves out registration, attendance, comments, staff
users, unpublished records and people's private contacts.

The archive (``export.zip``) holds the same JSON as ``event.json`` and every file of the event's
media items under ``media/`` (the original and its thumbnail, by storage key), so that an event
moved to another installation keeps its photos.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import json
import zipfile
from collections import defaultdict
from typing import Any

from sqlalchemy import Column, Date, DateTime, Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from congress import __version__
from congress.db.base import metadata, utc_now
from congress.domain.events.models import Event
from congress.domain.publishing.enums import RecordStatus
from congress.domain.publishing.media import MediaStorage, thumbnail_key
from congress.errors import Conflict, FieldError, Invalid

FORMAT = "congress-event"
FORMAT_VERSION = 1

# table -> (parent table, column pointing at the parent's id); the event itself is the root.
OWNED: dict[str, tuple[str, str]] = {
    "event_organizer": ("event", "event_id"),
    "session": ("event", "event_id"),
    "presidium_seat": ("session", "session_id"),
    "agenda_item": ("session", "session_id"),
    "speech": ("agenda_item", "agenda_item_id"),
    "speech_speaker": ("speech", "speech_id"),
    "award": ("agenda_item", "agenda_item_id"),
    "gift": ("agenda_item", "agenda_item_id"),
    "delegation": ("event", "event_id"),
    "participant": ("event", "event_id"),
    "attendance": ("session", "session_id"),
    "media_item": ("event", "event_id"),
    "media_person": ("media_item", "media_item_id"),
    "record": ("event", "event_id"),
    "record_tag": ("record", "record_id"),
    "comment": ("record", "record_id"),
}
# Rows shared between events, exported when an owned row points at them.
SHARED = (
    "venue",
    "room",
    "organization",
    "person",
    "position",
    "category",
    "tag",
    "user_account",
)
# Kept out on purpose: secrets and per-installation state, not part of an event.
NOT_EXPORTED = frozenset(
    {"api_token", "staff_session", "audit_entry", "alembic_version", "record_view", "view_salt"}
)
# Natural keys: an import reuses an existing row with the same key instead of duplicating it.
NATURAL_KEYS = {"category": "slug", "tag": "slug", "user_account": "email", "person": "email"}
USER_COLUMNS = ("id", "email", "name", "role", "locale", "created_at", "updated_at")

PRIVATE_TABLES = frozenset({"delegation", "participant", "attendance", "comment", "user_account"})
PRIVATE_COLUMNS = {"person": ("email", "phone", "notes")}


def _table(name: str) -> Table:
    return metadata.tables[name]


def _json(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _row(table: Table, row: Any) -> dict[str, Any]:
    columns = USER_COLUMNS if table.name == "user_account" else [c.name for c in table.columns]
    return {name: _json(row._mapping[name]) for name in columns}


async def export_event(db: AsyncSession, event: Event, *, public: bool = False) -> dict[str, Any]:
    """Every row of one event (see the module docstring), as JSON-ready data."""
    rows: dict[str, list[dict[str, Any]]] = {}
    ids: dict[str, set[int]] = defaultdict(set)
    event_table = _table("event")
    rows["event"] = [
        _row(event_table, r)
        for r in await db.execute(select(event_table).where(event_table.c.id == event.id))
    ]
    ids["event"] = {event.id}
    for name, (parent, column) in OWNED.items():
        if public and name in PRIVATE_TABLES:
            continue
        table = _table(name)
        statement = select(table).where(table.c[column].in_(ids[parent] or {-1}))
        if public and name == "record":
            statement = statement.where(
                table.c.status == RecordStatus.PUBLISHED.value,
                (table.c.publish_at.is_(None)) | (table.c.publish_at <= utc_now()),
            )
        order = [table.c.id] if "id" in table.c else list(table.primary_key.columns)
        rows[name] = [_row(table, r) for r in await db.execute(statement.order_by(*order))]
        if "id" in table.c:
            ids[name] = {row["id"] for row in rows[name]}

    # Shared rows: follow references until nothing new turns up (positions lead to people and
    # organizations, organizations to their parents, rooms to their venue).
    wanted: dict[str, set[int]] = defaultdict(set)

    def collect(name: str, table_rows: list[dict[str, Any]]) -> None:
        for fk in _table(name).foreign_keys:
            target = fk.column.table.name
            if target in SHARED and not (public and target in PRIVATE_TABLES):
                wanted[target].update(
                    r[fk.parent.name] for r in table_rows if r[fk.parent.name] is not None
                )

    for name, table_rows in rows.items():
        collect(name, table_rows)
    shared: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    while True:
        missing = {name: want - set(shared[name]) for name, want in wanted.items()}
        missing = {name: found for name, found in missing.items() if found}
        if not missing:
            break
        for name, wanted_ids in missing.items():
            table = _table(name)
            found = [
                _row(table, r)
                for r in await db.execute(select(table).where(table.c.id.in_(wanted_ids)))
            ]
            for row in found:
                shared[name][row["id"]] = row
            collect(name, found)
            if name == "person":
                # A person's other positions belong to the person: keep them together.
                position = _table("position")
                wanted["position"].update(
                    (
                        await db.scalars(
                            select(position.c.id).where(position.c.person_id.in_(wanted_ids))
                        )
                    ).all()
                )
            if name == "venue":
                room = _table("room")
                wanted["room"].update(
                    (
                        await db.scalars(select(room.c.id).where(room.c.venue_id.in_(wanted_ids)))
                    ).all()
                )
    for name in SHARED:
        if name in shared:
            table_rows = [shared[name][key] for key in sorted(shared[name])]
            for column in PRIVATE_COLUMNS.get(name, ()) if public else ():
                for row in table_rows:
                    row[column] = None
            rows[name] = table_rows

    ordered = {
        table.name: rows[table.name] for table in metadata.sorted_tables if table.name in rows
    }
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "generator": f"congress {__version__}",
        "exported_at": utc_now().isoformat(),
        "public": public,
        "event": event.slug,
        "tables": ordered,
    }


def _is_datetime(column: Column[Any]) -> bool:
    kind = column.type
    return isinstance(kind, DateTime) or isinstance(getattr(kind, "impl", None), DateTime)


def _convert(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if _is_datetime(column):
        return dt.datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return dt.date.fromisoformat(value)
    return value


async def import_event(db: AsyncSession, data: dict[str, Any]) -> int:
    """Insert an exported event; returns the new event id. Runs in the caller's transaction."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Invalid.field("format", f"not a {FORMAT} export")
    if data.get("version") != FORMAT_VERSION:
        raise Invalid.field("version", f"version {data.get('version')!r} is not {FORMAT_VERSION}")
    tables = data.get("tables")
    if not isinstance(tables, dict) or len(tables.get("event") or []) != 1:
        raise Invalid.field("tables.event", "an export holds exactly one event")
    unknown = sorted(set(tables) - set(OWNED) - set(SHARED) - {"event"})
    if unknown:
        raise Invalid.field("tables", f"unknown tables: {', '.join(unknown)}")
    slug = tables["event"][0].get("slug")
    event_table = _table("event")
    if await db.scalar(select(event_table.c.id).where(event_table.c.slug == slug)) is not None:
        raise Conflict(
            f"an event with the slug {slug!r} exists already",
            [FieldError("event.slug", "another event already has this slug")],
        )

    new_ids: dict[str, dict[int, int]] = defaultdict(dict)
    # Self-references (an organization inside another) are set once both rows exist.
    deferred: list[tuple[Table, str, int, int, Any]] = []
    for table in metadata.sorted_tables:
        table_rows = tables.get(table.name)
        if not table_rows:
            continue
        try:
            await _insert(db, table, table_rows, new_ids, deferred)
        except (KeyError, TypeError, ValueError) as exc:
            raise Invalid.field(f"tables.{table.name}", f"malformed row: {exc}") from exc
    for table, column, row_id, target, updated_at in deferred:
        values = {column: target, "updated_at": updated_at}
        await db.execute(update(table).where(table.c.id == row_id).values(values))
    await db.flush()
    return new_ids["event"][tables["event"][0]["id"]]


async def _insert(
    db: AsyncSession,
    table: Table,
    table_rows: list[dict[str, Any]],
    new_ids: dict[str, dict[int, int]],
    deferred: list[tuple[Table, str, int, int, Any]],
) -> None:
    key = NATURAL_KEYS.get(table.name)
    pending: list[dict[str, Any]] = []
    for row in table_rows:
        existing = None
        if key and row.get(key):
            existing = await db.scalar(select(table.c.id).where(table.c[key] == row[key]))
        if existing is not None:
            new_ids[table.name][row["id"]] = existing
        else:
            pending.append(row)
    if not pending:
        return
    self_refs: list[str] = []
    values = []
    for row in pending:
        out: dict[str, Any] = {}
        for column in table.columns:
            if column.name == "id" or column.name not in row:
                continue
            value = _convert(column, row[column.name])
            for fk in column.foreign_keys:
                target = fk.column.table.name
                if value is None:
                    break
                if target == table.name:
                    self_refs.append(column.name)
                    value = None
                elif value in new_ids[target]:
                    value = new_ids[target][value]
                elif column.nullable:
                    value = None  # pointed outside the export (e.g. staff left out publicly)
                else:
                    raise ValueError(f"{column.name}={value} is not in the export")
            out[column.name] = value
        if table.name == "user_account":
            # Imported staff can not log in until an administrator sets a password.
            out.update(is_active=False, password_hash=None)
        values.append(out)
    if "id" not in table.c:
        await db.execute(insert(table), values)
        return
    result = await db.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), values
    )
    for row, (new_id,) in zip(pending, result.all(), strict=True):
        new_ids[table.name][row["id"]] = new_id
    for column_name in set(self_refs):
        for row in pending:
            if row.get(column_name) is not None:
                new_id = new_ids[table.name][row["id"]]
                parent_id = new_ids[table.name][row[column_name]]
                updated_at = _convert(table.c.updated_at, row["updated_at"])
                deferred.append((table, column_name, new_id, parent_id, updated_at))


# ---- the archive: the export with the media files --------------------------------------------

ARCHIVE_DATA = "event.json"
ARCHIVE_MEDIA = "media/"
# Refused when unpacked: more than this in all (an archive is read into memory).
MAX_ARCHIVE_BYTES = 2 * 1024**3


def media_keys(data: dict[str, Any]) -> list[str]:
    """The storage keys of every file the export's media items name (originals, thumbnails)."""
    keys = [row["storage_key"] for row in data["tables"].get("media_item", [])]
    return [name for key in keys for name in (key, thumbnail_key(key))]


def write_archive(data: dict[str, Any], storage: MediaStorage) -> bytes:
    """The export and its media files as a ZIP archive (in a worker thread: it reads files).

    A file missing from the storage is listed under ``missing_files`` in event.json."""
    buffer = io.BytesIO()
    missing = []
    with zipfile.ZipFile(buffer, "w") as archive:
        for key in media_keys(data):
            try:
                content = storage.read(key)
            except (OSError, ValueError):
                missing.append(key)
                continue
            # Photos are JPEG already: storing them as they are costs nothing in size.
            archive.writestr(ARCHIVE_MEDIA + key, content, compress_type=zipfile.ZIP_STORED)
        text = json.dumps({**data, "missing_files": missing}, ensure_ascii=False, indent=1)
        archive.writestr(ARCHIVE_DATA, text, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def read_archive(content: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The export and the media files of an archive made by :func:`write_archive`; only files
    that the export's media items name are taken."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if ARCHIVE_DATA not in names:
                raise Invalid.field("archive", f"the archive holds no {ARCHIVE_DATA}")
            if sum(info.file_size for info in archive.infolist()) > MAX_ARCHIVE_BYTES:
                raise Invalid.field("archive", "the archive unpacks to more than 2 GB")
            data = json.loads(archive.read(ARCHIVE_DATA))
            if not isinstance(data, dict) or not isinstance(data.get("tables"), dict):
                raise Invalid.field("format", f"not a {FORMAT} export")
            try:
                keys = media_keys(data)
            except (KeyError, TypeError) as exc:
                raise Invalid.field("tables.media_item", f"malformed row: {exc}") from None
            files = {
                key: archive.read(ARCHIVE_MEDIA + key)
                for key in keys
                if ARCHIVE_MEDIA + key in names
            }
    except (zipfile.BadZipFile, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Invalid.field("archive", f"not a readable event archive: {exc}") from None
    return data, files


async def import_archive(db: AsyncSession, content: bytes, storage: MediaStorage) -> int:
    """Insert an archived event and store its media files; returns the new event id. The rows
    are written in the caller's transaction; the files are stored once the rows are in."""
    from anyio import to_thread

    data, files = await to_thread.run_sync(read_archive, content)
    event_id = await import_event(db, data)
    for key, body in files.items():
        await to_thread.run_sync(storage.save, key, body)
    return event_id
