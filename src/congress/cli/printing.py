"""`congress print programme|proceedings|attendance EVENT [--lang L] -o FILE`."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from congress.commandline import CommandError, database, prepare_database
from congress.settings import Settings


class ProgressBar:
    """A one-line progress bar on stderr (plain lines when stderr is not a terminal)."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.monotonic()
        self.last = ""

    def __call__(self, done: int, total: int, stage: str) -> None:
        total = max(total, 1)
        filled = round(self.width * done / total)
        bar = "#" * filled + "-" * (self.width - filled)
        line = (
            f"[{bar}] {100 * done // total:3d}% {stage} ({time.monotonic() - self.started:.0f} s)"
        )
        if self.stream.isatty():
            self.stream.write("\r" + line.ljust(len(self.last)))
            if done >= total:
                self.stream.write("\n")
        elif line.split("(")[0] != self.last.split("(")[0]:
            self.stream.write(line + "\n")
        self.stream.flush()
        self.last = line


async def _load(
    settings: Settings, kind: str, ref: str, lang: str | None, second: str | None
) -> Any:
    from congress.domain.accounts.services import command_line_user
    from congress.domain.publishing.content import require_language
    from congress.domain.publishing.printing import load_proceedings, programme_html
    from congress.domain.publishing.services import public_event

    async with database(settings) as db:
        # The command line is run by the operator: it prints drafts too.
        operator = command_line_user()
        event = await public_event(db, operator, ref)
        lang = require_language(event, lang) if lang else event.primary_language
        if kind == "programme":
            return await programme_html(db, event, lang, second=second, settings=settings)
        return await load_proceedings(db, event, lang)


async def _attendance(settings: Settings, args: argparse.Namespace, progress: Any) -> Any:
    """The attendance list (sign-in sheet) of the event or one session, as the staff page
    prints it (congress.domain.checkin.printing)."""
    from sqlalchemy.ext.asyncio import AsyncEngine

    from congress.domain.accounts.services import command_line_user
    from congress.domain.checkin.exporters import Grouping, ListSpec
    from congress.domain.checkin.printing import attendance_pdf
    from congress.domain.checkin.services import CheckInService
    from congress.domain.decisions.queries import unnamed_counts
    from congress.domain.publishing.content import require_language
    from congress.domain.publishing.services import public_event

    async with database(settings) as db:
        engine = db.bind
        assert isinstance(engine, AsyncEngine)
        operator = command_line_user()
        event = await public_event(db, operator, args.event)
        lang = require_language(event, args.lang) if args.lang else ""
        session = (
            await CheckInService(db, operator).session_of(event, args.session)
            if args.session
            else None
        )
        unnamed = await unnamed_counts(db, event.id, session.id if session else None)
        # The list reads on connections of its own: this session's is given back first.
        await db.close()
        spec = ListSpec(event, session, Grouping(args.group_by), args.consenting, lang)
        return await attendance_pdf(
            engine,
            spec,
            signature=not args.no_signature,
            settings=settings,
            progress=progress,
            unnamed=unnamed,
        )


def cmd_print(args: argparse.Namespace, settings: Settings) -> None:
    from congress.documents.render import render_pdf, warm_up
    from congress.domain.publishing.printing import PROGRAMME_CSS, PROGRAMME_LABELS, proceedings_pdf
    from congress.errors import ProblemError

    output = Path(args.output)
    if output.is_dir():
        raise CommandError(f"{output} is a folder; give a file name, e.g. {output}/document.pdf")
    if not output.parent.exists():
        raise CommandError(f"the folder {output.parent} does not exist")
    progress = ProgressBar()
    progress(0, 1, "starting the render workers")
    warm_up(settings)  # the workers start while the database is checked and read
    prepare_database(settings)
    try:
        if args.document == "attendance":
            result = asyncio.run(_attendance(settings, args, progress))
            pdf, pages = result.pdf, result.pages
            progress(1, 1, "done")
        elif args.document == "proceedings":
            loaded = asyncio.run(_load(settings, args.document, args.event, args.lang, None))
            result = proceedings_pdf(loaded, settings, archive=args.archive, progress=progress)
            pdf, pages = result.pdf, result.pages
        else:
            loaded = asyncio.run(_load(settings, args.document, args.event, args.lang, args.second))
            progress(0, 1, "laying out")
            rendered = render_pdf(
                loaded, settings, stylesheets=PROGRAMME_CSS, page_labels=PROGRAMME_LABELS
            )
            pdf, pages = rendered.pdf, rendered.pages
            progress(1, 1, "done")
    except ProblemError as exc:
        raise CommandError(exc.detail) from None
    output.write_bytes(pdf)
    print(f"{output}: {pages} pages, {len(pdf) // 1024} KiB")


def add_print_command(commands: Any) -> None:
    parser = commands.add_parser(
        "print", help="print the programme, the proceedings or an attendance list as PDF"
    )
    parser.add_argument("document", choices=["programme", "proceedings", "attendance"])
    parser.add_argument("event", metavar="EVENT", help="the event's id or slug")
    parser.add_argument("--lang", help="one of the event's languages (default: its first)")
    parser.add_argument("--second", help="programme only: a second language, printed side by side")
    parser.add_argument(
        "--archive", action="store_true", help="proceedings only: PDF/A-3u for archiving"
    )
    parser.add_argument(
        "--session", type=int, help="attendance only: the list of one session (its id)"
    )
    parser.add_argument(
        "--group-by",
        choices=["delegation", "category", "none"],
        default="delegation",
        help="attendance only: how the rows are grouped (default: delegation)",
    )
    parser.add_argument(
        "--consenting",
        action="store_true",
        help="attendance only: only those who agreed to appear on published lists",
    )
    parser.add_argument(
        "--no-signature",
        action="store_true",
        help="attendance only: a plain list, without the signature column",
    )
    parser.add_argument("-o", "--output", required=True, help="the PDF file to write")
    parser.set_defaults(handler=cmd_print)
