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
    from congress.domain.accounts.services import command_line_user
    from congress.domain.events.services import EventService
    from congress.domain.registration.importers import ImportRejected, import_participants
    from congress.errors import ProblemError

    async with database(settings) as db:
        # The command line is run by the operator (its audit entries name no user).
        operator = command_line_user()
        try:
            event = await EventService(db, operator).resolve(ref)
            slug = event.slug
            report = await import_participants(db, operator, event, name, content)
        except ImportRejected as exc:
            await db.rollback()
            for error in exc.report.errors:
                print(f"{name}:{error.line}: {error.message}", file=sys.stderr)
            raise CommandError(f"{exc.detail} (listed above)") from None
        except ProblemError as exc:
            await db.rollback()
            raise CommandError(exc.detail) from None
        if check_only:
            await db.rollback()
        else:
            await db.commit()
        return slug, report


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
