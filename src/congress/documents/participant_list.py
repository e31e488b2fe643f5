"""The attendance list: every registered participant on numbered, signable rows.

Rows have a fixed height and each page is its own small table (with its header), so layout cost
grows linearly with the number of participants, and long lists are laid out in parts on all
workers (:mod:`congress.documents.assemble`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from congress.documents.assemble import Assembled, Metadata, Part, Progress, assemble
from congress.documents.content import _Reader, require_language
from congress.documents.labels import label
from congress.documents.render import BASE_CSS, worker_count
from congress.domain.events.models import Event
from congress.domain.people.models import Position
from congress.domain.registration.enums import ParticipantStatus
from congress.domain.registration.models import Participant
from congress.settings import Settings

TEMPLATE = "print/participant_list.html"
STYLESHEETS = (BASE_CSS, "print/participant_list.css")
ROWS_PER_PAGE = 28
PAGES_PER_PART = 20


@dataclass(slots=True)
class Row:
    number: int
    name: str
    sort_key: str
    delegation: str
    affiliation: str
    category: str
    badge: str


@dataclass(slots=True)
class ParticipantList:
    lang: str
    event_name: str
    dates: str
    rows: list[Row]

    @property
    def metadata(self) -> Metadata:
        return Metadata(
            f"{self.event_name} — {label('attendance_list', self.lang)}", self.event_name, self.lang
        )

    def pages(self) -> list[list[Row]]:
        return [
            self.rows[start : start + ROWS_PER_PAGE]
            for start in range(0, len(self.rows), ROWS_PER_PAGE)
        ] or [[]]


async def load_participant_list(db: AsyncSession, event: Event, lang: str) -> ParticipantList:
    reader = _Reader(event, require_language(event, lang))
    statement = (
        select(Participant)
        .where(Participant.event_id == event.id, Participant.status != ParticipantStatus.CANCELLED)
        .options(
            selectinload(Participant.person),
            selectinload(Participant.delegation),
            selectinload(Participant.organization),
            selectinload(Participant.position).selectinload(Position.organization),
        )
    )
    rows = [
        Row(
            0,
            reader.name(participant.person),
            reader.sort_key(participant.person),
            reader.text(participant.delegation.name) if participant.delegation else "",
            reader.position(participant.position)
            or (reader.text(participant.organization.name) if participant.organization else ""),
            label(f"cat_{participant.category.value}", lang),
            participant.badge_number or "",
        )
        for participant in (await db.scalars(statement)).all()
    ]
    rows.sort(key=lambda row: row.sort_key)
    for number, row in enumerate(rows, 1):
        row.number = number
    first, last = event.start_date, event.end_date
    dates = reader.date(first) if first == last else f"{reader.date(first)} – {reader.date(last)}"
    return ParticipantList(lang, reader.text(event.name), dates, rows)


def participant_list_pdf(
    doc: ParticipantList, settings: Settings, *, progress: Progress | None = None
) -> Assembled:
    pages = doc.pages()
    per_part = max(1, min(PAGES_PER_PART, -(-len(pages) // max(1, worker_count()))))
    parts = [
        Part(
            {
                "lang": doc.lang,
                "title": doc.metadata.title,
                "author": doc.metadata.author,
                "doc": doc,
                "pages": pages[start : start + per_part],
            },
            weight=len(pages[start : start + per_part]),
        )
        for start in range(0, len(pages), per_part)
    ]
    return assemble(
        TEMPLATE,
        parts,
        metadata=doc.metadata,
        settings=settings,
        stylesheets=STYLESHEETS,
        unnumbered_pages=frozenset(),
        progress=progress,
    )
