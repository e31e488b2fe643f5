"""`congress participants import EVENT FILE [--check]`: the staff import page, from the shell.

The same check and the same single transaction as the page: every row is checked first, every
bad row is listed with its line number, and nothing is imported unless the whole file is good.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from congress.commandline import CommandError, database, prepare_database, run
from congress.settings import Settings


async def _import(settings: Settings, ref: str, name: str, content: bytes, check_only: bool) -> Any:
    """Check the file, then (unless ``check_only``) write it with the import job, run here."""
    from congress.documents.jobs import drop_upload, run_here, stage_upload
    from congress.domain.accounts.services import command_line_user
    from congress.domain.events.services import EventService
    from congress.domain.registration.importers import (
        ImportRejected,
        check_participants,
        finished_import,
    )
    from congress.domain.registration.jobs import UPLOADS, import_key, participants_import_job
    from congress.errors import ProblemError

    async with database(settings) as db:
        # The command line is run by the operator (its audit entries name no user).
        operator = command_line_user()
        try:
            event = await EventService(db, operator).resolve(ref)
            slug, event_id = event.slug, event.id
            report = await check_participants(db, operator, event, name, content)
            await db.rollback()
            if check_only:
                return slug, report
            digest = stage_upload(settings, UPLOADS, content)
            key = import_key(event_id, digest)
            if await finished_import(db, event_id, key) is not None:
                # The same file, into the same event: imported once (see the import job).
                drop_upload(settings, UPLOADS, digest)
                raise CommandError(f"{name} was imported into {slug} already; nothing imported")
            engine = db.bind
            await run_here(
                settings,
                engine,  # type: ignore[arg-type]
                participants_import_job,
                key,
                event_id=event_id,
                digest=digest,
                filename=name,
            )
            written = await finished_import(db, event_id, key)
            assert written is not None
        except ImportRejected as exc:
            await db.rollback()
            for error in exc.report.errors:
                print(f"{name}:{error.line}: {error.message}", file=sys.stderr)
            raise CommandError(f"{exc.detail} (listed above)") from None
        except ProblemError as exc:
            await db.rollback()
            raise CommandError(exc.detail) from None
        return slug, written


def cmd_import_participants(args: argparse.Namespace, settings: Settings) -> None:

    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
    prepare_database(settings)
    started = time.perf_counter()
    slug, report = run(_import, settings, args.event, path.name, content, args.check)
    seconds = time.perf_counter() - started
    created = (
        f", {report.created_organizations} new organizations"
        if report.created_organizations
        else ""
    )
    if args.check:
        print(
            f"{path.name}: all {report.rows} rows are good ({report.layout} layout); nothing imported"
        )
    else:
        print(
            f"imported {report.imported} participants into {slug} from {path.name}"
            f" ({report.layout} layout{created}) in {seconds:.1f} s"
        )


def add_commands(commands: Any) -> None:
    participants = commands.add_parser("participants", help="participants of an event")
    actions = participants.add_subparsers(dest="action", required=True, metavar="ACTION")
    load = actions.add_parser(
        "import",
        help="import participants from CSV or XLSX (Indico's 6 columns, or ours with a header)",
    )
    load.add_argument("event", help="the event's id or slug")
    load.add_argument("file", help="a .csv or .xlsx file")
    load.add_argument(
        "--check", action="store_true", help="check every row and report; import nothing"
    )
    load.set_defaults(handler=cmd_import_participants)
