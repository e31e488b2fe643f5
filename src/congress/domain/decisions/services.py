"""The rules of decisions, once for the API, the staff pages and the demo.

Every write goes through :class:`EntityService` (checks, audit log). A vote's result is
computed here from the figures it is stored with; a correction recomputes it and the audit log
keeps the earlier figures.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from congress.db.base import utc_now
from congress.domain.accounts.access import DECISION_READERS, DECISION_WRITERS
from congress.domain.accounts.enums import Role
from congress.domain.crud import EntityService
from congress.domain.decisions import rules
from congress.domain.decisions.enums import (
    ElectionStatus,
    MotionKind,
    MotionStatus,
    VoteMethod,
    VoteResult,
)
from congress.domain.decisions.models import Candidate, Election, Headcount, Motion, RollCall, Vote
from congress.domain.decisions.queries import accredited_by_delegation, present_by_delegation
from congress.domain.events.models import Event
from congress.domain.events.services import EventScoped
from congress.domain.people.services import PositionService
from congress.domain.programme.models import AgendaItem, PresidiumSeat, Session
from congress.domain.programme.services import SessionScoped
from congress.domain.registration.models import Delegation
from congress.errors import Conflict, FieldError, Invalid


class DecisionService:
    write_roles: ClassVar[frozenset[Role]] = DECISION_WRITERS
    read_roles: ClassVar[frozenset[Role] | None] = DECISION_READERS


async def _place(service: EntityService[Any], values: dict[str, Any]) -> None:
    """An agenda item (and the session) must be of the event; the item gives the session."""
    if values.get("agenda_item_id") is not None:
        row = (
            await service.db.execute(
                select(AgendaItem.session_id, Session.event_id)
                .join(Session, Session.id == AgendaItem.session_id)
                .where(AgendaItem.id == values["agenda_item_id"])
            )
        ).first()
        if row is None or row[1] != values["event_id"]:
            raise Invalid.field("agenda_item_id", "the agenda item belongs to another event")
        values["session_id"] = row[0]
    if values.get("session_id") is not None:
        event_id = await service.db.scalar(
            select(Session.event_id).where(Session.id == values["session_id"])
        )
        if event_id != values["event_id"]:
            raise Invalid.field("session_id", "the session belongs to another event")


class MotionService(DecisionService, EventScoped, EntityService[Motion]):
    model = Motion
    kept_by = frozenset({"vote.motion_id"})

    async def validate(self, values: dict[str, Any], current: Motion | None) -> None:
        await _place(self, values)
        if values.get("amends_id") is not None:
            amended = await self.db.get(Motion, values["amends_id"])
            if amended is None or amended.event_id != values["event_id"]:
                raise Invalid.field("amends_id", "the amended motion belongs to another event")
            if current is not None and amended.id == current.id:
                raise Invalid.field("amends_id", "a motion cannot amend itself")
        elif values.get("kind") is MotionKind.AMENDMENT:
            raise Invalid.field("amends_id", "an amendment names the motion it amends")
        delegation_id = values.get("submitted_by_delegation_id")
        if delegation_id is not None:
            event_id = await self.db.scalar(
                select(Delegation.event_id).where(Delegation.id == delegation_id)
            )
            if event_id != values["event_id"]:
                raise Invalid.field(
                    "submitted_by_delegation_id", "the delegation belongs to another event"
                )
        status = values.get("status") or MotionStatus.SUBMITTED
        if status is MotionStatus.SUBMITTED:
            values["decided_at"] = None
        elif values.get("decided_at") is None:
            values["decided_at"] = utc_now()
        if status is MotionStatus.ADOPTED and not values.get("adopted_text"):
            values["adopted_text"] = values.get("text")


class ElectionService(DecisionService, EventScoped, EntityService[Election]):
    model = Election
    load = (selectinload(Election.candidates),)
    kept_by = frozenset({"vote.election_id"})

    async def validate(self, values: dict[str, Any], current: Election | None) -> None:
        await _place(self, values)
        if current is not None and "seats" in values:
            elected = sum(1 for candidate in current.candidates if candidate.elected)
            if values["seats"] < elected:
                raise Invalid.field("seats", f"{elected} candidates are elected already")

    async def create(self, values: dict[str, Any]) -> Election:
        candidates = values.pop("candidates", None) or []
        election = await super().create(values)
        await self._add_candidates(election, candidates)
        return await self._reload(election)

    async def update(self, item_id: int, values: dict[str, Any]) -> Election:
        candidates = values.pop("candidates", None)
        election = await super().update(item_id, values)
        if candidates is not None:
            await self._add_candidates(election, candidates)
            election = await self._reload(election)
        return election

    async def _add_candidates(self, election: Election, person_ids: list[int]) -> None:
        """Add the candidates not yet standing (candidates are never removed once voted on)."""
        standing = {candidate.person_id for candidate in election.candidates}
        service = CandidateService(self.db, self.user)
        for person_id in dict.fromkeys(person_ids):
            if person_id not in standing:
                await service.create({"election_id": election.id, "person_id": person_id})


class CandidateService(DecisionService, EntityService[Candidate]):
    model = Candidate

    async def event_id_for(self, instance: Candidate) -> int | None:
        return await self.db.scalar(
            select(Election.event_id).where(Election.id == instance.election_id)
        )


class RollCallService(DecisionService, SessionScoped, EntityService[RollCall]):
    model = RollCall
    order_by = ("taken_at", "id")
    kept_by = frozenset({"vote.roll_call_id"})

    async def validate(self, values: dict[str, Any], current: RollCall | None) -> None:
        """The figures come from the check-ins of the session (unless given per delegation)."""
        if current is not None:
            return
        session = await self.db.get(Session, values["session_id"])
        assert session is not None
        accredited = await accredited_by_delegation(self.db, session.event_id)
        present = await present_by_delegation(self.db, session.event_id, session.id)
        given = values.pop("present", None)
        if given is not None:
            errors = []
            for row in given:
                delegation_id = row["delegation_id"]
                if delegation_id not in accredited:
                    errors.append(FieldError("present", f"no delegation {delegation_id} here"))
                elif row["present"] > accredited[delegation_id]:
                    errors.append(
                        FieldError(
                            "present",
                            f"delegation {delegation_id} has {accredited[delegation_id]}"
                            f" accredited delegates, not {row['present']}",
                        )
                    )
                else:
                    present[delegation_id] = row["present"]
            if errors:
                raise Invalid("; ".join(error.message for error in errors), errors)
        total = sum(accredited.values())
        fraction = values.pop("quorum_fraction", None)
        count = values.pop("quorum_count", None)
        values["accredited"] = total
        values["present"] = sum(min(present.get(d, 0), n) for d, n in accredited.items())
        if count is None and not fraction:
            # The quorum the event requires, unless this roll call sets its own.
            event_quorum = await self.db.scalar(
                select(Event.quorum).where(Event.id == session.event_id)
            )
            values["quorum_rule"] = rules.rule_of_event(event_quorum)
        else:
            parsed = rules.parse_fraction(fraction) if fraction else None
            values["quorum_rule"] = (
                f"count {count}" if count is not None else f"more than {parsed or '1/2'}"
            )
        values["quorum"] = rules.quorum_of_rule(total, values["quorum_rule"])
        values["quorum_met"] = values["present"] >= values["quorum"]
        values["by_delegation"] = [
            {"delegation_id": d, "accredited": n, "present": min(present.get(d, 0), n)}
            for d, n in sorted(accredited.items())
        ]
        values.setdefault("taken_at", None)
        values["taken_at"] = values["taken_at"] or utc_now()
        values["recorded_by_id"] = self.user.id if self.user else None


class HeadcountService(DecisionService, SessionScoped, EntityService[Headcount]):
    model = Headcount
    order_by = ("session_id", "id")


# ---- votes -------------------------------------------------------------------------------------


class QuorumMissing(Invalid):
    title = "No quorum"


class VoteService(DecisionService, EntityService[Vote]):
    model = Vote
    order_by = ("round", "id")
    # What record() has read already: the roll call relied on, and the references it checked
    # (the target and its event, the roll call), which the generic check would ask for again.
    _roll_call: RollCall | None = None
    _checked: frozenset[str] = frozenset()

    async def event_id_for(self, instance: Vote) -> int | None:
        return instance.event_id

    async def _check_references(self, values: dict[str, Any], changed: set[str] | None) -> None:
        if changed is None and self._checked:
            changed = set(values) - self._checked
        await super()._check_references(values, changed)

    # -- recording ------------------------------------------------------------------------------

    async def record(self, target: Motion | Election, values: dict[str, Any]) -> Vote:
        """Record a vote on a motion or an election (its result computed here)."""
        self.require_write()
        if isinstance(target, Motion):
            values["motion_id"] = target.id
        else:
            values["election_id"] = target.id
        values["event_id"] = target.event_id
        await self._quorum(target, values)
        self._checked = frozenset({"event_id", "motion_id", "election_id", "roll_call_id"})
        try:
            vote = await self.create(values)
        finally:
            self._checked = frozenset()
        await self._consequences(target, vote)
        return vote

    async def correct(self, vote_id: int, values: dict[str, Any]) -> Vote:
        """New figures for a recorded vote, with the reason; the result follows them."""
        current = await self._get_for_write(vote_id)
        if current.election_id is not None:
            raise Conflict(
                "the figures of an election round are not corrected: record a further round"
            )
        vote = await self.update(vote_id, values)
        motion = await self.db.get(Motion, vote.motion_id)
        assert motion is not None
        await self._consequences(motion, vote)
        return vote

    async def _quorum(self, target: Motion | Election, values: dict[str, Any]) -> None:
        roll_call: RollCall | None = None
        if values.get("roll_call_id") is not None:
            found = (
                await self.db.execute(
                    select(RollCall, Session.event_id)
                    .join(Session, Session.id == RollCall.session_id)
                    .where(RollCall.id == values["roll_call_id"])
                )
            ).first()
            if found is None or found[1] != target.event_id:
                raise Invalid.field("roll_call_id", "no roll call of this event with this id")
            roll_call = found[0]
        elif target.session_id is not None:
            roll_call = (
                await self.db.execute(
                    select(RollCall)
                    .where(RollCall.session_id == target.session_id)
                    .order_by(RollCall.taken_at.desc(), RollCall.id.desc())
                    .limit(1)
                )
            ).scalar_one_or_none()
            if roll_call is not None:
                values["roll_call_id"] = roll_call.id
        self._roll_call = roll_call
        reason = (values.get("quorum_override_reason") or "").strip()
        if reason or values.get("presiding_chair_id") is not None:
            if not reason or values.get("presiding_chair_id") is None:
                raise Invalid(
                    "an override of the quorum gives a reason and names the presiding chair",
                    [
                        FieldError("quorum_override_reason", "needed for an override"),
                        FieldError("presiding_chair_id", "needed for an override"),
                    ],
                )
            session_id = roll_call.session_id if roll_call else target.session_id
            if session_id is not None:
                seated = await self.db.scalar(
                    select(PresidiumSeat.id).where(
                        PresidiumSeat.session_id == session_id,
                        PresidiumSeat.person_id == values["presiding_chair_id"],
                    )
                )
                has_presidium = await self.db.scalar(
                    select(PresidiumSeat.id).where(PresidiumSeat.session_id == session_id)
                )
                if has_presidium is not None and seated is None:
                    raise Invalid.field(
                        "presiding_chair_id", "the presiding chair sits on the session's presidium"
                    )
            return
        if roll_call is None:
            raise QuorumMissing.field(
                "roll_call_id",
                "no roll call: take one first, or override the quorum with a reason"
                " naming the presiding chair",
            )
        if not roll_call.quorum_met:
            figures = (
                f"{roll_call.present} of {roll_call.accredited} accredited delegates present,"
                f" quorum {roll_call.quorum}"
            )
            raise QuorumMissing(
                f"no quorum: {figures}",
                [
                    FieldError("roll_call_id", f"no quorum: {figures}"),
                    FieldError("present", str(roll_call.present)),
                    FieldError("accredited", str(roll_call.accredited)),
                    FieldError("quorum", str(roll_call.quorum)),
                ],
            )

    async def validate(self, values: dict[str, Any], current: Vote | None) -> None:
        if current is not None and not (values.get("correction_reason") or "").strip():
            raise Invalid.field("correction_reason", "a correction gives its reason")
        if values.get("taken_at") is None:
            values["taken_at"] = utc_now()
        values["recorded_by_id"] = self.user.id if self.user else None
        if values.get("motion_id") is not None:
            await self._motion_figures(values)
        else:
            await self._election_figures(values, current)

    async def _motion_figures(self, values: dict[str, Any]) -> None:
        event_id = values["event_id"]
        accredited = await accredited_by_delegation(self.db, event_id)
        values["votes_held"] = sum(accredited.values())
        roll_call = self._roll_call
        if roll_call is None or roll_call.id != values.get("roll_call_id"):
            roll_call = (
                await self.db.get(RollCall, values["roll_call_id"])
                if values.get("roll_call_id")
                else None
            )
        if values["method"] is VoteMethod.ROLL_CALL or values["method"] == VoteMethod.ROLL_CALL:
            present = (
                {row["delegation_id"]: row["present"] for row in roll_call.by_delegation}
                if roll_call is not None
                else accredited
            )
            rows = values.get("breakdown")
            if not rows:
                raise Invalid.field("breakdown", "a roll call gives each delegation's votes")
            errors: list[FieldError] = []
            seen: set[int] = set()
            breakdown = []
            for index, row in enumerate(rows):
                delegation_id = row["delegation_id"]
                where = f"breakdown[{index}]"
                if delegation_id not in accredited:
                    errors.append(FieldError(where, f"no delegation {delegation_id} at this event"))
                    continue
                if delegation_id in seen:
                    errors.append(FieldError(where, f"delegation {delegation_id} given twice"))
                    continue
                seen.add(delegation_id)
                held = row.get("held")
                if held is None:
                    held = present.get(delegation_id, 0)
                elif held > accredited[delegation_id]:
                    errors.append(
                        FieldError(
                            where,
                            f"delegation {delegation_id} holds at most"
                            f" {accredited[delegation_id]} votes (its accredited delegates)",
                        )
                    )
                    continue
                given = row["votes_for"] + row["votes_against"] + row["abstaining"]
                if given > held:
                    errors.append(
                        FieldError(
                            where,
                            f"delegation {delegation_id} holds {held} votes, {given} were given",
                        )
                    )
                    continue
                breakdown.append(
                    {
                        "delegation_id": delegation_id,
                        "held": held,
                        "votes_for": row["votes_for"],
                        "votes_against": row["votes_against"],
                        "abstaining": row["abstaining"],
                    }
                )
            if errors:
                raise Invalid("; ".join(f"{e.field}: {e.message}" for e in errors[:20]), errors)
            values["breakdown"] = breakdown
            values["votes_for"] = sum(row["votes_for"] for row in breakdown)
            values["votes_against"] = sum(row["votes_against"] for row in breakdown)
            values["abstentions"] = sum(row["abstaining"] for row in breakdown)
            values["spoilt"] = 0
        else:
            values["breakdown"] = None
            base = roll_call.present if roll_call is not None else values["votes_held"]
            given = (
                values["votes_for"]
                + values["votes_against"]
                + values["abstentions"]
                + values["spoilt"]
            )
            if given > base:
                raise Invalid.field(
                    "votes_for",
                    f"{given} votes and ballots, but only {base} delegates"
                    + (" were present" if roll_call is not None else " hold votes"),
                )
        values["tally"] = None
        values["elected"] = None
        adopted = rules.adopted(
            values["majority"], values["votes_for"], values["votes_against"], values["votes_held"]
        )
        values["result"] = VoteResult.ADOPTED if adopted else VoteResult.REJECTED

    async def _election_figures(self, values: dict[str, Any], current: Vote | None) -> None:
        if values["method"] == VoteMethod.ROLL_CALL:
            raise Invalid.field("method", "an election takes totals per candidate")
        election = (
            await self.db.execute(
                select(Election)
                .where(Election.id == values["election_id"])
                .options(selectinload(Election.candidates))
            )
        ).scalar_one()
        if election.status is ElectionStatus.DECIDED and current is None:
            raise Conflict("every seat of this election is filled")
        standing = {c.id: c for c in election.candidates if not c.elected}
        open_seats = election.seats - (len(election.candidates) - len(standing))
        tally = {int(key): int(votes) for key, votes in (values.get("tally") or {}).items()}
        ballots = values["ballots"]
        errors = [
            FieldError(f"tally.{candidate}", "not a candidate still standing in this election")
            for candidate in tally
            if candidate not in standing
        ]
        errors += [
            FieldError(f"tally.{candidate}", f"{votes} votes but only {ballots} ballots")
            for candidate, votes in tally.items()
            if votes > ballots
        ]
        if sum(tally.values()) > ballots * open_seats:
            errors.append(
                FieldError(
                    "tally",
                    f"each ballot marks at most {open_seats} candidates:"
                    f" {sum(tally.values())} votes on {ballots} ballots",
                )
            )
        accredited = await accredited_by_delegation(self.db, values["event_id"])
        values["votes_held"] = sum(accredited.values())
        if ballots + values["spoilt"] > max(values["votes_held"], 0) and values["votes_held"]:
            errors.append(
                FieldError(
                    "ballots",
                    f"{ballots + values['spoilt']} ballots for {values['votes_held']} votes",
                )
            )
        if errors:
            raise Invalid("; ".join(f"{e.field}: {e.message}" for e in errors), errors)
        outcome = rules.elect(open_seats, election.threshold_percent, ballots, tally)
        values["tally"] = {str(key): votes for key, votes in tally.items()}
        values["elected"] = outcome.elected
        values["breakdown"] = None
        values["votes_for"] = values["votes_against"] = values["abstentions"] = 0
        values["result"] = (
            VoteResult.ELECTED if outcome.open_seats == 0 else VoteResult.FURTHER_ROUND
        )

    async def _consequences(self, target: Motion | Election, vote: Vote) -> None:
        if isinstance(target, Motion):
            status = (
                MotionStatus.ADOPTED if vote.result is VoteResult.ADOPTED else MotionStatus.REJECTED
            )
            await MotionService(self.db, self.user).update(
                target.id, {"status": status, "decided_at": vote.taken_at}
            )
            return
        election = await ElectionService(self.db, self.user).get(target.id)
        candidates = {candidate.id: candidate for candidate in election.candidates}
        positions = PositionService(self.db, self.user)
        candidate_service = CandidateService(self.db, self.user)
        for candidate_id in vote.elected or []:
            candidate = candidates[candidate_id]
            position = await positions.create(
                {
                    "person_id": candidate.person_id,
                    "organization_id": election.body_id,
                    "title": election.position_title or election.title,
                    "start_date": _date_of(vote.taken_at),
                }
            )
            await candidate_service.update(
                candidate.id, {"elected": True, "position_id": position.id}
            )
        values: dict[str, Any] = {}
        if vote.result is VoteResult.ELECTED:
            values = {"status": ElectionStatus.DECIDED, "decided_at": vote.taken_at}
        if values:
            await ElectionService(self.db, self.user).update(election.id, values)


def _date_of(moment: dt.datetime) -> dt.date:
    return moment.date()
