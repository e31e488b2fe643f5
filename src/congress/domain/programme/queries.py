"""Reading the programme for other pages: the public programme (plain rows, fast), and where
a person appears in it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import Select, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from congress.domain.events.models import Event, Room
from congress.domain.people.models import Organization, Person, Position
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


class _Columns:
    """The column attributes of one model inside a (possibly joined) select, read back from
    each result row into a plain object with the model's attribute names."""

    def __init__(self, model: Any, skip: frozenset[str] = frozenset()) -> None:
        props = [prop for prop in model.__mapper__.column_attrs if prop.key not in skip]
        self.keys = tuple(prop.key for prop in props)
        self.columns = tuple(prop.columns[0] for prop in props)
        self.id_index = self.keys.index("id")

    def read(self, values: tuple[Any, ...], start: int) -> SimpleNamespace | None:
        """The row's part from ``start`` on; None when an outer join found nothing."""
        part = values[start : start + len(self.keys)]
        if part[self.id_index] is None:
            return None
        return SimpleNamespace(**dict(zip(self.keys, part, strict=True)))


async def _read(db: AsyncSession, parts: list[_Columns], statement: Select[Any]) -> list[list[Any]]:
    """Each result row split into its parts (see _Columns)."""
    result = await db.execute(statement)
    rows = []
    for row in result.all():
        values, start, read = tuple(row), 0, []
        for part in parts:
            read.append(part.read(values, start))
            start += len(part.keys)
        rows.append(read)
    return rows


# Left out of the plain rows: bookkeeping (only a session's updated_at is published, as the
# version of the schedule), private contacts (never on a public page), and what only the
# ``full`` reading needs (transcripts, the agenda's times and notes).
_AUDIT = frozenset({"created_at", "updated_at"})
_SESSION, _ROOM = _Columns(Session, frozenset({"created_at"})), _Columns(Room, _AUDIT)
_ITEM = _Columns(AgendaItem, _AUDIT)
_ITEM_BRIEF = _Columns(
    AgendaItem, _AUDIT | {"notes", "planned_start", "planned_end", "actual_start", "actual_end"}
)
_SPEECH = _Columns(Speech, _AUDIT)
_SPEECH_BRIEF = _Columns(Speech, _AUDIT | {"transcript", "approved_at"})
_AWARD, _GIFT, _SEAT = (
    _Columns(Award, _AUDIT),
    _Columns(Gift, _AUDIT),
    _Columns(PresidiumSeat, _AUDIT),
)
_SPEAKER, _POSITION = _Columns(SpeechSpeaker, _AUDIT), _Columns(Position, _AUDIT)
_PERSON = _Columns(Person, _AUDIT | {"email", "phone", "notes"})
_ORGANIZATION = _Columns(Organization, _AUDIT)


