"""Badges as PDF: A4 sheets of eight (to cut) or ID-1 cards (card printers), for one
participant, a delegation or everyone."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

import segno
from sqlalchemy.ext.asyncio import AsyncSession

from congress.documents import PdfResult, render_html, render_pdf_async
from congress.documents.fonts import fitting_size
from congress.domain.events.models import Event
from congress.domain.people.models import Person
from congress.domain.people.services import person_name
from congress.domain.registration.enums import (
    CATEGORY_LABELS,
    ParticipantCategory,
    ParticipantStatus,
)
from congress.domain.registration.models import Delegation, Participant, grouped_short_code
from congress.domain.registration.queries import name_order, participant_query
from congress.errors import NotFound
from congress.messages import gettext_in
from congress.settings import Settings, get_settings
from congress.translation import text

CATEGORY_COLOURS = {
    ParticipantCategory.MEMBER: "#1d5bbf",
    ParticipantCategory.CANDIDATE_MEMBER: "#6a4bc4",
    ParticipantCategory.DELEGATE: "#17723d",
    ParticipantCategory.GUEST: "#b26b00",
    ParticipantCategory.OBSERVER: "#b42318",
    ParticipantCategory.STAFF: "#333333",
}


class BadgeLayout(enum.StrEnum):
    A4 = "a4"  # eight 90 × 65 mm badges per A4 sheet
    CARD = "card"  # ID-1 (85.6 × 54 mm), one per page


@dataclass(frozen=True, slots=True)
class Geometry:
    """Where badges sit: ``columns`` × ``rows`` of ``width`` × ``height`` mm on a page of
    ``page`` mm, the grid centred; names in a box ``name_width`` mm wide."""

    page: tuple[float, float]
    columns: int
    rows: int
    width: float
    height: float
    name_width: float
    name_size: float  # pt, the largest
    name_floor: float  # pt, the smallest before names wrap (between words only)
    cut_marks: bool

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def left(self) -> float:
        return (self.page[0] - self.columns * self.width) / 2

    @property
    def top(self) -> float:
        return (self.page[1] - self.rows * self.height) / 2


GEOMETRY = {
    BadgeLayout.A4: Geometry((210, 297), 2, 4, 90, 65, 90 - 4 - 30, 15, 9, True),
    BadgeLayout.CARD: Geometry((85.6, 54), 1, 1, 85.6, 54, 85.6 - 4 - 25, 12, 8, False),
}
# The fonts a badge's name is set in (print/badges.html), as fontconfig names them.
NAME_FONTS = ("DejaVu Sans:bold", "Noto Sans CJK SC:bold")


async def badge_holders(
    db: AsyncSession,
    event: Event,
    participant_id: int | None = None,
    delegation_id: int | None = None,
    status: ParticipantStatus | None = None,
) -> list[Participant]:
    """Who gets a badge: everyone not cancelled (or everyone of one ``status``), of a
    delegation, or one participant."""
    statement = (
        participant_query()
        .join(Person, Person.id == Participant.person_id)
        .outerjoin(Delegation, Delegation.id == Participant.delegation_id)
        .where(Participant.event_id == event.id)
    )
    if participant_id is not None:
        statement = statement.where(Participant.id == participant_id)
    elif status is not None:
        statement = statement.where(Participant.status == status)
    else:
        statement = statement.where(Participant.status != ParticipantStatus.CANCELLED)
    if delegation_id is not None:
        statement = statement.where(Participant.delegation_id == delegation_id)
    statement = statement.order_by(
        Delegation.id.is_(None), Delegation.id, *name_order(event), Participant.id
    )
    holders = list((await db.execute(statement)).unique().scalars())
    if participant_id is not None and not holders:
        raise NotFound(f"no participant with id {participant_id} at this event")
    return holders


def badge(event: Event, participant: Participant, lang: str, geometry: Geometry) -> dict[str, Any]:
    languages = event.languages
    name = person_name(participant.person, lang, languages)
    return {
        "name": name,
        # As large as fits two lines of the box, broken between words only; from the floor
        # down, more lines (still between words).
        "name_size": fitting_size(
            name,
            width_mm=geometry.name_width,
            largest_pt=geometry.name_size,
            smallest_pt=geometry.name_floor,
            max_lines=2,
            fonts=NAME_FONTS,
        ),
        "organization": text(participant.organization.name, lang, languages)
        if participant.organization
        else "",
        "delegation": text(participant.delegation.name, lang, languages)
        if participant.delegation
        else "",
        "category": gettext_in(lang, CATEGORY_LABELS[participant.category]),
        "colour": CATEGORY_COLOURS[participant.category],
        "number": participant.badge_number or "",
        # A PNG lays out far faster than an SVG (hundreds per sheet); 8 px a module gives
        # about 250 dpi at the printed size, drawn without smoothing.
        "qr": segno.make(participant.qr_token, error="m").png_data_uri(scale=8, border=1),
        "code": grouped_short_code(participant.short_code),
    }


async def badges_pdf(
    db: AsyncSession,
    event: Event,
    *,
    participant_id: int | None = None,
    delegation_id: int | None = None,
    status: ParticipantStatus | None = None,
    layout: BadgeLayout = BadgeLayout.A4,
    lang: str = "",
    settings: Settings | None = None,
) -> PdfResult:
    settings = settings or get_settings()
    lang = lang or event.primary_language
    holders = await badge_holders(db, event, participant_id, delegation_id, status)
    geometry = GEOMETRY[layout]
    badges = [badge(event, participant, lang, geometry) for participant in holders]
    # Explicit pages (WeasyPrint does not split a wrapping flex box across pages).
    per_page = geometry.per_page
    pages = [badges[start : start + per_page] for start in range(0, len(badges), per_page)]
    event_name = text(event.name, lang, event.languages)
    html = render_html(
        "print/badges.html",
        {
            "pages": pages,
            "layout": layout.value,
            "g": geometry,
            "event_name": event_name,
            "lang": lang,
            "title": f"Badges: {event_name}",
            "author": "",
        },
        settings=settings,
    )
    return await render_pdf_async(html, settings)
