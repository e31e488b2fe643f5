from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from congress.db.base import utc_now
from congress.domain.accounts.enums import Role
from congress.domain.common import require_order
from congress.domain.crud import EntityService
from congress.domain.events.models import Event
from congress.domain.events.services import PUBLIC_EVENT, EventScoped
from congress.domain.people.models import Person, Position
from congress.domain.people.services import check_position_of
from congress.domain.programme.enums import AgendaItemKind
from congress.domain.programme.models import (
    AgendaItem,
    Award,
    Gift,
    PresidiumSeat,
    Session,
    Speech,
    SpeechSpeaker,
)
from congress.domain.registration.queries import participating_people
from congress.errors import Conflict, FieldError, Invalid, NotFound

ORGANIZERS = frozenset({Role.ORGANIZER})


def _check_times(values: dict[str, Any]) -> None:
    require_order(values, "planned_start", "planned_end")
    require_order(values, "actual_start", "actual_end")


class SessionService(EventScoped, EntityService[Session]):
    model = Session
    order_by = ("planned_start", "id")
    write_roles = ORGANIZERS
    # What was recorded of the session: presence, published accounts, photos.
    kept_by = frozenset({"attendance.session_id", "record.session_id", "media_item.session_id"})

    async def validate(self, values: dict[str, Any], current: Session | None) -> None:
        _check_times(values)

    async def delete(self, item_id: int) -> None:
        """Delete a session with its presidium and agenda (each recorded in the history)."""
        session = await self._get_for_write(item_id)
        await self._check_not_referenced(session)
        items = AgendaItemService(self.db, self.user)
        for agenda_item_id in await owned(self.db, AgendaItem, session.id):
            await items.delete(agenda_item_id, renumber=False)
        seats = PresidiumSeatService(self.db, self.user)
        for seat_id in await owned(self.db, PresidiumSeat, session.id):
            await seats.delete(seat_id)
        await super().delete(item_id)


async def owned(
    db: AsyncSession, model: type[AgendaItem | PresidiumSeat], session_id: int
) -> list[int]:
    return list(
        (
            await db.scalars(
                select(model.id).where(model.session_id == session_id).order_by(model.id)
            )
        ).all()
    )


class SessionScoped:
    """Records that hang off a session: visible when the session's event is public."""

    model: ClassVar[Any]
    db: Any

    def visible(self, statement: Select[Any]) -> Select[Any]:
        return (
            statement.join(Session, Session.id == self.model.session_id)
            .join(Event, Event.id == Session.event_id)
            .where(PUBLIC_EVENT)
        )

    async def event_id_for(self, instance: Any) -> int | None:
        return await self.db.scalar(
            select(Session.event_id).where(Session.id == instance.session_id)
        )


class PresidiumSeatService(SessionScoped, EntityService[PresidiumSeat]):
    model = PresidiumSeat
    order_by = ("session_id", "seat_number")
    write_roles = ORGANIZERS

    async def validate(self, values: dict[str, Any], current: PresidiumSeat | None) -> None:
        await check_position_of(self, values, "person_id")