async def load_programme(
    db: AsyncSession, event: Event, *, full: bool = False, session_id: int | None = None
) -> list[Any]:
    """The event's sessions in time order with their room, agenda, speeches and speakers; with
    ``full`` also transcripts, the presidium, awards, gifts, and the speakers' positions.

    The rows are plain objects with the attribute names of the models (``session.agenda[0]
    .speech.speakers[0].person.family_name``), read with a few columns-only queries: for a
    large event this is several times faster than building ORM objects, which the exports and
    the public pages do not need (they only read). One query per kind of row, each selecting
    by event (never by a list of ids), so that the number of queries stays the same from a
    3-session meeting to a 600-session congress: 4, or 7 with ``full``.
    """
    in_scope: list[Any] = [Session.event_id == event.id]
    if session_id is not None:
        in_scope.append(Session.id == session_id)
    sessions: dict[int, Any] = {}
    for session, room in await _read(
        db,
        [_SESSION, _ROOM],
        select(*_SESSION.columns, *_ROOM.columns)
        .outerjoin(Room, Room.id == Session.room_id)
        .where(*in_scope)
        .order_by(Session.planned_start, Session.id),
    ):
        session.room, session.agenda, session.presidium = room, [], []
        sessions[session.id] = session

    parts = [_ITEM, _SPEECH] if full else [_ITEM_BRIEF, _SPEECH_BRIEF]
    items_query = (
        select(AgendaItem)
        .join(Session, Session.id == AgendaItem.session_id)
        .outerjoin(Speech, Speech.agenda_item_id == AgendaItem.id)
    )
    if full:
        parts += [_AWARD, _GIFT]
        items_query = items_query.outerjoin(Award, Award.agenda_item_id == AgendaItem.id)
        items_query = items_query.outerjoin(Gift, Gift.agenda_item_id == AgendaItem.id)
    items_query = items_query.with_only_columns(
        *(column for part in parts for column in part.columns)
    ).where(*in_scope)
    speeches: dict[int, Any] = {}
    awards, gifts = [], []
    for item, speech, *more in await _read(
        db, parts, items_query.order_by(AgendaItem.session_id, AgendaItem.position)
    ):
        item.speech, (item.award, item.gift) = speech, (more if full else (None, None))
        sessions[item.session_id].agenda.append(item)
        if speech is not None:
            speech.speakers = []
            speeches[speech.id] = speech
        awards += [item.award] if item.award else []
        gifts += [item.gift] if item.gift else []

    speaker_rows = select(SpeechSpeaker).join(Speech, Speech.id == SpeechSpeaker.speech_id)
    speaker_rows = speaker_rows.join(AgendaItem, AgendaItem.id == Speech.agenda_item_id)
    speaker_rows = speaker_rows.join(Session, Session.id == AgendaItem.session_id).where(*in_scope)
    speakers = [
        speaker
        for (speaker,) in await _read(
            db,
            [_SPEAKER],
            speaker_rows.with_only_columns(*_SPEAKER.columns).order_by(
                SpeechSpeaker.speech_id, SpeechSpeaker.order
            ),
        )
    ]
    seat_rows = select(PresidiumSeat).join(Session, Session.id == PresidiumSeat.session_id)
    seat_rows = seat_rows.where(*in_scope)
    seats = (
        [
            seat
            for (seat,) in await _read(
                db,
                [_SEAT],
                seat_rows.with_only_columns(*_SEAT.columns).order_by(
                    PresidiumSeat.session_id, PresidiumSeat.seat_number
                ),
            )
        ]
        if full
        else []
    )

    # The people, positions and bodies named, each read once (a person speaks many times).
    person_ids: list[Any] = [speaker_rows.with_only_columns(SpeechSpeaker.person_id)]
    if full:
        person_ids.append(seat_rows.with_only_columns(PresidiumSeat.person_id))
        for column in (
            Award.recipient_id,
            Award.presenter_id,
            Gift.giver_id,
            Gift.recipient_id,
            Gift.received_by_id,
        ):
            table = column.class_
            person_ids.append(
                select(column)
                .join(AgendaItem, AgendaItem.id == table.agenda_item_id)
                .join(Session, Session.id == AgendaItem.session_id)
                .where(*in_scope)
            )
    people = {
        person.id: person
        for (person,) in await _read(
            db,
            [_PERSON],
            select(*_PERSON.columns).where(Person.id.in_(union(*person_ids).scalar_subquery())),
        )
    }
    positions: dict[int, Any] = {}
    organizations: dict[int, Any] = {}
    if full:
        position_ids = union(
            speaker_rows.with_only_columns(SpeechSpeaker.position_id),
            seat_rows.with_only_columns(PresidiumSeat.position_id),
        ).scalar_subquery()
        positions = {
            position.id: position
            for (position,) in await _read(
                db,
                [_POSITION],
                select(*_POSITION.columns).where(Position.id.in_(position_ids)),
            )
        }
        organizations = {
            organization.id: organization
            for (organization,) in await _read(
                db,
                [_ORGANIZATION],
                select(*_ORGANIZATION.columns).where(
                    Organization.id.in_(
                        union(
                            select(Position.organization_id).where(Position.id.in_(position_ids)),
                            speaker_rows.with_only_columns(SpeechSpeaker.on_behalf_of_id),
                        ).scalar_subquery()
                    )
                ),
            )
        }
        for position in positions.values():
            position.organization = organizations.get(position.organization_id)

    for speaker in speakers:
        speaker.person = people[speaker.person_id]
        if full:
            speaker.position = positions.get(speaker.position_id)
            speaker.on_behalf_of = organizations.get(speaker.on_behalf_of_id)
        speeches[speaker.speech_id].speakers.append(speaker)
    for seat in seats:
        seat.person, seat.position = people[seat.person_id], positions.get(seat.position_id)
        sessions[seat.session_id].presidium.append(seat)
    for award in awards:
        award.recipient = people[award.recipient_id]
        award.presenter = people.get(award.presenter_id)
    for gift in gifts:
        gift.giver, gift.recipient = people[gift.giver_id], people[gift.recipient_id]
        gift.received_by = people.get(gift.received_by_id)
    return list(sessions.values())


async def appearances_of(
    db: AsyncSession, person_id: int, *, participations: bool = True
) -> dict[str, list[Any]]:
    """Every place a person has in the records: participations (unless left out for a reader
    who may not see registrations), presidium seats, speeches, awards and gifts, each with its
    session and event loaded (a fixed number of queries)."""

    def in_session(path: Any) -> Any:
        return path.selectinload(Session.event)

    registered, headed = await participations_of(db, person_id)
    if not participations:
        registered = []
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
    for participation in registered:
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
        "participations": registered,
        "seats": list(seats),
        "speeches": list(speeches),
        "awards": list(awards),
        "gifts": list(gifts),
        "delegations": headed,
    }
