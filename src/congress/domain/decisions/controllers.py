"""The decisions of a session in the staff workspace: roll call (from the check-ins), motions
put to the vote with each delegation's figures on one keyboard-only screen, elections round by
round, headcounts. Every form goes through the same services (and schemas) as the API."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from litestar import Request, get
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.access import DECISION_READERS, DECISION_WRITERS
from congress.domain.accounts.models import User
from congress.domain.decisions.enums import (
    HeadcountCategory,
    MajorityRule,
    MotionKind,
    VoteMethod,
)
from congress.domain.decisions.models import Election, Motion
from congress.domain.decisions.queries import (
    Presence,
    decisions_of,
    delegation_names,
    presence,
)
from congress.domain.decisions.schemas import (
    ElectionCreate,
    HeadcountCreate,
    MotionCreate,
    RollCallCreate,
    VoteCreate,
)
from congress.domain.decisions.services import (
    ElectionService,
    HeadcountService,
    MotionService,
    RollCallService,
    VoteService,
)
from congress.domain.events.models import Event
from congress.domain.events.services import EventService
from congress.domain.people.models import Person
from congress.domain.programme.services import load_session
from congress.domain.registration.models import Participant
from congress.errors import ProblemError
from congress.messages import N_
from congress.server.forms import own_sentence, pydantic_errors, read_form
from congress.server.i18n import gettext as _
from congress.server.pages import done, page_get, page_post
from congress.server.security import current_user, roles

READERS = roles(*DECISION_READERS)
WRITERS = roles(*DECISION_WRITERS)


@dataclass
class Failure:
    """A form of the screen that was refused: the messages above it, a message beside each
    field it names (by input name) and the values as typed, shown again."""

    anchor: str
    messages: list[str]
    fields: dict[str, str] = field(default_factory=dict)
    typed: dict[str, Any] = field(default_factory=dict)

    @property
    def first(self) -> str:
        """The first field with a message: the page opens with the cursor in it."""
        return next(iter(self.fields), "")

    def value(self, anchor: str, name: str, default: Any) -> Any:
        if anchor != self.anchor or name not in self.typed:
            return default
        return self.typed[name]


_ROW = re.compile(r"^breakdown[.\[](\d+)\]?(?:\.(\w+))?$")
_GIVEN = re.compile(r"holds (?P<held>\d+) votes, (?P<given>\d+) were given$")
# The fields of the vote sheets (templates/manage/decisions/session.html: ``number``).
_SHEET_FIELD = re.compile(
    r"^(?:(?:for|against|abstain|votes)_\d+|votes_for|votes_against|abstentions|spoilt|ballots)$"
)
_COLUMNS = {"votes_for": "for", "votes_against": "against", "abstaining": "abstain"}


def _failure(
    exc: ValidationError | ProblemError, anchor: str, typed: dict[str, Any], rows: list[int]
) -> Failure:
    """``rows``: the delegations of a vote sheet in the order of the breakdown sent."""
    if isinstance(exc, ValidationError):
        messages = [
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        ]
        found = pydantic_errors(exc)
    else:
        messages = [exc.detail] + [
            f"{e.field}: {e.message}" for e in exc.errors if e.field != "present"
        ]
        found = {}
        for error in exc.errors:
            given = _GIVEN.search(error.message)
            found[error.field] = (
                _("%(given)s votes given, but the delegation holds %(held)s.", **given.groupdict())
                if given
                else own_sentence(error.message)
            )
    fields: dict[str, str] = {}
    for path, message in found.items():
        name = path.replace("tally.", "votes_", 1) if path.startswith("tally.") else path
        if row := _ROW.match(path):
            index, column = int(row[1]), row[2]
            if index >= len(rows):
                continue
            name = f"{_COLUMNS.get(column or '', 'for')}_{rows[index]}"
        fields.setdefault(name.split(".")[0], message)
    beside = {name: message for name, message in fields.items() if _SHEET_FIELD.match(name)}
    if beside:
        # The vote sheets show each message beside its field; above them, what has no field.
        messages = [_("Please correct the marked fields.")] + [
            message for name, message in fields.items() if name not in beside
        ]
    return Failure(anchor, list(dict.fromkeys(messages)), beside, typed)


async def _page(
    db: AsyncSession,
    request: Request[Any, Any, Any],
    session_id: int,
    failure: Failure | None = None,
) -> Template:
    user = current_user(request)
    session = await load_session(db, session_id)
    event = await EventService(db, user).resolve(session.event_id)
    now = await presence(db, event.id, session.id)
    decisions = await decisions_of(db, event.id, session.id)
    names = await delegation_names(db, event.id)
    latest = decisions.roll_calls[-1] if decisions.roll_calls else None
    held = (
        {row["delegation_id"]: row["present"] for row in latest.by_delegation}
        if latest is not None
        else {delegation: present for delegation, (_, present) in now.by_delegation.items()}
    )
    # The candidates to choose from are every participant (thousands at a big congress): read
    # only for the election form, opened on demand, not at each reload during a sitting.
    adding = request.query_params.get("add") == "election" or (
        failure is not None and failure.anchor == "elections"
    )
    people = (
        (
            await db.execute(
                select(Person)
                .join(Participant, Participant.person_id == Person.id)
                .where(Participant.event_id == event.id)
                .order_by(Person.id)
            )
        ).scalars()
        if adding
        else None
    )
    return Template(
        "manage/decisions/session.html",
        context={
            "section": "events",
            "tab": "overview",
            "event": event,
            "session": session,
            "decisions": decisions,
            "delegations": sorted(names.items(), key=lambda pair: pair[0]),
            "held": held,
            "live": now,
            "people": list(people) if people is not None else None,
            "motion_kinds": list(MotionKind),
            "methods": list(VoteMethod),
            "majorities": list(MajorityRule),
            "headcount_categories": list(HeadcountCategory),
            "failure": failure or Failure("", []),
        },
        status_code=422 if failure else 200,
    )


def _quorum_words(now: Presence) -> dict[str, Any]:
    return {
        "accredited": now.accredited,
        "present": now.present,
        "quorum": now.quorum,
        "quorum_rule": now.quorum_rule,
        "quorum_met": now.quorum_met,
        "by_delegation": [
            {"delegation_id": delegation, "accredited": accredited, "present": present}
            for delegation, (accredited, present) in sorted(now.by_delegation.items())
        ],
        "text": _(
            "Checked in now: %(present)s of %(accredited)s accredited delegates; quorum %(quorum)s",
            present=now.present,
            accredited=now.accredited,
            quorum=now.quorum,
        ),
        "state": _("quorum present") if now.quorum_met else _("no quorum"),
    }


@page_get("/manage/sessions/{session_id:int}/decisions", guards=[READERS])
async def decisions_page(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    session_id: FromPath[int],
) -> Template:
    return await _page(db_session, request, session_id)


@get(
    "/manage/sessions/{session_id:int}/decisions/quorum",
    guards=[READERS],
    include_in_schema=False,
    cache_control=CacheControlHeader(no_store=True),
)
async def live_quorum(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    session_id: FromPath[int],
) -> dict[str, Any]:
    """Who is checked in now against the quorum: the screen asks every few seconds."""
    session = await load_session(db_session, session_id)
    await EventService(db_session, current_user(request)).resolve(session.event_id)
    return _quorum_words(await presence(db_session, session.event_id, session.id))


async def _act(
    db: AsyncSession,
    request: Request[Any, Any, Any],
    session_id: int,
    anchor: str,
    action: Callable[[], Awaitable[Any]],
    message: str,
    typed: dict[str, Any],
    rows: list[int] | None = None,
) -> Template | Redirect:
    try:
        await action()
    except (ValidationError, ProblemError) as exc:
        await db.rollback()
        return await _page(db, request, session_id, _failure(exc, anchor, typed, rows or []))
    return done(request, f"/manage/sessions/{session_id}/decisions#{anchor}", message)


def _int(value: Any) -> int:
    try:
        return int(str(value or "0").strip() or 0)
    except ValueError:
        return -1


Adder = Callable[[AsyncSession, User | None, dict[str, Any], Event, int], Awaitable[None]]


def _add_page(path: str, anchor: str, message: str, add: Adder, lists: tuple[str, ...] = ()) -> Any:
    """A form that adds a roll call, a motion, an election or a headcount to the session."""

    @page_post(f"/manage/sessions/{{session_id:int}}/decisions/{path}", guards=[WRITERS])
    async def add_to_session(
        db_session: NamedDependency[AsyncSession],
        request: Request[Any, Any, Any],
        session_id: FromPath[int],
    ) -> Any:
        form = await read_form(request, lists=lists)
        user = current_user(request)
        session = await load_session(db_session, session_id)
        event = await EventService(db_session, user).resolve(session.event_id)

        async def action() -> None:
            await add(db_session, user, form.values, event, session_id)

        return await _act(db_session, request, session_id, anchor, action, _(message), form.values)

    return add_to_session


async def _roll_call(
    db: AsyncSession, user: User | None, values: dict[str, Any], event: Event, session_id: int
) -> None:
    data = RollCallCreate.model_validate(
        {key: values[key] for key in ("quorum_count", "quorum_fraction") if values.get(key)}
    )
    await RollCallService(db, user).create({**data.model_dump(), "session_id": session_id})


async def _motion(
    db: AsyncSession, user: User | None, values: dict[str, Any], event: Event, session_id: int
) -> None:
    lang = event.primary_language
    data = MotionCreate.model_validate(
        {
            "title": {lang: values.get("title") or ""},
            "text": {lang: values.get("text") or ""},
            "kind": values.get("kind") or "resolution",
            "session_id": session_id,
        }
    )
    await MotionService(db, user).create({**data.model_dump(), "event_id": event.id})


async def _election(
    db: AsyncSession, user: User | None, values: dict[str, Any], event: Event, session_id: int
) -> None:
    data = ElectionCreate.model_validate(
        {
            "title": {event.primary_language: values.get("title") or ""},
            "seats": _int(values.get("seats")),
            "threshold_percent": _int(values.get("threshold_percent") or 50),
            "candidates": [_int(value) for value in values.get("candidates") or []],
            "session_id": session_id,
        }
    )
    await ElectionService(db, user).create({**data.model_dump(), "event_id": event.id})


async def _headcount(
    db: AsyncSession, user: User | None, values: dict[str, Any], event: Event, session_id: int
) -> None:
    note = values.get("note")
    data = HeadcountCreate.model_validate(
        {
            "category": values.get("category") or "",
            "count": _int(values.get("count")),
            "country": values.get("country") or None,
            "note": {event.primary_language: note} if note else None,
        }
    )
    await HeadcountService(db, user).create({**data.model_dump(), "session_id": session_id})


roll_call_create = _add_page(
    "roll-call", "roll-call", N_("The roll call was recorded."), _roll_call
)
motion_create = _add_page("motions", "motions", N_("The motion was added."), _motion)
election_create = _add_page(
    "elections", "elections", N_("The election was added."), _election, lists=("candidates",)
)
headcount_create = _add_page("headcounts", "headcounts", N_("The headcount was added."), _headcount)


def _motion_vote(values: dict[str, Any]) -> tuple[dict[str, Any], list[int]]:
    """A motion's vote sheet: each delegation's figures (roll call) or the totals."""
    method = values.get("method") or "roll_call"
    body: dict[str, Any] = {
        "method": method,
        "majority": values.get("majority") or "simple",
        "round": _int(values.get("round") or 1),
    }
    if values.get("quorum_override_reason"):
        body["quorum_override_reason"] = values["quorum_override_reason"]
        body["presiding_chair_id"] = _int(values.get("presiding_chair_id")) or None
    rows = [
        int(key.removeprefix("for_"))
        for key in values
        if key.startswith("for_") and key.removeprefix("for_").isdigit()
    ]
    if method == "roll_call":
        body["breakdown"] = [
            {
                "delegation_id": delegation,
                "votes_for": _int(values.get(f"for_{delegation}")),
                "votes_against": _int(values.get(f"against_{delegation}")),
                "abstaining": _int(values.get(f"abstain_{delegation}")),
            }
            for delegation in rows
        ]
    else:
        for key in ("votes_for", "votes_against", "abstentions", "spoilt"):
            body[key] = _int(values.get(key))
    return body, rows


def _election_round(values: dict[str, Any]) -> tuple[dict[str, Any], list[int]]:
    """A round of an election: ballots, spoilt ones and each candidate's votes."""
    tally = {
        key.removeprefix("votes_"): _int(value)
        for key, value in values.items()
        if key.startswith("votes_") and key.removeprefix("votes_").isdigit() and value
    }
    body = {
        "method": "secret_ballot",
        "round": _int(values.get("round") or 1),
        "ballots": _int(values.get("ballots")),
        "spoilt": _int(values.get("spoilt")),
        "tally": tally,
    }
    return body, []


