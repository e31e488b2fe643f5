"""Decisions over HTTP on the demo event: roll calls from the check-ins, votes by delegation
with the majority rules, quorum refused and overridden, corrections kept in the history,
elections creating positions, headcounts; each role's door."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.accounts.models import AuditEntry
from congress.domain.checkin.enums import AttendanceState
from congress.domain.checkin.models import Attendance
from congress.domain.people.models import Organization, Person, Position
from congress.domain.programme.models import PresidiumSeat, Session
from congress.domain.registration.enums import ParticipantCategory, ParticipantStatus
from congress.domain.registration.models import Delegation, Participant

Headers = dict[Role, dict[str, str]]


async def _plenary(db: AsyncSession, event_id: int) -> Session:
    """The demo's sitting with the most delegates checked in (the first plenary)."""
    session_id = await db.scalar(
        select(Attendance.session_id)
        .join(Session, Session.id == Attendance.session_id)
        .where(Session.event_id == event_id)
        .group_by(Attendance.session_id)
        .order_by(func.count().desc(), Attendance.session_id.desc())
        .limit(1)
    )
    session = await db.get(Session, session_id)
    assert session is not None
    return session


async def _expected_presence(
    db: AsyncSession, event_id: int, session_id: int
) -> dict[int, tuple[int, int]]:
    """Per delegation (accredited voting delegates, present ones), counted independently."""
    rows = (
        await db.execute(
            select(
                Participant.id, Participant.delegation_id, Participant.status, Participant.category
            ).where(Participant.event_id == event_id)
        )
    ).all()
    present = set(
        (
            await db.execute(
                select(Attendance.participant_id).where(
                    Attendance.session_id == session_id, Attendance.state == AttendanceState.PRESENT
                )
            )
        ).scalars()
    )
    delegations = (
        await db.execute(select(Delegation.id).where(Delegation.event_id == event_id))
    ).scalars()
    figures = {delegation_id: [0, 0] for delegation_id in delegations}
    for participant_id, delegation_id, status, category in rows:
        if delegation_id is None or category not in (
            ParticipantCategory.DELEGATE,
            ParticipantCategory.MEMBER,
        ):
            continue
        if status not in (ParticipantStatus.ACCREDITED, ParticipantStatus.CHECKED_IN):
            continue
        figures[delegation_id][0] += 1
        figures[delegation_id][1] += participant_id in present
    return {key: (value[0], value[1]) for key, value in figures.items()}


