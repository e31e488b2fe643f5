"""Badges as PDF: A4 sheets of eight (to cut) or ID-1 cards (card printers), for one
participant, a delegation or everyone."""

from __future__ import annotations

import enum
from typing import Any

import segno
from sqlalchemy.ext.asyncio import AsyncSession

from congress.documents import PdfResult, render_html, render_pdf_async
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


async def badge_holders(
    db: AsyncSession,
    event: Event,
    participant_id: int | None = None,
    delegation_id: int | None = None,
) -> list[Participant]:
    """Who gets a badge: everyone not cancelled, a delegation, or one participant."""
    statement = (
        participant_query()
        .join(Person, Person.id == Participant.person_id)
        .outerjoin(Delegation, Delegation.id == Participant.delegation_id)
        .where(Participant.event_id == event.id)
    )
    if participant_id is not None:
        statement = statement.where(Participant.id == participant_id)
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


def badge(event: Event, participant: Participant, lang: str) -> dict[str, Any]:
    languages = event.languages
    return {
        "name": person_name(participant.person, lang, languages),
        "organization": text(participant.organization.name, lang, languages)
        if participant.organization
        else "",
        "delegation": text(participant.delegation.name, lang, languages)
        if participant.delegation
        else "",
        "category": gettext_in(lang, CATEGORY_LABELS[participant.category]),
        "colour": CATEGORY_COLOURS[participant.category],
        "number": participant.badge_number or "",
        "qr": segno.make(participant.qr_token, error="m").svg_data_uri(border=1),
        "code": grouped_short_code(participant.short_code),
    }


async def badges_pdf(
    db: AsyncSession,
    event: Event,
    *,
    participant_id: int | None = None,
    delegation_id: int | None = None,
    layout: BadgeLayout = BadgeLayout.A4,
    lang: str = "",
    settings: Settings | None = None,
) -> PdfResult:
    settings = settings or get_settings()
    lang = lang or event.primary_language
    holders = await badge_holders(db, event, participant_id, delegation_id)
    badges = [badge(event, participant, lang) for participant in holders]
    event_name = text(event.name, lang, event.languages)
    html = render_html(
        "print/badges.html",
        {
            "badges": badges,
            "layout": layout.value,
            "event_name": event_name,
            "lang": lang,
            "title": f"Badges: {event_name}",
            "author": "",
        },
        settings=settings,
    )
    return await render_pdf_async(html, settings)
