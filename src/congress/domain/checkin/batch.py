"""Check-ins from many desks at once, written in batches.

At the door, dozens of desks scan tickets at the same moment. Each check-in is a handful of
small statements; done one request at a time, the server spends its time on round trips and
commits. Here every scan that arrives while a batch is being written waits for the next batch,
and a batch is a fixed number of set-based statements in one transaction, whatever its size:

1. the events, tickets and sessions of all scans (three SELECTs);
2. one conditional UPDATE of every participant still to be checked in (``status IN (…)``:
   whoever else writes at the same time, a participant changes exactly once);
3. one upsert of the presence rows, which writes only real changes;
4. the audit entries of what changed (one INSERT), then one commit.

The desk pages and :class:`~congress.domain.checkin.services.CheckInService` use the same
:func:`check_in_many` with a batch of one, so there is one implementation of the rule.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ARRAY, any_, bindparam, func, insert, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from congress.db.base import utc_now
from congress.domain.accounts.enums import AuditAction
from congress.domain.accounts.models import AuditEntry
from congress.domain.checkin.enums import AttendanceState
from congress.domain.checkin.models import Attendance
from congress.domain.events.models import Event
from congress.domain.events.services import EVENT_ID
from congress.domain.people.models import Person
from congress.domain.people.services import display_name
from congress.domain.programme.models import Session
from congress.domain.registration.enums import ParticipantStatus
from congress.domain.registration.models import Participant, normal_short_code
from congress.errors import Conflict, NotFound, ProblemError

log = logging.getLogger("congress.checkin")

# Who may be checked in: everyone registered or invited, and latecomers marked as no-shows.
CHECK_IN_FROM = frozenset(
    {
        ParticipantStatus.INVITED,
        ParticipantStatus.REGISTERED,
        ParticipantStatus.ACCREDITED,
        ParticipantStatus.NO_SHOW,
    }
)
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Scans written in one transaction at most (a full desk rush is far below this).
MAX_BATCH = 500


@dataclass(frozen=True, slots=True)
class Scan:
    """One check-in as a desk asks for it: a ticket code or a participant id, maybe a session."""

    event: str  # slug or id, as in the URL
    token: str | None = None
    participant_id: int | None = None
    session_id: int | None = None
    code: str | None = None  # the short code, as stored (see normal_short_code)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a check-in did, and what to tell the desk."""

    participant_id: int
    name: str
    status: ParticipantStatus
    first_time: bool
    session_id: int | None
    at: dt.datetime

    @property
    def message(self) -> str:
        where = "this session" if self.session_id is not None else "the event"
        if self.first_time:
            return f"checked in to {where}"
        return f"already checked in to {where} at {self.at:%H:%M} UTC; nothing changed"


@dataclass(slots=True)
class _Ticket:
    id: int
    event_id: int
    status: ParticipantStatus
    checked_in_at: dt.datetime | None
    name: str


def check_token(token: str) -> str:
    """The ticket code as scanned, or NotFound when it cannot be one of ours."""
    token = token.strip()
    if not TOKEN_PATTERN.fullmatch(token):
        raise NotFound("this is not a ticket code of ours (scan again or search by name)")
    return token


def check_code(code: str) -> str:
    """The short code as stored, or NotFound when what was typed cannot be one."""
    normal = normal_short_code(code)
    if normal is None:
        raise NotFound("this is not a short code of ours (like K7QX-M3PD)")
    return normal


