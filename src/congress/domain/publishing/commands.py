"""`congress export EVENT -o FILE` and `congress import FILE`: one event as a JSON file, or
with its photos as a ZIP archive when FILE ends in .zip."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from congress.commandline import CommandError, database, prepare_database, run
from congress.settings import Settings


async def _export(settings: Settings, ref: str, public: bool) -> dict[str, Any]:
    from congress.domain.events.services import EventService
    from congress.domain.publishing.archive import export_event
    from congress.errors import NotFound

    async with database(settings) as db:
        try:
            event = (
                await EventService(db, None).resolve(ref) if public else await _any_event(db, ref)
            )
        except NotFound as exc:
            raise CommandError(str(exc)) from None
        return await export_event(db, event, public=public)


async def _any_event(db: Any, ref: str) -> Any:
    from sqlalchemy import select

    from congress.domain.events.models import Event
    from congress.errors import NotFound

    column = Event.id if ref.isdigit() else Event.slug
    event = (
        await db.scalars(select(Event).where(column == (int(ref) if ref.isdigit() else ref)))
    ).first()
    if event is None:
        raise NotFound(f"no event {ref!r}")
    return event


def cmd_export(args: argparse.Namespace, settings: Settings) -> None:
    from congress.domain.publishing.archive import media_keys, write_archive
    from congress.storage import storage_for

    prepare_database(settings)
    data = run(_export, settings, args.event, args.public)
    rows = sum(len(rows) for rows in data["tables"].values())
    if args.output.endswith(".zip"):
        archive = write_archive(data, storage_for(settings, "media"))
        Path(args.output).write_bytes(archive)
        files = len(media_keys(data))
        print(
            f"exported {data['event']} ({rows} rows, {files} files) to {args.output}",
            file=sys.stderr,
        )
        return
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if args.output == "-":
        sys.stdout.write(text + "\n")
        return
    Path(args.output).write_text(text + "\n", encoding="utf-8")
    print(f"exported {data['event']} ({rows} rows) to {args.output}", file=sys.stderr)


async def _import(settings: Settings, content: bytes, archive: bool, copy: bool) -> tuple[int, str]:
    """Check the export (JSON) or archive (ZIP), then write it with the import job, run here."""
    from sqlalchemy import select

    from congress.documents.jobs import drop_upload, run_here, stage_upload
    from congress.domain.events.models import Event
    from congress.domain.publishing.archive import finished_import, import_archive, import_event
    from congress.domain.publishing.archive_jobs import UPLOADS, event_import_job, import_key
    from congress.errors import ProblemError
    from congress.storage import storage_for

    async with database(settings) as db:
        try:
            if archive:
                media = storage_for(settings, "media")
                await import_archive(db, content, media, copy=copy, check_only=True)
            else:
                await import_event(db, json.loads(content), copy=copy, check_only=True)
            await db.rollback()
            digest = stage_upload(settings, UPLOADS, content, once=not copy)
            earlier = await finished_import(db, import_key(digest, copy))
            if earlier is not None:
                # The same file makes one event (see the import job); each --copy a new one.
                drop_upload(settings, UPLOADS, digest)
                slug = await db.scalar(select(Event.slug).where(Event.id == earlier))
                raise CommandError(f"this file was imported already, as {slug}; nothing imported")
            event_id = await run_here(
                settings,
                db.bind,  # type: ignore[arg-type]
                event_import_job,
                import_key(digest, copy),
                digest=digest,
                archive=archive,
                copy=copy,
            )
        except ProblemError as exc:
            await db.rollback()
            raise CommandError(exc.detail) from None
        slug = await db.scalar(select(Event.slug).where(Event.id == event_id))
    return event_id, str(slug)


def cmd_import(args: argparse.Namespace, settings: Settings) -> None:

    path = Path(args.file)
    try:
        content = path.read_bytes()
        archive = content[:4] == b"PK\x03\x04"
        if not archive:
            json.loads(content)
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CommandError(f"{path} is not JSON: {exc}") from None
    prepare_database(settings)
    event_id, slug = run(_import, settings, content, archive, args.copy)
    print(f"imported {slug} as event {event_id}")


def add_commands(commands: Any) -> None:
    export = commands.add_parser(
        "export", help="write one event (everything about it) as JSON, or as .zip with its photos"
    )
    export.add_argument("event", help="the event's id or slug")
    export.add_argument("-o", "--output", required=True, help="file to write, - for stdout")
    export.add_argument(
        "--public", action="store_true", help="only what anonymous visitors may see"
    )
    export.set_defaults(handler=cmd_export)
    load = commands.add_parser("import", help="add an event exported with `congress export`")
    load.add_argument("file", help="the JSON file or ZIP archive")
    load.add_argument(
        "--copy",
        action="store_true",
        help="import as a copy: new identifiers (and a free slug) for an event this database holds",
    )
    load.set_defaults(handler=cmd_import)