class AgendaItemService(SessionScoped, EntityService[AgendaItem]):
    model = AgendaItem
    order_by = ("session_id", "position")
    write_roles = ORGANIZERS | {Role.EDITOR}

    async def validate(self, values: dict[str, Any], current: AgendaItem | None) -> None:
        _check_times(values)
        if values.get("position") is None:
            values["position"] = await next_position(self, values["session_id"])
        if current is not None and values["kind"] != current.kind:
            attached = await self.db.scalar(
                select(func.count())
                .select_from(AgendaItem)
                .where(AgendaItem.id == current.id)
                .where(
                    select(Speech.id).where(Speech.agenda_item_id == current.id).exists()
                    | select(Award.id).where(Award.agenda_item_id == current.id).exists()
                    | select(Gift.id).where(Gift.agenda_item_id == current.id).exists()
                )
            )
            if attached:
                raise Conflict.field(
                    "kind", f"the item holds a {current.kind.value}; delete that first"
                )

    async def delete(self, item_id: int, *, renumber: bool = True) -> None:
        """Delete an item with the speech, award or gift it holds; the items after it move up."""
        item = await self._get_for_write(item_id)
        for model, service_type in (
            (Speech, SpeechService),
            (Award, AwardService),
            (Gift, GiftService),
        ):
            attached = await self.db.scalar(select(model.id).where(model.agenda_item_id == item_id))
            if attached is not None:
                await service_type(self.db, self.user).delete(attached)
        session_id = item.session_id
        await super().delete(item_id)
        if renumber:
            remaining = (
                await self.db.scalars(
                    select(AgendaItem.id)
                    .where(AgendaItem.session_id == session_id)
                    .order_by(AgendaItem.position)
                )
            ).all()
            if remaining:
                await self.reorder(session_id, list(remaining))

    async def reorder(self, session_id: int, item_ids: list[int]) -> list[AgendaItem]:
        """Put the session's agenda in the given order (positions 1…n)."""
        self.require_write()
        items = {
            item.id: item
            for item in (
                await self.db.scalars(select(AgendaItem).where(AgendaItem.session_id == session_id))
            ).all()
        }
        if sorted(items) != sorted(item_ids):
            missing = sorted(set(items) - set(item_ids))
            unknown = sorted(set(item_ids) - set(items))
            problems = []
            if missing:
                problems.append(f"missing items {missing}")
            if unknown:
                problems.append(f"items {unknown} are not on this session's agenda")
            if len(set(item_ids)) != len(item_ids):
                problems.append("an item is listed twice")
            message = "; ".join(problems) or "list every item of the session exactly once"
            raise Conflict(f"item_ids: {message}", [FieldError("item_ids", message)])
        before = {item_id: item.position for item_id, item in items.items()}
        # Two steps, because positions are unique at every moment (no deferred constraints in SQLite).
        offset = max(before.values(), default=0) + len(items)
        for index, item_id in enumerate(item_ids, start=1):
            items[item_id].position = offset + index
        await self._flush()
        for index, item_id in enumerate(item_ids, start=1):
            items[item_id].position = index
        await self._flush()
        for item_id in item_ids:
            if before[item_id] != items[item_id].position:
                await self._audit_move(items[item_id], before[item_id])
        return [items[item_id] for item_id in item_ids]

    async def _audit_move(self, item: AgendaItem, old_position: int) -> None:
        from congress.domain.accounts.enums import AuditAction
        from congress.domain.crud import snapshot

        after = snapshot(item)
        await self._write_audit(
            AuditAction.UPDATE,
            item,
            await self.event_id_for(item),
            {**after, "position": old_position},
            after,
        )


async def next_position(service: EntityService[Any], session_id: int) -> int:
    last = await service.db.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.session_id == session_id)
    )
    return (last or 0) + 1


class AgendaAttached:
    """Speeches, awards and gifts: each sits on one agenda item of its own kind."""

    model: ClassVar[Any]
    db: Any
    item_kind: AgendaItemKind

    def visible(self, statement: Select[Any]) -> Select[Any]:
        return (
            statement.join(AgendaItem, AgendaItem.id == self.model.agenda_item_id)
            .join(Session, Session.id == AgendaItem.session_id)
            .join(Event, Event.id == Session.event_id)
            .where(PUBLIC_EVENT)
        )

    def scope(self, attribute: str, value: Any) -> Any:
        if attribute == "event_id":
            items = select(AgendaItem.id).join(Session, Session.id == AgendaItem.session_id)
            return self.model.agenda_item_id.in_(items.where(Session.event_id == value))
        if attribute == "session_id":
            items = select(AgendaItem.id).where(AgendaItem.session_id == value)
            return self.model.agenda_item_id.in_(items)
        return super().scope(attribute, value)  # type: ignore[misc]

    async def event_id_for(self, instance: Any) -> int | None:
        return await self.db.scalar(
            select(Session.event_id)
            .join(AgendaItem, AgendaItem.session_id == Session.id)
            .where(AgendaItem.id == instance.agenda_item_id)
        )

    async def place_on_agenda(self, values: dict[str, Any], current: Any) -> None:
        """Resolve ``agenda_item_id``, creating the item at the end of ``session_id`` if asked."""
        event_id = values.get("event_id")
        if values.get("agenda_item_id") is not None:
            item = await self.db.get(AgendaItem, values["agenda_item_id"])
            if item is None:
                raise Invalid.field(
                    "agenda_item_id", f"no agenda item with id {values['agenda_item_id']}"
                )
            if item.kind is not self.item_kind:
                raise Invalid.field(
                    "agenda_item_id", f"is a {item.kind.value} item, not a {self.item_kind.value}"
                )
            session_id = item.session_id
        elif current is None:
            if values.get("session_id") is None:
                raise Invalid(
                    "give session_id (to append to a session) or agenda_item_id",
                    [FieldError("session_id", "required when agenda_item_id is not given")],
                )
            session_id = values["session_id"]
            if await self.db.get(Session, session_id) is None:
                raise Invalid.field("session_id", f"no session with id {session_id}")
        else:
            return
        if event_id is not None:
            session_event = await self.db.scalar(
                select(Session.event_id).where(Session.id == session_id)
            )
            if session_event != event_id:
                raise Invalid.field("session_id", "the session belongs to another event")
        if values.get("agenda_item_id") is None:
            item = AgendaItem(session_id=session_id, kind=self.item_kind)
            item.position = await next_position(self, session_id)  # type: ignore[arg-type]
            self.db.add(item)
            await self.db.flush()
            values["agenda_item_id"] = item.id


