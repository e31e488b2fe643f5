"""Attendance lists and sign-in sheets as PDF (the `congress print attendance` command and the
staff pages both call :func:`attendance_pdf`)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from congress.documents import PdfResult, render_html, render_pdf_async
from congress.documents.assemble import Metadata, Part, Progress, assemble
from congress.documents.render import BASE_CSS, worker_count
from congress.domain.checkin.exporters import Grouping, ListSpec, Row, stream_rows
from congress.messages import gettext_in, pgettext_in
from congress.settings import Settings, get_settings
from congress.translation import text

# Rows per table: about a page of a sign-in sheet. Many short tables lay out far faster in
# WeasyPrint than one long one (its table layout cost grows with the pages a table spans).
ROWS_PER_TABLE = 40
# From this many rows the list is laid out in parts on all render workers at once (each part
# starts on a new page; congress.documents.assemble numbers the pages of the whole).
PARALLEL_FROM_ROWS = 400
PARTS_PER_WORKER = 2
TEMPLATE = "print/attendance.html"
# Pads the row numbers: as wide as a digit in the fonts we print with.
FIGURE_SPACE = "\u2007"


@dataclass(frozen=True, slots=True)
class Line:
    """One row of the printed list: two cells of plain text (and the presence of a session's)."""

    # "12." padded with figure spaces to the width of the largest number, so names line up.
    number: str
    name: str
    # Organization, and delegation and category where the list is not grouped by them.
    details: str
    presence: str


@dataclass
class Group:
    name: str
    count: int = 0
    chunks: list[list[Line]] = field(default_factory=list)
    # A group that a part boundary cut: its heading says so.
    continued: bool = False


def split_groups(groups: list[Group], parts: int) -> list[list[Group]]:
    """``groups`` cut into at most ``parts`` runs of about equal rows.

    Every part starts on a new page, so a cut leaves the page before it part-empty: the k-th cut
    falls before the group whose middle passes the k-th share of the rows, or, inside a group
    that goes on for more than half a share after the mark, between two of its tables.
    """
    total = sum(group.count for group in groups)
    share = max(1.0, total / parts)
    runs: list[list[Group]] = [[]]
    done = 0
    for group in groups:
        piece: Group | None = None
        start = done
        for position, chunk in enumerate(group.chunks):
            mark = len(runs) * share
            if position == 0:
                passed = done + group.count / 2 >= mark
            else:
                passed = done >= mark and start + group.count - done > share / 2
            if runs[-1] and passed and len(runs) < parts:
                runs.append([])
                piece = None
            if piece is None:
                piece = Group(group.name, group.count, [], continued=position > 0)
                runs[-1].append(piece)
            piece.chunks.append(chunk)
            done += len(chunk)
    return [run for run in runs if run]


async def attendance_pdf(
    engine: AsyncEngine,
    spec: ListSpec,
    *,
    signature: bool = True,
    settings: Settings | None = None,
    progress: Progress | None = None,
    unnamed: Sequence[tuple[str, int]] = (),
) -> PdfResult:
    """The list of ``spec`` as a PDF; with ``signature``, a column to sign in (a sign-in sheet).
    ``unnamed``: people counted without names, per category (gettext message, count), shown in
    the totals apart from the named participants (the decisions area's headcounts).

    The rows are read on their own connection and the layout runs in a worker process.
    """
    settings = settings or get_settings()
    lang = spec.language
    # The second cell: the organization, and delegation and category where the list is not
    # grouped by them (each a field of Row, with its heading).
    shown = {"organization": gettext_in(lang, "Organization")}
    if spec.group_by is not Grouping.DELEGATION:
        shown["delegation"] = gettext_in(lang, "Delegation")
    if spec.group_by is not Grouping.CATEGORY:
        shown["category"] = gettext_in(lang, "Category")

    def details(row: Row) -> str:
        return " · ".join(value for value in (getattr(row, key) for key in shown) if value)

    rows = [row async for batch in stream_rows(engine, spec) for row in batch]
    total = len(rows)
    width = len(str(total)) + 1
    groups: list[Group] = []
    for number, row in enumerate(rows, start=1):
        if not groups or groups[-1].name != row.group:
            groups.append(Group(row.group))
        group = groups[-1]
        if not group.chunks or len(group.chunks[-1]) >= ROWS_PER_TABLE:
            group.chunks.append([])
        group.count += 1
        numbered = f"{number}.".rjust(width, FIGURE_SPACE)
        group.chunks[-1].append(Line(numbered, row.name, details(row), row.presence))
    event_name = text(spec.event.name, lang, spec.event.languages)
    session_name = (
        text(spec.session.title, lang, spec.event.languages) if spec.session is not None else ""
    )
    doc: dict[str, Any] = {
        "title": gettext_in(lang, "Attendance list"),
        "event_name": event_name,
        "session_name": session_name,
        "total": total,
        "printed": gettext_in(lang, "Printed %(date)s", date=dt.date.today().isoformat()),
        "groups": groups,
        "unnamed": [(gettext_in(lang, label), count) for label, count in unnamed],
        "unnamed_total": sum(count for _, count in unnamed),
        "unnamed_label": gettext_in(lang, "Also present, not registered by name"),
        "signature": signature,
        "details_label": " · ".join(shown.values()),
        # A session's list shows the states recorded so far; a sign-in sheet leaves it to ink.
        "show_presence": spec.session is not None and not signature,
        "presence_label": pgettext_in(lang, "print", "Presence"),
        "wide": spec.group_by is Grouping.NONE and signature,
        "first": True,
        "empty": (
            gettext_in(lang, "No participant has agreed to appear in published lists.")
            if spec.consenting_only
            else pgettext_in(lang, "print", "Nobody is on this list.")
        ),
    }
    title = f"{doc['title']}: {event_name}"
    workers = worker_count()
    if total < PARALLEL_FROM_ROWS or workers < 2:
        html = render_html(
            TEMPLATE, {"doc": doc, "lang": lang, "title": title, "author": ""}, settings=settings
        )
        return await render_pdf_async(html, settings)
    parts = [
        Part(
            {
                "doc": {**doc, "groups": run, "first": index == 0},
                "lang": lang,
                "title": title,
                "author": "",
            },
            weight=sum(len(chunk) for group in run for chunk in group.chunks),
        )
        for index, run in enumerate(split_groups(groups, workers * PARTS_PER_WORKER))
    ]
    assembled = await asyncio.to_thread(
        assemble,
        TEMPLATE,
        parts,
        metadata=Metadata(title, "", lang),
        settings=settings,
        stylesheets=(BASE_CSS,),
        unnumbered_pages=frozenset(),
        progress=progress,
    )
    return PdfResult(assembled.pdf, assembled.pages, {}, ())
