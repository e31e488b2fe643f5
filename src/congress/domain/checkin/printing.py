"""Attendance lists and sign-in sheets as PDF (the `congress print attendance` command and the
staff pages both call :func:`attendance_pdf`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from congress.documents import PdfResult, render_html, render_pdf_async
from congress.documents.labels import label
from congress.domain.checkin.exporters import Grouping, ListSpec, Row, stream_rows
from congress.settings import Settings, get_settings
from congress.translation import text

# Rows per table: about a page of a sign-in sheet. Many short tables lay out far faster in
# WeasyPrint than one long one (its table layout cost grows with the pages a table spans).
ROWS_PER_TABLE = 40


@dataclass
class Group:
    name: str
    count: int = 0
    chunks: list[list[tuple[int, Row]]] = field(default_factory=list)


async def attendance_pdf(
    engine: AsyncEngine,
    spec: ListSpec,
    *,
    signature: bool = True,
    settings: Settings | None = None,
) -> PdfResult:
    """The list of ``spec`` as a PDF; with ``signature``, a column to sign in (a sign-in sheet).

    The rows are read on their own connection and the layout runs in a worker process.
    """
    settings = settings or get_settings()
    groups: list[Group] = []
    number = 0
    async for rows in stream_rows(engine, spec):
        for row in rows:
            if not groups or groups[-1].name != row.group:
                groups.append(Group(row.group))
            group = groups[-1]
            if not group.chunks or len(group.chunks[-1]) >= ROWS_PER_TABLE:
                group.chunks.append([])
            number += 1
            group.count += 1
            group.chunks[-1].append((number, row))
    lang = spec.language
    event_name = text(spec.event.name, lang, spec.event.languages)
    session_name = (
        text(spec.session.title, lang, spec.event.languages) if spec.session is not None else ""
    )
    doc: dict[str, Any] = {
        "title": label("attendance_list", lang),
        "event_name": event_name,
        "session_name": session_name,
        "total": number,
        "printed": label("generated", lang, date=dt.date.today().isoformat()),
        "groups": groups,
        "signature": signature,
        "show_delegation": spec.group_by is not Grouping.DELEGATION,
        "show_category": spec.group_by is not Grouping.CATEGORY,
        # A session's list shows the states recorded so far; a sign-in sheet leaves it to ink.
        "show_presence": spec.session is not None and not signature,
        "presence_label": "Presence",
        "wide": spec.group_by is Grouping.NONE and signature,
        "empty": "Nobody is on this list."
        if not spec.consenting_only
        else label("nobody_consented", lang),
    }
    html = render_html(
        "print/attendance.html",
        {"doc": doc, "lang": lang, "title": f"{doc['title']}: {event_name}", "author": ""},
        settings=settings,
    )
    return await render_pdf_async(html, settings)