class SpeechService(AgendaAttached, EntityService[Speech]):
    model = Speech
    item_kind = AgendaItemKind.SPEECH
    load = (selectinload(Speech.speakers),)
    write_roles = ORGANIZERS | {Role.EDITOR}

    async def validate(self, values: dict[str, Any], current: Speech | None) -> None:
        await self.place_on_agenda(values, current)
        for index, speaker in enumerate(values.get("speakers") or []):
            if await self.db.get(Person, speaker["person_id"]) is None:
                raise Invalid.field(
                    f"speakers.{index}.person_id", f"no person with id {speaker['person_id']}"
                )
            try:
                await check_position_of(self, speaker, "person_id")
            except Invalid as exc:
                raise Invalid.field(f"speakers.{index}.position_id", exc.errors[0].message) from exc
        statuses = values.get("transcript_status") or {}
        unknown = sorted(set(statuses) - set(values.get("transcript") or {}))
        if unknown:
            raise Invalid.field("transcript_status", f"no transcript in {', '.join(unknown)}")
        if values.get("approved") and current is not None and not current.approved:
            values["approved_at"] = utc_now()

    def apply(self, instance: Speech, values: dict[str, Any]) -> None:
        super().apply(instance, values)
        if "speakers" in values:
            instance.speakers = [
                SpeechSpeaker(order=order, **speaker)
                for order, speaker in enumerate(values["speakers"], start=1)
            ]


class AwardService(AgendaAttached, EntityService[Award]):
    model = Award
    item_kind = AgendaItemKind.AWARD
    write_roles = ORGANIZERS

    async def validate(self, values: dict[str, Any], current: Award | None) -> None:
        await self.place_on_agenda(values, current)


class GiftService(AgendaAttached, EntityService[Gift]):
    model = Gift
    item_kind = AgendaItemKind.GIFT
    write_roles = ORGANIZERS

    async def validate(self, values: dict[str, Any], current: Gift | None) -> None:
        await self.place_on_agenda(values, current)
        if values.get("received_by_id") is not None and values["received_by_id"] == values.get(
            "recipient_id"
        ):
            raise Invalid.field("received_by_id", "a proxy is somebody other than the recipient")


async def get_session(service: EntityService[Any], session_id: int) -> Session:
    """The session as the service's user may see it (404 otherwise)."""
    statement = select(Session).where(Session.id == session_id)
    if not service.is_staff:
        statement = statement.join(Event, Event.id == Session.event_id).where(PUBLIC_EVENT)
    session = (await service.db.execute(statement)).scalars().first()
    if session is None:
        raise NotFound(f"no session with id {session_id}")
    return session


# ---- the programme as the staff pages show it ------------------------------------------------


def programme_options(statement: Select[Any]) -> Select[Any]:
    """Everything a session page shows, loaded in a fixed number of queries."""
    agenda = selectinload(Session.agenda)
    return statement.options(
        selectinload(Session.room),
        selectinload(Session.presidium).selectinload(PresidiumSeat.person),
        selectinload(Session.presidium)
        .selectinload(PresidiumSeat.position)
        .selectinload(Position.organization),
        agenda.selectinload(AgendaItem.speech)
        .selectinload(Speech.speakers)
        .options(
            selectinload(SpeechSpeaker.person),
            selectinload(SpeechSpeaker.position).selectinload(Position.organization),
            selectinload(SpeechSpeaker.on_behalf_of),
        ),
        agenda.selectinload(AgendaItem.award).options(
            selectinload(Award.recipient), selectinload(Award.presenter)
        ),
        agenda.selectinload(AgendaItem.gift).options(
            selectinload(Gift.giver), selectinload(Gift.recipient), selectinload(Gift.received_by)
        ),
    )


async def load_session(db: AsyncSession, session_id: int) -> Session:
    statement = programme_options(select(Session).where(Session.id == session_id))
    session = (await db.scalars(statement)).first()
    if session is None:
        raise NotFound(f"no session with id {session_id}")
    return session