def _vote_page(
    kind: str,
    target: type[MotionService | ElectionService],
    sheet: Callable[[dict[str, Any]], tuple[dict[str, Any], list[int]]],
    message: str,
) -> Any:
    """The form that records a vote on a motion or a round of an election (``kind``)."""

    @page_post(f"/manage/{kind}s/{{item_id:int}}/vote", guards=[WRITERS])
    async def record_vote(
        db_session: NamedDependency[AsyncSession],
        request: Request[Any, Any, Any],
        item_id: FromPath[int],
    ) -> Any:
        form = await read_form(request)
        user = current_user(request)
        item: Motion | Election = await target(db_session, user).get(item_id)
        body, rows = sheet(form.values)

        async def action() -> None:
            data = VoteCreate.model_validate(body)
            await VoteService(db_session, user).record(item, data.model_dump())

        return await _act(
            db_session,
            request,
            item.session_id or 0,
            f"{kind}-{item_id}",
            action,
            _(message),
            form.values,
            rows,
        )

    return record_vote


motion_vote = _vote_page("motion", MotionService, _motion_vote, N_("The vote was recorded."))
election_vote = _vote_page(
    "election", ElectionService, _election_round, N_("The round was recorded.")
)


ROUTES = [
    decisions_page,
    live_quorum,
    roll_call_create,
    motion_create,
    motion_vote,
    election_create,
    election_vote,
    headcount_create,
]
