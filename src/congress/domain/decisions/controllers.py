"""The decisions of a session in the staff workspace: roll call (from the check-ins), motions
put to the vote with each delegation's figures on one keyboard-only screen, elections round by
round, headcounts. Every form goes through the same services (and schemas) as the API."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.access import DECISION_READERS, DECISION_WRITERS
from congress.domain.decisions.enums import (
    HeadcountCategory,
    MajorityRule,
    MotionKind,
    VoteMethod,
)
from congress.domain.decisions.models import Election, Motion
from congress.domain.decisions.queries import (
    accredited_by_delegation,
    decisions_of,
    delegation_names,
    present_by_delegation,
)
from congress.domain.decisions.rules import quorum_required
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
from congress.domain.events.services import EventService
from congress.domain.people.models import Person
from congress.domain.programme.services import load_session
from congress.domain.registration.models import Participant
from congress.errors import ProblemError
from congress.server.forms import read_form
from congress.server.i18n import gettext as _
from congress.server.pages import done, page_get, page_post
from congress.server.security import current_user, roles

READERS = roles(*DECISION_READERS)
WRITERS = roles(*DECISION_WRITERS)


def _errors(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return [
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        ]
    assert isinstance(exc, ProblemError)
    return [exc.detail] + [f"{e.field}: {e.message}" for e in exc.errors if e.field != "present"]


async def _page(
    db: AsyncSession,
    request: Request[Any, Any, Any],
    session_id: int,
    errors: list[str] | None = None,
    failed: str | None = None,
) -> Template:
    user = current_user(request)
    session = await load_session(db, session_id)
    event = await EventService(db, user).resolve(session.event_id)
    accredited = await accredited_by_delegation(db, event.id)
    present = await present_by_delegation(db, event.id, session.id)
    decisions = await decisions_of(db, event.id, session.id)
    names = await delegation_names(db, event.id)
    latest = decisions.roll_calls[-1] if decisions.roll_calls else None
    held = (
        {row["delegation_id"]: row["present"] for row in latest.by_delegation}
        if latest is not None
        else present
    )
    total = sum(accredited.values())
    people = (
        await db.execute(
            select(Person)
            .join(Participant, Participant.person_id == Person.id)
            .where(Participant.event_id == event.id)
            .order_by(Person.id)
        )
    ).scalars()
    return Template(
        "manage/decisions/session.html",
        context={
            "section": "events",
            "tab": "overview",
            "event": event,
            "session": session,
            "decisions": decisions,
            "delegations": sorted(names.items(), key=lambda pair: pair[0]),
            "accredited": accredited,
            "present_now": present,
            "held": held,
            "live": {
                "accredited": total,
                "present": sum(min(present.get(d, 0), n) for d, n in accredited.items()),
                "quorum": quorum_required(total, None, None),
            },
            "people": list(people),
            "motion_kinds": list(MotionKind),
            "methods": list(VoteMethod),
            "majorities": list(MajorityRule),
            "headcount_categories": list(HeadcountCategory),
            "errors": errors or [],
            "failed": failed,
        },
        status_code=422 if errors else 200,
    )


@page_get("/manage/sessions/{session_id:int}/decisions", guards=[READERS])
async def decisions_page(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    session_id: FromPath[int],
) -> Template:
    return await _page(db_session, request, session_id)


async def _act(
    db: AsyncSession,
    request: Request[Any, Any, Any],
    session_id: int,
    failed: str,
    action: Any,
    message: str,
) -> Template | Redirect:
    try:
        await action()
    except (ValidationError, ProblemError) as exc:
        await db.rollback()
        return await _page(db, request, session_id, _errors(exc), failed)
    return done(request, f"/manage/sessions/{session_id}/decisions#{failed}", message)


def _int(value: Any) -> int:
    try:
        return int(str(value or "0").strip() or 0)
    except ValueError:
        return -1


@page_post("/manage/sessions/{session_id:int}/decisions/roll-call", guards=[WRITERS])
async def roll_call_create(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    session_id: FromPath[int],
) -> Any:
    form = await read_form(request)
    await load_session(db_session, session_id)

    async def action() -> None:
        values: dict[str, Any] = {
            key: form.values[key]
            for key in ("quorum_count", "quorum_fraction")
            if form.values.get(key)
        }
        data = RollCallCreate.model_validate(values)
        await RollCallService(db_session, current_user(request)).create(
            {**data.model_dump(), "session_id": session_id}
        )

    return await _act(
        db_session, request, session_id, "roll-call", action, _("The roll call was recorded.")
    )


@page_post("/manage/sessions/{session_id:int}/decisions/motions", guards=[WRITERS])
async def motion_create(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    session_id: FromPath[int],
) -> Any:
    form = await read_form(request)
    session = await load_session(db_session, session_id)
    event = await EventService(db_session, current_user(request)).resolve(session.event_id)
    lang = event.primary_language

    async def action() -> None:
        data = MotionCreate.model_validate(
            {
                "title": {lang: form.values.get("title") or ""},
                "text": {lang: form.values.get("text") or ""},
                "kind": form.values.get("kind") or "resolution",
                "session_id": session_id,
            }
        )
        await MotionService(db_session, current_user(request)).create(
            {**data.model_dump(), "event_id": event.id}
        )

    return await _act(
        db_session, request, session_id, "motions", action, _("The motion was added.")
    )


@page_post("/manage/motions/{motion_id:int}/vote", guards=[WRITERS])
async def motion_vote(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    motion_id: FromPath[int],
) -> Any:
    form = await read_form(request)
    user = current_user(request)
    motion: Motion = await MotionService(db_session, user).get(motion_id)
    session_id = motion.session_id or 0
    values = form.values

    async def action() -> None:
        method = values.get("method") or "roll_call"
        body: dict[str, Any] = {
            "method": method,
            "majority": values.get("majority") or "simple",
            "round": _int(values.get("round") or 1),
        }
        if values.get("quorum_override_reason"):
            body["quorum_override_reason"] = values["quorum_override_reason"]
            body["presiding_chair_id"] = _int(values.get("presiding_chair_id")) or None
        if method == "roll_call":
            body["breakdown"] = [
                {
                    "delegation_id": int(key.removeprefix("for_")),
                    "votes_for": _int(values.get(key)),
                    "votes_against": _int(values.get(f"against_{key.removeprefix('for_')}")),
                    "abstaining": _int(values.get(f"abstain_{key.removeprefix('for_')}")),
                }
                for key in values
                if key.startswith("for_") and key.removeprefix("for_").isdigit()
            ]
        else:
            for key in ("votes_for", "votes_against", "abstentions", "spoilt"):
                body[key] = _int(values.get(key))
        data = VoteCreate.model_validate(body)
        await VoteService(db_session, user).record(motion, data.model_dump())

    return await _act(
        db_session, request, session_id, f"motion-{motion_id}", action, _("The vote was recorded.")
    )


@page_post("/manage/sessions/{session_id:int}/decisions/elections", guards=[WRITERS])
async def election_create(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    session_id: FromPath[int],
) -> Any:
    form = await read_form(request, lists=["candidates"])
    session = await load_session(db_session, session_id)
    event = await EventService(db_session, current_user(request)).resolve(session.event_id)
    lang = event.primary_language

    async def action() -> None:
        data = ElectionCreate.model_validate(
            {
                "title": {lang: form.values.get("title") or ""},
                "seats": _int(form.values.get("seats")),
                "threshold_percent": _int(form.values.get("threshold_percent") or 50),
                "candidates": [_int(value) for value in form.values.get("candidates") or []],
                "session_id": session_id,
            }
        )
        await ElectionService(db_session, current_user(request)).create(
            {**data.model_dump(), "event_id": event.id}
        )

    return await _act(
        db_session, request, session_id, "elections", action, _("The election was added.")
    )


@page_post("/manage/elections/{election_id:int}/vote", guards=[WRITERS])
async def election_vote(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    election_id: FromPath[int],
) -> Any:
    form = await read_form(request)
    user = current_user(request)
    election: Election = await ElectionService(db_session, user).get(election_id)
    values = form.values

    async def action() -> None:
        tally = {
            key.removeprefix("votes_"): _int(value)
            for key, value in values.items()
            if key.startswith("votes_") and key.removeprefix("votes_").isdigit() and value
        }
        data = VoteCreate.model_validate(
            {
                "method": "secret_ballot",
                "round": _int(values.get("round") or 1),
                "ballots": _int(values.get("ballots")),
                "spoilt": _int(values.get("spoilt")),
                "tally": tally,
            }
        )
        await VoteService(db_session, user).record(election, data.model_dump())

    return await _act(
        db_session,
        request,
        election.session_id or 0,
        f"election-{election_id}",
        action,
        _("The round was recorded."),
    )


@page_post("/manage/sessions/{session_id:int}/decisions/headcounts", guards=[WRITERS])
async def headcount_create(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    session_id: FromPath[int],
) -> Any:
    form = await read_form(request)
    session = await load_session(db_session, session_id)
    event = await EventService(db_session, current_user(request)).resolve(session.event_id)

    async def action() -> None:
        note = form.values.get("note")
        data = HeadcountCreate.model_validate(
            {
                "category": form.values.get("category") or "",
                "count": _int(form.values.get("count")),
                "country": form.values.get("country") or None,
                "note": {event.primary_language: note} if note else None,
            }
        )
        await HeadcountService(db_session, current_user(request)).create(
            {**data.model_dump(), "session_id": session_id}
        )

    return await _act(
        db_session, request, session_id, "headcounts", action, _("The headcount was added.")
    )


ROUTES = [
    decisions_page,
    roll_call_create,
    motion_create,
    motion_vote,
    election_create,
    election_vote,
    headcount_create,
]