@dataclass(frozen=True)
class ProgrammeConflict:
    """Something in the plan that cannot happen as planned; shown to organizers, not refused."""

    kind: str  # "room", "person", "presidium_not_participant", "outside_dates"
    sessions: tuple[Session, ...]
    person: Person | None = None
    room_id: int | None = None


def _overlap(a: Session, b: Session) -> bool:
    return a.planned_start < b.planned_end and b.planned_start < a.planned_end


def people_of(session: Session) -> dict[int, Person]:
    """Everybody who has a place in a session: presidium, speakers, awards and gifts."""
    people: dict[int, Person] = {}
    for seat in session.presidium:
        people[seat.person_id] = seat.person
    for item in session.agenda:
        if item.speech is not None:
            for speaker in item.speech.speakers:
                people[speaker.person_id] = speaker.person
        if item.award is not None:
            people[item.award.recipient_id] = item.award.recipient
            if item.award.presenter is not None:
                people[item.award.presenter.id] = item.award.presenter
        if item.gift is not None:
            people[item.gift.giver_id] = item.gift.giver
            if item.gift.received_by is not None:
                people[item.gift.received_by.id] = item.gift.received_by
    return people


async def conflicts_of_event(
    db: AsyncSession, event_id: int, sessions: list[Session]
) -> list[ProgrammeConflict]:
    """Rooms used twice at once (also by other events), people in two places at once, and
    presidium members who are not (or no longer) participants of the event."""
    conflicts: list[ProgrammeConflict] = []
    other = aliased(Session)
    clashes = await db.execute(
        select(Session.id, other)
        .options(selectinload(other.event))
        .join(other, (other.room_id == Session.room_id) & (other.id != Session.id))
        .where(
            Session.event_id == event_id,
            Session.room_id.is_not(None),
            Session.planned_start < other.planned_end,
            other.planned_start < Session.planned_end,
        )
    )
    by_id = {session.id: session for session in sessions}
    seen: set[frozenset[int]] = set()
    for session_id, clash in clashes.all():
        pair = frozenset({session_id, clash.id})
        if pair in seen:
            continue
        seen.add(pair)
        first = by_id[session_id]
        conflicts.append(
            ProgrammeConflict("room", (first, by_id.get(clash.id, clash)), room_id=first.room_id)
        )

    involved = [(session, people_of(session)) for session in sessions]
    for index, (first, first_people) in enumerate(involved):
        for second, second_people in involved[index + 1 :]:
            if not _overlap(first, second):
                continue
            for person_id in sorted(first_people.keys() & second_people.keys()):
                conflicts.append(
                    ProgrammeConflict("person", (first, second), person=first_people[person_id])
                )
    conflicts += await _elsewhere(db, event_id, involved)

    conflicts += await _outside_dates(db, event_id, sessions)
    participants = await participating_people(db, event_id)
    for session in sessions:
        for seat in session.presidium:
            if seat.person_id not in participants:
                conflicts.append(
                    ProgrammeConflict("presidium_not_participant", (session,), person=seat.person)
                )
    return conflicts


async def _outside_dates(
    db: AsyncSession, event_id: int, sessions: list[Session]
) -> list[ProgrammeConflict]:
    """Sessions planned on a day (in the event's zone) outside the event's dates."""
    dates = (
        await db.execute(
            select(Event.start_date, Event.end_date, Event.timezone).where(Event.id == event_id)
        )
    ).first()
    if dates is None or not sessions:
        return []
    first, last, timezone = dates
    zone = zoneinfo.ZoneInfo(timezone)
    return [
        ProgrammeConflict("outside_dates", (session,))
        for session in sessions
        if session.planned_start.astimezone(zone).date() < first
        or session.planned_end.astimezone(zone).date() > last
    ]


async def _elsewhere(
    db: AsyncSession, event_id: int, involved: list[tuple[Session, dict[int, Person]]]
) -> list[ProgrammeConflict]:
    """People of this event who have a place in another event's session at the same time."""
    if not involved:
        return []
    start = min(session.planned_start for session, _people in involved)
    end = max(session.planned_end for session, _people in involved)
    statement = select(Session).where(
        Session.event_id != event_id, Session.planned_start < end, start < Session.planned_end
    )
    others = (
        await db.scalars(programme_options(statement).options(selectinload(Session.event)))
    ).all()
    conflicts = []
    for theirs in others:
        their_people = people_of(theirs)
        for ours, our_people in involved:
            if _overlap(ours, theirs):
                for person_id in sorted(our_people.keys() & their_people.keys()):
                    conflicts.append(
                        ProgrammeConflict("person", (ours, theirs), person=our_people[person_id])
                    )
    return conflicts