async def test_roll_call_vote_quorum_and_corrections(
    client: AsyncTestClient, db: AsyncSession, demo: Any, tokens: Headers
) -> None:
    organizer, registrar, editor = (
        tokens[Role.ORGANIZER],
        tokens[Role.REGISTRAR],
        tokens[Role.EDITOR],
    )
    session = await _plenary(db, demo.id)
    expected = await _expected_presence(db, demo.id, session.id)
    accredited = sum(total for total, _ in expected.values())
    present = sum(here for _, here in expected.values())
    assert accredited > 50 and present > accredited // 2  # the demo has a quorum

    # A roll call, counted from the check-ins.
    url = f"/api/v1/sessions/{session.id}/roll-calls"
    roll = await client.post(url, json={}, headers=organizer)
    assert roll.status_code == 201, roll.text
    roll_call = roll.json()
    assert (roll_call["accredited"], roll_call["present"]) == (accredited, present)
    assert roll_call["quorum"] == accredited // 2 + 1 and roll_call["quorum_met"] is True
    assert {
        row["delegation_id"]: (row["accredited"], row["present"])
        for row in roll_call["by_delegation"]
    } == expected
    assert (await client.post(url, json={}, headers=registrar)).status_code == 403
    assert (await client.get(url, headers=registrar)).json()["total"] == 1
    assert (await client.get(url)).status_code == 401

    # A motion on that sitting.
    motions = f"/api/v1/events/{demo.slug}/motions"
    created = await client.post(
        motions,
        json={
            "title": {
                "en": "Resolution on youth exchanges",
                "ru": "Резолюция о молодёжных обменах",
            },
            "text": {"en": "The congress resolves to <b>double</b> youth exchanges."},
            "session_id": session.id,
            "kind": "resolution",
        },
        headers=organizer,
    )
    assert created.status_code == 201, created.text
    motion = created.json()
    assert motion["status"] == "submitted" and motion["decided_at"] is None
    assert (
        await client.post(motions, json={"title": {"en": "x"}}, headers=registrar)
    ).status_code == 403
    assert (await client.get(f"/api/v1/motions/{motion['id']}", headers=editor)).status_code == 200
    amendment = await client.post(
        motions, json={"title": {"en": "Amendment"}, "kind": "amendment"}, headers=organizer
    )
    assert amendment.status_code == 422 and "amends" in amendment.text

    # Each delegation: all present vote, one against where two or more are there.
    breakdown = [
        {
            "delegation_id": delegation_id,
            "votes_for": max(here - 1, 0) if here > 1 else here,
            "votes_against": 1 if here > 1 else 0,
        }
        for delegation_id, (_, here) in expected.items()
    ]
    votes_url = f"/api/v1/motions/{motion['id']}/votes"
    body = {"method": "roll_call", "majority": "two_thirds", "breakdown": breakdown}
    too_many = [dict(row) for row in breakdown]
    too_many[0]["votes_for"] += 1
    refused = await client.post(votes_url, json={**body, "breakdown": too_many}, headers=organizer)
    assert refused.status_code == 422 and "holds" in refused.json()["detail"]
    foreign = [*breakdown, {"delegation_id": 999999, "votes_for": 1}]
    refused = await client.post(votes_url, json={**body, "breakdown": foreign}, headers=organizer)
    assert refused.status_code == 422 and "no delegation 999999" in refused.json()["detail"]
    held_over = [{**breakdown[0], "held": expected[breakdown[0]["delegation_id"]][0] + 1}]
    refused = await client.post(votes_url, json={**body, "breakdown": held_over}, headers=organizer)
    assert refused.status_code == 422 and "at most" in refused.json()["detail"]

    vote = await client.post(votes_url, json=body, headers=organizer)
    assert vote.status_code == 201, vote.text
    figures = vote.json()
    votes_for = sum(row["votes_for"] for row in breakdown)
    against = sum(row["votes_against"] for row in breakdown)
    assert (figures["votes_for"], figures["votes_against"], figures["abstentions"]) == (
        votes_for,
        against,
        0,
    )
    assert figures["votes_held"] == accredited and figures["roll_call_id"] == roll_call["id"]
    assert figures["result"] == (
        "adopted" if 3 * votes_for >= 2 * (votes_for + against) else "rejected"
    )
    assert [row["held"] for row in figures["breakdown"]] == [
        expected[r["delegation_id"]][1] for r in breakdown
    ]
    decided = (await client.get(f"/api/v1/motions/{motion['id']}", headers=editor)).json()
    assert decided["status"] == figures["result"] and decided["decided_at"] is not None
    assert decided["adopted_text"] == (motion["text"] if figures["result"] == "adopted" else None)

    # Sent twice: counts once.
    again = await client.post(votes_url, json=body, headers=organizer)
    assert again.status_code == 409, again.text
    listed = await client.get(votes_url, headers=registrar)
    assert listed.status_code == 200 and len(listed.json()) == 1
    assert (await client.post(votes_url, json=body, headers=registrar)).status_code == 403
    assert (await client.get(votes_url)).status_code == 401

    # A correction: the result follows the new figures, the old ones stay in the history.
    vote_url = f"/api/v1/votes/{figures['id']}"
    corrected_rows = [
        {**row, "votes_for": 0, "votes_against": row["votes_for"] + row["votes_against"]}
        for row in breakdown
    ]
    no_reason = await client.patch(vote_url, json={"breakdown": corrected_rows}, headers=organizer)
    assert no_reason.status_code == 422
    corrected = await client.patch(
        vote_url,
        json={"breakdown": corrected_rows, "correction_reason": "Tellers swapped the columns"},
        headers=organizer,
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["votes_for"] == 0 and corrected.json()["result"] == "rejected"
    assert (await client.get(f"/api/v1/motions/{motion['id']}", headers=editor)).json()[
        "status"
    ] == "rejected"
    history = (
        (
            await db.execute(
                select(AuditEntry)
                .where(AuditEntry.entity == "vote", AuditEntry.entity_id == figures["id"])
                .order_by(AuditEntry.id)
            )
        )
        .scalars()
        .all()
    )
    assert [entry.action.value for entry in history] == ["create", "update"]
    assert history[1].before is not None and history[1].before["votes_for"] == votes_for
    assert (
        history[1].after is not None
        and history[1].after["correction_reason"] == "Tellers swapped the columns"
    )

    # No quorum: refused with the figures, unless overridden naming the presiding chair.
    strict = await client.post(url, json={"quorum_count": accredited + 1}, headers=organizer)
    assert strict.json()["quorum_met"] is False
    second = await client.post(
        motions,
        json={"title": {"en": "Procedural motion"}, "session_id": session.id, "kind": "procedural"},
        headers=organizer,
    )
    hands = {"method": "show_of_hands", "votes_for": 30, "votes_against": 3, "abstentions": 2}
    refused = await client.post(
        f"/api/v1/motions/{second.json()['id']}/votes", json=hands, headers=organizer
    )
    assert refused.status_code == 422
    problem = refused.json()
    assert (
        problem["detail"]
        == f"no quorum: {present} of {accredited} accredited delegates present, quorum {accredited + 1}"
    )
    assert {error["field"]: error["message"] for error in problem["errors"]}["quorum"] == str(
        accredited + 1
    )
    chair_id = await db.scalar(
        select(PresidiumSeat.person_id).where(PresidiumSeat.session_id == session.id).limit(1)
    )
    if chair_id is None:  # the sitting's chair takes the presidium
        chair_id = await db.scalar(select(Person.id).order_by(Person.id.desc()).limit(1))
        seat = await client.post(
            f"/api/v1/sessions/{session.id}/presidium-seats",
            json={"seat_number": 1, "person_id": chair_id, "role": "chair"},
            headers=organizer,
        )
        assert seat.status_code == 201, seat.text
    outsider = await db.scalar(
        select(Person.id)
        .where(
            Person.id.not_in(
                select(PresidiumSeat.person_id).where(PresidiumSeat.session_id == session.id)
            )
        )
        .limit(1)
    )
    only_reason = {**hands, "quorum_override_reason": "Delegates in the corridor"}
    assert (
        await client.post(
            f"/api/v1/motions/{second.json()['id']}/votes", json=only_reason, headers=organizer
        )
    ).status_code == 422
    not_chair = {**only_reason, "presiding_chair_id": outsider}
    refused = await client.post(
        f"/api/v1/motions/{second.json()['id']}/votes", json=not_chair, headers=organizer
    )
    assert refused.status_code == 422 and "presidium" in refused.text
    overridden = await client.post(
        f"/api/v1/motions/{second.json()['id']}/votes",
        json={**only_reason, "presiding_chair_id": chair_id},
        headers=organizer,
    )
    assert overridden.status_code == 201, overridden.text
    assert overridden.json()["quorum_override_reason"] == "Delegates in the corridor"
    assert (
        overridden.json()["presiding_chair_id"] == chair_id
        and overridden.json()["result"] == "adopted"
    )
    # Show of hands: never more hands than delegates present.
    third = await client.post(
        motions, json={"title": {"en": "Third"}, "session_id": session.id}, headers=organizer
    )
    many = {**hands, "votes_for": present + 1, "roll_call_id": roll_call["id"]}
    refused = await client.post(
        f"/api/v1/motions/{third.json()['id']}/votes", json=many, headers=organizer
    )
    assert refused.status_code == 422 and f"only {present} delegates were present" in refused.text


async def test_election_rounds_create_positions(
    client: AsyncTestClient, db: AsyncSession, demo: Any, tokens: Headers
) -> None:
    organizer = tokens[Role.ORGANIZER]
    session = await _plenary(db, demo.id)
    assert (
        await client.post(f"/api/v1/sessions/{session.id}/roll-calls", json={}, headers=organizer)
    ).status_code == 201
    body_id = await db.scalar(select(Organization.id).limit(1))
    people = list((await db.execute(select(Person.id).order_by(Person.id).limit(4))).scalars())
    created = await client.post(
        f"/api/v1/events/{demo.slug}/elections",
        json={
            "title": {"en": "Election of the Coordination Committee"},
            "position_title": {"en": "Member of the Coordination Committee"},
            "body_id": body_id,
            "seats": 2,
            "session_id": session.id,
            "candidates": [*people, people[0]],
        },
        headers=organizer,
    )
    assert created.status_code == 201, created.text
    election = created.json()
    candidates = {c["person_id"]: c["id"] for c in election["candidates"]}
    assert list(candidates) == people
    url = f"/api/v1/elections/{election['id']}/votes"
    first_round = {
        "method": "secret_ballot",
        "ballots": 40,
        "spoilt": 1,
        "tally": {
            str(candidates[people[0]]): 30,
            str(candidates[people[1]]): 21,
            str(candidates[people[2]]): 21,
            str(candidates[people[3]]): 5,
        },
    }
    too_many = {**first_round, "tally": {str(candidates[people[0]]): 41}}
    assert (await client.post(url, json=too_many, headers=organizer)).status_code == 422
    one = await client.post(url, json=first_round, headers=organizer)
    assert one.status_code == 201, one.text
    assert one.json()["result"] == "further_round" and one.json()["elected"] == [
        candidates[people[0]]
    ]
    # The elected holds the position from the day of the decision.
    position = (
        (
            await db.execute(
                select(Position)
                .where(Position.person_id == people[0], Position.organization_id == body_id)
                .order_by(Position.id.desc())
            )
        )
        .scalars()
        .first()
    )
    assert position is not None and position.title == {"en": "Member of the Coordination Committee"}
    assert (
        position.start_date is not None
        and position.start_date.isoformat() == one.json()["taken_at"][:10]
    )
    # The elected cannot be voted on again; the tied go to a second round.
    again = {
        "method": "secret_ballot",
        "round": 2,
        "ballots": 40,
        "tally": {str(candidates[people[0]]): 10},
    }
    assert (await client.post(url, json=again, headers=organizer)).status_code == 422
    second = {
        "method": "secret_ballot",
        "round": 2,
        "ballots": 40,
        "tally": {str(candidates[people[1]]): 25, str(candidates[people[2]]): 15},
    }
    two = await client.post(url, json=second, headers=organizer)
    assert two.status_code == 201 and two.json()["result"] == "elected"
    final = (
        await client.get(f"/api/v1/elections/{election['id']}", headers=tokens[Role.EDITOR])
    ).json()
    assert final["status"] == "decided"
    assert {c["person_id"]: c["elected"] for c in final["candidates"]} == {
        people[0]: True,
        people[1]: True,
        people[2]: False,
        people[3]: False,
    }
    assert all(c["position_id"] for c in final["candidates"] if c["elected"])
    closed = await client.post(url, json={**second, "round": 3}, headers=organizer)
    assert closed.status_code == 409


async def test_headcounts(
    client: AsyncTestClient, db: AsyncSession, demo: Any, tokens: Headers
) -> None:
    organizer = tokens[Role.ORGANIZER]
    session = await _plenary(db, demo.id)
    url = f"/api/v1/sessions/{session.id}/headcounts"
    press = await client.post(
        url,
        json={"category": "press", "count": 12, "note": {"en": "from five countries"}},
        headers=organizer,
    )
    assert press.status_code == 201, press.text
    assert (
        await client.post(url, json={"category": "press", "count": 0}, headers=organizer)
    ).status_code == 422
    assert (
        await client.post(url, json={"category": "spies", "count": 1}, headers=organizer)
    ).status_code == 422
    assert (
        await client.post(
            url, json={"category": "guests", "count": 40}, headers=tokens[Role.EDITOR]
        )
    ).status_code == 403
    listed = await client.get(url, headers=tokens[Role.REGISTRAR])
    assert [(h["category"], h["count"]) for h in listed.json()["items"]] == [("press", 12)]
    assert (
        await client.get(url, params={"category": "guests"}, headers=tokens[Role.REGISTRAR])
    ).json()["total"] == 0


async def test_the_event_quorum_applies_where_a_roll_call_sets_none(
    client: AsyncTestClient, db: AsyncSession, demo: Any, tokens: Headers
) -> None:
    """The quorum the event requires (a number of delegates or a share of the accredited to
    exceed) is set on the event, through the API and the event's form; a roll call that sets
    none takes it, one that sets its own keeps that, and the live figure follows it."""
    from tests.conftest import log_in, make_staff, post_form

    organizer = tokens[Role.ORGANIZER]
    event_url = f"/api/v1/events/{demo.slug}"
    session = await _plenary(db, demo.id)
    expected = await _expected_presence(db, demo.id, session.id)
    accredited = sum(total for total, _ in expected.values())
    rolls = f"/api/v1/sessions/{session.id}/roll-calls"

    # Refused with the field and the reason; nothing changes.
    for bad in ("two thirds", "3/2", "0", "-1", "1/0"):
        refused = await client.patch(event_url, json={"quorum": bad}, headers=organizer)
        if bad == "0":  # a number of delegates: zero is a number (no quorum at all)
            assert refused.status_code == 200, refused.text
            continue
        assert refused.status_code == 422, (bad, refused.text)
        assert [error["field"] for error in refused.json()["errors"]] == ["quorum"], refused.text
    assert (await client.get(event_url)).json()["quorum"] == "0"

    async def roll_call(**given: Any) -> dict[str, Any]:
        answer = await client.post(rolls, json=given, headers=organizer)
        assert answer.status_code == 201, answer.text
        return dict(answer.json())

    # A share: more than three quarters of the accredited delegates.
    changed = await client.patch(event_url, json={"quorum": "0.75"}, headers=organizer)
    assert changed.status_code == 200 and changed.json()["quorum"] == "3/4", changed.text
    taken = await roll_call()
    assert taken["quorum_rule"] == "more than 3/4"
    assert taken["quorum"] == accredited * 3 // 4 + 1
    # A roll call's own rule wins over the event's.
    assert (await roll_call(quorum_count=5))["quorum"] == 5
    # A number of delegates.
    await client.patch(event_url, json={"quorum": " 40 "}, headers=organizer)
    assert (await roll_call())["quorum"] == 40
    # Cleared: more than half.
    await client.patch(event_url, json={"quorum": ""}, headers=organizer)
    assert (await client.get(event_url)).json()["quorum"] is None
    assert (await roll_call())["quorum"] == accredited // 2 + 1

    # A session without a roll call shows the event's quorum live.
    quiet = await db.scalar(
        select(Session.id)
        .where(Session.event_id == demo.id, Session.id != session.id)
        .order_by(Session.id)
        .limit(1)
    )
    staff, _ = await make_staff(db, Role.ORGANIZER)
    await log_in(client, staff.email)
    await client.patch(event_url, json={"quorum": "12"}, headers=organizer)
    live = await client.get(f"/manage/sessions/{quiet}/decisions/quorum")
    assert live.status_code == 200 and live.json()["quorum"] == 12, live.text

    # The event's form: a wrong quorum is told beside the field and what was typed stays.
    form = {
        "name.en": demo.name["en"],
        "slug": demo.slug,
        "start_date": demo.start_date.isoformat(),
        "end_date": demo.end_date.isoformat(),
        "timezone": demo.timezone,
        "languages_text": " ".join(demo.languages),
        "status": demo.status.value,
        "quorum": "two thirds",
    }
    page = await post_form(client, f"/manage/events/{demo.slug}/edit", form)
    assert page.status_code == 422
    assert "Enter a number of delegates, such as 31, or a share" in page.text
    assert 'value="two thirds"' in page.text
    assert (await client.get(event_url)).json()["quorum"] == "12"
    saved = await post_form(client, f"/manage/events/{demo.slug}/edit", {**form, "quorum": "2/3"})
    assert saved.status_code == 303, saved.text
    assert (await client.get(event_url)).json()["quorum"] == "2/3"
    edit = await client.get(f"/manage/events/{demo.slug}/edit", headers={"accept": "text/html"})
    assert 'value="2/3"' in edit.text
