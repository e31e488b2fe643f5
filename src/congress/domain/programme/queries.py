"""Reading the programme for other pages: where a person appears in it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from congress.domain.events.models import Event
from congress.domain.programme.models import (
    AgendaItem,
    Award,
    Gift,
    PresidiumSeat,
    Session,
    Speech,
    SpeechSpeaker,
)
from congress.domain.registration.queries import participations_of


async def appearances_of(db: AsyncSession, person_id: int) -> dict[str, list[Any]]:
    """Every place a person has in the records: participations, presidium seats, speeches,
    awards and gifts, each with its session and event loaded (a fixed number of queries)."""

    def in_session(path: Any) -> Any:
        return path.selectinload(Session.event)

    participations, headed = await participations_of(db, person_id)
    seats = (
        await db.scalars(
            select(PresidiumSeat)
            .where(PresidiumSeat.person_id == person_id)
            .options(
                in_session(selectinload(PresidiumSeat.session)),
                selectinload(PresidiumSeat.position),
            )
        )
    ).all()
    item_session = selectinload(AgendaItem.session).selectinload(Session.event)
    speeches = (
        await db.scalars(
            select(Speech)
            .where(
                Speech.id.in_(
                    select(SpeechSpeaker.speech_id).where(SpeechSpeaker.person_id == person_id)
                )
            )
            .options(
                selectinload(Speech.agenda_item).options(item_session),
                selectinload(Speech.speakers).selectinload(SpeechSpeaker.person),
            )
        )
    ).all()
    awards = (
        await db.scalars(
            select(Award)
            .where((Award.recipient_id == person_id) | (Award.presenter_id == person_id))
            .options(selectinload(Award.agenda_item).options(item_session))
        )
    ).all()
    gifts = (
        await db.scalars(
            select(Gift)
            .where(
                (Gift.giver_id == person_id)
                | (Gift.recipient_id == person_id)
                | (Gift.received_by_id == person_id)
            )
            .options(
                selectinload(Gift.agenda_item).options(item_session),
                selectinload(Gift.giver),
                selectinload(Gift.recipient),
                selectinload(Gift.received_by),
            )
        )
    ).all()
    events: dict[int, Event] = {}
    for participation in participations:
        events[participation.event_id] = participation.event
    for seat in seats:
        events[seat.session.event_id] = seat.session.event
    held: list[Speech | Award | Gift] = [*speeches, *awards, *gifts]
    for record in held:
        events[record.agenda_item.session.event_id] = record.agenda_item.session.event
    for delegation in headed:
        events[delegation.event_id] = delegation.event
    return {
        "events": sorted(events.values(), key=lambda e: e.start_date, reverse=True),
        "participations": participations,
        "seats": list(seats),
        "speeches": list(speeches),
        "awards": list(awards),
        "gifts": list(gifts),
        "delegations": headed,
    }