def insert_for(db: AsyncConnection) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (PostgreSQL and SQLite share the syntax)."""
    return postgresql.insert if db.dialect.name == "postgresql" else sqlite.insert


def one_of(db: AsyncConnection, column: Any, values: set[Any]) -> Any:
    """``column IN (values)``; on PostgreSQL ``column = ANY(array)``: one statement text for any
    number of values, so that its prepared statement is reused from batch to batch."""
    if db.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


@dataclass(frozen=True, slots=True)
class _Event:
    id: int
    languages: list[str]

    @property
    def primary_language(self) -> str:
        return self.languages[0] if self.languages else "en"


# How long a batcher trusts what it read about an event (its id and languages, by slug).
EVENT_CACHE_SECONDS = 5.0


async def _events(
    db: AsyncConnection, refs: set[str], cache: dict[str, tuple[float, _Event]] | None = None
) -> dict[str, _Event]:
    now = time.monotonic()
    found: dict[str, _Event] = {}
    if cache is not None:
        for ref in refs:
            hit = cache.get(ref)
            if hit is not None and hit[0] > now:
                found[ref] = hit[1]
        refs = refs - found.keys()
        if not refs:
            return found
    ids = {int(ref) for ref in refs if EVENT_ID.fullmatch(ref)}
    slugs = {ref for ref in refs if not EVENT_ID.fullmatch(ref)}
    rows = (
        await db.execute(
            select(Event.id, Event.slug, Event.languages).where(
                or_(one_of(db, Event.id, ids), one_of(db, Event.slug, slugs))
            )
        )
    ).all()
    for row in rows:
        event = _Event(row.id, list(row.languages or []))
        found[str(row.id)] = found[row.slug] = event
        if cache is not None:
            cache[str(row.id)] = cache[row.slug] = (now + EVENT_CACHE_SECONDS, event)
    return found


async def _tickets(
    db: AsyncConnection,
    tokens: set[str],
    ids: set[int],
    events: dict[int, _Event],
    codes: set[str] | None = None,
) -> tuple[dict[str, _Ticket], dict[int, _Ticket], dict[tuple[int, str], _Ticket]]:
    if not tokens and not ids and not codes:
        return {}, {}, {}
    statement = (
        select(
            Participant.id,
            Participant.event_id,
            Participant.status,
            Participant.checked_in_at,
            Participant.qr_token,
            Participant.short_code,
            Person.given_name,
            Person.family_name,
            Person.family_name_first,
        )
        .join(Person, Person.id == Participant.person_id)
        .where(
            or_(
                one_of(db, Participant.qr_token, tokens),
                one_of(db, Participant.id, ids),
                one_of(db, Participant.short_code, codes or set()),
            )
        )
    )
    by_token: dict[str, _Ticket] = {}
    by_id: dict[int, _Ticket] = {}
    by_code: dict[tuple[int, str], _Ticket] = {}
    for row in (await db.execute(statement)).all():
        event = events.get(row.event_id)
        lang, languages = (event.primary_language, event.languages) if event else ("en", [])
        ticket = _Ticket(
            row.id,
            row.event_id,
            row.status,
            row.checked_in_at,
            display_name(row.given_name, row.family_name, row.family_name_first, lang, languages),
        )
        by_token[row.qr_token] = by_id[row.id] = ticket
        by_code[(row.event_id, row.short_code)] = ticket
    return by_token, by_id, by_code


async def check_in_many(
    db: AsyncConnection,
    user_id: int | None,
    scans: Sequence[Scan],
    event_cache: dict[str, tuple[float, _Event]] | None = None,
) -> list[Outcome | ProblemError]:
    """Check in every scan (arrival, and presence at a session when given) in ``db``'s
    transaction; the caller commits. Each scan gets its outcome or the error that refused it;
    scanning the same ticket twice, in one batch or in two, is harmless and says so."""
    results: list[Outcome | ProblemError | None] = [None] * len(scans)
    events = await _events(db, {scan.event for scan in scans}, event_cache)
    by_event_id = {event.id: event for event in events.values()}
    tokens = {scan.token for scan in scans if scan.token is not None}
    ids = {scan.participant_id for scan in scans if scan.participant_id is not None}
    codes = {scan.code for scan in scans if scan.code is not None}
    by_token, by_id, by_code = await _tickets(db, tokens, ids, by_event_id, codes)
    session_ids = {scan.session_id for scan in scans if scan.session_id is not None}
    session_events: dict[int, int] = dict(
        (
            await db.execute(
                select(Session.id, Session.event_id).where(one_of(db, Session.id, session_ids))
            )
        )
        .tuples()
        .all()
        if session_ids
        else []
    )

    # Who each scan is, or why it is refused.
    wanted: list[tuple[int, _Event, _Ticket]] = []
    for index, scan in enumerate(scans):
        event = events.get(scan.event)
        ticket = by_token.get(scan.token) if scan.token is not None else None
        if scan.participant_id is not None:
            ticket = by_id.get(scan.participant_id)
        if scan.code is not None and event is not None:
            ticket = by_code.get((event.id, scan.code))
        if event is None:
            results[index] = NotFound(f"no event {scan.event!r}")
        elif ticket is None and scan.code is not None:
            results[index] = NotFound("unknown code: no participant of this event has it")
        elif ticket is None and scan.token is not None:
            results[index] = NotFound("unknown ticket: no participant has this code")
        elif ticket is None or (scan.participant_id is not None and ticket.event_id != event.id):
            results[index] = NotFound(f"no participant with id {scan.participant_id} at this event")
        elif ticket.event_id != event.id:
            results[index] = Conflict("this ticket belongs to another event")
        elif scan.session_id is not None and session_events.get(scan.session_id) != event.id:
            results[index] = NotFound(f"no session with id {scan.session_id} at this event")
        else:
            wanted.append((index, event, ticket))

    now = utc_now()
    to_update = {ticket.id for _, _, ticket in wanted if ticket.status in CHECK_IN_FROM}
    changed: set[int] = set()
    if to_update:
        changed = set(
            await db.scalars(
                update(Participant)
                .where(one_of(db, Participant.id, to_update), Participant.status.in_(CHECK_IN_FROM))
                .values(
                    status=ParticipantStatus.CHECKED_IN,
                    checked_in_at=now,
                    updated_at=now,
                    registered_at=func.coalesce(Participant.registered_at, now),
                )
                .execution_options(synchronize_session=False)
                .returning(Participant.id)
            )
        )
    lost = to_update - changed
    if lost:
        # Another desk got there between our read and our write: read what it left.
        for row in await db.execute(
            select(Participant.id, Participant.status, Participant.checked_in_at).where(
                Participant.id.in_(lost)
            )
        ):
            by_id[row.id].status, by_id[row.id].checked_in_at = row.status, row.checked_in_at

    audits: list[dict[str, Any]] = []
    first_seen: set[int] = set()
    presence: dict[tuple[int, int], int] = {}  # (participant, session) -> first scan index
    arrivals: dict[int, tuple[bool, dt.datetime]] = {}
    for index, event, ticket in wanted:
        if ticket.id in changed and ticket.id not in first_seen:
            first_seen.add(ticket.id)
            arrivals[index] = (True, now)
            audits.append(
                {
                    "user_id": user_id,
                    "action": AuditAction.UPDATE,
                    "entity": "participant",
                    "entity_id": ticket.id,
                    "event_id": event.id,
                    "before": {"status": ticket.status.value},
                    "after": {"status": "checked_in"},
                }
            )
        elif ticket.id in changed or ticket.status is ParticipantStatus.CHECKED_IN:
            arrivals[index] = (False, ticket.checked_in_at or now)
        else:
            results[index] = Conflict(
                f"{ticket.name} is {ticket.status.value} and cannot be checked in;"
                " reinstate the registration first"
            )
            continue
        session_id = scans[index].session_id
        if session_id is not None:
            presence.setdefault((ticket.id, session_id), index)

    if audits:
        await db.execute(insert(AuditEntry), audits)
    recorded = await record_presence(db, user_id, list(presence), session_events, now)

    for index, _event, ticket in wanted:
        if results[index] is not None:
            continue
        first, at = arrivals[index]
        session_id = scans[index].session_id
        if session_id is not None:
            key = (ticket.id, session_id)
            first = key in recorded.changed and presence[key] == index
            at = recorded.at.get(key, now)
        results[index] = Outcome(
            ticket.id, ticket.name, ParticipantStatus.CHECKED_IN, first, session_id, at
        )
    assert all(result is not None for result in results)
    return cast(list[Outcome | ProblemError], results)


@dataclass(slots=True)
class _Presence:
    changed: set[tuple[int, int]]
    at: dict[tuple[int, int], dt.datetime]


async def record_presence(
    db: AsyncConnection,
    user_id: int | None,
    keys: Sequence[tuple[int, int]],
    session_events: dict[int, int],
    now: dt.datetime,
    state: AttendanceState = AttendanceState.PRESENT,
) -> _Presence:
    """Set ``state`` for each (participant, session): one upsert that writes only real changes
    (repeating a state is harmless), then one audit INSERT for what changed."""
    if not keys:
        return _Presence(set(), {})
    statement = insert_for(db)(Attendance).values(
        [
            {
                "participant_id": participant_id,
                "session_id": session_id,
                "state": state,
                "recorded_at": now,
                "recorded_by_id": user_id,
                "created_at": now,
                "updated_at": now,
            }
            for participant_id, session_id in keys
        ]
    )
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=[Attendance.participant_id, Attendance.session_id],
        set_={
            "state": excluded.state,
            "recorded_at": excluded.recorded_at,
            "recorded_by_id": excluded.recorded_by_id,
            "updated_at": excluded.updated_at,
        },
        where=Attendance.state != excluded.state,
    ).returning(Attendance.id, Attendance.participant_id, Attendance.session_id)
    written = (await db.execute(statement)).all()
    changed = {(row.participant_id, row.session_id) for row in written}
    at = dict.fromkeys(changed, now)
    unchanged = set(keys) - changed
    if unchanged:
        rows = await db.execute(
            select(Attendance.participant_id, Attendance.session_id, Attendance.recorded_at).where(
                tuple_(Attendance.participant_id, Attendance.session_id).in_(unchanged)
            )
        )
        for row in rows:
            at[(row.participant_id, row.session_id)] = row.recorded_at
    if written:
        await db.execute(
            insert(AuditEntry),
            [
                {
                    "user_id": user_id,
                    "action": AuditAction.UPDATE,
                    "entity": "attendance",
                    "entity_id": row.id,
                    "event_id": session_events.get(row.session_id),
                    "before": None,
                    "after": {
                        "participant_id": row.participant_id,
                        "session_id": row.session_id,
                        "state": state.value,
                    },
                }
                for row in written
            ],
        )
    return _Presence(changed, at)


class CheckInBatcher:
    """Collects the scans that arrive while a batch is written and writes them as the next one.

    One per server process (``app.state.check_ins``). A batch that fails as a whole (a lost
    connection, a deadlock) is retried one scan at a time, so one scan cannot fail the others.
    """

    def __init__(self, engine: AsyncEngine, *, owns_engine: bool = False) -> None:
        self.engine = engine
        self._owns_engine = owns_engine
        self._event_cache: dict[str, tuple[float, _Event]] = {}
        self._queue: asyncio.Queue[tuple[Scan, int | None, asyncio.Future[Outcome]]] = (
            asyncio.Queue()
        )
        self._task: asyncio.Task[None] | None = None
        self.batches = 0
        self.largest = 0

    async def check_in(self, scan: Scan, user_id: int | None) -> Outcome:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="check-in batches")
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((scan, user_id, future))
        return await future

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        while not self._queue.empty():
            _, _, future = self._queue.get_nowait()
            if not future.done():
                future.set_exception(ProblemError("the server is shutting down"))
        if self._owns_engine:
            await self.engine.dispose()

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            # Let the requests that are being read right now join: a batch of fifty costs the
            # same statements as a batch of one.
            while len(batch) < MAX_BATCH:
                if self._queue.empty():
                    await asyncio.sleep(0)
                    if self._queue.empty():
                        break
                batch.append(self._queue.get_nowait())
            self.batches += 1
            self.largest = max(self.largest, len(batch))
            try:
                await self._write(batch)
            except Exception:
                if len(batch) == 1:
                    _, _, future = batch[0]
                    if not future.done():
                        future.set_exception(ProblemError("the check-in could not be saved"))
                    log.exception("a check-in failed")
                    continue
                log.warning("a batch of %d check-ins failed; writing them one by one", len(batch))
                for item in batch:
                    try:
                        await self._write([item])
                    except Exception:
                        log.exception("a check-in failed")
                        if not item[2].done():
                            item[2].set_exception(ProblemError("the check-in could not be saved"))

    async def _write(self, batch: list[tuple[Scan, int | None, asyncio.Future[Outcome]]]) -> None:
        # One transaction; statements per user: the audit log says who checked whom in.
        by_user: dict[int | None, list[int]] = {}
        for position, (_, user_id, _) in enumerate(batch):
            by_user.setdefault(user_id, []).append(position)
        settled: list[tuple[asyncio.Future[Outcome], Outcome | ProblemError]] = []
        async with self.engine.begin() as db:
            for user_id, positions in by_user.items():
                scans = [batch[i][0] for i in positions]
                outcomes = await check_in_many(db, user_id, scans, self._event_cache)
                settled += [
                    (batch[i][2], outcome) for i, outcome in zip(positions, outcomes, strict=True)
                ]
        for future, outcome in settled:
            if future.done():
                continue
            if isinstance(outcome, ProblemError):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
