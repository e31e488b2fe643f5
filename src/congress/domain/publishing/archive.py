"""A complete export of one event as JSON, and its import into another database; with the
photos' files, as a ZIP archive.

The export is table-shaped: every row the event owns (sessions, agenda, speeches, registration,
attendance, records, comments, media metadata) and every shared row they point at (venue, rooms,
organizations, people, positions, categories, tags, the staff users named as authors), with the
original ids.

An import is untrusted input (an organizer's file, or one from another site): every row passes
the checks of the API's schema for its table and the record bodies the same HTML sanitising,
before anything is written; then the rows are inserted in foreign-key order, table by table,
with new ids and every reference rewritten, keeping their statuses and times, inside the
caller's transaction: a refusal or a failure leaves the database unchanged.

The public variant (for anonymous visitors) leaves out registration, attendance, comments, staff
users, unpublished records and people's private contacts.

Every exported thing (the event, its sessions, speeches, awards, gifts, delegations, records;
the venue, rooms, organizations and people) carries its ``uid``, the stable identifier that the
open formats' guids and UIDs are built on: an import keeps them, so a calendar or a schedule
client that knew the event before knows it after a move. Shared rows whose uid this database
holds already are the same rows (the same person), and are reused; an event whose own
identifiers are here already is refused (409, naming that event) unless imported as a copy,
which gives the copy's rows new identifiers (and, if its slug is taken, a free one).

The archive (``export.zip``) holds the same JSON as ``event.json`` and every file of the event's
media items under ``media/`` (the original and its thumbnail, by storage key), so that an event
moved to another installation keeps its photos. An import decodes each original and stores it
re-encoded, as an upload, under a new key; the keys in the file only name files in the archive.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import io
import json
import re
import uuid
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, Field, ValidationError, create_model
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Integer,
    String,
    Table,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault

from congress import __version__
from congress.db.base import metadata, new_uid, utc_now
from congress.db.conflicts import integrity_conflict
from congress.domain.accounts.enums import AuditAction
from congress.domain.accounts.models import AuditEntry, User
from congress.domain.accounts.schemas import UserCreate
from congress.domain.checkin.schemas import AttendanceCreate
from congress.domain.common import MAX_ID, MAX_INT, AwareDatetime, Schema, require_order
from congress.domain.decisions.schemas import (
    ElectionCreate,
    HeadcountCreate,
    MotionCreate,
    RollCallRow,
    VoteRow,
)
from congress.domain.events.models import Event
from congress.domain.events.schemas import EventCreate, RoomCreate, VenueCreate
from congress.domain.people.schemas import OrganizationCreate, PersonCreate, PositionCreate
from congress.domain.programme.schemas import (
    AgendaItemCreate,
    AwardCreate,
    GiftCreate,
    PresidiumSeatCreate,
    SessionCreate,
    SpeakerIn,
    SpeechCreate,
)
from congress.domain.publishing.enums import RecordStatus
from congress.domain.publishing.media import (
    MediaStorage,
    Photo,
    new_key,
    process_photo,
    thumbnail_key,
)
from congress.domain.publishing.schemas import (
    CategoryCreate,
    CommentCreate,
    MediaItemCreate,
    RecordCreate,
    TagCreate,
)
from congress.domain.publishing.services import sanitize_html
from congress.domain.registration.models import new_qr_token, new_short_code
from congress.domain.registration.schemas import DelegationCreate, ParticipantCreate
from congress.errors import Conflict, FieldError, Invalid
from congress.server.forms import technical_errors

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
    "roll_call": ("session", "session_id"),
    "headcount": ("session", "session_id"),
    "motion": ("event", "event_id"),
    "election": ("event", "event_id"),
    "candidate": ("election", "election_id"),
    "vote": ("event", "event_id"),
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
# Natural keys: an import reuses an existing row with the same key instead of duplicating it
# (the first key that matches wins).
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "category": ("slug",),
    "tag": ("slug",),
    "user_account": ("email",),
    "person": ("uid", "email"),
    "venue": ("uid",),
    "room": ("uid",),
    "organization": ("uid",),
}
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


# ---- the import: every row checked like an API write, then inserted in bulk -----------------

# The API's input schema of each table: an imported row passes the same checks (types, enums,
# lengths, languages, time zones); columns the schema does not know are checked by their type.
ROW_SCHEMAS: dict[str, type[Schema]] = {
    "event": EventCreate,
    "venue": VenueCreate,
    "room": RoomCreate,
    "organization": OrganizationCreate,
    "person": PersonCreate,
    "position": PositionCreate,
    "session": SessionCreate,
    "presidium_seat": PresidiumSeatCreate,
    "agenda_item": AgendaItemCreate,
    "speech": SpeechCreate,
    "speech_speaker": SpeakerIn,
    "award": AwardCreate,
    "gift": GiftCreate,
    "delegation": DelegationCreate,
    "participant": ParticipantCreate,
    "attendance": AttendanceCreate,
    "media_item": MediaItemCreate,
    "category": CategoryCreate,
    "tag": TagCreate,
    "record": RecordCreate,
    "comment": CommentCreate,
    "user_account": UserCreate,
    "motion": MotionCreate,
    "election": ElectionCreate,
    "headcount": HeadcountCreate,
    "roll_call": RollCallRow,
    "vote": VoteRow,
}


def _remap_json(table: str, row: dict[str, Any], new_ids: dict[str, dict[int, int]]) -> None:
    """Ids inside JSON columns (a vote's delegations and candidates), rewritten like the
    foreign keys."""

    def new(kind: str, old: Any) -> int:
        found = new_ids[kind].get(int(old))
        if found is None:
            raise Invalid.field(table, f"names {kind.replace('_', ' ')} {old}, not in the file")
        return found

    if table == "roll_call":
        row["by_delegation"] = [
            {**entry, "delegation_id": new("delegation", entry["delegation_id"])}
            for entry in row["by_delegation"]
        ]
    elif table == "vote":
        if row.get("breakdown"):
            row["breakdown"] = [
                {**entry, "delegation_id": new("delegation", entry["delegation_id"])}
                for entry in row["breakdown"]
            ]
        if row.get("tally"):
            row["tally"] = {
                str(new("candidate", key)): votes for key, votes in row["tally"].items()
            }
        if row.get("elected"):
            row["elected"] = [new("candidate", candidate) for candidate in row["elected"]]


# The same pairs the services keep in order (and the database's CHECK constraints).
ORDERED = (
    ("start_date", "end_date"),
    ("registration_opens_at", "registration_closes_at"),
    ("planned_start", "planned_end"),
    ("actual_start", "actual_end"),
)
# A storage key as the export writes it: relative, no "..", outside the thumbnails' folder.
EXPORTED_KEY = re.compile(
    r"^(?!thumbs/)[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$"
)
# Refusals listed in one answer, at most (a broken file can have thousands).
MAX_ERRORS = 50


def _is_datetime(column: Column[Any]) -> bool:
    kind = column.type
    return isinstance(kind, DateTime) or isinstance(getattr(kind, "impl", None), DateTime)


def _require_complete_model() -> None:
    """Refuse to work on a partial model: tables it does not know would be lost silently."""
    missing = ({"event"} | set(OWNED) | set(SHARED)) - set(metadata.tables)
    if missing:
        raise RuntimeError(f"the models of {', '.join(sorted(missing))} are not loaded")


def _column_field(column: Column[Any]) -> tuple[Any, Any]:
    """A pydantic field for a column that the table's API schema does not have."""
    kind = column.type
    annotation: Any
    if isinstance(kind, Enum) and kind.enum_class is not None:
        annotation = kind.enum_class
    elif isinstance(kind, Boolean):
        annotation = bool
    elif _is_datetime(column):
        annotation = AwareDatetime
    elif isinstance(kind, Date):
        annotation = dt.date
    elif isinstance(kind, Integer):
        bound = MAX_ID if isinstance(kind, BigInteger) else MAX_INT
        annotation = Annotated[int, Field(ge=1 if column.primary_key else -bound, le=bound)]
    elif isinstance(kind, String):
        annotation = Annotated[str, Field(max_length=kind.length)]
    else:
        raise TypeError(f"no import rule for {column.table.name}.{column.name} ({kind!r})")
    if column.nullable:
        return annotation | None, None
    default = column.default
    if isinstance(default, ScalarElementColumnDefault):
        return annotation, Field(default=default.arg)
    if isinstance(default, CallableColumnDefault):
        # SQLAlchemy wraps the model's function in one that takes the execution context.
        make: Callable[[Any], Any] = default.arg
        return annotation, Field(default_factory=lambda: make(None))
    return annotation, ...


@functools.cache
def row_schema(name: str) -> type[BaseModel]:
    """The schema an imported row of table ``name`` must pass."""
    table = _table(name)
    base = ROW_SCHEMAS.get(name, Schema)
    fields: dict[str, Any] = {
        column.name: _column_field(column)
        for column in table.columns
        if column.name not in base.model_fields
    }
    # Inputs of the API that are not columns (a speech's speakers are rows of their own).
    for field_name, info in base.model_fields.items():
        if field_name not in table.c and info.is_required():
            fields[field_name] = (Any, None)
    model: type[BaseModel] = create_model(f"{base.__name__}Row", __base__=base, **fields)
    return model


def _columns_of(table: Table) -> list[str]:
    return list(USER_COLUMNS) if table.name == "user_account" else [c.name for c in table.columns]


def _fits(column: Column[Any], value: Any) -> str | None:
    """Why ``value`` does not fit the column (PostgreSQL refuses what SQLite would keep)."""
    length = getattr(column.type, "length", None)
    if isinstance(value, str) and length is not None and len(value) > length:
        return f"String should have at most {length} characters"
    if isinstance(value, int) and not isinstance(value, bool) and isinstance(column.type, Integer):
        bound = MAX_ID if isinstance(column.type, BigInteger) else MAX_INT
        if not -bound <= value <= bound:
            return f"Input should be between {-bound} and {bound}"
    return None


def _validate_rows(tables: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every row checked and normalised like an API write; Invalid names each bad field as
    ``table[index].field``."""
    checked: dict[str, list[dict[str, Any]]] = {}
    errors: list[FieldError] = []
    for name, table_rows in tables.items():
        if not isinstance(table_rows, list):
            errors.append(FieldError(name, "must be a list of rows"))
            continue
        table = _table(name)
        allowed = set(_columns_of(table))
        schema = row_schema(name)
        out = checked[name] = []
        for index, row in enumerate(table_rows):
            where = f"{name}[{index}]"
            if not isinstance(row, dict):
                errors.append(FieldError(where, "must be an object of column values"))
                continue
            unknown = [key for key in row if key not in allowed]
            errors += [
                FieldError(f"{where}.{key}", "not a column of this table") for key in unknown
            ]
            if unknown:
                continue
            try:
                values = schema.model_validate(row).model_dump()
            except ValidationError as exc:
                errors += [
                    FieldError(f"{where}.{field}", message)
                    for field, message in technical_errors(exc).items()
                ]
                continue
            values = {key: values[key] for key in allowed if key in values}
            for column in table.columns:
                if column.name not in values:
                    continue
                problem = _fits(column, values[column.name])
                if problem is None and values[column.name] is None and not column.nullable:
                    problem = "Field required"
                if problem:
                    errors.append(FieldError(f"{where}.{column.name}", problem))
            try:
                for start, end in ORDERED:
                    require_order(values, start, end)
            except Invalid as exc:
                errors += [FieldError(f"{where}.{e.field}", e.message) for e in exc.errors]
            if "uid" in values:
                try:
                    values["uid"] = str(uuid.UUID(str(values["uid"])))
                except ValueError:
                    errors.append(FieldError(f"{where}.uid", "not a UUID"))
            if name == "record":
                values["body"] = {
                    lang: sanitize_html(html) for lang, html in values["body"].items()
                }
            if name == "person" and values.get("photo_key") is not None:
                errors.append(
                    FieldError(f"{where}.photo_key", "an export does not carry people's photos")
                )
            out.append(values)
    if errors:
        raise _refusal(errors)
    return checked


def _refusal(errors: list[FieldError]) -> Invalid:
    shown = "; ".join(f"{error.field}: {error.message}" for error in errors[:3])
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return Invalid(f"nothing was imported: {shown}{more}", errors[:MAX_ERRORS])


def _check_references(rows: dict[str, list[dict[str, Any]]]) -> None:
    """Every reference points at a row of the import (a nullable one may point at a table that
    a public export leaves out: it is cleared)."""
    ids: dict[str, set[int]] = defaultdict(set)
    errors = []
    for name, table_rows in rows.items():
        for index, row in enumerate(table_rows):
            if "id" not in row:
                break
            if row["id"] in ids[name]:
                errors.append(FieldError(f"{name}[{index}].id", "another row has this id"))
            ids[name].add(row["id"])
    for name, table_rows in rows.items():
        for fk in _table(name).foreign_keys:
            column, target = fk.parent, fk.column.table.name
            for index, row in enumerate(table_rows):
                value = row.get(column.name)
                if value is None or value in ids.get(target, ()):
                    continue
                if target not in rows and column.nullable:
                    row[column.name] = None
                else:
                    message = f"no {target} with id {value} in the import"
                    errors.append(FieldError(f"{name}[{index}].{column.name}", message))
    if errors:
        raise _refusal(errors)


async def _photos(
    media_rows: list[dict[str, Any]], files: dict[str, bytes] | None, event_slug: str
) -> dict[str, Photo]:
    """Each photo of the import decoded and re-encoded as an upload is, under a new key (the
    keys of the file are only names inside the archive); rows are changed to match."""
    from anyio import to_thread

    if media_rows and files is None:
        message = (
            f"the export names {len(media_rows)} photos, whose files only a ZIP export carries: "
            "export the event as .zip and import that"
        )
        raise _refusal([FieldError("media_item", message)])
    photos: dict[str, Photo] = {}
    errors = []
    for index, row in enumerate(media_rows):
        where = f"media_item[{index}].storage_key"
        key = row["storage_key"]
        if not EXPORTED_KEY.match(key) or ".." in key.split("/"):
            errors.append(FieldError(where, f"{key!r} is not a storage key of an export"))
            continue
        content = (files or {}).get(key)
        if content is None:
            errors.append(FieldError(where, f"the archive holds no file {ARCHIVE_MEDIA}{key}"))
            continue
        try:
            photo = await to_thread.run_sync(process_photo, content)
        except Invalid as exc:
            errors.append(FieldError(where, f"{ARCHIVE_MEDIA}{key}: {exc.errors[0].message}"))
            continue
        new = new_key(event_slug)
        photos[new] = photo
        row.update(
            storage_key=new,
            content_type=photo.content_type,
            size=len(photo.data),
            width=photo.width,
            height=photo.height,
        )
    if errors:
        raise _refusal(errors)
    return photos


def _envelope(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Invalid.field("format", f"not a {FORMAT} export")
    if data.get("version") != FORMAT_VERSION:
        raise Invalid.field("version", f"version {data.get('version')!r} is not {FORMAT_VERSION}")
    tables = data.get("tables")
    if not isinstance(tables, dict) or len(tables.get("event") or []) != 1:
        raise Invalid.field("event", "an export holds exactly one event")
    unknown = sorted(set(tables) - set(OWNED) - set(SHARED) - {"event"})
    if unknown:
        raise Invalid.field("tables", f"tables this version cannot import: {', '.join(unknown)}")
    return tables


async def import_event(
    db: AsyncSession,
    data: Any,
    *,
    files: dict[str, bytes] | None = None,
    storage: MediaStorage | None = None,
    user: User | None = None,
    copy: bool = False,
    check_only: bool = False,
    job: str | None = None,
) -> int:
    """Insert an exported event with new ids (and its photos, given the archive's ``files`` and
    the ``storage`` to keep them in); returns the new event id.

    Every row is checked first, as the API checks a write; anything wrong refuses the whole
    import (Invalid naming ``table[index].field``) before a row is written. The rows keep their
    statuses and times, and are written in the caller's transaction with one audit entry; the
    photos are stored once the rows are in, under new keys.

    An event whose identifiers (uids) this database holds already is refused (Conflict naming
    it); with ``copy``, the event's own rows get new uids and the event a free slug.

    ``check_only`` does every check and writes nothing (returns 0): the request that receives
    a file answers its refusal at once, and a job writes it. ``job`` names that job in the
    audit entry written with the rows (see :func:`finished_import`)."""
    from anyio import to_thread

    _require_complete_model()
    # Checking thousands of rows is CPU work: not on the server's event loop.
    rows = await to_thread.run_sync(_validate_rows, _envelope(data))
    _check_references(rows)
    event_table = _table("event")
    if copy:
        for name, table_rows in rows.items():
            if (name == "event" or name in OWNED) and "uid" in _table(name).c:
                for row in table_rows:
                    row["uid"] = new_uid()
        rows["event"][0]["slug"] = await _free_slug(db, rows["event"][0]["slug"])
    slug = rows["event"][0]["slug"]
    # A broken file is refused as such (422) before it is compared with this database (409).
    photos = await _photos(rows.get("media_item", []), files, slug)
    if not copy:
        await _refuse_known_identifiers(db, rows)
    if await db.scalar(select(event_table.c.id).where(event_table.c.slug == slug)) is not None:
        raise Conflict(
            f"an event with the slug {slug!r} exists already",
            [FieldError("event[0].slug", "another event already has this slug")],
        )
    if check_only:
        return 0
    new_ids: dict[str, dict[int, int]] = defaultdict(dict)
    try:
        for table in metadata.sorted_tables:
            if rows.get(table.name):
                await _insert(db, table, rows[table.name], new_ids)
        await db.flush()
    except IntegrityError as exc:
        raise integrity_conflict(exc) from None
    event_id = new_ids["event"][rows["event"][0]["id"]]
    db.add(
        AuditEntry(
            user_id=user.id if user is not None else None,
            action=AuditAction.CREATE,
            entity="event",
            entity_id=event_id,
            event_id=event_id,
            after={
                "imported": {name: len(table_rows) for name, table_rows in rows.items()},
                "photos": len(photos),
                "generator": str(data.get("generator", ""))[:100],
                **({"job": job} if job is not None else {}),
            },
        )
    )
    await db.flush()
    if photos:
        assert storage is not None
        for key, photo in photos.items():
            await to_thread.run_sync(storage.save, key, photo.data)
            await to_thread.run_sync(storage.save, thumbnail_key(key), photo.thumbnail)
    return event_id


async def finished_import(db: AsyncSession, job: str) -> int | None:
    """The id of the event that the import job ``job`` wrote, or None if it wrote none."""
    event = _table("event")
    entries = await db.execute(
        select(AuditEntry.entity_id, AuditEntry.after)
        .join(event, event.c.id == AuditEntry.entity_id)  # an event deleted since may come again
        .where(AuditEntry.entity == "event", AuditEntry.action == AuditAction.CREATE)
    )
    for event_id, after in entries.tuples():
        if after and after.get("job") == job:
            return int(event_id)
    return None


async def _free_slug(db: AsyncSession, slug: str) -> str:
    """``slug`` if no event has it, else the first free ``slug-copy``, ``slug-copy-2``, …"""
    event = _table("event")
    taken = set(
        (
            await db.scalars(
                select(event.c.slug).where(
                    (event.c.slug == slug) | event.c.slug.startswith(f"{slug[:90]}-copy")
                )
            )
        ).all()
    )
    if slug not in taken:
        return slug
    for number in range(1, len(taken) + 2):
        candidate = f"{slug[:90]}-copy" + (f"-{number}" if number > 1 else "")
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


async def _refuse_known_identifiers(
    db: AsyncSession, rows: dict[str, list[dict[str, Any]]]
) -> None:
    """Conflict, naming the event that holds them, when the event's own rows (the event, its
    sessions, speeches, …) have identifiers that this database holds already."""
    event = _table("event")
    for name in ("event", *OWNED):
        table = _table(name)
        if "uid" not in table.c or not rows.get(name):
            continue
        wanted = [row["uid"] for row in rows[name]]
        found = (
            await db.execute(select(table.c.uid, table.c.id).where(table.c.uid.in_(wanted)))
        ).first()
        if found is None:
            continue
        index = wanted.index(found.uid)
        owner = await db.execute(
            select(event.c.slug, event.c.name).where(
                event.c.id == await _event_of(db, name, found.id)
            )
        )
        slug, names = owner.one()
        title = next(iter(names.values()), slug) if isinstance(names, dict) and names else slug
        imported = rows["event"][0]
        raise Conflict(
            f"this database already holds the event {imported['slug']!r} of this file: its "
            f"{name} {found.uid} belongs to the event {title!r} ({slug}); import the file as a "
            "copy (congress import --copy, or ?copy=true) to give the copy new identifiers",
            [FieldError(f"{name}[{index}].uid", f"already used by the event {slug!r}")],
        )


async def _event_of(db: AsyncSession, name: str, row_id: int) -> int:
    """The id of the event that the row ``row_id`` of table ``name`` belongs to."""
    while name != "event":
        parent, column = OWNED[name]
        table = _table(name)
        parent_id = await db.scalar(select(table.c[column]).where(table.c.id == row_id))
        assert parent_id is not None  # a NOT NULL column
        row_id, name = parent_id, parent
    return row_id


async def _insert(
    db: AsyncSession,
    table: Table,
    table_rows: list[dict[str, Any]],
    new_ids: dict[str, dict[int, int]],
) -> None:
    """The rows of one table in one statement, their references rewritten to the new ids."""
    pending = table_rows
    for key in NATURAL_KEYS.get(table.name, ()):
        wanted = {row[key] for row in pending if row.get(key) is not None}
        existing = dict(
            (await db.execute(select(table.c[key], table.c.id).where(table.c[key].in_(wanted))))
            .tuples()
            .all()
        )
        for row in pending:
            if row.get(key) in existing:
                new_ids[table.name][row["id"]] = existing[row[key]]
        pending = [row for row in pending if row.get(key) not in existing]
    if not pending:
        return
    if table.name == "participant":
        # The same event imported twice here: its tickets keep their codes in the first copy.
        wanted = {row["qr_token"] for row in pending}
        taken = set(
            (await db.scalars(select(table.c.qr_token).where(table.c.qr_token.in_(wanted)))).all()
        )
        for row in pending:
            if row["qr_token"] in taken:
                row["qr_token"] = new_qr_token()
            if not row.get("short_code"):  # an export made before short codes existed
                row["short_code"] = new_short_code()
    self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    values = []
    for row in pending:
        out = {name: value for name, value in row.items() if name != "id"}
        for fk in table.foreign_keys:
            name, target = fk.parent.name, fk.column.table
            if target is table:
                out[name] = None
            elif out[name] is not None:
                out[name] = new_ids[target.name][out[name]]
        _remap_json(table.name, out, new_ids)
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
    # A row inside another of the same table (an organization's parent): set once both exist,
    # keeping the exported update time.
    for name in self_refs:
        for row in pending:
            if row.get(name) is not None:
                own = new_ids[table.name]
                await db.execute(
                    update(table)
                    .where(table.c.id == own[row["id"]])
                    .values({name: own[row[name]], "updated_at": row["updated_at"]})
                )


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
    """The export and the photos of an archive made by :func:`write_archive`, by the storage
    key the export names them with. Only the originals are taken: an import makes its own
    thumbnails, and any other file in the archive is ignored."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if ARCHIVE_DATA not in names:
                raise Invalid.field("archive", f"the archive holds no {ARCHIVE_DATA}")
            if sum(info.file_size for info in archive.infolist()) > MAX_ARCHIVE_BYTES:
                raise Invalid.field("archive", "the archive unpacks to more than 2 GB")
            data = json.loads(archive.read(ARCHIVE_DATA))
            tables = data.get("tables") if isinstance(data, dict) else None
            media_rows = tables.get("media_item") if isinstance(tables, dict) else None
            keys = [
                row["storage_key"]
                for row in (media_rows if isinstance(media_rows, list) else [])
                if isinstance(row, dict) and isinstance(row.get("storage_key"), str)
            ]
            files = {
                key: archive.read(ARCHIVE_MEDIA + key)
                for key in keys
                if ARCHIVE_MEDIA + key in names
            }
    # What a damaged or hostile archive raises: bad CRCs, unknown compression, encryption,
    # JSON nested too deep.
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        RuntimeError,
        ValueError,
    ) as exc:
        raise Invalid.field("archive", f"not a readable event archive: {exc}") from None
    return data, files


async def import_archive(
    db: AsyncSession,
    content: bytes,
    storage: MediaStorage,
    user: User | None = None,
    copy: bool = False,
    check_only: bool = False,
    job: str | None = None,
) -> int:
    """Insert an archived event with its photos (see :func:`import_event`)."""
    from anyio import to_thread

    data, files = await to_thread.run_sync(read_archive, content)
    return await import_event(
        db,
        data,
        files=files,
        storage=storage,
        user=user,
        copy=copy,
        check_only=check_only,
        job=job,
    )
